//! The Vietnamese lunisolar calendar, Hồ Ngọc Đức's algorithm (LEGAL-FACTS §6.7) with the full correction
//! terms of the new-moon series, computed at UTC+7. China's calendar (UTC+8) gives a different Tết in some
//! years, and simplified copies of this algorithm that drop the corrections are wrong for some months, so
//! the tests check the known dates.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Vietnam's time zone in hours, which fixes on which day a new moon falls.
const TIME_ZONE: f64 = 7.0;

/// A date of the lunar calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LunarDate {
    /// Day of the month, 1–30.
    pub day: u32,
    /// Month, 1–12.
    pub month: u32,
    /// The lunar year, named by the solar year in which most of it falls (Tết 2025 starts lunar year 2025).
    pub year: i32,
    /// Whether the month is the intercalary (nhuận) repetition of `month`.
    pub leap: bool,
}

fn jd_from_date(date: NaiveDate) -> i64 {
    // 0001-01-01 (proleptic Gregorian) is Julian day 1 721 426.
    i64::from(date.num_days_from_ce()) + 1_721_425
}

fn date_from_jd(jd: i64) -> NaiveDate {
    i32::try_from(jd - 1_721_425)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
        .unwrap_or(NaiveDate::MIN)
}

/// The moment (Julian day, UT) of the k-th new moon after 1 January 1900.
fn new_moon(k: i64) -> f64 {
    use std::f64::consts::PI;
    let k = k as f64;
    let t = k / 1236.85;
    let t2 = t * t;
    let t3 = t2 * t;
    let dr = PI / 180.0;
    let mut jd1 = 2_415_020.759_33 + 29.530_588_68 * k + 0.000_117_8 * t2 - 0.000_000_155 * t3;
    jd1 += 0.000_33 * ((166.56 + 132.87 * t - 0.009_173 * t2) * dr).sin();
    let m = 359.2242 + 29.105_356_08 * k - 0.000_033_3 * t2 - 0.000_003_47 * t3;
    let mpr = 306.0253 + 385.816_918_06 * k + 0.010_730_6 * t2 + 0.000_012_36 * t3;
    let f = 21.2964 + 390.670_506_46 * k - 0.001_652_8 * t2 - 0.000_002_39 * t3;
    let mut c1 = (0.1734 - 0.000_393 * t) * (m * dr).sin() + 0.0021 * (2.0 * dr * m).sin();
    c1 = c1 - 0.4068 * (mpr * dr).sin() + 0.0161 * (dr * 2.0 * mpr).sin();
    c1 -= 0.0004 * (dr * 3.0 * mpr).sin();
    c1 = c1 + 0.0104 * (dr * 2.0 * f).sin() - 0.0051 * (dr * (m + mpr)).sin();
    c1 = c1 - 0.0074 * (dr * (m - mpr)).sin() + 0.0004 * (dr * (2.0 * f + m)).sin();
    c1 = c1 - 0.0004 * (dr * (2.0 * f - m)).sin() - 0.0006 * (dr * (2.0 * f + mpr)).sin();
    c1 = c1 + 0.0010 * (dr * (2.0 * f - mpr)).sin() + 0.0005 * (dr * (2.0 * mpr + m)).sin();
    let delta_t = if t < -11.0 {
        0.001 + 0.000_839 * t + 0.000_226_1 * t2 - 0.000_008_45 * t3 - 0.000_000_081 * t * t3
    } else {
        -0.000_278 + 0.000_265 * t + 0.000_262 * t2
    };
    jd1 + c1 - delta_t
}

/// The sun's longitude (radians, 0–2π) at Julian day `jdn` (UT).
fn sun_longitude(jdn: f64) -> f64 {
    use std::f64::consts::PI;
    let t = (jdn - 2_451_545.0) / 36525.0;
    let t2 = t * t;
    let dr = PI / 180.0;
    let m = 357.529_10 + 35_999.050_30 * t - 0.000_155_9 * t2 - 0.000_000_48 * t * t2;
    let l0 = 280.466_45 + 36_000.769_83 * t + 0.000_303_2 * t2;
    let mut dl = (1.914_600 - 0.004_817 * t - 0.000_014 * t2) * (dr * m).sin();
    dl = dl + (0.019_993 - 0.000_101 * t) * (dr * 2.0 * m).sin() + 0.000_290 * (dr * 3.0 * m).sin();
    let l = (l0 + dl) * dr;
    l - PI * 2.0 * (l / (PI * 2.0)).floor()
}

/// The sector (0–11, of 30°) of the sun's longitude at the start of local day `day_number`.
fn sun_sector(day_number: i64) -> i64 {
    use std::f64::consts::PI;
    (sun_longitude(day_number as f64 - 0.5 - TIME_ZONE / 24.0) / PI * 6.0).floor() as i64
}

/// The local day (Julian day number) of the k-th new moon.
fn new_moon_day(k: i64) -> i64 {
    (new_moon(k) + 0.5 + TIME_ZONE / 24.0).floor() as i64
}

/// The first day of the lunar month containing the winter solstice (month 11) of solar year `year`.
fn lunar_month_11(year: i32) -> i64 {
    let dec31 = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MIN);
    let off = jd_from_date(dec31) - 2_415_021;
    let k = (off as f64 / 29.530_588_853).floor() as i64;
    let nm = new_moon_day(k);
    if sun_sector(nm) >= 9 {
        new_moon_day(k - 1)
    } else {
        nm
    }
}

/// Which month after month 11 (starting at `a11`) is the leap month: the first with no major solar term.
fn leap_month_offset(a11: i64) -> i64 {
    let k = ((a11 as f64 - 2_415_021.076_998_695) / 29.530_588_853 + 0.5).floor() as i64;
    let mut i = 1;
    let mut arc = sun_sector(new_moon_day(k + i));
    loop {
        let last = arc;
        i += 1;
        arc = sun_sector(new_moon_day(k + i));
        if arc == last || i >= 14 {
            break;
        }
    }
    i - 1
}

/// The lunar date of a solar date.
#[must_use]
pub fn to_lunar(date: NaiveDate) -> LunarDate {
    let day_number = jd_from_date(date);
    let k = ((day_number as f64 - 2_415_021.076_998_695) / 29.530_588_853).floor() as i64;
    let mut month_start = new_moon_day(k + 1);
    if month_start > day_number {
        month_start = new_moon_day(k);
    }
    let yy = date.year();
    let mut a11 = lunar_month_11(yy);
    let b11;
    let mut lunar_year;
    if a11 >= month_start {
        lunar_year = yy;
        b11 = a11;
        a11 = lunar_month_11(yy - 1);
    } else {
        lunar_year = yy + 1;
        b11 = lunar_month_11(yy + 1);
    }
    let day = day_number - month_start + 1;
    let diff = (month_start - a11) / 29;
    let mut leap = false;
    let mut month = diff + 11;
    if b11 - a11 > 365 {
        let leap_diff = leap_month_offset(a11);
        if diff >= leap_diff {
            month = diff + 10;
            leap = diff == leap_diff;
        }
    }
    if month > 12 {
        month -= 12;
    }
    if month >= 11 && diff < 4 {
        lunar_year -= 1;
    }
    LunarDate {
        day: u32::try_from(day).unwrap_or(1),
        month: u32::try_from(month).unwrap_or(1),
        year: lunar_year,
        leap,
    }
}

/// The solar date of a lunar date, or `None` when that date does not exist (a leap month the year does
/// not have).
#[must_use]
pub fn to_solar(lunar: LunarDate) -> Option<NaiveDate> {
    let (a11, b11) = if lunar.month < 11 {
        (lunar_month_11(lunar.year - 1), lunar_month_11(lunar.year))
    } else {
        (lunar_month_11(lunar.year), lunar_month_11(lunar.year + 1))
    };
    let k = (0.5 + (a11 as f64 - 2_415_021.076_998_695) / 29.530_588_853).floor() as i64;
    let mut off = i64::from(lunar.month) - 11;
    if off < 0 {
        off += 12;
    }
    if b11 - a11 > 365 {
        let leap_off = leap_month_offset(a11);
        let mut leap_month = leap_off - 2;
        if leap_month < 0 {
            leap_month += 12;
        }
        if lunar.leap && i64::from(lunar.month) != leap_month {
            return None;
        }
        if lunar.leap || off >= leap_off {
            off += 1;
        }
    } else if lunar.leap {
        return None;
    }
    let month_start = new_moon_day(k + off);
    Some(date_from_jd(month_start + i64::from(lunar.day) - 1))
}

/// Tết Nguyên đán (1st day of the 1st lunar month) of the lunar year starting in solar year `year`.
#[must_use]
pub fn tet(year: i32) -> Option<NaiveDate> {
    to_solar(LunarDate {
        day: 1,
        month: 1,
        year,
        leap: false,
    })
}

/// Giỗ Tổ Hùng Vương (10th day of the 3rd lunar month) in solar year `year`.
#[must_use]
pub fn gio_to(year: i32) -> Option<NaiveDate> {
    to_solar(LunarDate {
        day: 10,
        month: 3,
        year,
        leap: false,
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    #[test]
    fn known_tet_dates() {
        for (year, expected) in [
            (2024, d(2024, 2, 10)),
            (2025, d(2025, 1, 29)),
            (2026, d(2026, 2, 17)),
            (2027, d(2027, 2, 6)),
            (2028, d(2028, 1, 26)),
        ] {
            assert_eq!(tet(year), Some(expected), "Tết {year}");
        }
    }

    #[test]
    fn known_gio_to_dates() {
        for (year, expected) in [
            (2024, d(2024, 4, 18)),
            (2025, d(2025, 4, 7)),
            (2026, d(2026, 4, 26)),
            (2027, d(2027, 4, 16)),
            (2028, d(2028, 4, 4)),
        ] {
            assert_eq!(gio_to(year), Some(expected), "Giỗ Tổ {year}");
        }
    }

    #[test]
    fn leap_sixth_month_of_2025() {
        let start = d(2025, 7, 25);
        let lunar = to_lunar(start);
        assert_eq!(
            lunar,
            LunarDate {
                day: 1,
                month: 6,
                year: 2025,
                leap: true
            }
        );
        assert_eq!(to_solar(lunar), Some(start));
        // The ordinary 6th month starts a lunation earlier; 2026 has no leap 6th month.
        assert!(!to_lunar(d(2025, 7, 24)).leap);
        assert_eq!(
            to_solar(LunarDate {
                day: 1,
                month: 6,
                year: 2026,
                leap: true
            }),
            None
        );
    }

    #[test]
    fn tet_eve_is_the_last_day_of_the_old_year() {
        let eve = to_lunar(d(2026, 2, 16));
        assert_eq!((eve.month, eve.year), (12, 2025));
    }

    proptest! {
        #[test]
        fn solar_to_lunar_and_back_is_identity(offset in 0i64..(365 * 60)) {
            let date = d(1990, 1, 1) + chrono::Days::new(u64::try_from(offset).expect("positive"));
            let lunar = to_lunar(date);
            prop_assert!((1..=30).contains(&lunar.day));
            prop_assert!((1..=12).contains(&lunar.month));
            prop_assert_eq!(to_solar(lunar), Some(date));
        }
    }
}
