//! QR codes of look-up URLs: one builder for the PDF receipt and the web receipt's SVG.

use std::fmt::Write as _;

use qrcode::{
    Color, EcLevel,
    canvas::{Canvas, MaskPattern},
    types::QrError,
};

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
pub(super) fn matrix(text: &str) -> Result<QrMatrix, QrError> {
    let (width, dark) = encode(text, EcLevel::M).or_else(|_| encode(text, EcLevel::L))?;
    let mut runs = Vec::new();
    for (row, line) in dark.chunks(width).enumerate() {
        let mut col = 0;
        while col < width {
            if line[col] {
                let start = col;
                while col < width && line[col] {
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

/// The eight mask patterns of a QR code (ISO/IEC 18004 §7.8.2).
const MASKS: [MaskPattern; 8] = [
    MaskPattern::Checkerboard,
    MaskPattern::HorizontalLines,
    MaskPattern::VerticalLines,
    MaskPattern::DiagonalLines,
    MaskPattern::LargeCheckerboard,
    MaskPattern::Fields,
    MaskPattern::Diamonds,
    MaskPattern::Meadow,
];

/// The smallest QR code of `text` at this level, with the mask of lowest penalty: (modules per side,
/// dark or not, row by row). The `qrcode` crate draws it; the mask is chosen here because the crate's own
/// choice (`apply_best_mask`) takes about half a millisecond, and a receipt's code is made while the
/// dossier's write transaction is open.
fn encode(text: &str, ec_level: EcLevel) -> Result<(usize, Vec<bool>), QrError> {
    let bits = qrcode::bits::encode_auto(text.as_bytes(), ec_level)?;
    let version = bits.version();
    let (data, ec) = qrcode::ec::construct_codewords(&bits.into_bytes(), version, ec_level)?;
    let mut canvas = Canvas::new(version, ec_level);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&data, &ec);
    let width = usize::try_from(version.width()).map_err(|_| QrError::InvalidVersion)?;
    let best = MASKS
        .iter()
        .map(|&mask| {
            let mut masked = canvas.clone();
            masked.apply_mask(mask);
            let dark: Vec<bool> = masked
                .into_colors()
                .into_iter()
                .map(|c| c == Color::Dark)
                .collect();
            (penalty(&dark, width), dark)
        })
        .min_by_key(|(score, _)| *score)
        .map(|(_, dark)| dark)
        .unwrap_or_default();
    Ok((width, best))
}

/// The penalty of a masked symbol (ISO/IEC 18004:2015 §7.8.3.1): runs of five or more modules of one
/// colour in a row or column (N1 = 3, plus one per module beyond five), 2×2 blocks of one colour (N2 = 3
/// each), finder-like 1:1:3:1:1 patterns with four light modules on one side (N3 = 40 each), and the
/// distance of the dark share from 50 % (N4 = 10 per 5 %).
fn penalty(dark: &[bool], width: usize) -> u32 {
    /// 1011101 with four light modules before it, or after it, as the last 11 modules seen.
    const FINDER_BEFORE: u32 = 0b000_0101_1101;
    const FINDER_AFTER: u32 = 0b101_1101_0000;
    let mut score = 0;
    // Rows, then columns: `line(i, j)` is module j of line i.
    for step in [(width, 1), (1, width)] {
        for i in 0..width {
            let module = |j: usize| dark[i * step.0 + j * step.1];
            let mut run = 0;
            let mut previous = false;
            let mut window: u32 = 0;
            for j in 0..width {
                let m = module(j);
                if j > 0 && m == previous {
                    run += 1;
                } else {
                    if run >= 5 {
                        score += 3 + (run - 5);
                    }
                    run = 1;
                }
                previous = m;
                window = ((window << 1) | u32::from(m)) & 0x7FF;
                if j >= 10 && (window == FINDER_BEFORE || window == FINDER_AFTER) {
                    score += 40;
                }
            }
            if run >= 5 {
                score += 3 + (run - 5);
            }
        }
    }
    for row in 0..width.saturating_sub(1) {
        let (top, bottom) = (
            &dark[row * width..][..width],
            &dark[(row + 1) * width..][..width],
        );
        for col in 0..width - 1 {
            let c = top[col];
            if top[col + 1] == c && bottom[col] == c && bottom[col + 1] == c {
                score += 3;
            }
        }
    }
    let total = u32::try_from(dark.len()).unwrap_or(u32::MAX).max(1);
    let dark_count = u32::try_from(dark.iter().filter(|&&d| d).count()).unwrap_or(u32::MAX);
    score + (dark_count * 100 / total).abs_diff(50) / 5 * 10
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
    fn penalty_counts_runs_blocks_finder_patterns_and_balance() {
        // 6×6 all dark: a run of six in each of 6 rows and 6 columns (4 each), 25 2×2 blocks (3 each),
        // no finder pattern, 100 % dark (10 steps of 5 %: 100).
        assert_eq!(penalty(&[true; 36], 6), 48 + 75 + 100);
        // 11×11 checkerboard: no run, no block, but no finder pattern either; 61 dark of 121 = 50 %.
        let board: Vec<bool> = (0..121).map(|i| (i / 11 + i % 11) % 2 == 0).collect();
        assert_eq!(penalty(&board, 11), 0);
        // One row 00001011101 in an 11×11 symbol otherwise alternating by column: one finder-like
        // pattern in that row.
        let finder = [
            false, false, false, false, true, false, true, true, true, false, true,
        ];
        let mut symbol: Vec<bool> = (0..121).map(|i| (i / 11 + i % 11) % 2 == 0).collect();
        symbol[..11].copy_from_slice(&finder);
        let without_row: Vec<bool> = (0..121).map(|i| (i / 11 + i % 11) % 2 == 0).collect();
        assert!(penalty(&symbol, 11) >= penalty(&without_row, 11) + 40);
    }

    #[test]
    fn the_code_with_the_chosen_mask_decodes_and_has_the_crates_version() {
        let url = "https://motcua.quangngai.gov.vn/tra-cuu/21025-261123-0042";
        let (width, dark) = encode(url, EcLevel::M).expect("qr");
        let chosen = penalty(&dark, width);
        let qrcode = qrcode::QrCode::with_error_correction_level(url, EcLevel::M).expect("qr");
        assert_eq!(
            qrcode.width(),
            width,
            "the same version as the crate's own encoder"
        );
        let px = 4;
        let n = width + 2 * QUIET_ZONE;
        let decoded = decode(n * px, n * px, |x, y| {
            let (col, row) = (x / px, y / px);
            let inside = (QUIET_ZONE..QUIET_ZONE + width).contains(&col)
                && (QUIET_ZONE..QUIET_ZONE + width).contains(&row);
            if inside && dark[(row - QUIET_ZONE) * width + col - QUIET_ZONE] {
                0
            } else {
                255
            }
        });
        assert_eq!(decoded, url);
        assert!(chosen < 1_000, "penalty {chosen}");
    }

    #[test]
    fn too_long_text_gives_an_empty_code_not_a_panic() {
        let svg = qr_svg(&"x".repeat(5_000));
        assert!(svg.contains("quá dài"));
        assert!(svg.contains(" d=\"\""));
    }
}
