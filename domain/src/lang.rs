use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

/// A language the citizen can read motcua in. Vietnamese is the default; English is the second one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Tiếng Việt — the default.
    #[default]
    Vi,
    /// English.
    En,
}

impl Lang {
    /// Every supported language, the default first.
    pub const ALL: [Self; 2] = [Self::Vi, Self::En];

    /// The BCP 47 tag, as used in `<html lang>` and in the `lang` cookie.
    #[must_use]
    pub const fn tag(self) -> &'static str {
        match self {
            Self::Vi => "vi",
            Self::En => "en",
        }
    }

    /// The language's own name, for a language switch.
    #[must_use]
    pub const fn native_name(self) -> &'static str {
        match self {
            Self::Vi => "Tiếng Việt",
            Self::En => "English",
        }
    }

    /// The other language of the two, for a one-button switch.
    #[must_use]
    pub const fn other(self) -> Self {
        match self {
            Self::Vi => Self::En,
            Self::En => Self::Vi,
        }
    }

    /// Picks a text by language: `lang.pick("Nộp hồ sơ", "Submit")`.
    #[must_use]
    pub const fn pick<'a>(self, vi: &'a str, en: &'a str) -> &'a str {
        match self {
            Self::Vi => vi,
            Self::En => en,
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

/// A language tag motcua does not offer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unsupported language \"{0}\": use \"vi\" or \"en\"")]
pub struct UnknownLang(pub String);

impl FromStr for Lang {
    type Err = UnknownLang;

    /// Accepts a tag with or without a region (`vi`, `vi-VN`, `EN-us`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let primary = s.split(['-', '_']).next().unwrap_or_default().trim();
        Self::ALL
            .into_iter()
            .find(|lang| lang.tag().eq_ignore_ascii_case(primary))
            .ok_or_else(|| UnknownLang(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tags_with_and_without_region() {
        assert_eq!("vi".parse(), Ok(Lang::Vi));
        assert_eq!("vi-VN".parse(), Ok(Lang::Vi));
        assert_eq!("EN_us".parse(), Ok(Lang::En));
        assert!("fr".parse::<Lang>().is_err());
        assert!("".parse::<Lang>().is_err());
    }

    #[test]
    fn tag_round_trips_for_every_language() {
        for lang in Lang::ALL {
            assert_eq!(lang.tag().parse(), Ok(lang), "{lang:?}");
            assert_eq!(lang.other().other(), lang);
        }
    }
}
