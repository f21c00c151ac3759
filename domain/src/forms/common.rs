//! Parts shared by the forms: reading a lenient draft, people, addresses, business lines, attachments.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{
    Email, Gender, MaNganh, MaXa, SoDienThoai, SoDinhDanh, VsicLevel,
    validation::{AsFieldError, Citation, Errors, FieldError, MessageKey},
};

/// Read access to a lenient draft: whatever JSON the phone saved. Missing keys, `null` and wrong types
/// read as absent; numbers and booleans read as their text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields<'a> {
    value: &'a Value,
    path: &'a str,
}

impl<'a> Fields<'a> {
    pub(crate) const fn root(value: &'a Value) -> Self {
        Self { value, path: "" }
    }

    /// The JSON read.
    pub(crate) const fn value(&self) -> &'a Value {
        self.value
    }

    /// The path of a child key.
    pub(crate) fn path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    pub(crate) fn str(&self, key: &str) -> Option<String> {
        match self.value.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    pub(crate) fn bool(&self, key: &str) -> Option<bool> {
        match self.value.get(key)? {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s == "true" => Some(true),
            Value::String(s) if s == "false" => Some(false),
            _ => None,
        }
    }

    pub(crate) fn flag(&self, key: &str) -> bool {
        self.bool(key) == Some(true)
    }

    /// A nested object, read with paths prefixed by `path`.
    pub(crate) fn object(&self, key: &str, path: &'a str) -> Option<Self> {
        self.value
            .get(key)
            .filter(|v| v.is_object())
            .map(|value| Self { value, path })
    }

    /// The items of a list (empty when absent).
    pub(crate) fn list(&self, key: &str) -> &'a [Value] {
        self.value
            .get(key)
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice)
    }

    pub(crate) fn item(value: &'a Value, path: &'a str) -> Self {
        Self { value, path }
    }

    /// The list of strings under `key` (non-strings skipped).
    pub(crate) fn strings(&self, key: &str) -> Vec<String> {
        self.list(key)
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect()
    }
}

/// A choice among fixed values, parsed from its snake-case name.
pub(crate) fn choice<T: for<'de> Deserialize<'de>>(
    errors: &mut Errors,
    path: &str,
    raw: Option<&str>,
    citation: Option<Citation>,
) -> Option<T> {
    let text = raw.map(str::trim).filter(|s| !s.is_empty());
    let Some(text) = text else {
        errors.push(FieldError::new(path, MessageKey::Required, citation));
        return None;
    };
    match serde_json::from_value(Value::String(text.to_owned())) {
        Ok(v) => Some(v),
        Err(_) => {
            errors.push(
                FieldError::new(path, MessageKey::InvalidChoice, citation).with("value", text),
            );
            None
        }
    }
}

/// An address as the 2025 forms write it: street line, commune-level unit, province (no district).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    /// Số nhà, ngách, hẻm, ngõ, đường, tổ, xóm, ấp, thôn.
    pub street: String,
    /// Xã/Phường/Đặc khu.
    pub commune: String,
    /// Tỉnh/Thành phố trực thuộc trung ương.
    pub province: String,
}

/// An address inside Quảng Ngãi: the commune is one of the 96 shipped units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalAddress {
    /// Số nhà, ngách, hẻm, ngõ, đường, tổ, xóm, ấp, thôn.
    pub street: String,
    /// The commune-level unit.
    pub commune: MaXa,
}

impl LocalAddress {
    /// The three lines as printed on the form.
    #[must_use]
    pub fn lines(&self) -> [String; 3] {
        [
            self.street.clone(),
            self.commune.name().to_owned(),
            crate::data::PROVINCE_NAME.to_owned(),
        ]
    }
}

const ADDRESS_CITATION: Citation = "TT 68/2025/TT-BTC PL II";

pub(crate) fn address(errors: &mut Errors, f: &Fields<'_>, key: &str) -> Option<Address> {
    let path = f.path(key);
    let Some(obj) = f.object(key, &path) else {
        errors.push(FieldError::new(
            &path,
            MessageKey::Required,
            Some(ADDRESS_CITATION),
        ));
        return None;
    };
    let street = errors.text(
        &obj.path("street"),
        obj.str("street").as_deref(),
        300,
        Some(ADDRESS_CITATION),
    );
    let commune = errors.text(
        &obj.path("commune"),
        obj.str("commune").as_deref(),
        100,
        Some(ADDRESS_CITATION),
    );
    let province = errors.text(
        &obj.path("province"),
        obj.str("province").as_deref(),
        100,
        Some(ADDRESS_CITATION),
    );
    Some(Address {
        street: street?,
        commune: commune?,
        province: province?,
    })
}

pub(crate) fn local_address(
    errors: &mut Errors,
    f: &Fields<'_>,
    key: &str,
) -> Option<LocalAddress> {
    let path = f.path(key);
    let Some(obj) = f.object(key, &path) else {
        errors.push(FieldError::new(
            &path,
            MessageKey::Required,
            Some(ADDRESS_CITATION),
        ));
        return None;
    };
    let street = errors.text(
        &obj.path("street"),
        obj.str("street").as_deref(),
        300,
        Some(ADDRESS_CITATION),
    );
    let commune = errors.required(
        &obj.path("commune"),
        obj.str("commune").as_deref(),
        MaXa::parse,
        Some("NĐ 168/2025 art. 87.1"),
    );
    Some(LocalAddress {
        street: street?,
        commune: commune?,
    })
}

/// The extra personal data declared only when the link to the population database is down
/// (NĐ 168/2025 art. 92.3; TT 68/2025 PL II Mẫu 1–2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfflinePersonalData {
    /// Dân tộc.
    pub ethnicity: String,
    /// Quốc tịch.
    pub nationality: String,
    /// Nơi thường trú.
    pub permanent_address: Address,
    /// Nơi ở hiện tại.
    pub current_address: Address,
}

/// A person as the HKD forms declare them (NĐ 168/2025 art. 92.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// Họ, chữ đệm và tên (printed in capitals).
    pub full_name: String,
    /// Ngày sinh.
    pub birth_date: NaiveDate,
    /// Giới tính.
    pub gender: Gender,
    /// Số định danh cá nhân.
    pub id: SoDinhDanh,
    /// Điện thoại.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<SoDienThoai>,
    /// Thư điện tử.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<Email>,
    /// Declared only when the population-database link is down.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offline: Option<OfflinePersonalData>,
}

const PERSON_CITATION: Citation = "NĐ 168/2025 art. 92.1";
/// Age of full civil capacity (Bộ luật Dân sự 2015 arts. 20–21), required of an HKD founder.
pub(crate) const ADULT_AGE: i32 = 18;

/// Whole years between two dates.
pub(crate) fn age_on(birth: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

/// Reads a person; `offline` says whether the population-database block must be filled.
pub(crate) fn person(
    errors: &mut Errors,
    f: &Fields<'_>,
    offline: bool,
    today: NaiveDate,
) -> Option<Person> {
    let full_name = errors.text(
        &f.path("full_name"),
        f.str("full_name").as_deref(),
        100,
        Some(PERSON_CITATION),
    );
    let birth_date = errors.date(
        &f.path("birth_date"),
        f.str("birth_date").as_deref(),
        Some(PERSON_CITATION),
    );
    if let Some(birth) = birth_date
        && birth > today
    {
        errors.push(FieldError::new(
            f.path("birth_date"),
            MessageKey::DateInFuture,
            Some(PERSON_CITATION),
        ));
    }
    let gender: Option<Gender> = choice(
        errors,
        &f.path("gender"),
        f.str("gender").as_deref(),
        Some(PERSON_CITATION),
    );
    let id = errors.required(
        &f.path("id"),
        f.str("id").as_deref(),
        SoDinhDanh::parse,
        Some(PERSON_CITATION),
    );
    if let (Some(id), Some(birth), Some(gender)) = (&id, birth_date, gender)
        && let Err(mismatch) = id.check_holder(birth.year(), gender)
    {
        errors.push(mismatch.to_field_error(&f.path("id"), Some(PERSON_CITATION)));
    }
    let phone = errors.optional(
        &f.path("phone"),
        f.str("phone").as_deref(),
        SoDienThoai::parse,
        None,
    );
    let email = errors.optional(
        &f.path("email"),
        f.str("email").as_deref(),
        Email::parse,
        None,
    );
    let offline_data = if offline {
        let citation = Some("NĐ 168/2025 art. 92.3");
        let ethnicity = errors.text(
            &f.path("ethnicity"),
            f.str("ethnicity").as_deref(),
            50,
            citation,
        );
        let nationality = errors.text(
            &f.path("nationality"),
            f.str("nationality").as_deref(),
            50,
            citation,
        );
        let permanent = address(errors, f, "permanent_address");
        let current = address(errors, f, "current_address");
        Some(Some(OfflinePersonalData {
            ethnicity: ethnicity?,
            nationality: nationality?,
            permanent_address: permanent?,
            current_address: current?,
        }))
    } else {
        Some(None)
    };
    Some(Person {
        full_name: full_name?,
        birth_date: birth_date?,
        gender: gender?,
        id: id?,
        phone: phone?,
        email: email?,
        offline: offline_data?,
    })
}

/// One row of the business-lines table (TT 68/2025 PL II Mẫu 1 item 3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessLine {
    /// Tên ngành (may be more detailed than the code's name, art. 89.3.đ).
    pub name: String,
    /// Mã ngành, VSIC 2025; optional except for the main line (art. 89.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<MaNganh>,
    /// Ngành, nghề kinh doanh chính.
    pub main: bool,
}

/// Reads a table of business lines; `need_main` requires exactly one main line coded at level 4.
pub(crate) fn business_lines(
    errors: &mut Errors,
    f: &Fields<'_>,
    key: &str,
    need_main: bool,
) -> Option<Vec<BusinessLine>> {
    let path = f.path(key);
    let items = f.list(key);
    if items.is_empty() {
        errors.push(FieldError::new(
            &path,
            MessageKey::ListEmpty,
            Some("NĐ 168/2025 art. 89.2"),
        ));
        return None;
    }
    let mut lines = Vec::new();
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        let item_path = format!("{path}[{i}]");
        let row = Fields::item(item, &item_path);
        let name = errors.text(
            &row.path("name"),
            row.str("name").as_deref(),
            500,
            Some("NĐ 168/2025 art. 89"),
        );
        let code = errors.optional(
            &row.path("code"),
            row.str("code").as_deref(),
            MaNganh::parse,
            Some("NĐ 168/2025 art. 89.3.a; QĐ 36/2025/QĐ-TTg"),
        );
        let main = row.flag("main");
        if main
            && let Some(Some(c)) = code
            && c.level() != VsicLevel::FOUR
        {
            errors.push(
                FieldError::new(
                    row.path("code"),
                    MessageKey::MainLineLevel,
                    Some("NĐ 168/2025 art. 89.2"),
                )
                .with("code", c)
                .with("level", c.level().get()),
            );
            ok = false;
        }
        if main && code == Some(None) {
            errors.push(FieldError::new(
                row.path("code"),
                MessageKey::Required,
                Some("NĐ 168/2025 art. 89.2"),
            ));
            ok = false;
        }
        match (name, code) {
            (Some(name), Some(code)) => lines.push(BusinessLine { name, code, main }),
            _ => ok = false,
        }
    }
    if need_main {
        let mains = items
            .iter()
            .filter(|item| item.get("main").and_then(Value::as_bool) == Some(true))
            .count();
        if mains != 1 {
            errors.push(
                FieldError::new(
                    &path,
                    MessageKey::MainLineCount,
                    Some("NĐ 168/2025 art. 89.2"),
                )
                .with("found", mains),
            );
            ok = false;
        }
    }
    ok.then_some(lines)
}

/// A commitment the form asks the declarant to make; all must be ticked.
pub(crate) fn commitments(errors: &mut Errors, f: &Fields<'_>, items: &[(&str, Citation)]) -> bool {
    let Some(obj) = f.object("commitments", "commitments") else {
        for (key, citation) in items {
            errors.push(FieldError::new(
                format!("commitments.{key}"),
                MessageKey::MustAccept,
                Some(citation),
            ));
        }
        return false;
    };
    items.iter().fold(true, |all, (key, citation)| {
        errors.accepted(&obj.path(key), obj.bool(key), Some(citation)) && all
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
    }

    #[test]
    fn a_person_checks_the_id_against_birth_year_and_gender() {
        let draft = json!({"full_name": "Nguyễn Văn An", "birth_date": "1986-05-01", "gender": "male", "id": "051085012345"});
        let mut errors = Errors::new();
        // The fields parse; the mismatch is recorded as an error on the number.
        let _ = person(&mut errors, &Fields::root(&draft), false, today());
        let all = errors.into_vec();
        assert_eq!(all.len(), 1);
        assert_eq!(
            (all[0].path.as_str(), all[0].key),
            ("id", MessageKey::IdBirthYear)
        );
    }

    #[test]
    fn offline_block_is_required_only_when_the_link_is_down() {
        let draft = json!({"full_name": "Nguyễn Văn An", "birth_date": "1985-05-01", "gender": "male", "id": "051085012345"});
        let mut errors = Errors::new();
        assert!(person(&mut errors, &Fields::root(&draft), false, today()).is_some());
        let mut errors = Errors::new();
        assert!(person(&mut errors, &Fields::root(&draft), true, today()).is_none());
        let paths: Vec<String> = errors.into_vec().into_iter().map(|e| e.path).collect();
        assert_eq!(
            paths,
            [
                "ethnicity",
                "nationality",
                "permanent_address",
                "current_address"
            ]
        );
    }

    #[test]
    fn business_lines_need_one_level_four_main_line() {
        let cases = [
            (
                json!({"lines": []}),
                vec![MessageKey::ListEmpty],
                "empty table",
            ),
            (
                json!({"lines": [{"name": "Bán lẻ", "code": "4711"}]}),
                vec![MessageKey::MainLineCount],
                "no main line",
            ),
            (
                json!({"lines": [{"name": "Bán lẻ", "code": "471", "main": true}]}),
                vec![MessageKey::MainLineLevel],
                "main line at level 3",
            ),
            (
                json!({"lines": [{"name": "Bán lẻ", "main": true}]}),
                vec![MessageKey::Required],
                "main line without code",
            ),
            (
                json!({"lines": [{"name": "A", "code": "4711", "main": true}, {"name": "B", "code": "4719", "main": true}]}),
                vec![MessageKey::MainLineCount],
                "two main lines",
            ),
        ];
        for (draft, keys, reason) in cases {
            let mut errors = Errors::new();
            assert!(
                business_lines(&mut errors, &Fields::root(&draft), "lines", true).is_none(),
                "{reason}"
            );
            let got: Vec<MessageKey> = errors.into_vec().into_iter().map(|e| e.key).collect();
            assert_eq!(got, keys, "{reason}");
        }
        let ok = json!({"lines": [{"name": "Bán lẻ tạp hóa", "code": "4711", "main": true}, {"name": "Dịch vụ photocopy"}]});
        let mut errors = Errors::new();
        let lines = business_lines(&mut errors, &Fields::root(&ok), "lines", true).expect("valid");
        assert_eq!(lines.len(), 2);
        assert!(errors.is_empty());
    }

    #[test]
    fn age_counts_whole_years() {
        let birth = NaiveDate::from_ymd_opt(2008, 11, 24).expect("date");
        assert_eq!(age_on(birth, today()), 17);
        assert_eq!(
            age_on(birth, NaiveDate::from_ymd_opt(2026, 11, 24).expect("date")),
            18
        );
    }
}
