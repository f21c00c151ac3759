//! Public pages rendered on the server from the `app` crate's components (feature `ssr`) and put into
//! the `index.html` that Trunk built, so the phone sees real HTML before the WASM hydrates it.

use std::path::Path;

use anyhow::Context as _;
use app::{
    AppRoute, Bundle, Lookup, LookupOutcome, PageData, RequestLang, Verify, VerifyOutcome,
    lang_from_cookie_header,
};
use axum::{
    Router,
    extract::State,
    http::{HeaderValue, StatusCode, Uri, header},
    response::{IntoResponse, Response},
    routing::get,
};
use domain::Lang;
use leptos::prelude::*;
use leptos_router::location::RequestUrl;

use crate::AppState;

/// The built app's two page templates: `index.html` (the full app's bundle) and `public.html` (the public
/// pages' small bundle), each cut where the server writes the language, the title and the page.
#[derive(Debug, Clone)]
pub struct PageTemplate {
    full: Template,
    /// Missing in a build without the public bundle: every page then takes the full app.
    public: Option<Template>,
}

impl PageTemplate {
    /// Reads `index.html` and, when there, `public.html` from the built app's directory.
    ///
    /// # Errors
    /// When `index.html` is missing (the app was not built) or either file lacks the expected markers.
    pub async fn load(dist_dir: &Path) -> anyhow::Result<Self> {
        let full = Template::load(&dist_dir.join("index.html")).await?;
        let public_path = dist_dir.join("public.html");
        let public = if tokio::fs::try_exists(&public_path).await.unwrap_or(false) {
            Some(Template::load(&public_path).await?)
        } else {
            tracing::warn!(
                "{} is missing: the public pages load the full app's bundle",
                public_path.display()
            );
            None
        };
        Ok(Self { full, public })
    }

    /// The templates of a build with only `index.html` (the full app on every page).
    ///
    /// # Errors
    /// When the HTML lacks the expected markers.
    pub fn parse(html: &str) -> anyhow::Result<Self> {
        Ok(Self {
            full: Template::parse(html)?,
            public: None,
        })
    }

    /// The bundle that serves a route: its own, or the full app when the public template is missing.
    #[must_use]
    pub const fn bundle_for(&self, route: AppRoute) -> Bundle {
        match (route.bundle(), &self.public) {
            (Bundle::Public, Some(_)) => Bundle::Public,
            _ => Bundle::Full,
        }
    }

    fn template(&self, bundle: Bundle) -> &Template {
        match (bundle, &self.public) {
            (Bundle::Public, Some(public)) => public,
            _ => &self.full,
        }
    }

    /// The Content-Security-Policy that lets exactly the scripts of a bundle's template run.
    #[must_use]
    pub fn csp(&self, bundle: Bundle) -> &str {
        self.template(bundle).csp()
    }

    /// The whole document in a bundle's template; see [`Template::render`].
    #[must_use]
    pub fn render(
        &self,
        bundle: Bundle,
        lang: Lang,
        title: &str,
        body: &str,
        data: Option<&str>,
    ) -> String {
        self.template(bundle).render(lang, title, body, data)
    }
}

/// One built HTML file, cut where the server writes the language, the title and the page.
#[derive(Debug, Clone)]
struct Template {
    /// Up to and including `<html lang="`.
    before_lang: String,
    /// From after the language up to and including `<title>`.
    before_title: String,
    /// From `</title>` up to (not including) `</head>`.
    before_head_end: String,
    /// From `</head>` up to and including the `<body …>` tag.
    before_body: String,
    /// From `</body>` to the end.
    after_body: String,
    /// The Content-Security-Policy for pages: Trunk's inline loader script is allowed by its hash.
    csp: String,
}

impl Template {
    async fn load(path: &Path) -> anyhow::Result<Self> {
        let html = tokio::fs::read_to_string(path).await.with_context(|| {
            format!(
                "the built app is missing ({} cannot be read): run `cargo xtask build` first, or `cargo xtask serve`",
                path.display()
            )
        })?;
        Self::parse(&html)
            .with_context(|| format!("{} is not a page template of motcua", path.display()))
    }

    /// Cuts a built HTML file into its parts; fails when `<html lang="…">`, `<title>…</title>` or
    /// `<body>…</body>` is missing.
    fn parse(html: &str) -> anyhow::Result<Self> {
        const LANG_ATTR: &str = "<html lang=\"";
        let lang_start = html.find(LANG_ATTR).context("no <html lang=\"…\">")? + LANG_ATTR.len();
        let lang_end = lang_start + html[lang_start..].find('"').context("unterminated lang")?;
        let title_start = html.find("<title>").context("no <title>")? + "<title>".len();
        let title_end = html.find("</title>").context("no </title>")?;
        let body_tag = html.find("<body").context("no <body>")?;
        let body_start = body_tag + html[body_tag..].find('>').context("unterminated <body>")? + 1;
        let body_end = html.rfind("</body>").context("no </body>")?;
        let head_end = html.find("</head>").context("no </head>")?;
        anyhow::ensure!(
            lang_end < title_start
                && title_end < head_end
                && head_end < body_tag
                && body_start <= body_end,
            "the parts are out of order"
        );
        Ok(Self {
            csp: content_security_policy(&inline_script_hashes(html)),
            before_lang: html[..lang_start].to_owned(),
            before_title: html[lang_end..title_start].to_owned(),
            before_head_end: html[title_end..head_end].to_owned(),
            before_body: html[head_end..body_start].to_owned(),
            after_body: html[body_end..].to_owned(),
        })
    }

    /// The Content-Security-Policy that lets exactly this page's scripts run.
    fn csp(&self) -> &str {
        &self.csp
    }

    /// The whole document; `data`, when given, is written into `<head>` as the page's JSON data.
    fn render(&self, lang: Lang, title: &str, body: &str, data: Option<&str>) -> String {
        let mut out = String::with_capacity(
            self.before_lang.len()
                + self.before_body.len()
                + self.after_body.len()
                + body.len()
                + 256,
        );
        out.push_str(&self.before_lang);
        out.push_str(lang.tag());
        out.push_str(&self.before_title);
        push_escaped(&mut out, title);
        out.push_str(&self.before_head_end);
        if let Some(json) = data {
            out.push_str("<script type=\"application/json\" id=\"");
            out.push_str(app::PAGE_DATA_ID);
            out.push_str("\">");
            // "</" inside a string would end the element early.
            out.push_str(&json.replace("</", "<\\/"));
            out.push_str("</script>");
        }
        out.push_str(&self.before_body);
        out.push_str(body);
        out.push_str(&self.after_body);
        out
    }
}

/// `'sha256-…'` sources for every inline `<script>` (those without `src`).
fn inline_script_hashes(html: &str) -> Vec<String> {
    use base64::Engine as _;
    use sha2::Digest as _;
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find("<script") {
        let after = &rest[open..];
        let Some(tag_end) = after.find('>') else {
            break;
        };
        let tag = &after[..tag_end];
        let body = &after[tag_end + 1..];
        let Some(close) = body.find("</script>") else {
            break;
        };
        if !tag.contains(" src=") {
            let digest = sha2::Sha256::digest(&body.as_bytes()[..close]);
            hashes.push(format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            ));
        }
        rest = &body[close..];
    }
    hashes
}

/// Only this origin; WebAssembly compilation allowed; inline scripts only by hash; no framing.
fn content_security_policy(script_hashes: &[String]) -> String {
    let mut script_src = vec!["'self'", "'wasm-unsafe-eval'"];
    script_src.extend(script_hashes.iter().map(String::as_str));
    format!(
        "default-src 'self'; script-src {}; style-src 'self'; img-src 'self' data: blob:; \
         connect-src 'self'; font-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        script_src.join(" ")
    )
}

fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

/// Renders the app at a path (with its query) in a language: the HTML of `<body>`'s content, with the
/// markers the WASM needs to hydrate it. The route's bundle decides the root component, which must be the
/// one the page's WASM hydrates: [`app::PublicApp`] or [`app::App`].
#[must_use]
pub fn render_page(path_and_query: &str, lang: Lang, data: &PageData) -> String {
    let path = path_and_query.split('?').next().unwrap_or_default();
    render_page_in(AppRoute::parse(path).bundle(), path_and_query, lang, data)
}

fn render_page_in(bundle: Bundle, path_and_query: &str, lang: Lang, data: &PageData) -> String {
    let owner = Owner::new();
    owner.with(|| {
        provide_context(RequestUrl::new(path_and_query));
        provide_context(RequestLang(lang));
        provide_context(data.clone());
        match bundle {
            Bundle::Public => app::PublicApp().into_view().to_html(),
            Bundle::Full => app::App().into_view().to_html(),
        }
    })
}

/// `/` and every other app route (through the static files' fallback).
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(page))
        // The unrendered templates are no pages of their own.
        .route("/index.html", get(page))
        .route("/public.html", get(page))
}

/// Serves the page of the request's path: 200 for an app route, 404 with the app's "not found" page
/// otherwise. Either way the WASM hydrates it, so links keep working.
pub(crate) async fn page(State(state): State<AppState>, req: axum::extract::Request) -> Response {
    let peer = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0);
    let (uri, headers) = (req.uri().clone(), req.headers().clone());
    let lang = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(lang_from_cookie_header)
        .find(|lang| *lang != Lang::default())
        .unwrap_or_default();
    let route = AppRoute::parse(uri.path());
    let path_and_query = uri.path_and_query().map_or("/", |pq| pq.as_str());
    // The pages that take a code count against the same per-address allowance as the API routes that
    // take one (`routes::verify`, `routes::dossiers`): the page is no way around the limit.
    let client = state.lookup_limiter.client(&headers, peer);
    let mut retry_after = None;
    let data = PageData {
        lookup: match route {
            AppRoute::Lookup => lookup(&state, &uri, client, &mut retry_after).await,
            _ => None,
        },
        verify: match route {
            AppRoute::Verify => Some(verify(&state, uri.path(), client, &mut retry_after).await),
            _ => None,
        },
    };
    let bundle = state.template.bundle_for(route);
    let body = render_page_in(bundle, path_and_query, lang, &data);
    let json = (data != PageData::default())
        .then(|| serde_json::to_string(&data).ok())
        .flatten();
    let html = state
        .template
        .render(bundle, lang, &route.title(lang), &body, json.as_deref());
    let unknown_document = data
        .verify
        .as_ref()
        .is_some_and(|v| v.outcome == VerifyOutcome::NotFound);
    // Pages that may show personal data are kept by no cache: the reader's drafts and dossiers, a
    // look-up with a code or a query, a verified document. The others are revalidated: they carry the
    // current script names and the reader's language.
    let private = route.is_private()
        || uri.query().is_some_and(|q| !q.is_empty())
        || (route == AppRoute::Lookup && uri.path().trim_end_matches('/') != "/tra-cuu");
    let cache_control = if private {
        "no-store, private"
    } else {
        "no-cache"
    };
    let status = if retry_after.is_some() {
        StatusCode::TOO_MANY_REQUESTS
    } else if route.is_found() && !unknown_document {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    // A revalidated page carries a validator: the service worker's install fetches the home page the
    // reader has just loaded, and gets "304 Not Modified" instead of the page again. Weak, since the
    // compression layer sends other bytes for the same page.
    // The 304 repeats the page's policy: a browser puts a 304's headers in place of the stored ones, and
    // without it the security layer would add the files' `default-src 'none'`.
    let csp = HeaderValue::from_str(state.template.csp(bundle))
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"));
    let etag = (!private && status == StatusCode::OK).then(|| page_etag(&html));
    if let Some(etag) = &etag
        && if_none_match(&headers, etag)
    {
        return (
            StatusCode::NOT_MODIFIED,
            [
                (header::ETAG, etag.clone()),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static(cache_control),
                ),
                (
                    header::VARY,
                    HeaderValue::from_static("Cookie, Accept-Encoding"),
                ),
                (header::CONTENT_SECURITY_POLICY, csp),
            ],
        )
            .into_response();
    }
    let mut response = (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static(cache_control),
            ),
            (
                header::VARY,
                HeaderValue::from_static("Cookie, Accept-Encoding"),
            ),
            (header::CONTENT_SECURITY_POLICY, csp),
        ],
        html,
    )
        .into_response();
    if let Some(etag) = etag {
        response.headers_mut().insert(header::ETAG, etag);
    }
    if let Some(wait) = retry_after
        && let Ok(v) = HeaderValue::from_str(&wait.to_string())
    {
        response.headers_mut().insert(header::RETRY_AFTER, v);
    }
    response
}

/// The weak validator of a rendered page: a hash of its HTML.
fn page_etag(html: &str) -> HeaderValue {
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(html.as_bytes());
    let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
    HeaderValue::from_str(&format!("W/\"{hex}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("W/\"0\""))
}

/// Whether the request's `If-None-Match` names this validator (weak comparison, or `*`).
fn if_none_match(headers: &axum::http::HeaderMap, etag: &HeaderValue) -> bool {
    let ours = etag.to_str().unwrap_or_default();
    let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| tag.trim() == "*" || opaque(tag) == opaque(ours))
}

/// The document a `/verify/{code}` URL names, as the API would answer it; over the address's allowance
/// (counted with the API's), "too many" and the seconds to wait in `retry_after`.
async fn verify(
    state: &AppState,
    path: &str,
    client: Option<std::net::IpAddr>,
    retry_after: &mut Option<u64>,
) -> Verify {
    let code = path
        .strip_prefix("/verify/")
        .unwrap_or_default()
        .trim_end_matches('/')
        .to_owned();
    if let Err(wait) = state.lookup_limiter.check(client) {
        *retry_after = Some(wait);
        return Verify {
            code,
            outcome: VerifyOutcome::RateLimited,
        };
    }
    let outcome = match crate::routes::verify::find(state, &code).await {
        Ok(Some(document)) => VerifyOutcome::Found(Box::new(document)),
        Ok(None) => VerifyOutcome::NotFound,
        Err(error) => {
            tracing::error!(error = %error, "verification page failed");
            VerifyOutcome::Unavailable
        }
    };
    Verify { code, outcome }
}

/// The look-up a `/tra-cuu?code=…` URL asks for, as the API answers it to anyone: the public view (the
/// owner's details come from the API once the page runs); over the address's allowance, "too many" and
/// the seconds to wait in `retry_after`.
async fn lookup(
    state: &AppState,
    uri: &Uri,
    client: Option<std::net::IpAddr>,
    retry_after: &mut Option<u64>,
) -> Option<Lookup> {
    #[derive(serde::Deserialize)]
    struct Query {
        code: Option<String>,
        phone: Option<String>,
    }
    let query: Query = serde_urlencoded::from_str(uri.query().unwrap_or_default()).ok()?;
    let code = query
        .code
        .or_else(|| uri.path().strip_prefix("/tra-cuu/").map(str::to_owned))
        .filter(|c| !c.trim().is_empty())?;
    let phone = query.phone.unwrap_or_default();
    let outcome = if let Err(wait) = state.lookup_limiter.check(client) {
        *retry_after = Some(wait);
        LookupOutcome::RateLimited
    } else {
        match crate::routes::dossiers::status_of(state, &code, false).await {
            Ok(status) => LookupOutcome::Found(Box::new(status)),
            Err(crate::error::AppError::NotFound) => LookupOutcome::NotFound,
            Err(error) => {
                tracing::error!(error = %error, "look-up page failed");
                LookupOutcome::Unavailable
            }
        }
    };
    Some(Lookup {
        code,
        phone,
        outcome,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const INDEX: &str = r#"<!doctype html><html lang="vi"><head><title>Một cửa</title><script type="module" src="/x.js"></script></head><body class="b"><noscript>JS</noscript></body></html>"#;

    #[test]
    fn template_puts_lang_title_and_body_in_place() {
        let t = Template::parse(INDEX).expect("parse");
        let html = t.render(Lang::En, "A & B", "<h1>Hi</h1>", None);
        assert_eq!(
            html,
            r#"<!doctype html><html lang="en"><head><title>A &amp; B</title><script type="module" src="/x.js"></script></head><body class="b"><h1>Hi</h1></body></html>"#
        );
        let with_data = t.render(Lang::Vi, "t", "", Some(r#"{"a":"</script>"}"#));
        assert!(
            with_data.contains(r#"<script type="application/json" id="motcua-page-data">{"a":"<\/script>"}</script></head>"#),
            "{with_data}"
        );
    }

    #[test]
    fn csp_allows_the_inline_loader_by_its_hash_and_nothing_else_inline() {
        let html = r#"<html lang="vi"><head><title>t</title><script type="module">import init from '/a.js';</script><script src="/b.js"></script></head><body></body></html>"#;
        let t = Template::parse(html).expect("parse");
        // echo -n "import init from '/a.js';" | openssl dgst -sha256 -binary | base64
        assert!(
            t.csp()
                .contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-"),
            "{}",
            t.csp()
        );
        assert_eq!(
            t.csp().matches("'sha256-").count(),
            1,
            "only the inline script"
        );
        assert!(!t.csp().contains("unsafe-inline"));
        assert!(t.csp().contains("frame-ancestors 'none'"));
    }

    #[test]
    fn template_without_markers_is_refused() {
        assert!(PageTemplate::parse("<html><body></body></html>").is_err());
        assert!(PageTemplate::parse(r#"<html lang="vi"><title>x</title></html>"#).is_err());
    }

    #[test]
    fn home_renders_the_four_procedures_in_vietnamese() {
        let html = render_page("/", Lang::Vi, &PageData::default());
        for procedure in domain::Procedure::ALL {
            assert!(
                html.contains(procedure.name(Lang::Vi)),
                "{procedure:?} missing in {html}"
            );
        }
        assert!(
            html.contains("English"),
            "the language switch offers English"
        );
    }

    #[test]
    fn procedure_page_renders_its_requirements_in_english() {
        let p = domain::Procedure::HkdTermination;
        let html = render_page(
            &AppRoute::Procedure(p).path(),
            Lang::En,
            &PageData::default(),
        );
        assert!(html.contains(p.name(Lang::En)), "{html}");
        assert!(html.contains("NĐ 168/2025/NĐ-CP art. 104"), "{html}");
        assert!(html.contains("Tiếng Việt"), "the switch offers Vietnamese");
    }

    #[test]
    fn the_public_bundle_serves_public_pages_when_its_template_is_built() {
        let full = INDEX.replace("/x.js", "/full.js");
        let public = INDEX.replace("/x.js", "/public.js");
        let both = PageTemplate {
            full: Template::parse(&full).expect("full"),
            public: Some(Template::parse(&public).expect("public")),
        };
        assert_eq!(both.bundle_for(AppRoute::Home), Bundle::Public);
        assert_eq!(both.bundle_for(AppRoute::MyDossiers), Bundle::Full);
        assert!(
            both.render(Bundle::Public, Lang::Vi, "t", "", None)
                .contains("/public.js")
        );
        assert!(
            both.render(Bundle::Full, Lang::Vi, "t", "", None)
                .contains("/full.js")
        );
        assert_ne!(both.csp(Bundle::Public), "");
        let only_full = PageTemplate::parse(&full).expect("only full");
        assert_eq!(only_full.bundle_for(AppRoute::Home), Bundle::Full);
        assert!(
            only_full
                .render(Bundle::Public, Lang::Vi, "t", "", None)
                .contains("/full.js")
        );
    }

    #[test]
    fn unknown_path_renders_not_found() {
        let html = render_page("/thu-tuc/khong-co", Lang::Vi, &PageData::default());
        assert!(html.contains("Không tìm thấy trang"), "{html}");
    }
}
