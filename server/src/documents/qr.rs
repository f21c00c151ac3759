//! QR codes of look-up URLs: one builder for the PDF receipt and the web receipt's SVG.

use std::fmt::Write as _;

use qrcode::{Color, EcLevel, QrCode};

/// Light modules around the code that a reader needs (ISO/IEC 18004: four).
pub(super) const QUIET_ZONE: usize = 4;

/// A QR code's dark modules as horizontal runs, ready to draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct QrMatrix {
    /// Modules per side, without the quiet zone.
    pub(super) width: usize,
    /// Dark runs: row, first column, length (in modules, from the top left, without the quiet zone).
    pub(super) runs: Vec<(usize, usize, usize)>,
}

/// Encodes a text: error correction M (15 %, enough for a printed and photographed page), falling back
/// to L for texts too long for M.
pub(super) fn matrix(text: &str) -> Result<QrMatrix, qrcode::types::QrError> {
    let code = QrCode::with_error_correction_level(text, EcLevel::M)
        .or_else(|_| QrCode::with_error_correction_level(text, EcLevel::L))?;
    let width = code.width();
    let colors = code.to_colors();
    let mut runs = Vec::new();
    for (row, line) in colors.chunks(width).enumerate() {
        let mut col = 0;
        while col < width {
            if line[col] == Color::Dark {
                let start = col;
                while col < width && line[col] == Color::Dark {
                    col += 1;
                }
                runs.push((row, start, col - start));
            } else {
                col += 1;
            }
        }
    }
    Ok(QrMatrix { width, runs })
}

/// An SVG of the QR code of `text`, for the web receipt: scalable (a `viewBox` in modules, with the quiet
/// zone; size it with CSS), black on white, with an accessible name.
///
/// A text longer than a QR code holds (about 2,300 bytes; look-up URLs are far shorter) gives an SVG
/// with no code and a title saying so, and a warning in the log.
#[must_use]
pub fn qr_svg(text: &str) -> String {
    let side = |m: &QrMatrix| m.width + 2 * QUIET_ZONE;
    let (matrix, title) = match matrix(text) {
        Ok(m) => (m, "Mã QR tra cứu hồ sơ"),
        Err(error) => {
            tracing::warn!(%error, len = text.len(), "text too long for a QR code");
            (
                QrMatrix {
                    width: 21,
                    runs: Vec::new(),
                },
                "Địa chỉ quá dài để tạo mã QR",
            )
        }
    };
    let n = side(&matrix);
    // One stroke of width 1 along the middle of each run: `M x y.5 h len` for a row's first run, then
    // `m gap 0 h len` from where the previous run ended (about half the bytes of a filled box per run).
    let mut path = String::with_capacity(matrix.runs.len() * 8);
    let mut at: Option<(usize, usize)> = None;
    for &(row, col, len) in &matrix.runs {
        // Writing to a String cannot fail.
        let _ = match at {
            Some((r, end)) if r == row => write!(path, "m{} 0h{len}", col - end),
            _ => write!(path, "M{} {}.5h{len}", col + QUIET_ZONE, row + QUIET_ZONE),
        };
        at = Some((row, col + len));
    }
    format!(
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {n} {n}" "#,
            r#"shape-rendering="crispEdges" role="img" aria-label="{title}">"#,
            r#"<title>{title}</title>"#,
            r##"<rect width="{n}" height="{n}" fill="#fff"/>"##,
            r##"<path stroke="#000" d="{path}"/></svg>"##
        ),
        n = n,
        title = title,
        path = path
    )
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// Decodes the single QR code in a greyscale picture (0 = black).
    pub(crate) fn decode(
        width: usize,
        height: usize,
        pixel: impl Fn(usize, usize) -> u8,
    ) -> String {
        let mut image = rqrr::PreparedImage::prepare_from_greyscale(width, height, pixel);
        let grids = image.detect_grids();
        assert_eq!(grids.len(), 1, "expected one QR code in the picture");
        let (_, content) = grids[0].decode().expect("the QR code decodes");
        content
    }

    /// The dark modules of the SVG's path (the `M x y.5 h len` / `m dx 0 h len` strokes `qr_svg` draws),
    /// row by row, with the quiet zone: (side, dark).
    pub(crate) fn svg_modules(svg: &str) -> (usize, Vec<bool>) {
        let side: usize = svg
            .split("viewBox=\"0 0 ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse().ok())
            .expect("a square viewBox");
        let path = svg
            .split(" d=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("a path");
        let mut dark = vec![false; side * side];
        let (mut x, mut y) = (0.0_f64, 0.0_f64);
        let mut rest = path;
        while let Some(command) = rest.chars().next() {
            rest = &rest[1..];
            let end = rest.find(['M', 'm', 'h']).unwrap_or(rest.len());
            let numbers: Vec<f64> = rest[..end]
                .split(' ')
                .map(|n| n.parse().expect("a number"))
                .collect();
            rest = &rest[end..];
            match (command, &numbers[..]) {
                ('M', &[nx, ny]) => (x, y) = (nx, ny),
                ('m', &[dx, dy]) => (x, y) = (x + dx, y + dy),
                ('h', &[len]) => {
                    for col in x as usize..(x + len) as usize {
                        dark[y as usize * side + col] = true;
                    }
                    x += len;
                }
                other => panic!("unexpected path command {other:?}"),
            }
        }
        (side, dark)
    }

    /// Rasterises the SVG at 4 px a module and decodes it.
    fn decode_svg(svg: &str) -> String {
        let (n, dark) = svg_modules(svg);
        let px = 4;
        decode(n * px, n * px, |x, y| {
            if dark[(y / px) * n + x / px] { 0 } else { 255 }
        })
    }

    #[test]
    fn svg_decodes_back_to_the_url() {
        let url = "https://motcua.quangngai.gov.vn/tra-cuu?ma=000.00.21.H55-261123-0007";
        let svg = qr_svg(url);
        assert!(svg.starts_with("<svg "), "{svg}");
        assert!(svg.contains("aria-label=\"Mã QR tra cứu hồ sơ\""));
        assert_eq!(decode_svg(&svg), url);
    }

    #[test]
    fn matrix_has_version_size_and_runs() {
        let m = matrix("https://example.invalid/a").expect("qr");
        assert_eq!((m.width - 17) % 4, 0, "a QR side is 17 + 4 × version");
        // Finder pattern: the first row starts with seven dark modules.
        assert_eq!(m.runs[0], (0, 0, 7));
    }

    #[test]
    fn the_svg_draws_exactly_the_modules_the_pdf_draws() {
        let url = "http://127.0.0.1:8080/tra-cuu/21025-261123-0001";
        let m = matrix(url).expect("qr");
        let (side, dark) = svg_modules(&qr_svg(url));
        assert_eq!(side, m.width + 2 * QUIET_ZONE);
        let mut expected = vec![false; side * side];
        for &(row, col, len) in &m.runs {
            for c in col..col + len {
                expected[(row + QUIET_ZONE) * side + c + QUIET_ZONE] = true;
            }
        }
        assert_eq!(dark, expected);
    }

    #[test]
    fn too_long_text_gives_an_empty_code_not_a_panic() {
        let svg = qr_svg(&"x".repeat(5_000));
        assert!(svg.contains("quá dài"));
        assert!(svg.contains(" d=\"\""));
    }
}
