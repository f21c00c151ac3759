//! Tên hộ kinh doanh (NĐ 168/2025 art. 86): "Hộ kinh doanh" followed by a proper name written with the
//! letters of the Vietnamese alphabet plus F, J, Z, W, optionally digits and symbols; never the words
//! "công ty", "tổng công ty", "tập đoàn", "doanh nghiệp"; unique within the commune, where two names are the
//! same when written identically ignoring upper and lower case (art. 86.6).
//!
//! The list of allowed symbols is Phụ lục III of TT 68/2025/TT-BTC, which LEGAL-FACTS could not read (GAP):
//! [`ALLOWED_SYMBOLS`] is the documented default, the punctuation that appears in registered names. The rules
//! a program cannot judge (art. 86.2 customs and morals, art. 86.4 protected marks) stay with the commune
//! office, whose decision on a name is final (art. 86.8).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::text::{canonical, is_vietnamese_letter};

/// The required first words (art. 86.1.a).
pub(crate) const PREFIX: &str = "Hộ kinh doanh";

/// Symbols accepted in the proper name besides letters, digits and spaces (default pending TT 68/2025
/// Phụ lục III).
pub const ALLOWED_SYMBOLS: &str = "&-.,'()/+";

/// Words that may not appear in the name (art. 86.3), lower case.
pub const FORBIDDEN_PHRASES: [&str; 4] = ["tổng công ty", "công ty", "tập đoàn", "doanh nghiệp"];

/// Longest name motcua accepts (a storage limit, not a legal one).
pub(crate) const MAX_CHARS: usize = 200;

/// A household business's Vietnamese name, e.g. `Hộ kinh doanh Bánh mì Cô Ba`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TenHoKinhDoanh(String);

/// The key under which names are compared for uniqueness within a commune (art. 86.6): lower case, same
/// letters and marks. Two names with equal keys are "the same name".
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NameKey(String);

impl NameKey {
    /// The key as text, for a unique index.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why a text is not an acceptable name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TenHoKinhDoanhError {
    /// Nothing was typed.
    #[error("enter the name of the household business")]
    Empty,
    /// It does not start with "Hộ kinh doanh".
    #[error("the name starts with the words \"Hộ kinh doanh\"")]
    Prefix,
    /// Only the prefix.
    #[error("write the business's own name after \"Hộ kinh doanh\"")]
    NoProperName,
    /// A character that is neither a Vietnamese letter, F/J/Z/W, a digit nor an allowed symbol.
    #[error("the name cannot contain \"{0}\"")]
    Character(char),
    /// The proper name has no letter at all.
    #[error("the business's own name needs at least one letter")]
    NoLetter,
    /// One of the forbidden words.
    #[error("a household business's name cannot contain \"{0}\"")]
    Forbidden(&'static str),
    /// Longer than [`MAX_CHARS`].
    #[error("the name is longer than {MAX_CHARS} characters")]
    TooLong,
}

impl TenHoKinhDoanh {
    /// Parses a name; the prefix may be typed in any case and is stored as `Hộ kinh doanh`.
    ///
    /// # Errors
    /// Returns the first rule the name breaks.
    pub fn parse(raw: &str) -> Result<Self, TenHoKinhDoanhError> {
        let text = canonical(raw);
        if text.is_empty() {
            return Err(TenHoKinhDoanhError::Empty);
        }
        if text.chars().count() > MAX_CHARS {
            return Err(TenHoKinhDoanhError::TooLong);
        }
        let prefix_len = PREFIX.chars().count();
        let head: String = text.chars().take(prefix_len).collect();
        if head.to_lowercase() != PREFIX.to_lowercase() {
            return Err(TenHoKinhDoanhError::Prefix);
        }
        let proper: String = text.chars().skip(prefix_len).collect();
        if !proper.is_empty() && !proper.starts_with(' ') {
            // "Hộ kinh doanhABC": the prefix must be a separate phrase.
            return Err(TenHoKinhDoanhError::Prefix);
        }
        let proper = proper.trim();
        if proper.is_empty() {
            return Err(TenHoKinhDoanhError::NoProperName);
        }
        if let Some(bad) = proper.chars().find(|&c| {
            !(is_vietnamese_letter(c)
                || c.is_ascii_digit()
                || c == ' '
                || ALLOWED_SYMBOLS.contains(c))
        }) {
            return Err(TenHoKinhDoanhError::Character(bad));
        }
        if !proper.chars().any(is_vietnamese_letter) {
            return Err(TenHoKinhDoanhError::NoLetter);
        }
        let lower = format!(" {} ", proper.to_lowercase());
        let words = lower.replace(|c: char| !c.is_alphanumeric(), " ");
        if let Some(phrase) = FORBIDDEN_PHRASES
            .iter()
            .find(|p| words.contains(&format!(" {p} ")))
        {
            return Err(TenHoKinhDoanhError::Forbidden(phrase));
        }
        Ok(Self(format!("{PREFIX} {proper}")))
    }

    /// The name as typed, prefix normalised.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The proper name, without "Hộ kinh doanh".
    #[must_use]
    pub fn proper_name(&self) -> &str {
        self.0[PREFIX.len()..].trim_start()
    }

    /// The name in capitals, as the forms write it (`HỘ KINH DOANH BÁNH MÌ CÔ BA`).
    #[must_use]
    pub fn upper(&self) -> String {
        self.0.to_uppercase()
    }

    /// The uniqueness key of art. 86.6.
    #[must_use]
    pub fn key(&self) -> NameKey {
        NameKey(self.0.to_lowercase())
    }
}

impl TryFrom<String> for TenHoKinhDoanh {
    type Error = TenHoKinhDoanhError;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<TenHoKinhDoanh> for String {
    fn from(name: TenHoKinhDoanh) -> Self {
        name.0
    }
}

impl AsRef<str> for TenHoKinhDoanh {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TenHoKinhDoanh {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A name in a Latin-script foreign language or an abbreviation (art. 86.5): ASCII letters, digits,
/// spaces and the allowed symbols.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LatinName(String);

/// Why a text is not a Latin-script name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LatinNameError {
    /// Nothing was typed.
    #[error("enter the name or leave the field out")]
    Empty,
    /// A character outside the Latin script (e.g. a Vietnamese mark).
    #[error(
        "a foreign-language name or abbreviation uses Latin letters without Vietnamese marks; \"{0}\" is not allowed"
    )]
    Character(char),
    /// Longer than [`MAX_CHARS`].
    #[error("the name is longer than {MAX_CHARS} characters")]
    TooLong,
}

impl LatinName {
    /// Parses a foreign-language name or an abbreviation.
    ///
    /// # Errors
    /// Returns why the text is not acceptable.
    pub fn parse(raw: &str) -> Result<Self, LatinNameError> {
        let text = canonical(raw);
        if text.is_empty() {
            return Err(LatinNameError::Empty);
        }
        if text.chars().count() > MAX_CHARS {
            return Err(LatinNameError::TooLong);
        }
        if let Some(bad) = text
            .chars()
            .find(|&c| !(c.is_ascii_alphanumeric() || c == ' ' || ALLOWED_SYMBOLS.contains(c)))
        {
            return Err(LatinNameError::Character(bad));
        }
        Ok(Self(text))
    }

    /// The name.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for LatinName {
    type Error = LatinNameError;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<LatinName> for String {
    fn from(name: LatinName) -> Self {
        name.0
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn valid_names_are_normalised() {
        let name = TenHoKinhDoanh::parse("  HỘ KINH DOANH   Bánh mì Cô Ba ").expect("valid");
        assert_eq!(name.as_str(), "Hộ kinh doanh Bánh mì Cô Ba");
        assert_eq!(name.proper_name(), "Bánh mì Cô Ba");
        assert_eq!(name.upper(), "HỘ KINH DOANH BÁNH MÌ CÔ BA");
        for raw in [
            "Hộ kinh doanh Zalo-Fashion 68",
            "Hộ kinh doanh Tạp hóa Minh & Lan",
            "hộ kinh doanh W.J (Quảng Ngãi)",
        ] {
            assert!(TenHoKinhDoanh::parse(raw).is_ok(), "{raw}");
        }
    }

    #[test]
    fn uniqueness_key_ignores_case_but_not_marks() {
        let a = TenHoKinhDoanh::parse("Hộ kinh doanh Bánh Mì Cô Ba").expect("valid");
        let b = TenHoKinhDoanh::parse("HỘ KINH DOANH BÁNH MÌ CÔ BA").expect("valid");
        let c = TenHoKinhDoanh::parse("Hộ kinh doanh Banh Mi Co Ba").expect("valid");
        assert_eq!(a.key(), b.key(), "case is ignored (art. 86.6)");
        assert_ne!(a.key(), c.key(), "marks make a different name");
        // Decomposed input gives the same key as precomposed.
        let d = TenHoKinhDoanh::parse("Hộ kinh doanh Ba\u{301}nh Mì Cô Ba").expect("valid");
        assert_eq!(a.key(), d.key());
    }

    #[test]
    fn invalid_names_say_why() {
        let cases = [
            ("  ", TenHoKinhDoanhError::Empty, "nothing typed"),
            ("Bánh mì Cô Ba", TenHoKinhDoanhError::Prefix, "no prefix"),
            (
                "Cửa hàng Hộ kinh doanh Ba",
                TenHoKinhDoanhError::Prefix,
                "prefix not first",
            ),
            (
                "Hộ kinh doanhBa",
                TenHoKinhDoanhError::Prefix,
                "prefix glued to the name",
            ),
            (
                "Hộ kinh doanh",
                TenHoKinhDoanhError::NoProperName,
                "only the prefix",
            ),
            (
                "Hộ kinh doanh Cô Ba ☕",
                TenHoKinhDoanhError::Character('☕'),
                "emoji",
            ),
            (
                "Hộ kinh doanh Ba_Ba",
                TenHoKinhDoanhError::Character('_'),
                "underscore",
            ),
            (
                "Hộ kinh doanh 123",
                TenHoKinhDoanhError::NoLetter,
                "digits only",
            ),
            (
                "Hộ kinh doanh Công ty Minh Lan",
                TenHoKinhDoanhError::Forbidden("công ty"),
                "công ty (art. 86.3)",
            ),
            (
                "Hộ kinh doanh TỔNG CÔNG TY Ba",
                TenHoKinhDoanhError::Forbidden("tổng công ty"),
                "tổng công ty in capitals",
            ),
            (
                "Hộ kinh doanh Tập đoàn Ba",
                TenHoKinhDoanhError::Forbidden("tập đoàn"),
                "tập đoàn",
            ),
            (
                "Hộ kinh doanh Doanh nghiệp Ba",
                TenHoKinhDoanhError::Forbidden("doanh nghiệp"),
                "doanh nghiệp",
            ),
        ];
        for (raw, expected, reason) in cases {
            assert_eq!(TenHoKinhDoanh::parse(raw), Err(expected), "{reason}");
        }
        // "Công tý" is not "công ty": only the exact words are forbidden.
        assert!(TenHoKinhDoanh::parse("Hộ kinh doanh Côngtybe").is_ok());
    }

    #[test]
    fn latin_names() {
        assert_eq!(
            LatinName::parse("Co Ba Bakery").expect("valid").as_str(),
            "Co Ba Bakery"
        );
        assert_eq!(
            LatinName::parse("Cô Ba Bakery"),
            Err(LatinNameError::Character('ô'))
        );
        assert_eq!(LatinName::parse(""), Err(LatinNameError::Empty));
    }

    proptest! {
        #[test]
        fn every_valid_name_round_trips(proper in "[A-Za-zĂÂĐÊÔƠƯăâđêôơưáàạảãếềệểễốồộổỗớờợởỡứừựửữ][A-Za-z0-9 ăâđêôơưáàạ&.-]{0,40}") {
            let name = TenHoKinhDoanh::parse(&format!("Hộ kinh doanh {proper}"));
            if let Ok(name) = name {
                let json = serde_json::to_string(&name).expect("serialise");
                let back: TenHoKinhDoanh = serde_json::from_str(&json).expect("deserialise");
                prop_assert_eq!(back.key(), name.key());
                prop_assert_eq!(back, name);
            }
        }
    }
}
