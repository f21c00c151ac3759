//! `PUT /api/v1/uploads/{sha256}` — resumable, idempotent uploads addressed by the file's SHA-256.
//! `GET /api/v1/uploads/{sha256}` — how much of it the server has.
//!
//! A phone on a weak signal sends a file whole, or in chunks with `Content-Range: bytes S-E/T`. Chunks are
//! kept in the object store under `partial/<uploader>/<sha256>/` (so any server behind a load balancer
//! can take the next one); when all `T` bytes are there, the server joins them, checks the hash, checks
//! the type by content, removes image metadata and stores the result under `files/<sha256>.<random>`. A
//! completed upload sent again is a no-op; a chunk sent twice is ignored.
//!
//! Against abuse (issue 17):
//! - **Who**: only a signed-in citizen, an officer, or a holder of a dossier-scoped access uploads (the
//!   *uploader*). Each uploader's chunks are kept apart, so nobody's chunks (say, a first chunk stating
//!   another size) can block or spoil another person's upload of the same file; a chunk of another size
//!   than the uploader's earlier ones starts that upload over instead of failing for ever.
//! - **Claims**: a file is stored once, but an uploader sees it as uploaded (and may attach it to a
//!   dossier, `dossiers::stored_attachments`) only after sending its bytes: knowing a hash neither tells
//!   whether someone else's document is here nor attaches it.
//! - **Allowance**: the bytes an uploader, and a client address (IPv6 by /64), may send a day
//!   (`Limits::upload_bytes_per_day`, `upload_bytes_per_address_day`), reserved in the database in one
//!   statement before a chunk is read, so parallel requests and several servers cannot go over.
//! - **Memory**: a request's body is read only under a share of a fixed budget
//!   (`Limits::upload_memory_bytes`), and joining a file (its bytes, their cleaned copy) takes three times
//!   its size of it: however many phones upload at once, the server holds at most that much; over it, a
//!   request waits a little, then is answered 429 with `Retry-After`.
//! - **Expiry**: [`upload_sweep`] removes chunks older than a day and files no dossier holds whose
//!   uploaders have not asked for them for a week.

use std::{sync::Arc, time::Duration};

use axum::{
    Json, Router,
    body::{Body, Bytes},
    extract::{DefaultBodyLimit, Path, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::put,
};
use serde::Serialize;
use sha2::{Digest as _, Sha256};

use domain::api::ApiError;

use chrono::{DateTime, Timelike as _, Utc};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::{
    AppState,
    auth::{ClientIp, Viewer},
    error::AppError,
    files::{Storage, media},
    store::{Store, UploadRow},
};

/// How long chunks of an upload that never completed are kept.
pub const PARTIAL_TTL: chrono::TimeDelta = chrono::TimeDelta::hours(24);
/// How long a file no dossier holds is kept after its uploaders last asked for it.
pub const UNATTACHED_TTL: chrono::TimeDelta = chrono::TimeDelta::days(7);
/// How long a request waits for its share of the memory budget before it is told to come back.
const MEMORY_WAIT: Duration = Duration::from_secs(15);

/// Header telling the client how many bytes from the start the server holds.
pub(crate) const UPLOAD_OFFSET: &str = "upload-offset";

/// The largest body a request may carry: a file of the limit and some room for framing.
fn body_limit(max_file_bytes: u64) -> u64 {
    max_file_bytes.saturating_add(64 * 1024)
}

pub(crate) fn router(max_file_bytes: u64) -> Router<AppState> {
    let body_limit = usize::try_from(body_limit(max_file_bytes)).unwrap_or(usize::MAX);
    Router::new()
        .route(
            "/api/v1/uploads/{sha256}",
            put(put_upload).get(upload_status),
        )
        .layer(DefaultBodyLimit::max(body_limit))
}

/// The state of an upload.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct UploadStatus {
    sha256: String,
    /// Bytes the server holds, counted from the start.
    received: u64,
    /// The file's size, once known.
    total: Option<u64>,
    complete: bool,
    /// MIME type, once complete.
    media_type: Option<String>,
}

fn parse_sha(raw: &str) -> Result<String, AppError> {
    if raw.len() == 64 && raw.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(raw.to_ascii_lowercase())
    } else {
        Err(AppError::bad_request(
            "Mã băm SHA-256 của tệp phải gồm 64 chữ số hệ 16.",
            "The file's SHA-256 must be 64 hexadecimal digits.",
        ))
    }
}

/// `bytes S-E/T` → (S, E + 1, T).
fn parse_content_range(value: &str) -> Option<(u64, u64, u64)> {
    let rest = value.trim().strip_prefix("bytes ")?;
    let (range, total) = rest.split_once('/')?;
    let (start, end) = range.split_once('-')?;
    let (start, end, total) = (
        start.trim().parse::<u64>().ok()?,
        end.trim().parse::<u64>().ok()?,
        total.trim().parse::<u64>().ok()?,
    );
    (start <= end && end < total).then_some((start, end + 1, total))
}

/// Who sends a file: `citizen:<account>`, `staff:<id>` or `access:<token hash>`, and the name of their
/// own folder of chunks (a hash of it: object keys carry no account ids).
#[derive(Debug, Clone)]
pub(crate) struct Uploader {
    key: String,
    dir: String,
}

impl Uploader {
    fn new(key: String) -> Self {
        let dir = hex::encode(&Sha256::digest(key.as_bytes())[..16]);
        Self { key, dir }
    }
}

/// The uploader identities of a request: its session's, then every live dossier-scoped access it
/// carries. The first is the one that uploads; a dossier may attach a file any of them sent.
pub(crate) async fn uploaders(
    state: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
) -> Result<Vec<String>, AppError> {
    let mut keys = Vec::new();
    match viewer {
        Viewer::Citizen(c) => keys.push(format!("citizen:{}", c.account_id.hyphenated())),
        Viewer::Staff(s) => keys.push(format!("staff:{}", s.id.hyphenated())),
        Viewer::Anonymous => {}
    }
    let now = Utc::now();
    for token in crate::auth::access_cookie_values(headers) {
        let hash = crate::auth::token_hash(&token);
        if let Some((_, until)) = state.store.dossier_access(&hash).await?
            && until > now
        {
            keys.push(format!("access:{hash}"));
        }
    }
    Ok(keys)
}

async fn uploader(
    state: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
) -> Result<Uploader, AppError> {
    uploaders(state, viewer, headers)
        .await?
        .into_iter()
        .next()
        .map(Uploader::new)
        .ok_or_else(|| {
            AppError::unauthorized(
                "Đăng nhập để gửi tệp đính kèm (bằng tài khoản định danh điện tử VNeID hoặc số điện thoại nhận mã xác thực). Tệp vẫn được lưu trên máy và sẽ tự gửi sau khi bạn đăng nhập.",
                "Sign in to send attachments (with your VNeID e-identity account or a phone number that receives a code). The file stays saved on this device and goes out once you sign in.",
            )
        })
}

fn partial_prefix(who: &Uploader, sha: &str) -> String {
    format!("partial/{}/{sha}", who.dir)
}

/// Parts are named `<start>-<total>` with zero padding, so their sorted order is their byte order.
fn part_key(who: &Uploader, sha: &str, start: u64, total: u64) -> String {
    format!("{}/{start:012}-{total:012}", partial_prefix(who, sha))
}

/// A share of the upload memory budget (permits are KiB), held while the bytes are in memory.
async fn memory(state: &AppState, bytes: u64) -> Result<OwnedSemaphorePermit, AppError> {
    let budget: &Arc<Semaphore> = &state.upload_memory;
    let all = u32::try_from(state.limits.upload_memory_bytes / 1024)
        .unwrap_or(u32::MAX)
        .max(1);
    let wanted = u32::try_from(bytes.div_ceil(1024))
        .unwrap_or(u32::MAX)
        .clamp(1, all);
    match tokio::time::timeout(MEMORY_WAIT, budget.clone().acquire_many_owned(wanted)).await {
        Ok(Ok(permit)) => Ok(permit),
        _ => Err(AppError::too_many(
            "Máy chủ đang nhận nhiều tệp cùng lúc. Điện thoại sẽ tự gửi lại tệp sau ít phút; bạn không cần làm gì.",
            "The server is receiving many files at once. The phone sends the file again in a few minutes; there is nothing to do.",
            30,
        )),
    }
}

/// Today's allowance (UTC day) of this uploader and of this address: `bytes` more, or 429.
async fn reserve(
    state: &AppState,
    who: &Uploader,
    client: Option<std::net::IpAddr>,
    bytes: u64,
) -> Result<(), AppError> {
    let day = Utc::now().format("%Y-%m-%d").to_string();
    let bytes = i64::try_from(bytes).unwrap_or(i64::MAX);
    let over = || {
        let until_midnight = 86_400 - u64::from(Utc::now().num_seconds_from_midnight());
        AppError::too_many(
            "Hôm nay bạn đã gửi quá nhiều tệp. Hãy gửi tiếp vào ngày mai, hoặc mang giấy tờ đến Bộ phận Một cửa.",
            "You sent too many files today. Send the rest tomorrow, or bring the documents to the one-stop office.",
            until_midnight,
        )
    };
    let mine = i64::try_from(state.limits.upload_bytes_per_day).unwrap_or(i64::MAX);
    if !state
        .store
        .reserve_upload_bytes(&who.key, &day, bytes, mine)
        .await?
    {
        return Err(over());
    }
    if let Some(ip) = client {
        let key = format!("addr:{}", crate::rate_limit::limit_key(ip));
        let theirs = i64::try_from(state.limits.upload_bytes_per_address_day).unwrap_or(i64::MAX);
        if !state
            .store
            .reserve_upload_bytes(&key, &day, bytes, theirs)
            .await?
        {
            return Err(over());
        }
    }
    Ok(())
}

struct Parts {
    /// (key, start, length) in byte order.
    items: Vec<(String, u64, u64)>,
    total: Option<u64>,
    /// Bytes held contiguously from 0.
    offset: u64,
}

async fn parts(state: &AppState, who: &Uploader, sha: &str) -> Result<Parts, AppError> {
    let listed = state.storage.list(&partial_prefix(who, sha)).await?;
    let mut items = Vec::new();
    let mut total = None;
    let mut offset = 0;
    for (key, size) in listed {
        let name = key.rsplit('/').next().unwrap_or_default();
        let Some((start, part_total)) = name
            .split_once('-')
            .and_then(|(s, t)| Some((s.parse::<u64>().ok()?, t.parse::<u64>().ok()?)))
        else {
            continue;
        };
        total.get_or_insert(part_total);
        if start == offset {
            offset += size;
        }
        items.push((key, start, size));
    }
    Ok(Parts {
        items,
        total,
        offset,
    })
}

fn status_response(code: StatusCode, status: &UploadStatus) -> Response {
    let mut res = (code, Json(status)).into_response();
    if let Ok(v) = HeaderValue::from_str(&status.received.to_string()) {
        res.headers_mut().insert(UPLOAD_OFFSET, v);
    }
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

fn complete(row: &UploadRow) -> UploadStatus {
    let received = u64::try_from(row.received_size).unwrap_or_default();
    UploadStatus {
        sha256: row.sha256.clone(),
        received,
        total: Some(received),
        complete: true,
        media_type: Some(row.media_type.clone()),
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/uploads/{sha256}",
    tag = "uploads",
    params(("sha256" = String, Path, description = "SHA-256 of the whole file")),
    responses(
        (status = 200, description = "How much the server holds (also in Upload-Offset)", body = UploadStatus),
        (status = 401, description = "Nobody signed in (nor a dossier-scoped access)", body = ApiError),
        (status = 404, description = "Nothing of this file sent by this person", body = ApiError),
    )
)]
pub(crate) async fn upload_status(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(sha): Path<String>,
) -> Result<Response, AppError> {
    let sha = parse_sha(&sha)?;
    let who = uploader(&state, &viewer, &headers).await?;
    if let Some(row) = state.store.find_upload(&sha).await?
        && state
            .store
            .renew_upload_claim(&sha, &who.key, Utc::now())
            .await?
    {
        return Ok(status_response(StatusCode::OK, &complete(&row)));
    }
    let parts = parts(&state, &who, &sha).await?;
    if parts.items.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok(status_response(
        StatusCode::OK,
        &UploadStatus {
            sha256: sha,
            received: parts.offset,
            total: parts.total,
            complete: false,
            media_type: None,
        },
    ))
}

#[utoipa::path(
    put,
    path = "/api/v1/uploads/{sha256}",
    tag = "uploads",
    params(
        ("sha256" = String, Path, description = "SHA-256 of the whole file, lower-case hex"),
        ("Content-Range" = Option<String>, Header, description = "bytes S-E/T for a chunk; absent for a whole file"),
    ),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file or the chunk"),
    responses(
        (status = 201, description = "Complete: stored (image metadata removed)", body = UploadStatus),
        (status = 200, description = "Already complete: nothing done", body = UploadStatus),
        (status = 202, description = "Chunk kept; Upload-Offset says how many bytes from the start the server holds", body = UploadStatus),
        (status = 401, description = "Nobody signed in (nor a dossier-scoped access)", body = ApiError),
        (status = 409, description = "A chunk beyond the held bytes (Upload-Offset says where to resume)", body = ApiError),
        (status = 413, description = "Larger than the limit", body = ApiError),
        (status = 429, description = "Over today's upload allowance, or the server is busy: Retry-After", body = ApiError),
        (status = 415, description = "Not a PDF, JPEG or PNG by content", body = ApiError),
        (status = 422, description = "Does not match its SHA-256, damaged, or too many pixels", body = ApiError),
    )
)]
pub(crate) async fn put_upload(
    State(state): State<AppState>,
    viewer: Viewer,
    ClientIp(client): ClientIp,
    Path(sha): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AppError> {
    let sha = parse_sha(&sha)?;
    let who = uploader(&state, &viewer, &headers).await?;
    if let Some(row) = state.store.find_upload(&sha).await?
        && state
            .store
            .renew_upload_claim(&sha, &who.key, Utc::now())
            .await?
    {
        return Ok(status_response(StatusCode::OK, &complete(&row)));
    }
    let stated = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    // A body that cannot fit is refused before it is read (the connection then closes); one a little
    // over the limit is read and refused with its reason, which the phone then shows.
    let most = body_limit(state.limits.max_file_bytes);
    if stated.is_some_and(|n| n > most) {
        return Err(AppError::TooLarge {
            limit: state.limits.max_file_bytes,
        });
    }
    // The allowance and the memory are taken before a byte of the body is read.
    let expected = stated.unwrap_or(most);
    reserve(&state, &who, client, expected).await?;
    let permit = memory(&state, expected).await?;
    let limit = usize::try_from(expected).unwrap_or(usize::MAX);
    let body = axum::body::to_bytes(body, limit).await.map_err(|_| {
        AppError::bad_request(
            "Phần tệp gửi lên dài hơn tiêu đề Content-Length hoặc giới hạn một tệp, hoặc bị ngắt giữa chừng.",
            "The body is longer than its Content-Length or the file limit, or was cut off.",
        )
    })?;
    let len = body.len() as u64;
    let (start, end, total) = match headers.get(header::CONTENT_RANGE) {
        Some(value) => value
            .to_str()
            .ok()
            .and_then(parse_content_range)
            .filter(|(s, e, _)| e - s == len)
            .ok_or_else(|| {
                AppError::bad_request(
                    "Tiêu đề Content-Range không đúng dạng \"bytes đầu-cuối/tổng\" hoặc không khớp với độ dài phần gửi lên.",
                    "Content-Range must be \"bytes start-end/total\" and match the length of the body.",
                )
            })?,
        None => (0, len, len),
    };
    if total == 0 {
        return Err(AppError::bad_request("Tệp rỗng.", "The file is empty."));
    }
    if total > state.limits.max_file_bytes {
        return Err(AppError::TooLarge {
            limit: state.limits.max_file_bytes,
        });
    }

    let mut held = parts(&state, &who, &sha).await?;
    if held.total.is_some_and(|t| t != total) {
        // This person's earlier chunks stated another size (an older copy of the file, or a
        // mistake): they are dropped and the upload starts over, rather than failing for ever.
        for (key, _, _) in &held.items {
            state.storage.delete(key).await?;
        }
        held = Parts {
            items: Vec::new(),
            total: None,
            offset: 0,
        };
    }
    if start > held.offset {
        let mut res = AppError::conflict(
            format!(
                "Máy chủ mới nhận {} byte đầu; hãy gửi tiếp từ byte đó.",
                held.offset
            ),
            format!(
                "The server holds the first {} bytes; resume from there.",
                held.offset
            ),
        )
        .into_response();
        if let Ok(v) = HeaderValue::from_str(&held.offset.to_string()) {
            res.headers_mut().insert(UPLOAD_OFFSET, v);
        }
        return Ok(res);
    }
    let mut offset = held.offset;
    if end > offset {
        // Only the bytes the server lacks: a repeated or overlapping chunk adds nothing twice.
        let skip = usize::try_from(offset - start).unwrap_or(usize::MAX);
        state
            .storage
            .put(&part_key(&who, &sha, offset, total), body.slice(skip..))
            .await?;
        offset = end;
    }
    drop(body);
    drop(permit);
    if offset < total {
        return Ok(status_response(
            StatusCode::ACCEPTED,
            &UploadStatus {
                sha256: sha,
                received: offset,
                total: Some(total),
                complete: false,
                media_type: None,
            },
        ));
    }
    // Joining holds the file and its cleaned copy; decoding an image a little more.
    let permit = memory(&state, total.saturating_mul(3)).await?;
    let done = finish(&state, &who, &sha, total).await;
    drop(permit);
    done
}

/// Joins the parts, checks hash and type, stores the cleaned file (unless it is stored already),
/// records that this uploader sent it, removes the parts.
async fn finish(
    state: &AppState,
    who: &Uploader,
    sha: &str,
    total: u64,
) -> Result<Response, AppError> {
    let held = parts(state, who, sha).await?;
    let mut whole = Vec::with_capacity(usize::try_from(total).unwrap_or_default());
    for (key, start, _) in &held.items {
        if *start == whole.len() as u64 {
            whole.extend_from_slice(&state.storage.get(key).await?);
        }
    }
    let outcome = check(&whole, sha, total);
    drop(whole);
    let result = match outcome {
        Ok((kind, cleaned)) => store_file(state, who, sha, total, kind, cleaned).await,
        Err(e) => Err(e),
    };
    // Whether it was accepted or refused, the parts have served their purpose.
    for (key, _, _) in held.items {
        state.storage.delete(&key).await?;
    }
    result
}

async fn store_file(
    state: &AppState,
    who: &Uploader,
    sha: &str,
    total: u64,
    kind: media::MediaType,
    cleaned: Vec<u8>,
) -> Result<Response, AppError> {
    let now = Utc::now();
    // Sent by someone before: the bytes proved this person has the file too.
    if let Some(row) = state.store.find_upload(sha).await? {
        state.store.claim_upload(sha, &who.key, now).await?;
        return Ok(status_response(StatusCode::CREATED, &complete(&row)));
    }
    // A key of its own: the sweep that removes a stale copy can never remove this one.
    let storage_key = format!(
        "files/{sha}.{}",
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    );
    let size = i64::try_from(cleaned.len()).map_err(anyhow::Error::from)?;
    state
        .storage
        .put(&storage_key, Bytes::from(cleaned))
        .await?;
    let row = UploadRow {
        sha256: sha.to_owned(),
        media_type: kind.mime().to_owned(),
        size,
        received_size: i64::try_from(total).map_err(anyhow::Error::from)?,
        storage_key: storage_key.clone(),
    };
    state.store.insert_upload(&row).await?;
    // Two people finishing the same file at once: one row wins; the other copy goes.
    let row = match state.store.find_upload(sha).await? {
        Some(stored) if stored.storage_key != storage_key => {
            state.storage.delete(&storage_key).await?;
            stored
        }
        Some(stored) => stored,
        None => row,
    };
    state.store.claim_upload(sha, &who.key, now).await?;
    tracing::info!(upload.sha256 = sha, upload.size = size, "upload complete");
    Ok(status_response(StatusCode::CREATED, &complete(&row)))
}

/// What [`upload_sweep`] removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct UploadSweep {
    /// Chunks of uploads that never completed.
    pub chunks: usize,
    /// Files no dossier holds and nobody asked for.
    pub files: usize,
}

/// Removes the chunks older than [`PARTIAL_TTL`] and the files no dossier holds whose uploaders have
/// not asked for them for [`UNATTACHED_TTL`], and forgets old allowance records. Several servers may
/// run it at once: each removal is conditional.
///
/// # Errors
/// When the database or the object store fails.
pub async fn upload_sweep(
    store: &dyn Store,
    storage: &Storage,
    now: DateTime<Utc>,
) -> anyhow::Result<UploadSweep> {
    let mut swept = UploadSweep::default();
    for (key, _, modified) in storage.list_modified("partial").await? {
        if modified < now - PARTIAL_TTL {
            storage.delete(&key).await?;
            swept.chunks += 1;
        }
    }
    let before = now - UNATTACHED_TTL;
    // At most 50 000 a run; the next run takes the rest.
    for _ in 0..100 {
        let stale = store.stale_uploads(before, 500).await?;
        let n = stale.len();
        for (sha, key) in stale {
            if store.forget_upload(&sha, before).await? {
                storage.delete(&key).await?;
                swept.files += 1;
            }
        }
        if n < 500 {
            break;
        }
    }
    let yesterday = (now - chrono::TimeDelta::days(1))
        .format("%Y-%m-%d")
        .to_string();
    store.prune_upload_usage(&yesterday).await?;
    Ok(swept)
}

fn check(whole: &[u8], sha: &str, total: u64) -> Result<(media::MediaType, Vec<u8>), AppError> {
    if whole.len() as u64 != total {
        return Err(AppError::conflict(
            "Thiếu một phần của tệp. Hãy gửi lại tệp từ đầu.",
            "Part of the file is missing. Send the file again from the start.",
        ));
    }
    if hex::encode(Sha256::digest(whole)) != sha {
        return Err(AppError::unprocessable(
            "Tệp nhận được không khớp với mã băm SHA-256 của nó (có thể bị hỏng khi truyền). Hãy gửi lại tệp.",
            "The file received does not match its SHA-256 (it may have been damaged on the way). Send it again.",
        ));
    }
    Ok(media::clean(whole)?)
}

#[cfg(test)]
mod tests {
    use super::parse_content_range;

    #[test]
    fn content_range_is_read_inclusively() {
        assert_eq!(parse_content_range("bytes 0-99/250"), Some((0, 100, 250)));
        assert_eq!(
            parse_content_range("bytes 200-249/250"),
            Some((200, 250, 250))
        );
        assert_eq!(
            parse_content_range("bytes 200-250/250"),
            None,
            "end past the file"
        );
        assert_eq!(parse_content_range("bytes 9-3/250"), None);
        assert_eq!(parse_content_range("bytes */250"), None);
        assert_eq!(parse_content_range("items 0-1/2"), None);
    }
}
