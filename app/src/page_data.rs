//! Data the server looked up while rendering a page. The server provides it as context and also writes
//! it into the page as JSON (`<script type="application/json" id="motcua-page-data">` in `<head>`); the
//! WASM reads it back before hydrating, so both sides render the same nodes.

use domain::api::{DossierStatus, VerifiedDocument};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The id of the JSON element in `<head>`.
pub const PAGE_DATA_ID: &str = "motcua-page-data";

/// Everything a page may carry from the server.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageData {
    /// The dossier look-up the URL asked for.
    pub lookup: Option<Lookup>,
    /// The document a `/verify/{code}` URL names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify: Option<Verify>,
}

/// A document looked up by its verification code, and what was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verify {
    /// The code in the URL.
    pub code: String,
    /// What was found.
    pub outcome: VerifyOutcome,
}

/// The answer to a verification. Externally tagged (`{"found":{…}}`, `"not_found"`): an adjacently or
/// internally tagged enum would make serde compile a second, buffering deserializer of the whole document
/// (kilobytes of WASM in the public pages' bundle); only this build's server and phone read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerifyOutcome {
    /// The document.
    Found(Box<VerifiedDocument>),
    /// No document has this code.
    NotFound,
    /// Too many verifications or look-ups from this address.
    RateLimited,
    /// The server could not look (database down).
    Unavailable,
}

/// A look-up by code and phone, and what it found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lookup {
    /// The code as typed.
    pub code: String,
    /// The phone as typed.
    pub phone: String,
    /// What was found.
    pub outcome: LookupOutcome,
}

/// The answer to a look-up. Externally tagged, as [`VerifyOutcome`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LookupOutcome {
    /// The dossier, its state and timeline.
    Found(Box<DossierStatus>),
    /// No dossier with that code and phone (the two cases are not told apart).
    NotFound,
    /// Too many look-ups from this address.
    RateLimited,
    /// The server could not look (database down).
    Unavailable,
}

/// The page data in context (empty when the page has none).
pub(crate) fn use_page_data() -> PageData {
    use_context::<PageData>().unwrap_or_default()
}

/// On the phone: reads the JSON the server wrote and puts it in context (before the pages render).
#[cfg(feature = "hydrate")]
pub(crate) fn provide_from_document() {
    let data = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(PAGE_DATA_ID))
        .and_then(|e| e.text_content())
        .and_then(|json| serde_json::from_str::<PageData>(&json).ok());
    if let Some(data) = data {
        provide_context(data);
    }
}
