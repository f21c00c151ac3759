//! What the documents an office issues on a dossier say: the result (the household business's
//! certificate, the termination notice, the acknowledgement of a promotion notice) and the letters of
//! the one-stop workflow (request for amendments, refusal at intake, apology with a new date).
//!
//! Plain data, no layout: the server sets each as a PDF (`server::documents`), the verification page
//! shows the same fields, and a stored document can be kept as JSON. Free texts are printed as given
//! (after Unicode NFC); dates are calendar dates in Vietnam.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{
    Gender, Lang, Procedure, Vnd, accounts::Title, forms::common::Address,
    forms::hkd_registration::Founder,
};

/// A document the office issues, by its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// Giấy chứng nhận đăng ký hộ kinh doanh (TT 68/2025/TT-BTC PL II Mẫu 7).
    HkdCertificate,
    /// Thông báo về việc chấm dứt hoạt động hộ kinh doanh (TT 68/2025 PL II Mẫu 13).
    TerminationNotice,
    /// Request to amend the dossier: TT 68/2025 PL II Mẫu 10 for household businesses, TT 03/2025/TT-VPCP
    /// PL I Mẫu 02 otherwise.
    SupplementRequest,
    /// Phiếu từ chối tiếp nhận giải quyết hồ sơ (TT 03/2025/TT-VPCP PL I Mẫu 03).
    IntakeRefusal,
    /// Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết, with the new date for the result (TT
    /// 03/2025/TT-VPCP PL I Mẫu 04, which replaced TT 01/2018's "Phiếu xin lỗi và hẹn lại ngày trả kết
    /// quả").
    Apology,
    /// The Sở Công Thương's letter acknowledging a promotion notice (no official form: see
    /// [`PromotionAcknowledgement`]).
    PromotionAcknowledgement,
}

impl DocumentKind {
    /// Every kind, in the order a dossier meets them.
    pub const ALL: [Self; 6] = [
        Self::IntakeRefusal,
        Self::SupplementRequest,
        Self::Apology,
        Self::HkdCertificate,
        Self::TerminationNotice,
        Self::PromotionAcknowledgement,
    ];

    /// The name the server stores and lists it under (`dossier_documents.kind`, the audit log's detail
    /// of a document read).
    #[must_use]
    pub const fn stored_name(self) -> &'static str {
        match self {
            Self::HkdCertificate => "gcn",
            Self::TerminationNotice => "termination_notice",
            Self::SupplementRequest => "supplement_request",
            Self::IntakeRefusal => "refusal",
            Self::Apology => "apology",
            Self::PromotionAcknowledgement => "acknowledgement",
        }
    }

    /// A kind by its [`Self::stored_name`].
    #[must_use]
    pub fn from_stored_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.stored_name() == name)
    }

    /// The document's name.
    #[must_use]
    pub const fn name(self, lang: Lang) -> &'static str {
        match self {
            Self::HkdCertificate => lang.pick(
                "Giấy chứng nhận đăng ký hộ kinh doanh",
                "Household business registration certificate",
            ),
            Self::TerminationNotice => lang.pick(
                "Thông báo về việc chấm dứt hoạt động hộ kinh doanh",
                "Notice of the termination of a household business",
            ),
            Self::SupplementRequest => lang.pick(
                "Thông báo về việc sửa đổi, bổ sung hồ sơ",
                "Request to amend the dossier",
            ),
            Self::IntakeRefusal => lang.pick(
                "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
                "Refusal to accept the dossier",
            ),
            Self::Apology => lang.pick(
                "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
                "Apology and new date for the result",
            ),
            Self::PromotionAcknowledgement => lang.pick(
                "Văn bản tiếp nhận thông báo thực hiện khuyến mại",
                "Acknowledgement of the promotion notice",
            ),
        }
    }

    /// The official form it follows for a dossier of `procedure`, as printed at the top of the page;
    /// `None` when the law gives no form.
    #[must_use]
    pub const fn form(self, procedure: Procedure) -> Option<&'static str> {
        let hkd = !matches!(procedure, Procedure::PromotionNotice);
        match self {
            Self::HkdCertificate => Some("Mẫu số 7 - Phụ lục II, Thông tư số 68/2025/TT-BTC"),
            Self::TerminationNotice => Some("Mẫu số 13 - Phụ lục II, Thông tư số 68/2025/TT-BTC"),
            Self::SupplementRequest if hkd => {
                Some("Mẫu số 10 - Phụ lục II, Thông tư số 68/2025/TT-BTC")
            }
            Self::SupplementRequest => Some("Mẫu số 02 - Phụ lục I, Thông tư số 03/2025/TT-VPCP"),
            Self::IntakeRefusal => Some("Mẫu số 03 - Phụ lục I, Thông tư số 03/2025/TT-VPCP"),
            Self::Apology => Some("Mẫu số 04 - Phụ lục I, Thông tư số 03/2025/TT-VPCP"),
            Self::PromotionAcknowledgement => None,
        }
    }

    /// The series its number is taken from for a dossier of `procedure`; `None` for the certificate,
    /// which has no "Số:" (TT 68/2025 Mẫu 7: its number is the Mã số hộ kinh doanh).
    #[must_use]
    pub const fn series(self, procedure: Procedure) -> Option<NumberSeries> {
        let hkd = !matches!(procedure, Procedure::PromotionNotice);
        match self {
            Self::HkdCertificate => None,
            // TT 68/2025 Mẫu 10 and Mẫu 13 are "Thông báo".
            Self::TerminationNotice => Some(NumberSeries::Notice),
            Self::SupplementRequest if hkd => Some(NumberSeries::Notice),
            Self::SupplementRequest => Some(NumberSeries::SupplementSlip),
            Self::IntakeRefusal => Some(NumberSeries::RefusalSlip),
            Self::Apology => Some(NumberSeries::Apology),
            Self::PromotionAcknowledgement => Some(NumberSeries::OfficialLetter),
        }
    }
}

/// The Sở Công Thương's unit that handles promotions, as a signature block names it under "TL. GIÁM
/// ĐỐC" (its abbreviation in letter symbols is [`IssuingBody::letter_unit`]'s "QLTM").
pub const TRADE_UNIT: &str = "PHÒNG QUẢN LÝ THƯƠNG MẠI";

/// The bodies that issue motcua's documents: a commune's business-registration office (NĐ 168/2025
/// art. 20.2) or the province's Sở Công Thương.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IssuingBody {
    /// Phòng Kinh tế of a xã or đặc khu.
    EconomyOffice,
    /// Phòng Kinh tế, Hạ tầng và Đô thị of a phường.
    EconomyInfrastructureOffice,
    /// Sở Công Thương.
    TradeDepartment,
}

impl IssuingBody {
    /// Its name, as the top left of its documents prints it.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::EconomyOffice => "Phòng Kinh tế",
            Self::EconomyInfrastructureOffice => "Phòng Kinh tế, Hạ tầng và Đô thị",
            Self::TradeDepartment => "Sở Công Thương",
        }
    }

    /// The abbreviation of its name in the symbols of its documents (NĐ 30/2020/NĐ-CP Phụ lục I, item
    /// II.3.b: the body's abbreviation, which the body sets): the initials of its name.
    #[must_use]
    pub const fn abbreviation(self) -> &'static str {
        match self {
            Self::EconomyOffice => "PKT",
            Self::EconomyInfrastructureOffice => "PKTHTĐT",
            Self::TradeDepartment => "SCT",
        }
    }

    /// The unit that drafts its letters without a type name (công văn), whose abbreviation follows
    /// the body's in their symbol (NĐ 30/2020 Phụ lục I, II.3.b): the Sở's Phòng Quản lý thương mại,
    /// which handles promotions; a commune's Phòng has no units.
    #[must_use]
    pub const fn letter_unit(self) -> Option<&'static str> {
        match self {
            Self::EconomyOffice | Self::EconomyInfrastructureOffice => None,
            Self::TradeDepartment => Some("QLTM"),
        }
    }

    /// Its head's title, as a signature block prints it.
    #[must_use]
    pub const fn head(self) -> &'static str {
        match self {
            Self::EconomyOffice | Self::EconomyInfrastructureOffice => "TRƯỞNG PHÒNG",
            Self::TradeDepartment => "GIÁM ĐỐC",
        }
    }
}

/// The series an issuing body numbers a document in. NĐ 30/2020/NĐ-CP art. 15.1: numbers run in the
/// order of issue within the calendar year, from 01 on 1 January, and a number with its symbol is
/// unique within the year; art. 15.1.c leaves how administrative documents are numbered to the body's
/// head. motcua keeps one series per kind of document — each with its own symbol, so number and
/// symbol stay unique — per body and year ([`document_number`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NumberSeries {
    /// Thông báo (TT 68/2025 Mẫu 10, Mẫu 13): "TB", as NĐ 30/2020 Phụ lục III abbreviates it.
    Notice,
    /// Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (TT 03/2025/TT-VPCP Mẫu 02): "PBS".
    SupplementSlip,
    /// Phiếu từ chối tiếp nhận giải quyết hồ sơ (TT 03/2025 Mẫu 03): "PTC".
    RefusalSlip,
    /// Văn bản xin lỗi và đề nghị gia hạn (TT 03/2025 Mẫu 04, formerly TT 01/2018's "Phiếu xin lỗi
    /// và hẹn lại ngày trả kết quả"): "PXL".
    Apology,
    /// A letter without a type name (công văn, NĐ 30/2020 art. 7), such as the Sở Công Thương's
    /// acknowledgement of a promotion notice: its symbol is the body's abbreviation and its drafting
    /// unit's, "SCT-QLTM" (Phụ lục I, II.3.b).
    OfficialLetter,
}

impl NumberSeries {
    /// Every series.
    pub const ALL: [Self; 5] = [
        Self::Notice,
        Self::SupplementSlip,
        Self::RefusalSlip,
        Self::Apology,
        Self::OfficialLetter,
    ];

    /// The stored name of the series (the counters' key).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Notice => "TB",
            Self::SupplementSlip => "PBS",
            Self::RefusalSlip => "PTC",
            Self::Apology => "PXL",
            Self::OfficialLetter => "CV",
        }
    }

    /// The abbreviation of the document's type in its symbol, `None` for a công văn. NĐ 30/2020 Phụ
    /// lục III gives "TB" for Thông báo; the slips of TT 03/2025/TT-VPCP are not among the types of NĐ
    /// 30/2020 art. 7, so theirs are made the way Phụ lục III makes its own, from the initials of the
    /// name: Phiếu (yêu cầu) Bổ Sung, Phiếu Từ Chối, Phiếu Xin Lỗi.
    #[must_use]
    pub const fn type_abbreviation(self) -> Option<&'static str> {
        match self {
            Self::OfficialLetter => None,
            other => Some(other.as_str()),
        }
    }
}

/// "Số và ký hiệu" of a document (NĐ 30/2020 Phụ lục I, item II.3), printed after "Số: ": the number,
/// at least two digits (numbering starts at 01, art. 15.1), a slash, then the symbol — the type's
/// abbreviation and the body's, "07/TB-PKT"; for a công văn the body's and its drafting unit's,
/// "1234/SCT-QLTM".
#[must_use]
pub fn document_number(number: u32, series: NumberSeries, body: IssuingBody) -> String {
    let symbol = match (series.type_abbreviation(), body.letter_unit()) {
        (Some(kind), _) => format!("{kind}-{}", body.abbreviation()),
        (None, Some(unit)) => format!("{}-{unit}", body.abbreviation()),
        (None, None) => body.abbreviation().to_owned(),
    };
    format!("{number:02}/{symbol}")
}

/// The body that issues a document, as the top left of the page names it (NĐ 30/2020/NĐ-CP Phụ lục I:
/// the governing body, then the issuing body).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issuer {
    /// The governing body, e.g. "UBND xã Tịnh Khê" or "UBND tỉnh Quảng Ngãi"; `None` when the issuing
    /// body is printed alone.
    pub parent: Option<String>,
    /// The issuing body, e.g. "Phòng Kinh tế" or "Sở Công Thương".
    pub name: String,
}

/// Who signs, as the signature block prints it (NĐ 30/2020 Phụ lục I).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signer {
    /// The authority line when signing for the head, e.g. "KT. TRƯỞNG PHÒNG"; `None` when the head
    /// signs, or for a receiving officer.
    pub on_behalf: Option<String>,
    /// A second authority line, under the first: a deputy of a unit's head who signs by order of the
    /// body's head, "TL. GIÁM ĐỐC" then "KT. TRƯỞNG PHÒNG" (NĐ 30/2020 art. 13.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_on_behalf: Option<String>,
    /// The signer's role, e.g. "TRƯỞNG PHÒNG", "PHÓ GIÁM ĐỐC", "NGƯỜI TIẾP NHẬN HỒ SƠ".
    pub role: String,
    /// The signer's full name.
    pub name: String,
}

/// How an officer without signing authority (a chuyên viên) signs: as before positions existed.
pub const OFFICER_ROLE: &str = "CÁN BỘ XỬ LÝ HỒ SƠ";

impl Signer {
    /// The signature block of a staff member of `body` holding `title` (NĐ 30/2020/NĐ-CP art. 13):
    /// the head signs under the head's title; a deputy "KT." (ký thay) the head; a unit's head of the
    /// Sở "TL." (thừa lệnh) the Giám đốc, and the unit's deputy "KT." that unit's head under it; an
    /// officer without signing authority as [`OFFICER_ROLE`].
    #[must_use]
    pub fn of(body: IssuingBody, title: Title, name: &str) -> Self {
        let head = body.head();
        let by_order = format!("TL. {head}");
        let (on_behalf, unit_on_behalf, role) = match (body, title) {
            (IssuingBody::TradeDepartment, Title::GiamDoc)
            | (
                IssuingBody::EconomyOffice | IssuingBody::EconomyInfrastructureOffice,
                Title::TruongPhong,
            ) => (None, None, head.to_owned()),
            (IssuingBody::TradeDepartment, Title::PhoGiamDoc)
            | (
                IssuingBody::EconomyOffice | IssuingBody::EconomyInfrastructureOffice,
                Title::PhoTruongPhong,
            ) => (Some(format!("KT. {head}")), None, format!("PHÓ {head}")),
            // Under "TL." the unit is named (NĐ 30/2020 Phụ lục I: "TL. BỘ TRƯỞNG / VỤ TRƯỞNG VỤ …"):
            // the Sở has several Phòng; promotions are the trade management unit's ([`TRADE_UNIT`]).
            (IssuingBody::TradeDepartment, Title::TruongPhong) => {
                (Some(by_order), None, format!("TRƯỞNG {TRADE_UNIT}"))
            }
            (IssuingBody::TradeDepartment, Title::PhoTruongPhong) => (
                Some(by_order),
                Some(format!("KT. TRƯỞNG {TRADE_UNIT}")),
                format!("PHÓ TRƯỞNG {TRADE_UNIT}"),
            ),
            // A commune's account never holds a position of the Sở (`accounts::check_title`); were
            // one to, it has no authority in a Phòng.
            (_, Title::ChuyenVien)
            | (
                IssuingBody::EconomyOffice | IssuingBody::EconomyInfrastructureOffice,
                Title::GiamDoc | Title::PhoGiamDoc,
            ) => (None, None, OFFICER_ROLE.to_owned()),
        };
        Self {
            on_behalf,
            unit_on_behalf,
            role,
            name: name.to_owned(),
        }
    }
}

/// The header every issued letter shares: who issues it, its number, when, and who signs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issuance {
    /// The issuing body.
    pub issuer: Issuer,
    /// Số và ký hiệu, e.g. "25/TB-PKT" (printed after "Số: "); `None` for forms without one.
    pub number: Option<String>,
    /// The date of issue ("Quảng Ngãi, ngày … tháng … năm …").
    pub issued_on: NaiveDate,
    /// Who signs.
    pub signer: Signer,
}

/// Which dossier a letter is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierRef {
    /// Mã hồ sơ.
    pub code: String,
    /// The procedure.
    pub procedure: Procedure,
    /// When the dossier was received.
    pub received_on: NaiveDate,
    /// The applicant (person or organisation) the letter is addressed to.
    pub applicant: String,
    /// The applicant's phone number, as printed.
    pub applicant_phone: Option<String>,
    /// What the dossier is about, when there is a name for it: the household business's or the
    /// promotion programme's name.
    pub subject: Option<String>,
}

/// The registration the certificate records: first, or the n-th change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationCount {
    /// "Đăng ký lần đầu": the date of the first registration.
    pub first_on: NaiveDate,
    /// "Đăng ký thay đổi lần thứ N": N and its date; `None` on the first certificate.
    pub change: Option<(u32, NaiveDate)>,
}

/// A business line on the certificate (item 3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateLine {
    /// Tên ngành.
    pub name: String,
    /// Mã ngành (VSIC, level 4 for the main line); `None` for a line declared without a code.
    pub code: Option<String>,
    /// The main line ("Ngành, nghề kinh doanh chính").
    pub main: bool,
}

/// A person on the certificate: the owner (item 6) or a household member (item 7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificatePerson {
    /// Họ và tên.
    pub full_name: String,
    /// Giới tính.
    pub gender: Gender,
    /// Sinh ngày.
    pub birth_date: NaiveDate,
    /// Số định danh cá nhân.
    pub id_number: String,
    /// Dân tộc, when known (from the population database or the form).
    pub ethnicity: Option<String>,
    /// Quốc tịch, when known.
    pub nationality: Option<String>,
    /// Nơi thường trú, when known.
    pub permanent_address: Option<Address>,
    /// Nơi ở hiện tại, when known.
    pub current_address: Option<Address>,
}

/// Giấy chứng nhận đăng ký hộ kinh doanh (TT 68/2025/TT-BTC PL II Mẫu 7; NĐ 168/2025 art. 85): also
/// the household business's tax registration certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HkdCertificate {
    /// The commune-level business-registration office that issues it.
    pub issuer: Issuer,
    /// Mã số hộ kinh doanh (= its tax code).
    pub hkd_code: String,
    /// First registration, or the n-th change.
    pub registration: RegistrationCount,
    /// Item 1: the name in Vietnamese (printed in upper case).
    pub name: String,
    /// Item 1: the name in a foreign language, if any.
    pub foreign_name: Option<String>,
    /// Item 1: the abbreviated name, if any.
    pub abbreviation: Option<String>,
    /// Item 2: the seat.
    pub seat: Address,
    /// Item 2: Điện thoại.
    pub phone: Option<String>,
    /// Item 2: Fax.
    pub fax: Option<String>,
    /// Item 2: Thư điện tử.
    pub email: Option<String>,
    /// Item 2: Website.
    pub website: Option<String>,
    /// Item 3, in order.
    pub business_lines: Vec<CertificateLine>,
    /// Item 4: Vốn kinh doanh (printed in figures and in words).
    pub capital: Vnd,
    /// Item 5: Chủ thể thành lập hộ kinh doanh.
    pub founder: Founder,
    /// Item 6: the owner.
    pub owner: CertificatePerson,
    /// Item 7: the household members, the owner included (household founders only).
    pub members: Vec<CertificatePerson>,
    /// Who signs.
    pub signer: Signer,
    /// Where the QR code leads: `{public_url}/verify/{code}`.
    pub verify_url: String,
}

/// Thông báo về việc chấm dứt hoạt động hộ kinh doanh (TT 68/2025/TT-BTC PL II Mẫu 13; NĐ 168/2025
/// art. 104.1.c): the office's notice that the business's status is now "Đã chấm dứt hoạt động".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TerminationNotice {
    /// Issuer, number, date, signer.
    pub issuance: Issuance,
    /// The termination dossier (the business's Mẫu 4 notice).
    pub dossier: DossierRef,
    /// Tên hộ kinh doanh.
    pub hkd_name: String,
    /// Mã số hộ kinh doanh.
    pub hkd_code: String,
    /// The seat.
    pub seat: Address,
    /// Chủ hộ kinh doanh.
    pub owner_name: String,
    /// When the status changed to "Đã chấm dứt hoạt động".
    pub terminated_on: NaiveDate,
    /// Nơi nhận, after "Như trên", e.g. the managing tax office.
    pub recipients: Vec<String>,
    /// Where the QR code leads: `{public_url}/verify/{code}`.
    pub verify_url: String,
}

/// One thing to amend, and the officer's note on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplementItem {
    /// The field or attached document, by the name the form gives it.
    pub item: String,
    /// What is wrong and what to do.
    pub note: String,
}

/// Request to amend or complete a dossier: for household businesses "Thông báo về việc sửa đổi, bổ sung
/// hồ sơ đăng ký hộ kinh doanh" (TT 68/2025 PL II Mẫu 10; NĐ 168/2025 arts. 95.4, 99.3), otherwise
/// "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ" (TT 03/2025/TT-VPCP PL I Mẫu 02).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplementRequest {
    /// Issuer, number, date, signer.
    pub issuance: Issuance,
    /// The dossier.
    pub dossier: DossierRef,
    /// What to amend, in order; at least one.
    pub items: Vec<SupplementItem>,
    /// Where the QR code leads, if the letter carries one.
    pub verify_url: Option<String>,
}

/// Phiếu từ chối tiếp nhận giải quyết hồ sơ (TT 03/2025/TT-VPCP PL I Mẫu 03).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntakeRefusal {
    /// Issuer, number, date, signer (the receiving officer).
    pub issuance: Issuance,
    /// The dossier.
    pub dossier: DossierRef,
    /// Why it is refused.
    pub reason: String,
    /// Where the QR code leads, if the letter carries one.
    pub verify_url: Option<String>,
}

/// The apology for a late result and its new date (TT 03/2025/TT-VPCP PL I Mẫu 04).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Apology {
    /// Issuer, number, date, signer.
    pub issuance: Issuance,
    /// The dossier.
    pub dossier: DossierRef,
    /// The due date the receipt gave.
    pub old_due_date: NaiveDate,
    /// The new date for the result.
    pub new_due_date: NaiveDate,
    /// Why the result is late.
    pub reason: String,
    /// Where the QR code leads, if the letter carries one.
    pub verify_url: Option<String>,
}

/// The Sở Công Thương's acknowledgement of a promotion notice.
///
/// The law gives no result for a notice (NĐ 81/2018 art. 17 as amended: the trader notifies, the Sở
/// only receives; the procedure's records list "Kết quả: Không", LEGAL-FACTS §2.6), so there is no
/// official form: this is a plain administrative letter (công văn) in the layout of NĐ 30/2020/NĐ-CP
/// Phụ lục I, saying that the notice was received and what it announced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromotionAcknowledgement {
    /// Issuer (the Sở Công Thương), number, date, signer.
    pub issuance: Issuance,
    /// The dossier; `applicant` is the trader.
    pub dossier: DossierRef,
    /// Mã số thuế of the trader.
    pub trader_tax_code: String,
    /// Địa chỉ trụ sở chính of the trader.
    pub trader_address: String,
    /// The trader's own number of its notice, if it gave one.
    pub notice_number: Option<String>,
    /// Tên chương trình khuyến mại.
    pub programme: String,
    /// Hình thức khuyến mại.
    pub promotion_form: String,
    /// First day of the promotion.
    pub starts_on: NaiveDate,
    /// Last day of the promotion.
    pub ends_on: NaiveDate,
    /// Địa bàn (phạm vi) khuyến mại.
    pub area: String,
    /// Nơi nhận, after "Như trên".
    pub recipients: Vec<String>,
    /// Where the QR code leads, if the letter carries one.
    pub verify_url: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_two_digits_at_least_and_the_symbol_of_their_series_and_body() {
        use IssuingBody::{EconomyInfrastructureOffice, EconomyOffice, TradeDepartment};
        use NumberSeries::{Apology, Notice, OfficialLetter, RefusalSlip, SupplementSlip};
        assert_eq!(document_number(7, Notice, EconomyOffice), "07/TB-PKT");
        assert_eq!(document_number(15, Notice, EconomyOffice), "15/TB-PKT");
        assert_eq!(document_number(3, Apology, EconomyOffice), "03/PXL-PKT");
        assert_eq!(
            document_number(1, RefusalSlip, EconomyInfrastructureOffice),
            "01/PTC-PKTHTĐT"
        );
        assert_eq!(
            document_number(1234, OfficialLetter, TradeDepartment),
            "1234/SCT-QLTM"
        );
        assert_eq!(
            document_number(2, SupplementSlip, TradeDepartment),
            "02/PBS-SCT"
        );
        assert_eq!(document_number(9, OfficialLetter, EconomyOffice), "09/PKT");
        let names: std::collections::HashSet<&str> =
            NumberSeries::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            names.len(),
            NumberSeries::ALL.len(),
            "each series its own key"
        );
    }

    #[test]
    fn every_letter_is_numbered_and_the_certificate_is_not() {
        for kind in DocumentKind::ALL {
            for procedure in [Procedure::HkdRegistration, Procedure::PromotionNotice] {
                assert_eq!(
                    kind.series(procedure).is_none(),
                    kind == DocumentKind::HkdCertificate,
                    "{kind:?} of {procedure:?}"
                );
            }
        }
        assert_eq!(
            DocumentKind::SupplementRequest.series(Procedure::HkdChange),
            Some(NumberSeries::Notice),
            "TT 68 Mẫu 10 is a Thông báo"
        );
        assert_eq!(
            DocumentKind::SupplementRequest.series(Procedure::PromotionNotice),
            Some(NumberSeries::SupplementSlip)
        );
        assert_eq!(
            DocumentKind::PromotionAcknowledgement.series(Procedure::PromotionNotice),
            Some(NumberSeries::OfficialLetter)
        );
    }

    fn block(s: &Signer) -> Vec<&str> {
        s.on_behalf
            .iter()
            .chain(&s.unit_on_behalf)
            .map(String::as_str)
            .chain([s.role.as_str(), s.name.as_str()])
            .collect()
    }

    #[test]
    fn the_signature_block_follows_the_position() {
        use IssuingBody::{EconomyInfrastructureOffice, EconomyOffice, TradeDepartment};
        let n = "Trần Văn Hưởng";
        assert_eq!(
            block(&Signer::of(EconomyOffice, Title::TruongPhong, n)),
            ["TRƯỞNG PHÒNG", n]
        );
        assert_eq!(
            block(&Signer::of(
                EconomyInfrastructureOffice,
                Title::PhoTruongPhong,
                n
            )),
            ["KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG", n]
        );
        assert_eq!(
            block(&Signer::of(EconomyOffice, Title::ChuyenVien, n)),
            ["CÁN BỘ XỬ LÝ HỒ SƠ", n]
        );
        assert_eq!(
            block(&Signer::of(EconomyOffice, Title::GiamDoc, n)),
            ["CÁN BỘ XỬ LÝ HỒ SƠ", n],
            "no authority of the Sở in a Phòng"
        );
        assert_eq!(
            block(&Signer::of(TradeDepartment, Title::GiamDoc, n)),
            ["GIÁM ĐỐC", n]
        );
        assert_eq!(
            block(&Signer::of(TradeDepartment, Title::PhoGiamDoc, n)),
            ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", n]
        );
        assert_eq!(
            block(&Signer::of(TradeDepartment, Title::TruongPhong, n)),
            ["TL. GIÁM ĐỐC", "TRƯỞNG PHÒNG QUẢN LÝ THƯƠNG MẠI", n]
        );
        assert_eq!(
            block(&Signer::of(TradeDepartment, Title::PhoTruongPhong, n)),
            [
                "TL. GIÁM ĐỐC",
                "KT. TRƯỞNG PHÒNG QUẢN LÝ THƯƠNG MẠI",
                "PHÓ TRƯỞNG PHÒNG QUẢN LÝ THƯƠNG MẠI",
                n
            ]
        );
        assert_eq!(
            block(&Signer::of(TradeDepartment, Title::ChuyenVien, n)),
            ["CÁN BỘ XỬ LÝ HỒ SƠ", n]
        );
    }

    #[test]
    fn a_signer_stored_before_the_second_authority_line_still_reads() {
        let old: Signer = serde_json::from_str(
            r#"{"on_behalf":null,"role":"CÁN BỘ XỬ LÝ HỒ SƠ","name":"Trần Văn Bình"}"#,
        )
        .expect("old JSON");
        assert_eq!(old.unit_on_behalf, None);
        assert!(
            !serde_json::to_string(&old)
                .expect("json")
                .contains("unit_on_behalf")
        );
    }

    #[test]
    fn every_kind_has_a_name_and_the_supplement_form_follows_the_procedure() {
        for kind in DocumentKind::ALL {
            assert!(!kind.name(Lang::Vi).is_empty());
            assert!(!kind.name(Lang::En).is_empty());
        }
        assert_eq!(
            DocumentKind::SupplementRequest.form(Procedure::HkdChange),
            Some("Mẫu số 10 - Phụ lục II, Thông tư số 68/2025/TT-BTC")
        );
        assert_eq!(
            DocumentKind::SupplementRequest.form(Procedure::PromotionNotice),
            Some("Mẫu số 02 - Phụ lục I, Thông tư số 03/2025/TT-VPCP")
        );
        assert_eq!(
            DocumentKind::PromotionAcknowledgement.form(Procedure::PromotionNotice),
            None
        );
    }
}
