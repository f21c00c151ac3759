//! The procedures' forms in two shapes: a lenient [`Draft`] (whatever was typed, saved offline, carrying the
//! form version it was made with) and a strict [`Submission`], which can only be built from a draft that
//! passes every rule. [`validate`] is the one entry point the phone and the server both call.
//!
//! Drafts hold JSON; each procedure's module documents its keys. Validation reads leniently (missing keys,
//! `null` and wrong types are "not filled") and returns every [`FieldError`] at once.

pub mod common;
pub mod filer;
pub mod hkd_change;
pub mod hkd_registration;
pub mod hkd_termination;
pub mod promotion;

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{MaSoThue, Procedure, calendar::Calendar, validation::FieldError};

/// The version of an official form a draft was filled against (ARCHITECTURE §3.6: law is data with dates).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FormVersion {
    /// Mẫu số 01, Phụ lục NĐ 81/2018/NĐ-CP (as applied since NĐ 128/2024, 01/12/2024).
    Nd81Mau01,
    /// TT 68/2025/TT-BTC Phụ lục II Mẫu 1 (from 01/7/2025).
    Tt68Mau1,
    /// TT 68/2025/TT-BTC Phụ lục II Mẫu 2 (from 01/7/2025).
    Tt68Mau2,
    /// TT 68/2025/TT-BTC Phụ lục II Mẫu 4 (from 01/7/2025).
    Tt68Mau4,
}

impl FormVersion {
    /// The form version in force for a procedure today.
    #[must_use]
    pub const fn current(procedure: Procedure) -> Self {
        match procedure {
            Procedure::PromotionNotice => Self::Nd81Mau01,
            Procedure::HkdRegistration => Self::Tt68Mau1,
            Procedure::HkdChange => Self::Tt68Mau2,
            Procedure::HkdTermination => Self::Tt68Mau4,
        }
    }

    /// The day the form came into force.
    #[must_use]
    pub fn effective_from(self) -> NaiveDate {
        let (y, m, d) = match self {
            Self::Nd81Mau01 => (2024, 12, 1),
            Self::Tt68Mau1 | Self::Tt68Mau2 | Self::Tt68Mau4 => (2025, 7, 1),
        };
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
    }

    /// The form's official title.
    #[must_use]
    pub const fn title(self) -> &'static str {
        match self {
            Self::Nd81Mau01 => "Thông báo thực hiện khuyến mại (Mẫu số 01, NĐ 81/2018/NĐ-CP)",
            Self::Tt68Mau1 => {
                "Giấy đề nghị đăng ký hộ kinh doanh (Mẫu số 1, PL II TT 68/2025/TT-BTC)"
            }
            Self::Tt68Mau2 => {
                "Giấy đề nghị đăng ký thay đổi nội dung đăng ký hộ kinh doanh (Mẫu số 2, PL II TT 68/2025/TT-BTC)"
            }
            Self::Tt68Mau4 => {
                "Thông báo về việc chấm dứt hoạt động hộ kinh doanh (Mẫu số 4, PL II TT 68/2025/TT-BTC)"
            }
        }
    }
}

/// The identifier of a draft, made by the phone when the draft is first saved (a UUID in text form); the
/// server uses it as the idempotency key of the submission.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DraftId(pub String);

/// A draft as saved on the phone: lenient, half-filled, serialisable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    /// Its identifier.
    pub id: DraftId,
    /// Which procedure.
    pub procedure: Procedure,
    /// The form version it was filled against.
    pub form_version: FormVersion,
    /// What was typed, keyed as the procedure's module documents.
    #[serde(default)]
    pub data: Value,
    /// When it was last edited (RFC 3339), as the phone's clock said.
    #[serde(default)]
    pub updated_at: String,
}

impl Draft {
    /// An empty draft of the current form version.
    #[must_use]
    pub fn new(id: DraftId, procedure: Procedure) -> Self {
        Self {
            id,
            procedure,
            form_version: FormVersion::current(procedure),
            data: Value::Object(serde_json::Map::new()),
            updated_at: String::new(),
        }
    }
}

/// What validation needs besides the draft: the day it is judged on (the phone's or server's today, in
/// Vietnam) and the working-day calendar.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// Today in Vietnam.
    pub today: NaiveDate,
    /// The working-day calendar.
    pub calendar: &'a Calendar,
}

impl Context<'static> {
    /// A context on the shipped calendar.
    #[must_use]
    pub fn on(today: NaiveDate) -> Self {
        Self {
            today,
            calendar: Calendar::official(),
        }
    }
}

/// A form that passed every rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "procedure", content = "form", rename_all = "snake_case")]
pub enum Submission {
    /// Thông báo thực hiện khuyến mại.
    PromotionNotice(Box<promotion::PromotionNotice>),
    /// Giấy đề nghị đăng ký hộ kinh doanh.
    HkdRegistration(Box<hkd_registration::HkdRegistration>),
    /// Giấy đề nghị đăng ký thay đổi nội dung đăng ký hộ kinh doanh.
    HkdChange(Box<hkd_change::HkdChange>),
    /// Thông báo chấm dứt hoạt động hộ kinh doanh.
    HkdTermination(Box<hkd_termination::HkdTermination>),
}

impl Submission {
    /// Which procedure it is.
    #[must_use]
    pub const fn procedure(&self) -> Procedure {
        match self {
            Self::PromotionNotice(_) => Procedure::PromotionNotice,
            Self::HkdRegistration(_) => Procedure::HkdRegistration,
            Self::HkdChange(_) => Procedure::HkdChange,
            Self::HkdTermination(_) => Procedure::HkdTermination,
        }
    }
}

/// Who receives and decides a dossier.
///
/// On the wire `{"kind":"commune","commune":"21025"}` or `{"kind":"provincial_trade_department"}`, read
/// through the flat [`JurisdictionWire`]: serde's derive for an adjacently tagged enum also compiles a
/// buffering deserializer (a few KB of WASM in the public pages' bundle, which reads it in receipts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(
    rename_all = "snake_case",
    tag = "kind",
    content = "commune",
    try_from = "JurisdictionWire"
)]
pub enum Jurisdiction {
    /// The business-registration office of a commune (the seat's commune decides, NĐ 168/2025 art. 88.2).
    Commune(crate::MaXa),
    /// Sở Công Thương tỉnh Quảng Ngãi.
    ProvincialTradeDepartment,
}

/// Which [`Jurisdiction`] a wire object is.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum JurisdictionKind {
    Commune,
    ProvincialTradeDepartment,
}

/// A [`Jurisdiction`] as read: its tag and the commune, if any.
#[derive(Deserialize)]
struct JurisdictionWire {
    kind: JurisdictionKind,
    commune: Option<crate::MaXa>,
}

impl TryFrom<JurisdictionWire> for Jurisdiction {
    type Error = &'static str;

    fn try_from(wire: JurisdictionWire) -> Result<Self, Self::Error> {
        match (wire.kind, wire.commune) {
            (JurisdictionKind::Commune, Some(commune)) => Ok(Self::Commune(commune)),
            (JurisdictionKind::Commune, None) => Err("missing field `commune`"),
            (JurisdictionKind::ProvincialTradeDepartment, None) => {
                Ok(Self::ProvincialTradeDepartment)
            }
            (JurisdictionKind::ProvincialTradeDepartment, Some(_)) => {
                Err("unexpected field `commune` for `provincial_trade_department`")
            }
        }
    }
}

impl Jurisdiction {
    /// The agency part of dossier codes and the key staff queues are filtered by: the commune's code,
    /// or `SCT`.
    #[must_use]
    pub fn agency_code(self) -> String {
        match self {
            Self::Commune(commune) => commune.code().to_string(),
            Self::ProvincialTradeDepartment => "SCT".to_owned(),
        }
    }
}

impl Submission {
    /// Who decides it: the commune of the seat for a registration (art. 88.2), the addressed commune
    /// office for a change or termination, the Sở Công Thương for a promotion notice.
    #[must_use]
    pub fn jurisdiction(&self) -> Jurisdiction {
        match self {
            Self::PromotionNotice(_) => Jurisdiction::ProvincialTradeDepartment,
            Self::HkdRegistration(f) => Jurisdiction::Commune(f.seat.address.commune),
            Self::HkdChange(f) => Jurisdiction::Commune(f.office),
            Self::HkdTermination(f) => Jurisdiction::Commune(f.office),
        }
    }

    /// Who files it (a promotion notice: the trader's representative, [`filer::FilerRole::Owner`]).
    #[must_use]
    pub fn filer(&self) -> filer::FilerRole {
        match self {
            Self::PromotionNotice(_) => filer::FilerRole::Owner,
            Self::HkdRegistration(f) => f.filer,
            Self::HkdChange(f) => f.filer,
            Self::HkdTermination(f) => f.filer,
        }
    }

    /// The household business a change or termination is about.
    #[must_use]
    pub fn hkd_code(&self) -> Option<&MaSoHoKinhDoanh> {
        match self {
            Self::HkdChange(f) => Some(&f.hkd_code),
            Self::HkdTermination(f) => Some(&f.hkd_code),
            Self::PromotionNotice(_) | Self::HkdRegistration(_) => None,
        }
    }

    /// The attached files the form lists.
    #[must_use]
    pub fn attachments(&self) -> &[crate::attachments::Attachment] {
        match self {
            Self::PromotionNotice(f) => &f.attachments,
            Self::HkdRegistration(f) => &f.attachments,
            Self::HkdChange(f) => &f.attachments,
            Self::HkdTermination(f) => &f.attachments,
        }
    }
}

/// Validates what was typed for a procedure, returning the strict form or every error.
///
/// # Errors
/// One [`FieldError`] per broken rule, each with its path, message key and legal citation.
pub fn validate(
    procedure: Procedure,
    data: &Value,
    ctx: &Context<'_>,
) -> Result<Submission, Vec<FieldError>> {
    match procedure {
        Procedure::PromotionNotice => {
            promotion::from_draft(data, ctx).map(|f| Submission::PromotionNotice(Box::new(f)))
        }
        Procedure::HkdRegistration => hkd_registration::from_draft(data, ctx)
            .map(|f| Submission::HkdRegistration(Box::new(f))),
        Procedure::HkdChange => {
            hkd_change::from_draft(data, ctx).map(|f| Submission::HkdChange(Box::new(f)))
        }
        Procedure::HkdTermination => {
            hkd_termination::from_draft(data).map(|f| Submission::HkdTermination(Box::new(f)))
        }
    }
}

/// The documents a draft needs besides the form, read leniently from whatever was typed so far (the same
/// rules [`validate`] checks the attachments against): the phone lists them on its attachments step.
#[must_use]
pub fn required_documents(
    procedure: Procedure,
    data: &Value,
) -> Vec<crate::attachments::RequiredDocument> {
    let f = common::Fields::root(data);
    fn parse<T: serde::de::DeserializeOwned>(raw: Option<String>) -> Option<T> {
        raw.and_then(|r| serde_json::from_value(Value::String(r)).ok())
    }
    let role = filer::role_of(procedure, data).unwrap_or_default();
    let without_eid = f.flag(filer::PRINCIPAL_WITHOUT_EID);
    match procedure {
        Procedure::PromotionNotice => Vec::new(),
        Procedure::HkdRegistration => parse(f.str("founder")).map_or_else(Vec::new, |founder| {
            hkd_registration::required_documents(founder, role, without_eid)
        }),
        Procedure::HkdChange => {
            let owner = f.object("change_owner", "change_owner");
            let members = f.object("change_members", "change_members");
            let correction = f.object("correction", "correction");
            hkd_change::required_documents(
                owner.and_then(|o| parse(o.str("reason"))),
                members.is_some_and(|m| m.flag("new_member_added")),
                correction.is_some_and(|c| c.flag("old_certificates_mismatch")),
                role,
                without_eid,
                f.flag("under_revocation_notice"),
            )
        }
        Procedure::HkdTermination => parse(hkd_termination::signatory_of(&f, Some(role)))
            .map_or_else(Vec::new, |s| {
                hkd_termination::required_documents(s, role, without_eid)
            }),
    }
}

/// Validates a saved draft (see [`validate`]).
///
/// # Errors
/// As [`validate`].
pub fn validate_draft(draft: &Draft, ctx: &Context<'_>) -> Result<Submission, Vec<FieldError>> {
    validate(draft.procedure, &draft.data, ctx)
}

/// Mã số hộ kinh doanh: the tax code the tax system issues (NĐ 168/2025 art. 91; 12 digits for new HKDs),
/// or a pre-2025 "mã số đăng ký hộ kinh doanh" (NĐ 01/2021 art. 83: province digits, district letter(s),
/// `8`, six digits), which stays valid until the HKD next files (art. 123.2).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum MaSoHoKinhDoanh {
    /// A tax code (10 or 12 digits, or 13 with a hyphen).
    TaxCode(MaSoThue),
    /// A legacy registration number, e.g. `51A8001234`.
    Legacy(String),
}

/// Why a text is not an HKD code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MaSoHoKinhDoanhError {
    /// Neither a tax code nor a legacy number.
    #[error(transparent)]
    Tax(#[from] crate::MaSoThueError),
}

impl MaSoHoKinhDoanh {
    /// Parses a code.
    ///
    /// # Errors
    /// The tax-code error when it is not a legacy number either.
    pub fn parse(raw: &str) -> Result<Self, MaSoHoKinhDoanhError> {
        let code: String = raw
            .trim()
            .to_uppercase()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let bytes = code.as_bytes();
        let letters = bytes
            .iter()
            .skip(2)
            .take_while(|b| b.is_ascii_uppercase())
            .count();
        let legacy = code.len() == 2 + letters + 7
            && (1..=2).contains(&letters)
            && bytes[..2].iter().all(u8::is_ascii_digit)
            && bytes[2 + letters] == b'8'
            && bytes[3 + letters..].iter().all(u8::is_ascii_digit);
        if legacy {
            return Ok(Self::Legacy(code));
        }
        Ok(Self::TaxCode(MaSoThue::parse(raw)?))
    }
}

impl TryFrom<String> for MaSoHoKinhDoanh {
    type Error = MaSoHoKinhDoanhError;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<MaSoHoKinhDoanh> for String {
    fn from(code: MaSoHoKinhDoanh) -> Self {
        code.to_string()
    }
}

impl fmt::Display for MaSoHoKinhDoanh {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TaxCode(code) => f.write_str(code.as_str()),
            Self::Legacy(code) => f.write_str(code),
        }
    }
}

impl crate::validation::AsFieldError for MaSoHoKinhDoanhError {
    fn to_field_error(&self, path: &str, citation: Option<crate::Citation>) -> FieldError {
        match self {
            Self::Tax(e) => e.to_field_error(path, citation),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jurisdictions_keep_their_wire_form() {
        let commune = Jurisdiction::Commune(crate::MaXa::parse("21025").expect("a commune"));
        let json = serde_json::to_string(&commune).expect("ser");
        assert_eq!(json, r#"{"kind":"commune","commune":"21025"}"#);
        assert_eq!(
            serde_json::from_str::<Jurisdiction>(&json).ok(),
            Some(commune)
        );
        // The content before the tag, as another writer may put it.
        assert_eq!(
            serde_json::from_str::<Jurisdiction>(r#"{"commune":"21025","kind":"commune"}"#).ok(),
            Some(commune)
        );
        let sct = Jurisdiction::ProvincialTradeDepartment;
        let json = serde_json::to_string(&sct).expect("ser");
        assert_eq!(json, r#"{"kind":"provincial_trade_department"}"#);
        assert_eq!(serde_json::from_str::<Jurisdiction>(&json).ok(), Some(sct));
        for bad in [
            r#"{"kind":"commune"}"#,
            r#"{"kind":"commune","commune":"99999"}"#,
            r#"{"kind":"provincial_trade_department","commune":"21025"}"#,
            r#"{"kind":"district"}"#,
            r#"{"commune":"21025"}"#,
        ] {
            assert!(serde_json::from_str::<Jurisdiction>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn hkd_codes_new_and_legacy() {
        assert!(matches!(
            MaSoHoKinhDoanh::parse("051085012345"),
            Ok(MaSoHoKinhDoanh::TaxCode(_))
        ));
        assert_eq!(
            MaSoHoKinhDoanh::parse("51a8001234").map(|c| c.to_string()),
            Ok("51A8001234".to_owned())
        );
        assert!(
            MaSoHoKinhDoanh::parse("51A9001234").is_err(),
            "the digit after the letter is 8"
        );
        assert!(MaSoHoKinhDoanh::parse("ABC").is_err());
    }

    #[test]
    fn drafts_round_trip_and_carry_the_form_version() {
        let draft = Draft::new(DraftId("0b6f…".into()), Procedure::HkdTermination);
        assert_eq!(draft.form_version, FormVersion::Tt68Mau4);
        let json = serde_json::to_string(&draft).expect("serialise");
        assert_eq!(serde_json::from_str::<Draft>(&json).expect("back"), draft);
        assert_eq!(
            FormVersion::Tt68Mau1.effective_from(),
            NaiveDate::from_ymd_opt(2025, 7, 1).expect("date")
        );
    }

    #[test]
    fn required_documents_follow_what_was_typed() {
        use crate::attachments::DocumentKind;
        let kinds = |p, v: Value| -> Vec<DocumentKind> {
            required_documents(p, &v)
                .into_iter()
                .map(|d| d.kind)
                .collect()
        };
        assert!(kinds(Procedure::HkdRegistration, serde_json::json!({})).is_empty());
        assert_eq!(
            kinds(
                Procedure::HkdRegistration,
                serde_json::json!({"founder": "household", "filed_by_agent": true})
            ),
            [
                DocumentKind::HouseholdAuthorisation,
                DocumentKind::FilingAuthorisation
            ]
        );
        assert_eq!(
            kinds(
                Procedure::HkdChange,
                serde_json::json!({"change_owner": {"reason": "two_member_succession"}, "under_revocation_notice": true})
            ),
            [
                DocumentKind::DeathCertificateOrCourtDecision,
                DocumentKind::Explanation
            ]
        );
        assert_eq!(
            kinds(
                Procedure::HkdTermination,
                serde_json::json!({"signatory": "heir"})
            ),
            [DocumentKind::DeathCertificateOrCourtDecision]
        );
        // The same documents the validation asks for.
        let draft = serde_json::json!({"signatory": "heir"});
        let ctx = Context::on(NaiveDate::from_ymd_opt(2026, 11, 23).expect("date"));
        let errors = validate(Procedure::HkdTermination, &draft, &ctx).expect_err("incomplete");
        assert!(
            errors
                .iter()
                .any(|e| e.path == "attachments" && e.key == crate::MessageKey::AttachmentRequired)
        );
    }

    #[test]
    fn an_empty_draft_of_each_procedure_is_invalid_with_errors() {
        let ctx = Context::on(NaiveDate::from_ymd_opt(2026, 11, 23).expect("date"));
        for p in Procedure::ALL {
            let errors =
                validate(p, &Value::Object(serde_json::Map::new()), &ctx).expect_err("empty");
            assert!(!errors.is_empty(), "{p:?}");
        }
    }
}
