//! Documents the server makes for people: the receipt of a dossier as a one-page PDF
//! ([`receipt_pdf`]) and the QR code of its look-up URL as an SVG for the web receipt ([`qr_svg`]).
//!
//! Everything is drawn here, with no external program: the text in Be Vietnam Pro (embedded, subset to
//! the glyphs used, so every Vietnamese letter prints and can be copied), the QR code as filled squares.

mod font;
mod layout;
mod qr;
mod receipt;

pub use qr::qr_svg;
pub use receipt::{FilingChannel, ReceiptDocument, ReceiptForm, receipt_pdf};
