//! The signed-in citizen's inbox (`GET /api/v1/me/inbox`, `POST /api/v1/me/inbox/{id}/read`,
//! `POST /api/v1/me/inbox/read`). A state-changing request carries the session's CSRF token
//! (added by `net::send`).

use domain::{
    Lang,
    api::{InboxItem, Principal, SessionInfo},
};

use super::{PlatformError, net};

/// How many messages are unread.
#[must_use]
pub fn unread(items: &[InboxItem]) -> usize {
    items.iter().filter(|i| !i.read).count()
}

/// Whether an error means "nobody is signed in" (the inbox is a signed-in citizen's).
#[must_use]
pub const fn is_signed_out(error: &PlatformError) -> bool {
    matches!(
        error,
        PlatformError::Http {
            status: 401 | 403,
            ..
        }
    )
}

/// The messages, newest first.
///
/// # Errors
/// As [`net::get_json`]; 401 when no citizen is signed in (found out from `GET /api/v1/session` first,
/// so a signed-out page never asks for an inbox it cannot have).
pub async fn list(lang: Lang) -> Result<Vec<InboxItem>, PlatformError> {
    let session: SessionInfo = net::get_json(&format!("{}/session", net::API), lang).await?;
    if !matches!(session.principal, Principal::Citizen { .. }) {
        return Err(PlatformError::Http {
            status: 401,
            body: None,
        });
    }
    mine(lang).await
}

/// The messages of the citizen known to be signed in, newest first.
///
/// # Errors
/// As [`net::get_json`]; 401 when nobody is signed in after all.
pub async fn mine(lang: Lang) -> Result<Vec<InboxItem>, PlatformError> {
    net::get_json(&format!("{}/me/inbox", net::API), lang).await
}

/// How many of the signed-in citizen's messages are unread (the header's count). Reads only each
/// message's `read` flag: the public pages' bundle then carries no decoder of whole messages.
///
/// # Errors
/// As [`mine`].
pub async fn unread_count(lang: Lang) -> Result<usize, PlatformError> {
    /// A message of `GET /api/v1/me/inbox`, its other fields skipped.
    #[derive(serde::Deserialize)]
    struct ReadFlag {
        read: bool,
    }
    let flags: Vec<ReadFlag> = net::get_json(&format!("{}/me/inbox", net::API), lang).await?;
    Ok(flags.iter().filter(|f| !f.read).count())
}

/// Marks one message (or, with `None`, every message) read.
///
/// # Errors
/// As [`list`].
pub async fn mark_read(id: Option<i64>, lang: Lang) -> Result<(), PlatformError> {
    let url = id.map_or_else(
        || format!("{}/me/inbox/read", net::API),
        |id| format!("{}/me/inbox/{id}/read", net::API),
    );
    #[cfg(feature = "hydrate")]
    {
        let answer = net::send(
            "POST",
            &url,
            &[],
            net::Body::Empty,
            lang,
            net::JSON_TIMEOUT_MS,
        )
        .await?;
        if (200..300).contains(&answer.status) {
            Ok(())
        } else {
            Err(net::http_error(answer.status, &answer.body))
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (url, lang);
        Err(PlatformError::Unavailable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unread_counts_the_messages_not_read() {
        let item = |id, read| InboxItem {
            id,
            code: "X".to_owned(),
            title: "t".to_owned(),
            body: "b".to_owned(),
            at: "2026-11-23T09:00:00+07:00".to_owned(),
            read,
        };
        assert_eq!(unread(&[item(1, false), item(2, true), item(3, false)]), 2);
        assert!(is_signed_out(&PlatformError::Http {
            status: 401,
            body: None
        }));
        assert!(!is_signed_out(&PlatformError::Network("x".to_owned())));
    }
}
