//! Hostile input to every form parser (issue 17, "bad input"): valid forms of the four procedures with
//! random parts replaced by arbitrary JSON (deep nesting, huge numbers, odd Unicode, wrong types, keys
//! removed or added), and arbitrary JSON alone. `domain::validate` — what the server runs on every
//! submission and the phone on every step — must never panic, and every refusal must name its field and
//! say what is wrong in Vietnamese and English.

use chrono::NaiveDate;
use domain::{Lang, Procedure, forms::Context};
use proptest::prelude::*;
use serde_json::{Value, json};

fn valid(procedure: Procedure) -> Value {
    match procedure {
        Procedure::HkdRegistration => json!({
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
        }),
        Procedure::HkdChange => json!({
            "office": "21025",
            "hkd_name": "Hộ kinh doanh Bánh mì Cô Ba",
            "hkd_code": "051185012345",
            "contact_phone": "0912345678",
            "signatory_name": "Nguyễn Thị Ba",
            "commitments": {"truthful": true},
            "change_capital": {"capital": "200.000.000", "changed_on": "2026-11-20", "method": "increase"},
            "change_lines": {"add": [{"name": "Bán lẻ đồ uống", "code": "4723"}], "main_code": "4723"}
        }),
        Procedure::HkdTermination => json!({
            "office": "21025",
            "hkd_name": "Hộ kinh doanh Bánh mì Cô Ba",
            "hkd_code": "051085012345",
            "signatory": "owner",
            "signatory_name": "Nguyễn Thị Ba",
            "filer_phone": "0912345678",
            "commitments": {"debts_settled": true, "responsible": true}
        }),
        Procedure::PromotionNotice => json!({
            "trader": {"name": "Công ty TNHH Thương mại Sa Huỳnh", "address": "12 Lê Lợi, Phường Cẩm Thành, Tỉnh Quảng Ngãi",
                       "phone": "02553822222", "tax_code": "0100109106", "contact_name": "Lê Văn Năm",
                       "contact_phone": "0912345678"},
            "programme_name": "Tích điểm đổi quà 2027",
            "provinces": ["Quảng Ngãi", "Đà Nẵng"],
            "forms": ["loyalty"],
            "start": "2027-01-04",
            "end": "2027-06-30",
            "promoted_goods": "Nước mắm Sa Huỳnh",
            "customers": "Khách hàng có thẻ thành viên",
            "prize_structure": "Đổi 100 điểm lấy 1 chai nước mắm 500 ml",
            "total_value": "150.000.000",
            "rules": "Mỗi 10.000 đồng mua hàng được 1 điểm."
        }),
    }
}

/// Strings a hostile client sends: empty, blank, very long, control characters, combining marks,
/// right-to-left, emoji, numbers at the edges, dates that are not, SQL and markup.
fn nasty_string() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("   \t\n".to_owned()),
        Just("a".repeat(100_000)),
        Just("\u{0}\u{1}\u{7f}\u{feff}".to_owned()),
        Just("Nguye\u{302}\u{303}n\u{301}\u{301}\u{301}".to_owned()),
        Just("\u{202e}ba Cô\u{202c}".to_owned()),
        Just("🏪🥖".to_owned()),
        Just("99999999999999999999999999999".to_owned()),
        Just("-1".to_owned()),
        Just("1e400".to_owned()),
        Just("2026-02-30".to_owned()),
        Just("0000-00-00".to_owned()),
        Just("9999-12-31".to_owned()),
        Just("'; DROP TABLE dossiers; --".to_owned()),
        Just("<script>alert(1)</script>".to_owned()),
        "\\PC{0,40}",
        "[0-9.,]{0,30}",
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        Just(json!(u64::MAX)),
        nasty_string().prop_map(Value::String),
    ]
}

fn any_json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    "[a-z_]{1,12}",
                    Just("owner".to_owned()),
                    Just("attachments".to_owned()),
                    Just("filer".to_owned()),
                    Just("members".to_owned()),
                ],
                inner,
                0..8
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Every path (JSON pointer) of a value.
fn pointers(value: &Value, at: &str, out: &mut Vec<String>) {
    out.push(at.to_owned());
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                pointers(v, &format!("{at}/{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                pointers(v, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// One change to a form: replace the value at a path, remove it, or add a key beside it.
#[derive(Debug, Clone)]
enum Mutation {
    Replace(usize, Value),
    Remove(usize),
    Add(usize, String, Value),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any_json()).prop_map(|(i, v)| Mutation::Replace(i, v)),
        any::<usize>().prop_map(Mutation::Remove),
        (any::<usize>(), "[a-z_]{1,12}", any_json()).prop_map(|(i, k, v)| Mutation::Add(i, k, v)),
    ]
}

fn apply(form: &mut Value, m: &Mutation) {
    let mut paths = Vec::new();
    pointers(form, "", &mut paths);
    let pick = |i: usize| paths[i % paths.len()].clone();
    match m {
        Mutation::Replace(i, v) => {
            if let Some(slot) = form.pointer_mut(&pick(*i)) {
                *slot = v.clone();
            }
        }
        Mutation::Remove(i) => {
            let path = pick(*i);
            if let Some((parent, key)) = path.rsplit_once('/')
                && let Some(Value::Object(map)) = form.pointer_mut(parent)
            {
                map.remove(key);
            }
        }
        Mutation::Add(i, k, v) => {
            if let Some(Value::Object(map)) = form.pointer_mut(&pick(*i)) {
                map.insert(k.clone(), v.clone());
            }
        }
    }
}

fn procedure() -> impl Strategy<Value = Procedure> {
    prop_oneof![
        Just(Procedure::PromotionNotice),
        Just(Procedure::HkdRegistration),
        Just(Procedure::HkdChange),
        Just(Procedure::HkdTermination),
    ]
}

/// Validates, and checks what a refusal says.
fn judge(procedure: Procedure, form: &Value) -> Result<(), TestCaseError> {
    let today = NaiveDate::from_ymd_opt(2026, 12, 7).expect("date");
    if let Err(errors) = domain::validate(procedure, form, &Context::on(today)) {
        prop_assert!(!errors.is_empty(), "a refusal without a reason");
        for e in &errors {
            for lang in [Lang::Vi, Lang::En] {
                let message = e.message(lang);
                prop_assert!(!message.trim().is_empty(), "{e:?} says nothing in {lang:?}");
                prop_assert!(
                    !message.contains('{'),
                    "{e:?} left a placeholder: {message}"
                );
            }
            prop_assert!(
                e.path
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._[]".contains(c)),
                "{e:?} names no field path"
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn a_valid_form_with_random_parts_broken_is_judged_without_panic(
        procedure in procedure(),
        changes in prop::collection::vec(mutation(), 1..5),
    ) {
        let mut form = valid(procedure);
        for m in &changes {
            apply(&mut form, m);
        }
        judge(procedure, &form)?;
    }

    #[test]
    fn arbitrary_json_is_judged_without_panic(procedure in procedure(), form in any_json()) {
        judge(procedure, &form)?;
    }
}

#[test]
fn the_valid_forms_pass() {
    let today = NaiveDate::from_ymd_opt(2026, 12, 7).expect("date");
    for procedure in [
        Procedure::PromotionNotice,
        Procedure::HkdRegistration,
        Procedure::HkdChange,
        Procedure::HkdTermination,
    ] {
        assert!(
            domain::validate(procedure, &valid(procedure), &Context::on(today)).is_ok(),
            "{procedure:?}"
        );
    }
}
