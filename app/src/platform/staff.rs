//! The staff workspace's requests: the queue (`GET /api/v1/staff/dossiers`), one dossier
//! (`GET /api/v1/staff/dossiers/{code}`), the actions on it
//! (`POST /api/v1/staff/dossiers/{code}/actions`) and the audit log (`GET /api/v1/staff/audit`). A staff
//! session is required; the server checks the jurisdiction, the role and the lifecycle
//! (`domain::lifecycle`) and answers in the reader's language.

use domain::{
    Lang,
    api::{
        AuditQuery, AuditRecord, OtpRequest, OtpSent, QueuePage, QueueQuery, StaffAction,
        StaffDossier,
    },
};

use super::{PlatformError, net};

/// The query string of a queue request (parts left out are not sent).
#[must_use]
pub fn queue_url(query: &QueueQuery) -> String {
    let mut parts = Vec::new();
    let wire = |v: serde_json::Value| v.as_str().map(str::to_owned).unwrap_or_default();
    if let Some(state) = query.state {
        parts.push(format!(
            "state={}",
            wire(serde_json::to_value(state).unwrap_or_default())
        ));
    }
    if let Some(procedure) = query.procedure {
        parts.push(format!(
            "procedure={}",
            wire(serde_json::to_value(procedure).unwrap_or_default())
        ));
    }
    if let Some(q) = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        parts.push(format!("q={}", net::encode_component(q)));
    }
    if let Some(page) = query.page.filter(|p| *p > 1) {
        parts.push(format!("page={page}"));
    }
    let base = format!("{}/staff/dossiers", net::API);
    if parts.is_empty() {
        base
    } else {
        format!("{base}?{}", parts.join("&"))
    }
}

/// One page of the officer's queue: overdue and due-soon first.
///
/// # Errors
/// As [`net::get_json`]; 401/403 when no staff member (with a changed password) is signed in.
pub async fn queue(query: &QueueQuery, lang: Lang) -> Result<QueuePage, PlatformError> {
    net::get_json(&queue_url(query), lang).await
}

/// One dossier with everything needed to decide (the server records the read in the audit log).
///
/// # Errors
/// As [`net::get_json`]; 404 for a dossier outside the officer's jurisdiction.
pub async fn dossier(code: &str, lang: Lang) -> Result<StaffDossier, PlatformError> {
    net::get_json(
        &format!(
            "{}/staff/dossiers/{}",
            net::API,
            net::encode_component(code)
        ),
        lang,
    )
    .await
}

/// Takes an action; the answer is the dossier after it.
///
/// # Errors
/// [`PlatformError::Http`] 409/422 with the reason when the lifecycle or the data refuses it.
pub async fn act(
    code: &str,
    action: &StaffAction,
    lang: Lang,
) -> Result<StaffDossier, PlatformError> {
    net::post_json(
        &format!(
            "{}/staff/dossiers/{}/actions",
            net::API,
            net::encode_component(code)
        ),
        action,
        &[],
        lang,
    )
    .await
}

/// Texts the citizen at the counter the code that confirms the dossier an officer files for them
/// (`POST /api/v1/staff/assisted/otp`).
///
/// # Errors
/// [`PlatformError::Http`] 422 for a number that is not a mobile one, 429 when asked too often.
pub async fn send_assisted_code(phone: &str, lang: Lang) -> Result<OtpSent, PlatformError> {
    let body = OtpRequest {
        phone: phone.trim().to_owned(),
    };
    net::post_json(
        &format!("{}/staff/assisted/otp", net::API),
        &body,
        &[],
        lang,
    )
    .await
}

/// The query string of an audit-log request: a dossier's rows, else a jurisdiction's (from `before`).
#[must_use]
pub fn audit_url(query: &AuditQuery) -> String {
    let trimmed = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(net::encode_component)
    };
    let mut parts = Vec::new();
    if let Some(code) = trimmed(&query.dossier) {
        parts.push(format!("dossier={code}"));
    } else if let Some(jurisdiction) = trimmed(&query.jurisdiction) {
        parts.push(format!("jurisdiction={jurisdiction}"));
        if let Some(before) = query.before {
            parts.push(format!("before={before}"));
        }
    }
    let base = format!("{}/staff/audit", net::API);
    if parts.is_empty() {
        base
    } else {
        format!("{base}?{}", parts.join("&"))
    }
}

/// Rows of the audit log: a dossier's, oldest first, or a jurisdiction's, newest first (at most 500 an
/// answer; the next page with [`AuditQuery::before`]).
///
/// # Errors
/// As [`net::get_json`]; 403 (with the server's message) for an officer or a supervisor of another
/// jurisdiction, 404 for an unknown dossier.
pub async fn audit(query: &AuditQuery, lang: Lang) -> Result<Vec<AuditRecord>, PlatformError> {
    net::get_json(&audit_url(query), lang).await
}

#[cfg(test)]
mod tests {
    use domain::{Procedure, lifecycle::State};

    use super::*;

    #[test]
    fn the_queue_query_sends_only_what_was_chosen() {
        assert_eq!(queue_url(&QueueQuery::default()), "/api/v1/staff/dossiers");
        let query = QueueQuery {
            state: Some(State::SupplementRequested),
            procedure: Some(Procedure::HkdRegistration),
            q: Some(" Nguyễn Văn ".into()),
            page: None,
        };
        let url = queue_url(&query);
        assert!(
            url.starts_with("/api/v1/staff/dossiers?state=supplement_requested&procedure="),
            "{url}"
        );
        assert!(url.ends_with("&q=Nguy%E1%BB%85n%20V%C4%83n"), "{url}");
        let second = QueueQuery {
            page: Some(2),
            ..query
        };
        assert!(
            queue_url(&second).ends_with("&q=Nguy%E1%BB%85n%20V%C4%83n&page=2"),
            "{}",
            queue_url(&second)
        );
        let first = QueueQuery {
            page: Some(1),
            ..QueueQuery::default()
        };
        assert_eq!(
            queue_url(&first),
            "/api/v1/staff/dossiers",
            "page 1 is the default"
        );
    }

    #[test]
    fn the_audit_query_asks_for_a_dossier_or_a_page_of_a_jurisdiction() {
        let url = |dossier: Option<&str>, jurisdiction: Option<&str>, before| {
            audit_url(&AuditQuery {
                dossier: dossier.map(str::to_owned),
                jurisdiction: jurisdiction.map(str::to_owned),
                before,
            })
        };
        assert_eq!(
            url(Some(" 21025-261123-0001 "), Some("21025"), Some(9)),
            "/api/v1/staff/audit?dossier=21025-261123-0001"
        );
        assert_eq!(
            url(Some(" "), Some("SCT"), None),
            "/api/v1/staff/audit?jurisdiction=SCT"
        );
        assert_eq!(
            url(None, Some("21025"), Some(120)),
            "/api/v1/staff/audit?jurisdiction=21025&before=120"
        );
        assert_eq!(url(None, None, None), "/api/v1/staff/audit");
    }
}
