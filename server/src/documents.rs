//! Documents the server makes for people: the receipt of a dossier as a one-page PDF
//! ([`receipt_pdf`]) and the QR code of its look-up URL as an SVG for the web receipt ([`qr_svg`]);
//! the documents an office issues on a dossier, each from its plain data in [`domain::documents`]:
//! the household business's certificate ([`certificate_pdf`], TT 68/2025 Mẫu 7), the termination notice
//! ([`termination_notice_pdf`], Mẫu 13), the request for amendments ([`supplement_request_pdf`], TT 68
//! Mẫu 10 / TT 03/2025 Mẫu 02), the refusal at intake ([`intake_refusal_pdf`], TT 03 Mẫu 03), the
//! apology with a new date ([`apology_pdf`], TT 03 Mẫu 04) and the acknowledgement of a promotion
//! notice ([`promotion_acknowledgement_pdf`]).
//!
//! Everything is drawn here, with no external program: the text in Be Vietnam Pro (embedded, subset to
//! the glyphs used, so every Vietnamese letter prints and can be copied), the QR code as filled squares.

mod certificate;
mod common;
mod font;
mod layout;
mod letters;
mod qr;
mod receipt;
#[cfg(test)]
mod testing;

pub use certificate::certificate_pdf;
pub(crate) use common::{address_line, dmy};
pub use letters::{
    apology_pdf, intake_refusal_pdf, promotion_acknowledgement_pdf, supplement_request_pdf,
    termination_notice_pdf,
};
pub use qr::qr_svg;
pub use receipt::{FilingChannel, ReceiptDocument, ReceiptForm, receipt_pdf};
