//! Giấy chứng nhận đăng ký hộ kinh doanh — TT 68/2025/TT-BTC Phụ lục II **Mẫu số 7** (NĐ 168/2025
//! art. 85): the certificate the commune's business-registration office issues on a registration or a
//! change, which is also the business's tax registration certificate. Items as the form numbers them
//! (LEGAL-FACTS §3.7): the code and registration count, 1. names, 2. seat, 3. business lines,
//! 4. capital, 5. founder, 6. owner, 7. household members; then the signature and the QR code of the
//! verification URL. Optional items the business did not declare (foreign name, abbreviation, e-mail,
//! website) are left out; the phone and fax line is always printed.

use domain::{
    Lang, Procedure,
    documents::{CertificatePerson, DocumentKind, HkdCertificate},
    forms::hkd_registration::Founder,
    text,
};

use super::{
    common::{self, address_line, dmy, long_date, present},
    layout::{self, Block, Column},
};

/// The certificate as an A4 PDF in Vietnamese (one page when it fits, more when there are many lines
/// or members), with the embedded font and the QR code of its verification URL.
///
/// # Errors
/// When the verification URL is too long for a QR code or the embedded font cannot be subset.
pub fn certificate_pdf(cert: &HkdCertificate) -> anyhow::Result<Vec<u8>> {
    let mut blocks = blocks(cert);
    blocks.push(Block::Gap(0.5));
    blocks.push(common::verify_block(&cert.verify_url, "Giấy chứng nhận")?);
    let title = format!(
        "Giấy chứng nhận đăng ký hộ kinh doanh {}",
        text::canonical(&cert.hkd_code)
    );
    layout::render_document(&blocks, &title)
}

fn blocks(cert: &HkdCertificate) -> Vec<Block> {
    let kind = DocumentKind::HkdCertificate;
    let mut out: Vec<Block> = kind
        .form(Procedure::HkdRegistration)
        .map(|f| Block::FormMark(f.to_owned()))
        .into_iter()
        .collect();
    out.extend([
        Block::Header {
            parent: present(cert.issuer.parent.as_deref()),
            agency: text::canonical(&cert.issuer.name),
            number: None,
            summary: None,
            place_date: None,
        },
        Block::Title(vec![kind.name(Lang::Vi).to_uppercase()]),
        Block::Centered(format!(
            "Mã số hộ kinh doanh: {}",
            text::canonical(&cert.hkd_code)
        )),
        Block::Centered(format!(
            "Đăng ký lần đầu, {}",
            long_date(cert.registration.first_on)
        )),
    ]);
    if let Some((number, date)) = cert.registration.change {
        out.push(Block::Centered(format!(
            "Đăng ký thay đổi lần thứ {number}, {}",
            long_date(date)
        )));
    }
    out.extend([
        Block::Gap(0.5),
        Block::Heading("1. Tên hộ kinh doanh".to_owned()),
        Block::entry(
            "Tên hộ kinh doanh viết bằng tiếng Việt",
            text::canonical(&cert.name).to_uppercase(),
        ),
    ]);
    if let Some(foreign) = present(cert.foreign_name.as_deref()) {
        out.push(Block::entry(
            "Tên hộ kinh doanh viết bằng tiếng nước ngoài",
            foreign,
        ));
    }
    if let Some(abbreviation) = present(cert.abbreviation.as_deref()) {
        out.push(Block::entry("Tên hộ kinh doanh viết tắt", abbreviation));
    }

    let or_blank = |v: Option<&str>| present(v).unwrap_or_default();
    out.extend([
        Block::Heading("2. Trụ sở của hộ kinh doanh".to_owned()),
        Block::entry(
            "Số nhà/phòng, ngách/hẻm, ngõ/kiệt, đường/phố/đại lộ, tổ/xóm/ấp/thôn",
            text::canonical(&cert.seat.street),
        ),
        Block::entry("Xã/Phường/Đặc khu", text::canonical(&cert.seat.commune)),
        Block::entry(
            "Tỉnh/Thành phố trực thuộc trung ương",
            text::canonical(&cert.seat.province),
        ),
        Block::Columns(vec![
            ("Điện thoại".to_owned(), or_blank(cert.phone.as_deref())),
            ("Fax".to_owned(), or_blank(cert.fax.as_deref())),
        ]),
    ]);
    let online: Vec<(String, String)> = [("Thư điện tử", &cert.email), ("Website", &cert.website)]
        .into_iter()
        .filter_map(|(label, value)| Some((label.to_owned(), present(value.as_deref())?)))
        .collect();
    if !online.is_empty() {
        out.push(Block::Columns(online));
    }

    out.push(Block::Heading("3. Ngành, nghề kinh doanh".to_owned()));
    out.push(Block::Table {
        columns: vec![
            Column::new("STT", 0.08, true),
            Column::new("Tên ngành", 0.70, false),
            Column::new("Mã ngành", 0.22, true),
        ],
        points: 10.0,
        rows: cert
            .business_lines
            .iter()
            .enumerate()
            .map(|(i, line)| {
                let code = present(line.code.as_deref()).unwrap_or_default();
                let code = if line.main {
                    format!("{code} (Chính)").trim_start().to_owned()
                } else {
                    code
                };
                vec![(i + 1).to_string(), text::canonical(&line.name), code]
            })
            .collect(),
    });

    out.push(Block::field(
        "4. Vốn kinh doanh",
        format!(
            "{} đồng ({})",
            cert.capital.grouped(),
            cert.capital.in_words(Lang::Vi)
        ),
    ));
    out.push(Block::field(
        "5. Chủ thể thành lập hộ kinh doanh",
        match cert.founder {
            Founder::Individual => "Cá nhân",
            Founder::Household => "Các thành viên hộ gia đình",
        }
        .to_owned(),
    ));
    out.push(Block::Heading(
        "6. Thông tin về chủ hộ kinh doanh".to_owned(),
    ));
    out.extend(owner(&cert.owner));

    if cert.founder == Founder::Household && !cert.members.is_empty() {
        out.push(Block::Heading(
            "7. Thông tin về các thành viên hộ gia đình đăng ký hộ kinh doanh".to_owned(),
        ));
        out.push(members(&cert.members));
    }
    out.push(Block::Gap(0.6));
    out.push(common::signature(&cert.signer, Vec::new()));
    out
}

/// Item 6: the owner's details, the known ones.
fn owner(person: &CertificatePerson) -> Vec<Block> {
    let mut birth_row = vec![("Sinh ngày".to_owned(), dmy(person.birth_date))];
    if let Some(ethnicity) = present(person.ethnicity.as_deref()) {
        birth_row.push(("Dân tộc".to_owned(), ethnicity));
    }
    if let Some(nationality) = present(person.nationality.as_deref()) {
        birth_row.push(("Quốc tịch".to_owned(), nationality));
    }
    let mut out = vec![
        Block::Columns(vec![
            (
                "Họ và tên".to_owned(),
                text::canonical(&person.full_name).to_uppercase(),
            ),
            (
                "Giới tính".to_owned(),
                person.gender.label(Lang::Vi).to_owned(),
            ),
        ]),
        Block::Columns(birth_row),
        Block::entry("Số định danh cá nhân", text::canonical(&person.id_number)),
    ];
    if let Some(address) = &person.permanent_address {
        out.push(Block::entry("Nơi thường trú", address_line(address)));
    }
    if let Some(address) = &person.current_address {
        out.push(Block::entry("Nơi ở hiện tại", address_line(address)));
    }
    out
}

/// Item 7: the household members as the form's table.
fn members(members: &[CertificatePerson]) -> Block {
    let address =
        |a: Option<&domain::forms::common::Address>| a.map(address_line).unwrap_or_default();
    Block::Table {
        columns: vec![
            // Wide enough for a date and a 12-digit number on one line at 8.5 points.
            Column::new("STT", 0.055, true),
            Column::new("Họ tên", 0.145, false),
            Column::new("Ngày, tháng, năm sinh", 0.13, true),
            Column::new("Số định danh cá nhân", 0.165, true),
            Column::new("Giới tính", 0.065, true),
            Column::new("Quốc tịch", 0.085, false),
            Column::new("Dân tộc", 0.075, false),
            Column::new("Nơi thường trú", 0.14, false),
            Column::new("Nơi ở hiện tại", 0.14, false),
        ],
        points: 8.5,
        rows: members
            .iter()
            .enumerate()
            .map(|(i, m)| {
                vec![
                    (i + 1).to_string(),
                    text::canonical(&m.full_name),
                    dmy(m.birth_date),
                    text::canonical(&m.id_number),
                    m.gender.label(Lang::Vi).to_owned(),
                    present(m.nationality.as_deref()).unwrap_or_default(),
                    present(m.ethnicity.as_deref()).unwrap_or_default(),
                    address(m.permanent_address.as_ref()),
                    address(m.current_address.as_ref()),
                ]
            })
            .collect(),
    }
}

#[cfg(test)]
pub(super) mod tests {
    use chrono::NaiveDate;
    use domain::{
        Gender, Vnd,
        documents::{CertificateLine, Issuer, RegistrationCount, Signer},
        forms::common::Address,
    };

    use super::{
        super::testing::{check, decode_qr, parse_pages},
        *,
    };

    pub(crate) const VERIFY_URL: &str = "https://motcua.quangngai.gov.vn/verify/GCN-21025-0001-2";

    pub(crate) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    pub(crate) fn address(street: &str) -> Address {
        Address {
            street: street.to_owned(),
            commune: "Xã Tịnh Khê".to_owned(),
            province: "Tỉnh Quảng Ngãi".to_owned(),
        }
    }

    pub(crate) fn commune_office() -> Issuer {
        Issuer {
            parent: Some("UBND xã Tịnh Khê".to_owned()),
            name: "Phòng Kinh tế".to_owned(),
        }
    }

    pub(crate) fn head_of_office() -> Signer {
        Signer {
            on_behalf: Some("KT. TRƯỞNG PHÒNG".to_owned()),
            unit_on_behalf: None,
            role: "PHÓ TRƯỞNG PHÒNG".to_owned(),
            name: "Trần Văn Hưởng".to_owned(),
        }
    }

    fn person(name: &str, gender: Gender, born: NaiveDate, id: &str) -> CertificatePerson {
        CertificatePerson {
            full_name: name.to_owned(),
            gender,
            birth_date: born,
            id_number: id.to_owned(),
            ethnicity: Some("Kinh".to_owned()),
            nationality: Some("Việt Nam".to_owned()),
            permanent_address: Some(address("Thôn Phú Lộc")),
            current_address: Some(address("Số 12 đường Lê Lợi, thôn Phú Lộc")),
        }
    }

    pub(crate) fn certificate() -> HkdCertificate {
        let owner = person(
            "Nguyễn Thị Ánh Tuyết",
            Gender::Female,
            date(1985, 3, 12),
            "051185000123",
        );
        HkdCertificate {
            issuer: commune_office(),
            hkd_code: "051185000123".to_owned(),
            registration: RegistrationCount {
                first_on: date(2026, 11, 23),
                change: Some((2, date(2027, 2, 5))),
            },
            name: "Hộ kinh doanh Bánh xèo Bà Tư".to_owned(),
            foreign_name: Some("BA TU PANCAKE HOUSEHOLD BUSINESS".to_owned()),
            abbreviation: Some("BA TU PANCAKE".to_owned()),
            seat: address("Số 12 đường Lê Lợi, thôn Phú Lộc"),
            phone: Some("0912345678".to_owned()),
            fax: None,
            email: Some("banhxeobatu@example.vn".to_owned()),
            website: None,
            business_lines: vec![
                CertificateLine {
                    name: "Nhà hàng và các dịch vụ ăn uống phục vụ lưu động".to_owned(),
                    code: Some("5610".to_owned()),
                    main: true,
                },
                CertificateLine {
                    name: "Dịch vụ phục vụ đồ uống".to_owned(),
                    code: Some("5630".to_owned()),
                    main: false,
                },
                CertificateLine {
                    name: "Bán lẻ bánh kẹo tự làm tại nhà".to_owned(),
                    code: None,
                    main: false,
                },
            ],
            capital: Vnd::new(150_000_000),
            founder: Founder::Household,
            members: vec![
                owner.clone(),
                person(
                    "Lê Văn Đức",
                    Gender::Male,
                    date(1983, 9, 30),
                    "051083000456",
                ),
            ],
            owner,
            signer: head_of_office(),
            verify_url: VERIFY_URL.to_owned(),
        }
    }

    #[test]
    fn the_certificate_has_every_item_of_mau_7_and_its_qr_code_leads_to_the_verify_url() {
        let pdf = certificate_pdf(&certificate()).expect("pdf");
        let (doc, text) = check(
            "1-giay-chung-nhan",
            &pdf,
            &[
                "Mẫu số 7 - Phụ lục II, Thông tư số 68/2025/TT-BTC",
                "UBND XÃ TỊNH KHÊ",
                "PHÒNG KINH TẾ",
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                "Độc lập - Tự do - Hạnh phúc",
                "GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH",
                "Mã số hộ kinh doanh: 051185000123",
                "Đăng ký lần đầu, ngày 23 tháng 11 năm 2026",
                "Đăng ký thay đổi lần thứ 2, ngày 05 tháng 02 năm 2027",
                "1. Tên hộ kinh doanh",
                "Tên hộ kinh doanh viết bằng tiếng Việt: HỘ KINH DOANH BÁNH XÈO BÀ TƯ",
                "Tên hộ kinh doanh viết bằng tiếng nước ngoài: BA TU PANCAKE HOUSEHOLD BUSINESS",
                "Tên hộ kinh doanh viết tắt: BA TU PANCAKE",
                "2. Trụ sở của hộ kinh doanh",
                "Số nhà/phòng, ngách/hẻm, ngõ/kiệt, đường/phố/đại lộ, tổ/xóm/ấp/thôn: Số 12 đường Lê Lợi, thôn Phú Lộc",
                "Xã/Phường/Đặc khu: Xã Tịnh Khê",
                "Tỉnh/Thành phố trực thuộc trung ương: Tỉnh Quảng Ngãi",
                "Điện thoại: 0912345678",
                "Fax:",
                "Thư điện tử: banhxeobatu@example.vn",
                "3. Ngành, nghề kinh doanh",
                "Nhà hàng và các dịch vụ ăn uống phục vụ lưu động",
                "5610 (Chính)",
                "Dịch vụ phục vụ đồ uống",
                "5630",
                "Bán lẻ bánh kẹo tự làm tại nhà",
                "4. Vốn kinh doanh: 150.000.000 đồng (Một trăm năm mươi triệu đồng)",
                "5. Chủ thể thành lập hộ kinh doanh: Các thành viên hộ gia đình",
                "6. Thông tin về chủ hộ kinh doanh",
                "Họ và tên: NGUYỄN THỊ ÁNH TUYẾT",
                "Giới tính: Nữ",
                "Sinh ngày: 12/03/1985",
                "Dân tộc: Kinh",
                "Quốc tịch: Việt Nam",
                "Số định danh cá nhân: 051185000123",
                "Nơi thường trú: Thôn Phú Lộc, Xã Tịnh Khê, Tỉnh Quảng Ngãi",
                "Nơi ở hiện tại: Số 12 đường Lê Lợi, thôn Phú Lộc, Xã Tịnh Khê, Tỉnh Quảng Ngãi",
                "7. Thông tin về các thành viên hộ gia đình đăng ký hộ kinh doanh",
                "Lê Văn Đức",
                "30/09/1983",
                "051083000456",
                "KT. TRƯỞNG PHÒNG",
                "PHÓ TRƯỞNG PHÒNG",
                "Trần Văn Hưởng",
                "Kiểm tra Giấy chứng nhận",
            ],
        );
        // The members' table takes this household's certificate onto a second page.
        assert_eq!(doc.get_pages().len(), 2);
        assert_eq!(decode_qr(&doc, 2), VERIFY_URL);
        assert!(text.replace(' ', "").contains(VERIFY_URL), "{text}");
        assert!(!text.contains("Website:"), "no website declared: {text}");
    }

    #[test]
    fn a_first_certificate_of_an_individual_has_no_change_count_and_no_members() {
        let cert = HkdCertificate {
            registration: RegistrationCount {
                first_on: date(2026, 11, 23),
                change: None,
            },
            founder: Founder::Individual,
            members: Vec::new(),
            foreign_name: None,
            abbreviation: None,
            email: None,
            ..certificate()
        };
        let (doc, text) = check(
            "1b-giay-chung-nhan-ca-nhan",
            &certificate_pdf(&cert).expect("pdf"),
            &["5. Chủ thể thành lập hộ kinh doanh: Cá nhân"],
        );
        assert_eq!(
            doc.get_pages().len(),
            1,
            "an individual's certificate is one page"
        );
        assert_eq!(decode_qr(&doc, 1), VERIFY_URL);
        for absent in [
            "Đăng ký thay đổi lần thứ",
            "7. Thông tin về các thành viên",
            "tiếng nước ngoài",
            "viết tắt",
            "Thư điện tử",
        ] {
            assert!(!text.contains(absent), "{absent:?} in:\n{text}");
        }
    }

    #[test]
    fn a_long_certificate_flows_onto_numbered_pages_with_the_qr_code_on_the_last() {
        let mut cert = certificate();
        cert.business_lines = (0..45)
            .map(|i| CertificateLine {
                name: format!("Ngành, nghề kinh doanh thứ {} của hộ kinh doanh", i + 1),
                code: Some(format!("{}", 4600 + i)),
                main: i == 0,
            })
            .collect();
        let pdf = certificate_pdf(&cert).expect("pdf");
        let (doc, text) = parse_pages(&pdf);
        let pages = doc.get_pages().len();
        assert!(pages >= 2, "{pages} pages");
        assert!(text.contains("thứ 45 của hộ kinh doanh"), "{text}");
        let last = u32::try_from(pages).expect("pages");
        assert_eq!(decode_qr(&doc, last), VERIFY_URL);
        let second = doc.extract_text(&[2]).expect("text");
        assert!(
            second.trim_start().starts_with('2'),
            "page number: {second}"
        );
        assert!(
            second.contains("Tên ngành"),
            "the table's header row again: {second}"
        );
    }

    #[test]
    fn an_overlong_verify_url_is_an_error_not_a_panic() {
        let cert = HkdCertificate {
            verify_url: "x".repeat(5_000),
            ..certificate()
        };
        let err = certificate_pdf(&cert).expect_err("too long");
        assert!(err.to_string().contains("QR"), "{err}");
    }
}
