//! Every move `domain::lifecycle` does not allow is refused by the API (409) with a message that names,
//! in Vietnamese, the action and the state the dossier is in — from every state, for every action, by
//! staff and by the applicant; on both databases. The allowed moves are in `staff_work.rs`.

use axum::http::StatusCode;
use domain::{
    Lang, Procedure,
    lifecycle::{Action, Actor, State, TransitionError},
};
use serde_json::json;

use crate::{
    approvals::{PHONE, act, officer, submit},
    helpers::{Engine, TestDb, TestServer, both_backends, send},
    signin::{add_staff, staff_session},
};

both_backends!(every_move_the_lifecycle_forbids_is_refused_with_a_clear_message);

const STATES: [State; 10] = [
    State::Submitted,
    State::Received,
    State::RefusedIntake,
    State::Processing,
    State::SupplementRequested,
    State::Lapsed,
    State::Approved,
    State::Rejected,
    State::Returned,
    State::Withdrawn,
];

const ACTIONS: [Action; 11] = [
    Action::Receive,
    Action::RefuseIntake,
    Action::StartProcessing,
    Action::RequestSupplement,
    Action::Resubmit,
    Action::Lapse,
    Action::Approve,
    Action::Reject,
    Action::Deliver,
    Action::Withdraw,
    Action::Extend,
];

fn api_name(value: &impl serde::Serialize) -> String {
    serde_json::to_value(value)
        .expect("JSON")
        .as_str()
        .expect("a name")
        .to_owned()
}

async fn every_move_the_lifecycle_forbids_is_refused_with_a_clear_message(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    crate::helpers::seed_business(&t, "051085012345", PHONE).await;
    let owner = app.citizen(PHONE).await;
    let officer = officer(&t, &app, "canbo").await;
    let password = add_staff(&t, "canbo.so", "trade_officer", &["SCT"]).await;
    let trade = staff_session(&app, "canbo.so", &password).await;
    let mut cases = Vec::new();
    for (procedure, states) in [
        (Procedure::HkdTermination, &STATES[..]),
        // A received promotion notice is finished.
        (Procedure::PromotionNotice, &[State::Received][..]),
    ] {
        for &state in states {
            // A dossier in that state (put there directly: only the state matters to the rules).
            let body = if procedure == Procedure::PromotionNotice {
                promotion_notice()
            } else {
                crate::dossiers::termination_of(PHONE)
            };
            let code = submit(&app, &body).await;
            t.raw
                .exec(&format!(
                    "UPDATE dossiers SET state = '{}' WHERE code = '{code}'",
                    api_name(&state)
                ))
                .await
                .expect("set the state");
            let who = if procedure == Procedure::PromotionNotice {
                &trade
            } else {
                &officer
            };
            for action in ACTIONS {
                let Err(refusal) = state.apply(procedure, action, Actor::Staff) else {
                    continue;
                };
                // Everything else in the request is right, so only the lifecycle can refuse it.
                let (s, b) = act(
                    &app,
                    who,
                    &code,
                    &json!({
                        "action": action,
                        "reason": "Lý do thử nghiệm",
                        "items": [{"target": "hkd_name", "note": "Ghi đúng tên."}],
                        "new_due_date": "2099-01-02"
                    }),
                )
                .await;
                let message = b["message"].as_str().unwrap_or_default().to_owned();
                let label = action.label(Lang::Vi);
                let clear = match refusal {
                    TransitionError::NotAllowed { .. } => {
                        message.contains(&format!("Không thể {label}"))
                            && message.contains(&format!("«{}»", state.label(Lang::Vi)))
                            && (!state.is_final(procedure) || message.contains("đã kết thúc"))
                    }
                    TransitionError::WrongActor { .. } => {
                        message.contains(&format!("Cán bộ không thể {label}"))
                    }
                };
                cases.push((procedure, state, action, s, clear, message));
            }
            // The applicant may resubmit only what waits for amendments.
            if state
                .apply(procedure, Action::Resubmit, Actor::Applicant)
                .is_err()
            {
                let res = send(
                    &app,
                    "POST",
                    &format!("/api/v1/dossiers/{code}/resubmissions"),
                    &crate::helpers::submit_headers(&owner, &uuid::Uuid::new_v4().to_string()),
                    serde_json::to_vec(&json!({
                        "phone": PHONE,
                        "form_version": body["form_version"],
                        "form": body["form"],
                    }))
                    .expect("JSON"),
                )
                .await;
                let s = res.status();
                let message = res.text().await.expect("body");
                let clear = message.contains("Không thể nộp bổ sung")
                    && message.contains(&format!("«{}»", state.label(Lang::Vi)));
                cases.push((procedure, state, Action::Resubmit, s, clear, message));
            }
        }
    }
    let wrong: Vec<String> = cases
        .iter()
        .filter(|(_, _, _, s, clear, _)| *s != StatusCode::CONFLICT || !clear)
        .map(|(p, st, a, s, _, m)| format!("{p:?} {st:?} {a:?}: {s} {m}"))
        .collect();
    assert!(
        cases.len() > 80,
        "the table covers every state and action ({} cases)",
        cases.len()
    );
    assert!(
        wrong.is_empty(),
        "refused unclearly or not at all:\n{}",
        wrong.join("\n")
    );
    // Nothing moved: every dossier is still where it was put, and no notification went out.
    assert_eq!(
        t.raw
            .scalar("SELECT COUNT(*) FROM dossier_events WHERE from_state IS NOT NULL")
            .await,
        0
    );
    t.teardown().await;
}

/// A valid promotion notice starting in a month.
fn promotion_notice() -> serde_json::Value {
    let today = chrono::Utc::now()
        .with_timezone(&domain::calendar::VIETNAM_OFFSET)
        .date_naive();
    let start = today + chrono::Days::new(30);
    let end = start + chrono::Days::new(60);
    json!({
        "procedure": "promotion_notice",
        "form_version": "nd81_mau01",
        "form": {
            "trader": {"name": "Công ty TNHH Thương mại Sa Huỳnh", "address": "12 Lê Lợi, Phường Cẩm Thành, Tỉnh Quảng Ngãi",
                       "phone": "02553822222", "tax_code": "0100109106", "contact_name": "Lê Văn Năm",
                       "contact_phone": PHONE},
            "programme_name": "Tích điểm đổi quà",
            "provinces": ["Quảng Ngãi"],
            "forms": ["loyalty"],
            "start": start.to_string(),
            "end": end.to_string(),
            "promoted_goods": "Nước mắm Sa Huỳnh",
            "customers": "Khách hàng có thẻ thành viên",
            "prize_structure": "Đổi 100 điểm lấy 1 chai nước mắm 500 ml",
            "total_value": "150.000.000",
            "rules": "Mỗi 10.000 đồng mua hàng được 1 điểm."
        },
        "applicant": {"name": "Lê Văn Năm", "phone": PHONE}
    })
}
