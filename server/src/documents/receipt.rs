//! The receipt a citizen gets when a dossier is received: "Giấy tiếp nhận hồ sơ và hẹn trả kết quả".
//! For the three household-business procedures it follows TT 68/2025/TT-BTC Phụ lục II **Mẫu số 18**
//! (the online-filing receipt NĐ 168/2025 art. 112.3 prescribes); for other procedures (the promotion
//! notice) the one-stop shop's general **Mẫu số 01** of TT 03/2025/TT-VPCP Phụ lục I (LEGAL-FACTS §3.7,
//! §6.2). The wording of each line is here; [`super::layout`] sets it on the page.

use chrono::{DateTime, FixedOffset, NaiveDate, Timelike as _};
use domain::{
    Lang, Procedure, ProcessingTime, SoDienThoai, Vnd, api::FeeQuote, calendar::VIETNAM_OFFSET,
    text,
};
use serde::{Deserialize, Serialize};

use super::{
    common::{self, dmy},
    layout::{self, Block},
    qr,
};

/// Everything a receipt shows. Free texts (names, documents) are set in Unicode NFC with single spaces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptDocument {
    /// Mã hồ sơ, as issued (any configured format).
    pub code: String,
    /// The procedure; it chooses the form (see [`ReceiptForm::for_procedure`]).
    pub procedure: Procedure,
    /// The receiving agency, e.g. "Cơ quan đăng ký kinh doanh — UBND xã Tịnh Khê" or "Sở Công Thương
    /// tỉnh Quảng Ngãi".
    pub agency: String,
    /// The applicant (người nộp hồ sơ).
    pub applicant_name: String,
    /// The applicant's phone number (required for intake, NĐ 168/2025 art. 95.1).
    pub applicant_phone: SoDienThoai,
    /// What the dossier is about, when there is a name for it: the household business's name, or the
    /// promotion programme's name.
    pub subject: Option<String>,
    /// When the dossier was received; shown in Vietnam time whatever the offset.
    pub received_at: DateTime<FixedOffset>,
    /// The appointment date for the result; `None` when the procedure has no processing time (a
    /// promotion notice is only received: "Không có thời hạn giải quyết").
    pub due_date: Option<NaiveDate>,
    /// The fee: what this dossier pays and what it would pay at the counter (the difference is
    /// printed as the online reduction).
    pub fee: FeeQuote,
    /// The documents received, by name, in order.
    pub documents: Vec<String>,
    /// How the dossier was filed.
    pub channel: FilingChannel,
    /// Where the applicant looks the dossier up; drawn as a QR code and printed.
    pub lookup_url: String,
}

/// How a dossier was filed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilingChannel {
    /// By the applicant, online.
    Online,
    /// Online, by or with an officer at a public-administration service centre; the receipt has
    /// signature lines.
    Assisted,
}

impl FilingChannel {
    const fn describe(self) -> &'static str {
        match self {
            Self::Online => "Trực tuyến, qua ứng dụng motcua",
            Self::Assisted => {
                "Trực tuyến, với sự hỗ trợ của cán bộ Trung tâm Phục vụ hành chính công"
            }
        }
    }
}

/// The official form a receipt follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReceiptForm {
    /// TT 68/2025/TT-BTC Phụ lục II Mẫu số 18: household-business filings received online.
    Tt68Mau18,
    /// TT 03/2025/TT-VPCP Phụ lục I Mẫu số 01: the one-stop shop's general receipt.
    Tt03Mau01,
}

impl ReceiptForm {
    /// Mẫu 18 for the household-business procedures (NĐ 168/2025 prescribes its own receipts), Mẫu 01
    /// otherwise.
    #[must_use]
    pub const fn for_procedure(procedure: Procedure) -> Self {
        match procedure {
            Procedure::HkdRegistration | Procedure::HkdChange | Procedure::HkdTermination => {
                Self::Tt68Mau18
            }
            Procedure::PromotionNotice => Self::Tt03Mau01,
        }
    }

    /// The form's reference, as printed at the top of the page.
    #[must_use]
    pub const fn reference(self) -> &'static str {
        match self {
            Self::Tt68Mau18 => "Mẫu số 18 - Phụ lục II, Thông tư số 68/2025/TT-BTC",
            Self::Tt03Mau01 => "Mẫu số 01 - Phụ lục I, Thông tư số 03/2025/TT-VPCP",
        }
    }
}

impl ReceiptDocument {
    /// The form this receipt follows.
    #[must_use]
    pub const fn form(&self) -> ReceiptForm {
        ReceiptForm::for_procedure(self.procedure)
    }
}

/// The receipt as a one-page A4 PDF in Vietnamese, with the embedded font (subset) and the look-up QR code.
///
/// # Errors
/// When the look-up URL is too long for a QR code, the embedded font cannot be subset, or the text
/// does not fit on one page even in the smallest size (dozens of documents).
pub fn receipt_pdf(doc: &ReceiptDocument) -> anyhow::Result<Vec<u8>> {
    let qr = qr::matrix(&doc.lookup_url)
        .map_err(|e| anyhow::anyhow!("cannot draw the look-up URL as a QR code: {e}"))?;
    let title = format!("Giấy tiếp nhận hồ sơ và hẹn trả kết quả {}", doc.code);
    layout::render(&blocks(doc, qr), &title)
}

/// The receipt's content, block by block, in the order of its form.
fn blocks(doc: &ReceiptDocument, qr: qr::QrMatrix) -> Vec<Block> {
    let form = doc.form();
    let agency = text::canonical(&doc.agency);
    let subject_label = match doc.procedure {
        Procedure::PromotionNotice => "Tên chương trình khuyến mại",
        Procedure::HkdRegistration | Procedure::HkdChange | Procedure::HkdTermination => {
            "Tên hộ kinh doanh"
        }
    };
    let documents = doc
        .documents
        .iter()
        .enumerate()
        .map(|(i, name)| Block::Item {
            marker: format!("{}.", i + 1),
            text: format!("{} (bản điện tử)", text::canonical(name)),
        });
    let received = received_at(doc.received_at);
    let processing = processing_time(doc.procedure);
    let due = doc
        .due_date
        .map_or_else(|| "Không có thời hạn giải quyết".to_owned(), dmy);

    let mut out = vec![
        Block::FormMark(form.reference().to_owned()),
        Block::Header {
            parent: None,
            agency: agency.clone(),
            number: None,
            summary: None,
            place_date: Some(place_date(doc.received_at)),
        },
    ];
    match form {
        ReceiptForm::Tt68Mau18 => {
            out.extend([
                Block::Title(vec![
                    "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ".to_owned(),
                    "HỒ SƠ ĐĂNG KÝ HỘ KINH DOANH QUA MẠNG THÔNG TIN ĐIỆN TỬ".to_owned(),
                ]),
                Block::Centered(format!("Mã hồ sơ: {}", doc.code)),
                Block::Gap(0.4),
                Block::Paragraph(format!(
                    "{agency} đã tiếp nhận hồ sơ đăng ký hộ kinh doanh qua mạng thông tin điện tử \
                     như sau:"
                )),
                Block::field("Tên thủ tục", doc.procedure.name(Lang::Vi).to_owned()),
            ]);
            if let Some(subject) = &doc.subject {
                out.push(Block::field(subject_label, text::canonical(subject)));
            }
            out.extend([
                Block::field("Người nộp hồ sơ", text::canonical(&doc.applicant_name)),
                Block::field("Số điện thoại", doc.applicant_phone.to_string()),
                Block::field("Hình thức nộp", doc.channel.describe().to_owned()),
                Block::field("Thời điểm tiếp nhận", received),
                Block::field("Thành phần hồ sơ", String::new()),
            ]);
            out.extend(documents);
            out.extend([
                Block::field("Lệ phí", fee(doc.fee)),
                Block::field("Thời hạn giải quyết", processing),
                Block::field("Ngày hẹn trả kết quả", due),
            ]);
        }
        ReceiptForm::Tt03Mau01 => {
            let request = match &doc.subject {
                Some(subject) => format!(
                    "{}: {}",
                    doc.procedure.name(Lang::Vi),
                    text::canonical(subject)
                ),
                None => doc.procedure.name(Lang::Vi).to_owned(),
            };
            out.extend([
                Block::Title(vec!["GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ".to_owned()]),
                Block::Centered(format!("Mã hồ sơ: {}", doc.code)),
                Block::Gap(0.4),
                Block::field("Cơ quan tiếp nhận", agency.clone()),
                Block::field("Tiếp nhận hồ sơ của", text::canonical(&doc.applicant_name)),
                Block::field("Số điện thoại", doc.applicant_phone.to_string()),
                Block::field("Nội dung yêu cầu giải quyết", request),
                Block::field("1. Thành phần hồ sơ nộp gồm", String::new()),
            ]);
            out.extend(documents);
            out.extend([
                Block::field("2. Số lượng hồ sơ", "01 (bộ)".to_owned()),
                Block::field("3. Thời gian giải quyết hồ sơ theo quy định", processing),
                Block::field("4. Thời gian nhận hồ sơ", received),
                Block::field(
                    "5. Thời gian trả kết quả giải quyết hồ sơ",
                    match doc.due_date {
                        Some(date) => format!("ngày {}", dmy(date)),
                        None => "Không có (thủ tục không có kết quả giải quyết)".to_owned(),
                    },
                ),
                Block::field("6. Lệ phí", fee(doc.fee)),
                Block::field("7. Hình thức nộp", doc.channel.describe().to_owned()),
            ]);
        }
    }
    out.extend([
        Block::Gap(0.6),
        Block::Lookup {
            qr,
            heading: "Tra cứu tình trạng hồ sơ".to_owned(),
            hint: format!(
                "Quét mã QR hoặc mở địa chỉ dưới đây, nhập mã hồ sơ {} và số điện thoại đã khai.",
                doc.code
            ),
            url: doc.lookup_url.clone(),
        },
        Block::Gap(0.6),
    ]);
    match doc.channel {
        FilingChannel::Online => out.push(Block::Note(
            "Giấy tiếp nhận hồ sơ và hẹn trả kết quả này được tạo tự động khi hồ sơ được nộp \
             trực tuyến; không cần chữ ký, đóng dấu."
                .to_owned(),
        )),
        FilingChannel::Assisted => {
            out.push(Block::Note(
                "Giấy tiếp nhận hồ sơ và hẹn trả kết quả này được lập khi hồ sơ được nộp với sự \
                 hỗ trợ của cán bộ tiếp nhận."
                    .to_owned(),
            ));
            out.push(Block::Gap(0.6));
            out.push(Block::Signatures {
                left: (
                    "NGƯỜI NỘP HỒ SƠ".to_owned(),
                    "(Ký và ghi rõ họ tên)".to_owned(),
                ),
                right: (
                    "NGƯỜI TIẾP NHẬN HỒ SƠ".to_owned(),
                    "(Ký và ghi rõ họ tên)".to_owned(),
                ),
            });
        }
    }
    out
}

/// "14 giờ 05 phút, ngày 23/11/2026", in Vietnam time.
fn received_at(at: DateTime<FixedOffset>) -> String {
    let local = at.with_timezone(&VIETNAM_OFFSET);
    format!(
        "{:02} giờ {:02} phút, ngày {}",
        local.hour(),
        local.minute(),
        dmy(local.date_naive())
    )
}

/// "Quảng Ngãi, ngày 23 tháng 11 năm 2026", in Vietnam time.
fn place_date(at: DateTime<FixedOffset>) -> String {
    common::place_date(at.with_timezone(&VIETNAM_OFFSET).date_naive())
}

fn processing_time(procedure: Procedure) -> String {
    match procedure.processing_time() {
        ProcessingTime::WorkingDays(days) => {
            format!("{days:02} ngày làm việc kể từ ngày nhận hồ sơ")
        }
        ProcessingTime::ReceiptOnly => {
            "Không có thời hạn giải quyết (cơ quan chỉ tiếp nhận thông báo)".to_owned()
        }
    }
}

/// "50.000 đồng (Năm mươi nghìn đồng); đã giảm 50.000 đồng so với mức 100.000 đồng khi nộp trực tiếp".
fn fee(fee: FeeQuote) -> String {
    let paid = if fee.amount == Vnd::ZERO {
        "Không thu".to_owned()
    } else {
        format!(
            "{} đồng ({})",
            fee.amount.grouped(),
            fee.amount.in_words(Lang::Vi)
        )
    };
    match fee.counter_amount.dong().checked_sub(fee.amount.dong()) {
        Some(reduction) if reduction > 0 => format!(
            "{paid}; đã giảm {} đồng so với mức {} đồng khi nộp trực tiếp",
            Vnd::new(reduction).grouped(),
            fee.counter_amount.grouped()
        ),
        _ => paid,
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;
    use lopdf::Object;

    use super::{
        super::testing::{decode_qr, fonts, keep, parse},
        *,
    };

    const NO_FEE: FeeQuote = FeeQuote {
        amount: Vnd::ZERO,
        counter_amount: Vnd::ZERO,
    };

    const URL: &str = "https://motcua.quangngai.gov.vn/tra-cuu/000.00.21.H55-261123-0007";

    fn hkd_receipt() -> ReceiptDocument {
        ReceiptDocument {
            code: "000.00.21.H55-261123-0007".to_owned(),
            procedure: Procedure::HkdRegistration,
            agency: "Cơ quan đăng ký kinh doanh — UBND xã Tịnh Khê".to_owned(),
            applicant_name: "Nguyễn Thị Ánh Tuyết".to_owned(),
            applicant_phone: SoDienThoai::parse("0912 345 678").expect("phone"),
            subject: Some("Hộ kinh doanh Bánh xèo Bà Tư".to_owned()),
            received_at: VIETNAM_OFFSET
                .with_ymd_and_hms(2026, 11, 23, 14, 5, 0)
                .single()
                .expect("time"),
            due_date: NaiveDate::from_ymd_opt(2026, 11, 26),
            fee: FeeQuote {
                counter_amount: Vnd::new(100_000),
                amount: Vnd::new(50_000),
            },
            documents: vec![
                "Giấy đề nghị đăng ký hộ kinh doanh (Mẫu 1)".to_owned(),
                "Văn bản ủy quyền cho người nộp hồ sơ".to_owned(),
            ],
            channel: FilingChannel::Online,
            lookup_url: URL.to_owned(),
        }
    }

    fn promotion_receipt() -> ReceiptDocument {
        ReceiptDocument {
            code: "000.00.15.H55-261123-0012".to_owned(),
            procedure: Procedure::PromotionNotice,
            agency: "Sở Công Thương tỉnh Quảng Ngãi".to_owned(),
            applicant_name: "Công ty TNHH Thương mại Sa Huỳnh".to_owned(),
            applicant_phone: SoDienThoai::parse("02553822222").expect("phone"),
            subject: Some("Tích điểm đổi quà mùa Tết 2027".to_owned()),
            due_date: None,
            fee: NO_FEE,
            documents: vec!["Thông báo thực hiện khuyến mại (Mẫu 01)".to_owned()],
            channel: FilingChannel::Assisted,
            lookup_url: "https://motcua.quangngai.gov.vn/tra-cuu/000.00.15.H55-261123-0012"
                .to_owned(),
            ..hkd_receipt()
        }
    }

    #[test]
    fn hkd_receipt_is_one_a4_page_with_embedded_fonts_and_vietnamese_text() {
        let pdf = receipt_pdf(&hkd_receipt()).expect("pdf");
        keep("0-giay-tiep-nhan", &pdf);
        let (doc, text) = parse(&pdf);

        let page = *doc.get_pages().get(&1).expect("page 1");
        let media_box = doc
            .get_dictionary(page)
            .and_then(|p| p.get(b"MediaBox"))
            .and_then(Object::as_array)
            .expect("media box");
        let size: Vec<f32> = media_box
            .iter()
            .map(|o| o.as_float().expect("number"))
            .collect();
        assert_eq!(size, [0.0, 0.0, 595.276, 841.89], "A4");

        let fonts = fonts(&doc);
        assert_eq!(fonts.len(), 2, "regular and bold: {fonts:?}");
        for (name, len) in &fonts {
            assert!(
                name.contains("+BeVietnamPro-"),
                "a subset of Be Vietnam Pro: {name}"
            );
            assert!(*len < 60_000, "{name} is subset ({len} B)");
        }

        for expected in [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Quảng Ngãi, ngày 23 tháng 11 năm 2026",
            "CƠ QUAN ĐĂNG KÝ KINH DOANH — UBND XÃ TỊNH KHÊ",
            "Mẫu số 18 - Phụ lục II, Thông tư số 68/2025/TT-BTC",
            "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
            "HỒ SƠ ĐĂNG KÝ HỘ KINH DOANH QUA MẠNG THÔNG TIN ĐIỆN TỬ",
            "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
            "000.00.21.H55-261123-0007",
            "Đăng ký thành lập hộ kinh doanh",
            "Hộ kinh doanh Bánh xèo Bà Tư",
            "Nguyễn Thị Ánh Tuyết",
            "0912345678",
            "14 giờ 05 phút, ngày 23/11/2026",
            "Giấy đề nghị đăng ký hộ kinh doanh (Mẫu 1) (bản điện tử)",
            "50.000 đồng (Năm mươi nghìn đồng)",
            "đã giảm 50.000 đồng so với mức 100.000 đồng khi nộp trực tiếp",
            "03 ngày làm việc",
            "Ngày hẹn trả kết quả: 26/11/2026",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
        }
        assert!(!text.contains('?'), "a character fell back to '?':\n{text}");
        assert!(
            !text.contains("Ký và ghi rõ họ tên"),
            "online: no signatures"
        );
    }

    #[test]
    fn the_qr_code_on_the_page_decodes_to_the_lookup_url() {
        let pdf = receipt_pdf(&hkd_receipt()).expect("pdf");
        let (doc, text) = parse(&pdf);
        assert_eq!(decode_qr(&doc, 1), URL);
        assert!(
            text.contains(URL) || text.replace(' ', "").contains(URL),
            "{text}"
        );
    }

    #[test]
    fn promotion_notice_receipt_follows_mau_01_and_has_no_processing_time() {
        let receipt = promotion_receipt();
        assert_eq!(receipt.form(), ReceiptForm::Tt03Mau01);
        let pdf = receipt_pdf(&receipt).expect("pdf");
        let (doc, text) = parse(&pdf);
        for expected in [
            "Mẫu số 01 - Phụ lục I, Thông tư số 03/2025/TT-VPCP",
            "SỞ CÔNG THƯƠNG TỈNH QUẢNG NGÃI",
            "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
            "Mã hồ sơ: 000.00.15.H55-261123-0012",
            "Thông báo hoạt động khuyến mại: Tích điểm đổi quà mùa Tết 2027",
            "3. Thời gian giải quyết hồ sơ theo quy định: Không có thời hạn giải quyết",
            "5. Thời gian trả kết quả giải quyết hồ sơ: Không có",
            "6. Lệ phí: Không thu",
            "NGƯỜI NỘP HỒ SƠ",
            "NGƯỜI TIẾP NHẬN HỒ SƠ",
            "(Ký và ghi rõ họ tên)",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
        }
        assert!(
            !text.contains("QUA MẠNG THÔNG TIN ĐIỆN TỬ"),
            "not the HKD form"
        );
        assert_eq!(
            decode_qr(&doc, 1),
            "https://motcua.quangngai.gov.vn/tra-cuu/000.00.15.H55-261123-0012"
        );
    }

    #[test]
    fn every_hkd_procedure_uses_mau_18() {
        for procedure in Procedure::ALL {
            let expected = if procedure == Procedure::PromotionNotice {
                ReceiptForm::Tt03Mau01
            } else {
                ReceiptForm::Tt68Mau18
            };
            assert_eq!(ReceiptForm::for_procedure(procedure), expected);
        }
        let termination = ReceiptDocument {
            procedure: Procedure::HkdTermination,
            fee: NO_FEE,
            ..hkd_receipt()
        };
        let (_, text) = parse(&receipt_pdf(&termination).expect("pdf"));
        assert!(text.contains("Chấm dứt hoạt động hộ kinh doanh"), "{text}");
        assert!(text.contains("05 ngày làm việc"), "{text}");
        assert!(text.contains("Lệ phí: Không thu"), "{text}");
    }

    #[test]
    fn decomposed_input_is_printed_precomposed() {
        // "Nguyễn" typed with combining marks (NFD), as some phone keyboards send it.
        let receipt = ReceiptDocument {
            applicant_name: "Nguye\u{302}\u{303}n  Văn An".to_owned(),
            ..hkd_receipt()
        };
        let (_, text) = parse(&receipt_pdf(&receipt).expect("pdf"));
        assert!(text.contains("Nguyễn Văn An"), "{text}");
    }

    #[test]
    fn received_time_is_shown_in_vietnam_time() {
        let utc = FixedOffset::east_opt(0).expect("utc");
        let at = utc
            .with_ymd_and_hms(2026, 2, 4, 18, 30, 0)
            .single()
            .expect("time");
        assert_eq!(received_at(at), "01 giờ 30 phút, ngày 05/02/2026");
        assert_eq!(place_date(at), "Quảng Ngãi, ngày 05 tháng 02 năm 2026");
    }

    #[test]
    fn fee_lines() {
        assert_eq!(fee(NO_FEE), "Không thu");
        assert_eq!(
            fee(FeeQuote {
                counter_amount: Vnd::new(100_000),
                amount: Vnd::ZERO,
            }),
            "Không thu; đã giảm 100.000 đồng so với mức 100.000 đồng khi nộp trực tiếp"
        );
        assert_eq!(
            fee(FeeQuote {
                counter_amount: Vnd::new(100_000),
                amount: Vnd::new(100_000),
            }),
            "100.000 đồng (Một trăm nghìn đồng)"
        );
    }

    #[test]
    fn a_typical_receipt_is_small() {
        let pdf = receipt_pdf(&hkd_receipt()).expect("pdf");
        assert!(pdf.len() < 80_000, "{} bytes", pdf.len());
    }

    #[test]
    fn an_overlong_lookup_url_is_an_error_not_a_panic() {
        let receipt = ReceiptDocument {
            lookup_url: "x".repeat(5_000),
            ..hkd_receipt()
        };
        let err = receipt_pdf(&receipt).expect_err("too long");
        assert!(err.to_string().contains("QR"), "{err}");
    }
}
