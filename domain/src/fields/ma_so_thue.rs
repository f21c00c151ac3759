//! Mã số thuế (tax code), LEGAL-FACTS §1.2: 10 digits with a check digit (organisations and individuals
//! registered before 01/7/2025); 13 digits written `MST10-XXX` (a dependent unit); or, from 01/7/2025, the
//! 12-digit số định danh cá nhân of an individual or household business (TT 86/2024/TT-BTC).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{SoDinhDanh, SoDinhDanhError};
use crate::text::digits_only;

/// Which of the three shapes a tax code has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaSoThueKind {
    /// 10 digits with a check digit.
    TenDigit,
    /// A dependent unit: the parent's 10 digits, a hyphen and 3 digits.
    DependentUnit,
    /// A 12-digit personal identification number used as tax code.
    PersonalId,
}

/// A tax code, stored as written officially (13-digit codes with their hyphen).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MaSoThue(String);

/// Why a text is not a tax code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MaSoThueError {
    /// Nothing was typed.
    #[error("enter the tax code")]
    Empty,
    /// Letters or symbols other than spaces and one hyphen.
    #[error(
        "a tax code has only digits (and a hyphen before the last 3 digits of a dependent unit)"
    )]
    NotDigits,
    /// Not 10, 12 or 13 digits.
    #[error("a tax code has 10, 12 or 13 digits, this one has {found}")]
    Length {
        /// How many digits were typed.
        found: usize,
    },
    /// The 10th digit is not the check digit of the first nine.
    #[error("the last digit of the 10-digit tax code does not match the others (mistyped?)")]
    CheckDigit,
    /// A dependent unit numbered 000.
    #[error("the 3 digits after the hyphen cannot be 000")]
    DependentSuffix,
    /// 12 digits that are not a personal identification number.
    #[error("a 12-digit tax code is a personal identification number: {0}")]
    PersonalId(SoDinhDanhError),
}

/// Weights of the first nine digits (LEGAL-FACTS §1.2).
const WEIGHTS: [u32; 9] = [31, 29, 23, 19, 17, 13, 7, 5, 3];

/// The check digit of nine digits, or `None` when no digit can be valid (sum ≡ 0 mod 11).
fn check_digit(first_nine: &[u8]) -> Option<u8> {
    let sum: u32 = first_nine
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    match sum % 11 {
        0 => None,
        r => u8::try_from(10 - r).ok(),
    }
}

impl MaSoThue {
    /// Parses a tax code typed with or without spaces, dots or the hyphen.
    ///
    /// # Errors
    /// Returns why the text is not a valid tax code.
    pub fn parse(raw: &str) -> Result<Self, MaSoThueError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(MaSoThueError::Empty);
        }
        if trimmed
            .chars()
            .any(|c| !c.is_ascii_digit() && !matches!(c, ' ' | '-' | '.'))
        {
            return Err(MaSoThueError::NotDigits);
        }
        let digits = digits_only(trimmed);
        match digits.len() {
            10 => {
                Self::check_ten(&digits)?;
                Ok(Self(digits))
            }
            13 => {
                Self::check_ten(&digits[..10])?;
                if &digits[10..] == "000" {
                    return Err(MaSoThueError::DependentSuffix);
                }
                Ok(Self(format!("{}-{}", &digits[..10], &digits[10..])))
            }
            12 => SoDinhDanh::parse(&digits)
                .map(|id| Self(id.into()))
                .map_err(MaSoThueError::PersonalId),
            found => Err(MaSoThueError::Length { found }),
        }
    }

    fn check_ten(digits: &str) -> Result<(), MaSoThueError> {
        let bytes = digits.as_bytes();
        match check_digit(&bytes[..9]) {
            Some(d) if d == bytes[9] - b'0' => Ok(()),
            _ => Err(MaSoThueError::CheckDigit),
        }
    }

    /// The code as written officially.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Which shape the code has.
    #[must_use]
    pub fn kind(&self) -> MaSoThueKind {
        match self.0.len() {
            10 => MaSoThueKind::TenDigit,
            12 => MaSoThueKind::PersonalId,
            _ => MaSoThueKind::DependentUnit,
        }
    }

    /// The parent unit's 10-digit code, for a dependent unit.
    #[must_use]
    pub fn parent(&self) -> Option<&str> {
        (self.kind() == MaSoThueKind::DependentUnit).then(|| &self.0[..10])
    }
}

impl TryFrom<String> for MaSoThue {
    type Error = MaSoThueError;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<MaSoThue> for String {
    fn from(code: MaSoThue) -> Self {
        code.0
    }
}

impl AsRef<str> for MaSoThue {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MaSoThue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn valid_codes_of_each_kind() {
        // Published tax codes of two large companies.
        let a = MaSoThue::parse("0100109106").expect("valid");
        assert_eq!(a.kind(), MaSoThueKind::TenDigit);
        assert!(MaSoThue::parse("0300 588 569").is_ok());
        let b = MaSoThue::parse("0100109106-001").expect("valid");
        assert_eq!(b.as_str(), "0100109106-001");
        assert_eq!(b.kind(), MaSoThueKind::DependentUnit);
        assert_eq!(b.parent(), Some("0100109106"));
        assert_eq!(
            MaSoThue::parse("0100109106001").expect("valid").as_str(),
            "0100109106-001"
        );
        let c = MaSoThue::parse("051085012345").expect("valid");
        assert_eq!(c.kind(), MaSoThueKind::PersonalId);
    }

    #[test]
    fn invalid_codes_say_why() {
        let cases = [
            ("", MaSoThueError::Empty, "nothing typed"),
            ("01001091O6", MaSoThueError::NotDigits, "letter O for zero"),
            ("010010910", MaSoThueError::Length { found: 9 }, "9 digits"),
            (
                "0100109107",
                MaSoThueError::CheckDigit,
                "last digit off by one",
            ),
            ("0100109106-000", MaSoThueError::DependentSuffix, "unit 000"),
            (
                "0100109107-001",
                MaSoThueError::CheckDigit,
                "bad parent of a unit",
            ),
            (
                "003085012345",
                MaSoThueError::PersonalId(SoDinhDanhError::Province { code: "003".into() }),
                "12 digits but no province",
            ),
        ];
        for (raw, expected, reason) in cases {
            assert_eq!(MaSoThue::parse(raw), Err(expected), "{reason}");
        }
    }

    proptest! {
        #[test]
        fn every_generated_ten_digit_code_round_trips(nine in "[0-9]{9}") {
            if let Some(d) = check_digit(nine.as_bytes()) {
                let code = MaSoThue::parse(&format!("{nine}{d}")).expect("valid");
                let json = serde_json::to_string(&code).expect("serialise");
                prop_assert_eq!(serde_json::from_str::<MaSoThue>(&json).expect("back"), code);
                // Any other last digit is refused.
                let wrong = (d + 1) % 10;
                let mistyped = format!("{nine}{wrong}");
                prop_assert!(MaSoThue::parse(&mistyped).is_err());
            }
        }
    }
}
