//! Mã hồ sơ (dossier code). The format of TT 03/2025/TT-VPCP could not be read (LEGAL-FACTS §6.4 GAP), so
//! it is configurable; the default is the pattern of provincial one-stop systems,
//! `<agency code>-<yymmdd>-<4-digit sequence>`, e.g. `000.00.21.H55-261123-0001`.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// How codes are written: a template with `{agency}`, `{yymmdd}` and `{seq}` (the sequence padded to
/// `seq_width` digits).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierCodeFormat {
    /// The template.
    pub template: String,
    /// Digits of the daily sequence.
    pub seq_width: usize,
}

impl Default for DossierCodeFormat {
    fn default() -> Self {
        Self {
            template: "{agency}-{yymmdd}-{seq}".to_owned(),
            seq_width: 4,
        }
    }
}

impl DossierCodeFormat {
    /// The code of the `seq`-th dossier received by `agency` on `date`.
    #[must_use]
    pub fn format(&self, agency: &str, date: NaiveDate, seq: u32) -> DossierCode {
        DossierCode(
            self.template
                .replace("{agency}", agency)
                .replace("{yymmdd}", &date.format("%y%m%d").to_string())
                .replace("{seq}", &format!("{seq:0width$}", width = self.seq_width)),
        )
    }
}

/// A dossier code in the default format.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DossierCode(String);

/// Why a text is not a dossier code of the default format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DossierCodeError {
    /// Not `<agency>-<yymmdd>-<nnnn>`.
    #[error("a dossier code looks like 000.00.21.H55-261123-0001")]
    Format,
    /// The middle part is not a date.
    #[error("the middle part of the code is not a date (yymmdd)")]
    Date,
}

impl DossierCode {
    /// Parses a code of the default format (agency: letters, digits and dots).
    ///
    /// # Errors
    /// Why it does not match.
    pub fn parse(raw: &str) -> Result<Self, DossierCodeError> {
        let code = raw.trim().to_uppercase();
        let mut parts = code.rsplitn(3, '-');
        let (Some(seq), Some(date), Some(agency)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(DossierCodeError::Format);
        };
        let agency_ok = !agency.is_empty()
            && agency
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.');
        let seq_ok = seq.len() == 4 && seq.chars().all(|c| c.is_ascii_digit()) && seq != "0000";
        if !agency_ok || !seq_ok || date.len() != 6 || !date.chars().all(|c| c.is_ascii_digit()) {
            return Err(DossierCodeError::Format);
        }
        NaiveDate::parse_from_str(&format!("20{date}"), "%Y%m%d")
            .map_err(|_| DossierCodeError::Date)?;
        Ok(Self(code))
    }

    /// The code.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for DossierCode {
    type Error = DossierCodeError;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<DossierCode> for String {
    fn from(code: DossierCode) -> Self {
        code.0
    }
}

impl fmt::Display for DossierCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn default_format_and_parse() {
        let date = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
        let code = DossierCodeFormat::default().format("000.00.21.H55", date, 7);
        assert_eq!(code.as_str(), "000.00.21.H55-261123-0007");
        assert_eq!(DossierCode::parse(code.as_str()), Ok(code));
        let custom = DossierCodeFormat {
            template: "QNG/{yymmdd}/{seq}".to_owned(),
            seq_width: 6,
        };
        assert_eq!(custom.format("x", date, 12).as_str(), "QNG/261123/000012");
    }

    #[test]
    fn invalid_codes_say_why() {
        let cases = [
            ("", DossierCodeError::Format, "empty"),
            ("H55-261123", DossierCodeError::Format, "no sequence"),
            ("H55-261123-12", DossierCodeError::Format, "short sequence"),
            ("H55-261123-0000", DossierCodeError::Format, "sequence zero"),
            (
                "H 55-261123-0001",
                DossierCodeError::Format,
                "space in agency",
            ),
            ("H55-261323-0001", DossierCodeError::Date, "month 13"),
        ];
        for (raw, expected, reason) in cases {
            assert_eq!(DossierCode::parse(raw), Err(expected), "{reason}");
        }
    }

    proptest! {
        #[test]
        fn every_formatted_code_parses_and_round_trips(agency in "[A-Z0-9]{1,4}(\\.[A-Z0-9]{1,4}){0,3}", days in 0u64..3000, seq in 1u32..10000) {
            let date = NaiveDate::from_ymd_opt(2025, 1, 1).expect("date") + chrono::Days::new(days);
            let code = DossierCodeFormat::default().format(&agency, date, seq);
            let parsed = DossierCode::parse(code.as_str()).expect("valid");
            let json = serde_json::to_string(&parsed).expect("serialise");
            prop_assert_eq!(serde_json::from_str::<DossierCode>(&json).expect("back"), code);
        }
    }
}
