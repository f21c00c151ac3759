//! The letters an office issues on a dossier, each following its form's headings and wording:
//!
//! * [`termination_notice_pdf`] — Thông báo về việc chấm dứt hoạt động hộ kinh doanh, TT 68/2025/TT-BTC
//!   PL II **Mẫu 13** (NĐ 168/2025 art. 104.1.c), with the QR code of its verification URL;
//! * [`supplement_request_pdf`] — for household businesses Thông báo về việc sửa đổi, bổ sung hồ sơ đăng
//!   ký hộ kinh doanh, TT 68/2025 PL II **Mẫu 10** (NĐ 168/2025 arts. 95.4, 99.3, with the 60-day
//!   limit), otherwise Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ, TT 03/2025/TT-VPCP PL I **Mẫu 02**;
//! * [`intake_refusal_pdf`] — Phiếu từ chối tiếp nhận giải quyết hồ sơ, TT 03/2025 PL I **Mẫu 03**;
//! * [`apology_pdf`] — Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết, TT 03/2025 PL I **Mẫu
//!   04** (the successor of TT 01/2018's "Phiếu xin lỗi và hẹn lại ngày trả kết quả"), with the old and
//!   the new date for the result;
//! * [`promotion_acknowledgement_pdf`] — the Sở Công Thương's acknowledgement of a promotion notice, a
//!   plain administrative letter (NĐ 30/2020/NĐ-CP Phụ lục I): the law gives this procedure no result
//!   and no form (see [`PromotionAcknowledgement`]).
//!
//! The data comes from [`domain::documents`]; [`super::layout`] sets the pages.

use domain::{
    Lang, Procedure,
    documents::{
        Apology, DocumentKind, DossierRef, IntakeRefusal, Issuance, PromotionAcknowledgement,
        SupplementRequest, TerminationNotice,
    },
    lifecycle, text,
};

use super::{
    common::{self, address_line, dmy, long_date, place_date, present},
    layout::{self, Block},
};

/// The decree the household-business letters rest on.
const ND_168: &str = "Nghị định số 168/2025/NĐ-CP ngày 30 tháng 6 năm 2025 của Chính phủ về đăng ký \
                      doanh nghiệp";

/// Thông báo về việc chấm dứt hoạt động hộ kinh doanh (TT 68/2025 PL II Mẫu 13) as an A4 PDF.
///
/// # Errors
/// When the verification URL is too long for a QR code or the embedded font cannot be subset.
pub fn termination_notice_pdf(notice: &TerminationNotice) -> anyhow::Result<Vec<u8>> {
    let issuance = &notice.issuance;
    let issuer = text::canonical(&issuance.issuer.name);
    let name = text::canonical(&notice.hkd_name).to_uppercase();
    let mut blocks = head(
        DocumentKind::TerminationNotice,
        Procedure::HkdTermination,
        issuance,
    );
    blocks.extend([
        Block::Title(vec![
            "THÔNG BÁO".to_owned(),
            "Về việc chấm dứt hoạt động hộ kinh doanh".to_owned(),
        ]),
        Block::Centered(format!("Kính gửi: {name}")),
        Block::Gap(0.4),
        Block::Paragraph(format!("Căn cứ {ND_168};")),
        Block::Paragraph(format!(
            "Căn cứ hồ sơ đăng ký chấm dứt hoạt động hộ kinh doanh mã số {} tiếp nhận ngày {};",
            notice.dossier.code,
            dmy(notice.dossier.received_on)
        )),
        Block::Paragraph(format!("{issuer} thông báo:")),
        Block::field("Tên hộ kinh doanh", name.clone()),
        Block::field("Mã số hộ kinh doanh", text::canonical(&notice.hkd_code)),
        Block::field("Địa chỉ trụ sở", address_line(&notice.seat)),
        Block::field("Chủ hộ kinh doanh", text::canonical(&notice.owner_name)),
        Block::Paragraph(format!(
            "Hộ kinh doanh {name} đã chấm dứt hoạt động kể từ {}. Tình trạng pháp lý của hộ kinh \
             doanh trong Cơ sở dữ liệu về đăng ký hộ kinh doanh đã được chuyển sang \"Đã chấm dứt \
             hoạt động\" (điểm c khoản 1 Điều 104 Nghị định số 168/2025/NĐ-CP).",
            long_date(notice.terminated_on)
        )),
        Block::Gap(0.6),
        common::signature(&issuance.signer, recipients(&notice.recipients)),
        Block::Gap(0.5),
        common::verify_block(&notice.verify_url, "Thông báo")?,
    ]);
    let title = format!(
        "Thông báo về việc chấm dứt hoạt động hộ kinh doanh {}",
        text::canonical(&notice.hkd_code)
    );
    layout::render_document(&blocks, &title)
}

/// The request to amend a dossier as an A4 PDF: TT 68/2025 PL II Mẫu 10 for the household-business
/// procedures, TT 03/2025/TT-VPCP PL I Mẫu 02 for the promotion notice.
///
/// # Errors
/// When the verification URL is too long for a QR code or the embedded font cannot be subset.
pub fn supplement_request_pdf(request: &SupplementRequest) -> anyhow::Result<Vec<u8>> {
    let dossier = &request.dossier;
    let issuance = &request.issuance;
    let issuer = text::canonical(&issuance.issuer.name);
    let items = request
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| Block::Item {
            marker: format!("{}.", i + 1),
            text: format!(
                "{}: {}",
                text::canonical(&item.item),
                text::canonical(&item.note)
            ),
        });
    let mut blocks = head(DocumentKind::SupplementRequest, dossier.procedure, issuance);
    let title = if dossier.procedure == Procedure::PromotionNotice {
        blocks.push(Block::Title(vec![
            "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ".to_owned(),
        ]));
        blocks.extend(applicant_fields(dossier, "Hồ sơ của"));
        blocks.push(Block::Paragraph(
            "Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:".to_owned(),
        ));
        blocks.extend(items);
        blocks.extend([
            Block::Paragraph(format!(
                "Trong quá trình hoàn thiện hồ sơ nếu có vướng mắc, Ông/Bà liên hệ {issuer} để được \
                 hướng dẫn. Hồ sơ đã hoàn thiện được nộp lại trên ứng dụng motcua, mục \"Hồ sơ của \
                 tôi\"."
            )),
            Block::Paragraph("Xin trân trọng!".to_owned()),
            Block::Gap(0.6),
            common::signature(&issuance.signer, Vec::new()),
        ]);
        "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"
    } else {
        let applicant = text::canonical(&dossier.applicant);
        blocks.extend([
            Block::Title(vec![
                "THÔNG BÁO".to_owned(),
                "Về việc sửa đổi, bổ sung hồ sơ đăng ký hộ kinh doanh".to_owned(),
            ]),
            Block::Centered(format!("Kính gửi: {applicant}")),
            Block::Gap(0.4),
            Block::Paragraph(format!(
                "{issuer} đã tiếp nhận hồ sơ đăng ký hộ kinh doanh của {applicant}:"
            )),
        ]);
        blocks.extend(dossier_fields(dossier));
        blocks.push(Block::Paragraph(format!(
            "Sau khi xem xét hồ sơ, căn cứ {ND_168}, {issuer} đề nghị sửa đổi, bổ sung hồ sơ với \
             các nội dung sau:"
        )));
        blocks.extend(items);
        blocks.extend([
            Block::Paragraph(format!(
                "Thời hạn sửa đổi, bổ sung hồ sơ là {} ngày kể từ ngày ra Thông báo này, tức là đến \
                 hết ngày {}. Sau thời hạn nêu trên, nếu hộ kinh doanh không nộp hồ sơ sửa đổi, bổ \
                 sung thì hồ sơ đăng ký hộ kinh doanh không còn giá trị và bị hủy (khoản 4 Điều 95 \
                 Nghị định số 168/2025/NĐ-CP).",
                lifecycle::HKD_SUPPLEMENT_DAYS,
                dmy(lifecycle::lapse_after(issuance.issued_on))
            )),
            Block::Paragraph(
                "Hồ sơ sửa đổi, bổ sung được nộp trên ứng dụng motcua, mục \"Hồ sơ của tôi\"."
                    .to_owned(),
            ),
            Block::Gap(0.6),
            common::signature(&issuance.signer, recipients(&[])),
        ]);
        "Thông báo về việc sửa đổi, bổ sung hồ sơ đăng ký hộ kinh doanh"
    };
    finish(blocks, request.verify_url.as_deref(), title, dossier)
}

/// Phiếu từ chối tiếp nhận giải quyết hồ sơ (TT 03/2025/TT-VPCP PL I Mẫu 03) as an A4 PDF.
///
/// # Errors
/// When the verification URL is too long for a QR code or the embedded font cannot be subset.
pub fn intake_refusal_pdf(refusal: &IntakeRefusal) -> anyhow::Result<Vec<u8>> {
    let dossier = &refusal.dossier;
    let issuance = &refusal.issuance;
    let issuer = text::canonical(&issuance.issuer.name);
    let mut blocks = head(DocumentKind::IntakeRefusal, dossier.procedure, issuance);
    blocks.push(Block::Title(vec![
        "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ".to_owned(),
    ]));
    blocks.extend(applicant_fields(dossier, "Tiếp nhận hồ sơ của"));
    blocks.extend([
        Block::Paragraph(format!(
            "Qua xem xét, {issuer} thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể \
             như sau:"
        )),
        Block::Item {
            marker: "-".to_owned(),
            text: text::canonical(&refusal.reason),
        },
        Block::Paragraph("Xin thông báo cho Ông/Bà được biết và thực hiện./.".to_owned()),
        Block::Gap(0.6),
        common::signature(&issuance.signer, Vec::new()),
    ]);
    finish(
        blocks,
        refusal.verify_url.as_deref(),
        "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
        dossier,
    )
}

/// Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (TT 03/2025/TT-VPCP PL I Mẫu 04) as an A4
/// PDF: the old due date, the reason, the new date for the result.
///
/// # Errors
/// When the verification URL is too long for a QR code or the embedded font cannot be subset.
pub fn apology_pdf(apology: &Apology) -> anyhow::Result<Vec<u8>> {
    let dossier = &apology.dossier;
    let issuance = &apology.issuance;
    let issuer = text::canonical(&issuance.issuer.name);
    let mut blocks = head(DocumentKind::Apology, dossier.procedure, issuance);
    blocks.extend([
        Block::Title(vec![
            "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN".to_owned(),
            "THỜI GIAN GIẢI QUYẾT".to_owned(),
        ]),
        Block::Centered(format!(
            "Kính gửi: {}",
            text::canonical(&dossier.applicant)
        )),
        Block::Gap(0.4),
        Block::Paragraph(format!(
            "Ngày {}, {issuer} tiếp nhận giải quyết hồ sơ của Ông/Bà/tổ chức đề nghị giải quyết thủ \
             tục hành chính: {}.",
            dmy(dossier.received_on),
            dossier.procedure.name(Lang::Vi)
        )),
        Block::field("Mã hồ sơ", dossier.code.clone()),
        Block::field(
            "Ngày hẹn trả kết quả giải quyết hồ sơ",
            dmy(apology.old_due_date),
        ),
        Block::Paragraph(format!(
            "Tuy nhiên đến nay, {issuer} chưa trả kết quả giải quyết hồ sơ cho Ông/Bà/tổ chức đúng \
             hạn theo quy định."
        )),
        Block::field("Lý do", text::canonical(&apology.reason)),
        Block::Paragraph(format!(
            "Sự chậm trễ này đã gây phiền hà cho Ông/Bà/tổ chức. {issuer} xin lỗi Ông/Bà/tổ chức, \
             đề nghị gia hạn thời gian giải quyết và hẹn trả kết quả giải quyết hồ sơ vào {}.",
            long_date(apology.new_due_date)
        )),
        Block::field("Ngày hẹn trả kết quả mới", dmy(apology.new_due_date)),
        Block::Paragraph("Mong nhận được sự thông cảm của Ông/Bà/tổ chức./.".to_owned()),
        Block::Gap(0.6),
        common::signature(&issuance.signer, recipients(&[])),
    ]);
    finish(
        blocks,
        apology.verify_url.as_deref(),
        "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
        dossier,
    )
}

/// The acknowledgement of a promotion notice by the Sở Công Thương as an A4 PDF: a plain letter, since
/// the law gives no form (see [`PromotionAcknowledgement`]).
///
/// # Errors
/// When the verification URL is too long for a QR code or the embedded font cannot be subset.
pub fn promotion_acknowledgement_pdf(ack: &PromotionAcknowledgement) -> anyhow::Result<Vec<u8>> {
    let dossier = &ack.dossier;
    let issuance = &ack.issuance;
    let issuer = text::canonical(&issuance.issuer.name);
    let trader = text::canonical(&dossier.applicant);
    let notice = match present(ack.notice_number.as_deref()) {
        Some(number) => format!("Thông báo thực hiện khuyến mại số {number}"),
        None => "Thông báo thực hiện khuyến mại".to_owned(),
    };
    let mut blocks = letter_head(
        DocumentKind::PromotionAcknowledgement.form(dossier.procedure),
        issuance,
        Some("V/v tiếp nhận thông báo thực hiện khuyến mại"),
    );
    blocks.extend([
        Block::Centered(format!("Kính gửi: {trader}")),
        Block::Gap(0.4),
        Block::Paragraph(format!(
            "Ngày {}, {issuer} nhận được {notice} của {trader} (mã số thuế {}; địa chỉ trụ sở \
             chính: {}), mã hồ sơ {}, với các nội dung sau:",
            dmy(dossier.received_on),
            text::canonical(&ack.trader_tax_code),
            text::canonical(&ack.trader_address),
            dossier.code
        )),
        Block::field("Tên chương trình khuyến mại", text::canonical(&ack.programme)),
        Block::field("Hình thức khuyến mại", text::canonical(&ack.promotion_form)),
        Block::field(
            "Thời gian khuyến mại",
            format!(
                "từ ngày {} đến hết ngày {}",
                dmy(ack.starts_on),
                dmy(ack.ends_on)
            ),
        ),
        Block::field("Địa bàn (phạm vi) khuyến mại", text::canonical(&ack.area)),
        Block::Paragraph(format!(
            "{issuer} xác nhận đã tiếp nhận thông báo nêu trên. Văn bản này không phải là văn bản \
             chấp thuận hay xác nhận đăng ký hoạt động khuyến mại. Thương nhân có trách nhiệm thực \
             hiện chương trình khuyến mại đúng nội dung đã thông báo và theo quy định của Luật \
             Thương mại, Nghị định số 81/2018/NĐ-CP ngày 22 tháng 5 năm 2018 của Chính phủ quy định \
             chi tiết Luật Thương mại về hoạt động xúc tiến thương mại (đã được sửa đổi, bổ sung)."
        )),
        Block::Paragraph("Trân trọng./.".to_owned()),
        Block::Gap(0.6),
        common::signature(&issuance.signer, recipients(&ack.recipients)),
    ]);
    finish(
        blocks,
        ack.verify_url.as_deref(),
        "Văn bản tiếp nhận thông báo thực hiện khuyến mại",
        dossier,
    )
}

/// The form mark (when there is a form) and the header of an issued letter.
pub(super) fn letter_head(
    form: Option<&str>,
    issuance: &Issuance,
    summary: Option<&str>,
) -> Vec<Block> {
    let mut out: Vec<Block> = form
        .map(|f| Block::FormMark(f.to_owned()))
        .into_iter()
        .collect();
    out.push(Block::Header {
        parent: present(issuance.issuer.parent.as_deref()),
        agency: text::canonical(&issuance.issuer.name),
        number: present(issuance.number.as_deref()),
        summary: summary.map(str::to_owned),
        place_date: Some(place_date(issuance.issued_on)),
    });
    out
}

/// The lines naming the dossier a letter is about: code, procedure, subject, date received.
pub(super) fn dossier_fields(dossier: &DossierRef) -> Vec<Block> {
    let mut out = vec![
        Block::field("Mã hồ sơ", dossier.code.clone()),
        Block::field("Thủ tục", dossier.procedure.name(Lang::Vi).to_owned()),
    ];
    if let Some(subject) = present(dossier.subject.as_deref()) {
        let label = match dossier.procedure {
            Procedure::PromotionNotice => "Tên chương trình khuyến mại",
            Procedure::HkdRegistration | Procedure::HkdChange | Procedure::HkdTermination => {
                "Tên hộ kinh doanh"
            }
        };
        out.push(Block::field(label, subject));
    }
    out.push(Block::field(
        "Ngày tiếp nhận hồ sơ",
        dmy(dossier.received_on),
    ));
    out
}

/// The form mark and the letter head, for a document kind and procedure.
fn head(kind: DocumentKind, procedure: Procedure, issuance: &Issuance) -> Vec<Block> {
    letter_head(kind.form(procedure), issuance, None)
}

/// Who filed, how to reach them and what they asked for (TT 03/2025 Mẫu 02, 03).
fn applicant_fields(dossier: &DossierRef, applicant_label: &str) -> Vec<Block> {
    let mut out = vec![Block::field(
        applicant_label,
        text::canonical(&dossier.applicant),
    )];
    if let Some(phone) = present(dossier.applicant_phone.as_deref()) {
        out.push(Block::field("Số điện thoại", phone));
    }
    let request = match present(dossier.subject.as_deref()) {
        Some(subject) => format!("{}: {subject}", dossier.procedure.name(Lang::Vi)),
        None => dossier.procedure.name(Lang::Vi).to_owned(),
    };
    out.extend([
        Block::field("Nội dung yêu cầu giải quyết", request),
        Block::field("Mã hồ sơ", dossier.code.clone()),
        Block::field("Ngày tiếp nhận hồ sơ", dmy(dossier.received_on)),
    ]);
    out
}

/// "Nơi nhận": "Như trên" and the given recipients, each ending in ";" and the last in "." (NĐ
/// 30/2020 Phụ lục I).
fn recipients(others: &[String]) -> Vec<String> {
    let all: Vec<String> = std::iter::once("Như trên".to_owned())
        .chain(others.iter().map(|r| text::canonical(r)))
        .map(|r| r.trim_end_matches(['.', ';', ',']).to_owned())
        .filter(|r| !r.is_empty())
        .collect();
    let last = all.len() - 1;
    all.into_iter()
        .enumerate()
        .map(|(i, r)| {
            if i == last {
                format!("{r}.")
            } else {
                format!("{r};")
            }
        })
        .collect()
}

/// Adds the QR code when there is a verification URL, and sets the pages.
fn finish(
    mut blocks: Vec<Block>,
    verify_url: Option<&str>,
    title: &str,
    dossier: &DossierRef,
) -> anyhow::Result<Vec<u8>> {
    if let Some(url) = verify_url {
        blocks.push(Block::Gap(0.5));
        blocks.push(common::verify_block(url, "văn bản")?);
    }
    layout::render_document(&blocks, &format!("{title} {}", dossier.code))
}

#[cfg(test)]
mod tests {
    use domain::documents::{Issuer, Signer, SupplementItem};

    use super::{
        super::{
            certificate::tests::{address, commune_office, date, head_of_office},
            testing::{check, decode_qr},
        },
        *,
    };

    const URL: &str = "https://motcua.quangngai.gov.vn/verify/TB-21025-0015";

    fn issuance(number: Option<&str>, signer: Signer) -> Issuance {
        Issuance {
            issuer: commune_office(),
            number: number.map(str::to_owned),
            issued_on: date(2026, 11, 26),
            signer,
        }
    }

    fn officer(role: &str) -> Signer {
        Signer {
            on_behalf: None,
            unit_on_behalf: None,
            role: role.to_owned(),
            name: "Phạm Thị Thu Hà".to_owned(),
        }
    }

    fn hkd_dossier(procedure: Procedure) -> DossierRef {
        DossierRef {
            code: "21025-261123-0007".to_owned(),
            procedure,
            received_on: date(2026, 11, 23),
            applicant: "Nguyễn Thị Ánh Tuyết".to_owned(),
            applicant_phone: Some("0912345678".to_owned()),
            subject: Some("Hộ kinh doanh Bánh xèo Bà Tư".to_owned()),
        }
    }

    fn promotion_dossier() -> DossierRef {
        DossierRef {
            code: "SCT-261123-0012".to_owned(),
            procedure: Procedure::PromotionNotice,
            received_on: date(2026, 11, 23),
            applicant: "Công ty TNHH Thương mại Sa Huỳnh".to_owned(),
            applicant_phone: Some("02553822222".to_owned()),
            subject: Some("Tích điểm đổi quà mùa Tết 2027".to_owned()),
        }
    }

    fn department() -> Issuance {
        Issuance {
            issuer: Issuer {
                parent: Some("UBND tỉnh Quảng Ngãi".to_owned()),
                name: "Sở Công Thương".to_owned(),
            },
            number: Some("1234/SCT-QLTM".to_owned()),
            issued_on: date(2026, 11, 24),
            signer: Signer {
                on_behalf: Some("KT. GIÁM ĐỐC".to_owned()),
                unit_on_behalf: None,
                role: "PHÓ GIÁM ĐỐC".to_owned(),
                name: "Võ Minh Đức".to_owned(),
            },
        }
    }

    /// The header every letter carries.
    const HEAD: [&str; 3] = [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Quảng Ngãi, ngày 26 tháng 11 năm 2026",
    ];

    #[test]
    fn termination_notice_follows_mau_13_and_its_qr_code_leads_to_the_verify_url() {
        let notice = TerminationNotice {
            issuance: issuance(Some("15/TB-PKT"), head_of_office()),
            dossier: hkd_dossier(Procedure::HkdTermination),
            hkd_name: "Hộ kinh doanh Bánh xèo Bà Tư".to_owned(),
            hkd_code: "051185000123".to_owned(),
            seat: address("Số 12 đường Lê Lợi, thôn Phú Lộc"),
            owner_name: "Nguyễn Thị Ánh Tuyết".to_owned(),
            terminated_on: date(2026, 11, 26),
            recipients: vec![
                "Thuế cơ sở 1 tỉnh Quảng Ngãi".to_owned(),
                "Lưu: VT".to_owned(),
            ],
            verify_url: URL.to_owned(),
        };
        let pdf = termination_notice_pdf(&notice).expect("pdf");
        let (doc, _) = check(
            "2-thong-bao-cham-dut",
            &pdf,
            &[
                &HEAD[..],
                &[
                    "Mẫu số 13 - Phụ lục II, Thông tư số 68/2025/TT-BTC",
                    "UBND XÃ TỊNH KHÊ",
                    "PHÒNG KINH TẾ",
                    "Số: 15/TB-PKT",
                    "THÔNG BÁO",
                    "Về việc chấm dứt hoạt động hộ kinh doanh",
                    "Kính gửi: HỘ KINH DOANH BÁNH XÈO BÀ TƯ",
                    "Căn cứ Nghị định số 168/2025/NĐ-CP ngày 30 tháng 6 năm 2025",
                    "mã số 21025-261123-0007 tiếp nhận ngày 23/11/2026",
                    "Mã số hộ kinh doanh: 051185000123",
                    "Địa chỉ trụ sở: Số 12 đường Lê Lợi, thôn Phú Lộc, Xã Tịnh Khê, Tỉnh Quảng Ngãi",
                    "Chủ hộ kinh doanh: Nguyễn Thị Ánh Tuyết",
                    "đã chấm dứt hoạt động kể từ ngày 26 tháng 11 năm 2026",
                    "\"Đã chấm dứt hoạt động\"",
                    "Nơi nhận:",
                    "- Như trên;",
                    "- Thuế cơ sở 1 tỉnh Quảng Ngãi;",
                    "- Lưu: VT.",
                    "KT. TRƯỞNG PHÒNG",
                    "Trần Văn Hưởng",
                ],
            ]
            .concat(),
        );
        assert_eq!(doc.get_pages().len(), 1);
        assert_eq!(decode_qr(&doc, 1), URL);
    }

    fn items() -> Vec<SupplementItem> {
        vec![
            SupplementItem {
                item: "Tên hộ kinh doanh".to_owned(),
                note:
                    "Tên trùng với hộ kinh doanh đã đăng ký trên địa bàn xã; đề nghị đặt tên khác."
                        .to_owned(),
            },
            SupplementItem {
                item: "Văn bản ủy quyền của các thành viên hộ gia đình".to_owned(),
                note: "Bản chụp bị mờ, không đọc được chữ ký; đề nghị chụp lại rõ nét.".to_owned(),
            },
        ]
    }

    #[test]
    fn an_hkd_supplement_request_follows_mau_10_with_each_note_and_the_60_day_limit() {
        let request = SupplementRequest {
            issuance: issuance(Some("07/TB-PKT"), head_of_office()),
            dossier: hkd_dossier(Procedure::HkdRegistration),
            items: items(),
            verify_url: None,
        };
        let pdf = supplement_request_pdf(&request).expect("pdf");
        let (doc, text) = check(
            "3-thong-bao-sua-doi-bo-sung",
            &pdf,
            &[
                &HEAD[..],
                &[
                    "Mẫu số 10 - Phụ lục II, Thông tư số 68/2025/TT-BTC",
                    "Số: 07/TB-PKT",
                    "Về việc sửa đổi, bổ sung hồ sơ đăng ký hộ kinh doanh",
                    "Kính gửi: Nguyễn Thị Ánh Tuyết",
                    "Mã hồ sơ: 21025-261123-0007",
                    "Thủ tục: Đăng ký thành lập hộ kinh doanh",
                    "Tên hộ kinh doanh: Hộ kinh doanh Bánh xèo Bà Tư",
                    "Ngày tiếp nhận hồ sơ: 23/11/2026",
                    "1. Tên hộ kinh doanh: Tên trùng với hộ kinh doanh đã đăng ký trên địa bàn xã; đề nghị đặt tên khác.",
                    "2. Văn bản ủy quyền của các thành viên hộ gia đình: Bản chụp bị mờ, không đọc được chữ ký; đề nghị chụp lại rõ nét.",
                    "60 ngày kể từ ngày ra Thông báo này, tức là đến hết ngày 25/01/2027",
                    "khoản 4 Điều 95",
                ],
            ]
            .concat(),
        );
        assert_eq!(doc.get_pages().len(), 1);
        assert!(!text.contains("Kiểm tra"), "no QR code asked for: {text}");
    }

    #[test]
    fn a_promotion_supplement_request_follows_tt_03_mau_02_with_a_qr_code() {
        let request = SupplementRequest {
            issuance: Issuance {
                number: None,
                signer: officer("NGƯỜI HƯỚNG DẪN"),
                ..department()
            },
            dossier: promotion_dossier(),
            items: items(),
            verify_url: Some(URL.to_owned()),
        };
        let pdf = supplement_request_pdf(&request).expect("pdf");
        let (doc, text) = check(
            "3b-phieu-yeu-cau-bo-sung",
            &pdf,
            &[
                "Mẫu số 02 - Phụ lục I, Thông tư số 03/2025/TT-VPCP",
                "SỞ CÔNG THƯƠNG",
                "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
                "Hồ sơ của: Công ty TNHH Thương mại Sa Huỳnh",
                "Số điện thoại: 02553822222",
                "Nội dung yêu cầu giải quyết: Thông báo hoạt động khuyến mại: Tích điểm đổi quà mùa Tết 2027",
                "Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:",
                "1. Tên hộ kinh doanh: Tên trùng",
                "NGƯỜI HƯỚNG DẪN",
                "Phạm Thị Thu Hà",
            ],
        );
        assert!(!text.contains("Số:"), "no number: {text}");
        assert_eq!(decode_qr(&doc, 1), URL);
    }

    #[test]
    fn intake_refusal_follows_tt_03_mau_03_with_the_reason() {
        let refusal = IntakeRefusal {
            issuance: issuance(None, officer("NGƯỜI TIẾP NHẬN HỒ SƠ")),
            dossier: hkd_dossier(Procedure::HkdChange),
            reason:
                "Hộ kinh doanh đang trong tình trạng bị thu hồi Giấy chứng nhận đăng ký hộ kinh \
                     doanh (Điều 102 Nghị định số 168/2025/NĐ-CP)."
                    .to_owned(),
            verify_url: Some(URL.to_owned()),
        };
        let pdf = intake_refusal_pdf(&refusal).expect("pdf");
        let (doc, _) = check(
            "4-phieu-tu-choi",
            &pdf,
            &[
                &HEAD[..],
                &[
                    "Mẫu số 03 - Phụ lục I, Thông tư số 03/2025/TT-VPCP",
                    "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
                    "Tiếp nhận hồ sơ của: Nguyễn Thị Ánh Tuyết",
                    "Nội dung yêu cầu giải quyết: Đăng ký thay đổi nội dung đăng ký hộ kinh doanh: Hộ kinh doanh Bánh xèo Bà Tư",
                    "thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:",
                    "đang trong tình trạng bị thu hồi Giấy chứng nhận",
                    "Xin thông báo cho Ông/Bà được biết và thực hiện./.",
                    "NGƯỜI TIẾP NHẬN HỒ SƠ",
                ],
            ]
            .concat(),
        );
        assert_eq!(decode_qr(&doc, 1), URL);
    }

    #[test]
    fn apology_follows_tt_03_mau_04_with_the_old_and_new_dates() {
        let apology = Apology {
            issuance: issuance(Some("03/PXL-PKT"), head_of_office()),
            dossier: hkd_dossier(Procedure::HkdRegistration),
            old_due_date: date(2026, 11, 26),
            new_due_date: date(2026, 12, 1),
            reason: "Cơ quan thuế chưa phản hồi thông tin mã số hộ kinh doanh.".to_owned(),
            verify_url: None,
        };
        let pdf = apology_pdf(&apology).expect("pdf");
        check(
            "5-van-ban-xin-loi",
            &pdf,
            &[
                &HEAD[..],
                &[
                    "Mẫu số 04 - Phụ lục I, Thông tư số 03/2025/TT-VPCP",
                    "Số: 03/PXL-PKT",
                    "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
                    "Kính gửi: Nguyễn Thị Ánh Tuyết",
                    "Ngày 23/11/2026, Phòng Kinh tế tiếp nhận giải quyết hồ sơ",
                    "Ngày hẹn trả kết quả giải quyết hồ sơ: 26/11/2026",
                    "Lý do: Cơ quan thuế chưa phản hồi thông tin mã số hộ kinh doanh.",
                    "xin lỗi Ông/Bà/tổ chức",
                    "vào ngày 01 tháng 12 năm 2026",
                    "Ngày hẹn trả kết quả mới: 01/12/2026",
                    "Mong nhận được sự thông cảm của Ông/Bà/tổ chức./.",
                    "- Như trên.",
                ],
            ]
            .concat(),
        );
    }

    #[test]
    fn promotion_acknowledgement_is_a_plain_letter_of_the_department() {
        let ack = PromotionAcknowledgement {
            issuance: department(),
            dossier: promotion_dossier(),
            trader_tax_code: "4300123456".to_owned(),
            trader_address: "Số 5 đường Quang Trung, Phường Cẩm Thành, Tỉnh Quảng Ngãi".to_owned(),
            notice_number: Some("12/2026/TB-SH".to_owned()),
            programme: "Tích điểm đổi quà mùa Tết 2027".to_owned(),
            promotion_form: "Tổ chức chương trình khách hàng thường xuyên".to_owned(),
            starts_on: date(2026, 12, 1),
            ends_on: date(2027, 2, 28),
            area: "Tỉnh Quảng Ngãi".to_owned(),
            recipients: vec![
                "Giám đốc Sở (để b/c)".to_owned(),
                "Lưu: VT, QLTM".to_owned(),
            ],
            verify_url: Some(URL.to_owned()),
        };
        let pdf = promotion_acknowledgement_pdf(&ack).expect("pdf");
        let (doc, text) = check(
            "6-tiep-nhan-thong-bao-khuyen-mai",
            &pdf,
            &[
                "UBND TỈNH QUẢNG NGÃI",
                "SỞ CÔNG THƯƠNG",
                "Số: 1234/SCT-QLTM",
                "V/v tiếp nhận thông báo thực hiện khuyến mại",
                "Quảng Ngãi, ngày 24 tháng 11 năm 2026",
                "Kính gửi: Công ty TNHH Thương mại Sa Huỳnh",
                "Ngày 23/11/2026, Sở Công Thương nhận được Thông báo thực hiện khuyến mại số 12/2026/TB-SH",
                "mã số thuế 4300123456",
                "Tên chương trình khuyến mại: Tích điểm đổi quà mùa Tết 2027",
                "Hình thức khuyến mại: Tổ chức chương trình khách hàng thường xuyên",
                "Thời gian khuyến mại: từ ngày 01/12/2026 đến hết ngày 28/02/2027",
                "Địa bàn (phạm vi) khuyến mại: Tỉnh Quảng Ngãi",
                "xác nhận đã tiếp nhận thông báo nêu trên",
                "- Giám đốc Sở (để b/c);",
                "- Lưu: VT, QLTM.",
                "KT. GIÁM ĐỐC",
                "PHÓ GIÁM ĐỐC",
                "Võ Minh Đức",
            ],
        );
        assert!(!text.contains("Mẫu số"), "no official form: {text}");
        assert_eq!(decode_qr(&doc, 1), URL);
    }

    #[test]
    fn a_deputy_head_of_a_unit_of_the_department_signs_by_order_on_the_heads_behalf() {
        use domain::{
            accounts::Title,
            documents::{IssuingBody, NumberSeries, document_number},
        };
        let refusal = IntakeRefusal {
            issuance: Issuance {
                number: Some(document_number(
                    4,
                    NumberSeries::RefusalSlip,
                    IssuingBody::TradeDepartment,
                )),
                signer: Signer::of(
                    IssuingBody::TradeDepartment,
                    Title::PhoTruongPhong,
                    "Lê Thị Mai",
                ),
                ..department()
            },
            dossier: promotion_dossier(),
            reason: "Chương trình không thuộc trường hợp phải thông báo.".to_owned(),
            verify_url: None,
        };
        let pdf = intake_refusal_pdf(&refusal).expect("pdf");
        let (_, text) = check(
            "4b-phieu-tu-choi-so",
            &pdf,
            &[
                "SỞ CÔNG THƯƠNG",
                "Số: 04/PTC-SCT",
                "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
                "TL. GIÁM ĐỐC",
                "KT. TRƯỞNG PHÒNG",
                "PHÓ TRƯỞNG PHÒNG",
                "Lê Thị Mai",
            ],
        );
        let at = |needle: &str| text.find(needle).unwrap_or(usize::MAX);
        assert!(
            at("TL. GIÁM ĐỐC") < at("KT. TRƯỞNG PHÒNG")
                && at("KT. TRƯỞNG PHÒNG") < at("PHÓ TRƯỞNG PHÒNG")
                && at("PHÓ TRƯỞNG PHÒNG") < at("Lê Thị Mai"),
            "the authority lines in order, then the name: {text}"
        );
    }

    #[test]
    fn recipients_end_each_with_a_semicolon_and_the_last_with_a_full_stop() {
        assert_eq!(recipients(&[]), ["Như trên."]);
        assert_eq!(
            recipients(&["Thuế cơ sở 1;".to_owned(), "Lưu: VT.".to_owned()]),
            ["Như trên;", "Thuế cơ sở 1;", "Lưu: VT."]
        );
    }
}
