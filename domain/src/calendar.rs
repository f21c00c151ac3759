//! The working-day calendar of the one-stop offices (LEGAL-FACTS §6.5–6.7): Monday to Friday, minus public
//! holidays (BLLĐ 2019 art. 112), compensatory days (art. 111.3) and swapped days off, plus the weekend days
//! worked in a swap. Processing times count whole working days from the day after receipt.
//!
//! Everything is a pure function of a [`Calendar`] (the yearly schedules, editable data) and the inputs; the
//! caller passes the moment of receipt, so the same due date comes out on the phone and on the server.
//!
//! Entry points: [`due_date`], [`add_working_days`], [`latest_notice_date`], [`holidays`] (on the shipped
//! schedules), or the same methods on a [`Calendar`] built from edited schedules.

pub mod lunar;
mod schedule;

use std::{collections::BTreeMap, sync::OnceLock};

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveTime, TimeZone, Weekday};
use serde::{Deserialize, Serialize};

pub use lunar::LunarDate;
pub use schedule::{
    DayKind, Holiday, Origin, ScheduleDay, YearSchedule, fallback, official_schedules,
};

/// Vietnam's offset from UTC (UTC+7, no daylight saving).
pub const VIETNAM_OFFSET: FixedOffset = match FixedOffset::east_opt(7 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+7 is a valid offset"),
};

/// Years for which fallback schedules are computed once and cached; other years are computed on demand.
const CACHED_YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// A working-day calendar: the stored yearly schedules, with the computed fallback for other years.
#[derive(Debug, Clone)]
pub struct Calendar {
    years: BTreeMap<i32, YearSchedule>,
    days: BTreeMap<NaiveDate, ScheduleDay>,
}

/// One day in the list of a year's holidays and special days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDay {
    /// The day as scheduled.
    #[serde(flatten)]
    pub day: ScheduleDay,
    /// Whether it comes from an official, provisional or computed schedule.
    pub origin: Origin,
}

impl CalendarDay {
    /// A description such as "Tết Âm lịch" or "Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch)".
    #[must_use]
    pub fn describe(&self, lang: crate::Lang) -> String {
        let name = self.day.holiday.name(lang);
        match self.day.kind {
            DayKind::Holiday => name.to_owned(),
            DayKind::Compensatory => format!(
                "{} {name}",
                lang.pick("Nghỉ bù", "Compensatory day off for")
            ),
            DayKind::SwappedOff => format!(
                "{} {name}",
                lang.pick("Nghỉ hoán đổi dịp", "Day off by swap, for")
            ),
            DayKind::SwappedWorking => format!(
                "{} {name}",
                lang.pick("Làm bù (hoán đổi) dịp", "Working day by swap, for")
            ),
        }
    }
}

impl Calendar {
    /// A calendar from stored schedules (one per year; a later entry for the same year wins).
    #[must_use]
    pub fn new(schedules: impl IntoIterator<Item = YearSchedule>) -> Self {
        let mut years: BTreeMap<i32, YearSchedule> =
            schedules.into_iter().map(|s| (s.year, s)).collect();
        for year in CACHED_YEARS {
            years.entry(year).or_insert_with(|| fallback(year));
        }
        let days = years
            .values()
            .flat_map(|s| s.days.iter().cloned())
            .map(|day| (day.date, day))
            .collect();
        Self { years, days }
    }

    /// The calendar of the schedules shipped with motcua ([`official_schedules`]).
    #[must_use]
    pub fn official() -> &'static Self {
        static OFFICIAL: OnceLock<Calendar> = OnceLock::new();
        OFFICIAL.get_or_init(|| Self::new(official_schedules()))
    }

    fn special_day(&self, date: NaiveDate) -> Option<ScheduleDay> {
        if CACHED_YEARS.contains(&date.year()) || self.years.contains_key(&date.year()) {
            self.days.get(&date).cloned()
        } else {
            fallback(date.year())
                .days
                .into_iter()
                .find(|day| day.date == date)
        }
    }

    /// Whether the offices work on that day.
    #[must_use]
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        match self.special_day(date).map(|day| day.kind) {
            Some(DayKind::SwappedWorking) => true,
            Some(DayKind::Holiday | DayKind::Compensatory | DayKind::SwappedOff) => false,
            None => !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// The first working day on or after `date`.
    #[must_use]
    pub fn working_day_on_or_after(&self, date: NaiveDate) -> NaiveDate {
        let mut day = date;
        while !self.is_working_day(day) {
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
        }
        day
    }

    /// The `n`-th working day after `from` (`from` itself is not counted). With `n = 0`, the first working
    /// day on or after `from`.
    #[must_use]
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> NaiveDate {
        let mut day = from;
        let mut left = n;
        if left == 0 {
            return self.working_day_on_or_after(from);
        }
        while left > 0 {
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// The number of working days strictly between two dates.
    #[must_use]
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        from.iter_days()
            .skip(1)
            .take_while(|day| *day < to)
            .filter(|day| self.is_working_day(*day))
            .fold(0, |n, _| n.saturating_add(1))
    }

    /// The day a dossier received at `received` counts as received: the same day when it is a working day
    /// and the moment is before the cut-off (Vietnam time), else the next working day.
    #[must_use]
    pub fn receipt_day<Tz: TimeZone>(
        &self,
        received: &DateTime<Tz>,
        rules: &DueDateRules,
    ) -> NaiveDate {
        let local = received.with_timezone(&VIETNAM_OFFSET).naive_local();
        let day = local.date();
        if self.is_working_day(day) && local.time() < rules.cutoff {
            day
        } else {
            self.add_working_days(day, 1)
        }
    }

    /// The due date of a dossier received at `received` with a processing time of `working_days`, counted
    /// from the working day after the receipt day ([`Self::receipt_day`]); shortened for online dossiers by
    /// [`DueDateRules::online_working_days`].
    #[must_use]
    pub fn due_date<Tz: TimeZone>(
        &self,
        received: &DateTime<Tz>,
        working_days: u32,
        online: bool,
        rules: &DueDateRules,
    ) -> NaiveDate {
        let start = self.receipt_day(received, rules);
        let days = if online {
            rules.online_working_days(working_days)
        } else {
            working_days
        };
        if days == 0 {
            start
        } else {
            self.add_working_days(start, days)
        }
    }

    /// The last day on which a notice may reach the office so that at least `n` whole working days lie
    /// between the day of receipt and `start` (neither counted: BLDS 2015 art. 147, the first day of a
    /// period is not counted). For a promotion notice, `n = 3` (NĐ 81/2018 art. 17).
    #[must_use]
    pub fn latest_notice_date(&self, start: NaiveDate, n: u32) -> NaiveDate {
        let mut day = start;
        let mut left = n;
        while left > 0 {
            match day.pred_opt() {
                Some(prev) => day = prev,
                None => break,
            }
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day.pred_opt().unwrap_or(day)
    }

    /// Whether a notice received on `received` is at least `n` working days before `start`.
    #[must_use]
    pub fn is_at_least_working_days_before(
        &self,
        received: NaiveDate,
        start: NaiveDate,
        n: u32,
    ) -> bool {
        received <= self.latest_notice_date(start, n)
    }

    /// Every holiday of the year (also those on weekends), compensatory day and swapped day, in date order,
    /// with where it comes from.
    #[must_use]
    pub fn holidays(&self, year: i32) -> Vec<CalendarDay> {
        let schedule = self
            .years
            .get(&year)
            .cloned()
            .unwrap_or_else(|| fallback(year));
        schedule
            .days
            .into_iter()
            .map(|day| CalendarDay {
                day,
                origin: schedule.origin,
            })
            .collect()
    }

    /// The stored or computed schedule of a year, with its source.
    #[must_use]
    pub fn schedule(&self, year: i32) -> YearSchedule {
        self.years
            .get(&year)
            .cloned()
            .unwrap_or_else(|| fallback(year))
    }
}

/// How to round the online reduction to whole working days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// Round the reduction down (3 days − 20 % = 3 days).
    Down,
    /// Round the reduction to the nearest day, halves up (3 days − 20 % = 2 days; 5 days − 20 % = 4 days).
    Nearest,
    /// Round the reduction up.
    Up,
}

/// The configurable parts of due-date computation (GAPs in LEGAL-FACTS §6.5, set by the province).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueDateRules {
    /// Dossiers received at or after this time (Vietnam time) count as received the next working day.
    /// Default 15:00, the cut-off of the published one-stop schemes read (LEGAL-FACTS §6.5); no general
    /// rule of NĐ 118/2025 was found.
    pub cutoff: NaiveTime,
    /// How much sooner online dossiers are decided, in percent of the processing time. Default 20 %.
    pub online_reduction_percent: u8,
    /// How the reduction is rounded to whole days. Default [`Rounding::Nearest`].
    pub rounding: Rounding,
}

impl Default for DueDateRules {
    fn default() -> Self {
        Self {
            cutoff: NaiveTime::from_hms_opt(15, 0, 0).unwrap_or(NaiveTime::MIN),
            online_reduction_percent: 20,
            rounding: Rounding::Nearest,
        }
    }
}

impl DueDateRules {
    /// The processing time of an online dossier: `days` minus the reduction, rounded as configured, and
    /// never below one working day (a dossier is never due on its receipt day because it was filed online).
    #[must_use]
    pub fn online_working_days(&self, days: u32) -> u32 {
        if days == 0 {
            return 0;
        }
        let scaled = u64::from(days) * u64::from(self.online_reduction_percent.min(100));
        let reduction = match self.rounding {
            Rounding::Down => scaled / 100,
            Rounding::Nearest => (scaled + 50) / 100,
            Rounding::Up => scaled.div_ceil(100),
        };
        let reduction = u32::try_from(reduction).unwrap_or(days);
        days.saturating_sub(reduction).max(1)
    }
}

/// [`Calendar::due_date`] on the shipped schedules with the default rules.
#[must_use]
pub fn due_date<Tz: TimeZone>(
    received: &DateTime<Tz>,
    working_days: u32,
    online: bool,
) -> NaiveDate {
    Calendar::official().due_date(received, working_days, online, &DueDateRules::default())
}

/// [`Calendar::add_working_days`] on the shipped schedules.
#[must_use]
pub fn add_working_days(from: NaiveDate, n: u32) -> NaiveDate {
    Calendar::official().add_working_days(from, n)
}

/// [`Calendar::is_working_day`] on the shipped schedules.
#[must_use]
pub fn is_working_day(date: NaiveDate) -> bool {
    Calendar::official().is_working_day(date)
}

/// [`Calendar::latest_notice_date`] on the shipped schedules.
#[must_use]
pub fn latest_notice_date(start: NaiveDate, n: u32) -> NaiveDate {
    Calendar::official().latest_notice_date(start, n)
}

/// [`Calendar::holidays`] on the shipped schedules.
#[must_use]
pub fn holidays(year: i32) -> Vec<CalendarDay> {
    Calendar::official().holidays(year)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    fn at(rfc3339: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(rfc3339).expect("valid time")
    }

    #[test]
    fn weekends_holidays_and_swaps() {
        let cal = Calendar::official();
        assert!(cal.is_working_day(d(2026, 11, 23)), "a Monday");
        assert!(!cal.is_working_day(d(2026, 11, 22)), "a Sunday");
        assert!(!cal.is_working_day(d(2026, 2, 17)), "Tết 2026");
        assert!(
            !cal.is_working_day(d(2026, 4, 27)),
            "compensatory for Giỗ Tổ 2026"
        );
        assert!(!cal.is_working_day(d(2026, 1, 2)), "swapped off");
        assert!(
            cal.is_working_day(d(2026, 1, 10)),
            "Saturday worked by swap"
        );
        assert!(cal.is_working_day(d(2025, 2, 8)), "Saturday worked by swap");
        assert!(!cal.is_working_day(d(2025, 5, 2)), "swapped off");
        assert!(
            !cal.is_working_day(d(2030, 1, 1)),
            "New Year, fallback year"
        );
        assert!(
            !cal.is_working_day(d(2150, 9, 2)),
            "National Day beyond the cache"
        );
    }

    #[test]
    fn due_dates_count_from_the_next_working_day() {
        let rules = DueDateRules::default();
        let cal = Calendar::official();
        // Monday morning + 3 working days = Thursday.
        assert_eq!(
            cal.due_date(&at("2026-11-23T09:00:00+07:00"), 3, false, &rules),
            d(2026, 11, 26)
        );
        // After the 15:00 cut-off the count starts a day later.
        assert_eq!(
            cal.due_date(&at("2026-11-23T15:30:00+07:00"), 3, false, &rules),
            d(2026, 11, 27)
        );
        // The moment is read in Vietnam time: 01:00 UTC is 08:00 in Quảng Ngãi.
        assert_eq!(
            cal.due_date(&at("2026-11-23T01:00:00Z"), 3, false, &rules),
            d(2026, 11, 26)
        );
        // Friday afternoon: received Monday, due Thursday.
        assert_eq!(
            cal.due_date(&at("2026-11-20T16:00:00+07:00"), 3, false, &rules),
            d(2026, 11, 26)
        );
        // Across Tết 2026: received Friday 13/02 morning, 3 days: 23, 24, 25/02.
        assert_eq!(
            cal.due_date(&at("2026-02-13T09:00:00+07:00"), 3, false, &rules),
            d(2026, 2, 25)
        );
        // Online: 5 days − 20 % = 4.
        assert_eq!(
            cal.due_date(&at("2026-11-23T09:00:00+07:00"), 5, true, &rules),
            d(2026, 11, 27)
        );
        // The free function uses the same defaults.
        assert_eq!(
            due_date(&at("2026-11-23T09:00:00+07:00"), 3, false),
            d(2026, 11, 26)
        );
    }

    #[test]
    fn online_shortening_rounding() {
        let nearest = DueDateRules::default();
        assert_eq!(
            [1, 2, 3, 5, 10].map(|n| nearest.online_working_days(n)),
            [1, 2, 2, 4, 8]
        );
        let down = DueDateRules {
            rounding: Rounding::Down,
            ..nearest
        };
        assert_eq!([1, 3, 5].map(|n| down.online_working_days(n)), [1, 3, 4]);
        let up = DueDateRules {
            rounding: Rounding::Up,
            ..nearest
        };
        assert_eq!([1, 3, 5].map(|n| up.online_working_days(n)), [1, 2, 4]);
        assert_eq!(nearest.online_working_days(0), 0);
    }

    #[test]
    fn promotion_notice_three_working_days_before() {
        let cal = Calendar::official();
        // Start Monday 07/12/2026: Wed 2, Thu 3, Fri 4 must lie in between, so the Sở must have it by Tue 1/12.
        assert_eq!(cal.latest_notice_date(d(2026, 12, 7), 3), d(2026, 12, 1));
        assert!(cal.is_at_least_working_days_before(d(2026, 12, 1), d(2026, 12, 7), 3));
        assert!(!cal.is_at_least_working_days_before(d(2026, 12, 2), d(2026, 12, 7), 3));
        // Start Monday 22/02/2027... across Tết 2026: start Monday 23/02/2026 → by Tuesday 10/02.
        assert_eq!(cal.latest_notice_date(d(2026, 2, 23), 3), d(2026, 2, 10));
        assert_eq!(cal.working_days_between(d(2026, 2, 10), d(2026, 2, 23)), 3);
    }

    #[test]
    fn holidays_list_includes_weekend_holidays_and_swaps() {
        let days = holidays(2026);
        let gio_to = days
            .iter()
            .find(|day| day.day.holiday == Holiday::HungKings && day.day.kind == DayKind::Holiday)
            .expect("Giỗ Tổ");
        assert_eq!(gio_to.day.date, d(2026, 4, 26));
        assert_eq!(gio_to.origin, Origin::Official);
        assert!(
            days.iter()
                .any(|day| day.day.kind == DayKind::SwappedWorking)
        );
        assert_eq!(
            days.iter()
                .find(|day| day.day.kind == DayKind::Compensatory)
                .map(|day| day.describe(crate::Lang::Vi)),
            Some("Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch)".to_owned())
        );
        assert!(
            holidays(2031)
                .iter()
                .all(|day| day.origin == Origin::Fallback)
        );
        assert!(
            holidays(2027)
                .iter()
                .all(|day| day.origin == Origin::Provisional)
        );
    }

    #[test]
    fn an_edited_schedule_replaces_the_shipped_one() {
        let mut schedules = official_schedules();
        if let Some(y2026) = schedules.iter_mut().find(|s| s.year == 2026) {
            y2026.days.retain(|day| day.date != d(2026, 9, 1));
        }
        let cal = Calendar::new(schedules);
        assert!(cal.is_working_day(d(2026, 9, 1)));
        assert!(!Calendar::official().is_working_day(d(2026, 9, 1)));
    }

    proptest! {
        #[test]
        fn adding_working_days_is_monotonic_and_lands_on_working_days(
            a in 0u64..3000, gap in 0u64..60, n in 0u32..40,
        ) {
            let cal = Calendar::official();
            let base = d(2024, 1, 1);
            let from1 = base + chrono::Days::new(a);
            let from2 = from1 + chrono::Days::new(gap);
            let r1 = cal.add_working_days(from1, n);
            let r2 = cal.add_working_days(from2, n);
            prop_assert!(r1 <= r2);
            prop_assert!(cal.is_working_day(r1));
            prop_assert!(!matches!(r1.weekday(), Weekday::Sat | Weekday::Sun) || cal.special_day(r1).is_some());
            if n > 0 {
                prop_assert!(cal.add_working_days(from1, n + 1) > r1);
                prop_assert_eq!(cal.working_days_between(from1, r1), n - 1);
            }
        }

        #[test]
        fn the_latest_notice_date_leaves_exactly_n_working_days(
            a in 0u64..3000, n in 1u32..10,
        ) {
            let cal = Calendar::official();
            let start = d(2024, 1, 1) + chrono::Days::new(a);
            let latest = cal.latest_notice_date(start, n);
            prop_assert!(cal.working_days_between(latest, start) >= n);
            let next = latest.succ_opt().expect("date");
            prop_assert!(cal.working_days_between(next, start) < n);
        }
    }
}
