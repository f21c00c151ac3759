//! The platform layer in a real browser (headless Chromium through `wasm-bindgen-test-runner` and
//! chromedriver): IndexedDB drafts, profile, statuses and attachment blobs; photo compression with EXIF
//! orientation; the outbox's idempotent enqueue and its waiting after a failed send; the stores of each
//! person (their own database, the anonymous drafts moving in at sign-in, removed at sign-out). Sending to the real
//! server is covered end to end by `tests/` (the runner's own server has no `/api/v1`).
//!
//! ```sh
//! CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
//!   cargo test -p motcua-app --features hydrate --target wasm32-unknown-unknown --test platform_browser
//! ```
//! (`wasm-bindgen-test-runner` 0.2.130 from xtask's tools cache on `PATH`, `chromedriver` on `PATH`.)

#![cfg(all(target_arch = "wasm32", feature = "hydrate"))]
#![expect(clippy::unwrap_used, reason = "tests")]

use app::platform::{
    PlatformError,
    files::{self, FileMeta},
    outbox::{self, OutboxState},
    owner::{self, Owner},
    store::{self, DraftStatus, SavedDraft},
};
use domain::{
    FormVersion, Procedure,
    api::{Applicant, SubmitDossier},
    attachments::DocumentKind,
    forms::{Draft, DraftId},
};
use js_sys::{Array, Uint8Array};
use leptos::prelude::GetUntracked as _;
use serde_json::json;
use wasm_bindgen::JsCast as _;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{
    Blob, CanvasRenderingContext2d, File, FilePropertyBag, HtmlCanvasElement, ImageBitmap,
};

wasm_bindgen_test_configure!(run_in_browser);

fn saved(procedure: Procedure, updated_at: &str, data: serde_json::Value) -> SavedDraft {
    let mut d = Draft::new(DraftId(store::new_id()), procedure);
    d.updated_at = updated_at.to_owned();
    d.data = data;
    SavedDraft::new(d)
}

fn file(bytes: &[u8], name: &str, media_type: &str) -> File {
    let options = FilePropertyBag::new();
    options.set_type(media_type);
    let parts = Array::of1(&Uint8Array::from(bytes));
    File::new_with_u8_array_sequence_and_options(&parts, name, &options).unwrap()
}

async fn bytes(blob: &Blob) -> Vec<u8> {
    let buffer = JsFuture::from(blob.array_buffer()).await.unwrap();
    Uint8Array::new(&buffer).to_vec()
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

/// A canvas drawn with a left half red and a right half blue, of the given size.
fn canvas(width: u32, height: u32) -> HtmlCanvasElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let canvas: HtmlCanvasElement = document.create_element("canvas").unwrap().unchecked_into();
    canvas.set_width(width);
    canvas.set_height(height);
    let ctx: CanvasRenderingContext2d = canvas.get_context("2d").unwrap().unwrap().unchecked_into();
    ctx.set_fill_style_str("#d00");
    ctx.fill_rect(0.0, 0.0, f64::from(width) / 2.0, f64::from(height));
    ctx.set_fill_style_str("#00d");
    ctx.fill_rect(
        f64::from(width) / 2.0,
        0.0,
        f64::from(width) / 2.0,
        f64::from(height),
    );
    canvas
}

async fn encode(canvas: &HtmlCanvasElement, media_type: &str) -> Vec<u8> {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        canvas.to_blob_with_type(&resolve, media_type).unwrap();
    });
    let blob: Blob = JsFuture::from(promise).await.unwrap().unchecked_into();
    bytes(&blob).await
}

async fn dimensions(blob: &Blob) -> (u32, u32) {
    let window = web_sys::window().unwrap();
    let bitmap: ImageBitmap = JsFuture::from(window.create_image_bitmap_with_blob(blob).unwrap())
        .await
        .unwrap()
        .unchecked_into();
    (bitmap.width(), bitmap.height())
}

/// An EXIF APP1 segment (big-endian TIFF) with only Orientation = `orientation`.
fn exif_orientation(orientation: u8) -> Vec<u8> {
    let mut tiff = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
    tiff.extend_from_slice(&[0x00, 0x01]); // one IFD entry
    tiff.extend_from_slice(&[0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01]); // Orientation, SHORT, 1
    tiff.extend_from_slice(&[0x00, orientation, 0x00, 0x00]);
    tiff.extend_from_slice(&[0x00, 0x00, 0x00, 0x00]); // no next IFD
    let mut payload = b"Exif\x00\x00".to_vec();
    payload.extend_from_slice(&tiff);
    let len = u16::try_from(payload.len() + 2).unwrap();
    let mut segment = vec![0xff, 0xe1];
    segment.extend_from_slice(&len.to_be_bytes());
    segment.extend_from_slice(&payload);
    segment
}

#[wasm_bindgen_test]
async fn drafts_are_saved_listed_newest_first_and_deleted_with_their_files() {
    let older = saved(
        Procedure::HkdRegistration,
        "2026-11-20T01:00:00.000Z",
        json!({"name": {"vietnamese": "Hộ kinh doanh Bánh Xèo Bà Ba"}}),
    );
    let newer = saved(
        Procedure::HkdTermination,
        "2026-11-23T01:00:00.000Z",
        json!({}),
    );
    store::put_draft(&older).await.unwrap();
    store::put_draft(&newer).await.unwrap();
    assert_eq!(
        store::get_draft(older.id()).await.unwrap(),
        Some(older.clone())
    );
    assert_eq!(store::get_draft(&store::new_id()).await.unwrap(), None);

    let ids: Vec<String> = store::list_drafts()
        .await
        .unwrap()
        .iter()
        .map(|d| d.id().to_owned())
        .filter(|id| id == older.id() || id == newer.id())
        .collect();
    assert_eq!(ids, [newer.id(), older.id()]);

    // An edit replaces the record.
    let mut edited = older.clone();
    edited.draft.data = json!({"name": {"vietnamese": "Hộ kinh doanh Bà Ba"}});
    edited.draft.updated_at = "2026-11-24T01:00:00.000Z".to_owned();
    store::put_draft(&edited).await.unwrap();
    assert_eq!(
        store::get_draft(older.id()).await.unwrap(),
        Some(edited.clone())
    );

    let pdf = file(
        b"%PDF-1.4\n% a tiny test file\n",
        "giay-uy-quyen.pdf",
        "application/pdf",
    );
    let (meta, blob) = files::prepare(pdf, DocumentKind::HouseholdAuthorisation)
        .await
        .unwrap();
    files::put_file(edited.id(), &meta, &blob).await.unwrap();
    files::put_file(newer.id(), &meta, &blob).await.unwrap();
    assert_eq!(files::list_files(edited.id()).await.unwrap().len(), 1);

    store::delete_draft(edited.id()).await.unwrap();
    assert_eq!(store::get_draft(edited.id()).await.unwrap(), None);
    assert!(files::list_files(edited.id()).await.unwrap().is_empty());
    // The other draft keeps its own copy of the same file.
    assert_eq!(files::list_files(newer.id()).await.unwrap(), [meta]);
    store::delete_draft(newer.id()).await.unwrap();
}

#[wasm_bindgen_test]
async fn profile_and_statuses_are_kept() {
    let profile = json!({"full_name": "Nguyễn Thị Ba", "phone": "0905123456"});
    store::put_profile(&profile).await.unwrap();
    assert_eq!(store::get_profile().await.unwrap(), Some(profile));
    assert_eq!(store::get_status("NO-SUCH-CODE").await.unwrap(), None);
}

#[wasm_bindgen_test]
async fn a_pdf_is_kept_byte_for_byte_with_its_sha256() {
    let content = b"%PDF-1.4\nmotcua\n";
    let (meta, blob) = files::prepare(
        file(content, "don.pdf", "application/pdf"),
        DocumentKind::Other,
    )
    .await
    .unwrap();
    assert_eq!(
        meta,
        FileMeta {
            // printf '%%PDF-1.4\nmotcua\n' | sha256sum
            sha256: "5e4bddb57579995e990fc89af66455a366033a36fbd6addcc75c843e02fa9fa1".to_owned(),
            media_type: "application/pdf".to_owned(),
            size_bytes: content.len() as u64,
            file_name: "don.pdf".to_owned(),
            kind: DocumentKind::Other,
        }
    );
    assert_eq!(bytes(&blob).await, content);

    let draft = store::new_id();
    files::put_file(&draft, &meta, &blob).await.unwrap();
    let back = files::get_file_blob(&draft, &meta.sha256)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(bytes(&back).await, content);
    files::delete_file(&draft, &meta.sha256).await.unwrap();
    assert!(
        files::get_file_blob(&draft, &meta.sha256)
            .await
            .unwrap()
            .is_none()
    );
}

#[wasm_bindgen_test]
async fn other_files_are_refused_with_a_clear_error() {
    let word = file(
        b"PK\x03\x04",
        "don.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    );
    assert!(matches!(
        files::prepare(word, DocumentKind::Other).await,
        Err(PlatformError::UnsupportedFile { .. })
    ));
    let fake = file(b"<html>not a pdf</html>", "fake.pdf", "application/pdf");
    assert!(matches!(
        files::prepare(fake, DocumentKind::Other).await,
        Err(PlatformError::Decode(_))
    ));
}

#[wasm_bindgen_test]
async fn a_large_photo_becomes_a_jpeg_of_at_most_2000_px() {
    let png = encode(&canvas(3000, 1200), "image/png").await;
    let (meta, blob) = files::prepare(
        file(&png, "IMG_0001.PNG", "image/png"),
        DocumentKind::IdentityCardCopy,
    )
    .await
    .unwrap();
    assert_eq!(meta.media_type, "image/jpeg");
    assert_eq!(meta.file_name, "IMG_0001.jpg");
    assert!(
        meta.size_bytes <= files::TARGET_PHOTO_BYTES,
        "{}",
        meta.size_bytes
    );
    assert_eq!(meta.sha256.len(), 64);
    let jpeg = bytes(&blob).await;
    assert_eq!(&jpeg[..3], &[0xff, 0xd8, 0xff]);
    assert_eq!(dimensions(&blob).await, (2000, 800));
}

#[wasm_bindgen_test]
async fn a_photo_is_turned_upright_and_loses_its_exif() {
    // A landscape JPEG whose EXIF says "rotate 90° clockwise to view" (a phone held upright).
    let jpeg = encode(&canvas(40, 20), "image/jpeg").await;
    let mut with_exif = jpeg[..2].to_vec();
    with_exif.extend_from_slice(&exif_orientation(6));
    with_exif.extend_from_slice(&jpeg[2..]);
    let (meta, blob) = files::prepare(
        file(&with_exif, "IMG_0002.JPG", "image/jpeg"),
        DocumentKind::Other,
    )
    .await
    .unwrap();
    assert_eq!(dimensions(&blob).await, (20, 40), "upright: portrait");
    let out = bytes(&blob).await;
    assert!(!out.windows(4).any(|w| w == b"Exif"), "no EXIF left");
    assert_eq!(meta.size_bytes, out.len() as u64);
}

#[wasm_bindgen_test]
async fn enqueue_is_idempotent_and_a_failed_send_waits_without_losing_the_entry() {
    let draft = saved(
        Procedure::HkdTermination,
        "2026-11-23T01:00:00.000Z",
        json!({}),
    );
    store::put_draft(&draft).await.unwrap();
    let body = SubmitDossier {
        procedure: Procedure::HkdTermination,
        form_version: FormVersion::Tt68Mau4,
        form: json!({"hkd_code": "51A8000123"}),
        applicant: Applicant {
            name: "Nguyễn Văn An".to_owned(),
            phone: "0905123456".to_owned(),
        },
        assisted: None,
    };
    let before = outbox::changes();
    let seen = before.get_untracked();
    outbox::enqueue(draft.id(), body.clone()).await.unwrap();
    outbox::enqueue(draft.id(), body.clone()).await.unwrap();
    let mine: Vec<_> = outbox::list()
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.draft_id == draft.id())
        .collect();
    assert_eq!(mine.len(), 1, "a double tap queues once");
    assert_eq!(mine[0].key(), draft.id());
    assert_eq!(mine[0].body, body);
    assert_eq!(
        store::get_draft(draft.id()).await.unwrap().unwrap().status,
        DraftStatus::Queued
    );
    assert!(outbox::changes().get_untracked() > seen);

    // The test runner's server has no API: the try fails, and the entry waits with its error.
    let mut entry = None;
    for _ in 0..100 {
        let e = outbox::get(draft.id()).await.unwrap().unwrap();
        if e.attempts > 0 {
            entry = Some(e);
            break;
        }
        sleep(100).await;
    }
    let entry = entry.expect("the sender tried within 10 s");
    assert!(
        matches!(
            entry.state,
            OutboxState::Waiting {
                last_error: Some(_)
            }
        ),
        "{:?}",
        entry.state
    );
    assert!(entry.next_try_at.is_some());
    assert!(entry.is_pending());
    assert_eq!(
        store::get_draft(draft.id()).await.unwrap().unwrap().status,
        DraftStatus::Queued,
        "still queued, not lost"
    );
}

/// The names of the origin's IndexedDB databases.
async fn database_names() -> Vec<String> {
    let idb = js_sys::Reflect::get(&js_sys::global(), &"indexedDB".into()).unwrap();
    let list: js_sys::Function = js_sys::Reflect::get(&idb, &"databases".into())
        .unwrap()
        .dyn_into()
        .unwrap();
    let promise: js_sys::Promise = list.call0(&idb).unwrap().dyn_into().unwrap();
    let found: Array = JsFuture::from(promise).await.unwrap().dyn_into().unwrap();
    found
        .iter()
        .filter_map(|d| js_sys::Reflect::get(&d, &"name".into()).ok()?.as_string())
        .collect()
}

/// The store keys the server would issue to the citizen and the officer (64 random hex digits).
const CITIZEN_KEY: &str = "5e0c2b7a9d1f4e3c8a6b0d2f4e6a8c0b1d3f5a7c9e0b2d4f6a8c1e3a5c7e9b0d";
const OFFICER_KEY: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";

fn session(principal: domain::api::Principal) -> domain::api::SessionInfo {
    let store_key = match principal {
        domain::api::Principal::Anonymous => None,
        domain::api::Principal::Citizen { .. } => Some(CITIZEN_KEY.to_owned()),
        domain::api::Principal::Staff { .. } => Some(OFFICER_KEY.to_owned()),
    };
    domain::api::SessionInfo {
        principal,
        methods: domain::api::SignInMethods::default(),
        csrf_token: None,
        expires_at: None,
        store_key,
    }
}

#[wasm_bindgen_test]
async fn each_person_has_a_store_the_anonymous_drafts_move_in_and_signing_out_removes_it() {
    use domain::api::{Principal, Role};
    // Before signing in: a draft with a photo, and a profile, in the anonymous store.
    owner::adopt(&session(Principal::Anonymous)).await.unwrap();
    let before = saved(
        Procedure::HkdTermination,
        "2026-12-01T01:00:00.000Z",
        json!({}),
    );
    store::put_draft(&before).await.unwrap();
    let pdf = file(b"%PDF-1.4 giay to", "giay-to.pdf", "application/pdf");
    let (meta, blob) = files::prepare(pdf, DocumentKind::Other).await.unwrap();
    files::put_file(before.id(), &meta, &blob).await.unwrap();
    store::put_profile(&json!({"applicant": {"name": "Khách vãng lai"}}))
        .await
        .unwrap();

    // A citizen signs in: their own database, the drafts made before move in, the profile does not.
    let citizen = Principal::Citizen {
        phone: Some("0905000111".to_owned()),
        identity: None,
    };
    owner::adopt(&session(citizen.clone())).await.unwrap();
    let theirs = Owner::of(&session(citizen.clone())).unwrap();
    assert_eq!(theirs.db, format!("motcua-p-{CITIZEN_KEY}"));
    assert_eq!(owner::last_known(), theirs);
    assert_eq!(owner::signed_in(), Some(true));
    assert!(store::get_draft(before.id()).await.unwrap().is_some());
    assert!(
        files::get_file_blob(before.id(), &meta.sha256)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(store::get_profile().await.unwrap(), None);
    store::put_profile(&json!({"applicant": {"name": "Trần Văn Bảy"}}))
        .await
        .unwrap();
    let names = database_names().await;
    assert!(names.contains(&theirs.db), "{names:?}");
    assert!(names.iter().all(|n| !n.contains("0905000111")), "{names:?}");

    // An officer on the same device sees none of it.
    let officer = Principal::Staff {
        username: "can.bo.b".to_owned(),
        display_name: "Cán bộ B".to_owned(),
        role: Role::CommuneOfficer,
        jurisdictions: vec![],
        must_change_password: false,
    };
    owner::adopt(&session(officer.clone())).await.unwrap();
    assert_eq!(store::get_draft(before.id()).await.unwrap(), None);
    assert_eq!(store::get_profile().await.unwrap(), None);
    assert!(outbox::list().await.unwrap().is_empty());
    // The officer's session ends: the device goes back to the anonymous store, which kept nothing.
    owner::adopt(&session(Principal::Anonymous)).await.unwrap();
    assert_eq!(owner::last_known(), Owner::anonymous());
    assert_eq!(store::get_draft(before.id()).await.unwrap(), None);

    // The citizen again: everything is there; a session that ends keeps the citizen's store current.
    owner::adopt(&session(citizen.clone())).await.unwrap();
    assert!(store::get_draft(before.id()).await.unwrap().is_some());
    owner::adopt(&session(Principal::Anonymous)).await.unwrap();
    assert_eq!(owner::last_known(), theirs);
    assert_eq!(owner::signed_in(), Some(false));

    // Signing out removes the citizen's database from the device.
    owner::forget(&session(citizen.clone())).await.unwrap();
    assert_eq!(owner::last_known(), Owner::anonymous());
    assert_eq!(store::get_draft(before.id()).await.unwrap(), None);
    let names = database_names().await;
    assert!(!names.contains(&theirs.db), "{names:?}");
    owner::forget(&session(officer.clone())).await.unwrap();
    assert!(
        !database_names()
            .await
            .contains(&Owner::of(&session(officer)).unwrap().db)
    );
}

#[wasm_bindgen_test]
async fn at_sign_in_only_this_visits_anonymous_drafts_move_and_older_ones_wait_for_an_answer() {
    use domain::api::Principal;
    // Arrange: the device back to its anonymous store; a draft left there by an earlier visit (its id
    // not noted in this tab), then one started in this visit.
    owner::forget(&session(Principal::Anonymous)).await.unwrap();
    let older = saved(
        Procedure::HkdTermination,
        "2026-12-01T01:00:00.000Z",
        json!({"hkd_name": "Quán nước của khách trước"}),
    );
    store::put_draft(&older).await.unwrap();
    web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap()
        .remove_item(owner::VISIT_DRAFTS_KEY)
        .unwrap();
    let mine = saved(
        Procedure::HkdTermination,
        "2026-12-02T01:00:00.000Z",
        json!({"hkd_name": "Quán của tôi"}),
    );
    store::put_draft(&mine).await.unwrap();
    let citizen = domain::api::SessionInfo {
        store_key: Some("7".repeat(64)),
        ..session(Principal::Citizen {
            phone: Some("0905000222".to_owned()),
            identity: None,
        })
    };

    // Act: the citizen signs in.
    let left = owner::adopt(&citizen).await.unwrap();

    // Assert: this visit's draft moved; the older one stays anonymous and is answered for the question.
    assert_eq!(
        left.iter().map(SavedDraft::id).collect::<Vec<_>>(),
        [older.id()]
    );
    assert!(store::get_draft(mine.id()).await.unwrap().is_some());
    assert_eq!(store::get_draft(older.id()).await.unwrap(), None);

    // "Move them into my account": the older draft moves too.
    assert_eq!(owner::move_left(&[older.id().to_owned()]).await.unwrap(), 1);
    assert!(store::get_draft(older.id()).await.unwrap().is_some());
    owner::forget(&citizen).await.unwrap();
    assert_eq!(store::get_draft(older.id()).await.unwrap(), None);
    assert_eq!(store::get_draft(mine.id()).await.unwrap(), None);
}
