//! Documents the server makes for people: the receipt of a dossier as a one-page PDF
//! ([`receipt_pdf`]) and the QR code of its look-up URL as an SVG for the web receipt ([`qr_svg`]);
//! the documents an office issues on a dossier, each from its plain data in [`domain::documents`]:
//! the household business's certificate ([`certificate_pdf`], TT 68/2025 Mẫu 7).
//!
//! Everything is drawn here, with no external program: the text in Be Vietnam Pro (embedded, subset to
//! the glyphs used, so every Vietnamese letter prints and can be copied), the QR code as filled squares.

mod certificate;
mod common;
mod font;
mod layout;
mod qr;
mod receipt;
#[cfg(test)]
mod testing;

pub use certificate::certificate_pdf;
pub use qr::qr_svg;
pub use receipt::{FilingChannel, ReceiptDocument, ReceiptForm, receipt_pdf};
