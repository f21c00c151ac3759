//! What an approval produces, built from the filed forms: the household business's certificate on a
//! registration or a change (TT 68/2025/TT-BTC PL II Mẫu 7; NĐ 168/2025 arts. 85, 100), the notice of
//! termination (Mẫu 13; art. 104), the acknowledgement of a promotion notice; the legal statuses a
//! household business has in the registry (art. 98); and the offices that issue them.
//!
//! Pure functions of the validated forms (`crate::forms`) and of the certificate in force; the server
//! stores what they return and sets it as PDFs.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{
    CommuneType, Lang, MaXa,
    data::PROVINCE_NAME,
    documents::{
        CertificateLine, CertificatePerson, DossierRef, HkdCertificate, Issuance, Issuer,
        IssuingBody, PromotionAcknowledgement, RegistrationCount, Signer, TerminationNotice,
    },
    forms::{
        common::{Address, BusinessLine, LocalAddress, Person},
        hkd_change::HkdChange,
        hkd_registration::{Founder, HkdRegistration},
        promotion::PromotionNotice,
    },
    text,
};

/// The legal status of a household business (NĐ 168/2025 art. 98), as the registry keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HkdStatus {
    /// Đang hoạt động.
    Active,
    /// Tạm ngừng kinh doanh.
    Suspended,
    /// Bị thu hồi do cưỡng chế về quản lý thuế.
    RevokedForTax,
    /// Không hoạt động tại địa chỉ đã đăng ký.
    NotAtRegisteredAddress,
    /// Đang làm thủ tục chấm dứt hoạt động.
    Terminating,
    /// Đã chấm dứt hoạt động.
    Terminated,
}

impl HkdStatus {
    /// Every status, in the order of art. 98.
    pub const ALL: [Self; 6] = [
        Self::Active,
        Self::Suspended,
        Self::RevokedForTax,
        Self::NotAtRegisteredAddress,
        Self::Terminating,
        Self::Terminated,
    ];

    /// The stored name (the registry's `status` column).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Suspended => "suspended",
            Self::RevokedForTax => "revoked_for_tax",
            Self::NotAtRegisteredAddress => "not_at_registered_address",
            Self::Terminating => "terminating",
            Self::Terminated => "terminated",
        }
    }

    /// The status by its stored name.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// The status as the law names it.
    #[must_use]
    pub const fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::Active => lang.pick("Đang hoạt động", "Active"),
            Self::Suspended => lang.pick("Tạm ngừng kinh doanh", "Suspended"),
            Self::RevokedForTax => lang.pick(
                "Bị thu hồi do cưỡng chế về quản lý thuế",
                "Revoked (tax enforcement)",
            ),
            Self::NotAtRegisteredAddress => lang.pick(
                "Không hoạt động tại địa chỉ đã đăng ký",
                "Not operating at the registered address",
            ),
            Self::Terminating => lang.pick("Đang làm thủ tục chấm dứt hoạt động", "Terminating"),
            Self::Terminated => lang.pick("Đã chấm dứt hoạt động", "Terminated"),
        }
    }
}

/// Which office is a commune's business-registration office (NĐ 168/2025 art. 20.2): the Phòng Kinh
/// tế of a xã or đặc khu, the Phòng Kinh tế, Hạ tầng và Đô thị of a phường.
#[must_use]
pub fn commune_body(commune: MaXa) -> IssuingBody {
    match commune.commune().kind {
        CommuneType::Phuong => IssuingBody::EconomyInfrastructureOffice,
        CommuneType::Xa | CommuneType::DacKhu => IssuingBody::EconomyOffice,
    }
}

/// The body that issues the documents of a dossier of this jurisdiction.
#[must_use]
pub fn issuing_body(jurisdiction: crate::Jurisdiction) -> IssuingBody {
    match jurisdiction {
        crate::Jurisdiction::Commune(commune) => commune_body(commune),
        crate::Jurisdiction::ProvincialTradeDepartment => IssuingBody::TradeDepartment,
    }
}

/// The issuer of the documents of a dossier of this jurisdiction, as their top left prints it.
#[must_use]
pub fn issuer(jurisdiction: crate::Jurisdiction) -> Issuer {
    match jurisdiction {
        crate::Jurisdiction::Commune(commune) => commune_office(commune),
        crate::Jurisdiction::ProvincialTradeDepartment => trade_department(),
    }
}

/// The business-registration office of a commune (NĐ 168/2025 art. 20.2): the Phòng Kinh tế of a xã
/// or đặc khu, the Phòng Kinh tế, Hạ tầng và Đô thị of a phường, under the commune's People's Committee.
#[must_use]
pub fn commune_office(commune: MaXa) -> Issuer {
    let c = commune.commune();
    // "Phường Cẩm Thành" → "UBND phường Cẩm Thành": the kind is a common noun inside the name.
    let mut name = c.name.to_owned();
    if let Some(first) = name.chars().next() {
        name.replace_range(..first.len_utf8(), &first.to_lowercase().to_string());
    }
    Issuer {
        parent: Some(format!("UBND {name}")),
        name: commune_body(commune).name().to_owned(),
    }
}

/// The Sở Công Thương of the province (promotion notices).
#[must_use]
pub fn trade_department() -> Issuer {
    Issuer {
        parent: Some(format!(
            "UBND {}",
            PROVINCE_NAME.replacen("Tỉnh", "tỉnh", 1)
        )),
        name: IssuingBody::TradeDepartment.name().to_owned(),
    }
}

/// An address inside the province as the documents print it.
#[must_use]
pub fn address(local: &LocalAddress) -> Address {
    let [street, commune, province] = local.lines();
    Address {
        street,
        commune,
        province,
    }
}

/// A person of the form as the certificate prints them.
#[must_use]
pub fn certificate_person(p: &Person) -> CertificatePerson {
    CertificatePerson {
        full_name: p.full_name.clone(),
        gender: p.gender,
        birth_date: p.birth_date,
        id_number: p.id.as_str().to_owned(),
        ethnicity: p.offline.as_ref().map(|o| o.ethnicity.clone()),
        nationality: p.offline.as_ref().map(|o| o.nationality.clone()),
        permanent_address: p.offline.as_ref().map(|o| o.permanent_address.clone()),
        current_address: p.offline.as_ref().map(|o| o.current_address.clone()),
    }
}

fn certificate_line(line: &BusinessLine) -> CertificateLine {
    CertificateLine {
        name: line.name.clone(),
        code: line.code.map(|c| c.code().to_owned()),
        main: line.main,
    }
}

/// The same business line: the same code, or, without codes, the same name (case and accents as typed
/// are compared after folding).
fn same_line(a: &CertificateLine, code: Option<&str>, name: &str) -> bool {
    match (a.code.as_deref(), code) {
        (Some(x), Some(y)) => x == y,
        _ => text::fold(&a.name) == text::fold(name),
    }
}

/// The members printed in item 7: the household's, the owner included; none for an individual founder.
fn members(founder: Founder, members: &[Person]) -> Vec<CertificatePerson> {
    match founder {
        Founder::Household => members.iter().map(certificate_person).collect(),
        Founder::Individual => Vec::new(),
    }
}

/// The first certificate of a registration (NĐ 168/2025 art. 85; TT 68/2025 Mẫu 7), with the business's
/// code (its tax code, NĐ 168/2025 art. 91) and the verification URL its QR code carries.
#[must_use]
pub fn registration_certificate(
    form: &HkdRegistration,
    hkd_code: &str,
    issued_on: NaiveDate,
    signer: Signer,
    verify_url: String,
) -> HkdCertificate {
    HkdCertificate {
        issuer: commune_office(form.seat.address.commune),
        hkd_code: hkd_code.to_owned(),
        registration: RegistrationCount {
            first_on: issued_on,
            change: None,
        },
        name: form.name.vietnamese.as_ref().to_owned(),
        foreign_name: form.name.foreign.as_ref().map(|n| n.as_str().to_owned()),
        abbreviation: form
            .name
            .abbreviation
            .as_ref()
            .map(|n| n.as_str().to_owned()),
        seat: address(&form.seat.address),
        phone: form.seat.phone.as_ref().map(ToString::to_string),
        fax: form.seat.fax.as_ref().map(ToString::to_string),
        email: form.seat.email.as_ref().map(ToString::to_string),
        website: form.seat.website.clone(),
        business_lines: form.business_lines.iter().map(certificate_line).collect(),
        capital: form.capital,
        founder: form.founder,
        owner: certificate_person(&form.owner),
        members: members(form.founder, &form.members),
        signer,
        verify_url,
    }
}

/// Whether a change is printed on a new certificate: name, seat, owner, members, capital, business
/// lines, a correction of the certificate or the re-issue of an old one do (NĐ 168/2025 arts. 100.1.a–e,
/// 115.1, 123); a change of the tax registration alone only updates the database (art. 100.1.g).
#[must_use]
pub fn change_needs_certificate(change: &HkdChange) -> bool {
    change.name.is_some()
        || change.seat.is_some()
        || change.owner.is_some()
        || change.members.is_some()
        || change.capital.is_some()
        || change.lines.is_some()
        || change.correction.is_some()
        || change.reissue.is_some()
}

/// The certificate after an approved change: the registration count goes up by one, dated `on`, and
/// every section the change fills replaces what the certificate said.
#[must_use]
pub fn changed_certificate(
    current: &HkdCertificate,
    change: &HkdChange,
    on: NaiveDate,
    signer: Signer,
    verify_url: String,
) -> HkdCertificate {
    let mut cert = current.clone();
    let count = current.registration.change.map_or(0, |(n, _)| n);
    cert.registration.change = Some((count.saturating_add(1), on));
    cert.signer = signer;
    cert.verify_url = verify_url;
    if let Some(names) = &change.name {
        cert.name = names.vietnamese.as_ref().to_owned();
        cert.foreign_name = names.foreign.as_ref().map(|n| n.as_str().to_owned());
        cert.abbreviation = names.abbreviation.as_ref().map(|n| n.as_str().to_owned());
    }
    if let Some(seat) = &change.seat {
        cert.issuer = commune_office(seat.address.commune);
        cert.seat = address(&seat.address);
        cert.phone = seat.phone.as_ref().map(ToString::to_string);
        cert.fax = seat.fax.as_ref().map(ToString::to_string);
        cert.email = seat.email.as_ref().map(ToString::to_string);
        cert.website = seat.website.clone();
    }
    if let Some(reissue) = &change.reissue {
        cert.business_lines = reissue
            .business_lines
            .iter()
            .map(certificate_line)
            .collect();
        cert.capital = reissue.capital;
        cert.founder = reissue.founder;
        cert.members = members(reissue.founder, &reissue.members);
    }
    if let Some(owner) = &change.owner {
        cert.owner = certificate_person(&owner.new_owner);
    }
    if let Some(list) = &change.members {
        cert.members = members(cert.founder, list);
    }
    if let Some(capital) = &change.capital {
        cert.capital = capital.capital;
    }
    if let Some(lines) = &change.lines {
        cert.business_lines.retain(|l| {
            !lines
                .remove
                .iter()
                .any(|r| same_line(l, r.code.map(|c| c.code()), &r.name))
        });
        for add in &lines.add {
            let code = add.code.map(|c| c.code());
            if !cert
                .business_lines
                .iter()
                .any(|l| same_line(l, code, &add.name))
            {
                cert.business_lines.push(certificate_line(add));
            }
        }
        let main = lines.main_code.map(|c| c.code().to_owned()).or_else(|| {
            lines
                .add
                .iter()
                .find(|l| l.main)
                .and_then(|l| l.code.map(|c| c.code().to_owned()))
        });
        if let Some(main) = main {
            for l in &mut cert.business_lines {
                l.main = l.code.as_deref() == Some(main.as_str());
            }
        }
    }
    cert
}

/// The notice that a household business is terminated (TT 68/2025 PL II Mẫu 13; NĐ 168/2025 art.
/// 104.1.c), from the certificate in force; a copy goes to the managing tax office.
#[must_use]
pub fn termination_notice(
    cert: &HkdCertificate,
    issuance: Issuance,
    dossier: DossierRef,
    verify_url: String,
) -> TerminationNotice {
    TerminationNotice {
        terminated_on: issuance.issued_on,
        issuance,
        dossier,
        hkd_name: cert.name.clone(),
        hkd_code: cert.hkd_code.clone(),
        seat: cert.seat.clone(),
        owner_name: cert.owner.full_name.clone(),
        recipients: vec!["Cơ quan thuế quản lý trực tiếp hộ kinh doanh".to_owned()],
        verify_url,
    }
}

/// The Sở Công Thương's acknowledgement of a promotion notice (see [`PromotionAcknowledgement`]).
#[must_use]
pub fn promotion_acknowledgement(
    form: &PromotionNotice,
    issuance: Issuance,
    dossier: DossierRef,
    verify_url: String,
) -> PromotionAcknowledgement {
    PromotionAcknowledgement {
        issuance,
        dossier,
        trader_tax_code: form.trader.tax_code.as_str().to_owned(),
        trader_address: form.trader.address.clone(),
        notice_number: None,
        programme: form.programme_name.clone(),
        promotion_form: form
            .forms
            .iter()
            .map(|f| f.name(Lang::Vi))
            .collect::<Vec<_>>()
            .join("; "),
        starts_on: form.start,
        ends_on: form.end,
        area: form.provinces.join(", "),
        recipients: Vec::new(),
        verify_url: Some(verify_url),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::{Procedure, forms::Context};

    fn on(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    fn signer() -> Signer {
        Signer::of(
            IssuingBody::EconomyInfrastructureOffice,
            crate::accounts::Title::ChuyenVien,
            "Trần Văn Bình",
        )
    }

    fn registration() -> HkdRegistration {
        let draft = json!({
            "office": "21025",
            "owner": {"full_name": "Nguyễn Thị Ba", "birth_date": "1985-03-02", "gender": "female",
                      "id": "051185012345", "phone": "0912345678"},
            "name": {"vietnamese": "Hộ kinh doanh Bánh mì Cô Ba", "foreign": "Co Ba Bakery"},
            "seat": {"address": {"street": "12 Lê Lợi", "commune": "21025"}, "phone": "0912345678"},
            "business_lines": [
                {"name": "Bán lẻ lương thực, thực phẩm trong cửa hàng chuyên doanh", "code": "4721", "main": true},
                {"name": "Dịch vụ ăn uống"}
            ],
            "capital": "150.000.000",
            "founder": "individual",
            "commitments": {"population_data_consent": true, "not_banned": true,
                            "no_other_hkd_or_private_enterprise": true, "truthful": true, "seat_lawful": true}
        });
        match crate::validate(
            Procedure::HkdRegistration,
            &draft,
            &Context::on(on(2026, 11, 23)),
        ) {
            Ok(crate::Submission::HkdRegistration(r)) => *r,
            other => panic!("not a registration: {other:?}"),
        }
    }

    fn change(sections: &serde_json::Value) -> HkdChange {
        let mut draft = json!({
            "office": "21025",
            "hkd_name": "Hộ kinh doanh Bánh mì Cô Ba",
            "hkd_code": "051185012345",
            "contact_phone": "0912345678",
            "signatory_name": "Nguyễn Thị Ba",
            "commitments": {"truthful": true}
        });
        for (k, v) in sections.as_object().expect("sections") {
            draft[k] = v.clone();
        }
        match crate::validate(Procedure::HkdChange, &draft, &Context::on(on(2026, 11, 23))) {
            Ok(crate::Submission::HkdChange(c)) => *c,
            other => panic!("not a change: {other:?}"),
        }
    }

    #[test]
    fn statuses_round_trip_and_read_as_the_law_names_them() {
        for s in HkdStatus::ALL {
            assert_eq!(HkdStatus::parse(s.as_str()), Some(s));
            assert_eq!(
                serde_json::to_value(s).expect("json"),
                json!(s.as_str()),
                "the stored name is the wire name"
            );
        }
        assert_eq!(
            HkdStatus::Terminated.label(Lang::Vi),
            "Đã chấm dứt hoạt động"
        );
        assert_eq!(HkdStatus::parse("closed"), None);
    }

    #[test]
    fn offices_are_named_by_the_kind_of_commune() {
        let ward = commune_office(MaXa::parse("21025").expect("commune"));
        assert_eq!(ward.parent.as_deref(), Some("UBND phường Cẩm Thành"));
        assert_eq!(ward.name, "Phòng Kinh tế, Hạ tầng và Đô thị");
        let xa = crate::data::communes()
            .find(|c| c.kind == CommuneType::Xa)
            .expect("a xã");
        let office = commune_office(xa.code);
        assert!(
            office
                .parent
                .as_deref()
                .is_some_and(|p| p.starts_with("UBND xã ")),
            "{office:?}"
        );
        assert_eq!(office.name, "Phòng Kinh tế");
        assert_eq!(commune_body(xa.code), IssuingBody::EconomyOffice);
        assert_eq!(
            commune_body(MaXa::parse("21025").expect("commune")),
            IssuingBody::EconomyInfrastructureOffice
        );
        assert_eq!(
            issuing_body(crate::Jurisdiction::ProvincialTradeDepartment),
            IssuingBody::TradeDepartment
        );
        assert_eq!(
            issuer(crate::Jurisdiction::Commune(xa.code)),
            commune_office(xa.code)
        );
        assert_eq!(
            trade_department().parent.as_deref(),
            Some("UBND tỉnh Quảng Ngãi")
        );
    }

    #[test]
    fn a_registration_gives_the_first_certificate() {
        let cert = registration_certificate(
            &registration(),
            "051185012345",
            on(2026, 11, 24),
            signer(),
            "https://motcua.example/verify/abc".to_owned(),
        );
        assert_eq!(cert.name, "Hộ kinh doanh Bánh mì Cô Ba");
        assert_eq!(cert.foreign_name.as_deref(), Some("Co Ba Bakery"));
        assert_eq!(cert.registration.first_on, on(2026, 11, 24));
        assert_eq!(cert.registration.change, None);
        assert_eq!(cert.seat.street, "12 Lê Lợi");
        assert_eq!(cert.seat.commune, "Phường Cẩm Thành");
        assert_eq!(cert.seat.province, "Tỉnh Quảng Ngãi");
        assert_eq!(cert.business_lines.len(), 2);
        assert!(cert.business_lines[0].main);
        assert_eq!(cert.owner.id_number, "051185012345");
        assert!(cert.members.is_empty(), "an individual founder");
        assert_eq!(cert.capital, crate::Vnd::new(150_000_000));
    }

    #[test]
    fn a_change_replaces_what_it_fills_and_counts_up() {
        let first = registration_certificate(
            &registration(),
            "051185012345",
            on(2026, 11, 24),
            signer(),
            "u1".to_owned(),
        );
        let lines = change(&json!({
            "change_capital": {"capital": "200.000.000", "changed_on": "2026-11-20", "method": "increase"},
            "change_lines": {"add": [{"name": "Bán lẻ đồ uống", "code": "4723"}],
                             "remove": [{"name": "Dịch vụ ăn uống"}], "main_code": "4723"},
        }));
        assert!(change_needs_certificate(&lines));
        let second = changed_certificate(&first, &lines, on(2027, 1, 5), signer(), "u2".to_owned());
        assert_eq!(second.registration.first_on, on(2026, 11, 24));
        assert_eq!(second.registration.change, Some((1, on(2027, 1, 5))));
        assert_eq!(second.capital, crate::Vnd::new(200_000_000));
        let codes: Vec<(Option<&str>, bool)> = second
            .business_lines
            .iter()
            .map(|l| (l.code.as_deref(), l.main))
            .collect();
        assert_eq!(codes, [(Some("4721"), false), (Some("4723"), true)]);
        assert_eq!(second.verify_url, "u2");
        assert_eq!(second.name, first.name, "the name did not change");

        let renamed =
            change(&json!({"change_name": {"vietnamese": "Hộ kinh doanh Bánh mì Ba Tư"}}));
        let third =
            changed_certificate(&second, &renamed, on(2027, 2, 1), signer(), "u3".to_owned());
        assert_eq!(third.name, "Hộ kinh doanh Bánh mì Ba Tư");
        assert_eq!(third.foreign_name, None, "the names are replaced together");
        assert_eq!(third.registration.change, Some((2, on(2027, 2, 1))));

        let tax_only = change(&json!({"change_tax": {"items": [
            {"indicator": "Địa chỉ nhận thông báo thuế", "old": "12 Lê Lợi", "new": "14 Lê Lợi"}
        ]}}));
        assert!(
            !change_needs_certificate(&tax_only),
            "art. 100.1.g: the database only"
        );
    }
}
