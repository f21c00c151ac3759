//! The browser platform under the pages: what the phone keeps (IndexedDB: drafts, attachments, the
//! outbox, cached statuses), how it talks to the server (fetch), how photos are made upload-ready, and
//! how a submission is sent exactly once.
//!
//! Everything here compiles for both features. With `hydrate` (the WASM app) the functions do the real
//! work through web-sys; with `ssr` (the server's render) the same public types and functions exist so
//! that components compile, and the asynchronous ones answer [`PlatformError::Unavailable`] — a server
//! render never calls them. The rules that do not need a browser (backoff, state changes of an outbox
//! entry, chunk planning, photo sizes, record shapes) are plain Rust with native unit tests.

pub mod files;
pub mod inbox;
pub mod net;
pub mod outbox;
pub mod owner;
pub mod push;
pub mod session;
pub mod staff;
pub mod store;

#[cfg(feature = "hydrate")]
mod js;

use std::fmt;

use domain::{Lang, api::ApiError};

/// What can go wrong below the pages. The UI shows [`PlatformError::message`].
#[derive(Debug, Clone, PartialEq)]
pub enum PlatformError {
    /// Not in a browser (the server's render), or the browser lacks the feature (no IndexedDB in a
    /// private window of an old browser, no `crypto.subtle` outside HTTPS).
    Unavailable,
    /// IndexedDB refused or failed; the text is the browser's.
    Storage(String),
    /// The request did not reach the server or no answer came back (offline, timed out).
    Network(String),
    /// The server answered with an error status; `body` is its error envelope when it sent one.
    Http {
        /// The HTTP status.
        status: u16,
        /// The server's `ApiError`, when the body was one.
        body: Option<ApiError>,
    },
    /// The phone's storage is full.
    Quota,
    /// Something could not be read: an answer that is not the expected JSON, an image the browser cannot
    /// decode, a stored record of another shape.
    Decode(String),
    /// A file of a type that cannot be attached.
    UnsupportedFile {
        /// The type the browser reported (may be empty).
        media_type: String,
    },
    /// A file larger than the limit, even after compression.
    FileTooLarge {
        /// Its size.
        size_bytes: u64,
        /// The limit ([`domain::attachments::MAX_BYTES`]).
        max_bytes: u64,
    },
}

impl PlatformError {
    /// What happened and what to do, for people, in `lang`.
    #[must_use]
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Self::Unavailable => lang
                .pick(
                    "Trình duyệt này không hỗ trợ lưu hồ sơ trên máy. Hãy mở ứng dụng bằng Chrome, Safari hoặc Firefox bản mới, không ở chế độ ẩn danh.",
                    "This browser cannot keep dossiers on the phone. Open the app in a recent Chrome, Safari or Firefox, not in a private window.",
                )
                .to_owned(),
            Self::Storage(_) => lang
                .pick(
                    "Không lưu được trên máy. Hãy thử lại; nếu vẫn lỗi, hãy tải lại trang.",
                    "Could not save on this phone. Try again; if it still fails, reload the page.",
                )
                .to_owned(),
            Self::Network(_) => lang
                .pick(
                    "Không kết nối được máy chủ. Hồ sơ vẫn được giữ trên máy; hãy thử lại khi có mạng.",
                    "Could not reach the server. Everything stays on this phone; try again when you have a connection.",
                )
                .to_owned(),
            Self::Http {
                body: Some(body), ..
            } if !body.message.is_empty() => body.message.clone(),
            Self::Http { status, .. } => http_message(*status, lang).to_owned(),
            Self::Quota => lang
                .pick(
                    "Bộ nhớ của máy đã đầy. Hãy xóa bớt hồ sơ nháp cũ hoặc ảnh, rồi thử lại.",
                    "The phone's storage is full. Delete old drafts or photos, then try again.",
                )
                .to_owned(),
            Self::Decode(_) => lang
                .pick(
                    "Không đọc được tệp hoặc dữ liệu này. Hãy chụp lại ảnh hoặc chọn tệp khác (JPEG, PNG hoặc PDF).",
                    "This file or data could not be read. Take the photo again or choose another file (JPEG, PNG or PDF).",
                )
                .to_owned(),
            Self::UnsupportedFile { .. } => lang
                .pick(
                    "Chỉ nhận ảnh chụp (JPEG, PNG, HEIC, WebP) và tệp PDF. Hãy chụp ảnh giấy tờ hoặc chọn tệp PDF.",
                    "Only photos (JPEG, PNG, HEIC, WebP) and PDF files can be attached. Take a photo of the document or choose a PDF.",
                )
                .to_owned(),
            Self::FileTooLarge { max_bytes, .. } => {
                let mb = max_bytes / (1024 * 1024);
                match lang {
                    Lang::Vi => format!(
                        "Tệp lớn hơn {mb} MB. Hãy chọn tệp nhỏ hơn, hoặc chụp ảnh từng trang thay cho tệp PDF."
                    ),
                    Lang::En => format!(
                        "The file is larger than {mb} MB. Choose a smaller file, or photograph each page instead of the PDF."
                    ),
                }
            }
        }
    }

    /// Whether trying the same thing again later may succeed (no connection, server trouble, too many
    /// requests), as opposed to an answer that will not change.
    #[must_use]
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Network(_) => true,
            Self::Http { status, .. } => *status == 408 || *status == 429 || *status >= 500,
            _ => false,
        }
    }
}

fn http_message(status: u16, lang: Lang) -> &'static str {
    match status {
        404 => lang.pick(
            "Không tìm thấy. Hãy kiểm tra lại mã và số điện thoại.",
            "Not found. Check the code and the phone number.",
        ),
        429 => lang.pick(
            "Bạn đã thử quá nhiều lần. Hãy đợi một lát rồi thử lại.",
            "Too many attempts. Wait a moment and try again.",
        ),
        s if s >= 500 => lang.pick(
            "Máy chủ đang gặp sự cố. Hãy thử lại sau ít phút; hồ sơ vẫn được giữ trên máy.",
            "The server is having trouble. Try again in a few minutes; everything stays on this phone.",
        ),
        _ => lang.pick(
            "Máy chủ không nhận yêu cầu này. Hãy kiểm tra lại thông tin rồi thử lại.",
            "The server did not accept this request. Check the details and try again.",
        ),
    }
}

impl fmt::Display for PlatformError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unavailable => f.write_str("not available here"),
            Self::Storage(e) => write!(f, "storage: {e}"),
            Self::Network(e) => write!(f, "network: {e}"),
            Self::Http { status, body } => match body {
                Some(body) => write!(f, "HTTP {status}: {} ({})", body.message, body.code),
                None => write!(f, "HTTP {status}"),
            },
            Self::Quota => f.write_str("storage quota exceeded"),
            Self::Decode(e) => write!(f, "cannot read: {e}"),
            Self::UnsupportedFile { media_type } => {
                write!(f, "unsupported file type {media_type:?}")
            }
            Self::FileTooLarge {
                size_bytes,
                max_bytes,
            } => write!(f, "file of {size_bytes} bytes exceeds {max_bytes}"),
        }
    }
}

impl std::error::Error for PlatformError {}

/// Milliseconds since the Unix epoch by the phone's clock.
#[must_use]
pub fn now_ms() -> f64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    }
}

/// The phone's clock as RFC 3339 text (UTC), for `updated_at` and `created_at` fields.
#[must_use]
pub fn now_rfc3339() -> String {
    rfc3339_from_ms(now_ms())
}

/// RFC 3339 text (UTC, milliseconds) of a time in ms since the epoch: `2026-11-23T02:30:00.000Z`.
#[must_use]
pub fn rfc3339_from_ms(ms: f64) -> String {
    // Whole milliseconds; the clock never goes before 1970 on a phone that works.
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a clock reading in ms fits in u64"
    )]
    let ms = ms.max(0.0) as u64;
    let (secs, millis) = (ms / 1000, ms % 1000);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (h, m, s) = (rem / 3600, rem % 3600 / 60, rem % 60);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = i64::try_from(days).unwrap_or(0) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{millis:03}Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_of_known_instants() {
        assert_eq!(rfc3339_from_ms(0.0), "1970-01-01T00:00:00.000Z");
        // 2026-11-23T02:30:00.123Z
        assert_eq!(
            rfc3339_from_ms(1_795_401_000_123.0),
            "2026-11-23T02:30:00.123Z"
        );
        // Leap day.
        assert_eq!(
            rfc3339_from_ms(1_709_164_800_000.0),
            "2024-02-29T00:00:00.000Z"
        );
    }

    #[test]
    fn server_messages_win_and_statuses_are_classified() {
        let body = ApiError {
            code: "validation_failed".to_owned(),
            message: "Hồ sơ có 2 chỗ cần sửa.".to_owned(),
            fields: vec![],
        };
        let e = PlatformError::Http {
            status: 422,
            body: Some(body),
        };
        assert_eq!(e.message(Lang::En), "Hồ sơ có 2 chỗ cần sửa.");
        assert!(!e.is_transient());
        assert!(
            PlatformError::Http {
                status: 503,
                body: None
            }
            .is_transient()
        );
        assert!(
            PlatformError::Http {
                status: 429,
                body: None
            }
            .is_transient()
        );
        assert!(PlatformError::Network("offline".into()).is_transient());
        assert!(!PlatformError::Quota.is_transient());
        assert!(
            PlatformError::FileTooLarge {
                size_bytes: 11 << 20,
                max_bytes: 10 << 20
            }
            .message(Lang::Vi)
            .contains("10 MB")
        );
    }
}
