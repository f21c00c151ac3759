//! Amounts in Vietnamese đồng, and the amount in words that forms require beside the number ("bằng số và
//! bằng chữ", TT 68/2025 PL II Mẫu 1 item 4; NĐ 81/2018 Mẫu 01 item 8): `150.000.000` →
//! "Một trăm năm mươi triệu đồng".

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Lang;

/// A whole number of đồng (VND has no minor unit in use). Serialised as a JSON number; parsed from text
/// typed with `.`, `,` or spaces as thousands separators and an optional `đ`/`đồng`/`VNĐ`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct Vnd(u64);

/// Why a text is not an amount of money.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VndError {
    /// Nothing was typed.
    #[error("enter the amount in đồng")]
    Empty,
    /// Something other than digits and separators.
    #[error("write the amount in digits, e.g. 150.000.000")]
    NotDigits,
    /// Separators in the wrong places (e.g. `1.50.000`), or a decimal part.
    #[error("group the digits in threes, e.g. 150.000.000 (no decimals)")]
    Grouping,
    /// More than the largest amount handled.
    #[error("the amount is too large")]
    TooLarge,
}

impl Vnd {
    /// Zero đồng.
    pub const ZERO: Self = Self(0);

    /// An amount from a number of đồng.
    #[must_use]
    pub const fn new(dong: u64) -> Self {
        Self(dong)
    }

    /// The number of đồng.
    #[must_use]
    pub const fn dong(self) -> u64 {
        self.0
    }

    /// Parses an amount as typed: `150.000.000`, `150,000,000`, `150 000 000`, `150000000 đ`.
    ///
    /// # Errors
    /// Returns why the text is not an amount.
    pub fn parse(raw: &str) -> Result<Self, VndError> {
        let lower = raw.trim().to_lowercase();
        let number = ["vnđ", "vnd", "đồng", "dong", "đ"]
            .iter()
            .find_map(|suffix| lower.strip_suffix(suffix))
            .unwrap_or(&lower)
            .trim();
        if number.is_empty() {
            return Err(VndError::Empty);
        }
        if number
            .chars()
            .any(|c| !c.is_ascii_digit() && !matches!(c, '.' | ',' | ' '))
        {
            return Err(VndError::NotDigits);
        }
        let separators: Vec<char> = number.chars().filter(|c| !c.is_ascii_digit()).collect();
        if let Some(&sep) = separators.first() {
            if separators.iter().any(|&c| c != sep) {
                return Err(VndError::Grouping);
            }
            let mut groups = number.split(sep);
            let first = groups.next().unwrap_or_default();
            if first.is_empty() || first.len() > 3 || groups.any(|g| g.len() != 3) {
                return Err(VndError::Grouping);
            }
        }
        crate::text::digits_only(number)
            .parse::<u64>()
            .map(Self)
            .map_err(|_| VndError::TooLarge)
    }

    /// The amount with dots between thousands, as Vietnamese forms write it: `150.000.000`.
    #[must_use]
    pub fn grouped(self) -> String {
        let digits = self.0.to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push('.');
            }
            out.push(c);
        }
        out
    }

    /// The amount in words, capitalised, ending in "đồng" / "dong".
    #[must_use]
    pub fn in_words(self, lang: Lang) -> String {
        let words = match lang {
            Lang::Vi => format!("{} đồng", vi_words(self.0)),
            Lang::En => format!("{} dong", en_words(self.0)),
        };
        let mut chars = words.chars();
        chars.next().map_or_else(String::new, |first| {
            first.to_uppercase().chain(chars).collect()
        })
    }
}

const VI_DIGITS: [&str; 10] = [
    "không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín",
];

/// Reads 0–999. `full` asks for "không trăm" / "linh" when the group follows a higher group
/// (1.005.000 → "một triệu không trăm linh năm nghìn").
fn vi_group(n: u64, full: bool) -> String {
    let (h, t, u) = (n / 100, (n / 10) % 10, n % 10);
    let mut words: Vec<&str> = Vec::new();
    if h > 0 || full {
        words.extend([VI_DIGITS[h as usize], "trăm"]);
    }
    match t {
        0 if u > 0 && (h > 0 || full) => words.push("linh"),
        0 => {}
        1 => words.push("mười"),
        _ => words.extend([VI_DIGITS[t as usize], "mươi"]),
    }
    match u {
        0 => {}
        1 if t >= 2 => words.push("mốt"),
        5 if t >= 1 => words.push("lăm"),
        _ => words.push(VI_DIGITS[u as usize]),
    }
    words.join(" ")
}

/// Reads a number below one billion; `full` as in [`vi_group`].
fn vi_below_billion(n: u64, full: bool) -> String {
    let groups = [
        (n / 1_000_000, "triệu"),
        ((n / 1000) % 1000, "nghìn"),
        (n % 1000, ""),
    ];
    let mut parts: Vec<String> = Vec::new();
    let mut seen = full;
    for (value, unit) in groups {
        if value > 0 {
            let read = vi_group(value, seen);
            parts.push(if unit.is_empty() {
                read
            } else {
                format!("{read} {unit}")
            });
        }
        seen |= value > 0;
    }
    parts.join(" ")
}

fn vi_words(n: u64) -> String {
    if n == 0 {
        return VI_DIGITS[0].to_owned();
    }
    let (billions, rest) = (n / 1_000_000_000, n % 1_000_000_000);
    let mut out = String::new();
    if billions > 0 {
        out = format!("{} tỷ", vi_words(billions));
    }
    if rest > 0 {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&vi_below_billion(rest, billions > 0));
    }
    out
}

const EN_SMALL: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const EN_TENS: [&str; 10] = [
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

fn en_group(n: u64) -> String {
    let (h, rest) = (n / 100, n % 100);
    let mut parts = Vec::new();
    if h > 0 {
        parts.push(format!("{} hundred", EN_SMALL[h as usize]));
    }
    if rest >= 20 {
        let (t, u) = (rest / 10, rest % 10);
        parts.push(if u == 0 {
            EN_TENS[t as usize].to_owned()
        } else {
            format!("{}-{}", EN_TENS[t as usize], EN_SMALL[u as usize])
        });
    } else if rest > 0 {
        parts.push(EN_SMALL[rest as usize].to_owned());
    }
    parts.join(" ")
}

fn en_words(mut n: u64) -> String {
    if n == 0 {
        return EN_SMALL[0].to_owned();
    }
    const UNITS: [&str; 7] = [
        "",
        "thousand",
        "million",
        "billion",
        "trillion",
        "quadrillion",
        "quintillion",
    ];
    let mut parts = Vec::new();
    let mut i = 0;
    while n > 0 {
        let g = n % 1000;
        if g > 0 {
            parts.push(if UNITS[i].is_empty() {
                en_group(g)
            } else {
                format!("{} {}", en_group(g), UNITS[i])
            });
        }
        n /= 1000;
        i += 1;
    }
    parts.reverse();
    parts.join(" ")
}

impl fmt::Display for Vnd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} đ", self.grouped())
    }
}

impl TryFrom<String> for Vnd {
    type Error = VndError;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<u64> for Vnd {
    fn from(dong: u64) -> Self {
        Self(dong)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn amounts_in_vietnamese_words() {
        let cases = [
            (0, "Không đồng"),
            (5, "Năm đồng"),
            (10, "Mười đồng"),
            (15, "Mười lăm đồng"),
            (21, "Hai mươi mốt đồng"),
            (25, "Hai mươi lăm đồng"),
            (105, "Một trăm linh năm đồng"),
            (110, "Một trăm mười đồng"),
            (1_000, "Một nghìn đồng"),
            (100_000, "Một trăm nghìn đồng"),
            (1_005_000, "Một triệu không trăm linh năm nghìn đồng"),
            (1_050_000, "Một triệu không trăm năm mươi nghìn đồng"),
            (150_000_000, "Một trăm năm mươi triệu đồng"),
            (1_000_000_000, "Một tỷ đồng"),
            (
                2_500_000_001,
                "Hai tỷ năm trăm triệu không trăm linh một đồng",
            ),
            (1_000_000_000_000, "Một nghìn tỷ đồng"),
        ];
        for (n, words) in cases {
            assert_eq!(Vnd::new(n).in_words(Lang::Vi), words, "{n}");
        }
    }

    #[test]
    fn amounts_in_english_words() {
        assert_eq!(
            Vnd::new(150_000_000).in_words(Lang::En),
            "One hundred fifty million dong"
        );
        assert_eq!(
            Vnd::new(1_021).in_words(Lang::En),
            "One thousand twenty-one dong"
        );
    }

    #[test]
    fn parses_typed_amounts() {
        for raw in [
            "150.000.000",
            "150,000,000",
            "150 000 000",
            "150000000",
            "150.000.000 đ",
            "150.000.000 VNĐ",
            "150.000.000 đồng",
        ] {
            assert_eq!(Vnd::parse(raw), Ok(Vnd::new(150_000_000)), "{raw}");
        }
        assert_eq!(Vnd::new(150_000_000).grouped(), "150.000.000");
        assert_eq!(Vnd::new(999).to_string(), "999 đ");
    }

    #[test]
    fn invalid_amounts_say_why() {
        let cases = [
            ("", VndError::Empty, "nothing typed"),
            ("đồng", VndError::Empty, "unit only"),
            ("một triệu", VndError::NotDigits, "words"),
            ("-5", VndError::NotDigits, "negative"),
            ("1.50.000", VndError::Grouping, "group of two"),
            ("1.500,5", VndError::Grouping, "decimal part"),
            ("99999999999999999999", VndError::TooLarge, "beyond u64"),
        ];
        for (raw, expected, reason) in cases {
            assert_eq!(Vnd::parse(raw), Err(expected), "{reason}");
        }
    }

    proptest! {
        #[test]
        fn grouped_text_parses_back_and_words_never_panic(n in any::<u64>()) {
            let v = Vnd::new(n);
            prop_assert_eq!(Vnd::parse(&v.grouped()), Ok(v));
            let json = serde_json::to_string(&v).expect("serialise");
            prop_assert_eq!(serde_json::from_str::<Vnd>(&json).expect("back"), v);
            let words = v.in_words(Lang::Vi);
            prop_assert!(words.ends_with(" đồng"));
            prop_assert!(!words.contains("  "));
        }
    }
}
