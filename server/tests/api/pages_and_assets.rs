//! Server-rendered pages, the built app's files, caching and compression, from the real `motcua serve`
//! (migrations, first administrator, template) over HTTP.

use axum::http::StatusCode;
use domain::{Lang, Procedure};

use crate::helpers::{Engine, TestDb, TestServer, body_text, get, header};

#[tokio::test]
async fn home_is_server_rendered_in_vietnamese_with_the_four_procedures() {
    // Arrange
    let t = TestDb::new(Engine::Sqlite).await;
    let app = TestServer::start(&t).await;
    // Act
    let res = get(&app, "/", &[]).await;
    // Assert
    assert!(
        app.first_admin_password
            .as_ref()
            .is_some_and(|p| p.len() >= 20),
        "the first start prints an administrator's password"
    );
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header(&res, "content-type"), "text/html; charset=utf-8");
    assert_eq!(header(&res, "cache-control"), "no-cache");
    let html = body_text(res).await;
    assert!(html.contains(r#"<html lang="vi">"#), "{html}");
    assert!(
        html.contains("<title>Dịch vụ công trực tuyến — Một cửa Quảng Ngãi</title>"),
        "{html}"
    );
    for p in Procedure::ALL {
        assert!(html.contains(p.name(Lang::Vi)), "{p:?} is missing: {html}");
    }
    assert!(
        html.contains("import init from '/motcua-public-0123456789abcdef.js'"),
        "the public pages' bundle is in the page"
    );
    t.teardown().await;
}

#[tokio::test]
async fn revalidated_pages_answer_304_to_their_validator_and_stored_ones_carry_none() {
    let t = TestDb::new(Engine::Sqlite).await;
    let app = TestServer::start(&t).await;
    // Arrange: the home page as the reader loaded it.
    let first = get(&app, "/", &[]).await;
    let etag = header(&first, "etag").to_owned();
    assert!(etag.starts_with("W/\""), "a weak validator: {etag:?}");
    // Act: the service worker's install asks again with it (in any case or compressed, it is the same).
    let again = get(&app, "/", &[("if-none-match", &etag)]).await;
    let br = get(
        &app,
        "/",
        &[("if-none-match", &etag), ("accept-encoding", "br")],
    )
    .await;
    let english = get(
        &app,
        "/",
        &[("if-none-match", &etag), ("cookie", "lang=en")],
    )
    .await;
    // Assert
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&again, "etag"), etag);
    assert_eq!(header(&again, "cache-control"), "no-cache");
    assert_eq!(
        header(&again, "content-security-policy"),
        header(&first, "content-security-policy"),
        "a 304's headers replace the stored ones: the page's policy, not the files' default"
    );
    assert!(body_text(again).await.is_empty());
    assert_eq!(br.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(
        english.status(),
        StatusCode::OK,
        "another language is another page"
    );
    assert_ne!(header(&english, "etag"), etag);
    for path in [
        "/ho-so",
        "/tra-cuu?code=x&phone=0912345678",
        "/khong-co-trang-nay",
    ] {
        let res = get(&app, path, &[("if-none-match", "*")]).await;
        assert_ne!(res.status(), StatusCode::NOT_MODIFIED, "{path}");
        assert_eq!(header(&res, "etag"), "", "{path}");
    }
    t.teardown().await;
}

#[tokio::test]
async fn app_pages_take_the_full_bundle_and_pages_with_personal_data_are_not_stored() {
    let t = TestDb::new(Engine::Sqlite).await;
    let app = TestServer::start(&t).await;
    for path in [
        "/ho-so",
        "/ho-so/abc",
        "/soan/abc/ten",
        "/nop/dang-ky-ho-kinh-doanh",
        "/thong-bao",
    ] {
        let res = get(&app, path, &[]).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(header(&res, "cache-control"), "no-store, private", "{path}");
        let html = body_text(res).await;
        assert!(
            html.contains("import init from '/motcua-web-0123456789abcdef.js'"),
            "{path} loads the full app: {html}"
        );
    }
    for path in [
        "/tra-cuu/21025-261123-0001",
        "/tra-cuu?code=x&phone=0912345678",
        "/?q=1",
    ] {
        let res = get(&app, path, &[]).await;
        assert_eq!(header(&res, "cache-control"), "no-store, private", "{path}");
        assert!(
            body_text(res)
                .await
                .contains("/motcua-public-0123456789abcdef.js"),
            "{path} is a public page"
        );
    }
    for path in ["/tra-cuu", "/thu-tuc/dang-ky-ho-kinh-doanh", "/"] {
        let res = get(&app, path, &[]).await;
        assert_eq!(header(&res, "cache-control"), "no-cache", "{path}");
    }
    t.teardown().await;
}

#[tokio::test]
async fn the_lang_cookie_makes_the_server_render_english() {
    let t = TestDb::new(Engine::Sqlite).await;
    let app = TestServer::start(&t).await;
    let res = get(&app, "/", &[("cookie", "theme=x; lang=en")]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = body_text(res).await;
    assert!(html.contains(r#"<html lang="en">"#), "{html}");
    assert!(
        html.contains("Registration of a household business"),
        "{html}"
    );
    t.teardown().await;
}

#[tokio::test]
async fn a_procedure_page_is_rendered_and_an_unknown_path_is_404_with_a_page() {
    let t = TestDb::new(Engine::Sqlite).await;
    let app = TestServer::start(&t).await;

    let res = get(&app, "/thu-tuc/dang-ky-ho-kinh-doanh", &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = body_text(res).await;
    assert!(html.contains("Hồ sơ cần chuẩn bị"), "{html}");
    assert!(html.contains("NĐ 168/2025/NĐ-CP art. 99"), "{html}");

    for path in [
        "/khong-co-trang-nay",
        "/thu-tuc/khong-co",
        "/index.html",
        "/public.html",
        "/missing.js",
    ] {
        let res = get(&app, path, &[]).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(
            body_text(res).await.contains("Không tìm thấy trang"),
            "{path}"
        );
    }
    t.teardown().await;
}

#[tokio::test]
async fn hashed_files_are_immutable_and_sent_precompressed() {
    let t = TestDb::new(Engine::Sqlite).await;
    let app = TestServer::start(&t).await;

    let res = get(
        &app,
        "/motcua-web-0123456789abcdef.js",
        &[("accept-encoding", "br, gzip")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        header(&res, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(header(&res, "content-encoding"), "br");
    assert_eq!(
        body_text(res).await,
        "pretend-brotli",
        "the .br copy is sent as it is"
    );

    let plain = get(&app, "/motcua-web-0123456789abcdef.js", &[]).await;
    assert_eq!(header(&plain, "content-encoding"), "");
    assert!(
        body_text(plain)
            .await
            .starts_with("export default function init()")
    );
    t.teardown().await;
}

#[tokio::test]
async fn unhashed_files_are_revalidated_and_pages_compressed_on_the_fly() {
    let t = TestDb::new(Engine::Sqlite).await;
    let app = TestServer::start(&t).await;

    let manifest = get(&app, "/manifest.webmanifest", &[]).await;
    assert_eq!(manifest.status(), StatusCode::OK);
    assert_eq!(header(&manifest, "cache-control"), "no-cache");

    let page = get(&app, "/", &[("accept-encoding", "gzip")]).await;
    assert_eq!(header(&page, "content-encoding"), "gzip");
    let page = get(&app, "/", &[("accept-encoding", "br")]).await;
    assert_eq!(header(&page, "content-encoding"), "br");
    assert!(
        !header(&page, "x-request-id").is_empty(),
        "every response carries a request id"
    );
    t.teardown().await;
}

#[tokio::test]
async fn responses_carry_security_headers_and_pages_a_strict_csp() {
    let t = TestDb::new(Engine::Sqlite).await;
    let app = TestServer::start(&t).await;

    let page = get(&app, "/", &[]).await;
    let csp = header(&page, "content-security-policy").to_owned();
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(header(&page, "x-content-type-options"), "nosniff");
    assert_eq!(
        header(&page, "referrer-policy"),
        "strict-origin-when-cross-origin"
    );
    assert_eq!(
        header(&page, "strict-transport-security"),
        "",
        "no HSTS over plain HTTP"
    );

    let api = get(&app, "/healthz", &[("x-forwarded-proto", "https")]).await;
    assert_eq!(
        header(&api, "content-security-policy"),
        "default-src 'none'; frame-ancestors 'none'"
    );
    assert!(
        header(&api, "strict-transport-security").starts_with("max-age="),
        "HSTS behind TLS"
    );
    t.teardown().await;
}
