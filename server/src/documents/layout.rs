//! A4 pages set from a list of [`Block`]s the way Vietnamese administrative papers are set (NĐ
//! 30/2020/NĐ-CP Phụ lục I): the issuing body top left with the number under it, the national motto top
//! right with the place and date under it, a centred title, the body, the signature block.
//!
//! [`render`] makes exactly one page: a body that does not fit is set again in a smaller size (a
//! receipt is always one page). [`render_document`] does the same down to a modest size, and past it
//! flows the body onto further pages, numbered at the top from the second (NĐ 30/2020 Phụ lục I).

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
/// The sizes a flowing document tries on one page before it takes more pages at full size.
const ONE_PAGE_SCALES: [f32; 3] = [1.0, 0.93, 0.86];

/// One piece of a page.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Block {
    /// Small print at the top right: which official form the page follows.
    FormMark(String),
    /// The issuing body on the left (its governing body above in regular weight, itself in bold, upper
    /// case) with the number ("Số: …") and the summary ("V/v …") under it; the national motto on the
    /// right with the place and date under it.
    Header {
        parent: Option<String>,
        agency: String,
        number: Option<String>,
        summary: Option<String>,
        place_date: Option<String>,
    },
    /// Centred bold lines.
    Title(Vec<String>),
    /// A centred line in regular weight.
    Centered(String),
    /// A bold label, then its value; continuation lines start at the margin.
    Field { label: String, value: String },
    /// A label and its value in regular weight, as a form's printed line reads.
    Entry { label: String, value: String },
    /// Labels and values side by side in equal columns ("Điện thoại: … Fax: …").
    Columns(Vec<(String, String)>),
    /// A bold line of the body: a section's heading.
    Heading(String),
    /// A ruled table: a bold header row, then the rows; each cell wraps in its column. Text in
    /// `points` (at full scale).
    Table {
        columns: Vec<Column>,
        rows: Vec<Vec<String>>,
        points: f32,
    },
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
    /// The issuing body's signature block: "Nơi nhận:" and the recipients on the left (none: no list);
    /// on the right the authority lines ("KT. TRƯỞNG PHÒNG"; none when the head signs), the signer's
    /// role, room to sign and the signer's name.
    Signer {
        recipients: Vec<String>,
        authority: Vec<String>,
        role: String,
        name: String,
    },
    /// A QR code of a URL, with a heading, a hint and the URL beside it.
    Lookup {
        qr: QrMatrix,
        heading: String,
        hint: String,
        url: String,
    },
}

impl Block {
    /// A [`Block::Field`]: bold label, regular value.
    pub(super) fn field(label: &str, value: String) -> Self {
        Self::Field {
            label: label.to_owned(),
            value,
        }
    }

    /// A [`Block::Entry`]: label and value in regular weight.
    pub(super) fn entry(label: &str, value: String) -> Self {
        Self::Entry {
            label: label.to_owned(),
            value,
        }
    }
}

/// A column of a [`Block::Table`].
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Column {
    /// The header cell.
    pub(super) header: String,
    /// The column's share of the text width (the shares of a table add up to 1).
    pub(super) share: f32,
    /// Whether the cells are centred (numbers, codes) rather than set from the left.
    pub(super) centred: bool,
}

impl Column {
    pub(super) fn new(header: &str, share: f32, centred: bool) -> Self {
        Self {
            header: header.to_owned(),
            share,
            centred,
        }
    }
}

/// A line of text in runs of one weight.
type Line = Vec<(Style, String)>;

/// How lines sit in their box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Align {
    Left,
    Centre,
}

/// The document being set: the pages done, the page being drawn.
struct Page {
    done: Vec<Content>,
    content: Content,
    regular: Font,
    bold: Font,
    /// Top of the next block.
    y: f32,
    scale: f32,
    /// Whether a block that does not fit starts a new page (otherwise it runs off, and the caller
    /// tries a smaller size).
    flow: bool,
}

/// Sets the blocks on one A4 page and returns the PDF.
///
/// # Errors
/// When the embedded fonts cannot be read or subset, or the blocks do not fit on one page even in the
/// smallest size.
pub(super) fn render(blocks: &[Block], title: &str) -> anyhow::Result<Vec<u8>> {
    for scale in SCALES {
        if let Some(page) = set(blocks, scale, false)? {
            return page.finish(title);
        }
    }
    anyhow::bail!("the receipt does not fit on one A4 page")
}

/// Sets the blocks on one A4 page if they fit at a modest reduction, otherwise on as many pages as they
/// take at full size, and returns the PDF.
///
/// # Errors
/// When the embedded fonts cannot be read or subset, or one block is taller than a page.
pub(super) fn render_document(blocks: &[Block], title: &str) -> anyhow::Result<Vec<u8>> {
    for scale in ONE_PAGE_SCALES {
        if let Some(page) = set(blocks, scale, false)? {
            return page.finish(title);
        }
    }
    match set(blocks, 1.0, true)? {
        Some(pages) => pages.finish(title),
        None => anyhow::bail!("a part of the document is taller than an A4 page"),
    }
}

/// The blocks set at a scale; `None` when they run off the (last) page.
fn set(blocks: &[Block], scale: f32, flow: bool) -> anyhow::Result<Option<Page>> {
    let mut page = Page::new(scale, flow)?;
    for block in blocks {
        page.block(block);
    }
    Ok((page.y >= BOTTOM).then_some(page))
}

impl Page {
    fn new(scale: f32, flow: bool) -> anyhow::Result<Self> {
        Ok(Self {
            done: Vec::new(),
            content: Content::new(),
            regular: Font::load(Style::Regular)?,
            bold: Font::load(Style::Bold)?,
            y: TOP,
            scale,
            flow,
        })
    }

    /// Makes sure `height` fits above the bottom margin: when flowing and it does not, the next page
    /// starts (a page already empty stays).
    fn room(&mut self, height: f32) {
        if self.flow && self.y - height < BOTTOM && self.y < TOP {
            let page = std::mem::replace(&mut self.content, Content::new());
            self.done.push(page);
            self.y = TOP;
            let number = (self.done.len() + 1).to_string();
            let size = self.size(10.5);
            let width = self.regular.width(&number, size);
            self.show(
                Style::Regular,
                size,
                LEFT + (WIDTH - width) / 2.0,
                PAGE_HEIGHT - 36.0,
                &number,
            );
        }
    }

    /// The height of runs set as lines `width` wide.
    fn height(&self, runs: &[(Style, &str)], points: f32, width: f32) -> f32 {
        let size = self.size(points);
        self.wrap(runs, size, width).len() as f32 * size * LEADING
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

    /// Sets runs as a paragraph from `x`, `width` wide, moving down (and onto the next page when
    /// flowing).
    fn paragraph(&mut self, runs: &[(Style, &str)], points: f32, x: f32, width: f32) {
        let size = self.size(points);
        for line in self.wrap(runs, size, width) {
            self.room(size * LEADING);
            self.y -= size * LEADING;
            self.show_line(&line, size, x, self.y + size * (LEADING - 1.0));
        }
    }

    /// Sets runs in the box from `x`, `width` wide, from `top` down, each line from the left or
    /// centred; returns the bottom. Never starts a page: the caller makes room first.
    fn lines_at(
        &mut self,
        runs: &[(Style, &str)],
        points: f32,
        x: f32,
        width: f32,
        top: f32,
        align: Align,
    ) -> f32 {
        let size = self.size(points);
        let mut y = top;
        for line in self.wrap(runs, size, width) {
            y -= size * LEADING;
            let left = match align {
                Align::Left => x,
                Align::Centre => x + (width - self.line_width(&line, size)) / 2.0,
            };
            self.show_line(&line, size, left, y + size * (LEADING - 1.0));
        }
        y
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
        self.lines_at(
            runs,
            points,
            centre - width / 2.0,
            width,
            top,
            Align::Centre,
        )
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
            Block::Header {
                parent,
                agency,
                number,
                summary,
                place_date,
            } => self.header(
                parent.as_deref(),
                agency,
                number.as_deref(),
                summary.as_deref(),
                place_date.as_deref(),
            ),
            Block::Title(lines) => {
                // The title stays with the first line after it.
                let height = lines
                    .iter()
                    .map(|line| self.height(&[(Style::Bold, line)], 13.5, WIDTH))
                    .sum::<f32>();
                self.room(height + self.size(body) * 2.5);
                self.y -= self.size(body) * 0.6;
                for line in lines {
                    let top = self.y;
                    self.y = self.lines_at(
                        &[(Style::Bold, line)],
                        13.5,
                        LEFT,
                        WIDTH,
                        top,
                        Align::Centre,
                    );
                }
                self.y -= self.size(body) * 0.3;
            }
            Block::Centered(text) => {
                let runs = [(Style::Regular, text.as_str())];
                self.room(self.height(&runs, body, WIDTH));
                let top = self.y;
                self.y = self.lines_at(&runs, body, LEFT, WIDTH, top, Align::Centre);
            }
            Block::Field { label, value } => self.field(Style::Bold, label, value),
            Block::Entry { label, value } => self.field(Style::Regular, label, value),
            Block::Columns(pairs) => self.columns(pairs),
            Block::Heading(text) => self.paragraph(&[(Style::Bold, text)], body, LEFT, WIDTH),
            Block::Table {
                columns,
                rows,
                points,
            } => self.table(columns, rows, *points),
            Block::Item { marker, text } => {
                let indent = self.size(14.0);
                let size = self.size(body);
                self.room(size * LEADING);
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
            Block::Gap(lines) => {
                self.y -= lines * self.size(body) * LEADING;
                if self.flow {
                    // A gap at the foot of a page is the page break itself.
                    self.y = self.y.max(BOTTOM);
                }
            }
            Block::Signatures { left, right } => {
                let column = |page: &Self, (heading, hint): &(String, String)| {
                    page.height(&[(Style::Bold, heading)], body, WIDTH / 2.0)
                        + page.height(&[(Style::Regular, hint)], 10.0, WIDTH / 2.0)
                };
                let height = column(self, left).max(column(self, right)) + self.size(60.0);
                self.room(height);
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
            Block::Signer {
                recipients,
                authority,
                role,
                name,
            } => self.signer(recipients, authority, role, name),
            Block::Lookup {
                qr,
                heading,
                hint,
                url,
            } => self.lookup(qr, heading, hint, url),
        }
    }

    /// A label and its value as one paragraph; continuation lines start at the margin.
    fn field(&mut self, label_style: Style, label: &str, value: &str) {
        let label = format!("{label}: ");
        self.paragraph(
            &[(label_style, &label), (Style::Regular, value)],
            BODY,
            LEFT,
            WIDTH,
        );
    }

    /// Label–value pairs side by side, each in an equal share of the width.
    fn columns(&mut self, pairs: &[(String, String)]) {
        let count = pairs.len().max(1) as f32;
        let width = WIDTH / count;
        let gutter = self.size(8.0);
        let labels: Vec<String> = pairs
            .iter()
            .map(|(label, _)| format!("{label}: "))
            .collect();
        let runs = |i: usize| {
            [
                (Style::Regular, labels[i].as_str()),
                (Style::Regular, pairs[i].1.as_str()),
            ]
        };
        let height = (0..pairs.len())
            .map(|i| self.height(&runs(i), BODY, width - gutter))
            .fold(0.0, f32::max);
        self.room(height);
        let top = self.y;
        let mut bottom = top;
        for i in 0..pairs.len() {
            let x = LEFT + i as f32 * width;
            let y = self.lines_at(&runs(i), BODY, x, width - gutter, top, Align::Left);
            bottom = bottom.min(y);
        }
        self.y = bottom;
    }

    /// A ruled table; a row that does not fit starts the next page, under the header row again (the
    /// header row never ends a page alone).
    fn table(&mut self, columns: &[Column], rows: &[Vec<String>], points: f32) {
        let header: Vec<String> = columns.iter().map(|c| c.header.clone()).collect();
        let header_height = self.row_height(columns, &header, Style::Bold, points);
        self.y -= self.size(3.0);
        let first = rows.first().map_or(0.0, |row| {
            self.row_height(columns, row, Style::Regular, points)
        });
        self.room(header_height + first);
        self.table_row(columns, &header, Style::Bold, points);
        for row in rows {
            let height = self.row_height(columns, row, Style::Regular, points);
            if self.flow && self.y - height < BOTTOM {
                self.room(header_height + height);
                self.table_row(columns, &header, Style::Bold, points);
            }
            self.table_row(columns, row, Style::Regular, points);
        }
        self.y -= self.size(3.0);
    }

    /// The inner padding of a table cell.
    fn cell_padding(&self) -> f32 {
        self.size(3.0)
    }

    fn row_height(&self, columns: &[Column], cells: &[String], style: Style, points: f32) -> f32 {
        let pad = self.cell_padding();
        columns
            .iter()
            .zip(cells)
            .map(|(column, text)| {
                self.height(&[(style, text)], points, column.share * WIDTH - 2.0 * pad)
            })
            .fold(0.0, f32::max)
            + 2.0 * pad
    }

    fn table_row(&mut self, columns: &[Column], cells: &[String], style: Style, points: f32) {
        let pad = self.cell_padding();
        let top = self.y;
        let bottom = top - self.row_height(columns, cells, style, points);
        let mut x = LEFT;
        for (column, text) in columns.iter().zip(cells) {
            let width = column.share * WIDTH;
            let align = if column.centred || style == Style::Bold {
                Align::Centre
            } else {
                Align::Left
            };
            self.lines_at(
                &[(style, text)],
                points,
                x + pad,
                width - 2.0 * pad,
                top - pad,
                align,
            );
            x += width;
        }
        self.content.set_line_width(0.5);
        for y in [top, bottom] {
            self.content.move_to(LEFT, y).line_to(RIGHT, y);
        }
        let mut x = LEFT;
        self.content.move_to(x, top).line_to(x, bottom);
        for column in columns {
            x += column.share * WIDTH;
            self.content.move_to(x, top).line_to(x, bottom);
        }
        self.content.stroke();
        self.y = bottom;
    }

    /// "Nơi nhận" on the left, the signer on the right (NĐ 30/2020 Phụ lục I).
    fn signer(&mut self, recipients: &[String], authority: &[String], role: &str, name: &str) {
        let left_width = WIDTH * 0.45;
        let right_x = LEFT + left_width;
        let right_width = WIDTH - left_width;
        let sign_space = self.size(62.0);
        let recipients: Vec<String> = recipients.iter().map(|r| format!("- {r}")).collect();
        let authority: Vec<&str> = authority.iter().map(String::as_str).chain([role]).collect();

        let left_height = if recipients.is_empty() {
            0.0
        } else {
            self.height(&[(Style::Bold, "Nơi nhận:")], 10.5, left_width)
                + recipients
                    .iter()
                    .map(|r| self.height(&[(Style::Regular, r)], 10.0, left_width))
                    .sum::<f32>()
        };
        let right_height = authority
            .iter()
            .map(|line| self.height(&[(Style::Bold, line)], BODY, right_width))
            .sum::<f32>()
            + sign_space
            + self.height(&[(Style::Bold, name)], BODY, right_width);
        self.room(left_height.max(right_height));

        let top = self.y;
        let mut left = top;
        if !recipients.is_empty() {
            left = self.lines_at(
                &[(Style::Bold, "Nơi nhận:")],
                10.5,
                LEFT,
                left_width,
                left,
                Align::Left,
            );
            for recipient in &recipients {
                left = self.lines_at(
                    &[(Style::Regular, recipient)],
                    10.0,
                    LEFT,
                    left_width,
                    left,
                    Align::Left,
                );
            }
        }
        let mut right = top;
        for line in authority {
            right = self.lines_at(
                &[(Style::Bold, line)],
                BODY,
                right_x,
                right_width,
                right,
                Align::Centre,
            );
        }
        right -= sign_space;
        right = self.lines_at(
            &[(Style::Bold, name)],
            BODY,
            right_x,
            right_width,
            right,
            Align::Centre,
        );
        self.y = left.min(right);
    }

    fn header(
        &mut self,
        parent: Option<&str>,
        agency: &str,
        number: Option<&str>,
        summary: Option<&str>,
        place_date: Option<&str>,
    ) {
        let left_width = WIDTH * 0.46;
        let right_x = LEFT + left_width;
        let right_width = WIDTH - left_width;
        let gap = self.size(3.0);

        let mut left = self.y;
        if let Some(parent) = parent {
            let parent = parent.to_uppercase();
            left = self.lines_at(
                &[(Style::Regular, &parent)],
                10.5,
                LEFT,
                left_width,
                left,
                Align::Centre,
            );
        }
        let agency = agency.to_uppercase();
        left = self.lines_at(
            &[(Style::Bold, &agency)],
            10.5,
            LEFT,
            left_width,
            left,
            Align::Centre,
        );
        left -= gap;
        self.rule(LEFT + left_width / 2.0, left_width * 0.35, left);

        let nation = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
        let motto = "Độc lập - Tự do - Hạnh phúc";
        let top = self.y;
        let right = self.lines_at(
            &[(Style::Bold, nation)],
            10.5,
            right_x,
            right_width,
            top,
            Align::Centre,
        );
        let right = self.lines_at(
            &[(Style::Bold, motto)],
            11.5,
            right_x,
            right_width,
            right,
            Align::Centre,
        ) - gap;
        let motto_width = self.bold.width(motto, self.size(11.5));
        self.rule(right_x + right_width / 2.0, motto_width, right);

        let row = left.min(right) - gap;
        let mut left = row;
        if let Some(number) = number {
            let number = format!("Số: {number}");
            left = self.lines_at(
                &[(Style::Regular, &number)],
                11.0,
                LEFT,
                left_width,
                left,
                Align::Centre,
            );
        }
        if let Some(summary) = summary {
            left = self.lines_at(
                &[(Style::Regular, summary)],
                10.0,
                LEFT,
                left_width,
                left,
                Align::Centre,
            );
        }
        let mut right = row;
        if let Some(place_date) = place_date {
            right = self.lines_at(
                &[(Style::Regular, place_date)],
                11.0,
                right_x,
                right_width,
                right,
                Align::Centre,
            );
        }
        self.y = left.min(right) - self.size(BODY) * 0.5;
    }

    fn lookup(&mut self, qr: &QrMatrix, heading: &str, hint: &str, url: &str) {
        let side = self.size(92.0);
        self.room(side + self.size(4.0));
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
        let mut y = top - module * QUIET_ZONE as f32;
        y = self.lines_at(
            &[(Style::Bold, heading)],
            BODY,
            text_left,
            text_width,
            y,
            Align::Left,
        );
        y = self.lines_at(
            &[(Style::Regular, hint)],
            BODY,
            text_left,
            text_width,
            y,
            Align::Left,
        );
        y = self.lines_at(
            &[(Style::Regular, url)],
            9.5,
            text_left,
            text_width,
            y,
            Align::Left,
        );
        self.y = y.min(top - side);
    }

    fn finish(mut self, title: &str) -> anyhow::Result<Vec<u8>> {
        let catalog = Ref::new(1);
        let pages = Ref::new(2);
        let info = Ref::new(3);
        let regular = Ref::new(4);
        let bold = Ref::new(regular.get() + 5);
        let first_page = bold.get() + 5;

        self.done.push(self.content);
        let mut next = Ref::new(first_page);
        let page_refs: Vec<(Ref, Ref)> = self
            .done
            .iter()
            .map(|_| (next.bump(), next.bump()))
            .collect();

        let mut pdf = Pdf::new();
        pdf.catalog(catalog).pages(pages).lang(TextStr("vi"));
        pdf.pages(pages)
            .kids(page_refs.iter().map(|&(page, _)| page))
            .count(i32::try_from(page_refs.len())?);
        for (content, &(page, contents)) in self.done.into_iter().zip(&page_refs) {
            let mut page_writer = pdf.page(page);
            page_writer
                .media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
                .parent(pages)
                .contents(contents);
            page_writer
                .resources()
                .fonts()
                .pair(Name(b"F1"), regular)
                .pair(Name(b"F2"), bold);
            page_writer.finish();
            pdf.stream(contents, &deflate(&content.finish()))
                .filter(Filter::FlateDecode);
        }
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
        let page = Page::new(1.0, false).expect("page");
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
        let page = Page::new(1.0, false).expect("page");
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
