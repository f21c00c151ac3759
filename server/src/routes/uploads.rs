//! `PUT /api/v1/uploads/{sha256}` — resumable, idempotent uploads addressed by the file's SHA-256.
//! `GET /api/v1/uploads/{sha256}` — how much of it the server has.
//!
//! A phone on a weak signal sends a file whole, or in chunks with `Content-Range: bytes S-E/T`. Chunks are
//! kept in the object store under `partial/<sha256>/` (so any server behind a load balancer can take the
//! next one); when all `T` bytes are there, the server joins them, checks the hash, checks the type by
//! content, removes image metadata and stores the result under `files/<sha256>`. A completed upload sent
//! again is a no-op; a chunk sent twice is ignored.

use axum::{
    Json, Router,
    body::Bytes,
    extract::{DefaultBodyLimit, Path, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::put,
};
use serde::Serialize;
use sha2::{Digest as _, Sha256};

use domain::api::ApiError;

use crate::{AppState, error::AppError, files::media, store::UploadRow};

/// Header telling the client how many bytes from the start the server holds.
pub(crate) const UPLOAD_OFFSET: &str = "upload-offset";

pub(crate) fn router(max_file_bytes: u64) -> Router<AppState> {
    let body_limit = usize::try_from(max_file_bytes)
        .unwrap_or(usize::MAX)
        .saturating_add(64 * 1024);
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

fn partial_prefix(sha: &str) -> String {
    format!("partial/{sha}")
}

/// Parts are named `<start>-<total>` with zero padding, so their sorted order is their byte order.
fn part_key(sha: &str, start: u64, total: u64) -> String {
    format!("{}/{start:012}-{total:012}", partial_prefix(sha))
}

struct Parts {
    /// (key, start, length) in byte order.
    items: Vec<(String, u64, u64)>,
    total: Option<u64>,
    /// Bytes held contiguously from 0.
    offset: u64,
}

async fn parts(state: &AppState, sha: &str) -> Result<Parts, AppError> {
    let listed = state.storage.list(&partial_prefix(sha)).await?;
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
        (status = 404, description = "Nothing of this file", body = ApiError),
    )
)]
pub(crate) async fn upload_status(
    State(state): State<AppState>,
    Path(sha): Path<String>,
) -> Result<Response, AppError> {
    let sha = parse_sha(&sha)?;
    if let Some(row) = state.store.find_upload(&sha).await? {
        return Ok(status_response(StatusCode::OK, &complete(&row)));
    }
    let parts = parts(&state, &sha).await?;
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
        (status = 409, description = "A chunk beyond the held bytes, or another total size", body = ApiError),
        (status = 413, description = "Larger than the limit", body = ApiError),
        (status = 415, description = "Not a PDF, JPEG or PNG by content", body = ApiError),
        (status = 422, description = "Does not match its SHA-256, damaged, or too many pixels", body = ApiError),
    )
)]
pub(crate) async fn put_upload(
    State(state): State<AppState>,
    Path(sha): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let sha = parse_sha(&sha)?;
    if let Some(row) = state.store.find_upload(&sha).await? {
        return Ok(status_response(StatusCode::OK, &complete(&row)));
    }
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

    let held = parts(&state, &sha).await?;
    if held.total.is_some_and(|t| t != total) {
        return Err(AppError::conflict(
            "Kích thước tệp khác với lần gửi trước. Hãy gửi lại tệp từ đầu.",
            "The file's size differs from the earlier chunks. Send the file again from the start.",
        ));
    }
    if start > held.offset {
        return Err(AppError::conflict(
            format!(
                "Máy chủ mới nhận {} byte đầu; hãy gửi tiếp từ byte đó.",
                held.offset
            ),
            format!(
                "The server holds the first {} bytes; resume from there.",
                held.offset
            ),
        ));
    }
    let mut offset = held.offset;
    if end > offset {
        // Only the bytes the server lacks: a repeated or overlapping chunk adds nothing twice.
        let skip = usize::try_from(offset - start).unwrap_or(usize::MAX);
        state
            .storage
            .put(&part_key(&sha, offset, total), body.slice(skip..))
            .await?;
        offset = end;
    }
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
    finish(&state, &sha, total).await
}

/// Joins the parts, checks hash and type, stores the cleaned file, records it, removes the parts.
async fn finish(state: &AppState, sha: &str, total: u64) -> Result<Response, AppError> {
    let held = parts(state, sha).await?;
    let mut whole = Vec::with_capacity(usize::try_from(total).unwrap_or_default());
    for (key, start, _) in &held.items {
        if *start == whole.len() as u64 {
            whole.extend_from_slice(&state.storage.get(key).await?);
        }
    }
    let outcome = check(&whole, sha, total);
    let result = match outcome {
        Ok((kind, cleaned)) => {
            let storage_key = format!("files/{sha}");
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
                storage_key,
            };
            state.store.insert_upload(&row).await?;
            tracing::info!(
                upload.sha256 = sha,
                upload.size = size,
                "upload {sha} complete"
            );
            Ok(status_response(StatusCode::CREATED, &complete(&row)))
        }
        Err(e) => Err(e),
    };
    // Whether it was accepted or refused, the parts have served their purpose.
    for (key, _, _) in held.items {
        state.storage.delete(&key).await?;
    }
    result
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
