//! What an uploaded file really is, judged by its bytes (never by its name), and the clean-up of
//! images: metadata (EXIF with GPS, XMP, IPTC, text chunks) removed, decompression bombs refused.

/// The kinds of file a dossier accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaType {
    /// `application/pdf`
    Pdf,
    /// `image/jpeg`
    Jpeg,
    /// `image/png`
    Png,
}

impl MediaType {
    /// The MIME type.
    #[must_use]
    pub const fn mime(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
        }
    }

    /// Reads a MIME type back (as stored in the database).
    #[must_use]
    pub fn from_mime(mime: &str) -> Option<Self> {
        [Self::Pdf, Self::Jpeg, Self::Png]
            .into_iter()
            .find(|m| m.mime() == mime)
    }
}

/// Why a file is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MediaError {
    /// Not a PDF, JPEG or PNG, whatever its name says.
    #[error("the file is not a PDF, JPEG or PNG (its content was checked, not its name)")]
    UnsupportedType,
    /// The image's structure is broken.
    #[error("the image is damaged: {0}")]
    Damaged(&'static str),
    /// Too many pixels for its size: a decompression bomb, or simply too large to view.
    #[error("the image is {width}×{height} pixels; at most {max_pixels} pixels are accepted")]
    TooManyPixels {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
        /// The limit.
        max_pixels: u64,
    },
}

/// At most 40 megapixels (a phone photo is 12–50 MP before the app shrinks it to about 2,000 px).
pub const MAX_PIXELS: u64 = 40_000_000;

/// The kind of file, by its first bytes.
///
/// # Errors
/// [`MediaError::UnsupportedType`] for anything but PDF, JPEG and PNG.
pub fn sniff(bytes: &[u8]) -> Result<MediaType, MediaError> {
    if bytes.starts_with(b"%PDF-") {
        Ok(MediaType::Pdf)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok(MediaType::Jpeg)
    } else if bytes.starts_with(PNG_SIGNATURE) {
        Ok(MediaType::Png)
    } else {
        Err(MediaError::UnsupportedType)
    }
}

/// Checks a complete file and returns what should be stored: PDFs as they are, images without their
/// metadata.
///
/// # Errors
/// When the type is not accepted, the image is damaged or has too many pixels.
pub fn clean(bytes: &[u8]) -> Result<(MediaType, Vec<u8>), MediaError> {
    let kind = sniff(bytes)?;
    let cleaned = match kind {
        MediaType::Pdf => bytes.to_vec(),
        MediaType::Jpeg => clean_jpeg(bytes)?,
        MediaType::Png => clean_png(bytes)?,
    };
    Ok((kind, cleaned))
}

fn check_pixels(width: u32, height: u32) -> Result<(), MediaError> {
    if width == 0 || height == 0 {
        return Err(MediaError::Damaged("zero width or height"));
    }
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(MediaError::TooManyPixels {
            width,
            height,
            max_pixels: MAX_PIXELS,
        });
    }
    Ok(())
}

/// Copies a JPEG without its APPn segments other than APP0 (JFIF) and APP2 (ICC colour profile) and
/// without comments; checks the frame size in the SOF segment.
fn clean_jpeg(bytes: &[u8]) -> Result<Vec<u8>, MediaError> {
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..2]); // SOI
    let mut pos = 2;
    let mut saw_frame = false;
    loop {
        // Markers may be preceded by fill bytes 0xFF.
        while bytes.get(pos) == Some(&0xFF) && bytes.get(pos + 1) == Some(&0xFF) {
            pos += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (bytes.get(pos), bytes.get(pos + 1)) else {
            return Err(MediaError::Damaged("a JPEG segment marker is missing"));
        };
        match marker {
            // Standalone markers without a length.
            0x01 | 0xD0..=0xD7 => {
                out.extend_from_slice(&bytes[pos..pos + 2]);
                pos += 2;
                continue;
            }
            // End of image before any scan.
            0xD9 => return Err(MediaError::Damaged("the JPEG has no image data")),
            _ => {}
        }
        let len_bytes = bytes
            .get(pos + 2..pos + 4)
            .ok_or(MediaError::Damaged("a JPEG segment is cut short"))?;
        let len = usize::from(u16::from_be_bytes([len_bytes[0], len_bytes[1]]));
        if len < 2 {
            return Err(MediaError::Damaged(
                "a JPEG segment has an impossible length",
            ));
        }
        let end = pos + 2 + len;
        let segment = bytes
            .get(pos..end)
            .ok_or(MediaError::Damaged("a JPEG segment is cut short"))?;
        match marker {
            // SOF0..SOF15 except DHT (C4), JPG (C8), DAC (CC): frame header with the size.
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                let h = segment
                    .get(5..9)
                    .ok_or(MediaError::Damaged("the JPEG frame header is cut short"))?;
                let height = u32::from(u16::from_be_bytes([h[0], h[1]]));
                let width = u32::from(u16::from_be_bytes([h[2], h[3]]));
                check_pixels(width, height)?;
                saw_frame = true;
                out.extend_from_slice(segment);
            }
            // Start of scan: the rest is entropy-coded data up to EOI; keep it all.
            0xDA => {
                if !saw_frame {
                    return Err(MediaError::Damaged(
                        "the JPEG scan comes before its frame header",
                    ));
                }
                out.extend_from_slice(&bytes[pos..]);
                return Ok(out);
            }
            // APP0 (JFIF) and APP2 (ICC profile) stay; APP1 (EXIF, XMP), APP3–APP15 (IPTC…) and COM go.
            0xE0 | 0xE2 => out.extend_from_slice(segment),
            0xE1 | 0xE3..=0xEF | 0xFE => {}
            _ => out.extend_from_slice(segment),
        }
        pos = end;
    }
}

const PNG_SIGNATURE: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

/// Copies a PNG without its text and EXIF chunks (tEXt, zTXt, iTXt, eXIf, tIME); checks IHDR's size.
fn clean_png(bytes: &[u8]) -> Result<Vec<u8>, MediaError> {
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(PNG_SIGNATURE);
    let mut pos = PNG_SIGNATURE.len();
    let mut first = true;
    while pos < bytes.len() {
        let header = bytes
            .get(pos..pos + 8)
            .ok_or(MediaError::Damaged("a PNG chunk is cut short"))?;
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let kind = &header[4..8];
        let end = pos
            .checked_add(12)
            .and_then(|p| p.checked_add(len))
            .ok_or(MediaError::Damaged("a PNG chunk has an impossible length"))?;
        let chunk = bytes
            .get(pos..end)
            .ok_or(MediaError::Damaged("a PNG chunk is cut short"))?;
        if first {
            if kind != b"IHDR" || len < 8 {
                return Err(MediaError::Damaged(
                    "the PNG does not start with its header",
                ));
            }
            let d = &chunk[8..16];
            check_pixels(
                u32::from_be_bytes([d[0], d[1], d[2], d[3]]),
                u32::from_be_bytes([d[4], d[5], d[6], d[7]]),
            )?;
            first = false;
        }
        if !matches!(kind, b"tEXt" | b"zTXt" | b"iTXt" | b"eXIf" | b"tIME") {
            out.extend_from_slice(chunk);
        }
        pos = end;
        if kind == b"IEND" {
            return Ok(out);
        }
    }
    Err(MediaError::Damaged("the PNG has no end chunk"))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A tiny but well-formed baseline JPEG (1×1) with an EXIF APP1 segment holding GPS tags.
    pub(crate) fn jpeg_with_gps(width: u16, height: u16) -> Vec<u8> {
        let mut j = vec![0xFF, 0xD8];
        // APP0 JFIF
        j.extend_from_slice(&[0xFF, 0xE0, 0x00, 0x10]);
        j.extend_from_slice(b"JFIF\0\x01\x01\x00\x00\x01\x00\x01\x00\x00");
        // APP1 Exif with a GPS IFD marker and a recognisable coordinate string
        let exif_payload = b"Exif\0\0MM\0*\0\0\0\x08GPSLatitude=15.38N GPSLongitude=109.12E";
        let len = u16::try_from(exif_payload.len() + 2).expect("small");
        j.extend_from_slice(&[0xFF, 0xE1]);
        j.extend_from_slice(&len.to_be_bytes());
        j.extend_from_slice(exif_payload);
        // COM
        j.extend_from_slice(&[0xFF, 0xFE, 0x00, 0x07]);
        j.extend_from_slice(b"hello");
        // SOF0: precision 8, height, width, 1 component
        j.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x0B, 0x08]);
        j.extend_from_slice(&height.to_be_bytes());
        j.extend_from_slice(&width.to_be_bytes());
        j.extend_from_slice(&[0x01, 0x01, 0x11, 0x00]);
        // SOS + a few bytes of scan + EOI
        j.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00]);
        j.extend_from_slice(&[0x12, 0x34, 0xFF, 0x00, 0x56, 0xFF, 0xD9]);
        j
    }

    fn png(width: u32, height: u32, with_text: bool) -> Vec<u8> {
        fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
            out.extend_from_slice(&u32::try_from(data.len()).expect("small").to_be_bytes());
            out.extend_from_slice(kind);
            out.extend_from_slice(data);
            out.extend_from_slice(&[0, 0, 0, 0]); // CRC is not checked here
        }
        let mut p = PNG_SIGNATURE.to_vec();
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&width.to_be_bytes());
        ihdr.extend_from_slice(&height.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        chunk(&mut p, b"IHDR", &ihdr);
        if with_text {
            chunk(&mut p, b"tEXt", b"Comment\0GPS 15.38N");
        }
        chunk(&mut p, b"IDAT", &[0x78, 0x9C, 0x03, 0x00]);
        chunk(&mut p, b"IEND", &[]);
        p
    }

    #[test]
    fn sniffs_by_content_not_name() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Ok(MediaType::Pdf));
        assert_eq!(sniff(&jpeg_with_gps(1, 1)), Ok(MediaType::Jpeg));
        assert_eq!(sniff(&png(1, 1, false)), Ok(MediaType::Png));
        assert_eq!(
            sniff(b"MZ\x90\x00 a Windows program"),
            Err(MediaError::UnsupportedType)
        );
        assert_eq!(sniff(b""), Err(MediaError::UnsupportedType));
    }

    #[test]
    fn jpeg_loses_exif_and_comments_but_keeps_jfif_frame_and_scan() {
        let original = jpeg_with_gps(2, 3);
        let (kind, cleaned) = clean(&original).expect("clean");
        assert_eq!(kind, MediaType::Jpeg);
        let has = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
        assert!(has(&original, b"GPSLatitude"));
        assert!(!has(&cleaned, b"GPSLatitude"), "GPS removed");
        assert!(!has(&cleaned, b"Exif"), "EXIF removed");
        assert!(!has(&cleaned, b"hello"), "comment removed");
        assert!(has(&cleaned, b"JFIF"), "JFIF kept");
        assert!(
            cleaned.ends_with(&[0x56, 0xFF, 0xD9]),
            "scan data kept to the end"
        );
        assert_eq!(
            clean(&cleaned).expect("again").1,
            cleaned,
            "cleaning is idempotent"
        );
    }

    #[test]
    fn png_loses_text_chunks() {
        let (_, cleaned) = clean(&png(4, 4, true)).expect("clean");
        assert_eq!(cleaned, png(4, 4, false));
    }

    #[test]
    fn decompression_bombs_and_damaged_images_are_refused() {
        assert!(matches!(
            clean(&jpeg_with_gps(60_000, 60_000)),
            Err(MediaError::TooManyPixels { .. })
        ));
        assert!(matches!(
            clean(&png(100_000, 100_000, false)),
            Err(MediaError::TooManyPixels { .. })
        ));
        assert!(matches!(
            clean(&jpeg_with_gps(0, 5)),
            Err(MediaError::Damaged(_))
        ));
        let cut = &jpeg_with_gps(1, 1)[..30];
        assert!(matches!(clean(cut), Err(MediaError::Damaged(_))));
        let mut no_end = png(1, 1, false);
        no_end.truncate(no_end.len() - 12);
        assert!(matches!(clean(&no_end), Err(MediaError::Damaged(_))));
    }

    #[test]
    fn pdf_is_kept_byte_for_byte() {
        let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
        assert_eq!(clean(&pdf).expect("pdf"), (MediaType::Pdf, pdf));
    }
}
