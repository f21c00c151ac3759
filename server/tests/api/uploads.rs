//! Resumable, idempotent uploads addressed by SHA-256, on both databases.

use axum::http::StatusCode;
use sha2::{Digest as _, Sha256};

use crate::helpers::{Engine, TestDb, TestServer, body_json, both_backends, header, send};

both_backends!(
    a_whole_upload_is_stored_and_sending_it_again_is_a_no_op,
    an_upload_cut_in_the_middle_resumes_and_the_stored_file_matches_its_hash,
    a_program_renamed_to_jpg_is_refused_by_its_content,
    a_jpeg_with_gps_exif_is_stored_without_it,
    a_file_that_does_not_match_its_hash_or_is_too_large_is_refused,
);

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn pdf(len: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.extend((0..len).map(|i| b"0123456789abcdef\n"[i % 17]));
    bytes.extend_from_slice(b"\n%%EOF\n");
    bytes
}

fn url(hash: &str) -> String {
    format!("/api/v1/uploads/{hash}")
}

fn stored(t: &TestDb, hash: &str) -> Vec<u8> {
    std::fs::read(t.dir.path().join("data/files/files").join(hash)).expect("stored file")
}

async fn a_whole_upload_is_stored_and_sending_it_again_is_a_no_op(engine: Engine) {
    // Arrange
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    let file = pdf(3_000);
    let hash = sha(&file);
    // Act
    let first = send(&app, "PUT", &url(&hash), &[], file.clone()).await;
    let again = send(&app, "PUT", &url(&hash), &[], file.clone()).await;
    let status = send(&app, "GET", &url(&hash), &[], vec![]).await;
    // Assert
    assert_eq!(first.status(), StatusCode::CREATED);
    assert_eq!(
        again.status(),
        StatusCode::OK,
        "a completed upload sent again is a no-op"
    );
    assert_eq!(status.status(), StatusCode::OK);
    let body = body_json(status).await;
    assert_eq!(body["complete"], true);
    assert_eq!(body["media_type"], "application/pdf");
    assert_eq!(body["received"], file.len());
    assert_eq!(stored(&t, &hash), file, "a PDF is stored byte for byte");
    t.teardown().await;
}

async fn an_upload_cut_in_the_middle_resumes_and_the_stored_file_matches_its_hash(engine: Engine) {
    // Arrange
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    let file = pdf(100_000);
    let hash = sha(&file);
    let total = file.len();
    let range = |s: usize, e: usize| format!("bytes {s}-{}/{total}", e - 1);
    let chunk = |s: usize, e: usize| file[s..e].to_vec();

    // Act: the first 40 kB arrive, then the connection drops.
    let first = send(
        &app,
        "PUT",
        &url(&hash),
        &[("content-range", &range(0, 40_000))],
        chunk(0, 40_000),
    )
    .await;
    assert_eq!(first.status(), StatusCode::ACCEPTED);
    assert_eq!(header(&first, "upload-offset"), "40000");
    // A chunk that skips ahead is refused, and the server says where to resume.
    let ahead = send(
        &app,
        "PUT",
        &url(&hash),
        &[("content-range", &range(60_000, 70_000))],
        chunk(60_000, 70_000),
    )
    .await;
    assert_eq!(ahead.status(), StatusCode::CONFLICT);
    let status = send(&app, "GET", &url(&hash), &[], vec![]).await;
    assert_eq!(header(&status, "upload-offset"), "40000");
    // The phone resends from a little earlier (overlap), then the first chunk again (a duplicate).
    let resumed = send(
        &app,
        "PUT",
        &url(&hash),
        &[("content-range", &range(30_000, 80_000))],
        chunk(30_000, 80_000),
    )
    .await;
    assert_eq!(resumed.status(), StatusCode::ACCEPTED);
    assert_eq!(header(&resumed, "upload-offset"), "80000");
    let duplicate = send(
        &app,
        "PUT",
        &url(&hash),
        &[("content-range", &range(0, 40_000))],
        chunk(0, 40_000),
    )
    .await;
    assert_eq!(
        header(&duplicate, "upload-offset"),
        "80000",
        "a duplicate adds nothing"
    );
    let last = send(
        &app,
        "PUT",
        &url(&hash),
        &[("content-range", &range(80_000, total))],
        chunk(80_000, total),
    )
    .await;

    // Assert
    assert_eq!(last.status(), StatusCode::CREATED);
    let kept = stored(&t, &hash);
    assert_eq!(sha(&kept), hash, "the stored file's hash matches");
    let leftovers = t.dir.path().join("data/files/partial").join(&hash);
    assert!(
        !leftovers.exists() || std::fs::read_dir(&leftovers).expect("dir").next().is_none(),
        "the chunks are removed once joined"
    );
    t.teardown().await;
}

async fn a_program_renamed_to_jpg_is_refused_by_its_content(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    let mut exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff".to_vec();
    exe.extend_from_slice(&[0u8; 2_000]);
    let hash = sha(&exe);
    let res = send(
        &app,
        "PUT",
        &url(&hash),
        &[
            ("content-type", "image/jpeg"),
            (
                "content-disposition",
                "attachment; filename=\"anh-cccd.jpg\"",
            ),
        ],
        exe,
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let body = body_json(res).await;
    assert_eq!(body["code"], "unsupported_media_type");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("Chỉ nhận tệp PDF"),
        "{body}"
    );
    let status = send(&app, "GET", &url(&hash), &[], vec![]).await;
    assert_eq!(
        status.status(),
        StatusCode::NOT_FOUND,
        "nothing of it is kept"
    );
    t.teardown().await;
}

/// A small baseline JPEG whose APP1 segment carries EXIF with GPS coordinates.
fn jpeg_with_gps() -> Vec<u8> {
    let mut j = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
    j.extend_from_slice(b"JFIF\0\x01\x01\x00\x00\x01\x00\x01\x00\x00");
    let exif = b"Exif\0\0MM\0*\0\0\0\x08GPSLatitude=15.3800N;GPSLongitude=109.1200E";
    j.extend_from_slice(&[0xFF, 0xE1]);
    j.extend_from_slice(&u16::try_from(exif.len() + 2).expect("small").to_be_bytes());
    j.extend_from_slice(exif);
    j.extend_from_slice(&[
        0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x10, 0x00, 0x10, 0x01, 0x01, 0x11, 0x00,
    ]);
    j.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00]);
    j.extend_from_slice(&[0x12, 0x34, 0x56, 0x78, 0xFF, 0xD9]);
    j
}

async fn a_jpeg_with_gps_exif_is_stored_without_it(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    let photo = jpeg_with_gps();
    let hash = sha(&photo);
    let res = send(&app, "PUT", &url(&hash), &[], photo.clone()).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let kept = stored(&t, &hash);
    let contains = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
    assert!(!contains(&kept, b"GPSLatitude"), "GPS removed");
    assert!(!contains(&kept, b"Exif"), "EXIF removed");
    assert!(
        kept.starts_with(&[0xFF, 0xD8]) && kept.ends_with(&[0xFF, 0xD9]),
        "still a JPEG"
    );
    assert!(kept.len() < photo.len());
    t.teardown().await;
}

async fn a_file_that_does_not_match_its_hash_or_is_too_large_is_refused(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start_with(
        &t,
        server::Limits {
            max_file_bytes: 50_000,
            ..server::Limits::default()
        },
    )
    .await;

    let file = pdf(1_000);
    let wrong = sha(b"something else");
    let res = send(
        &app,
        "PUT",
        &url(&wrong),
        &[("accept-language", "en-US,en;q=0.9")],
        file,
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = body_json(res).await;
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("does not match its SHA-256"),
        "{body}"
    );

    let big = pdf(60_000);
    let res = send(&app, "PUT", &url(&sha(&big)), &[], big).await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let announced = send(
        &app,
        "PUT",
        &url(&sha(b"x")),
        &[("content-range", "bytes 0-9/9000000")],
        vec![b'%'; 10],
    )
    .await;
    assert_eq!(
        announced.status(),
        StatusCode::PAYLOAD_TOO_LARGE,
        "an announced total over the limit is refused at once"
    );

    let bad = send(
        &app,
        "PUT",
        "/api/v1/uploads/not-a-hash",
        &[],
        b"%PDF-".to_vec(),
    )
    .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    t.teardown().await;
}
