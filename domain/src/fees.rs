//! Fees (lệ phí) per procedure and channel, with effective dates: data, not code (LEGAL-FACTS "How the
//! product treats these facts"). The HKD registration fee is a local fee set by the provincial People's
//! Council (NĐ 168/2025 art. 97; Luật Phí và lệ phí); Quảng Ngãi's current amount and online reduction were
//! not found (GAP, LEGAL-FACTS §3.8), so [`FeeSchedule::default`] holds the documented seed: 100,000 VND at
//! the counter and −50 % online for registration and change; no fee for termination or a promotion notice.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{Procedure, Vnd};

/// How a dossier is filed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// In person or by post.
    Counter,
    /// Through motcua or the national portal.
    Online,
}

/// One fee amount, valid from a date until the next rule for the same procedure and channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeRule {
    /// The procedure.
    pub procedure: Procedure,
    /// The channel.
    pub channel: Channel,
    /// The amount.
    pub amount: Vnd,
    /// First day it applies.
    pub from: NaiveDate,
    /// Where the amount comes from.
    pub source: String,
}

/// Every fee rule in force or past; editable by an administrator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FeeSchedule(pub Vec<FeeRule>);

const SEED_SOURCE: &str = "Seed pending the Quảng Ngãi HĐND resolution (LEGAL-FACTS §3.8 GAP): 100,000 VND at the \
                           counter, −50 % online; configurable";

impl Default for FeeSchedule {
    fn default() -> Self {
        let from = NaiveDate::from_ymd_opt(2025, 7, 1).unwrap_or(NaiveDate::MIN);
        let rule = |procedure, channel, amount, source: &str| FeeRule {
            procedure,
            channel,
            amount: Vnd::new(amount),
            from,
            source: source.to_owned(),
        };
        let none = "No fee (NĐ 168/2025; NĐ 81/2018 art. 17: the Sở only receives the notice)";
        Self(vec![
            rule(
                Procedure::HkdRegistration,
                Channel::Counter,
                100_000,
                SEED_SOURCE,
            ),
            rule(
                Procedure::HkdRegistration,
                Channel::Online,
                50_000,
                SEED_SOURCE,
            ),
            rule(Procedure::HkdChange, Channel::Counter, 100_000, SEED_SOURCE),
            rule(Procedure::HkdChange, Channel::Online, 50_000, SEED_SOURCE),
            rule(Procedure::HkdTermination, Channel::Counter, 0, none),
            rule(Procedure::HkdTermination, Channel::Online, 0, none),
            rule(Procedure::PromotionNotice, Channel::Counter, 0, none),
            rule(Procedure::PromotionNotice, Channel::Online, 0, none),
        ])
    }
}

impl FeeSchedule {
    /// The rule that applies on a day (the latest one that has started), if any.
    #[must_use]
    pub fn rule(&self, procedure: Procedure, channel: Channel, on: NaiveDate) -> Option<&FeeRule> {
        self.0
            .iter()
            .filter(|r| r.procedure == procedure && r.channel == channel && r.from <= on)
            .max_by_key(|r| r.from)
    }

    /// The fee payable on a day; zero when no rule applies.
    #[must_use]
    pub fn fee(&self, procedure: Procedure, channel: Channel, on: NaiveDate) -> Vnd {
        self.rule(procedure, channel, on)
            .map_or(Vnd::ZERO, |r| r.amount)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn seed_fees() {
        let fees = FeeSchedule::default();
        let today = d(2026, 11, 23);
        assert_eq!(
            fees.fee(Procedure::HkdRegistration, Channel::Counter, today),
            Vnd::new(100_000)
        );
        assert_eq!(
            fees.fee(Procedure::HkdRegistration, Channel::Online, today),
            Vnd::new(50_000)
        );
        assert_eq!(
            fees.fee(Procedure::HkdTermination, Channel::Online, today),
            Vnd::ZERO
        );
        assert_eq!(
            fees.fee(Procedure::PromotionNotice, Channel::Counter, today),
            Vnd::ZERO
        );
        assert_eq!(
            fees.fee(Procedure::HkdChange, Channel::Counter, d(2025, 6, 30)),
            Vnd::ZERO,
            "before any rule"
        );
    }

    #[test]
    fn a_later_rule_takes_over_from_its_date() {
        let mut fees = FeeSchedule::default();
        fees.0.push(FeeRule {
            procedure: Procedure::HkdRegistration,
            channel: Channel::Online,
            amount: Vnd::ZERO,
            from: d(2027, 1, 1),
            source: "a new resolution".to_owned(),
        });
        assert_eq!(
            fees.fee(Procedure::HkdRegistration, Channel::Online, d(2026, 12, 31)),
            Vnd::new(50_000)
        );
        assert_eq!(
            fees.fee(Procedure::HkdRegistration, Channel::Online, d(2027, 1, 1)),
            Vnd::ZERO
        );
        let json = serde_json::to_string(&fees).expect("serialise");
        assert_eq!(
            serde_json::from_str::<FeeSchedule>(&json).expect("back"),
            fees
        );
    }
}
