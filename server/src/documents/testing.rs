//! What the documents' tests share: the PDF parsed and its text extracted (lopdf), the embedded fonts
//! inspected, the QR code on a page decoded back (rqrr).

use lopdf::{Document, Object};

use super::qr;

/// The PDF parsed, with its one page's text (white space collapsed).
pub(super) fn parse(pdf: &[u8]) -> (Document, String) {
    let (doc, text) = parse_pages(pdf);
    assert_eq!(doc.get_pages().len(), 1, "one page");
    (doc, text)
}

/// The PDF parsed, with the text of all its pages (white space collapsed).
pub(super) fn parse_pages(pdf: &[u8]) -> (Document, String) {
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    let doc = Document::load_mem(pdf).expect("the PDF parses");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    let text = doc.extract_text(&pages).expect("text extracts");
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (doc, text)
}

fn dict<'a>(doc: &'a Document, object: &'a Object) -> &'a lopdf::Dictionary {
    match object {
        Object::Reference(id) => doc.get_dictionary(*id).expect("dictionary"),
        Object::Dictionary(d) => d,
        other => panic!("not a dictionary: {other:?}"),
    }
}

/// The page's fonts: (base font name, embedded font file length).
pub(super) fn fonts(doc: &Document) -> Vec<(String, usize)> {
    let page = *doc.get_pages().get(&1).expect("page 1");
    let fonts = doc.get_page_fonts(page).expect("fonts");
    fonts
        .values()
        .map(|font| {
            assert_eq!(
                font.get(b"Subtype").expect("subtype"),
                &Object::Name(b"Type0".to_vec())
            );
            assert!(font.has(b"ToUnicode"), "a ToUnicode map");
            let descendants = font.get(b"DescendantFonts").expect("descendants");
            let cid = match descendants {
                Object::Array(items) => dict(doc, &items[0]),
                other => dict(doc, other),
            };
            let descriptor = dict(doc, cid.get(b"FontDescriptor").expect("descriptor"));
            let file = descriptor
                .get(b"FontFile2")
                .and_then(Object::as_reference)
                .expect("an embedded TrueType font");
            let stream = doc
                .get_object(file)
                .and_then(Object::as_stream)
                .expect("font stream");
            let data = stream.decompressed_content().expect("font data");
            ttf_parser::Face::parse(&data, 0).expect("the embedded font parses");
            let name = font
                .get(b"BaseFont")
                .and_then(Object::as_name)
                .map(|n| String::from_utf8_lossy(n).into_owned())
                .expect("name");
            (name, data.len())
        })
        .collect()
}

/// Rasterises the filled rectangles of a page (the QR code is the only thing drawn with them), 4 px
/// a point, and decodes the QR code in the picture.
pub(super) fn decode_qr(doc: &Document, page: u32) -> String {
    let page = *doc.get_pages().get(&page).expect("the page");
    let content =
        lopdf::content::Content::decode(&doc.get_page_content(page)).expect("content decodes");
    let number = |o: &Object| o.as_float().expect("number");
    let rects: Vec<[f32; 4]> = content
        .operations
        .iter()
        .filter(|op| op.operator == "re")
        .map(|op| {
            [
                number(&op.operands[0]),
                number(&op.operands[1]),
                number(&op.operands[2]),
                number(&op.operands[3]),
            ]
        })
        .collect();
    assert!(
        rects.len() > 50,
        "the QR code is drawn ({} rectangles)",
        rects.len()
    );
    let min_x = rects.iter().map(|r| r[0]).fold(f32::MAX, f32::min) - 12.0;
    let max_y = rects.iter().map(|r| r[1] + r[3]).fold(f32::MIN, f32::max) + 12.0;
    let max_x = rects.iter().map(|r| r[0] + r[2]).fold(f32::MIN, f32::max) + 12.0;
    let min_y = rects.iter().map(|r| r[1]).fold(f32::MAX, f32::min) - 12.0;
    let px = 4.0;
    let (w, h) = (
        ((max_x - min_x) * px) as usize,
        ((max_y - min_y) * px) as usize,
    );
    let mut dark = vec![false; w * h];
    for [x, y, rw, rh] in rects {
        let (x0, x1) = (
            ((x - min_x) * px).round() as usize,
            ((x + rw - min_x) * px).round() as usize,
        );
        let (y0, y1) = (
            ((max_y - y - rh) * px).round() as usize,
            ((max_y - y) * px).round() as usize,
        );
        for row in y0..y1.min(h) {
            for col in x0..x1.min(w) {
                dark[row * w + col] = true;
            }
        }
    }
    qr::tests::decode(w, h, |x, y| if dark[y * w + x] { 0 } else { 255 })
}

/// Writes the PDF to `$MOTCUA_DOCUMENTS_OUT/{name}.pdf` when that variable names a folder, so the pages
/// can be looked at (e.g. rendered with pdftoppm); does nothing otherwise.
pub(super) fn keep(name: &str, pdf: &[u8]) {
    if let Some(dir) = std::env::var_os("MOTCUA_DOCUMENTS_OUT") {
        let path = std::path::Path::new(&dir).join(format!("{name}.pdf"));
        std::fs::write(&path, pdf).expect("the PDF is written");
    }
}

/// Checks what every issued document shares: a PDF with the two embedded, subset weights of Be Vietnam
/// Pro (as page 1 uses them), every expected text (diacritics included), no character fallen back to '?'.
/// Returns the parsed document and its text.
pub(super) fn check(name: &str, pdf: &[u8], expected: &[&str]) -> (Document, String) {
    keep(name, pdf);
    let (doc, text) = parse_pages(pdf);
    let fonts = fonts(&doc);
    assert_eq!(fonts.len(), 2, "regular and bold: {fonts:?}");
    for (font, len) in &fonts {
        assert!(
            font.contains("+BeVietnamPro-"),
            "a subset of Be Vietnam Pro: {font}"
        );
        assert!(*len < 60_000, "{font} is subset ({len} B)");
    }
    for expected in expected {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    assert!(!text.contains('?'), "a character fell back to '?':\n{text}");
    (doc, text)
}
