//! The sending half of the outbox (WASM only): enqueueing, the triggers, the cross-tab lock, the
//! resumable uploads and the submission. The decisions are the parent module's pure functions.

use std::{
    cell::{Cell, RefCell},
    future::Future,
    rc::Rc,
};

use domain::{Lang, api::SubmitDossier, attachments::Attachment};
use rexie::TransactionMode;
use wasm_bindgen::{JsCast as _, JsValue, closure::Closure};
use web_sys::{BroadcastChannel, VisibilityState};

use super::{
    CHUNK_BYTES, EnqueueDecision, OutboxEntry, OutboxState, after_rejection,
    after_transient_failure, bump_local, content_range, decide_enqueue, file_error,
    is_final_refusal, next_chunk, on_response, resume_from,
};
use crate::platform::{
    PlatformError, files, js,
    net::{self, API, Answer, Body, JSON_TIMEOUT_MS},
    now_ms, now_rfc3339, owner,
    store::{
        self, COUNTER, CounterReceipt, DRAFTS, DraftStatus, FILES, OUTBOX, SavedDraft, commit,
        file_range, idb_error, transaction, update_record,
    },
};

/// Name of the Web Lock held while sending, and of the channel that tells other tabs about changes.
const LOCK_NAME: &str = "motcua-outbox";
/// Time limit of one upload chunk (256 KB on a 2G link is about 30 s).
const CHUNK_TIMEOUT_MS: i32 = 120_000;
/// The server's header with the bytes it holds of an upload.
const UPLOAD_OFFSET: &str = "upload-offset";
/// Conflicts (409) tolerated per file before waiting for a later try.
const MAX_CONFLICTS: u32 = 3;

thread_local! {
    static STARTED: Cell<bool> = const { Cell::new(false) };
    static RUNNING: Cell<bool> = const { Cell::new(false) };
    /// A kick that came while sending: run once more afterwards (`true`: ignoring backoff).
    static AGAIN: Cell<Option<bool>> = const { Cell::new(None) };
    static TIMER: Cell<Option<i32>> = const { Cell::new(None) };
    static CHANNEL: RefCell<Option<BroadcastChannel>> = const { RefCell::new(None) };
}

/// Tells pages here and in other tabs that an entry changed.
fn notify() {
    bump_local();
    CHANNEL.with_borrow(|c| {
        if let Some(c) = c {
            let _ = c.post_message(&JsValue::from_f64(now_ms()));
        }
    });
}

fn current_lang() -> Lang {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
        .and_then(|d| d.cookie().ok())
        .map(|cookie| crate::i18n::lang_from_cookie_header(&cookie))
        .unwrap_or_default()
}

fn jitter() -> f64 {
    js_sys::Math::random()
}

pub(super) fn start() {
    if STARTED.replace(true) {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let on_online = Closure::<dyn FnMut()>::new(|| kick(true));
    let _ = window.add_event_listener_with_callback("online", on_online.as_ref().unchecked_ref());
    on_online.forget();
    if let Some(document) = window.document() {
        let doc = document.clone();
        let on_visible = Closure::<dyn FnMut()>::new(move || {
            if doc.visibility_state() == VisibilityState::Visible {
                kick(true);
            }
        });
        let _ = document.add_event_listener_with_callback(
            "visibilitychange",
            on_visible.as_ref().unchecked_ref(),
        );
        on_visible.forget();
    }
    if let Ok(channel) = BroadcastChannel::new(LOCK_NAME) {
        let on_message = Closure::<dyn FnMut()>::new(bump_local);
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        CHANNEL.set(Some(channel));
    }
    kick(true);
}

/// Runs the sender now (or once more after the current run). `ignore_backoff`: try waiting entries
/// at once (network back, app start, user asked), not only those whose backoff has passed.
pub(super) fn kick(ignore_backoff: bool) {
    if RUNNING.get() {
        AGAIN.set(Some(AGAIN.get().unwrap_or(false) || ignore_backoff));
        return;
    }
    RUNNING.set(true);
    if let (Some(timer), Some(window)) = (TIMER.take(), web_sys::window()) {
        window.clear_timeout_with_handle(timer);
    }
    wasm_bindgen_futures::spawn_local(async move {
        let mut ignore_backoff = ignore_backoff;
        loop {
            with_lock(drain(ignore_backoff)).await;
            match AGAIN.take() {
                Some(again) => ignore_backoff = again,
                None => break,
            }
        }
        RUNNING.set(false);
        schedule().await;
    });
}

/// Runs `work` holding the Web Lock `motcua-outbox` (so one tab sends at a time), or directly when the
/// browser has no Web Locks (the per-tab guard in [`kick`] and the server's idempotency remain).
async fn with_lock<F: Future<Output = ()> + 'static>(work: F) {
    let slot = Rc::new(RefCell::new(Some(work)));
    let request = web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w.navigator(), &"locks".into()).ok())
        .filter(JsValue::is_object)
        .and_then(|locks| {
            let request = js_sys::Reflect::get(&locks, &"request".into()).ok()?;
            Some((locks, request.dyn_into::<js_sys::Function>().ok()?))
        });
    if let Some((locks, request)) = request {
        let inner = Rc::clone(&slot);
        let callback = Closure::once_into_js(move |_lock: JsValue| -> js_sys::Promise {
            let work = inner.borrow_mut().take();
            wasm_bindgen_futures::future_to_promise(async move {
                if let Some(work) = work {
                    work.await;
                }
                Ok(JsValue::UNDEFINED)
            })
        });
        if let Ok(promise) = request.call2(&locks, &LOCK_NAME.into(), &callback) {
            let _ = js::wait(promise.unchecked_into()).await;
            return;
        }
    }
    let work = slot.borrow_mut().take();
    if let Some(work) = work {
        work.await;
    }
}

/// Sends due entries, oldest first, each at most once per run, until none is due or the browser is
/// offline.
async fn drain(ignore_backoff: bool) {
    let mut tried: Vec<String> = Vec::new();
    loop {
        if !net::is_online() {
            break;
        }
        let Ok(mut entries) = super::list().await else {
            break;
        };
        entries.reverse(); // oldest first
        let now = now_ms();
        let signed_in = owner::signed_in() == Some(true);
        let Some(entry) = entries.into_iter().find(|e| {
            e.is_due_when(now, ignore_backoff, signed_in) && !tried.contains(&e.draft_id)
        }) else {
            break;
        };
        tried.push(entry.draft_id.clone());
        send_entry(entry).await;
    }
}

/// Sends what is due now (ignoring backoff) and returns when done.
pub(super) async fn flush() {
    with_lock(drain(true)).await;
}

/// Sets a timer for the earliest backoff among waiting entries.
async fn schedule() {
    let Ok(entries) = super::list().await else {
        return;
    };
    let next = entries
        .iter()
        .filter(|e| matches!(e.state, OutboxState::Waiting { .. }))
        .filter_map(|e| e.next_try_at)
        .reduce(f64::min);
    let (Some(next), Some(window)) = (next, web_sys::window()) else {
        return;
    };
    #[expect(
        clippy::cast_possible_truncation,
        reason = "clamped to [1 s, 1 day] first"
    )]
    let delay = (next - now_ms()).clamp(1000.0, 86_400_000.0) as i32;
    let callback = Closure::once_into_js(|| {
        TIMER.set(None);
        kick(false);
    });
    if let Ok(handle) = window
        .set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), delay)
    {
        TIMER.set(Some(handle));
    }
}

/// Why one file could not be sent.
enum Stop {
    /// Try again later.
    Later(String, Option<u64>),
    /// The dossier cannot go as it is.
    Refused(domain::api::ApiError),
    /// The server wants a signed-in person (401).
    SignIn,
    /// The entry was deleted meanwhile.
    Gone,
}

fn retry_after(answer: &Answer) -> Option<u64> {
    answer
        .header("retry-after")
        .and_then(|v| v.trim().parse().ok())
}

/// Writes a new state into the stored entry; `false` when the entry no longer exists.
async fn save_state(draft_id: &str, state: OutboxState) -> bool {
    match update_record::<OutboxEntry, _>(OUTBOX, draft_id, |mut e| {
        e.state = state;
        Some(e)
    })
    .await
    {
        Ok(Some(_)) => {
            notify();
            true
        }
        Ok(None) => false,
        // The store failed: go on sending; the final save will try again and the server is idempotent.
        Err(_) => true,
    }
}

/// Writes the entry's final state of this try and the draft's status, in one transaction; nothing when
/// the entry was deleted meanwhile. A dossier filed at the counter for a citizen, once sent, leaves the
/// tablet instead: its entry, draft and files are deleted and only its code and date are kept.
async fn save_final(entry: &OutboxEntry, draft_status: Option<DraftStatus>) {
    let result: Result<(), PlatformError> = async {
        let value = js::from_json(entry)?;
        let tx = transaction(
            &[OUTBOX, DRAFTS, FILES, COUNTER],
            TransactionMode::ReadWrite,
        )
        .await?;
        let key = JsValue::from_str(&entry.draft_id);
        let outbox = tx.store(OUTBOX).map_err(|e| idb_error(&e))?;
        let exists = outbox
            .key_exists(key.clone())
            .await
            .map_err(|e| idb_error(&e))?;
        if exists && let (true, Some(receipt)) = (entry.is_assisted(), entry.receipt()) {
            let kept = CounterReceipt {
                draft_id: entry.draft_id.clone(),
                procedure: receipt.procedure,
                code: receipt.code.clone(),
                received_at: receipt.received_at.clone(),
            };
            tx.store(COUNTER)
                .map_err(|e| idb_error(&e))?
                .put(&js::from_json(&kept)?, Some(&key))
                .await
                .map_err(|e| idb_error(&e))?;
            outbox
                .delete(key.clone())
                .await
                .map_err(|e| idb_error(&e))?;
            tx.store(DRAFTS)
                .map_err(|e| idb_error(&e))?
                .delete(key.clone())
                .await
                .map_err(|e| idb_error(&e))?;
            let (lower, upper) = file_range(&entry.draft_id);
            let range = rexie::KeyRange::bound(
                &JsValue::from_str(&lower),
                &JsValue::from_str(&upper),
                None,
                None,
            )
            .map_err(|e| PlatformError::Storage(e.to_string()))?;
            tx.store(FILES)
                .map_err(|e| idb_error(&e))?
                .delete(range.into())
                .await
                .map_err(|e| idb_error(&e))?;
        } else if exists {
            outbox
                .put(&value, Some(&key))
                .await
                .map_err(|e| idb_error(&e))?;
            if let Some(status) = draft_status {
                let drafts = tx.store(DRAFTS).map_err(|e| idb_error(&e))?;
                if let Some(draft) = drafts.get(key.clone()).await.map_err(|e| idb_error(&e))?
                    && let Ok(mut draft) = js::to_rust::<SavedDraft>(&draft)
                {
                    draft.status = status;
                    drafts
                        .put(&js::from_json(&draft)?, Some(&key))
                        .await
                        .map_err(|e| idb_error(&e))?;
                }
            }
        }
        commit(tx).await
    }
    .await;
    if let Err(e) = result {
        web_sys::console::warn_1(&format!("motcua outbox: could not save: {e}").into());
    }
    notify();
}

async fn send_entry(entry: OutboxEntry) {
    let lang = current_lang();
    let files = entry.attachments();
    let total_bytes: u64 = files.iter().map(|a| a.size_bytes).sum();
    let mut sent_bytes = 0;
    for (index, file) in files.iter().enumerate() {
        let progress = Progress {
            index,
            files: files.len(),
            sent_before: sent_bytes,
            total_bytes,
        };
        match upload(&entry.draft_id, file, progress, lang).await {
            Ok(()) => sent_bytes += file.size_bytes,
            Err(Stop::Gone) => return,
            Err(Stop::Later(message, after)) => {
                let next = after_transient_failure(entry, message, after, now_ms(), jitter());
                save_final(&next, None).await;
                return;
            }
            Err(Stop::Refused(error)) => {
                let next = after_rejection(entry, error);
                save_final(&next, Some(DraftStatus::Editing)).await;
                return;
            }
            Err(Stop::SignIn) => {
                owner::session_lost();
                save_final(&super::after_sign_in_needed(entry), None).await;
                return;
            }
        }
    }
    if !save_state(&entry.draft_id, OutboxState::Sending).await {
        return;
    }
    let answer = match entry.request() {
        Ok((url, text)) => {
            net::send(
                "POST",
                &url,
                &[("Idempotency-Key", entry.key())],
                Body::Json(text),
                lang,
                JSON_TIMEOUT_MS,
            )
            .await
        }
        Err(e) => Err(PlatformError::Decode(e.to_string())),
    };
    let next = match answer {
        Ok(a) => on_response(
            entry,
            a.status,
            &a.body,
            retry_after(&a),
            now_ms(),
            jitter(),
        ),
        Err(e) => after_transient_failure(entry, e.message(lang), None, now_ms(), jitter()),
    };
    if next.needs_sign_in() {
        owner::session_lost();
    }
    let draft_status = match &next.state {
        OutboxState::Sent { receipt } => Some(DraftStatus::Submitted {
            code: receipt.code.clone(),
        }),
        OutboxState::Rejected { .. } => Some(DraftStatus::Editing),
        _ => None,
    };
    save_final(&next, draft_status).await;
}

#[derive(Clone, Copy)]
struct Progress {
    index: usize,
    files: usize,
    sent_before: u64,
    total_bytes: u64,
}

/// How much of a file the server holds: `None` when it is complete, `Some(bytes from the start)`.
async fn server_offset(url: &str, lang: Lang) -> Result<Option<u64>, Stop> {
    let answer = net::send("GET", url, &[], Body::Empty, lang, JSON_TIMEOUT_MS)
        .await
        .map_err(|e| Stop::Later(e.message(lang), None))?;
    match answer.status {
        404 => Ok(Some(0)),
        401 => Err(Stop::SignIn),
        200 => {
            let status: serde_json::Value = serde_json::from_str(&answer.body)
                .map_err(|e| Stop::Later(format!("upload status: {e}"), None))?;
            if status.get("complete").and_then(serde_json::Value::as_bool) == Some(true) {
                Ok(None)
            } else {
                Ok(Some(
                    status
                        .get("received")
                        .and_then(serde_json::Value::as_u64)
                        .unwrap_or(0),
                ))
            }
        }
        s => Err(Stop::Later(
            net::http_error(s, &answer.body).message(lang),
            retry_after(&answer),
        )),
    }
}

/// Uploads one file with the server's resumable upload, from where the server stands.
async fn upload(draft_id: &str, file: &Attachment, p: Progress, lang: Lang) -> Result<(), Stop> {
    let url = format!("{API}/uploads/{}", file.sha256);
    let Some(held) = server_offset(&url, lang).await? else {
        return Ok(());
    };
    let blob = files::get_file_blob(draft_id, &file.sha256)
        .await
        .map_err(|e| Stop::Later(e.message(lang), None))?
        .ok_or_else(|| {
            Stop::Refused(file_error(
                p.index,
                None,
                lang.pick(
                    "Tệp đính kèm này không còn trên máy. Hãy đính kèm lại rồi nộp lại.",
                    "This attachment is no longer on the phone. Attach it again, then submit again.",
                ),
            ))
        })?;
    let size = files::blob_size(&blob);
    let mut offset = resume_from(held, size, CHUNK_BYTES);
    let mut conflicts = 0;
    loop {
        let state = OutboxState::Uploading {
            file: p.index,
            files: p.files,
            sent_bytes: p.sent_before + offset.min(file.size_bytes),
            total_bytes: p.total_bytes,
        };
        if !save_state(draft_id, state).await {
            return Err(Stop::Gone);
        }
        let Some((start, end)) = next_chunk(offset, size, CHUNK_BYTES) else {
            return Err(Stop::Later("the upload did not complete".to_owned(), None));
        };
        #[expect(clippy::cast_precision_loss, reason = "files are at most 10 MB")]
        let chunk = blob
            .slice_with_f64_and_f64(start as f64, end as f64)
            .map_err(|e| Stop::Later(js::error_text(&e), None))?;
        let range = content_range(start, end, size);
        let answer = net::send(
            "PUT",
            &url,
            &[("Content-Range", &range)],
            Body::Blob(&chunk),
            lang,
            CHUNK_TIMEOUT_MS,
        )
        .await
        .map_err(|e| Stop::Later(e.message(lang), None))?;
        match answer.status {
            200 | 201 => return Ok(()),
            202 => {
                let held = answer
                    .header(UPLOAD_OFFSET)
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .unwrap_or(end);
                offset = resume_from(held, size, CHUNK_BYTES);
            }
            409 if conflicts < MAX_CONFLICTS => {
                conflicts += 1;
                match server_offset(&url, lang).await? {
                    None => return Ok(()),
                    Some(held) => offset = resume_from(held, size, CHUNK_BYTES),
                }
            }
            401 => return Err(Stop::SignIn),
            s if is_final_refusal(s) && s != 409 => {
                let error = serde_json::from_str(&answer.body).ok();
                return Err(Stop::Refused(file_error(
                    p.index,
                    error,
                    &net::http_error(s, "").message(lang),
                )));
            }
            s => {
                return Err(Stop::Later(
                    net::http_error(s, &answer.body).message(lang),
                    retry_after(&answer),
                ));
            }
        }
    }
}

pub(super) async fn enqueue(draft_id: &str, body: SubmitDossier) -> Result<(), PlatformError> {
    let tx = transaction(&[OUTBOX, DRAFTS], TransactionMode::ReadWrite).await?;
    let key = JsValue::from_str(draft_id);
    let outbox = tx.store(OUTBOX).map_err(|e| idb_error(&e))?;
    let existing = outbox
        .get(key.clone())
        .await
        .map_err(|e| idb_error(&e))?
        .filter(|v| !v.is_undefined())
        .and_then(|v| js::to_rust::<OutboxEntry>(&v).ok());
    match decide_enqueue(
        existing.as_ref(),
        draft_id,
        body,
        &now_rfc3339(),
        store::new_id,
    ) {
        EnqueueDecision::Keep => commit(tx).await?,
        EnqueueDecision::Write(mut entry) => {
            let drafts = tx.store(DRAFTS).map_err(|e| idb_error(&e))?;
            let draft = drafts
                .get(key.clone())
                .await
                .map_err(|e| idb_error(&e))?
                .filter(|v| !v.is_undefined())
                .and_then(|v| js::to_rust::<SavedDraft>(&v).ok());
            // A corrected copy goes back to its dossier as a resubmission.
            entry.resubmits = draft
                .as_ref()
                .and_then(|d| d.amends.as_ref())
                .map(|a| a.code.clone());
            outbox
                .put(&js::from_json(&entry)?, Some(&key))
                .await
                .map_err(|e| idb_error(&e))?;
            if let Some(mut draft) = draft {
                draft.status = DraftStatus::Queued;
                drafts
                    .put(&js::from_json(&draft)?, Some(&key))
                    .await
                    .map_err(|e| idb_error(&e))?;
            }
            commit(tx).await?;
        }
    }
    notify();
    kick(true);
    Ok(())
}
