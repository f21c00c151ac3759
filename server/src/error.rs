//! One error type for every handler, answered as one JSON envelope `{code, message, fields}` in the
//! language the request asked for (the `lang` cookie, else `Accept-Language`, else Vietnamese).
//!
//! A handler returns `Err(AppError)`; `into_response` only sets the status and parks the error in the
//! response's extensions; the [`render`] middleware, which sees the request, writes the body in the
//! reader's language and logs server faults once.

use std::sync::Arc;

use axum::{
    Json,
    extract::Request,
    http::{HeaderMap, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use domain::{
    Lang,
    api::{ApiError, ApiFieldError},
};

use crate::files::media::MediaError;

/// What went wrong, for the client.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The form breaks rules: every broken rule, with its field.
    #[error("{} invalid fields", .0.len())]
    Invalid(Vec<domain::FieldError>),
    /// Nothing here (or nothing the caller may know about).
    #[error("not found")]
    NotFound,
    /// The request cannot be read.
    #[error("bad request: {en}")]
    BadRequest {
        /// Vietnamese message.
        vi: String,
        /// English message.
        en: String,
    },
    /// The same idempotency key or upload came with different content, or a chunk out of order.
    #[error("conflict: {en}")]
    Conflict {
        /// Vietnamese message.
        vi: String,
        /// English message.
        en: String,
    },
    /// Understood, but its content is not acceptable.
    #[error("unprocessable: {en}")]
    Unprocessable {
        /// Vietnamese message.
        vi: String,
        /// English message.
        en: String,
    },
    /// Larger than allowed.
    #[error("too large: more than {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// A file that is not accepted.
    #[error(transparent)]
    Media(#[from] MediaError),
    /// Too many requests from this address.
    #[error("rate limited")]
    RateLimited,
    /// Too many requests of one kind (sign-in codes, passwords), with what to do and when to retry.
    #[error("too many: {en}")]
    TooMany {
        /// Vietnamese message.
        vi: String,
        /// English message.
        en: String,
        /// Seconds until it may be tried again (`Retry-After`).
        retry_after: u64,
    },
    /// Not signed in (or the sign-in failed).
    #[error("unauthorized: {en}")]
    Unauthorized {
        /// Vietnamese message.
        vi: String,
        /// English message.
        en: String,
    },
    /// Signed in, but not allowed (role, jurisdiction, CSRF token, password to change first).
    #[error("forbidden: {en}")]
    Forbidden {
        /// Vietnamese message.
        vi: String,
        /// English message.
        en: String,
    },
    /// A service the server depends on (the SMS gateway) failed; the details are logged.
    #[error("unavailable: {en}")]
    Unavailable {
        /// Vietnamese message.
        vi: String,
        /// English message.
        en: String,
    },
    /// A fault of the server; the details are logged, never sent.
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl AppError {
    /// A bad request with a message in both languages.
    pub(crate) fn bad_request(vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self::BadRequest {
            vi: vi.into(),
            en: en.into(),
        }
    }

    /// Unacceptable content, with a message in both languages.
    pub(crate) fn unprocessable(vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self::Unprocessable {
            vi: vi.into(),
            en: en.into(),
        }
    }

    /// Not signed in, with a message in both languages (401).
    pub(crate) fn unauthorized(vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self::Unauthorized {
            vi: vi.into(),
            en: en.into(),
        }
    }

    /// Not allowed, with a message in both languages (403).
    pub(crate) fn forbidden(vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self::Forbidden {
            vi: vi.into(),
            en: en.into(),
        }
    }

    /// Too many tries, with a message in both languages and the seconds to wait (429).
    pub(crate) fn too_many(vi: impl Into<String>, en: impl Into<String>, retry_after: u64) -> Self {
        Self::TooMany {
            vi: vi.into(),
            en: en.into(),
            retry_after,
        }
    }

    /// A conflict with a message in both languages.
    pub(crate) fn conflict(vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self::Conflict {
            vi: vi.into(),
            en: en.into(),
        }
    }

    const fn status(&self) -> StatusCode {
        match self {
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Media(MediaError::UnsupportedType) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Media(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::RateLimited | Self::TooMany { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            Self::Forbidden { .. } => StatusCode::FORBIDDEN,
            Self::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    const fn code(&self) -> &'static str {
        match self {
            Self::Invalid(_) => "validation_failed",
            Self::NotFound => "not_found",
            Self::BadRequest { .. } => "bad_request",
            Self::Conflict { .. } => "conflict",
            Self::Unprocessable { .. } => "unprocessable",
            Self::TooLarge { .. } => "too_large",
            Self::Media(MediaError::UnsupportedType) => "unsupported_media_type",
            Self::Media(MediaError::TooManyPixels { .. }) => "image_too_large",
            Self::Media(MediaError::Damaged(_)) => "damaged_file",
            Self::RateLimited | Self::TooMany { .. } => "rate_limited",
            Self::Unauthorized { .. } => "unauthorized",
            Self::Forbidden { .. } => "forbidden",
            Self::Unavailable { .. } => "unavailable",
            Self::Unexpected(_) => "internal",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Self::Invalid(errors), Lang::Vi) => format!(
                "Hồ sơ có {} chỗ cần sửa. Xem từng mục bên dưới.",
                errors.len()
            ),
            (Self::Invalid(errors), Lang::En) => format!(
                "The dossier has {} things to fix. See each field below.",
                errors.len()
            ),
            (Self::NotFound, _) => lang.pick("Không tìm thấy.", "Not found.").to_owned(),
            (
                Self::BadRequest { vi, .. }
                | Self::Conflict { vi, .. }
                | Self::Unprocessable { vi, .. }
                | Self::TooMany { vi, .. }
                | Self::Unauthorized { vi, .. }
                | Self::Forbidden { vi, .. }
                | Self::Unavailable { vi, .. },
                Lang::Vi,
            ) => vi.clone(),
            (
                Self::BadRequest { en, .. }
                | Self::Conflict { en, .. }
                | Self::Unprocessable { en, .. }
                | Self::TooMany { en, .. }
                | Self::Unauthorized { en, .. }
                | Self::Forbidden { en, .. }
                | Self::Unavailable { en, .. },
                Lang::En,
            ) => en.clone(),
            (Self::TooLarge { limit }, Lang::Vi) => format!(
                "Tệp hoặc yêu cầu quá lớn: tối đa {} MB. Hãy chụp lại ảnh với độ phân giải thấp hơn hoặc tách tệp PDF.",
                limit / 1_000_000
            ),
            (Self::TooLarge { limit }, Lang::En) => format!(
                "The file or request is too large: at most {} MB. Take the photo at a lower resolution or split the PDF.",
                limit / 1_000_000
            ),
            (Self::Media(MediaError::UnsupportedType), _) => lang
                .pick(
                    "Chỉ nhận tệp PDF, ảnh JPEG hoặc PNG. Nội dung tệp này không phải các loại đó (dù tên tệp có thể giống).",
                    "Only PDF, JPEG or PNG files are accepted. This file's content is none of them (whatever its name says).",
                )
                .to_owned(),
            (Self::Media(MediaError::TooManyPixels { width, height, .. }), Lang::Vi) => format!(
                "Ảnh có kích thước {width}×{height} điểm ảnh, quá lớn. Hãy chụp lại hoặc thu nhỏ ảnh (tối đa 40 triệu điểm ảnh)."
            ),
            (Self::Media(MediaError::TooManyPixels { width, height, .. }), Lang::En) => format!(
                "The image is {width}×{height} pixels, too large. Retake or shrink it (at most 40 megapixels)."
            ),
            (Self::Media(MediaError::Damaged(_)), _) => lang
                .pick(
                    "Tệp bị hỏng hoặc không đọc được. Hãy chụp lại hoặc chọn tệp khác.",
                    "The file is damaged or cannot be read. Retake the photo or choose another file.",
                )
                .to_owned(),
            (Self::RateLimited, _) => lang
                .pick(
                    "Bạn đã gửi quá nhiều yêu cầu. Vui lòng thử lại sau ít phút.",
                    "Too many requests. Please try again in a few minutes.",
                )
                .to_owned(),
            (Self::Unexpected(_), _) => lang
                .pick(
                    "Máy chủ gặp sự cố. Hồ sơ của bạn vẫn được lưu trên máy; hãy thử lại sau.",
                    "The server had a problem. Your dossier is still saved on your phone; please try again later.",
                )
                .to_owned(),
        }
    }
}

#[derive(Clone)]
struct Parked(Arc<AppError>);

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut res = self.status().into_response();
        if let Self::TooMany { retry_after, .. } = &self
            && let Ok(v) = axum::http::HeaderValue::from_str(&retry_after.to_string())
        {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        res.extensions_mut().insert(Parked(Arc::new(self)));
        res
    }
}

/// The reader's language: the `lang` cookie, else the first known `Accept-Language` tag, else Vietnamese.
#[must_use]
pub fn request_lang(headers: &HeaderMap) -> Lang {
    if let Some(lang) = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| {
            c.split(';')
                .filter_map(|p| p.split_once('='))
                .find(|(k, _)| k.trim() == app::LANG_COOKIE)
                .and_then(|(_, v)| v.trim().parse().ok())
        })
    {
        return lang;
    }
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.split(',')
                .filter_map(|tag| tag.split(';').next())
                .find_map(|tag| tag.trim().parse().ok())
        })
        .unwrap_or_default()
}

/// Writes parked errors as JSON in the request's language and logs server faults.
pub(crate) async fn render(req: Request, next: Next) -> Response {
    let lang = request_lang(req.headers());
    let res = next.run(req).await;
    let Some(Parked(error)) = res.extensions().get::<Parked>().cloned() else {
        return res;
    };
    if let AppError::Unexpected(cause) = error.as_ref() {
        tracing::error!(error = format!("{cause:#}"), "request failed");
    }
    let (mut parts, _) = res.into_parts();
    let fields = match error.as_ref() {
        AppError::Invalid(errors) => errors
            .iter()
            .map(|e| ApiFieldError::from_domain(e, lang))
            .collect(),
        _ => Vec::new(),
    };
    let body = ApiError {
        code: error.code().to_owned(),
        message: error.message(lang),
        fields,
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    let mut out = (parts.status, Json(body)).into_response();
    out.headers_mut().extend(
        parts
            .headers
            .into_iter()
            .filter_map(|(k, v)| k.map(|k| (k, v)))
            .filter(|(k, _)| k != header::CONTENT_TYPE),
    );
    out
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn language_comes_from_cookie_then_accept_language() {
        let mut h = HeaderMap::new();
        assert_eq!(request_lang(&h), Lang::Vi);
        h.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("fr-FR, en-GB;q=0.8"),
        );
        assert_eq!(request_lang(&h), Lang::En);
        h.insert(header::COOKIE, HeaderValue::from_static("lang=vi"));
        assert_eq!(request_lang(&h), Lang::Vi);
    }

    #[test]
    fn every_error_has_a_message_in_both_languages() {
        let errors = [
            AppError::NotFound,
            AppError::bad_request("a", "b"),
            AppError::conflict("a", "b"),
            AppError::TooLarge { limit: 10_000_000 },
            AppError::Media(MediaError::UnsupportedType),
            AppError::RateLimited,
            AppError::too_many("a", "b", 30),
            AppError::unauthorized("a", "b"),
            AppError::forbidden("a", "b"),
            AppError::Unexpected(anyhow::anyhow!("disk full")),
        ];
        for e in &errors {
            for lang in Lang::ALL {
                let m = e.message(lang);
                assert!(!m.is_empty(), "{e:?}");
                assert!(
                    !m.contains("disk full"),
                    "internal details never reach the client"
                );
            }
        }
    }
}
