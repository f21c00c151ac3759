//! Giấy đề nghị đăng ký hộ kinh doanh — TT 68/2025/TT-BTC PL II Mẫu 1; NĐ 168/2025 arts. 82–99.
//!
//! Draft keys: `office` (commune code of the office addressed), `population_db_down` (bool), `owner`
//! (`full_name`, `birth_date`, `gender`, `id`, `phone`, `email`; and `ethnicity`, `nationality`,
//! `permanent_address`, `current_address` when the population-database link is down), `name`
//! (`vietnamese`, `foreign`, `abbreviation`), `seat` (`address` {`street`, `commune`}, `phone`, `fax`,
//! `email`, `website`, `not_trading_at_seat`), `business_lines` [{`name`, `code`, `main`}], `capital`,
//! `tax` (`notice_address`, `start_date`, `employees`, `vat_method`), `founder` (`individual` |
//! `household`), `members` [persons], `filer` (who files: `owner` | `authorised`, [`super::filer`]),
//! `principal_without_eid` (bool), `commitments` {…}, `attachments` [...]. Older drafts said `filed_by_agent`
//! (bool) for an authorised filer.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    Context,
    common::{
        ADULT_AGE, Address, BusinessLine, Fields, LocalAddress, Person, address, age_on,
        business_lines, choice, commitments, local_address, person,
    },
    filer::{self, FilerRole},
};
use crate::{
    Email, Lang, LatinName, MaXa, SoDienThoai, TenHoKinhDoanh, Vnd,
    attachments::{self, Attachment, DocumentKind, RequiredDocument},
    validation::{Errors, FieldError, MessageKey},
};

/// Who founds the household business (item 6; NĐ 168/2025 art. 82.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Founder {
    /// Cá nhân.
    Individual,
    /// Các thành viên hộ gia đình.
    Household,
}

/// Phương pháp tính thuế GTGT (item 5.4, as the form renderings show it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VatMethod {
    /// Kê khai.
    KeKhai,
    /// Khoán.
    Khoan,
}

/// The names (item 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Names {
    /// Tên tiếng Việt.
    pub vietnamese: TenHoKinhDoanh,
    /// Tên tiếng nước ngoài.
    pub foreign: Option<LatinName>,
    /// Tên viết tắt.
    pub abbreviation: Option<LatinName>,
}

/// The seat (item 2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seat {
    /// The address inside the province.
    pub address: LocalAddress,
    /// Điện thoại.
    pub phone: Option<SoDienThoai>,
    /// Fax.
    pub fax: Option<SoDienThoai>,
    /// Thư điện tử.
    pub email: Option<Email>,
    /// Website.
    pub website: Option<String>,
    /// "Không kinh doanh tại trụ sở" (art. 87.3).
    pub not_trading_at_seat: bool,
}

/// Tax registration (item 5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxInfo {
    /// 5.1 Địa chỉ nhận thông báo thuế, only if different from the seat.
    pub notice_address: Option<Address>,
    /// 5.2 Ngày bắt đầu hoạt động (omitted: the certificate's date).
    pub start_date: Option<NaiveDate>,
    /// 5.3 Tổng số lao động dự kiến.
    pub employees: Option<u32>,
    /// 5.4 Phương pháp tính thuế GTGT.
    pub vat_method: Option<VatMethod>,
}

/// A registration request that passed every rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HkdRegistration {
    /// Kính gửi.
    pub office: MaXa,
    /// Whether the population-database link was down (extra personal data declared).
    pub population_db_down: bool,
    /// The declarant, who becomes the owner.
    pub owner: Person,
    /// Item 1.
    pub name: Names,
    /// Item 2.
    pub seat: Seat,
    /// Item 3.
    pub business_lines: Vec<BusinessLine>,
    /// Item 4, in đồng.
    pub capital: Vnd,
    /// Item 4 in words, generated.
    pub capital_in_words: String,
    /// Item 5.
    pub tax: TaxInfo,
    /// Item 6.
    pub founder: Founder,
    /// Item 7, the owner included (household founders only).
    pub members: Vec<Person>,
    /// Whether someone else files for the owner (art. 93): `filer` is [`FilerRole::Authorised`].
    pub filed_by_agent: bool,
    /// Who files it.
    #[serde(default)]
    pub filer: FilerRole,
    /// The attached files.
    pub attachments: Vec<Attachment>,
}

/// The documents the dossier needs besides the form (art. 99.2, 93, 92.3), for the filer's role and
/// whether the owner who authorised them has no electronic-identity account (art. 93.5).
#[must_use]
pub fn required_documents(
    founder: Founder,
    filer: FilerRole,
    principal_without_eid: bool,
) -> Vec<RequiredDocument> {
    let mut docs = Vec::new();
    if founder == Founder::Household {
        docs.push(RequiredDocument {
            kind: DocumentKind::HouseholdAuthorisation,
            citation: "NĐ 168/2025 art. 99.2",
        });
    }
    docs.extend(filer::documents(filer, principal_without_eid));
    docs
}

const FORM: &str = "TT 68/2025/TT-BTC PL II Mẫu 1";

pub(crate) fn names(errors: &mut Errors, f: &Fields<'_>, key: &'static str) -> Option<Names> {
    let Some(n) = f.object(key, key) else {
        errors.push(FieldError::new(
            format!("{key}.vietnamese"),
            MessageKey::Required,
            Some("NĐ 168/2025 art. 86"),
        ));
        return None;
    };
    let vietnamese = errors.required(
        &n.path("vietnamese"),
        n.str("vietnamese").as_deref(),
        TenHoKinhDoanh::parse,
        Some("NĐ 168/2025 art. 86"),
    );
    let foreign = errors.optional(
        &n.path("foreign"),
        n.str("foreign").as_deref(),
        LatinName::parse,
        Some("NĐ 168/2025 art. 86.5"),
    );
    let abbreviation = errors.optional(
        &n.path("abbreviation"),
        n.str("abbreviation").as_deref(),
        LatinName::parse,
        Some("NĐ 168/2025 art. 86.5"),
    );
    Some(Names {
        vietnamese: vietnamese?,
        foreign: foreign?,
        abbreviation: abbreviation?,
    })
}

pub(crate) fn seat(errors: &mut Errors, f: &Fields<'_>, key: &'static str) -> Option<Seat> {
    let Some(s) = f.object(key, key) else {
        errors.push(FieldError::new(
            format!("{key}.address"),
            MessageKey::Required,
            Some("NĐ 168/2025 art. 87"),
        ));
        return None;
    };
    let address = local_address(errors, &s, "address");
    let phone = errors.optional(
        &s.path("phone"),
        s.str("phone").as_deref(),
        SoDienThoai::parse,
        Some(FORM),
    );
    let fax = errors.optional(
        &s.path("fax"),
        s.str("fax").as_deref(),
        SoDienThoai::parse,
        Some(FORM),
    );
    let email = errors.optional(
        &s.path("email"),
        s.str("email").as_deref(),
        Email::parse,
        Some(FORM),
    );
    let website = errors.optional_text(
        &s.path("website"),
        s.str("website").as_deref(),
        200,
        Some(FORM),
    );
    Some(Seat {
        address: address?,
        phone: phone?,
        fax: fax?,
        email: email?,
        website: website?,
        not_trading_at_seat: s.flag("not_trading_at_seat"),
    })
}

/// Reads a capital amount that must be positive; returns it with its words.
pub(crate) fn capital(errors: &mut Errors, f: &Fields<'_>, key: &str) -> Option<(Vnd, String)> {
    let path = f.path(key);
    let amount = errors.required(&path, f.str(key).as_deref(), Vnd::parse, Some(FORM))?;
    if amount == Vnd::ZERO {
        errors.push(FieldError::new(&path, MessageKey::MoneyZero, Some(FORM)));
        return None;
    }
    Some((amount, amount.in_words(Lang::Vi)))
}

fn tax(errors: &mut Errors, f: &Fields<'_>, today: NaiveDate) -> Option<TaxInfo> {
    let Some(t) = f.object("tax", "tax") else {
        return Some(TaxInfo {
            notice_address: None,
            start_date: None,
            employees: None,
            vat_method: None,
        });
    };
    let notice_address = if t.object("notice_address", "tax.notice_address").is_some() {
        address(errors, &t, "notice_address").map(Some)
    } else {
        Some(None)
    };
    let start_date = errors.optional(
        "tax.start_date",
        t.str("start_date").as_deref(),
        crate::validation::parse_date,
        Some(FORM),
    );
    if let Some(Some(start)) = start_date
        && start < today
    {
        // The start date cannot precede the certificate (art. 85.4); a past date would be replaced by it.
        errors.push(FieldError::new(
            "tax.start_date",
            MessageKey::DateOrder,
            Some("NĐ 168/2025 art. 85.4"),
        ));
    }
    let employees = match t.str("employees").filter(|s| !s.trim().is_empty()) {
        None => Some(None),
        Some(raw) => match raw.trim().parse::<u32>() {
            Ok(n) => Some(Some(n)),
            Err(_) => {
                errors.push(
                    FieldError::new("tax.employees", MessageKey::InvalidChoice, Some(FORM))
                        .with("value", raw),
                );
                None
            }
        },
    };
    let vat_method = match t.str("vat_method").filter(|s| !s.trim().is_empty()) {
        None => Some(None),
        Some(raw) => {
            choice::<VatMethod>(errors, "tax.vat_method", Some(&raw), Some(FORM)).map(Some)
        }
    };
    Some(TaxInfo {
        notice_address: notice_address?,
        start_date: start_date?,
        employees: employees?,
        vat_method: vat_method?,
    })
}

/// Reads the household-member table and checks it includes the owner once.
pub(crate) fn members(
    errors: &mut Errors,
    f: &Fields<'_>,
    owner: Option<&Person>,
    offline: bool,
    today: NaiveDate,
) -> Option<Vec<Person>> {
    let items = f.list("members");
    let base = f.path("members");
    if items.is_empty() {
        errors.push(FieldError::new(
            &base,
            MessageKey::MembersRequired,
            Some("NĐ 168/2025 art. 82.1"),
        ));
        return None;
    }
    let paths: Vec<String> = (0..items.len()).map(|i| format!("{base}[{i}]")).collect();
    let people: Vec<Option<Person>> = items
        .iter()
        .zip(&paths)
        .map(|(item, path)| person(errors, &Fields::item(item, path), offline, today))
        .collect();
    let mut seen = std::collections::BTreeSet::new();
    for (p, path) in people.iter().zip(&paths) {
        if let Some(p) = p
            && !seen.insert(p.id.clone())
        {
            errors.push(
                FieldError::new(
                    format!("{path}.id"),
                    MessageKey::Duplicate,
                    Some("NĐ 168/2025 art. 83.1"),
                )
                .with("value", &p.id),
            );
        }
    }
    if let Some(owner) = owner
        && !seen.contains(&owner.id)
    {
        errors.push(FieldError::new(
            &base,
            MessageKey::OwnerNotMember,
            Some(FORM),
        ));
    }
    people.into_iter().collect()
}

/// Builds the strict request from a draft.
///
/// # Errors
/// Every field that breaks a rule.
pub fn from_draft(draft: &Value, ctx: &Context<'_>) -> Result<HkdRegistration, Vec<FieldError>> {
    let f = Fields::root(draft);
    let mut errors = Errors::new();
    let offline = f.flag("population_db_down");
    let office = errors.required(
        "office",
        f.str("office").as_deref(),
        MaXa::parse,
        Some("NĐ 168/2025 art. 88.2"),
    );
    let owner = match f.object("owner", "owner") {
        Some(o) => person(&mut errors, &o, offline, ctx.today),
        None => {
            errors.push(FieldError::new(
                "owner",
                MessageKey::Required,
                Some("NĐ 168/2025 art. 92.1"),
            ));
            None
        }
    };
    if let Some(o) = &owner {
        if age_on(o.birth_date, ctx.today) < ADULT_AGE {
            errors.push(
                FieldError::new(
                    "owner.birth_date",
                    MessageKey::Underage,
                    Some("NĐ 168/2025 art. 82.2"),
                )
                .with("age", ADULT_AGE),
            );
        }
        if o.phone.is_none() {
            errors.push(FieldError::new(
                "owner.phone",
                MessageKey::PhoneRequiredForIntake,
                Some("NĐ 168/2025 art. 95.1.c"),
            ));
        }
    }
    let name = names(&mut errors, &f, "name");
    let seat = seat(&mut errors, &f, "seat");
    let lines = business_lines(&mut errors, &f, "business_lines", true);
    let capital = capital(&mut errors, &f, "capital");
    let tax = tax(&mut errors, &f, ctx.today);
    let founder: Option<Founder> = choice(
        &mut errors,
        "founder",
        f.str("founder").as_deref(),
        Some("NĐ 168/2025 art. 82.1"),
    );
    let members = match founder {
        Some(Founder::Household) => members(&mut errors, &f, owner.as_ref(), offline, ctx.today),
        _ => Some(Vec::new()),
    };
    let trading_at_seat = seat.as_ref().is_some_and(|s| !s.not_trading_at_seat);
    let mut promises = vec![
        ("population_data_consent", "NĐ 168/2025 art. 92.1"),
        ("not_banned", "NĐ 168/2025 art. 82.2"),
        (
            "no_other_hkd_or_private_enterprise",
            "NĐ 168/2025 arts. 83.1, 84.5",
        ),
        ("truthful", "NĐ 168/2025 art. 88.1"),
    ];
    if trading_at_seat {
        promises.push(("seat_lawful", "NĐ 168/2025 art. 87"));
    }
    commitments(&mut errors, &f, &promises);
    let role = filer::read(&mut errors, &f, crate::Procedure::HkdRegistration, false);
    let without_eid = f.flag(filer::PRINCIPAL_WITHOUT_EID);
    let files = attachments::read(draft, &mut errors);
    if let (Some(founder), Some(role)) = (founder, role) {
        for e in attachments::check(&files, &required_documents(founder, role, without_eid)) {
            errors.push(e);
        }
    }
    let value = (|| {
        let (capital, capital_in_words) = capital?;
        Some(HkdRegistration {
            office: office?,
            population_db_down: offline,
            owner: owner?,
            name: name?,
            seat: seat?,
            business_lines: lines?,
            capital,
            capital_in_words,
            tax: tax?,
            founder: founder?,
            members: members?,
            filed_by_agent: role? == FilerRole::Authorised,
            filer: role?,
            attachments: files,
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

    fn valid() -> Value {
        json!({
            "office": "21025",
            "owner": {"full_name": "Nguyễn Thị Ba", "birth_date": "1985-03-02", "gender": "female",
                      "id": "051185012345", "phone": "0912345678"},
            "name": {"vietnamese": "Hộ kinh doanh Bánh mì Cô Ba", "foreign": "Co Ba Bakery"},
            "seat": {"address": {"street": "12 Lê Lợi", "commune": "21025"}, "phone": "0912345678"},
            "business_lines": [
                {"name": "Bán lẻ lương thực, thực phẩm trong cửa hàng chuyên doanh", "code": "4721", "main": true},
                {"name": "Dịch vụ ăn uống"}
            ],
            "capital": "150.000.000",
            "founder": "individual",
            "commitments": {"population_data_consent": true, "not_banned": true,
                            "no_other_hkd_or_private_enterprise": true, "truthful": true, "seat_lawful": true}
        })
    }

    #[test]
    fn a_complete_request_passes_with_capital_in_words() {
        let request = from_draft(&valid(), &ctx()).expect("valid");
        assert_eq!(request.capital_in_words, "Một trăm năm mươi triệu đồng");
        assert_eq!(
            request.name.vietnamese.upper(),
            "HỘ KINH DOANH BÁNH MÌ CÔ BA"
        );
        assert_eq!(request.seat.address.lines()[2], "Tỉnh Quảng Ngãi");
    }

    #[test]
    fn household_founders_need_members_including_the_owner_and_the_authorisation() {
        let mut draft = valid();
        draft["founder"] = json!("household");
        let errors = from_draft(&draft, &ctx()).expect_err("no members");
        let keys: Vec<MessageKey> = errors.iter().map(|e| e.key).collect();
        assert_eq!(
            keys,
            [MessageKey::MembersRequired, MessageKey::AttachmentRequired]
        );
        draft["members"] = json!([
            {"full_name": "Trần Văn Tư", "birth_date": "1983-01-01", "gender": "male", "id": "051083000001"}
        ]);
        draft["attachments"] = json!([{"kind": "household_authorisation", "media_type": "application/pdf",
                                        "size_bytes": 1000, "sha256": "b".repeat(64)}]);
        let errors = from_draft(&draft, &ctx()).expect_err("owner missing from members");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].key, MessageKey::OwnerNotMember);
        draft["members"]
            .as_array_mut()
            .expect("list")
            .push(json!({"full_name": "Nguyễn Thị Ba", "birth_date": "1985-03-02", "gender": "female", "id": "051185012345"}));
        assert_eq!(from_draft(&draft, &ctx()).expect("valid").members.len(), 2);
    }

    #[test]
    fn invalid_requests_say_why_with_citations() {
        let cases: [(&str, Value, MessageKey, &str); 6] = [
            (
                "name.vietnamese",
                json!("Bánh mì Cô Ba"),
                MessageKey::NamePrefix,
                "NĐ 168/2025 art. 86",
            ),
            (
                "owner.id",
                json!("051186012345"),
                MessageKey::IdBirthYear,
                "NĐ 168/2025 art. 92.1",
            ),
            (
                "owner.birth_date",
                json!("2010-01-01"),
                MessageKey::IdBirthYear,
                "NĐ 168/2025 art. 92.1",
            ),
            ("capital", json!("0"), MessageKey::MoneyZero, FORM),
            (
                "office",
                json!("00001"),
                MessageKey::CommuneUnknown,
                "NĐ 168/2025 art. 88.2",
            ),
            (
                "commitments.truthful",
                json!(false),
                MessageKey::MustAccept,
                "NĐ 168/2025 art. 88.1",
            ),
        ];
        for (path, value, key, citation) in cases {
            let mut draft = valid();
            let mut target = &mut draft;
            for part in path.split('.') {
                target = &mut target[part];
            }
            *target = value;
            let errors = from_draft(&draft, &ctx()).expect_err(path);
            assert!(
                errors
                    .iter()
                    .any(|e| e.key == key && e.citation.as_deref() == Some(citation)),
                "{path}: {errors:?}"
            );
        }
    }

    #[test]
    fn an_underage_owner_is_refused() {
        let mut draft = valid();
        draft["owner"]["birth_date"] = json!("2010-01-01");
        draft["owner"]["id"] = json!("051310012345");
        let errors = from_draft(&draft, &ctx()).expect_err("underage");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].key, MessageKey::Underage);
    }
}
