//! E-mail addresses (thư điện tử), required of an online filer (NĐ 168/2025 art. 112.2.c). Checked for the
//! shape a mail server accepts, not for deliverability.

use std::fmt;

use serde::{Deserialize, Serialize};

/// An e-mail address; the domain is stored in lower case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

/// Why a text is not an e-mail address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    /// Nothing was typed.
    #[error("enter an e-mail address")]
    Empty,
    /// No `@`, or more than one.
    #[error("an e-mail address has exactly one @")]
    At,
    /// Nothing, or forbidden characters, before the `@`.
    #[error("the part before @ is empty or has spaces or symbols that mail does not allow")]
    Local,
    /// The part after the `@` is not a domain name.
    #[error("the part after @ is not a domain name such as gmail.com")]
    Domain,
    /// Longer than mail allows (254 characters).
    #[error("an e-mail address has at most 254 characters")]
    TooLong,
}

impl Email {
    /// Parses an address.
    ///
    /// # Errors
    /// Returns why the text is not an address.
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(EmailError::Empty);
        }
        if trimmed.len() > 254 {
            return Err(EmailError::TooLong);
        }
        let mut parts = trimmed.split('@');
        let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(EmailError::At);
        };
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
        if !local_ok {
            return Err(EmailError::Local);
        }
        let domain = domain.to_ascii_lowercase();
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
            && labels
                .last()
                .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
        if !domain_ok {
            return Err(EmailError::Domain);
        }
        Ok(Self(format!("{local}@{domain}")))
    }

    /// The address.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = EmailError;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<Email> for String {
    fn from(email: Email) -> Self {
        email.0
    }
}

impl AsRef<str> for Email {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn valid_addresses() {
        assert_eq!(
            Email::parse(" Nguyen.Van_A+hkd@Gmail.COM ")
                .expect("valid")
                .as_str(),
            "Nguyen.Van_A+hkd@gmail.com"
        );
        assert!(Email::parse("sct@quangngai.gov.vn").is_ok());
    }

    #[test]
    fn invalid_addresses_say_why() {
        let cases = [
            ("", EmailError::Empty, "nothing typed"),
            ("an.gmail.com", EmailError::At, "no @"),
            ("a@b@c.vn", EmailError::At, "two @"),
            ("@gmail.com", EmailError::Local, "nothing before @"),
            ("nguyễn@gmail.com", EmailError::Local, "diacritics before @"),
            ("a..b@gmail.com", EmailError::Local, "two dots in a row"),
            ("an@gmail", EmailError::Domain, "no top-level domain"),
            ("an@gmail..com", EmailError::Domain, "empty label"),
            ("an@-gmail.com", EmailError::Domain, "label starts with -"),
        ];
        for (raw, expected, reason) in cases {
            assert_eq!(Email::parse(raw), Err(expected), "{reason}");
        }
    }

    proptest! {
        #[test]
        fn every_valid_address_round_trips(local in "[a-z0-9]{1,20}", domain in "[a-z]{1,10}\\.(vn|com|gov\\.vn)") {
            let email = Email::parse(&format!("{local}@{domain}")).expect("valid");
            let json = serde_json::to_string(&email).expect("serialise");
            prop_assert_eq!(serde_json::from_str::<Email>(&json).expect("back"), email);
        }
    }
}
