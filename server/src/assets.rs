//! The built app's files (Trunk's `dist/`): hashed names are cached for a year, everything else is
//! revalidated; precompressed `.br`/`.gz` siblings written by `cargo xtask build` are served when the
//! browser accepts them. A path that is no file is an app route: it gets a rendered page.

use std::path::Path;

use axum::{
    Router,
    extract::Request,
    handler::Handler as _,
    http::{HeaderValue, header},
    middleware::{self, Next},
    response::Response,
};
use tower_http::services::ServeDir;

use crate::{AppState, pages};

pub(crate) fn service(dist_dir: &Path, state: AppState) -> Router {
    let files = ServeDir::new(dist_dir)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false)
        .fallback(pages::page.with_state(state));
    Router::new()
        .fallback_service(files)
        .layer(middleware::from_fn(cache_headers))
}

/// The service worker's own policy: it fetches from this origin (to precache the app and to pass pages
/// through) and nothing else. The files' default, `default-src 'none'`, would block every fetch it makes.
const SERVICE_WORKER_CSP: &str = "default-src 'none'; connect-src 'self'";

async fn cache_headers(req: Request, next: Next) -> Response {
    let immutable = is_hashed_asset(req.uri().path());
    let service_worker = req.uri().path() == "/sw.js";
    let mut res = next.run(req).await;
    if service_worker && res.status().is_success() {
        res.headers_mut().insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(SERVICE_WORKER_CSP),
        );
    }
    if res.status().is_success() && !res.headers().contains_key(header::CACHE_CONTROL) {
        let value = if immutable {
            "public, max-age=31536000, immutable"
        } else {
            // index.html, the service worker, the manifest: always ask whether they changed.
            "no-cache"
        };
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    res
}

/// Trunk names built files `name-<hash>[_bg].ext`, the hash being a u64 in hex without leading zeros
/// (so 12 to 16 digits in practice); such a name never gets new content.
fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    let Some((stem, _ext)) = file.rsplit_once('.') else {
        return false;
    };
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(name, hash)| {
        !name.is_empty()
            && (12..=16).contains(&hash.len())
            && hash.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

#[cfg(test)]
mod tests {
    use super::is_hashed_asset;

    #[test]
    fn recognises_trunk_hashed_names() {
        assert!(is_hashed_asset("/motcua-web-3b1f0c0d9a1e2f4b_bg.wasm"));
        assert!(is_hashed_asset("/motcua-web-3b1f0c0d9a1e2f4b.js"));
        assert!(is_hashed_asset("/main-0123456789abcdef.css"));
        assert!(is_hashed_asset("/main-ddf00e52dbd828b.css"));
        assert!(!is_hashed_asset("/sw.js"));
        assert!(!is_hashed_asset("/manifest.webmanifest"));
        assert!(!is_hashed_asset("/icons/icon-192.png"));
        assert!(!is_hashed_asset("/-0123456789abcdef.css"));
        assert!(!is_hashed_asset("/x-0123456789abcdeg.css"));
    }
}
