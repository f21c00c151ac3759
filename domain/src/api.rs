//! The wire contract of `/api/v1`: request and response bodies shared by the phone and the server. No
//! logic lives here; see `docs/api.md` for the URL and envelope rules.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{FieldError, FormVersion, Lang, Procedure, Vnd, forms::Jurisdiction, lifecycle::State};

/// `POST /api/v1/dossiers` (header `Idempotency-Key`: the phone's submission id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubmitDossier {
    /// Which procedure.
    pub procedure: Procedure,
    /// The form version the draft was filled against.
    pub form_version: FormVersion,
    /// What was typed: the draft's data, validated again by the server.
    pub form: Value,
    /// Who files it and how to reach them; the phone number is the second factor of a look-up.
    pub applicant: Applicant,
}

/// The person filing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Applicant {
    /// Full name.
    pub name: String,
    /// Mobile or landline number.
    pub phone: String,
}

/// The fee of a dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeeQuote {
    /// What this dossier pays (online).
    pub amount: Vnd,
    /// What the same dossier pays at the counter, to show the online reduction.
    pub counter_amount: Vnd,
}

/// What the applicant gets when a dossier is accepted: the same on a replay of the same submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Receipt {
    /// The dossier code (mã hồ sơ).
    pub code: String,
    /// Which procedure.
    pub procedure: Procedure,
    /// Who decides it.
    pub jurisdiction: Jurisdiction,
    /// When the server received it (RFC 3339, Vietnam time).
    pub received_at: String,
    /// When the result is due; none for a promotion notice (receipt only).
    pub due_date: Option<NaiveDate>,
    /// The fee.
    pub fee: FeeQuote,
    /// Where to follow it (also encoded in the receipt's QR code).
    pub lookup_url: String,
    /// The receipt as a PDF.
    pub receipt_pdf_url: String,
    /// The QR code of `lookup_url` as a standalone SVG (a `viewBox` in modules with the quiet zone,
    /// black on white; size it with CSS), the same code the PDF prints, for the phone to show and keep
    /// offline. Empty in receipts stored before it was added.
    #[serde(default)]
    pub lookup_qr_svg: String,
}

/// One step of a dossier's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineEntry {
    /// The state the dossier entered.
    pub state: State,
    /// When (RFC 3339, Vietnam time).
    pub at: String,
    /// What the office wrote, if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `GET /api/v1/dossiers/{code}`: where a dossier stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DossierStatus {
    /// The receipt.
    pub receipt: Receipt,
    /// The current state.
    pub state: State,
    /// Every step, oldest first.
    pub timeline: Vec<TimelineEntry>,
}

/// One field error on the wire: the domain's error with its message in the request's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiFieldError {
    /// The field's path in the form, e.g. `owner.so_dinh_danh`.
    pub path: String,
    /// The message key (stable, for clients that localise themselves).
    pub key: String,
    /// What is wrong and how to fix it.
    pub message: String,
    /// The legal basis, if the rule comes from a legal text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citation: Option<String>,
}

impl ApiFieldError {
    /// The wire form of a domain error.
    #[must_use]
    pub fn from_domain(error: &FieldError, lang: Lang) -> Self {
        Self {
            path: error.path.clone(),
            key: serde_json::to_value(error.key)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            message: error.message(lang),
            citation: error.citation.clone(),
        }
    }
}

/// The body of every error answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiError {
    /// A stable machine-readable code (`validation_failed`, `not_found`, `conflict`, …).
    pub code: String,
    /// A message for people, in the request's language.
    pub message: String,
    /// One entry per bad field, for `validation_failed`.
    #[serde(default)]
    pub fields: Vec<ApiFieldError>,
}
