//! Who files a household business's dossier, and whether the person signed in may (NĐ 168/2025 art. 93,
//! 104.4, 111.1, 113.1; LEGAL-FACTS §1.1, §3.5).
//!
//! Every HKD form asks it under the draft key `filer`: the owner (`owner`), a person the owner authorised
//! (`authorised`, art. 93: the written authorisation attached, and a copy of the owner's identity card when
//! the owner has no electronic-identity account, art. 93.5 — the draft key `principal_without_eid`), or an
//! heir (`heir`) where the law lets one file: the termination of the business of an owner who died or was
//! declared dead (art. 104.4), and the change of owner after the owner's death, disappearance or loss of
//! capacity (art. 100.1.c), each with the death certificate or the court's decision. Drafts made before the
//! question existed read as their old keys said (`filed_by_agent` → authorised; a termination's
//! `signatory: heir` → heir; otherwise the owner).
//!
//! [`check`] is the one rule the server enforces on submission and the phone shows before sending: the
//! owner must be the signed-in person — by the identity number the national e-identity vouched for, or,
//! signed in with a phone number only, by that number being the owner's on record — and anyone else files
//! as an authorised person or an heir, with the documents attached.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::common::Fields;
use crate::{
    Lang, Procedure,
    attachments::{DocumentKind, RequiredDocument},
    validation::{Errors, FieldError, MessageKey},
};

/// Who files the dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilerRole {
    /// Chủ hộ kinh doanh, filing for their own business.
    #[default]
    Owner,
    /// Người được chủ hộ ủy quyền (art. 93).
    Authorised,
    /// Người thừa kế, or the member who takes over from an owner who died, disappeared or lost capacity
    /// (art. 100.1.c, 104.4).
    Heir,
}

impl FilerRole {
    /// The name on the form's choice.
    #[must_use]
    pub const fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::Owner => lang.pick("Chủ hộ kinh doanh", "The owner"),
            Self::Authorised => lang.pick("Người được ủy quyền", "An authorised person"),
            Self::Heir => lang.pick("Người thừa kế", "An heir"),
        }
    }

    /// The stored spelling (`dossiers.filer_role`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Authorised => "authorised",
            Self::Heir => "heir",
        }
    }
}

/// The draft key of the question.
pub const KEY: &str = "filer";
/// The draft key of "the owner has no electronic-identity account" (art. 93.5).
pub const PRINCIPAL_WITHOUT_EID: &str = "principal_without_eid";

/// The role a draft names, read leniently (as [`crate::forms::required_documents`] reads): the `filer`
/// key, else the keys drafts had before it, else the owner. `None` for a value that is no role.
#[must_use]
pub fn role_of(procedure: Procedure, draft: &Value) -> Option<FilerRole> {
    let f = Fields::root(draft);
    match f.str(KEY).map(|s| s.trim().to_owned()) {
        Some(s) if !s.is_empty() => serde_json::from_value(Value::String(s)).ok(),
        _ => Some(legacy_role(procedure, &f)),
    }
}

fn legacy_role(procedure: Procedure, f: &Fields<'_>) -> FilerRole {
    match procedure {
        Procedure::HkdTermination if f.str("signatory").as_deref() == Some("heir") => {
            FilerRole::Heir
        }
        Procedure::HkdRegistration | Procedure::HkdChange if f.flag("filed_by_agent") => {
            FilerRole::Authorised
        }
        _ => FilerRole::Owner,
    }
}

/// Whether the law lets an heir file this procedure: a termination (art. 104.4), or a change whose
/// change of owner follows the owner's death, disappearance or loss of capacity (art. 100.1.c).
#[must_use]
pub fn heir_may_file(procedure: Procedure, owner_change_after_death: bool) -> bool {
    match procedure {
        Procedure::HkdTermination => true,
        Procedure::HkdChange => owner_change_after_death,
        Procedure::HkdRegistration | Procedure::PromotionNotice => false,
    }
}

/// The documents a filer of this role attaches besides those of the form's own case (art. 93, 93.5):
/// an authorised person the authorisation, and a copy of the owner's identity card when the owner has no
/// electronic-identity account. An heir's documents come with the case (art. 100.1.c, 104.4).
#[must_use]
pub fn documents(role: FilerRole, principal_without_eid: bool) -> Vec<RequiredDocument> {
    match role {
        FilerRole::Owner | FilerRole::Heir => Vec::new(),
        FilerRole::Authorised => {
            let mut docs = vec![RequiredDocument {
                kind: DocumentKind::FilingAuthorisation,
                citation: "NĐ 168/2025 art. 93",
            }];
            if principal_without_eid {
                docs.push(RequiredDocument {
                    kind: DocumentKind::IdentityCardCopy,
                    citation: "NĐ 168/2025 art. 93.5",
                });
            }
            docs
        }
    }
}

/// Reads the question strictly for a validation: an unknown value, or an heir where the law has none,
/// is an error on `filer`.
pub(crate) fn read(
    errors: &mut Errors,
    f: &Fields<'_>,
    procedure: Procedure,
    owner_change_after_death: bool,
) -> Option<FilerRole> {
    let Some(role) = role_of(procedure, f.value()) else {
        errors.push(
            FieldError::new(KEY, MessageKey::InvalidChoice, Some("NĐ 168/2025 art. 93"))
                .with("value", f.str(KEY).unwrap_or_default()),
        );
        return None;
    };
    if role == FilerRole::Heir && !heir_may_file(procedure, owner_change_after_death) {
        errors.push(FieldError::new(
            KEY,
            MessageKey::HeirNotAllowed,
            Some(if procedure == Procedure::HkdChange {
                "NĐ 168/2025 art. 100.1.c"
            } else {
                "NĐ 168/2025 art. 93"
            }),
        ));
        return None;
    }
    Some(role)
}

/// What an officer is told about a registration whose owner's identity number the national
/// e-identity did not vouch for (filed with a phone sign-in, by an authorised person, or at the
/// counter): the number is only what the form says.
#[must_use]
pub const fn unverified_owner_warning(lang: Lang) -> &'static str {
    lang.pick(
        "Số định danh cá nhân của chủ hộ kinh doanh trong hồ sơ này chưa được xác thực bằng tài khoản định danh \
         điện tử (VNeID) của chủ hộ: đó chỉ là số người nộp khai. Hãy đối chiếu giấy tờ tùy thân của chủ hộ \
         trước khi tiếp nhận hồ sơ.",
        "The owner's identity number in this dossier was not verified with the owner's VNeID e-identity \
         account: it is only what the filer typed. Check the owner's identity document before accepting \
         the dossier.",
    )
}

/// Who is signed in, as the server's session vouches (never what a form says).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SignedIn<'a> {
    /// The personal identification number the national e-identity (VNeID) vouched for.
    pub identity_number: Option<&'a str>,
    /// The phone number proved by a one-time code.
    pub phone: Option<&'a str>,
}

/// The owner a dossier is about: for a registration, the owner the form declares; for a change or a
/// termination, the owner the registry has for the business (`hkd_registry`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OwnerOnRecord<'a> {
    /// Mã số hộ kinh doanh (change, termination).
    pub hkd_code: Option<&'a str>,
    /// The owner's personal identification number.
    pub identity_number: Option<&'a str>,
    /// The owner's phone number on record (registration: the form's; registry: the owner's).
    pub phone: Option<&'a str>,
}

/// Why the signed-in person may not file as they chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Nobody is signed in.
    NotSignedIn,
    /// The identity number signed in is not the owner's.
    IdentityNotOwner {
        /// The business, when it has a code.
        hkd_code: Option<String>,
    },
    /// Signed in with a phone only, and that number is not the owner's on record.
    PhoneNotOwner {
        /// The business, when it has a code.
        hkd_code: Option<String>,
    },
    /// Signed in with a phone only, and the registry has no phone of the owner to compare with.
    NoOwnerPhone {
        /// The business.
        hkd_code: Option<String>,
    },
    /// A change or termination of a business the registry does not have: its owner cannot be checked.
    UnknownBusiness {
        /// The code given.
        hkd_code: Option<String>,
    },
}

fn business(code: Option<&String>, lang: Lang) -> String {
    match code {
        Some(c) => format!("{} {c}", lang.pick("hộ kinh doanh", "household business")),
        None => lang
            .pick(
                "hộ kinh doanh khai trong hồ sơ",
                "the household business in the form",
            )
            .to_owned(),
    }
}

impl Refusal {
    /// What is wrong and what to do, in `lang`.
    #[must_use]
    pub fn message(&self, lang: Lang) -> String {
        let instead = lang.pick(
            "Nếu bạn nộp thay, chọn «Người được ủy quyền» và đính kèm văn bản ủy quyền.",
            "If you file for the owner, choose “An authorised person” and attach the authorisation.",
        );
        match self {
            Self::NotSignedIn => lang
                .pick(
                    "Đăng nhập để nộp hồ sơ (bằng tài khoản định danh điện tử VNeID hoặc số điện thoại nhận mã xác thực). Hồ sơ của bạn vẫn được lưu trên máy.",
                    "Sign in to submit the dossier (with your VNeID e-identity account or a phone number that receives a code). Your dossier stays saved on this device.",
                )
                .to_owned(),
            Self::IdentityNotOwner { hkd_code } => match lang {
                Lang::Vi => format!(
                    "Số định danh của bạn không phải của chủ {}. {instead}",
                    business(hkd_code.as_ref(), lang)
                ),
                Lang::En => format!(
                    "Your identity number is not the owner's of {}. {instead}",
                    business(hkd_code.as_ref(), lang)
                ),
            },
            Self::PhoneNotOwner { hkd_code: None } => match lang {
                Lang::Vi => format!(
                    "Số điện thoại bạn đăng nhập khác số điện thoại của chủ hộ khai trong hồ sơ. Hãy sửa số điện thoại của chủ hộ cho đúng số bạn đăng nhập, hoặc đăng nhập bằng tài khoản định danh điện tử (VNeID) của chủ hộ. {instead}"
                ),
                Lang::En => format!(
                    "The phone number you signed in with is not the owner's phone in the form. Correct the owner's phone to the number you signed in with, or sign in with the owner's e-identity account (VNeID). {instead}"
                ),
            },
            Self::PhoneNotOwner { hkd_code } => match lang {
                Lang::Vi => format!(
                    "Số điện thoại bạn đăng nhập không phải số của chủ {} trong sổ đăng ký. Hãy đăng nhập bằng tài khoản định danh điện tử (VNeID) của chủ hộ. {instead}",
                    business(hkd_code.as_ref(), lang)
                ),
                Lang::En => format!(
                    "The phone number you signed in with is not the owner's of {} in the registry. Sign in with the owner's e-identity account (VNeID). {instead}",
                    business(hkd_code.as_ref(), lang)
                ),
            },
            Self::NoOwnerPhone { hkd_code } => match lang {
                Lang::Vi => format!(
                    "Sổ đăng ký không có số điện thoại của chủ {} để đối chiếu. Hãy đăng nhập bằng tài khoản định danh điện tử (VNeID) của chủ hộ. {instead}",
                    business(hkd_code.as_ref(), lang)
                ),
                Lang::En => format!(
                    "The registry has no phone number of the owner of {} to compare with. Sign in with the owner's e-identity account (VNeID). {instead}",
                    business(hkd_code.as_ref(), lang)
                ),
            },
            Self::UnknownBusiness { hkd_code } => match lang {
                Lang::Vi => format!(
                    "Không tìm thấy {} trong sổ đăng ký nên không đối chiếu được chủ hộ. Hãy kiểm tra lại mã số hộ kinh doanh, hoặc nộp tại bộ phận một cửa kèm Giấy chứng nhận đăng ký hộ kinh doanh.",
                    business(hkd_code.as_ref(), lang)
                ),
                Lang::En => format!(
                    "{} is not in the registry, so its owner cannot be checked. Check the business code, or file at the one-stop counter with the registration certificate.",
                    business(hkd_code.as_ref(), lang)
                ),
            },
        }
    }
}

/// Whether the person signed in may file this procedure in this role for this owner. `owner` is `None`
/// for a change or termination of a business the registry does not have.
///
/// - A promotion notice: anyone signed in, for the trader they name.
/// - The owner: with a verified identity, its number must be the owner's; with a phone only, the phone
///   must be the owner's on record (for a registration, the phone the form gives the owner, if any).
/// - An authorised person or an heir: the documents the form requires ([`documents`], checked by
///   validation) stand for them; the office checks them.
///
/// # Errors
/// The [`Refusal`], with its message.
pub fn check(
    procedure: Procedure,
    role: FilerRole,
    who: SignedIn<'_>,
    owner: Option<OwnerOnRecord<'_>>,
) -> Result<(), Refusal> {
    if who.identity_number.is_none() && who.phone.is_none() {
        return Err(Refusal::NotSignedIn);
    }
    if procedure == Procedure::PromotionNotice || role != FilerRole::Owner {
        return Ok(());
    }
    let Some(owner) = owner else {
        return Err(Refusal::UnknownBusiness { hkd_code: None });
    };
    let hkd_code = owner.hkd_code.map(str::to_owned);
    if let Some(id) = who.identity_number {
        return if owner.identity_number.is_some_and(|o| o.trim() == id.trim()) {
            Ok(())
        } else {
            Err(Refusal::IdentityNotOwner { hkd_code })
        };
    }
    let phone = who.phone.unwrap_or_default();
    match (procedure, owner.phone) {
        (Procedure::HkdRegistration, None) => Ok(()),
        (_, Some(on_record)) if on_record == phone => Ok(()),
        (_, Some(_)) => Err(Refusal::PhoneNotOwner { hkd_code }),
        (_, None) => Err(Refusal::NoOwnerPhone { hkd_code }),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const OWNER: &str = "051085012345";
    const OTHER: &str = "051090099999";

    fn registry(phone: Option<&'static str>) -> Option<OwnerOnRecord<'static>> {
        Some(OwnerOnRecord {
            hkd_code: Some("51A8012345"),
            identity_number: Some(OWNER),
            phone,
        })
    }

    #[test]
    fn the_role_comes_from_the_question_or_the_old_keys() {
        let p = Procedure::HkdTermination;
        assert_eq!(role_of(p, &json!({})), Some(FilerRole::Owner));
        assert_eq!(
            role_of(p, &json!({"signatory": "heir"})),
            Some(FilerRole::Heir)
        );
        assert_eq!(
            role_of(Procedure::HkdChange, &json!({"filed_by_agent": true})),
            Some(FilerRole::Authorised)
        );
        assert_eq!(
            role_of(p, &json!({"filer": "authorised", "signatory": "heir"})),
            Some(FilerRole::Authorised)
        );
        assert_eq!(role_of(p, &json!({"filer": "friend"})), None);
    }

    #[test]
    fn an_authorised_person_attaches_the_authorisation_and_maybe_the_id_card() {
        let kinds = |v: Vec<RequiredDocument>| v.into_iter().map(|d| d.kind).collect::<Vec<_>>();
        assert!(documents(FilerRole::Owner, true).is_empty());
        assert_eq!(
            kinds(documents(FilerRole::Authorised, false)),
            [DocumentKind::FilingAuthorisation]
        );
        assert_eq!(
            kinds(documents(FilerRole::Authorised, true)),
            [
                DocumentKind::FilingAuthorisation,
                DocumentKind::IdentityCardCopy
            ]
        );
    }

    #[test]
    fn heirs_file_only_where_the_law_says() {
        assert!(heir_may_file(Procedure::HkdTermination, false));
        assert!(heir_may_file(Procedure::HkdChange, true));
        assert!(!heir_may_file(Procedure::HkdChange, false));
        assert!(!heir_may_file(Procedure::HkdRegistration, true));
    }

    #[test]
    fn another_identity_is_not_the_owner() {
        let p = Procedure::HkdTermination;
        let me = SignedIn {
            identity_number: Some(OTHER),
            phone: None,
        };
        let refused = check(p, FilerRole::Owner, me, registry(None)).expect_err("not the owner");
        let text = refused.message(Lang::Vi);
        assert_eq!(
            text,
            "Số định danh của bạn không phải của chủ hộ kinh doanh 51A8012345. Nếu bạn nộp thay, chọn \
             «Người được ủy quyền» và đính kèm văn bản ủy quyền."
        );
        let owner = SignedIn {
            identity_number: Some(OWNER),
            phone: None,
        };
        assert_eq!(check(p, FilerRole::Owner, owner, registry(None)), Ok(()));
        assert_eq!(check(p, FilerRole::Authorised, me, registry(None)), Ok(()));
        assert_eq!(check(p, FilerRole::Heir, me, registry(None)), Ok(()));
    }

    #[test]
    fn a_phone_only_owner_must_have_the_registrys_phone() {
        let p = Procedure::HkdChange;
        let phone = |n| SignedIn {
            identity_number: None,
            phone: Some(n),
        };
        assert_eq!(
            check(
                p,
                FilerRole::Owner,
                phone("0912345678"),
                registry(Some("0912345678"))
            ),
            Ok(())
        );
        assert!(matches!(
            check(
                p,
                FilerRole::Owner,
                phone("0987654321"),
                registry(Some("0912345678"))
            ),
            Err(Refusal::PhoneNotOwner { .. })
        ));
        assert!(matches!(
            check(p, FilerRole::Owner, phone("0912345678"), registry(None)),
            Err(Refusal::NoOwnerPhone { .. })
        ));
        assert!(matches!(
            check(p, FilerRole::Owner, phone("0912345678"), None),
            Err(Refusal::UnknownBusiness { .. })
        ));
        // A registration: the phone the form gives the owner, when it gives one.
        let form = |phone| {
            Some(OwnerOnRecord {
                hkd_code: None,
                identity_number: Some(OWNER),
                phone,
            })
        };
        let r = Procedure::HkdRegistration;
        assert_eq!(
            check(r, FilerRole::Owner, phone("0912345678"), form(None)),
            Ok(())
        );
        let refused = check(
            r,
            FilerRole::Owner,
            phone("0912345678"),
            form(Some("0987654321")),
        )
        .expect_err("another phone in the form");
        assert!(
            refused.message(Lang::Vi).starts_with(
                "Số điện thoại bạn đăng nhập khác số điện thoại của chủ hộ khai trong hồ sơ"
            ),
            "{refused:?}"
        );
    }

    #[test]
    fn nobody_signed_in_files_nothing_and_anyone_signed_in_files_a_promotion() {
        assert_eq!(
            check(
                Procedure::PromotionNotice,
                FilerRole::Owner,
                SignedIn::default(),
                None
            ),
            Err(Refusal::NotSignedIn)
        );
        assert!(
            Refusal::NotSignedIn
                .message(Lang::Vi)
                .starts_with("Đăng nhập để nộp hồ sơ")
        );
        let someone = SignedIn {
            identity_number: None,
            phone: Some("0912345678"),
        };
        assert_eq!(
            check(Procedure::PromotionNotice, FilerRole::Owner, someone, None),
            Ok(())
        );
    }
}
