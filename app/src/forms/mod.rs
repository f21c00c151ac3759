//! The four procedures' forms as short steps, one topic a page, in the order of the official form.
//!
//! A [`FormSpec`] says which fields a step shows, how each is typed in and where its value lives in the
//! draft's JSON (the keys `domain` documents and validates). The rules themselves are not here: every
//! check is `domain::validate`, whose errors carry the same paths, so an error finds its field and its step
//! ([`FormSpec::step_of`]). A unit test makes sure every error the domain can raise lands on a field.

pub mod path;
mod specs;

use std::sync::OnceLock;

use domain::{FieldError, Lang, Procedure};
use serde_json::Value;

/// A text in both languages.
pub type Text = (&'static str, &'static str);

/// Picks the text of a language.
#[must_use]
pub const fn tr(text: Text, lang: Lang) -> &'static str {
    lang.pick(text.0, text.1)
}

/// One choice of a [`Kind::Choice`].
#[derive(Debug, Clone, Copy)]
pub struct Opt {
    /// What is stored.
    pub value: &'static str,
    /// What is shown.
    pub label: Text,
}

/// How a field is typed in.
#[derive(Debug, Clone)]
pub enum Kind {
    /// One line of text.
    Text,
    /// Several lines.
    LongText,
    /// A phone number (`inputmode=tel`).
    Tel,
    /// An e-mail address.
    Email,
    /// Digits such as an identity number or a tax code (`inputmode=numeric`).
    Digits,
    /// A date typed as dd/mm/yyyy.
    Date,
    /// An amount in đồng, grouped with dots as it is typed, its words shown live.
    Money,
    /// One of a few choices, as radio buttons.
    Choice(&'static [Opt]),
    /// A yes/no box.
    Bool,
    /// A commune or ward of Quảng Ngãi (the shipped list of 96).
    Commune,
    /// A province of Việt Nam (the 34).
    Province,
    /// Any of the 34 provinces.
    Provinces,
    /// Any of the promotion forms of NĐ 81/2018.
    PromotionForms,
    /// A table of business lines (VSIC 2025 picker); `main` asks for exactly one main line.
    Lines {
        /// Whether one row must be the main line.
        main: bool,
    },
    /// One VSIC 2025 code.
    VsicCode,
    /// A table whose rows have the given fields (e.g. household members), shown as cards on a phone.
    Table {
        /// What one row is called ("Thành viên").
        row: Text,
        /// The fields of a row, relative to the row.
        fields: Vec<Field>,
    },
    /// The change form's sections: ticking one adds its (empty) object to the draft.
    Sections(&'static [Opt]),
    /// The files attached to the dossier.
    Attachments,
}

/// A field of a step.
#[derive(Debug, Clone)]
pub struct Field {
    /// Where its value lives in the draft (relative to the row inside a table).
    pub path: &'static str,
    /// Its label.
    pub label: Text,
    /// A hint under the label.
    pub hint: Option<Text>,
    /// How it is typed in.
    pub kind: Kind,
    /// Whether the form requires it (shown as "bắt buộc"; the domain decides).
    pub required: bool,
    /// The `autocomplete` token, so phones offer what they know.
    pub autocomplete: Option<&'static str>,
    /// Shown only when this says so.
    pub show_if: Option<fn(&Value) -> bool>,
}

impl Field {
    /// A required field.
    #[must_use]
    pub const fn req(path: &'static str, label: Text, kind: Kind) -> Self {
        Self {
            path,
            label,
            hint: None,
            kind,
            required: true,
            autocomplete: None,
            show_if: None,
        }
    }

    /// An optional field.
    #[must_use]
    pub fn opt(path: &'static str, label: Text, kind: Kind) -> Self {
        Self {
            path,
            label,
            hint: None,
            kind,
            required: false,
            autocomplete: None,
            show_if: None,
        }
    }

    /// With a hint.
    #[must_use]
    pub fn hint(mut self, hint: Text) -> Self {
        self.hint = Some(hint);
        self
    }

    /// With an `autocomplete` token.
    #[must_use]
    pub fn auto(mut self, token: &'static str) -> Self {
        self.autocomplete = Some(token);
        self
    }

    /// Shown only when `f` holds for the draft.
    #[must_use]
    pub fn when(mut self, f: fn(&Value) -> bool) -> Self {
        self.show_if = Some(f);
        self
    }

    /// Whether it is shown for this draft (`row` is the table row for a row field).
    #[must_use]
    pub fn visible(&self, data: &Value) -> bool {
        self.show_if.is_none_or(|f| f(data))
    }
}

/// One page of a form.
#[derive(Debug, Clone)]
pub struct Step {
    /// Its part of the URL.
    pub slug: &'static str,
    /// Its heading.
    pub title: Text,
    /// A sentence under the heading.
    pub intro: Option<Text>,
    /// Its fields.
    pub fields: Vec<Field>,
    /// Shown only when this says so (the change form shows the sections that were chosen).
    pub show_if: Option<fn(&Value) -> bool>,
}

impl Step {
    /// Whether the step applies to this draft.
    #[must_use]
    pub fn visible(&self, data: &Value) -> bool {
        self.show_if.is_none_or(|f| f(data))
    }
}

/// A procedure's form as steps.
#[derive(Debug, Clone)]
pub struct FormSpec {
    /// Which procedure.
    pub procedure: Procedure,
    /// Its steps in order.
    pub steps: Vec<Step>,
    /// Objects whose presence means something even when empty (the change form's sections).
    pub keep_empty: &'static [&'static str],
    /// Where the applicant's name and phone are prefilled from.
    pub applicant_from: (&'static str, &'static str),
}

/// The key under which the phone keeps the applicant's contact inside a draft; removed before sending.
pub const APPLICANT_KEY: &str = "_applicant";

impl FormSpec {
    /// The spec of a procedure.
    #[must_use]
    pub fn of(procedure: Procedure) -> &'static Self {
        static SPECS: OnceLock<[FormSpec; 4]> = OnceLock::new();
        let specs = SPECS.get_or_init(|| Procedure::ALL.map(specs::spec));
        specs
            .iter()
            .find(|s| s.procedure == procedure)
            .unwrap_or(&specs[0])
    }

    /// The steps that apply to this draft, in order.
    #[must_use]
    pub fn visible_steps(&self, data: &Value) -> Vec<&Step> {
        self.steps.iter().filter(|s| s.visible(data)).collect()
    }

    /// A step by its slug.
    #[must_use]
    pub fn step(&self, slug: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.slug == slug)
    }

    /// Whether an emptied object at `path` stays (see [`FormSpec::keep_empty`]).
    #[must_use]
    pub fn keeps(&self, path: &str) -> bool {
        self.keep_empty.contains(&path)
    }

    /// The field (top-level path) an error belongs to: the field whose path is the longest prefix of the
    /// error's path; an error at the root (e.g. "choose at least one change") goes to the first field.
    #[must_use]
    pub fn field_of<'a>(&'a self, error_path: &str) -> Option<(&'a Step, &'a Field)> {
        let mut best: Option<(&Step, &Field)> = None;
        for step in &self.steps {
            for field in &step.fields {
                if field.path.is_empty() {
                    // The change form's section picker owns the errors about the whole form.
                    if error_path.is_empty() {
                        best = Some((step, field));
                    }
                    continue;
                }
                if path::within(error_path, field.path)
                    && best.is_none_or(|(_, b)| field.path.len() > b.path.len())
                {
                    best = Some((step, field));
                }
                // An error on a whole object (e.g. `seat.address` missing) belongs to its first field.
                if path::within(field.path, error_path) && best.is_none() && !error_path.is_empty()
                {
                    best = Some((step, field));
                }
            }
        }
        best.or_else(|| {
            error_path
                .is_empty()
                .then(|| {
                    self.steps
                        .iter()
                        .find_map(|s| s.fields.first().map(|f| (s, f)))
                })
                .flatten()
        })
    }

    /// The step an error belongs to.
    #[must_use]
    pub fn step_of(&self, error_path: &str) -> Option<&Step> {
        self.field_of(error_path).map(|(s, _)| s)
    }

    /// The errors that belong to a step.
    #[must_use]
    pub fn errors_of<'a>(&self, step: &Step, errors: &'a [FieldError]) -> Vec<&'a FieldError> {
        errors
            .iter()
            .filter(|e| self.step_of(&e.path).is_some_and(|s| s.slug == step.slug))
            .collect()
    }
}

/// Today in Việt Nam (UTC+7) from a Unix time in milliseconds.
#[must_use]
pub fn vietnam_today(unix_ms: f64) -> chrono::NaiveDate {
    #[expect(
        clippy::cast_possible_truncation,
        reason = "milliseconds since 1970 fit in i64"
    )]
    let secs = (unix_ms / 1000.0).floor() as i64;
    chrono::DateTime::from_timestamp(secs + 7 * 3600, 0)
        .map_or(chrono::NaiveDate::MIN, |t| t.date_naive())
}

/// Validates a draft's data as the server will (the phone's copy removed first).
///
/// # Errors
/// Every field error.
pub fn validate(
    procedure: Procedure,
    data: &Value,
    today: chrono::NaiveDate,
) -> Result<domain::Submission, Vec<FieldError>> {
    domain::validate(procedure, &for_server(data), &domain::Context::on(today))
}

/// The draft's data as the server gets it: without what only the phone keeps.
#[must_use]
pub fn for_server(data: &Value) -> Value {
    let mut data = data.clone();
    if let Value::Object(map) = &mut data {
        map.remove(APPLICANT_KEY);
    }
    data
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn today() -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
    }

    /// Drafts that make the domain raise as many different errors as possible.
    fn bad_drafts(p: Procedure) -> Vec<Value> {
        let mut drafts = vec![json!({})];
        let person_bad = json!({"full_name": "", "birth_date": "31/02/1990", "gender": "x", "id": "12",
                                "phone": "123", "email": "a@", "ethnicity": "", "nationality": "",
                                "permanent_address": {}, "current_address": {"street": "", "commune": "", "province": ""}});
        let lines_bad = json!([{"name": "", "code": "47", "main": true}, {"name": "x", "code": "4711", "main": true}]);
        match p {
            Procedure::HkdRegistration => drafts.push(json!({
                "office": "1", "population_db_down": true, "owner": person_bad,
                "name": {"vietnamese": "x", "foreign": "Ơ", "abbreviation": "Ư"},
                "seat": {"address": {"street": "", "commune": "9"}, "phone": "1", "fax": "1", "email": "x", "website": "x".repeat(300)},
                "business_lines": lines_bad, "capital": "0", "founder": "household", "members": [person_bad, person_bad],
                "filed_by_agent": true,
                "tax": {"notice_address": {}, "start_date": "01/01/2020", "employees": "nhiều", "vat_method": "x"},
                "commitments": {}, "attachments": [{"kind": "other", "media_type": "text/plain", "size_bytes": 0, "sha256": "x"}]
            })),
            Procedure::HkdChange => {
                drafts.push(json!({
                    "office": "1", "hkd_name": "x", "hkd_code": "1", "contact_phone": "1", "signatory_name": "",
                    "change_name": {}, "change_seat": {"address": {}, "phone": "1"},
                    "change_owner": {"reason": "x", "new_owner": person_bad},
                    "change_members": {"members": [person_bad]},
                    "change_capital": {"capital": "x", "changed_on": "x", "method": "x"},
                    "change_lines": {"add": lines_bad, "remove": [{"code": "x"}], "main_code": "47"},
                    "change_tax": {"items": [{}]},
                    "correction": {"text": ""},
                    "reissue": {"business_lines": [], "capital": "", "founder": "x", "members": [person_bad]},
                    "filed_by_agent": true, "under_revocation_notice": true,
                    "attachments": [{}]
                }));
                drafts.push(json!({"change_owner": {}, "change_tax": {}, "change_members": {}, "reissue": {"founder": "household"}}));
            }
            Procedure::HkdTermination => drafts.push(json!({
                "office": "x", "hkd_name": "x", "hkd_code": "x", "signatory": "heir", "signatory_name": "",
                "filer_phone": "x", "commitments": {"debts_settled": false}
            })),
            Procedure::PromotionNotice => {
                drafts.push(json!({
                    "trader": {"name": "", "address": "", "phone": "1", "fax": "1", "email": "x", "tax_code": "1",
                               "contact_name": "", "contact_phone": "1"},
                    "programme_name": "", "provinces": ["Paris"], "forms": ["x"], "start": "x", "end": "y",
                    "promoted_goods": "", "promotional_goods": "", "customers": "", "prize_structure": "",
                    "total_value": "x", "promoted_value": "x", "rules": "", "co_organisers": ""
                }));
                drafts.push(json!({
                    "forms": ["contest_entry", "discount"], "total_value": "1.000.000.000", "promoted_value": "10.000",
                    "start": "24/11/2026", "end": "01/11/2026", "provinces": []
                }));
            }
        }
        drafts
    }

    #[test]
    fn every_error_the_domain_raises_lands_on_a_field_of_a_step() {
        for p in Procedure::ALL {
            let spec = FormSpec::of(p);
            assert_eq!(spec.procedure, p);
            for draft in bad_drafts(p) {
                let errors = validate(p, &draft, today()).expect_err("bad draft");
                for e in &errors {
                    assert!(
                        spec.field_of(&e.path).is_some(),
                        "{p:?}: the error at {:?} ({:?}) has no field in the form",
                        e.path,
                        e.key
                    );
                }
            }
        }
    }

    /// Fields the domain requires only in some cases, marked optional on the form with a hint that says when.
    const REQUIRED_ONLY_SOMETIMES: &[(Procedure, &str)] = &[
        // Required unless the rules are attached instead (the hint says so).
        (Procedure::PromotionNotice, "rules"),
    ];

    #[test]
    fn a_field_the_domain_requires_is_marked_required_on_the_form() {
        for p in Procedure::ALL {
            let spec = FormSpec::of(p);
            // Every section of the change form opened, empty: each raises its own "required" errors.
            let sections: serde_json::Map<String, Value> = super::specs::sections_for_test()
                .iter()
                .map(|s| ((*s).to_owned(), json!({})))
                .collect();
            for draft in [json!({}), Value::Object(sections)] {
                let Err(errors) = validate(p, &draft, today()) else {
                    continue;
                };
                for e in errors
                    .iter()
                    .filter(|e| e.key == domain::MessageKey::Required)
                {
                    let Some((_, field)) = spec.field_of(&e.path) else {
                        continue;
                    };
                    if field.path == e.path && !REQUIRED_ONLY_SOMETIMES.contains(&(p, field.path)) {
                        assert!(
                            field.required,
                            "{p:?}: the domain requires {:?}, but the form shows it as optional",
                            e.path
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn step_slugs_are_unique_and_every_path_is_known_to_the_domain_keys() {
        for p in Procedure::ALL {
            let spec = FormSpec::of(p);
            let mut slugs: Vec<_> = spec.steps.iter().map(|s| s.slug).collect();
            slugs.sort_unstable();
            let n = slugs.len();
            slugs.dedup();
            assert_eq!(slugs.len(), n, "{p:?} has a repeated step slug");
            assert!(!spec.steps.is_empty());
        }
    }

    #[test]
    fn the_applicant_copy_is_not_sent() {
        let data = json!({"_applicant": {"name": "A"}, "office": "21025"});
        assert_eq!(for_server(&data), json!({"office": "21025"}));
    }

    #[test]
    fn vietnam_today_is_utc_plus_seven() {
        // 2026-11-23T17:30:00Z is already the 24th in Việt Nam.
        let ms = 1_795_455_000_000.0_f64;
        assert_eq!(
            vietnam_today(ms),
            chrono::NaiveDate::from_ymd_opt(2026, 11, 24).expect("date")
        );
    }
}
