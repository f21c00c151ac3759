//! Attachments: which documents each procedure and case needs, and what files are accepted.
//!
//! Electronic documents are PDF files named after the document, signed digitally or signed on paper and
//! scanned in colour (NĐ 168/2025 art. 3.9); photos of paper documents (JPEG, PNG) are accepted at the
//! counter and converted, so the phone may send them. The size limit is motcua's, not the law's.

use serde::{Deserialize, Serialize};

use crate::{
    Lang,
    validation::{Citation, FieldError, MessageKey},
};

/// Largest accepted file, in bytes (10 MB; a motcua setting, not a legal limit).
pub const MAX_BYTES: u64 = 10 * 1024 * 1024;

/// The most files one dossier lists (a motcua setting, not a legal limit: the longest list of
/// documents a procedure here needs is a handful, and a document of several pages is one PDF).
pub const MAX_ATTACHMENTS: usize = 20;

/// File types accepted.
pub const ACCEPTED_MEDIA_TYPES: [&str; 3] = ["application/pdf", "image/jpeg", "image/png"];

/// A kind of supporting document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// Bản sao văn bản ủy quyền (công chứng/chứng thực) của các thành viên hộ gia đình cho một thành viên
    /// làm chủ hộ (NĐ 168/2025 art. 82.1, 99.2, 100.1.c–d).
    HouseholdAuthorisation,
    /// Văn bản ủy quyền cho người nộp hồ sơ thay (art. 93).
    FilingAuthorisation,
    /// Bản sao thẻ Căn cước/CCCD của người ủy quyền, when the principal has no electronic-identity account
    /// (art. 93.5), or of the people declared when the population-database link is down (art. 92.3).
    IdentityCardCopy,
    /// Bản sao giấy chứng tử hoặc quyết định của Tòa án (art. 100.1.c, 104.4).
    DeathCertificateOrCourtDecision,
    /// Bản sao Giấy chứng nhận đăng ký hộ kinh doanh và Giấy chứng nhận đăng ký thuế (art. 115.3).
    OldCertificates,
    /// Văn bản giải trình (art. 102.2.b).
    Explanation,
    /// Thể lệ chương trình khuyến mại (NĐ 81/2018 Mẫu 01 item 9, when not written in the form).
    PromotionRules,
    /// Any other document the applicant adds.
    Other,
}

impl DocumentKind {
    /// The document's name.
    #[must_use]
    pub const fn name(self, lang: Lang) -> &'static str {
        match self {
            Self::HouseholdAuthorisation => lang.pick(
                "Bản sao văn bản ủy quyền có công chứng/chứng thực của các thành viên hộ gia đình cho chủ hộ",
                "Copy of the household members' notarised authorisation of the owner",
            ),
            Self::FilingAuthorisation => lang.pick(
                "Văn bản ủy quyền cho người nộp hồ sơ",
                "Authorisation of the person filing",
            ),
            Self::IdentityCardCopy => lang.pick(
                "Bản sao thẻ Căn cước/Căn cước công dân",
                "Copy of the identity card",
            ),
            Self::DeathCertificateOrCourtDecision => lang.pick(
                "Bản sao giấy chứng tử hoặc quyết định của Tòa án",
                "Copy of the death certificate or the court's decision",
            ),
            Self::OldCertificates => lang.pick(
                "Bản sao Giấy chứng nhận đăng ký hộ kinh doanh và Giấy chứng nhận đăng ký thuế",
                "Copies of the registration and tax certificates",
            ),
            Self::Explanation => lang.pick("Văn bản giải trình", "Written explanation"),
            Self::PromotionRules => lang.pick("Thể lệ chương trình khuyến mại", "Programme rules"),
            Self::Other => lang.pick("Tài liệu khác", "Other document"),
        }
    }
}

/// A file attached to a draft (the bytes are uploaded separately, content-addressed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// Which document it is.
    pub kind: DocumentKind,
    /// The file's media type.
    pub media_type: String,
    /// Its size in bytes.
    pub size_bytes: u64,
    /// Its SHA-256, lower-case hex, under which it was uploaded.
    pub sha256: String,
    /// The file name shown to staff.
    #[serde(default)]
    pub file_name: String,
}

/// A document the dossier must include, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RequiredDocument {
    /// The document.
    pub kind: DocumentKind,
    /// The rule that requires it.
    pub citation: Citation,
}

/// Checks the attached files: each an accepted type and size, and every required document present.
/// Errors are reported at `attachments[i]` for a bad file and at `attachments` for a missing document.
#[must_use]
pub fn check(attachments: &[Attachment], required: &[RequiredDocument]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if attachments.len() > MAX_ATTACHMENTS {
        errors.push(
            FieldError::new("attachments", MessageKey::TooManyAttachments, None)
                .with("max", MAX_ATTACHMENTS),
        );
        return errors;
    }
    for (i, a) in attachments.iter().enumerate() {
        let path = format!("attachments[{i}]");
        if !ACCEPTED_MEDIA_TYPES.contains(&a.media_type.as_str()) {
            errors.push(FieldError::new(
                &path,
                MessageKey::AttachmentType,
                Some("NĐ 168/2025 art. 3.9"),
            ));
        }
        if a.size_bytes > MAX_BYTES {
            errors.push(
                FieldError::new(&path, MessageKey::AttachmentTooLarge, None)
                    .with("max_mb", MAX_BYTES / (1024 * 1024)),
            );
        }
        let hex = a.sha256.len() == 64
            && a.sha256
                .chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c));
        if !hex {
            errors.push(FieldError::new(
                format!("{path}.sha256"),
                MessageKey::Required,
                None,
            ));
        }
    }
    for need in required {
        if !attachments.iter().any(|a| a.kind == need.kind) {
            errors.push(
                FieldError::new(
                    "attachments",
                    MessageKey::AttachmentRequired,
                    Some(need.citation),
                )
                .with("document", need.kind.name(Lang::Vi)),
            );
        }
    }
    errors
}

/// Reads the `attachments` list of a draft; items that do not parse are reported.
pub(crate) fn read(
    value: &serde_json::Value,
    errors: &mut crate::validation::Errors,
) -> Vec<Attachment> {
    let items = value
        .get("attachments")
        .and_then(serde_json::Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    items
        .iter()
        .enumerate()
        .filter_map(
            |(i, item)| match serde_json::from_value::<Attachment>(item.clone()) {
                Ok(a) => Some(a),
                Err(_) => {
                    errors.push(FieldError::new(
                        format!("attachments[{i}]"),
                        MessageKey::Required,
                        None,
                    ));
                    None
                }
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(kind: DocumentKind, media_type: &str, size_bytes: u64) -> Attachment {
        Attachment {
            kind,
            media_type: media_type.to_owned(),
            size_bytes,
            sha256: "a".repeat(64),
            file_name: "giay-uy-quyen.pdf".to_owned(),
        }
    }

    #[test]
    fn accepted_files_and_present_documents_pass() {
        let need = [RequiredDocument {
            kind: DocumentKind::HouseholdAuthorisation,
            citation: "NĐ 168/2025 art. 99.2",
        }];
        let files = [file(
            DocumentKind::HouseholdAuthorisation,
            "application/pdf",
            1000,
        )];
        assert!(check(&files, &need).is_empty());
    }

    #[test]
    fn more_files_than_a_dossier_takes_are_one_error_on_the_list() {
        let kind = DocumentKind::HouseholdAuthorisation;
        let most = vec![file(kind, "application/pdf", 1000); MAX_ATTACHMENTS];
        assert!(check(&most, &[]).is_empty());
        let too_many = vec![file(kind, "image/gif", 1000); MAX_ATTACHMENTS + 1];
        let errors = check(&too_many, &[]);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].path, "attachments");
        assert_eq!(errors[0].key, MessageKey::TooManyAttachments);
        assert!(errors[0].message(Lang::Vi).contains("tối đa 20 tệp"));
    }

    #[test]
    fn bad_files_and_missing_documents_are_reported() {
        let need = [RequiredDocument {
            kind: DocumentKind::DeathCertificateOrCourtDecision,
            citation: "NĐ 168/2025 art. 104.4",
        }];
        let files = [
            file(DocumentKind::Other, "application/msword", 1000),
            file(DocumentKind::Other, "image/png", MAX_BYTES + 1),
        ];
        let keys: Vec<(String, MessageKey)> = check(&files, &need)
            .into_iter()
            .map(|e| (e.path, e.key))
            .collect();
        assert_eq!(
            keys,
            [
                ("attachments[0]".to_owned(), MessageKey::AttachmentType),
                ("attachments[1]".to_owned(), MessageKey::AttachmentTooLarge),
                ("attachments".to_owned(), MessageKey::AttachmentRequired),
            ]
        );
    }
}
