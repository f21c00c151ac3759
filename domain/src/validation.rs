//! Validation results: one [`FieldError`] per broken rule, keyed by the field's path, with a message key and
//! parameters (so the phone can show the message in the reader's language), and the legal citation of the
//! rule. Validation collects **all** errors at once, so a form can mark every bad field.

use std::{collections::BTreeMap, fmt};

use serde::{Deserialize, Serialize};

use crate::{
    EmailError, Lang, LatinNameError, MaNganhError, MaSoThueError, MaXaError, SoDienThoaiError,
    SoDinhDanhError, TenHoKinhDoanhError, VndError, fields::HolderMismatch,
};

/// A short legal citation, e.g. `NĐ 168/2025 art. 86.6`.
pub type Citation = &'static str;

/// Which message to show. Serialised in snake case; the texts are [`MessageKey::template`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[expect(
    missing_docs,
    reason = "each variant is described by its template, in two languages"
)]
pub enum MessageKey {
    Required,
    TooLong,
    InvalidChoice,
    InvalidDate,
    DateInFuture,
    DateOrder,
    MustAccept,
    ListEmpty,
    Duplicate,
    IdNotDigits,
    IdLength,
    IdProvince,
    IdBirthYear,
    IdGender,
    TaxNotDigits,
    TaxLength,
    TaxCheckDigit,
    TaxDependentSuffix,
    PhoneNotDigits,
    PhonePrefix,
    PhoneLength,
    EmailInvalid,
    NamePrefix,
    NameNoProperName,
    NameCharacter,
    NameNoLetter,
    NameForbidden,
    NameTaken,
    LatinCharacter,
    MoneyInvalid,
    MoneyGrouping,
    MoneyZero,
    CommuneFormat,
    CommuneUnknown,
    VsicFormat,
    VsicUnknown,
    MainLineCount,
    MainLineLevel,
    MembersRequired,
    OwnerNotMember,
    AttachmentRequired,
    AttachmentType,
    AttachmentTooLarge,
    /// The form lists a file the server never received (checked by the server).
    AttachmentNotUploaded,
    /// The dossier's files together are too large (checked by the server).
    DossierFilesTooLarge,
    /// More files than a dossier takes ([`crate::attachments::MAX_ATTACHMENTS`]).
    TooManyAttachments,
    ChangeRequired,
    NoticeNotRequired,
    RegistrationInstead,
    NoticeTooLate,
    ValueCap,
    DiscountCap,
    DiscountDays,
    PhoneRequiredForIntake,
    Underage,
    QuangNgaiNotIncluded,
    /// An heir files only a termination, or a change of owner after the owner's death (NĐ 168/2025 art.
    /// 100.1.c, 104.4).
    HeirNotAllowed,
}

impl MessageKey {
    /// The message with `{param}` placeholders.
    #[must_use]
    pub const fn template(self, lang: Lang) -> &'static str {
        match self {
            Self::Required => lang.pick("Vui lòng nhập thông tin này.", "This is required."),
            Self::TooLong => lang.pick(
                "Tối đa {max} ký tự.",
                "At most {max} characters.",
            ),
            Self::InvalidChoice => lang.pick(
                "Giá trị “{value}” không nằm trong danh sách lựa chọn.",
                "“{value}” is not one of the choices.",
            ),
            Self::InvalidDate => lang.pick(
                "Ngày không hợp lệ (dạng YYYY-MM-DD).",
                "Not a valid date (YYYY-MM-DD).",
            ),
            Self::DateInFuture => lang.pick("Ngày này không thể ở tương lai.", "This date cannot be in the future."),
            Self::DateOrder => lang.pick(
                "Ngày kết thúc phải sau ngày bắt đầu.",
                "The end date must be after the start date.",
            ),
            Self::MustAccept => lang.pick("Vui lòng xác nhận cam kết này.", "Please confirm this commitment."),
            Self::ListEmpty => lang.pick("Cần ít nhất một dòng.", "At least one entry is needed."),
            Self::Duplicate => lang.pick("Thông tin này bị trùng: {value}.", "This is repeated: {value}."),
            Self::IdNotDigits => lang.pick(
                "Số định danh cá nhân chỉ gồm chữ số.",
                "A personal identification number has only digits.",
            ),
            Self::IdLength => lang.pick(
                "Số định danh cá nhân có 12 chữ số (đang có {found}).",
                "A personal identification number has 12 digits (this one has {found}).",
            ),
            Self::IdProvince => lang.pick(
                "Ba chữ số đầu ({code}) không phải mã tỉnh nơi đăng ký khai sinh.",
                "The first three digits ({code}) are not a province code.",
            ),
            Self::IdBirthYear => lang.pick(
                "Số định danh là của người sinh năm {encoded}, nhưng ngày sinh khai là năm {declared}.",
                "The number belongs to someone born in {encoded}, but the date of birth is in {declared}.",
            ),
            Self::IdGender => lang.pick(
                "Chữ số thứ tư của số định danh không khớp với giới tính đã khai.",
                "The fourth digit of the number does not match the declared gender.",
            ),
            Self::TaxNotDigits => lang.pick(
                "Mã số thuế chỉ gồm chữ số (và dấu gạch trước 3 số cuối của đơn vị phụ thuộc).",
                "A tax code has only digits (and a hyphen before the last 3 digits of a dependent unit).",
            ),
            Self::TaxLength => lang.pick(
                "Mã số thuế có 10, 12 hoặc 13 chữ số (đang có {found}).",
                "A tax code has 10, 12 or 13 digits (this one has {found}).",
            ),
            Self::TaxCheckDigit => lang.pick(
                "Chữ số cuối của mã số thuế không đúng — có thể gõ nhầm.",
                "The last digit of the tax code does not match — probably a typo.",
            ),
            Self::TaxDependentSuffix => lang.pick(
                "Ba chữ số sau dấu gạch không thể là 000.",
                "The three digits after the hyphen cannot be 000.",
            ),
            Self::PhoneNotDigits => lang.pick(
                "Số điện thoại chỉ gồm chữ số.",
                "A phone number has only digits.",
            ),
            Self::PhonePrefix => lang.pick(
                "Số điện thoại bắt đầu bằng 03, 05, 07, 08, 09 (di động) hoặc 02 (cố định).",
                "A phone number starts with 03, 05, 07, 08, 09 (mobile) or 02 (landline).",
            ),
            Self::PhoneLength => lang.pick(
                "Số điện thoại này cần {expected} chữ số (đang có {found}).",
                "This phone number needs {expected} digits (it has {found}).",
            ),
            Self::EmailInvalid => lang.pick(
                "Địa chỉ thư điện tử không hợp lệ.",
                "Not a valid e-mail address.",
            ),
            Self::NamePrefix => lang.pick(
                "Tên phải bắt đầu bằng cụm từ “Hộ kinh doanh”.",
                "The name must start with “Hộ kinh doanh”.",
            ),
            Self::NameNoProperName => lang.pick(
                "Hãy viết tên riêng sau cụm từ “Hộ kinh doanh”.",
                "Write the business's own name after “Hộ kinh doanh”.",
            ),
            Self::NameCharacter => lang.pick(
                "Tên không được chứa “{char}”.",
                "The name cannot contain “{char}”.",
            ),
            Self::NameNoLetter => lang.pick(
                "Tên riêng cần có ít nhất một chữ cái.",
                "The proper name needs at least one letter.",
            ),
            Self::NameForbidden => lang.pick(
                "Tên hộ kinh doanh không được dùng cụm từ “{phrase}”.",
                "A household business's name cannot use “{phrase}”.",
            ),
            Self::NameTaken => lang.pick(
                "Đã có hộ kinh doanh tên này trong xã/phường/đặc khu.",
                "A household business with this name already exists in the commune.",
            ),
            Self::LatinCharacter => lang.pick(
                "Tên tiếng nước ngoài/viết tắt dùng chữ La-tinh không dấu; không dùng “{char}”.",
                "Foreign-language names and abbreviations use Latin letters without Vietnamese marks; “{char}” is not allowed.",
            ),
            Self::MoneyInvalid => lang.pick(
                "Số tiền viết bằng chữ số, ví dụ 150.000.000.",
                "Write the amount in digits, e.g. 150.000.000.",
            ),
            Self::MoneyGrouping => lang.pick(
                "Nhóm chữ số theo hàng nghìn, ví dụ 150.000.000 (không có phần thập phân).",
                "Group the digits in thousands, e.g. 150.000.000 (no decimals).",
            ),
            Self::MoneyZero => lang.pick("Số tiền phải lớn hơn 0.", "The amount must be more than 0."),
            Self::CommuneFormat => lang.pick("Mã xã có 5 chữ số.", "A commune code has 5 digits."),
            Self::CommuneUnknown => lang.pick(
                "{code} không phải xã, phường, đặc khu của tỉnh Quảng Ngãi.",
                "{code} is not a commune, ward or special zone of Quảng Ngãi.",
            ),
            Self::VsicFormat => lang.pick(
                "Mã ngành là một chữ cái hoặc từ 2 đến 5 chữ số.",
                "A sector code is a letter or 2 to 5 digits.",
            ),
            Self::VsicUnknown => lang.pick(
                "{code} không có trong Hệ thống ngành kinh tế Việt Nam 2025.",
                "{code} is not in the Vietnamese economic-sector system 2025.",
            ),
            Self::MainLineCount => lang.pick(
                "Chọn đúng một ngành, nghề kinh doanh chính (đang chọn {found}).",
                "Mark exactly one main business line ({found} marked).",
            ),
            Self::MainLineLevel => lang.pick(
                "Ngành chính phải là mã ngành cấp 4 (4 chữ số); {code} là cấp {level}.",
                "The main line must be a level-4 code (4 digits); {code} is level {level}.",
            ),
            Self::MembersRequired => lang.pick(
                "Hộ kinh doanh do các thành viên hộ gia đình thành lập cần danh sách thành viên.",
                "A household business founded by household members needs the list of members.",
            ),
            Self::OwnerNotMember => lang.pick(
                "Danh sách thành viên phải có cả chủ hộ kinh doanh.",
                "The list of members must include the owner.",
            ),
            Self::AttachmentRequired => lang.pick(
                "Cần đính kèm: {document}.",
                "Attach: {document}.",
            ),
            Self::AttachmentType => lang.pick(
                "Chỉ nhận tệp PDF, JPEG hoặc PNG.",
                "Only PDF, JPEG or PNG files are accepted.",
            ),
            Self::AttachmentTooLarge => lang.pick(
                "Tệp lớn hơn {max_mb} MB.",
                "The file is larger than {max_mb} MB.",
            ),
            Self::AttachmentNotUploaded => lang.pick(
                "Máy chủ chưa nhận được tệp này. Hãy mở lại hồ sơ khi có mạng để ứng dụng gửi tệp, rồi nộp lại.",
                "The server has not received this file. Open the dossier again when online so the app can send it, then submit again.",
            ),
            Self::DossierFilesTooLarge => lang.pick(
                "Các tệp đính kèm cộng lại lớn hơn {max_mb} MB. Hãy chụp lại ảnh nhỏ hơn hoặc bỏ bớt tệp không bắt buộc.",
                "The attached files together exceed {max_mb} MB. Retake smaller photos or remove files that are not required.",
            ),
            Self::TooManyAttachments => lang.pick(
                "Một hồ sơ đính kèm tối đa {max} tệp. Hãy bỏ bớt tệp không bắt buộc, hoặc gộp các trang của cùng một giấy tờ vào một tệp PDF.",
                "A dossier takes at most {max} files. Remove files that are not required, or put the pages of one document into one PDF.",
            ),
            Self::ChangeRequired => lang.pick(
                "Chọn ít nhất một nội dung đăng ký thay đổi.",
                "Choose at least one thing to change.",
            ),
            Self::NoticeNotRequired => lang.pick(
                "Chương trình này không phải thông báo với Sở Công Thương: {reason}",
                "This programme need not be notified to the Department: {reason}",
            ),
            Self::RegistrationInstead => lang.pick(
                "Khuyến mại mang tính may rủi phải đăng ký (không phải thông báo) với Sở Công Thương hoặc Bộ Công Thương.",
                "Lucky-draw promotions must be registered (not notified) with the Department or the Ministry of Industry and Trade.",
            ),
            Self::NoticeTooLate => lang.pick(
                "Sở Công Thương phải nhận thông báo chậm nhất ngày {latest} (trước ít nhất 03 ngày làm việc).",
                "The Department must receive the notice by {latest} at the latest (at least 3 working days before).",
            ),
            Self::ValueCap => lang.pick(
                "Giá trị hàng hóa, dịch vụ dùng để khuyến mại vượt {percent}% giá trị hàng hóa, dịch vụ được khuyến mại.",
                "The value of promotional goods exceeds {percent}% of the value of the promoted goods.",
            ),
            Self::DiscountCap => lang.pick(
                "Mức giảm giá vượt {percent}% giá ngay trước thời gian khuyến mại.",
                "The discount exceeds {percent}% of the price just before the promotion.",
            ),
            Self::DiscountDays => lang.pick(
                "Tổng thời gian giảm giá của một nhãn hiệu không quá {max} ngày trong một năm.",
                "Discounts on one brand may run at most {max} days a year.",
            ),
            Self::Underage => lang.pick(
                "Chủ hộ kinh doanh phải đủ {age} tuổi (có đầy đủ năng lực hành vi dân sự).",
                "The owner must be at least {age} (full civil capacity).",
            ),
            Self::QuangNgaiNotIncluded => lang.pick(
                "Ứng dụng này gửi thông báo đến Sở Công Thương Quảng Ngãi: địa bàn khuyến mại phải có tỉnh Quảng Ngãi; các tỉnh khác thông báo với Sở Công Thương tỉnh đó.",
                "This app notifies the Quảng Ngãi Department: the area must include Quảng Ngãi; notify the other provinces' departments separately.",
            ),
            Self::HeirNotAllowed => lang.pick(
                "Người thừa kế chỉ nộp thông báo chấm dứt hoạt động, hoặc đăng ký thay đổi chủ hộ khi chủ hộ đã chết, mất tích hoặc mất năng lực hành vi dân sự. Hãy chọn «Chủ hộ kinh doanh» hoặc «Người được ủy quyền».",
                "An heir files only a termination, or a change of owner after the owner died, disappeared or lost capacity. Choose “The owner” or “An authorised person”.",
            ),
            Self::PhoneRequiredForIntake => lang.pick(
                "Cần số điện thoại của người nộp hồ sơ để cơ quan tiếp nhận.",
                "The office needs the filer's phone number to accept the dossier.",
            ),
        }
    }
}

/// One broken rule on one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// Where: dot-separated field names with list indexes, e.g. `owner.so_dinh_danh`,
    /// `business_lines[2].code`; empty for the whole form.
    pub path: String,
    /// Which message.
    pub key: MessageKey,
    /// Values for the message's placeholders.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, String>,
    /// The legal basis of the rule, if it comes from a legal text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citation: Option<String>,
}

impl FieldError {
    /// An error without parameters.
    #[must_use]
    pub fn new(path: impl Into<String>, key: MessageKey, citation: Option<Citation>) -> Self {
        Self {
            path: path.into(),
            key,
            params: BTreeMap::new(),
            citation: citation.map(str::to_owned),
        }
    }

    /// Adds a placeholder value.
    #[must_use]
    pub fn with(mut self, name: &str, value: impl fmt::Display) -> Self {
        self.params.insert(name.to_owned(), value.to_string());
        self
    }

    /// The message in the reader's language, placeholders filled in.
    #[must_use]
    pub fn message(&self, lang: Lang) -> String {
        let mut text = self.key.template(lang).to_owned();
        for (name, value) in &self.params {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    /// The message followed by its legal basis: `… (NĐ 168/2025 art. 86.6)`.
    #[must_use]
    pub fn message_with_citation(&self, lang: Lang) -> String {
        match &self.citation {
            Some(citation) => format!("{} ({citation})", self.message(lang)),
            None => self.message(lang),
        }
    }
}

/// A parse error of a field type, as a message key and parameters.
pub trait AsFieldError {
    /// The error at `path`, citing `citation`.
    fn to_field_error(&self, path: &str, citation: Option<Citation>) -> FieldError;
}

fn fe(path: &str, key: MessageKey, citation: Option<Citation>) -> FieldError {
    FieldError::new(path, key, citation)
}

impl AsFieldError for SoDinhDanhError {
    fn to_field_error(&self, path: &str, citation: Option<Citation>) -> FieldError {
        match self {
            Self::Empty => fe(path, MessageKey::Required, citation),
            Self::NotDigits => fe(path, MessageKey::IdNotDigits, citation),
            Self::Length { found } => fe(path, MessageKey::IdLength, citation).with("found", found),
            Self::Province { code } => {
                fe(path, MessageKey::IdProvince, citation).with("code", code)
            }
        }
    }
}

impl AsFieldError for HolderMismatch {
    fn to_field_error(&self, path: &str, citation: Option<Citation>) -> FieldError {
        match self {
            Self::BirthYear { encoded, declared } => fe(path, MessageKey::IdBirthYear, citation)
                .with("encoded", encoded)
                .with("declared", declared),
            Self::Gender { .. } => fe(path, MessageKey::IdGender, citation),
        }
    }
}

impl AsFieldError for MaSoThueError {
    fn to_field_error(&self, path: &str, citation: Option<Citation>) -> FieldError {
        match self {
            Self::Empty => fe(path, MessageKey::Required, citation),
            Self::NotDigits => fe(path, MessageKey::TaxNotDigits, citation),
            Self::Length { found } => {
                fe(path, MessageKey::TaxLength, citation).with("found", found)
            }
            Self::CheckDigit => fe(path, MessageKey::TaxCheckDigit, citation),
            Self::DependentSuffix => fe(path, MessageKey::TaxDependentSuffix, citation),
            Self::PersonalId(e) => e.to_field_error(path, citation),
        }
    }
}

impl AsFieldError for SoDienThoaiError {
    fn to_field_error(&self, path: &str, citation: Option<Citation>) -> FieldError {
        match self {
            Self::Empty => fe(path, MessageKey::Required, citation),
            Self::NotDigits => fe(path, MessageKey::PhoneNotDigits, citation),
            Self::Prefix => fe(path, MessageKey::PhonePrefix, citation),
            Self::Length {
                expected, found, ..
            } => fe(path, MessageKey::PhoneLength, citation)
                .with("expected", expected)
                .with("found", found),
        }
    }
}

impl AsFieldError for EmailError {
    fn to_field_error(&self, path: &str, citation: Option<Citation>) -> FieldError {
        match self {
            Self::Empty => fe(path, MessageKey::Required, citation),
            Self::At | Self::Local | Self::Domain | Self::TooLong => {
                fe(path, MessageKey::EmailInvalid, citation)
            }
        }
    }
}

impl AsFieldError for TenHoKinhDoanhError {
    fn to_field_error(&self, path: &str, citation: Option<Citation>) -> FieldError {
        match self {
            Self::Empty => fe(path, MessageKey::Required, citation),
            Self::Prefix => fe(path, MessageKey::NamePrefix, citation),
            Self::NoProperName => fe(path, MessageKey::NameNoProperName, citation),
            Self::Character(c) => fe(path, MessageKey::NameCharacter, citation).with("char", c),
            Self::NoLetter => fe(path, MessageKey::NameNoLetter, citation),
            Self::Forbidden(p) => fe(path, MessageKey::NameForbidden, citation).with("phrase", p),
            Self::TooLong => {
                fe(path, MessageKey::TooLong, citation).with("max", crate::fields::MAX_NAME_CHARS)
            }
        }
    }
}

impl AsFieldError for LatinNameError {
    fn to_field_error(&self, path: &str, citation: Option<Citation>) -> FieldError {
        match self {
            Self::Empty => fe(path, MessageKey::Required, citation),
            Self::Character(c) => fe(path, MessageKey::LatinCharacter, citation).with("char", c),
            Self::TooLong => {
                fe(path, MessageKey::TooLong, citation).with("max", crate::fields::MAX_NAME_CHARS)
            }
        }
    }
}

impl AsFieldError for VndError {
    fn to_field_error(&self, path: &str, citation: Option<Citation>) -> FieldError {
        match self {
            Self::Empty => fe(path, MessageKey::Required, citation),
            Self::NotDigits | Self::TooLarge => fe(path, MessageKey::MoneyInvalid, citation),
            Self::Grouping => fe(path, MessageKey::MoneyGrouping, citation),
        }
    }
}

impl AsFieldError for MaXaError {
    fn to_field_error(&self, path: &str, citation: Option<Citation>) -> FieldError {
        match self {
            Self::Empty => fe(path, MessageKey::Required, citation),
            Self::Format => fe(path, MessageKey::CommuneFormat, citation),
            Self::Unknown(code) => {
                fe(path, MessageKey::CommuneUnknown, citation).with("code", code)
            }
        }
    }
}

impl AsFieldError for MaNganhError {
    fn to_field_error(&self, path: &str, citation: Option<Citation>) -> FieldError {
        match self {
            Self::Empty => fe(path, MessageKey::Required, citation),
            Self::Format | Self::Level(_) => fe(path, MessageKey::VsicFormat, citation),
            Self::Unknown(code) => fe(path, MessageKey::VsicUnknown, citation).with("code", code),
        }
    }
}

/// Collects the errors of one form while its strict value is being built.
#[derive(Debug, Default)]
pub struct Errors(Vec<FieldError>);

impl Errors {
    /// No errors yet.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Records an error.
    pub fn push(&mut self, error: FieldError) {
        self.0.push(error);
    }

    /// Whether nothing was recorded.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The errors, in the order found.
    #[must_use]
    pub fn into_vec(self) -> Vec<FieldError> {
        self.0
    }

    /// Parses a required field; records `Required` when it is missing or blank.
    pub fn required<T, E: AsFieldError>(
        &mut self,
        path: &str,
        raw: Option<&str>,
        parse: impl FnOnce(&str) -> Result<T, E>,
        citation: Option<Citation>,
    ) -> Option<T> {
        match raw.map(str::trim).filter(|s| !s.is_empty()) {
            None => {
                self.push(FieldError::new(path, MessageKey::Required, citation));
                None
            }
            Some(text) => self.parse(path, text, parse, citation),
        }
    }

    /// Parses an optional field: `Some(None)` when blank, `Some(Some(v))` when valid, `None` when invalid.
    pub fn optional<T, E: AsFieldError>(
        &mut self,
        path: &str,
        raw: Option<&str>,
        parse: impl FnOnce(&str) -> Result<T, E>,
        citation: Option<Citation>,
    ) -> Option<Option<T>> {
        match raw.map(str::trim).filter(|s| !s.is_empty()) {
            None => Some(None),
            Some(text) => self.parse(path, text, parse, citation).map(Some),
        }
    }

    fn parse<T, E: AsFieldError>(
        &mut self,
        path: &str,
        text: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
        citation: Option<Citation>,
    ) -> Option<T> {
        match parse(text) {
            Ok(value) => Some(value),
            Err(e) => {
                self.push(e.to_field_error(path, citation));
                None
            }
        }
    }

    /// A required free-text field of at most `max` characters, in canonical form.
    pub fn text(
        &mut self,
        path: &str,
        raw: Option<&str>,
        max: usize,
        citation: Option<Citation>,
    ) -> Option<String> {
        self.required(path, raw, |s| plain_text(s, max), citation)
    }

    /// An optional free-text field of at most `max` characters.
    pub fn optional_text(
        &mut self,
        path: &str,
        raw: Option<&str>,
        max: usize,
        citation: Option<Citation>,
    ) -> Option<Option<String>> {
        self.optional(path, raw, |s| plain_text(s, max), citation)
    }

    /// A required date written `YYYY-MM-DD`.
    pub fn date(
        &mut self,
        path: &str,
        raw: Option<&str>,
        citation: Option<Citation>,
    ) -> Option<chrono::NaiveDate> {
        self.required(path, raw, parse_date, citation)
    }

    /// A commitment box that must be ticked.
    pub fn accepted(
        &mut self,
        path: &str,
        value: Option<bool>,
        citation: Option<Citation>,
    ) -> bool {
        let ok = value == Some(true);
        if !ok {
            self.push(FieldError::new(path, MessageKey::MustAccept, citation));
        }
        ok
    }

    /// Finishes: the value when no error was recorded, else every error.
    ///
    /// # Errors
    /// Returns every recorded error.
    pub fn finish<T>(self, value: Option<T>) -> Result<T, Vec<FieldError>> {
        match value {
            Some(v) if self.is_empty() => Ok(v),
            _ => Err(self.into_vec()),
        }
    }
}

/// Text that is too long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLong(pub usize);

impl AsFieldError for TooLong {
    fn to_field_error(&self, path: &str, citation: Option<Citation>) -> FieldError {
        FieldError::new(path, MessageKey::TooLong, citation).with("max", self.0)
    }
}

fn plain_text(raw: &str, max: usize) -> Result<String, TooLong> {
    let text = crate::text::canonical(raw);
    if text.chars().count() > max {
        Err(TooLong(max))
    } else {
        Ok(text)
    }
}

/// A date that is not `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadDate;

impl AsFieldError for BadDate {
    fn to_field_error(&self, path: &str, citation: Option<Citation>) -> FieldError {
        FieldError::new(path, MessageKey::InvalidDate, citation)
    }
}

/// Parses `YYYY-MM-DD` (also `DD/MM/YYYY`, as Vietnamese forms write dates).
///
/// # Errors
/// [`BadDate`] when it is neither.
pub fn parse_date(raw: &str) -> Result<chrono::NaiveDate, BadDate> {
    let raw = raw.trim();
    chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .or_else(|_| chrono::NaiveDate::parse_from_str(raw, "%d/%m/%Y"))
        .map_err(|_| BadDate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_fill_placeholders_in_both_languages() {
        let e = FieldError::new(
            "owner.so_dinh_danh",
            MessageKey::IdLength,
            Some("NĐ 168/2025 art. 92"),
        )
        .with("found", 11);
        assert_eq!(
            e.message(Lang::Vi),
            "Số định danh cá nhân có 12 chữ số (đang có 11)."
        );
        assert_eq!(
            e.message_with_citation(Lang::En),
            "A personal identification number has 12 digits (this one has 11). (NĐ 168/2025 art. 92)"
        );
    }

    #[test]
    fn every_template_exists_and_placeholders_match() {
        let keys = [
            MessageKey::Required,
            MessageKey::IdBirthYear,
            MessageKey::NameForbidden,
            MessageKey::NoticeTooLate,
            MessageKey::MainLineLevel,
        ];
        for key in keys {
            let vi = key.template(Lang::Vi);
            let en = key.template(Lang::En);
            assert!(!vi.is_empty() && !en.is_empty());
            assert_eq!(vi.matches('{').count(), en.matches('{').count(), "{key:?}");
        }
    }

    #[test]
    fn collector_gathers_every_error() {
        let mut errors = Errors::new();
        let phone = errors.required("phone", Some("0912"), crate::SoDienThoai::parse, None);
        let email = errors.optional("email", Some(" "), crate::Email::parse, None);
        let name = errors.required(
            "name",
            None,
            crate::TenHoKinhDoanh::parse,
            Some("NĐ 168/2025 art. 86"),
        );
        let date = errors.date("start", Some("31/12/2026"), None);
        assert!(phone.is_none() && name.is_none());
        assert_eq!(email, Some(None));
        assert_eq!(date, chrono::NaiveDate::from_ymd_opt(2026, 12, 31));
        let all = errors.into_vec();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].key, MessageKey::PhoneLength);
        assert_eq!(all[1].citation.as_deref(), Some("NĐ 168/2025 art. 86"));
        let json = serde_json::to_value(&all[0]).expect("serialise");
        assert_eq!(json["key"], "phone_length");
        assert_eq!(json["params"]["expected"], "10");
    }
}
