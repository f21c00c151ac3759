//! Thông báo về việc chấm dứt hoạt động hộ kinh doanh — TT 68/2025/TT-BTC PL II Mẫu 4; NĐ 168/2025
//! art. 104. The notice is the whole dossier; an heir filing after the owner's death adds a copy of the
//! death certificate or the court's decision (104.4).
//!
//! Draft keys: `office`, `hkd_name`, `hkd_code`, `filer` (who files: `owner` | `authorised` | `heir`,
//! [`super::filer`]), `principal_without_eid`, `signatory` (who signs: `owner` | `heir`; the owner or the heir
//! when they file themselves, asked only of an authorised person; older drafts had only this key),
//! `signatory_name`, `filer_phone`, `commitments`, `attachments`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    common::{Fields, choice, commitments},
    filer::{self, FilerRole},
};
use crate::{
    MaXa, SoDienThoai, TenHoKinhDoanh,
    attachments::{self, Attachment, DocumentKind, RequiredDocument},
    forms::MaSoHoKinhDoanh,
    validation::{Errors, FieldError},
};

/// Who signs the notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Signatory {
    /// Chủ hộ kinh doanh.
    Owner,
    /// Người thừa kế or estate manager of a deceased owner (art. 104.4).
    Heir,
}

/// A termination notice that passed every rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HkdTermination {
    /// Kính gửi: the commune office of the seat.
    pub office: MaXa,
    /// Tên hộ kinh doanh.
    pub hkd_name: TenHoKinhDoanh,
    /// Mã số hộ kinh doanh.
    pub hkd_code: MaSoHoKinhDoanh,
    /// Who signs.
    pub signatory: Signatory,
    /// The signatory's full name.
    pub signatory_name: String,
    /// The filer's phone (art. 95.1.c).
    pub filer_phone: SoDienThoai,
    /// The attached files.
    pub attachments: Vec<Attachment>,
    /// Who files it.
    #[serde(default)]
    pub filer: FilerRole,
}

/// The documents this notice needs besides the form: the heir's death certificate or court decision
/// (art. 104.4), and an authorised filer's documents ([`filer::documents`]).
#[must_use]
pub fn required_documents(
    signatory: Signatory,
    filer: FilerRole,
    principal_without_eid: bool,
) -> Vec<RequiredDocument> {
    let mut docs = match signatory {
        Signatory::Owner => Vec::new(),
        Signatory::Heir => vec![RequiredDocument {
            kind: DocumentKind::DeathCertificateOrCourtDecision,
            citation: "NĐ 168/2025 art. 104.4",
        }],
    };
    docs.extend(filer::documents(filer, principal_without_eid));
    docs
}

/// Who signs, as a draft says it: the filer themselves when they are the owner or the heir; an
/// authorised person says whose notice it is (`signatory`).
pub(crate) fn signatory_of(f: &Fields<'_>, role: Option<FilerRole>) -> Option<String> {
    match role {
        Some(FilerRole::Owner) if f.str(filer::KEY).is_some() => Some("owner".to_owned()),
        Some(FilerRole::Heir) => Some("heir".to_owned()),
        _ => f.str("signatory"),
    }
}

/// Builds the strict notice from a draft.
///
/// # Errors
/// Every field that breaks a rule.
pub fn from_draft(draft: &Value) -> Result<HkdTermination, Vec<FieldError>> {
    let f = Fields::root(draft);
    let mut errors = Errors::new();
    let office = errors.required(
        "office",
        f.str("office").as_deref(),
        MaXa::parse,
        Some("NĐ 168/2025 art. 88.2"),
    );
    let hkd_name = errors.required(
        "hkd_name",
        f.str("hkd_name").as_deref(),
        TenHoKinhDoanh::parse,
        Some("TT 68/2025/TT-BTC PL II Mẫu 4"),
    );
    let hkd_code = errors.required(
        "hkd_code",
        f.str("hkd_code").as_deref(),
        MaSoHoKinhDoanh::parse,
        Some("NĐ 168/2025 art. 91"),
    );
    let role = filer::read(&mut errors, &f, crate::Procedure::HkdTermination, true);
    let signatory: Option<Signatory> = choice(
        &mut errors,
        "signatory",
        signatory_of(&f, role).as_deref(),
        Some("NĐ 168/2025 art. 104"),
    );
    let signatory_name = errors.text(
        "signatory_name",
        f.str("signatory_name").as_deref(),
        100,
        Some("TT 68/2025/TT-BTC PL II Mẫu 4"),
    );
    let filer_phone = errors.required(
        "filer_phone",
        f.str("filer_phone").as_deref(),
        SoDienThoai::parse,
        Some("NĐ 168/2025 art. 95.1.c"),
    );
    // Debts incl. tax paid or settled with creditors (104.1.a), and the truth of the notice.
    commitments(
        &mut errors,
        &f,
        &[
            ("debts_settled", "NĐ 168/2025 art. 104.1.a"),
            ("responsible", "TT 68/2025/TT-BTC PL II Mẫu 4"),
        ],
    );
    let files = attachments::read(draft, &mut errors);
    if let (Some(signatory), Some(role)) = (signatory, role) {
        let without_eid = f.flag(filer::PRINCIPAL_WITHOUT_EID);
        for e in attachments::check(&files, &required_documents(signatory, role, without_eid)) {
            errors.push(e);
        }
    }
    let value = (|| {
        Some(HkdTermination {
            office: office?,
            hkd_name: hkd_name?,
            hkd_code: hkd_code?,
            signatory: signatory?,
            signatory_name: signatory_name?,
            filer_phone: filer_phone?,
            attachments: files,
            filer: role?,
        })
    })();
    errors.finish(value)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::MessageKey;

    fn valid() -> Value {
        json!({
            "office": "21025",
            "hkd_name": "Hộ kinh doanh Bánh mì Cô Ba",
            "hkd_code": "051085012345",
            "signatory": "owner",
            "signatory_name": "Nguyễn Thị Ba",
            "filer_phone": "0912345678",
            "commitments": {"debts_settled": true, "responsible": true}
        })
    }

    #[test]
    fn a_complete_notice_passes() {
        let notice = from_draft(&valid()).expect("valid");
        assert_eq!(notice.office.name(), "Phường Cẩm Thành");
        assert_eq!(notice.signatory, Signatory::Owner);
    }

    #[test]
    fn an_heir_must_attach_the_death_certificate() {
        let mut draft = valid();
        draft["signatory"] = json!("heir");
        let errors = from_draft(&draft).expect_err("missing document");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].key, MessageKey::AttachmentRequired);
        assert_eq!(
            errors[0].citation.as_deref(),
            Some("NĐ 168/2025 art. 104.4")
        );
        draft["attachments"] = json!([{
            "kind": "death_certificate_or_court_decision",
            "media_type": "application/pdf",
            "size_bytes": 120_000,
            "sha256": "0".repeat(64)
        }]);
        assert!(from_draft(&draft).is_ok());
    }

    #[test]
    fn every_error_is_reported_at_once() {
        let draft = json!({"hkd_name": "Bánh mì", "signatory": "friend", "commitments": {"debts_settled": false}});
        let errors = from_draft(&draft).expect_err("invalid");
        let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "office",
                "hkd_name",
                "hkd_code",
                "signatory",
                "signatory_name",
                "filer_phone",
                "commitments.debts_settled",
                "commitments.responsible"
            ]
        );
        assert!(
            errors.iter().all(|e| e.citation.is_some()),
            "every rule names its basis"
        );
    }
}
