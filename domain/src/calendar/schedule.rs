//! The yearly holiday schedules: the official ones shipped as data, and the computed fallback for a year
//! without one (LEGAL-FACTS §6.6).
//!
//! Bộ luật Lao động 2019 art. 112 fixes 1/1, 30/4, 1/5, 2/9 and Giỗ Tổ (10/3 lunar), and leaves the five Tết
//! days and the day beside 2/9 to the Prime Minister each year (112.3); the government also swaps working
//! days to join holidays to weekends. Those choices are data: [`official_schedules`] lists what was announced,
//! each year with its source. For other years [`fallback`] computes the usual pattern: five Tết days from
//! the 29th of the last lunar month, the day beside 2/9 that makes the longest break, and a
//! compensatory day (art. 111.3) for each holiday on a weekend.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use super::lunar;

/// Which public holiday a day belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Holiday {
    /// Tết Dương lịch, 1/1.
    NewYear,
    /// Tết Âm lịch (Tết Nguyên đán), five days.
    LunarNewYear,
    /// Giỗ Tổ Hùng Vương, 10/3 lunar.
    HungKings,
    /// Ngày Chiến thắng, 30/4.
    Reunification,
    /// Ngày Quốc tế lao động, 1/5.
    Labour,
    /// Quốc khánh, 2/9 and one day beside it.
    NationalDay,
}

impl Holiday {
    /// The holiday's name.
    #[must_use]
    pub const fn name(self, lang: crate::Lang) -> &'static str {
        match self {
            Self::NewYear => lang.pick("Tết Dương lịch", "New Year's Day"),
            Self::LunarNewYear => lang.pick("Tết Âm lịch", "Lunar New Year (Tết)"),
            Self::HungKings => lang.pick(
                "Giỗ Tổ Hùng Vương (10/3 âm lịch)",
                "Hùng Kings' Commemoration (10/3 lunar)",
            ),
            Self::Reunification => lang.pick("Ngày Chiến thắng (30/4)", "Reunification Day (30/4)"),
            Self::Labour => lang.pick(
                "Ngày Quốc tế lao động (1/5)",
                "International Labour Day (1/5)",
            ),
            Self::NationalDay => lang.pick("Quốc khánh", "National Day"),
        }
    }
}

/// What kind of day an entry of a schedule is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// A public holiday (BLLĐ 2019 art. 112), even when it falls on a weekend.
    Holiday,
    /// A day off in compensation for a holiday that fell on a weekend (art. 111.3).
    Compensatory,
    /// A working day given off by a swap; its pair is a weekend day worked instead.
    SwappedOff,
    /// A weekend day worked in exchange for a swapped-off day.
    SwappedWorking,
}

/// One day of a yearly schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleDay {
    /// The date.
    pub date: NaiveDate,
    /// Holiday, compensatory, swapped off or swapped working.
    pub kind: DayKind,
    /// The holiday it belongs to (for a compensatory or swapped day: the holiday it serves).
    pub holiday: Holiday,
    /// For a swapped day, the other day of the swap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paired_with: Option<NaiveDate>,
}

/// How sure a year's schedule is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Announced by the government (source recorded).
    Official,
    /// Shipped as data but not yet confirmed by an announcement read here; replace when it is.
    Provisional,
    /// Computed by [`fallback`] because no schedule is stored for the year.
    Fallback,
}

/// The holidays, compensatory days and swaps of one year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearSchedule {
    /// The solar year.
    pub year: i32,
    /// How sure the data is.
    pub origin: Origin,
    /// Where it comes from.
    pub source: String,
    /// Every holiday (also those on weekends), compensatory and swapped day, in date order.
    pub days: Vec<ScheduleDay>,
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
}

fn holiday(date: NaiveDate, holiday: Holiday) -> ScheduleDay {
    ScheduleDay {
        date,
        kind: DayKind::Holiday,
        holiday,
        paired_with: None,
    }
}

fn compensatory(date: NaiveDate, holiday: Holiday) -> ScheduleDay {
    ScheduleDay {
        date,
        kind: DayKind::Compensatory,
        holiday,
        paired_with: None,
    }
}

/// A swap: `off` is given off, `worked` (a Saturday) is worked instead.
fn swap(off: NaiveDate, worked: NaiveDate, for_holiday: Holiday) -> [ScheduleDay; 2] {
    [
        ScheduleDay {
            date: off,
            kind: DayKind::SwappedOff,
            holiday: for_holiday,
            paired_with: Some(worked),
        },
        ScheduleDay {
            date: worked,
            kind: DayKind::SwappedWorking,
            holiday: for_holiday,
            paired_with: Some(off),
        },
    ]
}

fn sorted(year: i32, origin: Origin, source: &str, mut days: Vec<ScheduleDay>) -> YearSchedule {
    days.sort_by_key(|day| day.date);
    YearSchedule {
        year,
        origin,
        source: source.to_owned(),
        days,
    }
}

/// The schedules shipped with motcua (state sector: ministries, agencies, public service units, which the
/// one-stop counters follow). Editable: an administrator can load a corrected list instead
/// ([`super::Calendar::new`]).
#[must_use]
pub fn official_schedules() -> Vec<YearSchedule> {
    use Holiday::{HungKings, Labour, LunarNewYear, NationalDay, NewYear, Reunification};
    let mut y2025 = vec![
        holiday(d(2025, 1, 1), NewYear),
        holiday(d(2025, 1, 28), LunarNewYear),
        holiday(d(2025, 1, 29), LunarNewYear),
        holiday(d(2025, 1, 30), LunarNewYear),
        holiday(d(2025, 1, 31), LunarNewYear),
        holiday(d(2025, 2, 1), LunarNewYear),
        holiday(d(2025, 4, 7), HungKings),
        holiday(d(2025, 4, 30), Reunification),
        holiday(d(2025, 5, 1), Labour),
        holiday(d(2025, 9, 1), NationalDay),
        holiday(d(2025, 9, 2), NationalDay),
    ];
    y2025.extend(swap(d(2025, 1, 27), d(2025, 2, 8), LunarNewYear));
    y2025.extend(swap(d(2025, 5, 2), d(2025, 4, 26), Labour));
    let mut y2026 = vec![
        holiday(d(2026, 1, 1), NewYear),
        holiday(d(2026, 2, 16), LunarNewYear),
        holiday(d(2026, 2, 17), LunarNewYear),
        holiday(d(2026, 2, 18), LunarNewYear),
        holiday(d(2026, 2, 19), LunarNewYear),
        holiday(d(2026, 2, 20), LunarNewYear),
        holiday(d(2026, 4, 26), HungKings),
        compensatory(d(2026, 4, 27), HungKings),
        holiday(d(2026, 4, 30), Reunification),
        holiday(d(2026, 5, 1), Labour),
        holiday(d(2026, 9, 1), NationalDay),
        holiday(d(2026, 9, 2), NationalDay),
    ];
    y2026.extend(swap(d(2026, 1, 2), d(2026, 1, 10), NewYear));
    let y2027 = fallback(2027).days;
    vec![
        sorted(
            2025,
            Origin::Official,
            "Bộ LĐTBXH's notice of the 2025 holidays for the state sector (Tết Ất Tỵ: 25/01–02/02, Monday \
             27/01 swapped with Saturday 08/02; 30/4–1/5: Friday 02/05 swapped with Saturday 26/04; Quốc \
             khánh: 01–02/09). Recalled from the published schedule, not re-read here: verify against the \
             notice before relying on it for an appeal.",
            y2025,
        ),
        sorted(
            2026,
            Origin::Official,
            "Tết Dương lịch: Chính phủ 25/12/2025, Friday 02/01 swapped with Saturday 10/01 (24h.com.vn, \
             26/12/2025); Tết Bính Ngọ: 14/02–22/02 (congan.com.vn, 'Chính thức chốt phương án Tết Nguyên \
             đán Bính Ngọ 2026 nghỉ 9 ngày'); Giỗ Tổ on Sunday 26/04 with Monday 27/04 off (BLLĐ 2019 art. \
             111.3); the day beside 2/9 (01/09) was not confirmed in a source read here.",
            y2026,
        ),
        sorted(
            2027,
            Origin::Provisional,
            "Provisional: the Prime Minister's 2027 schedule (Tết Đinh Mùi on Saturday 06/02/2027) was not \
             in the sources read by 23/11/2026; these days follow the usual pattern (fallback). Replace with \
             the announced schedule.",
            y2027,
        ),
    ]
}

/// The day beside 2/9 that joins the holiday to a weekend (or, mid-week, to the nearer side).
fn national_day_companion(year: i32) -> NaiveDate {
    match d(year, 9, 2).weekday() {
        Weekday::Mon | Weekday::Thu | Weekday::Sun => d(year, 9, 3),
        Weekday::Tue | Weekday::Wed | Weekday::Fri | Weekday::Sat => d(year, 9, 1),
    }
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The computed schedule of a year for which none is stored: the fixed holidays of BLLĐ 2019 art. 112,
/// five Tết days from the 29th of the last lunar month (lunar calendar at UTC+7), 2/9 and the
/// day beside it, and a compensatory day for each holiday on a weekend (art. 111.3), on the next working
/// day after the run of holidays.
#[must_use]
pub fn fallback(year: i32) -> YearSchedule {
    let mut holidays = vec![
        holiday(d(year, 1, 1), Holiday::NewYear),
        holiday(d(year, 4, 30), Holiday::Reunification),
        holiday(d(year, 5, 1), Holiday::Labour),
        holiday(d(year, 9, 2), Holiday::NationalDay),
        holiday(national_day_companion(year), Holiday::NationalDay),
    ];
    if let Some(tet) = lunar::tet(year) {
        // Five days from the 29th of the last lunar month: eve + 4 days when the month has 29 days,
        // 29th + 30th + 3 days when it has 30 (2024: 08–12/02; 2025: 28/01–01/02; 2026: 16–20/02).
        let eve = tet.pred_opt().unwrap_or(tet);
        let first = if lunar::to_lunar(eve).day == 30 {
            eve.pred_opt().unwrap_or(eve)
        } else {
            eve
        };
        for date in first.iter_days().take(5) {
            holidays.push(holiday(date, Holiday::LunarNewYear));
        }
    }
    if let Some(gio_to) = lunar::gio_to(year) {
        holidays.push(holiday(gio_to, Holiday::HungKings));
    }
    holidays.sort_by_key(|day| day.date);
    let mut days = holidays.clone();
    for h in holidays.iter().filter(|h| is_weekend(h.date)) {
        let mut candidate = h.date;
        loop {
            candidate = candidate.succ_opt().unwrap_or(candidate);
            let taken = days.iter().any(|day| day.date == candidate);
            if !is_weekend(candidate) && !taken {
                break;
            }
        }
        days.push(compensatory(candidate, h.holiday));
    }
    sorted(
        year,
        Origin::Fallback,
        "Computed: BLLĐ 2019 arts. 111.3 and 112, lunar dates at UTC+7 (no official schedule stored)",
        days,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fallback_for_2024_matches_the_announced_tet_break() {
        // Tết Giáp Thìn was Saturday 10/02/2024; the state sector was off 08/02–14/02.
        let schedule = fallback(2024);
        let off: Vec<NaiveDate> = schedule
            .days
            .iter()
            .filter(|day| day.holiday == Holiday::LunarNewYear)
            .map(|day| day.date)
            .collect();
        let expected: Vec<NaiveDate> = (8..=14).map(|day| d(2024, 2, day)).collect();
        assert_eq!(off, expected);
    }

    #[test]
    fn fallback_2027_compensates_weekend_holidays() {
        let schedule = fallback(2027);
        let comp: Vec<(NaiveDate, Holiday)> = schedule
            .days
            .iter()
            .filter(|day| day.kind == DayKind::Compensatory)
            .map(|day| (day.date, day.holiday))
            .collect();
        assert_eq!(
            comp,
            vec![
                (d(2027, 2, 10), Holiday::LunarNewYear),
                (d(2027, 2, 11), Holiday::LunarNewYear),
                (d(2027, 5, 3), Holiday::Labour),
            ]
        );
    }

    #[test]
    fn official_years_are_sorted_and_swaps_are_paired() {
        for schedule in official_schedules() {
            assert!(schedule.days.is_sorted_by_key(|day| day.date));
            for day in &schedule.days {
                assert_eq!(day.date.year(), schedule.year);
                match day.kind {
                    DayKind::SwappedWorking => assert!(is_weekend(day.date), "{day:?}"),
                    DayKind::SwappedOff | DayKind::Compensatory => {
                        assert!(!is_weekend(day.date), "{day:?}");
                    }
                    DayKind::Holiday => {}
                }
                if let Some(pair) = day.paired_with {
                    assert!(
                        schedule
                            .days
                            .iter()
                            .any(|other| other.date == pair && other.paired_with == Some(day.date)),
                        "{day:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn schedules_round_trip_through_json() {
        let schedules = official_schedules();
        let json = serde_json::to_string(&schedules).expect("serialise");
        let back: Vec<YearSchedule> = serde_json::from_str(&json).expect("deserialise");
        assert_eq!(back, schedules);
    }
}
