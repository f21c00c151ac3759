//! Attachments: making a picked file upload-ready, and keeping it with its draft in IndexedDB while the
//! phone is offline.
//!
//! [`prepare`] turns a photo (JPEG, PNG, HEIC when the browser can decode it, WebP, …) into a JPEG of at
//! most [`MAX_LONG_SIDE`] px on the long side and about [`TARGET_PHOTO_BYTES`], upright as the camera
//! held it (EXIF orientation applied by the decoder), without EXIF/GPS (a canvas re-encode writes none);
//! PDFs are kept byte for byte. The accepted types and the size limit are the domain's
//! ([`domain::attachments`]); the server checks them again by content. The file's SHA-256 (lower-case
//! hex, `crypto.subtle`) is its name on the server's content-addressed upload.
//!
//! [`put_file`] / [`list_files`] / [`get_file_blob`] / [`delete_file`] keep the bytes in the `files`
//! store under `"{draft id}/{sha256}"`; deleting a draft deletes its files.

use domain::attachments::{ACCEPTED_MEDIA_TYPES, Attachment, DocumentKind, MAX_BYTES};
use serde::{Deserialize, Serialize};

use super::PlatformError;

/// Longest side of a compressed photo, in pixels.
pub const MAX_LONG_SIDE: u32 = 2000;
/// The size a compressed photo aims for: quality, then dimensions, are lowered until it fits.
pub const TARGET_PHOTO_BYTES: u64 = 400 * 1024;

const PDF: &str = "application/pdf";
#[cfg(feature = "hydrate")]
const JPEG: &str = "image/jpeg";

/// What is known of an attached file without its bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileMeta {
    /// SHA-256 of the bytes, lower-case hex (the upload's name).
    pub sha256: String,
    /// `image/jpeg` or `application/pdf`.
    pub media_type: String,
    /// Size of the bytes.
    pub size_bytes: u64,
    /// The name shown to staff (a photo's extension becomes `.jpg`).
    pub file_name: String,
    /// Which document it is.
    pub kind: DocumentKind,
}

impl FileMeta {
    /// The entry to put in the form's `attachments` list.
    #[must_use]
    pub fn attachment(&self) -> Attachment {
        Attachment {
            kind: self.kind,
            media_type: self.media_type.clone(),
            size_bytes: self.size_bytes,
            sha256: self.sha256.clone(),
            file_name: self.file_name.clone(),
        }
    }
}

/// How a picked file is treated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileClass {
    /// Kept as it is.
    Pdf,
    /// Decoded and re-encoded as JPEG.
    Image,
    /// Refused.
    Unsupported,
}

/// Classifies a picked file by the browser's type, else by its name's extension (some phones report
/// no type for HEIC photos).
#[must_use]
pub fn classify(media_type: &str, file_name: &str) -> FileClass {
    let media_type = media_type.trim().to_ascii_lowercase();
    if media_type == PDF {
        return FileClass::Pdf;
    }
    if media_type.starts_with("image/") && media_type != "image/svg+xml" {
        return FileClass::Image;
    }
    if !media_type.is_empty() && media_type != "application/octet-stream" {
        return FileClass::Unsupported;
    }
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "pdf" => FileClass::Pdf,
        "jpg" | "jpeg" | "png" | "heic" | "heif" | "webp" | "gif" | "bmp" | "avif" => {
            FileClass::Image
        }
        _ => FileClass::Unsupported,
    }
}

/// The name of a photo after re-encoding: the same stem with `.jpg`.
#[must_use]
pub fn jpeg_name(file_name: &str) -> String {
    let stem = file_name
        .rsplit_once('.')
        .map_or(file_name, |(stem, _)| stem)
        .trim();
    if stem.is_empty() {
        "anh-chup.jpg".to_owned()
    } else {
        format!("{stem}.jpg")
    }
}

/// Scales `(width, height)` down so the long side is at most `max`, keeping the aspect ratio; never up.
#[must_use]
pub fn fit_long_side(width: u32, height: u32, max: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= max || long == 0 {
        return (width.max(1), height.max(1));
    }
    let scale = |side: u32| {
        let scaled = (u64::from(side) * u64::from(max) + u64::from(long) / 2) / u64::from(long);
        u32::try_from(scaled).unwrap_or(max).max(1)
    };
    (scale(width), scale(height))
}

/// The encodings tried, in order, until one is at most [`TARGET_PHOTO_BYTES`]: `(scale of the fitted
/// size, JPEG quality)` — quality first (0.85 → 0.5), then smaller pictures.
pub const ENCODE_ATTEMPTS: [(f64, f64); 8] = [
    (1.0, 0.85),
    (1.0, 0.75),
    (1.0, 0.65),
    (1.0, 0.5),
    (0.8, 0.6),
    (0.8, 0.5),
    (0.64, 0.5),
    (0.5, 0.5),
];

/// The size of an attempt's picture from the fitted size.
#[must_use]
pub fn scaled(width: u32, height: u32, scale: f64) -> (u32, u32) {
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "scale ≤ 1 of a u32 side, rounded, at least 1"
    )]
    let side = |s: u32| ((f64::from(s) * scale).round() as u32).max(1);
    (side(width), side(height))
}

/// Lower-case hex of bytes.
#[must_use]
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Checks a prepared file against the domain's limits (type and size).
///
/// # Errors
/// [`PlatformError::UnsupportedFile`] or [`PlatformError::FileTooLarge`].
pub fn check_limits(media_type: &str, size_bytes: u64) -> Result<(), PlatformError> {
    if !ACCEPTED_MEDIA_TYPES.contains(&media_type) {
        return Err(PlatformError::UnsupportedFile {
            media_type: media_type.to_owned(),
        });
    }
    if size_bytes > MAX_BYTES {
        return Err(PlatformError::FileTooLarge {
            size_bytes,
            max_bytes: MAX_BYTES,
        });
    }
    Ok(())
}

#[cfg(feature = "hydrate")]
mod web {
    use js_sys::{Object, Promise, Reflect, Uint8Array};
    use rexie::{KeyRange, TransactionMode};
    use wasm_bindgen::{JsCast as _, JsValue};
    use web_sys::{
        Blob, CanvasRenderingContext2d, File, HtmlCanvasElement, HtmlImageElement, ImageBitmap,
        ImageBitmapOptions, ImageOrientation, Url,
    };

    use super::{
        ENCODE_ATTEMPTS, FileClass, FileMeta, JPEG, MAX_LONG_SIDE, PDF, TARGET_PHOTO_BYTES,
        check_limits, classify, fit_long_side, hex, jpeg_name, scaled,
    };
    use crate::platform::{
        PlatformError, js,
        store::{FILES, commit, file_key, file_range, idb_error, transaction},
    };
    use domain::attachments::{DocumentKind, MAX_BYTES};

    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a blob's size is a whole number of bytes"
    )]
    pub(crate) fn blob_size(blob: &Blob) -> u64 {
        blob.size().max(0.0) as u64
    }

    async fn bytes_of(blob: &Blob) -> Result<Vec<u8>, PlatformError> {
        let buffer = js::wait(blob.array_buffer())
            .await
            .map_err(|e| PlatformError::Decode(js::error_text(&e)))?;
        Ok(Uint8Array::new(&buffer).to_vec())
    }

    /// SHA-256 of a blob's bytes, lower-case hex, by `crypto.subtle` (HTTPS or localhost only).
    async fn sha256(blob: &Blob) -> Result<String, PlatformError> {
        let buffer = js::wait(blob.array_buffer())
            .await
            .map_err(|e| PlatformError::Decode(js::error_text(&e)))?;
        let buffer: js_sys::Object = buffer.unchecked_into();
        let subtle = js::window()?
            .crypto()
            .map_err(|_| PlatformError::Unavailable)?
            .subtle();
        if JsValue::from(subtle.clone()).is_undefined() {
            return Err(PlatformError::Unavailable);
        }
        let digest = subtle
            .digest_with_str_and_buffer_source("SHA-256", &buffer)
            .map_err(|_| PlatformError::Unavailable)?;
        let digest = js::wait(digest)
            .await
            .map_err(|e| PlatformError::Decode(js::error_text(&e)))?;
        Ok(hex(&Uint8Array::new(&digest).to_vec()))
    }

    enum Picture {
        Bitmap(ImageBitmap),
        Img(HtmlImageElement, String),
    }

    impl Picture {
        fn size(&self) -> (u32, u32) {
            match self {
                Self::Bitmap(b) => (b.width(), b.height()),
                Self::Img(i, _) => (i.natural_width(), i.natural_height()),
            }
        }

        fn draw(&self, ctx: &CanvasRenderingContext2d, w: f64, h: f64) -> Result<(), JsValue> {
            match self {
                Self::Bitmap(b) => {
                    ctx.draw_image_with_image_bitmap_and_dw_and_dh(b, 0.0, 0.0, w, h)
                }
                Self::Img(i, _) => {
                    ctx.draw_image_with_html_image_element_and_dw_and_dh(i, 0.0, 0.0, w, h)
                }
            }
        }

        fn release(self) {
            match self {
                Self::Bitmap(b) => b.close(),
                Self::Img(_, url) => {
                    let _ = Url::revoke_object_url(&url);
                }
            }
        }
    }

    /// Decodes an image upright: `createImageBitmap` with `imageOrientation: "from-image"`, else an
    /// `<img>` (which browsers also draw upright).
    async fn decode(file: &File) -> Result<Picture, PlatformError> {
        let window = js::window()?;
        let options = ImageBitmapOptions::new();
        options.set_image_orientation(ImageOrientation::FromImage);
        if let Ok(promise) =
            window.create_image_bitmap_with_blob_and_image_bitmap_options(file, &options)
            && let Ok(bitmap) = js::wait(promise).await
            && let Ok(bitmap) = bitmap.dyn_into::<ImageBitmap>()
        {
            return Ok(Picture::Bitmap(bitmap));
        }
        let url = Url::create_object_url_with_blob(file)
            .map_err(|e| PlatformError::Decode(js::error_text(&e)))?;
        let img = HtmlImageElement::new().map_err(|e| PlatformError::Decode(js::error_text(&e)))?;
        img.set_src(&url);
        match js::wait(img.decode()).await {
            Ok(_) if img.natural_width() > 0 => Ok(Picture::Img(img, url)),
            Ok(_) => {
                let _ = Url::revoke_object_url(&url);
                Err(PlatformError::Decode("the image has no pixels".to_owned()))
            }
            Err(e) => {
                let _ = Url::revoke_object_url(&url);
                Err(PlatformError::Decode(js::error_text(&e)))
            }
        }
    }

    async fn to_jpeg(canvas: &HtmlCanvasElement, quality: f64) -> Result<Blob, PlatformError> {
        let mut failed = None;
        let promise = Promise::new(&mut |resolve, _reject| {
            if let Err(e) = canvas.to_blob_with_type_and_encoder_options(
                &resolve,
                JPEG,
                &JsValue::from_f64(quality),
            ) {
                failed = Some(e);
            }
        });
        if let Some(e) = failed {
            return Err(PlatformError::Decode(js::error_text(&e)));
        }
        js::wait(promise)
            .await
            .ok()
            .and_then(|b| b.dyn_into::<Blob>().ok())
            .ok_or_else(|| PlatformError::Decode("the picture could not be encoded".to_owned()))
    }

    async fn compress(picture: &Picture) -> Result<Blob, PlatformError> {
        let (w, h) = picture.size();
        let (w, h) = fit_long_side(w, h, MAX_LONG_SIDE);
        let document = js::window()?.document().ok_or(PlatformError::Unavailable)?;
        let canvas: HtmlCanvasElement = document
            .create_element("canvas")
            .map_err(|e| PlatformError::Decode(js::error_text(&e)))?
            .unchecked_into();
        let ctx: CanvasRenderingContext2d = canvas
            .get_context("2d")
            .ok()
            .flatten()
            .ok_or(PlatformError::Unavailable)?
            .unchecked_into();
        let mut best: Option<Blob> = None;
        let mut last_size = (0, 0);
        for (scale, quality) in ENCODE_ATTEMPTS {
            let (cw, ch) = scaled(w, h, scale);
            if (cw, ch) != last_size {
                canvas.set_width(cw);
                canvas.set_height(ch);
                // White under transparent PNG pixels, which JPEG cannot keep.
                ctx.set_fill_style_str("#fff");
                ctx.fill_rect(0.0, 0.0, f64::from(cw), f64::from(ch));
                picture
                    .draw(&ctx, f64::from(cw), f64::from(ch))
                    .map_err(|e| PlatformError::Decode(js::error_text(&e)))?;
                last_size = (cw, ch);
            }
            let blob = to_jpeg(&canvas, quality).await?;
            let size = blob_size(&blob);
            if best.as_ref().is_none_or(|b| size < blob_size(b)) {
                best = Some(blob);
            }
            if size <= TARGET_PHOTO_BYTES {
                break;
            }
        }
        // Free the canvas' pixels now rather than at the next garbage collection.
        canvas.set_width(0);
        canvas.set_height(0);
        best.ok_or_else(|| PlatformError::Decode("no encoding was made".to_owned()))
    }

    pub(super) async fn prepare(
        file: File,
        kind: DocumentKind,
    ) -> Result<(FileMeta, Blob), PlatformError> {
        let name = file.name();
        match classify(&file.type_(), &name) {
            FileClass::Unsupported => Err(PlatformError::UnsupportedFile {
                media_type: file.type_(),
            }),
            FileClass::Pdf => {
                let size = blob_size(&file);
                if size > MAX_BYTES {
                    return Err(PlatformError::FileTooLarge {
                        size_bytes: size,
                        max_bytes: MAX_BYTES,
                    });
                }
                let head = file
                    .slice_with_f64_and_f64(0.0, 5.0)
                    .map_err(|e| PlatformError::Decode(js::error_text(&e)))?;
                if bytes_of(&head).await? != b"%PDF-" {
                    return Err(PlatformError::Decode("not a PDF file".to_owned()));
                }
                let blob: Blob = file.into();
                let meta = FileMeta {
                    sha256: sha256(&blob).await?,
                    media_type: PDF.to_owned(),
                    size_bytes: size,
                    file_name: name,
                    kind,
                };
                Ok((meta, blob))
            }
            FileClass::Image => {
                let picture = decode(&file).await?;
                let compressed = compress(&picture).await;
                picture.release();
                let blob = compressed?;
                let size = blob_size(&blob);
                check_limits(JPEG, size)?;
                let meta = FileMeta {
                    sha256: sha256(&blob).await?,
                    media_type: JPEG.to_owned(),
                    size_bytes: size,
                    file_name: jpeg_name(&name),
                    kind,
                };
                Ok((meta, blob))
            }
        }
    }

    pub(super) async fn put_file(
        draft_id: &str,
        meta: &FileMeta,
        blob: &Blob,
    ) -> Result<(), PlatformError> {
        let record = Object::new();
        Reflect::set(&record, &"meta".into(), &js::from_json(meta)?)
            .map_err(|e| PlatformError::Storage(js::error_text(&e)))?;
        Reflect::set(&record, &"blob".into(), blob)
            .map_err(|e| PlatformError::Storage(js::error_text(&e)))?;
        let tx = transaction(&[FILES], TransactionMode::ReadWrite).await?;
        tx.store(FILES)
            .map_err(|e| idb_error(&e))?
            .put(
                &record,
                Some(&JsValue::from_str(&file_key(draft_id, &meta.sha256))),
            )
            .await
            .map_err(|e| idb_error(&e))?;
        commit(tx).await
    }

    fn meta_of(record: &JsValue) -> Option<FileMeta> {
        let meta = Reflect::get(record, &"meta".into()).ok()?;
        js::to_rust(&meta).ok()
    }

    pub(super) async fn list_files(draft_id: &str) -> Result<Vec<FileMeta>, PlatformError> {
        let (lower, upper) = file_range(draft_id);
        let range = KeyRange::bound(&lower.into(), &upper.into(), None, None)
            .map_err(|e| PlatformError::Storage(e.to_string()))?;
        let tx = transaction(&[FILES], TransactionMode::ReadOnly).await?;
        let records = tx
            .store(FILES)
            .map_err(|e| idb_error(&e))?
            .get_all(Some(range), None)
            .await
            .map_err(|e| idb_error(&e))?;
        Ok(records.iter().filter_map(meta_of).collect())
    }

    pub(super) async fn get_file_blob(
        draft_id: &str,
        sha256: &str,
    ) -> Result<Option<Blob>, PlatformError> {
        let tx = transaction(&[FILES], TransactionMode::ReadOnly).await?;
        let record = tx
            .store(FILES)
            .map_err(|e| idb_error(&e))?
            .get(JsValue::from_str(&file_key(draft_id, sha256)))
            .await
            .map_err(|e| idb_error(&e))?;
        Ok(record.and_then(|r| js::get_as::<Blob>(&r, "blob")))
    }

    pub(super) async fn delete_file(draft_id: &str, sha256: &str) -> Result<(), PlatformError> {
        let tx = transaction(&[FILES], TransactionMode::ReadWrite).await?;
        tx.store(FILES)
            .map_err(|e| idb_error(&e))?
            .delete(JsValue::from_str(&file_key(draft_id, sha256)))
            .await
            .map_err(|e| idb_error(&e))?;
        commit(tx).await
    }
}

#[cfg(feature = "hydrate")]
pub(crate) use web::blob_size;

/// Makes a picked file upload-ready (see the module's documentation): a photo becomes a compressed,
/// upright JPEG without metadata; a PDF is kept. Returns what to store and list, and the bytes.
///
/// # Errors
/// [`PlatformError::UnsupportedFile`] for other types, [`PlatformError::FileTooLarge`] above the
/// domain's limit, [`PlatformError::Decode`] for an image the browser cannot read or a false PDF,
/// [`PlatformError::Unavailable`] without `crypto.subtle` (plain HTTP on a non-local address).
pub async fn prepare(
    file: web_sys::File,
    kind: DocumentKind,
) -> Result<(FileMeta, web_sys::Blob), PlatformError> {
    #[cfg(feature = "hydrate")]
    {
        web::prepare(file, kind).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (file, kind);
        Err(PlatformError::Unavailable)
    }
}

/// Keeps a prepared file with its draft (replacing one with the same SHA-256).
///
/// # Errors
/// [`PlatformError::Quota`] when the phone is full, [`PlatformError::Storage`] otherwise.
pub async fn put_file(
    draft_id: &str,
    meta: &FileMeta,
    blob: &web_sys::Blob,
) -> Result<(), PlatformError> {
    #[cfg(feature = "hydrate")]
    {
        web::put_file(draft_id, meta, blob).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (draft_id, meta, blob);
        Err(PlatformError::Unavailable)
    }
}

/// The files kept with a draft (in SHA-256 order).
///
/// # Errors
/// When IndexedDB fails.
pub async fn list_files(draft_id: &str) -> Result<Vec<FileMeta>, PlatformError> {
    #[cfg(feature = "hydrate")]
    {
        web::list_files(draft_id).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = draft_id;
        Err(PlatformError::Unavailable)
    }
}

/// The bytes of one kept file, or `None`.
///
/// # Errors
/// When IndexedDB fails.
pub async fn get_file_blob(
    draft_id: &str,
    sha256: &str,
) -> Result<Option<web_sys::Blob>, PlatformError> {
    #[cfg(feature = "hydrate")]
    {
        web::get_file_blob(draft_id, sha256).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (draft_id, sha256);
        Err(PlatformError::Unavailable)
    }
}

/// Removes one kept file.
///
/// # Errors
/// When IndexedDB fails.
pub async fn delete_file(draft_id: &str, sha256: &str) -> Result<(), PlatformError> {
    #[cfg(feature = "hydrate")]
    {
        web::delete_file(draft_id, sha256).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (draft_id, sha256);
        Err(PlatformError::Unavailable)
    }
}

/// A `blob:` URL for previewing the bytes in an `<img>` or a link; release it with
/// [`revoke_object_url`] when the preview goes away. `None` on the server.
#[must_use]
pub fn object_url(blob: &web_sys::Blob) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        web_sys::Url::create_object_url_with_blob(blob).ok()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = blob;
        None
    }
}

/// Releases a URL made by [`object_url`].
pub fn revoke_object_url(url: &str) {
    #[cfg(feature = "hydrate")]
    {
        let _ = web_sys::Url::revoke_object_url(url);
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = url;
    }
}

/// The files chosen in an `<input type="file">` whose `change` (or `input`) event this is; empty on the
/// server or when nothing was chosen.
#[must_use]
pub fn files_of_input_event(event: &web_sys::Event) -> Vec<web_sys::File> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast as _;
        event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = event;
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_classified_by_type_then_extension() {
        assert_eq!(classify("application/pdf", "x"), FileClass::Pdf);
        assert_eq!(classify("image/jpeg", "IMG_0001.JPG"), FileClass::Image);
        assert_eq!(classify("image/heic", "IMG_0002.HEIC"), FileClass::Image);
        assert_eq!(classify("", "IMG_0002.HEIC"), FileClass::Image);
        assert_eq!(
            classify("application/octet-stream", "scan.pdf"),
            FileClass::Pdf
        );
        assert_eq!(classify("", "giay-to.PDF"), FileClass::Pdf);
        assert_eq!(
            classify("image/svg+xml", "logo.svg"),
            FileClass::Unsupported
        );
        assert_eq!(
            classify("application/msword", "don.doc"),
            FileClass::Unsupported
        );
        assert_eq!(classify("", "README"), FileClass::Unsupported);
    }

    #[test]
    fn photos_are_renamed_to_jpg() {
        assert_eq!(jpeg_name("IMG_0002.HEIC"), "IMG_0002.jpg");
        assert_eq!(jpeg_name("cccd mat truoc.png"), "cccd mat truoc.jpg");
        assert_eq!(jpeg_name("photo"), "photo.jpg");
        assert_eq!(jpeg_name(""), "anh-chup.jpg");
        assert_eq!(jpeg_name(".jpg"), "anh-chup.jpg");
    }

    #[test]
    fn long_side_is_fitted_without_upscaling() {
        assert_eq!(fit_long_side(4000, 3000, 2000), (2000, 1500));
        assert_eq!(fit_long_side(3024, 4032, 2000), (1500, 2000));
        assert_eq!(fit_long_side(1200, 800, 2000), (1200, 800));
        assert_eq!(fit_long_side(9000, 10, 2000), (2000, 2));
        assert_eq!(fit_long_side(0, 0, 2000), (1, 1));
        assert_eq!(scaled(2000, 1500, 0.5), (1000, 750));
        assert_eq!(scaled(3, 1, 0.1), (1, 1));
    }

    #[test]
    fn attempts_lower_quality_before_size_and_stay_readable() {
        let mut previous = (1.0_f64, 1.0_f64);
        for (scale, quality) in ENCODE_ATTEMPTS {
            assert!(scale <= previous.0, "never grows back");
            if (scale - previous.0).abs() < f64::EPSILON {
                assert!(quality < previous.1, "same size: lower quality");
            }
            assert!(quality >= 0.5, "documents stay readable");
            assert!(scale >= 0.5, "at least 1000 px on the long side");
            previous = (scale, quality);
        }
        assert!((ENCODE_ATTEMPTS[0].1 - 0.85).abs() < f64::EPSILON);
    }

    #[test]
    fn limits_are_the_domains() {
        assert!(check_limits("image/jpeg", 300_000).is_ok());
        assert_eq!(
            check_limits("application/pdf", MAX_BYTES + 1),
            Err(PlatformError::FileTooLarge {
                size_bytes: MAX_BYTES + 1,
                max_bytes: MAX_BYTES
            })
        );
        assert!(matches!(
            check_limits("image/webp", 1),
            Err(PlatformError::UnsupportedFile { .. })
        ));
    }

    #[test]
    fn meta_becomes_the_forms_attachment_and_round_trips() {
        let meta = FileMeta {
            sha256: hex(&[0xab; 32]),
            media_type: "image/jpeg".to_owned(),
            size_bytes: 345_678,
            file_name: "IMG_0002.jpg".to_owned(),
            kind: DocumentKind::IdentityCardCopy,
        };
        assert_eq!(meta.sha256.len(), 64);
        assert!(meta.sha256.starts_with("abab"));
        let a = meta.attachment();
        assert_eq!(
            serde_json::to_value(&a).expect("ser"),
            serde_json::json!({"kind": "identity_card_copy", "media_type": "image/jpeg",
                "size_bytes": 345_678, "sha256": meta.sha256, "file_name": "IMG_0002.jpg"})
        );
        let back: FileMeta =
            serde_json::from_str(&serde_json::to_string(&meta).expect("ser")).expect("de");
        assert_eq!(back, meta);
        assert!(domain::attachments::check(&[a], &[]).is_empty());
    }
}
