//! Rules of staff accounts (issue 7): login names, names shown, which jurisdictions each role takes,
//! and the position (chức danh) each holds, which decides how they sign what they issue
//! ([`crate::documents::Signer::of`]). The administrator's page and `motcua staff add` check the same
//! way, on the tablet and on the server.

use serde::{Deserialize, Serialize};

use crate::{Lang, MaXa, api::Role};

/// The jurisdiction of the Sở Công Thương (promotion notices).
pub const TRADE_DEPARTMENT: &str = "SCT";

/// A staff member's position (chức danh) in the office that issues documents: the commune's Phòng Kinh
/// tế (or Phòng Kinh tế, Hạ tầng và Đô thị), or the Sở Công Thương. It decides the signature block of
/// what they issue (NĐ 30/2020/NĐ-CP art. 13; [`crate::documents::Signer::of`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Title {
    /// Giám đốc Sở (the head of the Sở Công Thương).
    GiamDoc,
    /// Phó Giám đốc Sở: signs "KT. GIÁM ĐỐC".
    PhoGiamDoc,
    /// Trưởng phòng: the head of a commune's Phòng, or of a unit of the Sở (who signs "TL. GIÁM ĐỐC").
    TruongPhong,
    /// Phó Trưởng phòng: signs "KT. TRƯỞNG PHÒNG".
    PhoTruongPhong,
    /// Chuyên viên: an officer without signing authority, who signs as "CÁN BỘ XỬ LÝ HỒ SƠ" — what
    /// every account was before positions existed, so the default.
    #[default]
    ChuyenVien,
}

impl Title {
    /// Every position, the most senior first.
    pub const ALL: [Self; 5] = [
        Self::GiamDoc,
        Self::PhoGiamDoc,
        Self::TruongPhong,
        Self::PhoTruongPhong,
        Self::ChuyenVien,
    ];

    /// The positions of a commune's Phòng (and of any account not of the Sở Công Thương alone).
    pub const COMMUNE: [Self; 3] = [Self::TruongPhong, Self::PhoTruongPhong, Self::ChuyenVien];

    /// The stored and wire name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::GiamDoc => "giam_doc",
            Self::PhoGiamDoc => "pho_giam_doc",
            Self::TruongPhong => "truong_phong",
            Self::PhoTruongPhong => "pho_truong_phong",
            Self::ChuyenVien => "chuyen_vien",
        }
    }

    /// The position by its stored name.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// The position as people write it.
    #[must_use]
    pub const fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::GiamDoc => lang.pick("Giám đốc", "Director"),
            Self::PhoGiamDoc => lang.pick("Phó Giám đốc", "Deputy director"),
            Self::TruongPhong => lang.pick("Trưởng phòng", "Head of office"),
            Self::PhoTruongPhong => lang.pick("Phó Trưởng phòng", "Deputy head of office"),
            Self::ChuyenVien => lang.pick("Chuyên viên", "Officer"),
        }
    }

    /// The positions an account with these jurisdictions may hold: the Sở Công Thương's (Giám đốc,
    /// Phó Giám đốc and those of its units) only for an account of the Sở alone; a commune's Phòng's
    /// otherwise.
    #[must_use]
    pub fn choices(jurisdictions: &[String]) -> &'static [Self] {
        if is_trade_department_only(jurisdictions) {
            &Self::ALL
        } else {
            &Self::COMMUNE
        }
    }
}

fn is_trade_department_only(jurisdictions: &[String]) -> bool {
    !jurisdictions.is_empty()
        && jurisdictions
            .iter()
            .all(|j| j.trim().eq_ignore_ascii_case(TRADE_DEPARTMENT))
}

/// Why a staff account's data is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountError {
    /// The login name is not 3–32 of `a-z 0-9 . _ -`.
    Username,
    /// No name, or longer than 100 characters.
    DisplayName,
    /// This text is not a commune code of the province (nor `SCT` where allowed).
    UnknownJurisdiction(String),
    /// A commune officer or supervisor with no jurisdiction.
    NoJurisdiction,
    /// A trade officer is of the Sở Công Thương only.
    TradeOfficerIsSct,
    /// A commune officer processes commune dossiers, not those of the Sở Công Thương.
    CommuneOfficerNotSct,
    /// An administrator has no jurisdiction.
    AdministratorHasNone,
    /// Giám đốc and Phó Giám đốc are positions of the Sở Công Thương only.
    TitleNotOfOffice(Title),
}

impl AccountError {
    /// The field it concerns (`username`, `display_name`, `jurisdictions`, `title`).
    #[must_use]
    pub const fn field(&self) -> &'static str {
        match self {
            Self::Username => "username",
            Self::DisplayName => "display_name",
            Self::TitleNotOfOffice(_) => "title",
            _ => "jurisdictions",
        }
    }

    /// What is wrong and how to fix it.
    #[must_use]
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Self::Username => lang
                .pick(
                    "Tên đăng nhập gồm 3–32 ký tự: chữ thường không dấu (a–z), chữ số, dấu chấm, gạch dưới hoặc gạch ngang.",
                    "A login name has 3–32 characters: lower-case letters without accents (a–z), digits, dot, underscore or hyphen.",
                )
                .to_owned(),
            Self::DisplayName => lang
                .pick(
                    "Nhập họ và tên cán bộ (tối đa 100 ký tự).",
                    "Enter the staff member's full name (at most 100 characters).",
                )
                .to_owned(),
            Self::UnknownJurisdiction(code) => match lang {
                Lang::Vi => format!(
                    "«{code}» không phải mã xã, phường, đặc khu của tỉnh Quảng Ngãi (5 chữ số) hay SCT (Sở Công Thương)."
                ),
                Lang::En => format!(
                    "“{code}” is not the code of a commune, ward or special zone of Quảng Ngãi (5 digits) nor SCT (Department of Industry and Trade)."
                ),
            },
            Self::NoJurisdiction => lang
                .pick(
                    "Chọn ít nhất một xã, phường, đặc khu (hoặc SCT) mà cán bộ này phụ trách.",
                    "Choose at least one commune, ward or special zone (or SCT) this staff member covers.",
                )
                .to_owned(),
            Self::TradeOfficerIsSct => lang
                .pick(
                    "Cán bộ Sở Công Thương chỉ phụ trách SCT (thông báo khuyến mại).",
                    "A Department of Industry and Trade officer covers SCT only (promotion notices).",
                )
                .to_owned(),
            Self::CommuneOfficerNotSct => lang
                .pick(
                    "Cán bộ cấp xã chỉ phụ trách xã, phường, đặc khu; hồ sơ của Sở Công Thương (SCT) dành cho cán bộ Sở.",
                    "A commune officer covers communes, wards and special zones only; SCT dossiers are for the department's officers.",
                )
                .to_owned(),
            Self::AdministratorHasNone => lang
                .pick(
                    "Quản trị viên không phụ trách địa bàn nào; hãy bỏ chọn các xã.",
                    "An administrator covers no jurisdiction; clear the communes.",
                )
                .to_owned(),
            Self::TitleNotOfOffice(title) => match lang {
                Lang::Vi => format!(
                    "Chức danh «{}» chỉ dành cho tài khoản của Sở Công Thương (địa bàn chỉ có SCT); cán bộ cấp xã chọn Trưởng phòng, Phó Trưởng phòng hoặc Chuyên viên.",
                    title.label(Lang::Vi)
                ),
                Lang::En => format!(
                    "The position “{}” is for accounts of the Department of Industry and Trade only (SCT alone); a commune's staff are Head of office, Deputy head of office or Officer.",
                    title.label(Lang::En)
                ),
            },
        }
    }
}

/// How many digits a one-time code has (sign-in by phone, and a citizen's confirmation of an assisted
/// submission).
pub const ONE_TIME_CODE_DIGITS: usize = 6;

/// A one-time code as typed (spaces allowed, as people read codes out in groups): its digits, or `None`
/// unless exactly [`ONE_TIME_CODE_DIGITS`] ASCII digits.
#[must_use]
pub fn parse_one_time_code(raw: &str) -> Option<String> {
    let code: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    (code.len() == ONE_TIME_CODE_DIGITS && code.bytes().all(|b| b.is_ascii_digit())).then_some(code)
}

/// A login name, lower-cased.
///
/// # Errors
/// [`AccountError::Username`] unless 3–32 of `a-z 0-9 . _ -`.
pub fn parse_username(raw: &str) -> Result<String, AccountError> {
    let name = raw.trim().to_ascii_lowercase();
    let ok = (3..=32).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok {
        Ok(name)
    } else {
        Err(AccountError::Username)
    }
}

/// A name shown, trimmed.
///
/// # Errors
/// [`AccountError::DisplayName`] when empty or longer than 100 characters.
pub fn parse_display_name(raw: &str) -> Result<String, AccountError> {
    let name = crate::text::canonical(raw);
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AccountError::DisplayName);
    }
    Ok(name)
}

/// The jurisdictions of a role: commune codes of the province and/or `SCT`, checked against the role,
/// sorted and without repeats.
///
/// # Errors
/// The first thing wrong.
pub fn parse_jurisdictions(role: Role, raw: &[String]) -> Result<Vec<String>, AccountError> {
    let mut out = Vec::new();
    for code in raw {
        let code = code.trim();
        if code.eq_ignore_ascii_case(TRADE_DEPARTMENT) {
            out.push(TRADE_DEPARTMENT.to_owned());
        } else if MaXa::parse(code).is_ok() {
            out.push(code.to_owned());
        } else {
            return Err(AccountError::UnknownJurisdiction(code.to_owned()));
        }
    }
    out.sort();
    out.dedup();
    match role {
        Role::Administrator if !out.is_empty() => Err(AccountError::AdministratorHasNone),
        Role::Administrator => Ok(out),
        _ if out.is_empty() => Err(AccountError::NoJurisdiction),
        Role::TradeOfficer if out != [TRADE_DEPARTMENT] => Err(AccountError::TradeOfficerIsSct),
        Role::CommuneOfficer if out.iter().any(|j| j == TRADE_DEPARTMENT) => {
            Err(AccountError::CommuneOfficerNotSct)
        }
        _ => Ok(out),
    }
}

/// A position checked against the jurisdictions (as [`parse_jurisdictions`] answered them): Giám đốc
/// and Phó Giám đốc only for an account of the Sở Công Thương alone ([`Title::choices`]).
///
/// # Errors
/// [`AccountError::TitleNotOfOffice`] for a position of the Sở on another account.
pub fn check_title(title: Title, jurisdictions: &[String]) -> Result<Title, AccountError> {
    if Title::choices(jurisdictions).contains(&title) {
        Ok(title)
    } else {
        Err(AccountError::TitleNotOfOffice(title))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn a_one_time_code_is_six_digits_spaces_aside() {
        assert_eq!(parse_one_time_code("123456").as_deref(), Some("123456"));
        assert_eq!(parse_one_time_code(" 123 456 ").as_deref(), Some("123456"));
        for bad in ["", "12345", "1234567", "12345a", "１２３４５６", "12-456"] {
            assert_eq!(parse_one_time_code(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn login_names_are_plain_and_lower_case() {
        assert_eq!(parse_username(" CanBo.Xa_1 "), Ok("canbo.xa_1".to_owned()));
        assert_eq!(parse_username("ab"), Err(AccountError::Username));
        assert_eq!(parse_username("cán-bộ"), Err(AccountError::Username));
        assert_eq!(parse_username("a b c"), Err(AccountError::Username));
    }

    #[test]
    fn roles_take_the_jurisdictions_they_work_on() {
        let commune = crate::data::communes().next().expect("a commune");
        let code = format!("{:05}", commune.code.code());
        assert_eq!(
            parse_jurisdictions(Role::CommuneOfficer, &v(&[&code, &code])),
            Ok(vec![code.clone()])
        );
        assert_eq!(
            parse_jurisdictions(Role::CommuneOfficer, &v(&["SCT"])),
            Err(AccountError::CommuneOfficerNotSct)
        );
        assert_eq!(
            parse_jurisdictions(Role::CommuneOfficer, &[]),
            Err(AccountError::NoJurisdiction)
        );
        assert_eq!(
            parse_jurisdictions(Role::CommuneOfficer, &v(&["99999"])),
            Err(AccountError::UnknownJurisdiction("99999".into()))
        );
        assert_eq!(
            parse_jurisdictions(Role::TradeOfficer, &v(&["sct"])),
            Ok(v(&["SCT"]))
        );
        assert_eq!(
            parse_jurisdictions(Role::TradeOfficer, &v(&[&code])),
            Err(AccountError::TradeOfficerIsSct)
        );
        assert_eq!(
            parse_jurisdictions(Role::Supervisor, &v(&["SCT", &code])),
            Ok(v(&[&code, "SCT"]))
        );
        assert_eq!(parse_jurisdictions(Role::Administrator, &[]), Ok(vec![]));
        assert_eq!(
            parse_jurisdictions(Role::Administrator, &v(&[&code])),
            Err(AccountError::AdministratorHasNone)
        );
        for e in [
            AccountError::Username,
            AccountError::NoJurisdiction,
            AccountError::TitleNotOfOffice(Title::GiamDoc),
        ] {
            assert!(!e.message(Lang::Vi).is_empty() && !e.message(Lang::En).is_empty());
        }
    }

    #[test]
    fn positions_round_trip_and_the_department_ones_are_its_own() {
        for t in Title::ALL {
            assert_eq!(Title::parse(t.as_str()), Some(t));
            assert_eq!(
                serde_json::to_value(t).expect("json"),
                serde_json::json!(t.as_str()),
                "the stored name is the wire name"
            );
        }
        assert_eq!(
            Title::default(),
            Title::ChuyenVien,
            "accounts made before positions"
        );
        assert_eq!(Title::PhoTruongPhong.label(Lang::Vi), "Phó Trưởng phòng");
        let sct = v(&["SCT"]);
        let commune = v(&["21025"]);
        assert_eq!(check_title(Title::PhoGiamDoc, &sct), Ok(Title::PhoGiamDoc));
        assert_eq!(
            check_title(Title::TruongPhong, &sct),
            Ok(Title::TruongPhong)
        );
        assert_eq!(
            check_title(Title::TruongPhong, &commune),
            Ok(Title::TruongPhong)
        );
        assert_eq!(
            check_title(Title::GiamDoc, &commune),
            Err(AccountError::TitleNotOfOffice(Title::GiamDoc))
        );
        assert_eq!(
            check_title(Title::GiamDoc, &v(&["SCT", "21025"])),
            Err(AccountError::TitleNotOfOffice(Title::GiamDoc)),
            "a supervisor of a commune too is not of the Sở alone"
        );
        assert_eq!(
            check_title(Title::PhoGiamDoc, &[]),
            Err(AccountError::TitleNotOfOffice(Title::PhoGiamDoc)),
            "an administrator"
        );
        assert_eq!(Title::choices(&commune), Title::COMMUNE);
        assert_eq!(
            AccountError::TitleNotOfOffice(Title::GiamDoc).field(),
            "title"
        );
    }
}
