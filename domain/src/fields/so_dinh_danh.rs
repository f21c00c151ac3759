//! Số định danh cá nhân: the 12-digit personal identification number printed on the thẻ Căn cước / CCCD
//! (LEGAL-FACTS §1.2). Three digits of the province where the birth was registered (the 63-province
//! numbering in force before 2025), one digit for century and gender, two for the year of birth, six of
//! sequence. There is no check digit, so the parts that can be checked are checked.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::text::digits_only;

/// Gender as the population database records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    /// Nam.
    Male,
    /// Nữ.
    Female,
}

impl Gender {
    /// The form's word for it.
    #[must_use]
    pub const fn label(self, lang: crate::Lang) -> &'static str {
        match self {
            Self::Male => lang.pick("Nam", "Male"),
            Self::Female => lang.pick("Nữ", "Female"),
        }
    }
}

/// The province codes of the 63 provinces before the 2025 merger (GSO numbering), which number every
/// identity issued so far. Source: the GSO administrative-unit codes (QĐ 124/2004/QĐ-TTg), the same as
/// the first three digits of the identity number.
const PROVINCE_CODES: [u16; 63] = [
    1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37,
    38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77,
    79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
];

/// A valid-looking số định danh cá nhân: 12 digits, a known province code, a century/gender digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SoDinhDanh(String);

/// Why a text is not a số định danh cá nhân.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SoDinhDanhError {
    /// Nothing was typed.
    #[error("enter the 12-digit personal identification number")]
    Empty,
    /// Letters or symbols other than spaces.
    #[error("a personal identification number has only digits")]
    NotDigits,
    /// Wrong number of digits.
    #[error("a personal identification number has 12 digits, this one has {found}")]
    Length {
        /// How many digits were typed.
        found: usize,
    },
    /// The first three digits name no province.
    #[error("the first three digits ({code}) are not a province code")]
    Province {
        /// The three digits.
        code: String,
    },
}

impl TryFrom<String> for SoDinhDanh {
    type Error = SoDinhDanhError;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl SoDinhDanh {
    /// Parses a number typed with or without spaces.
    ///
    /// # Errors
    /// Returns why the text is not a valid number.
    pub fn parse(raw: &str) -> Result<Self, SoDinhDanhError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(SoDinhDanhError::Empty);
        }
        if trimmed
            .chars()
            .any(|c| !c.is_ascii_digit() && !c.is_whitespace())
        {
            return Err(SoDinhDanhError::NotDigits);
        }
        let digits = digits_only(trimmed);
        if digits.len() != 12 {
            return Err(SoDinhDanhError::Length {
                found: digits.len(),
            });
        }
        let province: u16 = digits[..3].parse().unwrap_or(0);
        if !PROVINCE_CODES.contains(&province) {
            return Err(SoDinhDanhError::Province {
                code: digits[..3].to_owned(),
            });
        }
        Ok(Self(digits))
    }

    /// The 12 digits.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The three-digit code of the province where the birth was registered (e.g. `051` Quảng Ngãi).
    #[must_use]
    pub fn province_code(&self) -> &str {
        &self.0[..3]
    }

    fn century_digit(&self) -> u8 {
        self.0.as_bytes()[3] - b'0'
    }

    /// The gender the number encodes (even century digit: male; odd: female).
    #[must_use]
    pub fn gender(&self) -> Gender {
        if self.century_digit().is_multiple_of(2) {
            Gender::Male
        } else {
            Gender::Female
        }
    }

    /// The year of birth the number encodes: 0/1 → 1900s, 2/3 → 2000s, 4/5 → 2100s, 6/7 → 2200s,
    /// 8/9 → 2300s.
    #[must_use]
    pub fn birth_year(&self) -> i32 {
        let century = 1900 + 100 * i32::from(self.century_digit() / 2);
        let yy: i32 = self.0[4..6].parse().unwrap_or(0);
        century + yy
    }

    /// Checks the number against the birth year and gender declared beside it on the form.
    ///
    /// # Errors
    /// Returns which of the two disagrees with the number (birth year first).
    pub fn check_holder(&self, birth_year: i32, gender: Gender) -> Result<(), HolderMismatch> {
        if self.birth_year() != birth_year {
            return Err(HolderMismatch::BirthYear {
                encoded: self.birth_year(),
                declared: birth_year,
            });
        }
        if self.gender() != gender {
            return Err(HolderMismatch::Gender {
                encoded: self.gender(),
            });
        }
        Ok(())
    }
}

/// The number does not belong to the person described beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HolderMismatch {
    /// The year encoded in digits 4–6 differs from the declared date of birth.
    #[error("the number is of someone born in {encoded}, but the date of birth is in {declared}")]
    BirthYear {
        /// The year the number encodes.
        encoded: i32,
        /// The year declared.
        declared: i32,
    },
    /// The century/gender digit encodes the other gender.
    #[error("the number is of a person of the other gender")]
    Gender {
        /// The gender the number encodes.
        encoded: Gender,
    },
}

impl From<SoDinhDanh> for String {
    fn from(id: SoDinhDanh) -> Self {
        id.0
    }
}

impl AsRef<str> for SoDinhDanh {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SoDinhDanh {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn valid_numbers_parse_and_decode() {
        let id = SoDinhDanh::parse("051 085 012345").expect("valid");
        assert_eq!(id.as_str(), "051085012345");
        assert_eq!(id.province_code(), "051");
        assert_eq!(id.birth_year(), 1985);
        assert_eq!(id.gender(), Gender::Male);
        let her = SoDinhDanh::parse("062301000123").expect("valid");
        assert_eq!((her.birth_year(), her.gender()), (2001, Gender::Female));
        assert_eq!(her.check_holder(2001, Gender::Female), Ok(()));
    }

    #[test]
    fn invalid_numbers_say_why() {
        let cases = [
            ("", SoDinhDanhError::Empty, "nothing typed"),
            ("05108501234A", SoDinhDanhError::NotDigits, "a letter"),
            (
                "05108501234",
                SoDinhDanhError::Length { found: 11 },
                "11 digits",
            ),
            (
                "0510850123456",
                SoDinhDanhError::Length { found: 13 },
                "13 digits",
            ),
            (
                "003085012345",
                SoDinhDanhError::Province { code: "003".into() },
                "003 is no province",
            ),
            (
                "099085012345",
                SoDinhDanhError::Province { code: "099".into() },
                "099 is no province",
            ),
        ];
        for (raw, expected, reason) in cases {
            assert_eq!(SoDinhDanh::parse(raw), Err(expected), "{reason}");
        }
    }

    #[test]
    fn holder_mismatch_is_detected() {
        let id = SoDinhDanh::parse("051085012345").expect("valid");
        assert_eq!(
            id.check_holder(1986, Gender::Male),
            Err(HolderMismatch::BirthYear {
                encoded: 1985,
                declared: 1986
            })
        );
        assert_eq!(
            id.check_holder(1985, Gender::Female),
            Err(HolderMismatch::Gender {
                encoded: Gender::Male
            })
        );
    }

    #[test]
    fn serde_goes_through_parse() {
        let ok: SoDinhDanh = serde_json::from_str("\"051085012345\"").expect("valid");
        assert_eq!(ok.as_str(), "051085012345");
        assert!(serde_json::from_str::<SoDinhDanh>("\"123\"").is_err());
    }

    proptest! {
        #[test]
        fn every_valid_number_round_trips(
            province in proptest::sample::select(PROVINCE_CODES.to_vec()),
            century in 0u8..10,
            rest in "[0-9]{8}",
        ) {
            let raw = format!("{province:03}{century}{rest}");
            let id = SoDinhDanh::parse(&raw).expect("valid");
            let json = serde_json::to_string(&id).expect("serialise");
            let back: SoDinhDanh = serde_json::from_str(&json).expect("deserialise");
            prop_assert_eq!(back, id.clone());
            prop_assert_eq!(id.check_holder(id.birth_year(), id.gender()), Ok(()));
        }
    }
}
