//! Pieces the documents share: dates and places in Vietnamese, addresses, the signature block of an
//! issuing body, and the QR code of the verification URL.

use chrono::{Datelike as _, NaiveDate};
use domain::{documents::Signer, forms::common::Address, text};

use super::{layout::Block, qr};

/// Where documents are issued ("Quảng Ngãi, ngày … tháng … năm …").
pub(super) const PLACE: &str = "Quảng Ngãi";

/// `dd/mm/yyyy`.
pub(crate) fn dmy(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

/// "ngày 05 tháng 02 năm 2026": days under 10 and months under 3 with a leading zero (NĐ
/// 30/2020/NĐ-CP Phụ lục I).
pub(super) fn long_date(date: NaiveDate) -> String {
    let month = if date.month() < 3 {
        format!("{:02}", date.month())
    } else {
        date.month().to_string()
    };
    format!("ngày {:02} tháng {month} năm {}", date.day(), date.year())
}

/// "Quảng Ngãi, ngày 23 tháng 11 năm 2026".
pub(super) fn place_date(date: NaiveDate) -> String {
    format!("{PLACE}, {}", long_date(date))
}

/// An address on one line: "Thôn Phú Lộc, Xã Tịnh Khê, Tỉnh Quảng Ngãi" (empty parts left out).
pub(crate) fn address_line(address: &Address) -> String {
    [&address.street, &address.commune, &address.province]
        .into_iter()
        .map(|part| text::canonical(part))
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `Some` text canonicalised, `None` when absent or blank.
pub(super) fn present(value: Option<&str>) -> Option<String> {
    value.map(text::canonical).filter(|v| !v.is_empty())
}

/// The signature block: "Nơi nhận" (when given) and the signer.
pub(super) fn signature(signer: &Signer, recipients: Vec<String>) -> Block {
    Block::Signer {
        recipients,
        authority: [&signer.on_behalf, &signer.unit_on_behalf]
            .into_iter()
            .filter_map(|line| present(line.as_deref()))
            .collect(),
        role: text::canonical(&signer.role),
        name: text::canonical(&signer.name),
    }
}

/// The QR code of a document's verification URL, with what it is for.
///
/// # Errors
/// When the URL is too long for a QR code.
pub(super) fn verify_block(url: &str, what: &str) -> anyhow::Result<Block> {
    let qr = qr::matrix(url)
        .map_err(|e| anyhow::anyhow!("cannot draw the verification URL as a QR code: {e}"))?;
    Ok(Block::Lookup {
        qr,
        heading: format!("Kiểm tra {what}"),
        hint: format!(
            "Quét mã QR hoặc mở địa chỉ dưới đây để xem nội dung và hiệu lực của {what} này."
        ),
        url: url.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    #[test]
    fn dates_are_written_the_vietnamese_way() {
        assert_eq!(long_date(date(2026, 2, 5)), "ngày 05 tháng 02 năm 2026");
        assert_eq!(long_date(date(2026, 3, 5)), "ngày 05 tháng 3 năm 2026");
        assert_eq!(
            place_date(date(2026, 11, 23)),
            "Quảng Ngãi, ngày 23 tháng 11 năm 2026"
        );
        assert_eq!(dmy(date(1985, 3, 12)), "12/03/1985");
    }

    #[test]
    fn address_line_skips_empty_parts() {
        let address = Address {
            street: "Thôn Phú Lộc".to_owned(),
            commune: String::new(),
            province: "Tỉnh Quảng Ngãi".to_owned(),
        };
        assert_eq!(address_line(&address), "Thôn Phú Lộc, Tỉnh Quảng Ngãi");
    }
}
