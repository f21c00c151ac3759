//! The embedded typeface (Be Vietnam Pro, SIL OFL 1.1, shipped in `server/assets/fonts/`): text
//! measuring, glyph encoding, and the PDF objects of a subset font (a Type 0 font over a CIDFontType2,
//! Identity-H, with a `/ToUnicode` map so text can be copied and searched).

use std::collections::BTreeMap;

use anyhow::Context as _;
use pdf_writer::{
    Filter, Finish as _, Name, Pdf, Rect, Ref, Str,
    types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap},
};
use subsetter::GlyphRemapper;
use ttf_parser::{Face, GlyphId};

const REGULAR: &[u8] = include_bytes!("../../assets/fonts/BeVietnamPro-Regular.ttf");
const BOLD: &[u8] = include_bytes!("../../assets/fonts/BeVietnamPro-Bold.ttf");

/// Identity ordering: CIDs are the subset's glyph ids.
const SYSTEM_INFO: SystemInfo<'static> = SystemInfo {
    registry: Str(b"Adobe"),
    ordering: Str(b"Identity"),
    supplement: 0,
};

/// The two weights the receipts use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Style {
    Regular,
    Bold,
}

/// One embedded weight, and the glyphs a document has used from it so far.
pub(super) struct Font {
    data: &'static [u8],
    face: Face<'static>,
    /// The PostScript name with a subset tag, e.g. `MCUAAA+BeVietnamPro-Regular`.
    base_font: &'static str,
    /// Old glyph id → id in the subset, in order of first use (0 is `.notdef`).
    remapper: GlyphRemapper,
    /// Subset glyph id → the character it shows.
    unicode: BTreeMap<u16, char>,
    /// Shown for a character the font lacks (`?`).
    fallback: (GlyphId, char),
    /// Font units per 1,000 text-space units.
    scale: f32,
}

impl Font {
    /// Parses the embedded font of a style.
    pub(super) fn load(style: Style) -> anyhow::Result<Self> {
        let (data, base_font) = match style {
            Style::Regular => (REGULAR, "MCUAAA+BeVietnamPro-Regular"),
            Style::Bold => (BOLD, "MCUAAB+BeVietnamPro-Bold"),
        };
        let face = Face::parse(data, 0).context("the embedded font does not parse")?;
        let fallback = face
            .glyph_index('?')
            .context("the embedded font has no question mark")?;
        let scale = 1000.0 / f32::from(face.units_per_em());
        Ok(Self {
            data,
            face,
            base_font,
            remapper: GlyphRemapper::new(),
            unicode: BTreeMap::new(),
            fallback: (fallback, '?'),
            scale,
        })
    }

    /// The glyph for a character, or the fallback and what it stands for.
    fn glyph(&self, c: char) -> (GlyphId, char) {
        self.face
            .glyph_index(c)
            .map_or(self.fallback, |glyph| (glyph, c))
    }

    /// Whether the font has a glyph for the character.
    #[cfg(test)]
    pub(super) fn has(&self, c: char) -> bool {
        self.face.glyph_index(c).is_some()
    }

    /// Advance width of a glyph in thousandths of the font size.
    fn advance(&self, glyph: GlyphId) -> f32 {
        f32::from(self.face.glyph_hor_advance(glyph).unwrap_or(0)) * self.scale
    }

    /// Width of a text at a font size, in points.
    pub(super) fn width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .map(|c| self.advance(self.glyph(c).0))
            .sum::<f32>()
            * size
            / 1000.0
    }

    /// The text as two-byte subset glyph ids for a `Tj` operator; records the glyphs for the subset.
    pub(super) fn encode(&mut self, text: &str) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let (glyph, shown) = self.glyph(c);
            let new = self.remapper.remap(glyph.0);
            self.unicode.entry(new).or_insert(shown);
            bytes.extend_from_slice(&new.to_be_bytes());
        }
        bytes
    }

    /// Writes the font (five objects from `first`) and returns the next free reference.
    pub(super) fn write(&self, pdf: &mut Pdf, first: Ref) -> anyhow::Result<Ref> {
        let type0 = first;
        let cid = Ref::new(first.get() + 1);
        let descriptor = Ref::new(first.get() + 2);
        let file = Ref::new(first.get() + 3);
        let to_unicode = Ref::new(first.get() + 4);
        let name = Name(self.base_font.as_bytes());

        pdf.type0_font(type0)
            .base_font(name)
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(to_unicode);

        let widths: Vec<f32> = self
            .remapper
            .remapped_gids()
            .map(|old| self.advance(GlyphId(old)))
            .collect();
        let mut cid_font = pdf.cid_font(cid);
        cid_font
            .subtype(CidFontType::Type2)
            .base_font(name)
            .system_info(SYSTEM_INFO)
            .font_descriptor(descriptor)
            .default_width(0.0)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        cid_font.widths().consecutive(0, widths);
        cid_font.finish();

        let bbox = self.face.global_bounding_box();
        let units = |v: i16| f32::from(v) * self.scale;
        let bold = self.face.is_bold();
        let mut flags = FontFlags::NON_SYMBOLIC;
        if bold {
            flags |= FontFlags::FORCE_BOLD;
        }
        pdf.font_descriptor(descriptor)
            .name(name)
            .flags(flags)
            .bbox(Rect::new(
                units(bbox.x_min),
                units(bbox.y_min),
                units(bbox.x_max),
                units(bbox.y_max),
            ))
            .italic_angle(0.0)
            .ascent(units(self.face.ascender()))
            .descent(units(self.face.descender()))
            .cap_height(units(
                self.face
                    .capital_height()
                    .unwrap_or_else(|| self.face.ascender()),
            ))
            .stem_v(if bold { 140.0 } else { 80.0 })
            .font_file2(file);

        let subset = subsetter::subset(self.data, 0, &self.remapper)
            .map_err(|e| anyhow::anyhow!("cannot subset the embedded font: {e}"))?;
        let length = i32::try_from(subset.len()).context("the font subset is too large")?;
        pdf.stream(file, &deflate(&subset))
            .filter(Filter::FlateDecode)
            .pair(Name(b"Length1"), length);

        let mut cmap = UnicodeCmap::new(Name(b"Custom"), SYSTEM_INFO);
        for (&glyph, &c) in &self.unicode {
            cmap.pair(glyph, c);
        }
        pdf.stream(to_unicode, &deflate(&cmap.finish()))
            .filter(Filter::FlateDecode);

        Ok(Ref::new(first.get() + 5))
    }
}

/// zlib-compressed bytes for a `/FlateDecode` stream.
pub(super) fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every Vietnamese letter, plain or with any tone mark, in both cases, and the punctuation and
    /// digits the receipts use.
    fn vietnamese_alphabet() -> Vec<char> {
        let mut chars: Vec<char> = (0x20_u32..0x7F)
            .chain(0xC0..0x250)
            .chain(0x1E00..0x1F00)
            .filter_map(char::from_u32)
            .filter(|&c| c.is_ascii_graphic() || c == ' ' || domain::text::is_vietnamese_letter(c))
            .collect();
        chars.extend(['–', '—', '…', '“', '”', '’']);
        chars
    }

    #[test]
    fn both_weights_have_every_vietnamese_letter() {
        let alphabet = vietnamese_alphabet();
        // 12 vowels × 6 tones + đ = 73 accented or plain lower-case letters beyond ASCII … in both cases.
        let beyond_ascii = alphabet.iter().filter(|c| !c.is_ascii()).count();
        assert!(beyond_ascii >= 2 * 67, "alphabet too small: {beyond_ascii}");
        for style in [Style::Regular, Style::Bold] {
            let font = Font::load(style).expect("font");
            let missing: String = alphabet.iter().filter(|&&c| !font.has(c)).collect();
            assert_eq!(missing, "", "{style:?} lacks these characters");
        }
    }

    #[test]
    fn missing_characters_fall_back_to_a_question_mark() {
        let mut font = Font::load(Style::Regular).expect("font");
        let bytes = font.encode("a😀");
        assert_eq!(bytes.len(), 4);
        assert!(font.unicode.values().any(|&c| c == '?'));
        assert!(font.width("😀", 10.0) > 0.0);
    }

    #[test]
    fn a_subset_is_much_smaller_than_the_font() {
        let mut font = Font::load(Style::Regular).expect("font");
        font.encode("Giấy tiếp nhận hồ sơ và hẹn trả kết quả");
        let subset = subsetter::subset(font.data, 0, &font.remapper).expect("subset");
        assert!(
            subset.len() * 4 < REGULAR.len(),
            "subset {} B of {} B",
            subset.len(),
            REGULAR.len()
        );
    }
}
