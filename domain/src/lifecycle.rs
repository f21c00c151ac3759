//! The dossier lifecycle (ARCHITECTURE §4; NĐ 118/2025, TT 03/2025/TT-VPCP; NĐ 168/2025 arts. 95, 99–104):
//! states, the actions that move a dossier between them and who may take each, and the national status
//! codes 1–10 used to synchronise with the national public-service portal (LEGAL-FACTS §6.3).
//!
//! `draft` lives only on the phone and is not a state here. A promotion notice has no processing time and
//! no result: once received (acknowledged) it is finished.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::Procedure;

/// Where a dossier stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Sent by the applicant, not yet looked at.
    Submitted,
    /// Accepted at intake; receipt issued with the due date (TT 03 Mẫu 01; TT 68 Mẫu 17/18).
    Received,
    /// Refused at intake (TT 03 Mẫu 03).
    RefusedIntake,
    /// Being examined.
    Processing,
    /// The office asked for amendments (TT 68 Mẫu 10; TT 03 Mẫu 02).
    SupplementRequested,
    /// Not resubmitted in time: cancelled (NĐ 168/2025 art. 95.4, 60 days).
    Lapsed,
    /// Decided in favour; result issued (GCN Mẫu 7, termination notice Mẫu 13, …).
    Approved,
    /// Decided against, with reasons.
    Rejected,
    /// The result was delivered.
    Returned,
    /// Withdrawn at the applicant's request before a decision (NĐ 168/2025 art. 95.5, Mẫu 6).
    Withdrawn,
}

/// Who acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    /// The applicant (citizen, owner, trader).
    Applicant,
    /// An officer of the competent office, in its jurisdiction.
    Staff,
    /// motcua itself (timers: lapse).
    System,
}

/// What can happen to a dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Accept at intake.
    Receive,
    /// Refuse at intake.
    RefuseIntake,
    /// Start examining.
    StartProcessing,
    /// Ask for amendments.
    RequestSupplement,
    /// The applicant sends the amended dossier.
    Resubmit,
    /// The amendment period ran out.
    Lapse,
    /// Issue the result.
    Approve,
    /// Refuse, with reasons.
    Reject,
    /// Hand over the result.
    Deliver,
    /// The applicant withdraws.
    Withdraw,
    /// Apologise and set a new due date (TT 03 Mẫu 04); the state does not change.
    Extend,
}

/// A move the rules do not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The action makes no sense in this state (or for this procedure).
    #[error("cannot {action:?} a dossier that is {from:?}")]
    NotAllowed {
        /// The state.
        from: State,
        /// The action.
        action: Action,
    },
    /// Someone else must take this action.
    #[error("{actor:?} may not {action:?}")]
    WrongActor {
        /// Who tried.
        actor: Actor,
        /// The action.
        action: Action,
    },
}

impl Action {
    /// Every action, in the order of the enum.
    pub const ALL: [Self; 11] = [
        Self::Receive,
        Self::RefuseIntake,
        Self::StartProcessing,
        Self::RequestSupplement,
        Self::Resubmit,
        Self::Lapse,
        Self::Approve,
        Self::Reject,
        Self::Deliver,
        Self::Withdraw,
        Self::Extend,
    ];

    /// The action as staff read it (in messages such as "cannot … a dossier that is …").
    #[must_use]
    pub const fn label(self, lang: crate::Lang) -> &'static str {
        match self {
            Self::Receive => lang.pick("tiếp nhận", "receive"),
            Self::RefuseIntake => lang.pick("từ chối tiếp nhận", "refuse at intake"),
            Self::StartProcessing => lang.pick("bắt đầu giải quyết", "start processing"),
            Self::RequestSupplement => lang.pick("yêu cầu sửa đổi, bổ sung", "request amendments"),
            Self::Resubmit => lang.pick("nộp bổ sung", "resubmit"),
            Self::Lapse => lang.pick("hủy do hết hạn bổ sung", "lapse"),
            Self::Approve => lang.pick("phê duyệt, cấp kết quả", "approve"),
            Self::Reject => lang.pick("không chấp thuận", "reject"),
            Self::Deliver => lang.pick("trả kết quả", "deliver the result"),
            Self::Withdraw => lang.pick("rút hồ sơ", "withdraw"),
            Self::Extend => lang.pick("gia hạn, hẹn lại ngày trả", "extend"),
        }
    }

    /// Who may take the action.
    #[must_use]
    pub const fn actor(self) -> Actor {
        match self {
            Self::Resubmit | Self::Withdraw => Actor::Applicant,
            Self::Lapse => Actor::System,
            Self::Receive
            | Self::RefuseIntake
            | Self::StartProcessing
            | Self::RequestSupplement
            | Self::Approve
            | Self::Reject
            | Self::Deliver
            | Self::Extend => Actor::Staff,
        }
    }
}

impl State {
    /// The state as a citizen reads it.
    #[must_use]
    pub const fn label(self, lang: crate::Lang) -> &'static str {
        match self {
            Self::Submitted => lang.pick("Đã nộp, chờ tiếp nhận", "Submitted, awaiting intake"),
            Self::Received => lang.pick("Đã tiếp nhận", "Received"),
            Self::RefusedIntake => lang.pick("Từ chối tiếp nhận", "Refused at intake"),
            Self::Processing => lang.pick("Đang giải quyết", "Being processed"),
            Self::SupplementRequested => lang.pick("Cần sửa đổi, bổ sung", "Amendments requested"),
            Self::Lapsed => lang.pick(
                "Hết hạn bổ sung, hồ sơ bị hủy",
                "Amendment period over, cancelled",
            ),
            Self::Approved => lang.pick("Đã có kết quả", "Result issued"),
            Self::Rejected => lang.pick("Không chấp thuận", "Rejected"),
            Self::Returned => lang.pick("Đã trả kết quả", "Result delivered"),
            Self::Withdrawn => lang.pick("Đã rút hồ sơ", "Withdrawn"),
        }
    }

    /// Whether nothing more can happen.
    #[must_use]
    pub const fn is_final(self, procedure: Procedure) -> bool {
        match self {
            Self::Received => matches!(procedure, Procedure::PromotionNotice),
            Self::RefusedIntake | Self::Lapsed | Self::Returned | Self::Withdrawn => true,
            Self::Submitted
            | Self::Processing
            | Self::SupplementRequested
            | Self::Approved
            | Self::Rejected => false,
        }
    }

    /// The state after `action` by `actor`.
    ///
    /// # Errors
    /// When the action is not allowed in this state for this procedure, or not by this actor.
    pub fn apply(
        self,
        procedure: Procedure,
        action: Action,
        actor: Actor,
    ) -> Result<Self, TransitionError> {
        if action.actor() != actor {
            return Err(TransitionError::WrongActor { actor, action });
        }
        let not_allowed = TransitionError::NotAllowed { from: self, action };
        if self.is_final(procedure) {
            return Err(not_allowed);
        }
        let promotion = matches!(procedure, Procedure::PromotionNotice);
        use Action as A;
        let next = match (self, action) {
            (Self::Submitted, A::Receive) => Self::Received,
            (Self::Submitted, A::RefuseIntake) => Self::RefusedIntake,
            (Self::Received, A::StartProcessing) if !promotion => Self::Processing,
            (Self::Received | Self::Processing, A::RequestSupplement) if !promotion => {
                Self::SupplementRequested
            }
            (Self::SupplementRequested, A::Resubmit) => Self::Processing,
            (Self::SupplementRequested, A::Lapse) => Self::Lapsed,
            (Self::Processing, A::Approve) => Self::Approved,
            (Self::Processing, A::Reject) => Self::Rejected,
            (Self::Approved | Self::Rejected, A::Deliver) => Self::Returned,
            (
                Self::Submitted | Self::Received | Self::Processing | Self::SupplementRequested,
                A::Withdraw,
            ) => Self::Withdrawn,
            (Self::Received | Self::Processing, A::Extend) if !promotion => self,
            _ => return Err(not_allowed),
        };
        Ok(next)
    }

    /// The national portal's status code (LEGAL-FACTS §6.3): 1 Mới đăng ký, 2 Được tiếp nhận, 3 Không được
    /// tiếp nhận, 4 Đang xử lý, 5 Yêu cầu bổ sung giấy tờ, 6 Yêu cầu thực hiện nghĩa vụ tài chính (unused:
    /// fees are paid at filing), 7 Công dân yêu cầu rút hồ sơ, 8 Dừng xử lý, 9 Đã xử lý xong, 10 Đã trả kết
    /// quả. A received promotion notice is finished, hence 9.
    #[must_use]
    pub const fn national_status(self, procedure: Procedure) -> u8 {
        match self {
            Self::Submitted => 1,
            Self::Received if matches!(procedure, Procedure::PromotionNotice) => 9,
            Self::Received => 2,
            Self::RefusedIntake => 3,
            Self::Processing => 4,
            Self::SupplementRequested => 5,
            Self::Withdrawn => 7,
            Self::Lapsed => 8,
            Self::Approved | Self::Rejected => 9,
            Self::Returned => 10,
        }
    }

    /// Whether the dossier is late: still undecided after its due date (derived, never stored).
    #[must_use]
    pub fn is_overdue(self, due: Option<NaiveDate>, today: NaiveDate) -> bool {
        matches!(self, Self::Received | Self::Processing) && due.is_some_and(|due| today > due)
    }
}

/// Calendar days an HKD applicant has to resubmit after a request for amendments (NĐ 168/2025 art. 95.4).
pub const HKD_SUPPLEMENT_DAYS: u64 = 60;

/// The day after which a dossier whose amendments were requested on `requested_on` lapses.
#[must_use]
pub fn lapse_after(requested_on: NaiveDate) -> NaiveDate {
    requested_on
        .checked_add_days(Days::new(HKD_SUPPLEMENT_DAYS))
        .unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_lists_every_action_once() {
        // The match has no wildcard: a new action does not compile until it has a place here.
        let place = |a: Action| match a {
            Action::Receive => 0,
            Action::RefuseIntake => 1,
            Action::StartProcessing => 2,
            Action::RequestSupplement => 3,
            Action::Resubmit => 4,
            Action::Lapse => 5,
            Action::Approve => 6,
            Action::Reject => 7,
            Action::Deliver => 8,
            Action::Withdraw => 9,
            Action::Extend => 10,
        };
        let places: Vec<usize> = Action::ALL.into_iter().map(place).collect();
        assert_eq!(places, (0..Action::ALL.len()).collect::<Vec<_>>());
    }

    const ALL_STATES: [State; 10] = [
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
    const ALL_ACTIONS: [Action; 11] = [
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

    fn run(procedure: Procedure, actions: &[Action]) -> Result<State, TransitionError> {
        actions
            .iter()
            .try_fold(State::Submitted, |s, &a| s.apply(procedure, a, a.actor()))
    }

    #[test]
    fn the_happy_path_of_an_hkd_registration() {
        use Action as A;
        let end = run(
            Procedure::HkdRegistration,
            &[
                A::Receive,
                A::StartProcessing,
                A::RequestSupplement,
                A::Resubmit,
                A::Extend,
                A::Approve,
                A::Deliver,
            ],
        );
        assert_eq!(end, Ok(State::Returned));
        assert_eq!(
            State::Returned.national_status(Procedure::HkdRegistration),
            10
        );
    }

    #[test]
    fn a_promotion_notice_ends_when_received() {
        assert_eq!(
            run(Procedure::PromotionNotice, &[Action::Receive]),
            Ok(State::Received)
        );
        assert_eq!(
            run(
                Procedure::PromotionNotice,
                &[Action::Receive, Action::StartProcessing]
            ),
            Err(TransitionError::NotAllowed {
                from: State::Received,
                action: Action::StartProcessing
            })
        );
        assert_eq!(
            State::Received.national_status(Procedure::PromotionNotice),
            9
        );
    }

    #[test]
    fn only_the_right_actor_may_act() {
        assert_eq!(
            State::Submitted.apply(Procedure::HkdChange, Action::Receive, Actor::Applicant),
            Err(TransitionError::WrongActor {
                actor: Actor::Applicant,
                action: Action::Receive
            })
        );
        assert_eq!(
            State::Processing.apply(Procedure::HkdChange, Action::Withdraw, Actor::Staff),
            Err(TransitionError::WrongActor {
                actor: Actor::Staff,
                action: Action::Withdraw
            })
        );
    }

    #[test]
    fn final_states_accept_nothing_and_codes_are_in_range() {
        for p in Procedure::ALL {
            for s in ALL_STATES {
                assert!((1..=10).contains(&s.national_status(p)));
                if s.is_final(p) {
                    for a in ALL_ACTIONS {
                        assert!(s.apply(p, a, a.actor()).is_err(), "{p:?} {s:?} {a:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn overdue_and_lapse() {
        let due = NaiveDate::from_ymd_opt(2026, 11, 20);
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
        assert!(State::Processing.is_overdue(due, today));
        assert!(!State::Approved.is_overdue(due, today));
        assert!(!State::Processing.is_overdue(None, today));
        assert_eq!(
            lapse_after(NaiveDate::from_ymd_opt(2026, 11, 1).expect("date")),
            NaiveDate::from_ymd_opt(2026, 12, 31).expect("date")
        );
    }
}
