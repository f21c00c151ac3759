//! One A4 page set from a list of [`Block`]s the way Vietnamese administrative papers are set (NĐ
//! 30/2020/NĐ-CP Phụ lục I): the issuing body top left, the national motto top right with the place and
//! date under it, a centred title, then the body. A page whose body does not fit is set again in a
//! smaller size, so a receipt is always one page.

use pdf_writer::{Content, Filter, Finish as _, Name, Pdf, Rect, Ref, Str, TextStr};

use super::{
    font::{Font, Style, deflate},
    qr::{QUIET_ZONE, QrMatrix},
};

const PAGE_WIDTH: f32 = 595.276;
const PAGE_HEIGHT: f32 = 841.89;
/// 30 mm left and 20 mm right, top and bottom (NĐ 30/2020 Phụ lục I: 30–35 mm left, 15–20 mm right,
/// 20–25 mm top and bottom).
const LEFT: f32 = 85.04;
const RIGHT: f32 = PAGE_WIDTH - 56.69;
const TOP: f32 = PAGE_HEIGHT - 56.69;
const BOTTOM: f32 = 56.69;
const WIDTH: f32 = RIGHT - LEFT;
/// Body text size at full scale.
const BODY: f32 = 11.5;
/// Line height as a multiple of the font size.
const LEADING: f32 = 1.42;
/// The sizes tried, largest first, until the page fits.
const SCALES: [f32; 6] = [1.0, 0.93, 0.86, 0.79, 0.72, 0.65];

/// One piece of a page.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Block {
    /// Small print at the top right: which official form the page follows.
    FormMark(String),
    /// The issuing body on the left (upper case, bold), the national motto on the right with the place
    /// and date under it.
    Header { agency: String, place_date: String },
    /// Centred bold lines.
    Title(Vec<String>),
    /// A centred line in regular weight.
    Centered(String),
    /// A bold label, then its value; continuation lines start at the margin.
    Field { label: String, value: String },
    /// An indented list item with a hanging marker (`1.`, `-`).
    Item { marker: String, text: String },
    /// Body text.
    Paragraph(String),
    /// Small print.
    Note(String),
    /// Vertical space, in lines of body text.
    Gap(f32),
    /// Two signature columns: a bold title and the hint under it, then room to sign.
    Signatures {
        left: (String, String),
        right: (String, String),
    },
    /// The QR code of the look-up URL, with a heading, a hint and the URL beside it.
    Lookup {
        qr: QrMatrix,
        heading: String,
        hint: String,
        url: String,
    },
}

/// A line of text in runs of one weight.
type Line = Vec<(Style, String)>;

/// The page being set.
struct Page {
    content: Content,
    regular: Font,
    bold: Font,
    /// Top of the next block.
    y: f32,
    scale: f32,
}

/// Sets the blocks on one A4 page and returns the PDF.
///
/// # Errors
/// When the embedded fonts cannot be read or subset, or the blocks do not fit on one page even in the
/// smallest size.
pub(super) fn render(blocks: &[Block], title: &str) -> anyhow::Result<Vec<u8>> {
    for scale in SCALES {
        let mut page = Page::new(scale)?;
        for block in blocks {
            page.block(block);
        }
        if page.y >= BOTTOM {
            return page.finish(title);
        }
    }
    anyhow::bail!("the receipt does not fit on one A4 page")
}

impl Page {
    fn new(scale: f32) -> anyhow::Result<Self> {
        Ok(Self {
            content: Content::new(),
            regular: Font::load(Style::Regular)?,
            bold: Font::load(Style::Bold)?,
            y: TOP,
            scale,
        })
    }

    fn font(&self, style: Style) -> &Font {
        match style {
            Style::Regular => &self.regular,
            Style::Bold => &self.bold,
        }
    }

    fn size(&self, points: f32) -> f32 {
        points * self.scale
    }

    /// Draws a text with its left end at `x` and baseline at `y`.
    fn show(&mut self, style: Style, size: f32, x: f32, y: f32, text: &str) {
        let (font, name) = match style {
            Style::Regular => (&mut self.regular, Name(b"F1")),
            Style::Bold => (&mut self.bold, Name(b"F2")),
        };
        let encoded = font.encode(text);
        self.content
            .begin_text()
            .set_font(name, size)
            .next_line(x, y)
            .show(Str(&encoded))
            .end_text();
    }

    fn line_width(&self, line: &Line, size: f32) -> f32 {
        line.iter()
            .map(|(style, text)| self.font(*style).width(text, size))
            .sum()
    }

    /// Draws a line of runs from `x` at baseline `y`.
    fn show_line(&mut self, line: &Line, size: f32, x: f32, y: f32) {
        let mut x = x;
        for (style, text) in line {
            self.show(*style, size, x, y, text);
            x += self.font(*style).width(text, size);
        }
    }

    /// Breaks runs into lines no wider than `width`; a word longer than a line is cut between letters.
    fn wrap(&self, runs: &[(Style, &str)], size: f32, width: f32) -> Vec<Line> {
        let mut lines: Vec<Line> = vec![Vec::new()];
        let mut used = 0.0;
        let mut space_pending = false;
        for &(style, text) in runs {
            for (i, word) in text.split(' ').enumerate() {
                if i > 0 {
                    space_pending = true;
                }
                if word.is_empty() {
                    continue;
                }
                let font = self.font(style);
                let word_width = font.width(word, size);
                let line_empty = lines.last().is_none_or(Vec::is_empty);
                let space = if space_pending && !line_empty {
                    font.width(" ", size)
                } else {
                    0.0
                };
                space_pending = false;
                if !line_empty && used + space + word_width > width {
                    lines.push(Vec::new());
                    used = 0.0;
                } else if space > 0.0 {
                    push(&mut lines, style, " ");
                    used += space;
                }
                if word_width <= width {
                    push(&mut lines, style, word);
                    used += word_width;
                    continue;
                }
                // A word wider than the line (a long URL): as many letters as fit on each line.
                for c in word.chars() {
                    let w = font.width(c.encode_utf8(&mut [0; 4]), size);
                    if used + w > width && used > 0.0 {
                        lines.push(Vec::new());
                        used = 0.0;
                    }
                    push(&mut lines, style, c.encode_utf8(&mut [0; 4]));
                    used += w;
                }
            }
        }
        lines
    }

    /// Sets runs as a paragraph from `x`, `width` wide, moving down.
    fn paragraph(&mut self, runs: &[(Style, &str)], points: f32, x: f32, width: f32) {
        let size = self.size(points);
        for line in self.wrap(runs, size, width) {
            self.y -= size * LEADING;
            self.show_line(&line, size, x, self.y + size * (LEADING - 1.0));
        }
    }

    /// Sets runs centred on `centre`, each line no wider than `width`, from `top` down; returns the
    /// bottom.
    fn centred(
        &mut self,
        runs: &[(Style, &str)],
        points: f32,
        centre: f32,
        width: f32,
        top: f32,
    ) -> f32 {
        let size = self.size(points);
        let mut y = top;
        for line in self.wrap(runs, size, width) {
            y -= size * LEADING;
            let w = self.line_width(&line, size);
            self.show_line(&line, size, centre - w / 2.0, y + size * (LEADING - 1.0));
        }
        y
    }

    /// A horizontal rule centred on `centre`.
    fn rule(&mut self, centre: f32, width: f32, y: f32) {
        self.content
            .set_line_width(0.6)
            .move_to(centre - width / 2.0, y)
            .line_to(centre + width / 2.0, y)
            .stroke();
    }

    fn block(&mut self, block: &Block) {
        let body = BODY;
        match block {
            Block::FormMark(text) => {
                let size = self.size(8.5);
                let w = self.regular.width(text, size);
                self.show(Style::Regular, size, RIGHT - w, self.y - size, text);
                self.y -= size * LEADING + self.size(6.0);
            }
            Block::Header { agency, place_date } => self.header(agency, place_date),
            Block::Title(lines) => {
                self.y -= self.size(body) * 0.6;
                for line in lines {
                    let (centre, top) = (LEFT + WIDTH / 2.0, self.y);
                    self.y = self.centred(&[(Style::Bold, line)], 13.5, centre, WIDTH, top);
                }
                self.y -= self.size(body) * 0.3;
            }
            Block::Centered(text) => {
                let (centre, top) = (LEFT + WIDTH / 2.0, self.y);
                self.y = self.centred(&[(Style::Regular, text)], body, centre, WIDTH, top);
            }
            Block::Field { label, value } => {
                let label = format!("{label}: ");
                self.paragraph(
                    &[(Style::Bold, &label), (Style::Regular, value)],
                    body,
                    LEFT,
                    WIDTH,
                );
            }
            Block::Item { marker, text } => {
                let indent = self.size(14.0);
                let size = self.size(body);
                let top = self.y;
                self.show(
                    Style::Regular,
                    size,
                    LEFT + indent,
                    top - size * LEADING + size * (LEADING - 1.0),
                    marker,
                );
                let hang = indent + self.size(18.0);
                self.paragraph(&[(Style::Regular, text)], body, LEFT + hang, WIDTH - hang);
            }
            Block::Paragraph(text) => {
                self.paragraph(&[(Style::Regular, text)], body, LEFT, WIDTH);
            }
            Block::Note(text) => self.paragraph(&[(Style::Regular, text)], 9.0, LEFT, WIDTH),
            Block::Gap(lines) => self.y -= lines * self.size(body) * LEADING,
            Block::Signatures { left, right } => {
                let top = self.y;
                let mut bottom = top;
                for ((heading, hint), centre) in [
                    (left, LEFT + WIDTH / 4.0),
                    (right, LEFT + 3.0 * WIDTH / 4.0),
                ] {
                    let y = self.centred(&[(Style::Bold, heading)], body, centre, WIDTH / 2.0, top);
                    let y = self.centred(&[(Style::Regular, hint)], 10.0, centre, WIDTH / 2.0, y);
                    bottom = bottom.min(y);
                }
                self.y = bottom - self.size(60.0);
            }
            Block::Lookup {
                qr,
                heading,
                hint,
                url,
            } => self.lookup(qr, heading, hint, url),
        }
    }

    fn header(&mut self, agency: &str, place_date: &str) {
        let left_width = WIDTH * 0.48;
        let right_width = WIDTH - left_width;
        let left_centre = LEFT + left_width / 2.0;
        let right_centre = LEFT + left_width + right_width / 2.0;
        let top = self.y;

        let agency = agency.to_uppercase();
        let agency_bottom = self.centred(
            &[(Style::Bold, &agency)],
            10.0,
            left_centre,
            left_width - 8.0,
            top,
        );
        let gap = self.size(3.0);
        self.rule(left_centre, left_width * 0.35, agency_bottom - gap);

        let nation = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
        let motto = "Độc lập - Tự do - Hạnh phúc";
        let y = self.centred(
            &[(Style::Bold, nation)],
            10.5,
            right_centre,
            right_width,
            top,
        );
        let y = self.centred(&[(Style::Bold, motto)], 11.5, right_centre, right_width, y);
        let motto_width = self.bold.width(motto, self.size(11.5));
        self.rule(right_centre, motto_width, y - gap);
        let y = self.centred(
            &[(Style::Regular, place_date)],
            11.0,
            right_centre,
            right_width,
            y - 2.0 * gap,
        );
        self.y = y.min(agency_bottom - 2.0 * gap) - self.size(BODY) * 0.5;
    }

    fn lookup(&mut self, qr: &QrMatrix, heading: &str, hint: &str, url: &str) {
        let side = self.size(92.0);
        let top = self.y - self.size(4.0);
        let modules = (qr.width + 2 * QUIET_ZONE) as f32;
        let module = side / modules;
        self.content.save_state().set_fill_gray(0.0);
        for &(row, col, len) in &qr.runs {
            self.content.rect(
                LEFT + (col + QUIET_ZONE) as f32 * module,
                top - (row + QUIET_ZONE + 1) as f32 * module,
                len as f32 * module,
                module,
            );
        }
        self.content.fill_nonzero().restore_state();

        let text_left = LEFT + side + self.size(10.0);
        let text_width = RIGHT - text_left;
        self.y = top - module * QUIET_ZONE as f32;
        self.paragraph(&[(Style::Bold, heading)], BODY, text_left, text_width);
        self.paragraph(&[(Style::Regular, hint)], BODY, text_left, text_width);
        self.paragraph(&[(Style::Regular, url)], 9.5, text_left, text_width);
        self.y = self.y.min(top - side);
    }

    fn finish(self, title: &str) -> anyhow::Result<Vec<u8>> {
        let catalog = Ref::new(1);
        let pages = Ref::new(2);
        let page = Ref::new(3);
        let contents = Ref::new(4);
        let info = Ref::new(5);
        let regular = Ref::new(6);

        let mut pdf = Pdf::new();
        pdf.catalog(catalog).pages(pages).lang(TextStr("vi"));
        pdf.pages(pages).kids([page]).count(1);
        let mut page_writer = pdf.page(page);
        page_writer
            .media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
            .parent(pages)
            .contents(contents);
        let bold = Ref::new(regular.get() + 5);
        page_writer
            .resources()
            .fonts()
            .pair(Name(b"F1"), regular)
            .pair(Name(b"F2"), bold);
        page_writer.finish();
        pdf.stream(contents, &deflate(&self.content.finish()))
            .filter(Filter::FlateDecode);
        pdf.document_info(info)
            .title(TextStr(title))
            .producer(TextStr("motcua"));
        let next = self.regular.write(&mut pdf, regular)?;
        debug_assert_eq!(next, bold, "the bold font follows the regular one");
        self.bold.write(&mut pdf, bold)?;
        Ok(pdf.finish())
    }
}

/// Appends text to the last line, joining it to the last run when the weight is the same.
fn push(lines: &mut Vec<Line>, style: Style, text: &str) {
    if lines.is_empty() {
        lines.push(Vec::new());
    }
    if let Some(line) = lines.last_mut() {
        match line.last_mut() {
            Some((last, run)) if *last == style => run.push_str(text),
            _ => line.push((style, text.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(line: &Line) -> String {
        line.iter().map(|(_, t)| t.as_str()).collect()
    }

    #[test]
    fn wrap_keeps_words_whole_and_lines_within_width() {
        let page = Page::new(1.0).expect("page");
        let runs = [
            (Style::Bold, "Thành phần hồ sơ: "),
            (
                Style::Regular,
                "Giấy đề nghị đăng ký hộ kinh doanh và bản sao văn bản ủy quyền cho một thành viên làm chủ hộ",
            ),
        ];
        let lines = page.wrap(&runs, 11.0, 200.0);
        assert!(lines.len() >= 3, "{lines:?}");
        for line in &lines {
            assert!(page.line_width(line, 11.0) <= 200.0, "{line:?}");
            assert!(!text(line).starts_with(' ') && !text(line).ends_with(' '));
        }
        let joined: Vec<String> = lines.iter().map(text).collect();
        assert_eq!(
            joined.join(" "),
            "Thành phần hồ sơ: Giấy đề nghị đăng ký hộ kinh doanh và bản sao văn bản ủy quyền cho một thành viên làm chủ hộ"
        );
        assert_eq!(lines[0][0], (Style::Bold, "Thành phần hồ sơ:".to_owned()));
    }

    #[test]
    fn wrap_cuts_a_word_longer_than_the_line() {
        let page = Page::new(1.0).expect("page");
        let url = "https://motcua.example.invalid/tra-cuu/000.00.21.H55-261123-0007?sdt=0912345678";
        let lines = page.wrap(&[(Style::Regular, url)], 10.0, 120.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.iter().map(text).collect::<String>(), url);
    }

    #[test]
    fn too_much_text_is_set_smaller_then_refused() {
        let many = |n| {
            (0..n)
                .map(|i| Block::Item {
                    marker: format!("{i}."),
                    text: "Giấy tờ kèm theo".to_owned(),
                })
                .collect::<Vec<_>>()
        };
        assert!(
            render(&many(40), "t").is_ok(),
            "40 lines fit when set smaller"
        );
        let err = render(&many(200), "t").expect_err("200 lines cannot fit");
        assert!(err.to_string().contains("one A4 page"));
    }
}
