//! Vietnamese phone numbers (LEGAL-FACTS §1.2): mobile numbers have 10 digits and start with 03, 05, 07,
//! 08 or 09; landlines are `0` + a 3-digit area code starting with 2 + the subscriber number, 11 digits in
//! all since the 2017 renumbering (Quảng Ngãi 0255, former Kon Tum 0260).

use std::fmt;

use serde::{Deserialize, Serialize};

/// Mobile or landline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhoneKind {
    /// Di động: 10 digits, 03/05/07/08/09.
    Mobile,
    /// Cố định: 11 digits, 02x area code.
    Landline,
}

/// A phone number in national form (`0912345678`, `02553822222`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SoDienThoai(String);

/// Why a text is not a phone number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SoDienThoaiError {
    /// Nothing was typed.
    #[error("enter a phone number")]
    Empty,
    /// Letters or unexpected symbols.
    #[error(
        "a phone number has only digits (spaces, dots, hyphens, brackets and a leading +84 are fine)"
    )]
    NotDigits,
    /// Neither a mobile nor a landline prefix.
    #[error("a phone number starts with 03, 05, 07, 08, 09 (mobile) or 02 (landline)")]
    Prefix,
    /// Right prefix, wrong length.
    #[error("a {kind} number has {expected} digits, this one has {found}")]
    Length {
        /// `mobile` or `landline`.
        kind: &'static str,
        /// How many digits it needs.
        expected: usize,
        /// How many were typed.
        found: usize,
    },
}

impl SoDienThoai {
    /// Parses a number typed in national (`0912 345 678`) or international (`+84 912 345 678`) form.
    ///
    /// # Errors
    /// Returns why the text is not a valid number.
    pub fn parse(raw: &str) -> Result<Self, SoDienThoaiError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(SoDienThoaiError::Empty);
        }
        let (international, rest) = match trimmed.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        };
        if rest
            .chars()
            .any(|c| !c.is_ascii_digit() && !matches!(c, ' ' | '.' | '-' | '(' | ')'))
        {
            return Err(SoDienThoaiError::NotDigits);
        }
        let mut digits = crate::text::digits_only(rest);
        if international || (digits.starts_with("84") && matches!(digits.len(), 11 | 12)) {
            match digits.strip_prefix("84") {
                Some(national) => digits = format!("0{national}"),
                None => return Err(SoDienThoaiError::Prefix),
            }
        }
        let (kind, expected) = match digits.get(..2) {
            Some("03" | "05" | "07" | "08" | "09") => ("mobile", 10),
            Some("02") => ("landline", 11),
            _ => return Err(SoDienThoaiError::Prefix),
        };
        if digits.len() != expected {
            return Err(SoDienThoaiError::Length {
                kind,
                expected,
                found: digits.len(),
            });
        }
        Ok(Self(digits))
    }

    /// The number in national form, digits only.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Mobile or landline.
    #[must_use]
    pub fn kind(&self) -> PhoneKind {
        if self.0.starts_with("02") {
            PhoneKind::Landline
        } else {
            PhoneKind::Mobile
        }
    }

    /// The landline area code with its 0 (`0255`), or `None` for a mobile.
    #[must_use]
    pub fn area_code(&self) -> Option<&str> {
        (self.kind() == PhoneKind::Landline).then(|| &self.0[..4])
    }

    /// The number in E.164 form (`+84912345678`), for SMS gateways.
    #[must_use]
    pub fn e164(&self) -> String {
        format!("+84{}", &self.0[1..])
    }
}

impl TryFrom<String> for SoDienThoai {
    type Error = SoDienThoaiError;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<SoDienThoai> for String {
    fn from(phone: SoDienThoai) -> Self {
        phone.0
    }
}

impl AsRef<str> for SoDienThoai {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SoDienThoai {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn valid_numbers_in_every_spelling() {
        for raw in [
            "0912345678",
            "0912 345 678",
            "0912.345.678",
            "+84 912 345 678",
            "84912345678",
        ] {
            let phone = SoDienThoai::parse(raw).expect(raw);
            assert_eq!(phone.as_str(), "0912345678", "{raw}");
            assert_eq!(phone.kind(), PhoneKind::Mobile);
        }
        let office = SoDienThoai::parse("(0255) 382 2222").expect("landline");
        assert_eq!(office.kind(), PhoneKind::Landline);
        assert_eq!(office.area_code(), Some("0255"));
        assert_eq!(office.e164(), "+842553822222");
    }

    #[test]
    fn invalid_numbers_say_why() {
        let cases = [
            ("", SoDienThoaiError::Empty, "nothing typed"),
            ("0912-abc-678", SoDienThoaiError::NotDigits, "letters"),
            (
                "0112345678",
                SoDienThoaiError::Prefix,
                "01 is no prefix now",
            ),
            (
                "0612345678",
                SoDienThoaiError::Prefix,
                "06 is not a mobile prefix",
            ),
            (
                "+1 212 555 0100",
                SoDienThoaiError::Prefix,
                "foreign number",
            ),
            (
                "091234567",
                SoDienThoaiError::Length {
                    kind: "mobile",
                    expected: 10,
                    found: 9,
                },
                "mobile with 9 digits",
            ),
            (
                "0255382222",
                SoDienThoaiError::Length {
                    kind: "landline",
                    expected: 11,
                    found: 10,
                },
                "landline with the old 10 digits",
            ),
        ];
        for (raw, expected, reason) in cases {
            assert_eq!(SoDienThoai::parse(raw), Err(expected), "{reason}");
        }
    }

    proptest! {
        #[test]
        fn every_valid_mobile_round_trips(prefix in "0[35789]", rest in "[0-9]{8}") {
            let phone = SoDienThoai::parse(&format!("{prefix}{rest}")).expect("valid");
            let json = serde_json::to_string(&phone).expect("serialise");
            prop_assert_eq!(serde_json::from_str::<SoDienThoai>(&json).expect("back"), phone.clone());
            prop_assert_eq!(SoDienThoai::parse(&phone.e164()).expect("e164"), phone);
        }
    }
}
