//! Giấy đề nghị đăng ký thay đổi nội dung đăng ký hộ kinh doanh — TT 68/2025/TT-BTC PL II Mẫu 2; NĐ 168/2025
//! arts. 100, 101, 115, 123. The HKD fills only the sections of its changes (at least one), each with the
//! documents art. 100 requires for that case (LEGAL-FACTS §4.2).
//!
//! Draft keys: `office`, `hkd_name`, `hkd_code`, `contact_phone` (art. 101.1), `signatory_name`, and the
//! sections `change_name` {`vietnamese`, `foreign`, `abbreviation`}; `change_seat` {`address`, `phone`, …,
//! `not_trading_at_seat`}; `change_owner` {`reason`, `new_owner` (person)}; `change_members` {`members`
//! [persons], `new_member_added`}; `change_capital` {`capital`, `changed_on`, `method`}; `change_lines`
//! {`add` [lines], `remove` [lines], `main_code`}; `change_tax` {`items` [{`indicator`, `old`, `new`}]};
//! `correction` {`text`, `old_certificates_mismatch`}; `reissue` {`business_lines`, `capital`, `founder`,
//! `members`} (HKDs registered before NĐ 168); plus `filer` (who files: `owner` | `authorised` | `heir`, [`super::filer`]),
//! `principal_without_eid`, `under_revocation_notice`,
//! `commitments` {`truthful`}, `attachments`. Older drafts said `filed_by_agent` (bool) for an authorised
//! filer.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    Context, MaSoHoKinhDoanh,
    common::{BusinessLine, Fields, Person, business_lines, choice, commitments, person},
    filer::{self, FilerRole},
    hkd_registration::{Founder, Names, Seat, capital, members, names, seat},
};
use crate::{
    MaNganh, MaXa, SoDienThoai, TenHoKinhDoanh, Vnd, VsicLevel,
    attachments::{self, Attachment, DocumentKind, RequiredDocument},
    validation::{Errors, FieldError, MessageKey},
};

/// Why the owner changes (art. 100.1.c).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OwnerChangeReason {
    /// The household members authorise another member as owner.
    Reauthorisation,
    /// The owner died, was declared dead or missing, or lost or has restricted capacity (household HKD).
    Incapacity,
    /// A two-member HKD whose owner died etc.: the other member becomes owner.
    TwoMemberSuccession,
}

/// Whether capital goes up or down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CapitalChangeMethod {
    /// Tăng vốn.
    Increase,
    /// Giảm vốn.
    Decrease,
}

/// New owner section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerChange {
    /// The reason.
    pub reason: OwnerChangeReason,
    /// The owner after the change.
    pub new_owner: Person,
}

/// Capital section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapitalChange {
    /// Vốn sau thay đổi.
    pub capital: Vnd,
    /// The same in words.
    pub capital_in_words: String,
    /// Thời điểm thay đổi vốn.
    pub changed_on: NaiveDate,
    /// Hình thức tăng, giảm vốn.
    pub method: CapitalChangeMethod,
}

/// Business-lines section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinesChange {
    /// Bổ sung.
    pub add: Vec<BusinessLine>,
    /// Bỏ.
    pub remove: Vec<BusinessLine>,
    /// Sửa đổi ngành chính: the new main line (level 4).
    pub main_code: Option<MaNganh>,
}

/// One row of the tax-information table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxItem {
    /// Chỉ tiêu.
    pub indicator: String,
    /// Thông tin cũ.
    pub old: String,
    /// Thông tin mới.
    pub new: String,
}

/// Correction / update section (art. 101, 115).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    /// What to update, supplement or correct.
    pub text: String,
    /// The database differs from an old paper certificate (art. 115.3).
    pub old_certificates_mismatch: bool,
}

/// Re-issue of a pre-2025 certificate (section C).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reissue {
    /// Ngành, nghề.
    pub business_lines: Vec<BusinessLine>,
    /// Vốn.
    pub capital: Vnd,
    /// Chủ thể thành lập.
    pub founder: Founder,
    /// Thành viên hộ gia đình.
    pub members: Vec<Person>,
}

/// A change request that passed every rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HkdChange {
    /// Kính gửi.
    pub office: MaXa,
    /// Tên hộ kinh doanh (current).
    pub hkd_name: TenHoKinhDoanh,
    /// Mã số hộ kinh doanh.
    pub hkd_code: MaSoHoKinhDoanh,
    /// Contact phone, required on every change dossier (art. 101.1).
    pub contact_phone: SoDienThoai,
    /// The owner's name as signed.
    pub signatory_name: String,
    /// New name.
    pub name: Option<Names>,
    /// New seat.
    pub seat: Option<Seat>,
    /// New owner.
    pub owner: Option<OwnerChange>,
    /// Household members after the change.
    pub members: Option<Vec<Person>>,
    /// New capital.
    pub capital: Option<CapitalChange>,
    /// Business lines.
    pub lines: Option<LinesChange>,
    /// Tax information.
    pub tax: Option<Vec<TaxItem>>,
    /// Update / correction.
    pub correction: Option<Correction>,
    /// Re-issue of an old certificate.
    pub reissue: Option<Reissue>,
    /// The attached files.
    pub attachments: Vec<Attachment>,
    /// Who files it.
    #[serde(default)]
    pub filer: FilerRole,
}

const FORM: &str = "TT 68/2025/TT-BTC PL II Mẫu 2";

fn doc(kind: DocumentKind, citation: &'static str) -> RequiredDocument {
    RequiredDocument { kind, citation }
}

/// The documents a change needs (art. 100.1, 93, 102.2.b, 115.3); `filer` and `principal_without_eid`
/// as [`filer::documents`] reads them.
#[must_use]
pub fn required_documents(
    owner_reason: Option<OwnerChangeReason>,
    new_member_added: bool,
    old_certificates_mismatch: bool,
    filer: FilerRole,
    principal_without_eid: bool,
    under_revocation_notice: bool,
) -> Vec<RequiredDocument> {
    let mut docs = Vec::new();
    match owner_reason {
        Some(OwnerChangeReason::Reauthorisation) => {
            docs.push(doc(
                DocumentKind::HouseholdAuthorisation,
                "NĐ 168/2025 art. 100.1.c",
            ));
        }
        Some(OwnerChangeReason::Incapacity) => {
            docs.push(doc(
                DocumentKind::HouseholdAuthorisation,
                "NĐ 168/2025 art. 100.1.c",
            ));
            docs.push(doc(
                DocumentKind::DeathCertificateOrCourtDecision,
                "NĐ 168/2025 art. 100.1.c",
            ));
        }
        Some(OwnerChangeReason::TwoMemberSuccession) => {
            docs.push(doc(
                DocumentKind::DeathCertificateOrCourtDecision,
                "NĐ 168/2025 art. 100.1.c",
            ));
        }
        None => {}
    }
    if new_member_added
        && !docs
            .iter()
            .any(|d| d.kind == DocumentKind::HouseholdAuthorisation)
    {
        docs.push(doc(
            DocumentKind::HouseholdAuthorisation,
            "NĐ 168/2025 art. 100.1.d",
        ));
    }
    if old_certificates_mismatch {
        docs.push(doc(DocumentKind::OldCertificates, "NĐ 168/2025 art. 115.3"));
    }
    docs.extend(filer::documents(filer, principal_without_eid));
    if under_revocation_notice {
        docs.push(doc(DocumentKind::Explanation, "NĐ 168/2025 art. 102.2.b"));
    }
    docs
}

fn lines_change(errors: &mut Errors, f: &Fields<'_>) -> Option<LinesChange> {
    let add = if f.list("add").is_empty() {
        Some(Vec::new())
    } else {
        business_lines(errors, f, "add", false)
    };
    let remove = if f.list("remove").is_empty() {
        Some(Vec::new())
    } else {
        business_lines(errors, f, "remove", false)
    };
    let main_code = errors.optional(
        &f.path("main_code"),
        f.str("main_code").as_deref(),
        MaNganh::parse,
        Some("NĐ 168/2025 art. 89.2"),
    );
    if let Some(Some(code)) = main_code
        && code.level() != VsicLevel::FOUR
    {
        errors.push(
            FieldError::new(
                f.path("main_code"),
                MessageKey::MainLineLevel,
                Some("NĐ 168/2025 art. 89.2"),
            )
            .with("code", code)
            .with("level", code.level().get()),
        );
    }
    if f.list("add").is_empty() && f.list("remove").is_empty() && main_code == Some(None) {
        errors.push(FieldError::new(
            f.path("add"),
            MessageKey::ChangeRequired,
            Some("NĐ 168/2025 art. 100.1.e"),
        ));
        return None;
    }
    Some(LinesChange {
        add: add?,
        remove: remove?,
        main_code: main_code?,
    })
}

fn tax_items(errors: &mut Errors, f: &Fields<'_>) -> Option<Vec<TaxItem>> {
    let items = f.list("items");
    let base = f.path("items");
    if items.is_empty() {
        errors.push(FieldError::new(
            &base,
            MessageKey::ListEmpty,
            Some("NĐ 168/2025 art. 100.1.g"),
        ));
        return None;
    }
    let paths: Vec<String> = (0..items.len()).map(|i| format!("{base}[{i}]")).collect();
    items
        .iter()
        .zip(&paths)
        .map(|(item, path)| {
            let row = Fields::item(item, path);
            let indicator = errors.text(
                &row.path("indicator"),
                row.str("indicator").as_deref(),
                200,
                Some(FORM),
            );
            let old =
                errors.optional_text(&row.path("old"), row.str("old").as_deref(), 500, Some(FORM));
            let new = errors.text(&row.path("new"), row.str("new").as_deref(), 500, Some(FORM));
            Some(TaxItem {
                indicator: indicator?,
                old: old?.unwrap_or_default(),
                new: new?,
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .collect()
}

/// Builds the strict request from a draft.
///
/// # Errors
/// Every field that breaks a rule.
pub fn from_draft(draft: &Value, ctx: &Context<'_>) -> Result<HkdChange, Vec<FieldError>> {
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
        Some(FORM),
    );
    let hkd_code = errors.required(
        "hkd_code",
        f.str("hkd_code").as_deref(),
        MaSoHoKinhDoanh::parse,
        Some("NĐ 168/2025 art. 91"),
    );
    let contact_phone = errors.required(
        "contact_phone",
        f.str("contact_phone").as_deref(),
        SoDienThoai::parse,
        Some("NĐ 168/2025 art. 101.1"),
    );
    let signatory_name = errors.text(
        "signatory_name",
        f.str("signatory_name").as_deref(),
        100,
        Some(FORM),
    );

    let name = f
        .object("change_name", "change_name")
        .map(|_| names(&mut errors, &f, "change_name"));
    let seat = f
        .object("change_seat", "change_seat")
        .map(|_| seat(&mut errors, &f, "change_seat"));
    let mut owner_reason = None;
    let owner = f.object("change_owner", "change_owner").map(|o| {
        let reason: Option<OwnerChangeReason> = choice(
            &mut errors,
            "change_owner.reason",
            o.str("reason").as_deref(),
            Some("NĐ 168/2025 art. 100.1.c"),
        );
        owner_reason = reason;
        let new_owner = match o.object("new_owner", "change_owner.new_owner") {
            Some(p) => person(&mut errors, &p, false, ctx.today),
            None => {
                errors.push(FieldError::new(
                    "change_owner.new_owner",
                    MessageKey::Required,
                    Some(FORM),
                ));
                None
            }
        };
        Some(OwnerChange {
            reason: reason?,
            new_owner: new_owner?,
        })
    });
    let mut new_member_added = false;
    let members_after = f.object("change_members", "change_members").map(|m| {
        new_member_added = m.flag("new_member_added");
        members(&mut errors, &m, None, false, ctx.today)
    });
    let capital_change = f.object("change_capital", "change_capital").map(|c| {
        let amount = capital(&mut errors, &c, "capital");
        let changed_on = errors.date(
            "change_capital.changed_on",
            c.str("changed_on").as_deref(),
            Some(FORM),
        );
        if let Some(on) = changed_on
            && on > ctx.today
        {
            errors.push(FieldError::new(
                "change_capital.changed_on",
                MessageKey::DateInFuture,
                Some(FORM),
            ));
        }
        let method: Option<CapitalChangeMethod> = choice(
            &mut errors,
            "change_capital.method",
            c.str("method").as_deref(),
            Some(FORM),
        );
        let (capital, capital_in_words) = amount?;
        Some(CapitalChange {
            capital,
            capital_in_words,
            changed_on: changed_on?,
            method: method?,
        })
    });
    let lines = f
        .object("change_lines", "change_lines")
        .map(|l| lines_change(&mut errors, &l));
    let tax = f
        .object("change_tax", "change_tax")
        .map(|t| tax_items(&mut errors, &t));
    let mut old_certificates_mismatch = false;
    let correction = f.object("correction", "correction").map(|c| {
        old_certificates_mismatch = c.flag("old_certificates_mismatch");
        let text = errors.text(
            "correction.text",
            c.str("text").as_deref(),
            2000,
            Some("NĐ 168/2025 arts. 101, 115"),
        );
        Some(Correction {
            text: text?,
            old_certificates_mismatch,
        })
    });
    let reissue = f.object("reissue", "reissue").map(|r| {
        let lines = business_lines(&mut errors, &r, "business_lines", true);
        let amount = capital(&mut errors, &r, "capital");
        let founder: Option<Founder> = choice(
            &mut errors,
            "reissue.founder",
            r.str("founder").as_deref(),
            Some("NĐ 168/2025 art. 82.1"),
        );
        let people = match founder {
            Some(Founder::Household) => members(&mut errors, &r, None, false, ctx.today),
            _ => Some(Vec::new()),
        };
        Some(Reissue {
            business_lines: lines?,
            capital: amount?.0,
            founder: founder?,
            members: people?,
        })
    });
    let sections = [
        name.is_some(),
        seat.is_some(),
        owner.is_some(),
        members_after.is_some(),
        capital_change.is_some(),
        lines.is_some(),
        tax.is_some(),
        correction.is_some(),
        reissue.is_some(),
    ];
    if !sections.contains(&true) {
        errors.push(FieldError::new(
            "",
            MessageKey::ChangeRequired,
            Some("NĐ 168/2025 art. 100.1"),
        ));
    }
    let trading_at_seat = matches!(&seat, Some(Some(s)) if !s.not_trading_at_seat);
    let mut promises = vec![("truthful", "NĐ 168/2025 art. 88.1")];
    if trading_at_seat {
        promises.push(("seat_lawful", "NĐ 168/2025 art. 87"));
    }
    commitments(&mut errors, &f, &promises);
    let after_death = matches!(
        owner_reason,
        Some(OwnerChangeReason::Incapacity | OwnerChangeReason::TwoMemberSuccession)
    );
    let role = filer::read(&mut errors, &f, crate::Procedure::HkdChange, after_death);
    let files = attachments::read(draft, &mut errors);
    let required = required_documents(
        owner_reason,
        new_member_added,
        old_certificates_mismatch,
        role.unwrap_or_default(),
        f.flag(filer::PRINCIPAL_WITHOUT_EID),
        f.flag("under_revocation_notice"),
    );
    for e in attachments::check(&files, &required) {
        errors.push(e);
    }
    fn section<T>(s: Option<Option<T>>) -> Option<Option<T>> {
        match s {
            None => Some(None),
            Some(inner) => inner.map(Some),
        }
    }
    let value = (|| {
        Some(HkdChange {
            office: office?,
            hkd_name: hkd_name?,
            hkd_code: hkd_code?,
            contact_phone: contact_phone?,
            signatory_name: signatory_name?,
            name: section(name)?,
            seat: section(seat)?,
            owner: section(owner)?,
            members: section(members_after)?,
            capital: section(capital_change)?,
            lines: section(lines)?,
            tax: section(tax)?,
            correction: section(correction)?,
            reissue: section(reissue)?,
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

    fn ctx() -> Context<'static> {
        Context::on(NaiveDate::from_ymd_opt(2026, 11, 23).expect("date"))
    }

    fn header() -> Value {
        json!({
            "office": "21025",
            "hkd_name": "Hộ kinh doanh Bánh mì Cô Ba",
            "hkd_code": "051185012345",
            "contact_phone": "0912345678",
            "signatory_name": "Nguyễn Thị Ba",
            "commitments": {"truthful": true}
        })
    }

    #[test]
    fn at_least_one_section_is_needed() {
        let errors = from_draft(&header(), &ctx()).expect_err("nothing to change");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].key, MessageKey::ChangeRequired);
    }

    #[test]
    fn a_capital_and_lines_change_passes() {
        let mut draft = header();
        draft["change_capital"] =
            json!({"capital": "200.000.000", "changed_on": "2026-11-20", "method": "increase"});
        draft["change_lines"] =
            json!({"add": [{"name": "Bán lẻ đồ uống", "code": "4723"}], "main_code": "4723"});
        let change = from_draft(&draft, &ctx()).expect("valid");
        let capital = change.capital.expect("capital");
        assert_eq!(capital.capital_in_words, "Hai trăm triệu đồng");
        assert_eq!(
            change.lines.and_then(|l| l.main_code).map(MaNganh::code),
            Some("4723")
        );
        assert!(change.name.is_none());
    }

    #[test]
    fn an_owner_change_after_death_needs_both_documents() {
        let mut draft = header();
        draft["change_owner"] = json!({
            "reason": "incapacity",
            "new_owner": {"full_name": "Trần Văn Tư", "birth_date": "1983-01-01", "gender": "male", "id": "051083000001"}
        });
        let errors = from_draft(&draft, &ctx()).expect_err("documents missing");
        let missing: Vec<&str> = errors
            .iter()
            .filter_map(|e| e.params.get("document").map(String::as_str))
            .collect();
        assert_eq!(missing.len(), 2, "{errors:?}");
        assert!(
            errors
                .iter()
                .all(|e| e.citation.as_deref() == Some("NĐ 168/2025 art. 100.1.c"))
        );
    }

    #[test]
    fn invalid_sections_say_why() {
        let mut draft = header();
        draft["contact_phone"] = json!("");
        draft["change_lines"] = json!({"main_code": "47"});
        draft["change_tax"] = json!({"items": []});
        draft["change_name"] = json!({"vietnamese": "Hộ kinh doanh Công ty Ba"});
        let errors = from_draft(&draft, &ctx()).expect_err("invalid");
        let got: Vec<(&str, MessageKey)> =
            errors.iter().map(|e| (e.path.as_str(), e.key)).collect();
        assert_eq!(
            got,
            [
                ("contact_phone", MessageKey::Required),
                ("change_name.vietnamese", MessageKey::NameForbidden),
                ("change_lines.main_code", MessageKey::MainLineLevel),
                ("change_tax.items", MessageKey::ListEmpty),
            ]
        );
    }
}
