//! The domain's rules for administrators and scripts: `motcua due-date`, `motcua holidays`,
//! `motcua validate`. Each returns its output as text so that `main` only prints it.

use std::path::Path;

use chrono::{DateTime, Utc};
use domain::{
    Lang, Procedure,
    calendar::{self, VIETNAM_OFFSET},
    forms::Context,
};

/// The due date of a dossier received at an RFC 3339 moment, as `YYYY-MM-DD`.
///
/// # Errors
/// When the moment is not RFC 3339.
pub fn due_date(received: &str, working_days: u32, online: bool) -> anyhow::Result<String> {
    let received = DateTime::parse_from_rfc3339(received.trim()).map_err(|e| {
        anyhow::anyhow!(
            "--received must be an RFC 3339 time such as 2026-11-23T09:30:00+07:00 ({e})"
        )
    })?;
    Ok(calendar::due_date(&received, working_days, online)
        .format("%Y-%m-%d")
        .to_string())
}

/// Every public holiday of a year (also those on a weekend), the compensatory and swapped days, one per
/// line: date, kind and name, and where the day comes from.
#[must_use]
pub fn holidays(year: i32, lang: Lang) -> String {
    calendar::holidays(year)
        .into_iter()
        .map(|day| {
            let origin = match (day.origin, lang) {
                (calendar::Origin::Official, Lang::Vi) => "lịch chính thức",
                (calendar::Origin::Official, Lang::En) => "official schedule",
                (calendar::Origin::Provisional, Lang::Vi) => "lịch dự kiến, chưa có thông báo",
                (calendar::Origin::Provisional, Lang::En) => "provisional, not yet announced",
                (calendar::Origin::Fallback, Lang::Vi) => {
                    "tính theo BLLĐ 2019, không có lịch chính thức"
                }
                (calendar::Origin::Fallback, Lang::En) => {
                    "computed from the Labour Code, no official schedule"
                }
            };
            let paired = day
                .day
                .paired_with
                .map(|d| format!(" ↔ {}", d.format("%Y-%m-%d")))
                .unwrap_or_default();
            format!(
                "{}  {}{paired}  ({origin})\n",
                day.day.date.format("%Y-%m-%d %a"),
                day.describe(lang)
            )
        })
        .collect()
}

/// What `motcua validate` found.
#[derive(Debug)]
pub enum Validation {
    /// Every rule holds (exit 0).
    Valid,
    /// The JSON list of errors (exit 1).
    Invalid(String),
    /// The file or the procedure cannot be read (exit 2).
    Unreadable(String),
}

/// Validates a form (the JSON a phone saves as a draft) of a procedure, named by its slug
/// (`dang-ky-ho-kinh-doanh`) or its API name (`hkd_registration`), as of today in Vietnam.
#[must_use]
pub fn validate(procedure: &str, file: &Path, lang: Lang) -> Validation {
    let parsed = procedure
        .parse::<Procedure>()
        .ok()
        .or_else(|| serde_json::from_value(serde_json::Value::String(procedure.to_owned())).ok());
    let Some(procedure) = parsed else {
        let names = Procedure::ALL
            .iter()
            .map(|p| p.slug())
            .collect::<Vec<_>>()
            .join(", ");
        return Validation::Unreadable(format!(
            "unknown procedure \"{procedure}\": use one of {names}"
        ));
    };
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(e) => return Validation::Unreadable(format!("cannot read {}: {e}", file.display())),
    };
    let data: serde_json::Value = match serde_json::from_str(&text) {
        Ok(data) => data,
        Err(e) => {
            return Validation::Unreadable(format!("{} is not JSON: {e}", file.display()));
        }
    };
    let today = Utc::now().with_timezone(&VIETNAM_OFFSET).date_naive();
    match domain::validate(procedure, &data, &Context::on(today)) {
        Ok(_) => Validation::Valid,
        Err(errors) => {
            let listed: Vec<serde_json::Value> = errors
                .iter()
                .map(|error| {
                    let mut value = serde_json::to_value(error).unwrap_or_default();
                    if let Some(map) = value.as_object_mut() {
                        map.insert("message".into(), error.message(lang).into());
                    }
                    value
                })
                .collect();
            Validation::Invalid(
                serde_json::to_string_pretty(&listed).unwrap_or_else(|_| "[]".to_owned()),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_date_counts_working_days_from_receipt() {
        // Monday 23/11/2026 at 09:30 in Vietnam, 3 working days → Thursday 26/11/2026.
        assert_eq!(
            due_date("2026-11-23T09:30:00+07:00", 3, false).expect("valid"),
            "2026-11-26"
        );
        assert!(due_date("23/11/2026", 3, false).is_err());
    }

    #[test]
    fn holidays_list_tet_2026_as_official() {
        let text = holidays(2026, Lang::Vi);
        assert!(text.contains("2026-02-17"), "{text}");
        assert!(text.contains("lịch chính thức"), "{text}");
        assert!(text.contains("2026-09-02"), "{text}");
    }

    #[test]
    fn validate_reports_unreadable_input_and_invalid_forms() {
        let dir = tempfile::tempdir().expect("tempdir");
        let missing = dir.path().join("none.json");
        assert!(matches!(
            validate("dang-ky-ho-kinh-doanh", &missing, Lang::Vi),
            Validation::Unreadable(_)
        ));
        let empty = dir.path().join("empty.json");
        std::fs::write(&empty, "{}").expect("write");
        assert!(matches!(
            validate("khong-co", &empty, Lang::Vi),
            Validation::Unreadable(_)
        ));
        let Validation::Invalid(json) = validate("hkd_termination", &empty, Lang::Vi) else {
            panic!("an empty termination notice is invalid")
        };
        let errors: Vec<serde_json::Value> = serde_json::from_str(&json).expect("JSON");
        assert!(!errors.is_empty());
        assert!(
            errors
                .iter()
                .all(|e| e["message"].as_str().is_some_and(|m| !m.is_empty()))
        );
    }
}
