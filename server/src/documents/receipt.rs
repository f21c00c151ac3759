//! The receipt a citizen gets when a dossier is received: "Giấy tiếp nhận hồ sơ và hẹn trả kết quả".
//! For the three household-business procedures it follows TT 68/2025/TT-BTC Phụ lục II **Mẫu số 18**
//! (the online-filing receipt NĐ 168/2025 art. 112.3 prescribes); for other procedures (the promotion
//! notice) the one-stop shop's general **Mẫu số 01** of TT 03/2025/TT-VPCP Phụ lục I (LEGAL-FACTS §3.7,
//! §6.2). The wording of each line is here; [`super::layout`] sets it on the page.

use chrono::{DateTime, Datelike as _, FixedOffset, NaiveDate, Timelike as _};
use domain::{
    Lang, Procedure, ProcessingTime, SoDienThoai, Vnd, api::FeeQuote, calendar::VIETNAM_OFFSET,
    text,
};
use serde::{Deserialize, Serialize};

use super::{
    layout::{self, Block},
    qr,
};

/// Where receipts are issued ("Quảng Ngãi, ngày … tháng … năm …").
const PLACE: &str = "Quảng Ngãi";

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
    let field = |label: &str, value: String| Block::Field {
        label: label.to_owned(),
        value,
    };
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
            agency: agency.clone(),
            place_date: place_date(doc.received_at),
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
                field("Tên thủ tục", doc.procedure.name(Lang::Vi).to_owned()),
            ]);
            if let Some(subject) = &doc.subject {
                out.push(field(subject_label, text::canonical(subject)));
            }
            out.extend([
                field("Người nộp hồ sơ", text::canonical(&doc.applicant_name)),
                field("Số điện thoại", doc.applicant_phone.to_string()),
                field("Hình thức nộp", doc.channel.describe().to_owned()),
                field("Thời điểm tiếp nhận", received),
                field("Thành phần hồ sơ", String::new()),
            ]);
            out.extend(documents);
            out.extend([
                field("Lệ phí", fee(doc.fee)),
                field("Thời hạn giải quyết", processing),
                field("Ngày hẹn trả kết quả", due),
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
                field("Cơ quan tiếp nhận", agency.clone()),
                field("Tiếp nhận hồ sơ của", text::canonical(&doc.applicant_name)),
                field("Số điện thoại", doc.applicant_phone.to_string()),
                field("Nội dung yêu cầu giải quyết", request),
                field("1. Thành phần hồ sơ nộp gồm", String::new()),
            ]);
            out.extend(documents);
            out.extend([
                field("2. Số lượng hồ sơ", "01 (bộ)".to_owned()),
                field("3. Thời gian giải quyết hồ sơ theo quy định", processing),
                field("4. Thời gian nhận hồ sơ", received),
                field(
                    "5. Thời gian trả kết quả giải quyết hồ sơ",
                    match doc.due_date {
                        Some(date) => format!("ngày {}", dmy(date)),
                        None => "Không có (thủ tục không có kết quả giải quyết)".to_owned(),
                    },
                ),
                field("6. Lệ phí", fee(doc.fee)),
                field("7. Hình thức nộp", doc.channel.describe().to_owned()),
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

/// `dd/mm/yyyy`.
fn dmy(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
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

/// "Quảng Ngãi, ngày 23 tháng 11 năm 2026": days under 10 and months under 3 with a leading zero
/// (NĐ 30/2020/NĐ-CP Phụ lục I).
fn place_date(at: DateTime<FixedOffset>) -> String {
    let date = at.with_timezone(&VIETNAM_OFFSET).date_naive();
    let month = if date.month() < 3 {
        format!("{:02}", date.month())
    } else {
        date.month().to_string()
    };
    format!(
        "{PLACE}, ngày {:02} tháng {month} năm {}",
        date.day(),
        date.year()
    )
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
    use lopdf::{Document, Object};

    use super::*;

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

    /// The PDF parsed, with its one page's text (white space collapsed).
    fn parse(pdf: &[u8]) -> (Document, String) {
        assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
        let doc = Document::load_mem(pdf).expect("the PDF parses");
        assert_eq!(doc.get_pages().len(), 1, "one page");
        let text = doc.extract_text(&[1]).expect("text extracts");
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        (doc, text)
    }

    fn dict<'a>(doc: &'a Document, object: &'a Object) -> &'a lopdf::Dictionary {
        match object {
            Object::Reference(id) => doc.get_dictionary(*id).expect("dictionary"),
            Object::Dictionary(d) => d,
            other => panic!("not a dictionary: {other:?}"),
        }
    }

    /// The page's fonts: (base font name, embedded font file length).
    fn fonts(doc: &Document) -> Vec<(String, usize)> {
        let page = *doc.get_pages().get(&1).expect("page 1");
        let fonts = doc.get_page_fonts(page).expect("fonts");
        fonts
            .values()
            .map(|font| {
                assert_eq!(
                    font.get(b"Subtype").expect("subtype"),
                    &Object::Name(b"Type0".to_vec())
                );
                assert!(font.has(b"ToUnicode"), "a ToUnicode map");
                let descendants = font.get(b"DescendantFonts").expect("descendants");
                let cid = match descendants {
                    Object::Array(items) => dict(doc, &items[0]),
                    other => dict(doc, other),
                };
                let descriptor = dict(doc, cid.get(b"FontDescriptor").expect("descriptor"));
                let file = descriptor
                    .get(b"FontFile2")
                    .and_then(Object::as_reference)
                    .expect("an embedded TrueType font");
                let stream = doc
                    .get_object(file)
                    .and_then(Object::as_stream)
                    .expect("font stream");
                let data = stream.decompressed_content().expect("font data");
                ttf_parser::Face::parse(&data, 0).expect("the embedded font parses");
                let name = font
                    .get(b"BaseFont")
                    .and_then(Object::as_name)
                    .map(|n| String::from_utf8_lossy(n).into_owned())
                    .expect("name");
                (name, data.len())
            })
            .collect()
    }

    /// Rasterises the filled rectangles of the page (the QR code is the only thing drawn with them), 4 px
    /// a point, and decodes the QR code in the picture.
    fn decode_page_qr(doc: &Document) -> String {
        let page = *doc.get_pages().get(&1).expect("page 1");
        let content =
            lopdf::content::Content::decode(&doc.get_page_content(page)).expect("content decodes");
        let number = |o: &Object| o.as_float().expect("number");
        let rects: Vec<[f32; 4]> = content
            .operations
            .iter()
            .filter(|op| op.operator == "re")
            .map(|op| {
                [
                    number(&op.operands[0]),
                    number(&op.operands[1]),
                    number(&op.operands[2]),
                    number(&op.operands[3]),
                ]
            })
            .collect();
        assert!(
            rects.len() > 50,
            "the QR code is drawn ({} rectangles)",
            rects.len()
        );
        let min_x = rects.iter().map(|r| r[0]).fold(f32::MAX, f32::min) - 12.0;
        let max_y = rects.iter().map(|r| r[1] + r[3]).fold(f32::MIN, f32::max) + 12.0;
        let max_x = rects.iter().map(|r| r[0] + r[2]).fold(f32::MIN, f32::max) + 12.0;
        let min_y = rects.iter().map(|r| r[1]).fold(f32::MAX, f32::min) - 12.0;
        let px = 4.0;
        let (w, h) = (
            ((max_x - min_x) * px) as usize,
            ((max_y - min_y) * px) as usize,
        );
        let mut dark = vec![false; w * h];
        for [x, y, rw, rh] in rects {
            let (x0, x1) = (
                ((x - min_x) * px).round() as usize,
                ((x + rw - min_x) * px).round() as usize,
            );
            let (y0, y1) = (
                ((max_y - y - rh) * px).round() as usize,
                ((max_y - y) * px).round() as usize,
            );
            for row in y0..y1.min(h) {
                for col in x0..x1.min(w) {
                    dark[row * w + col] = true;
                }
            }
        }
        qr::tests::decode(w, h, |x, y| if dark[y * w + x] { 0 } else { 255 })
    }

    #[test]
    fn hkd_receipt_is_one_a4_page_with_embedded_fonts_and_vietnamese_text() {
        let pdf = receipt_pdf(&hkd_receipt()).expect("pdf");
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
        assert_eq!(decode_page_qr(&doc), URL);
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
            decode_page_qr(&doc),
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
