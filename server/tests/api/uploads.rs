//! Resumable, idempotent uploads addressed by SHA-256, on both databases.

use axum::http::StatusCode;
use sha2::{Digest as _, Sha256};

use crate::{
    helpers::{Engine, TestDb, TestServer, body_json, both_backends, header, send},
    signin::Session,
};

both_backends!(
    a_whole_upload_is_stored_and_sending_it_again_is_a_no_op,
    an_upload_cut_in_the_middle_resumes_and_the_stored_file_matches_its_hash,
    a_program_renamed_to_jpg_is_refused_by_its_content,
    a_jpeg_with_gps_exif_is_stored_without_it,
    a_file_that_does_not_match_its_hash_or_is_too_large_is_refused,
    nobody_uploads_without_signing_in,
    another_persons_chunk_of_another_size_does_not_block_the_real_upload,
    ones_own_chunks_of_another_size_start_the_upload_over,
    a_hash_alone_neither_reveals_nor_attaches_another_persons_file,
    the_daily_allowance_holds_against_parallel_uploads,
    the_sweep_removes_old_chunks_and_unattached_files_but_not_attached_ones,
    a_request_over_the_memory_budget_waits_then_is_told_to_come_back,
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

/// The stored copy of a file (`files/<sha256>.<random>`).
fn stored(t: &TestDb, hash: &str) -> Vec<u8> {
    let dir = t.dir.path().join("data/files/files");
    let found = std::fs::read_dir(&dir)
        .expect("the files directory")
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().starts_with(hash))
        .unwrap_or_else(|| panic!("no stored copy of {hash}"));
    std::fs::read(found.path()).expect("stored file")
}

/// Every file under the data directory's `files/<sub>` (recursively).
fn files_under(t: &TestDb, sub: &str) -> Vec<std::path::PathBuf> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
        {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&t.dir.path().join("data/files").join(sub), &mut out);
    out
}

/// A citizen's session headers followed by `extra`.
fn as_<'a>(who: &'a Session, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut headers = who.headers().to_vec();
    headers.extend_from_slice(extra);
    headers
}

const PHONE: &str = "0912345678";

async fn a_whole_upload_is_stored_and_sending_it_again_is_a_no_op(engine: Engine) {
    // Arrange
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    let who = app.citizen(PHONE).await;
    let file = pdf(3_000);
    let hash = sha(&file);
    // Act
    let first = send(&app, "PUT", &url(&hash), &as_(&who, &[]), file.clone()).await;
    let again = send(&app, "PUT", &url(&hash), &as_(&who, &[]), file.clone()).await;
    let status = send(&app, "GET", &url(&hash), &as_(&who, &[]), vec![]).await;
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
    let who = app.citizen(PHONE).await;
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
        &as_(&who, &[("content-range", &range(0, 40_000))]),
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
        &as_(&who, &[("content-range", &range(60_000, 70_000))]),
        chunk(60_000, 70_000),
    )
    .await;
    assert_eq!(ahead.status(), StatusCode::CONFLICT);
    let status = send(&app, "GET", &url(&hash), &as_(&who, &[]), vec![]).await;
    assert_eq!(header(&status, "upload-offset"), "40000");
    // The phone resends from a little earlier (overlap), then the first chunk again (a duplicate).
    let resumed = send(
        &app,
        "PUT",
        &url(&hash),
        &as_(&who, &[("content-range", &range(30_000, 80_000))]),
        chunk(30_000, 80_000),
    )
    .await;
    assert_eq!(resumed.status(), StatusCode::ACCEPTED);
    assert_eq!(header(&resumed, "upload-offset"), "80000");
    let duplicate = send(
        &app,
        "PUT",
        &url(&hash),
        &as_(&who, &[("content-range", &range(0, 40_000))]),
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
        &as_(&who, &[("content-range", &range(80_000, total))]),
        chunk(80_000, total),
    )
    .await;

    // Assert
    assert_eq!(last.status(), StatusCode::CREATED);
    let kept = stored(&t, &hash);
    assert_eq!(sha(&kept), hash, "the stored file's hash matches");
    assert!(
        files_under(&t, "partial").is_empty(),
        "the chunks are removed once joined"
    );
    t.teardown().await;
}

async fn a_program_renamed_to_jpg_is_refused_by_its_content(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    let who = app.citizen(PHONE).await;
    let mut exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff".to_vec();
    exe.extend_from_slice(&[0u8; 2_000]);
    let hash = sha(&exe);
    let res = send(
        &app,
        "PUT",
        &url(&hash),
        &as_(
            &who,
            &[
                ("content-type", "image/jpeg"),
                (
                    "content-disposition",
                    "attachment; filename=\"anh-cccd.jpg\"",
                ),
            ],
        ),
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
    let status = send(&app, "GET", &url(&hash), &as_(&who, &[]), vec![]).await;
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
    let who = app.citizen(PHONE).await;
    let photo = jpeg_with_gps();
    let hash = sha(&photo);
    let res = send(&app, "PUT", &url(&hash), &as_(&who, &[]), photo.clone()).await;
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
    let who = app.citizen(PHONE).await;

    let file = pdf(1_000);
    let wrong = sha(b"something else");
    let res = send(
        &app,
        "PUT",
        &url(&wrong),
        &as_(&who, &[("accept-language", "en-US,en;q=0.9")]),
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
    let res = send(&app, "PUT", &url(&sha(&big)), &as_(&who, &[]), big).await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let announced = send(
        &app,
        "PUT",
        &url(&sha(b"x")),
        &as_(&who, &[("content-range", "bytes 0-9/9000000")]),
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
        &as_(&who, &[]),
        b"%PDF-".to_vec(),
    )
    .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    t.teardown().await;
}

async fn nobody_uploads_without_signing_in(engine: Engine) {
    // Arrange
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    let file = pdf(2_000);
    let hash = sha(&file);
    // Act
    let put = send(&app, "PUT", &url(&hash), &[], file).await;
    let get = send(&app, "GET", &url(&hash), &[], vec![]).await;
    // Assert
    assert_eq!(put.status(), StatusCode::UNAUTHORIZED);
    let body = body_json(put).await;
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("Đăng nhập để gửi tệp"),
        "{body}"
    );
    assert_eq!(get.status(), StatusCode::UNAUTHORIZED);
    assert!(files_under(&t, "").is_empty(), "nothing was kept");
    t.teardown().await;
}

async fn another_persons_chunk_of_another_size_does_not_block_the_real_upload(engine: Engine) {
    // Arrange: a stranger who learnt the hash of the owner's document sends a first "chunk" stating
    // another total size.
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    let owner = app.citizen(PHONE).await;
    let stranger = app.citizen("0987654321").await;
    let file = pdf(20_000);
    let hash = sha(&file);
    let poison = send(
        &app,
        "PUT",
        &url(&hash),
        &as_(&stranger, &[("content-range", "bytes 0-9/999999")]),
        vec![b'%'; 10],
    )
    .await;
    assert_eq!(poison.status(), StatusCode::ACCEPTED);
    // Act: the owner's phone sends the real file, whole and then in chunks.
    let whole = send(&app, "PUT", &url(&hash), &as_(&owner, &[]), file.clone()).await;
    // Assert
    assert_eq!(
        whole.status(),
        StatusCode::CREATED,
        "{}",
        body_json(whole).await
    );
    assert_eq!(sha(&stored(&t, &hash)), hash);
    t.teardown().await;
}

async fn ones_own_chunks_of_another_size_start_the_upload_over(engine: Engine) {
    // Arrange: the phone sent a first chunk of an older copy stating another total.
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    let who = app.citizen(PHONE).await;
    let file = pdf(20_000);
    let hash = sha(&file);
    let old = send(
        &app,
        "PUT",
        &url(&hash),
        &as_(&who, &[("content-range", "bytes 0-9/30000")]),
        vec![b'%'; 10],
    )
    .await;
    assert_eq!(old.status(), StatusCode::ACCEPTED);
    // Act
    let whole = send(&app, "PUT", &url(&hash), &as_(&who, &[]), file.clone()).await;
    // Assert: accepted (before, 409 for ever: the phone's outbox retried the dossier without end).
    assert_eq!(whole.status(), StatusCode::CREATED);
    assert!(files_under(&t, "partial").is_empty(), "no chunk is left");
    t.teardown().await;
}

async fn a_hash_alone_neither_reveals_nor_attaches_another_persons_file(engine: Engine) {
    // Arrange: the owner uploads an heir's death certificate.
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    let owner = app.citizen(PHONE).await;
    let file = pdf(3_000);
    let hash = sha(&file);
    let put = send(&app, "PUT", &url(&hash), &as_(&owner, &[]), file.clone()).await;
    assert_eq!(put.status(), StatusCode::CREATED);
    crate::helpers::seed_business(&t, "051085012345", "0987654321").await;
    let stranger = app.citizen("0987654321").await;

    // Act: the stranger asks for the file by its hash, and attaches it to a dossier of theirs.
    let status = send(&app, "GET", &url(&hash), &as_(&stranger, &[]), vec![]).await;
    let mut body = crate::dossiers::termination_of("0987654321");
    body["form"]["signatory"] = serde_json::json!("heir");
    body["form"]["filer"] = serde_json::json!("heir");
    body["form"]["attachments"] = serde_json::json!([{
        "kind": "death_certificate_or_court_decision",
        "media_type": "application/pdf",
        "size_bytes": file.len(),
        "sha256": hash,
        "file_name": "giay-chung-tu.pdf"
    }]);
    let submitted = send(
        &app,
        "POST",
        "/api/v1/dossiers",
        &crate::helpers::submit_headers(&stranger, &uuid::Uuid::new_v4().to_string()),
        serde_json::to_vec(&body).expect("JSON"),
    )
    .await;

    // Assert: as if it were not here; refused as a file never sent.
    assert_eq!(status.status(), StatusCode::NOT_FOUND);
    assert_eq!(submitted.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused = body_json(submitted).await;
    assert_eq!(
        refused["fields"][0]["path"], "form.attachments[0].sha256",
        "{refused}"
    );
    // Once they send the bytes themselves, it is theirs to attach too (stored once).
    let theirs = send(&app, "PUT", &url(&hash), &as_(&stranger, &[]), file).await;
    assert_eq!(theirs.status(), StatusCode::CREATED);
    let submitted = send(
        &app,
        "POST",
        "/api/v1/dossiers",
        &crate::helpers::submit_headers(&stranger, &uuid::Uuid::new_v4().to_string()),
        serde_json::to_vec(&body).expect("JSON"),
    )
    .await;
    assert_eq!(
        submitted.status(),
        StatusCode::CREATED,
        "{}",
        body_json(submitted).await
    );
    assert_eq!(files_under(&t, "files").len(), 1, "one stored copy");
    t.teardown().await;
}

async fn the_daily_allowance_holds_against_parallel_uploads(engine: Engine) {
    // Arrange: an allowance of 50 kB a day; 20 different files of about 5 kB sent at once.
    let t = TestDb::new(engine).await;
    let app = TestServer::start_with(
        &t,
        server::Limits {
            upload_bytes_per_day: 50_000,
            ..crate::helpers::unlimited()
        },
    )
    .await;
    let who = app.citizen(PHONE).await;
    let files: Vec<Vec<u8>> = (0..20)
        .map(|i| {
            let mut f = pdf(5_000);
            f.extend_from_slice(format!("{i:04}").as_bytes());
            f
        })
        .collect();
    let size = files[0].len();

    // Act
    let answers = futures::future::join_all(files.iter().map(|f| {
        let (app, who) = (&app, &who);
        async move { send(app, "PUT", &url(&sha(f)), &as_(who, &[]), f.clone()).await }
    }))
    .await;

    // Assert: what fits in the allowance, no more; the rest told when to come back.
    let accepted = answers
        .iter()
        .filter(|r| r.status() == StatusCode::CREATED)
        .count();
    let refused: Vec<_> = answers
        .iter()
        .filter(|r| r.status() == StatusCode::TOO_MANY_REQUESTS)
        .collect();
    assert_eq!(accepted + refused.len(), 20);
    assert_eq!(
        accepted,
        50_000 / size,
        "exactly what fits: {accepted} of 20"
    );
    assert!(refused.iter().all(|r| !header(r, "retry-after").is_empty()));
    assert_eq!(files_under(&t, "files").len(), accepted);
    // Another person has an allowance of their own.
    let other = app.citizen("0987654321").await;
    let res = send(
        &app,
        "PUT",
        &url(&sha(&files[19])),
        &as_(&other, &[]),
        files[19].clone(),
    )
    .await;
    assert!(res.status().is_success(), "{}", res.status());
    t.teardown().await;
}

async fn the_sweep_removes_old_chunks_and_unattached_files_but_not_attached_ones(engine: Engine) {
    // Arrange: an upload left half way, a file never attached, and a file a dossier holds.
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    let who = app.citizen(PHONE).await;
    let half = pdf(20_000);
    let res = send(
        &app,
        "PUT",
        &url(&sha(&half)),
        &as_(
            &who,
            &[("content-range", &format!("bytes 0-9999/{}", half.len()))],
        ),
        half[..10_000].to_vec(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let lonely = pdf(3_000);
    let res = send(
        &app,
        "PUT",
        &url(&sha(&lonely)),
        &as_(&who, &[]),
        lonely.clone(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let kept = pdf(4_000);
    let res = send(
        &app,
        "PUT",
        &url(&sha(&kept)),
        &as_(&who, &[]),
        kept.clone(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    crate::helpers::seed_business(&t, "051085012345", PHONE).await;
    let mut body = crate::dossiers::termination_of(PHONE);
    body["form"]["signatory"] = serde_json::json!("heir");
    body["form"]["filer"] = serde_json::json!("heir");
    body["form"]["attachments"] = serde_json::json!([{
        "kind": "death_certificate_or_court_decision",
        "media_type": "application/pdf",
        "size_bytes": kept.len(),
        "sha256": sha(&kept),
        "file_name": "giay-chung-tu.pdf"
    }]);
    let res = send(
        &app,
        "POST",
        "/api/v1/dossiers",
        &crate::helpers::submit_headers(&who, &uuid::Uuid::new_v4().to_string()),
        serde_json::to_vec(&body).expect("JSON"),
    )
    .await;
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "{}",
        body_json(res).await
    );
    let storage = server::Storage::local(&t.dir.path().join("data/files")).expect("storage");

    // Act: today nothing is old; eight days on, both stale things are.
    let today = server::upload_sweep(t.db.as_ref(), &storage, chrono::Utc::now())
        .await
        .expect("sweep");
    let later = server::upload_sweep(
        t.db.as_ref(),
        &storage,
        chrono::Utc::now() + server::UNATTACHED_TTL + chrono::TimeDelta::days(1),
    )
    .await
    .expect("sweep");

    // Assert
    assert_eq!(
        today,
        server::UploadSweep::default(),
        "nothing is removed early"
    );
    assert_eq!(
        later,
        server::UploadSweep {
            chunks: 1,
            files: 1
        }
    );
    assert!(files_under(&t, "partial").is_empty());
    let left = files_under(&t, "files");
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(
        sha(&stored(&t, &sha(&kept))),
        sha(&kept),
        "the attached file stays"
    );
    assert!(
        t.db.find_upload(&sha(&lonely))
            .await
            .expect("query")
            .is_none()
    );
    let status = send(&app, "GET", &url(&sha(&lonely)), &as_(&who, &[]), vec![]).await;
    assert_eq!(
        status.status(),
        StatusCode::NOT_FOUND,
        "the phone would send it again"
    );
    t.teardown().await;
}

async fn a_request_over_the_memory_budget_waits_then_is_told_to_come_back(engine: Engine) {
    use tokio::io::AsyncWriteExt as _;
    // Arrange: 100 kB for all uploads at once; a slow phone has announced 90 kB and sent half.
    let t = TestDb::new(engine).await;
    let app = TestServer::start_with(
        &t,
        server::Limits {
            upload_memory_bytes: 100_000,
            ..crate::helpers::unlimited()
        },
    )
    .await;
    let who = app.citizen(PHONE).await;
    let slow_file = pdf(90_000);
    let mut slow = tokio::net::TcpStream::connect(app.addr())
        .await
        .expect("connect");
    let head = format!(
        "PUT {} HTTP/1.1\r\nHost: {}\r\nCookie: {}\r\nX-CSRF-Token: {}\r\nContent-Length: {}\r\n\r\n",
        url(&sha(&slow_file)),
        app.addr(),
        who.cookie,
        who.csrf,
        slow_file.len()
    );
    slow.write_all(head.as_bytes()).await.expect("head");
    slow.write_all(&slow_file[..45_000]).await.expect("half");
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;

    // Act: another upload of 20 kB meanwhile.
    let other = pdf(20_000);
    let res = send(
        &app,
        "PUT",
        &url(&sha(&other)),
        &as_(&who, &[]),
        other.clone(),
    )
    .await;

    // Assert: no room came within the wait: told to come back, without the server holding more.
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(!header(&res, "retry-after").is_empty());
    drop(slow);
    // With the slow phone gone, the same upload goes through.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let res = send(&app, "PUT", &url(&sha(&other)), &as_(&who, &[]), other).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    t.teardown().await;
}
