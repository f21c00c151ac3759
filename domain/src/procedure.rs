//! The four procedures that Quảng Ngãi accepts online only, with the facts a citizen needs before starting:
//! who decides, how long it takes, what to prepare and the legal basis (`LEGAL-FACTS.md` §2–§5).

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

use crate::Lang;

/// One of the four procedures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Procedure {
    /// Thông báo hoạt động khuyến mại (NĐ 81/2018 as amended; Sở Công Thương).
    PromotionNotice,
    /// Đăng ký thành lập hộ kinh doanh (NĐ 168/2025 art. 99; TT 68/2025 PL II Mẫu 1).
    HkdRegistration,
    /// Đăng ký thay đổi nội dung đăng ký hộ kinh doanh (NĐ 168/2025 art. 100; Mẫu 2).
    HkdChange,
    /// Chấm dứt hoạt động hộ kinh doanh (NĐ 168/2025 art. 104; Mẫu 4).
    HkdTermination,
}

/// Who receives and decides a procedure's dossiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Authority {
    /// Sở Công Thương tỉnh Quảng Ngãi.
    ProvincialTradeDepartment,
    /// The commune-level business-registration office (NĐ 168/2025 art. 20.2), any of the province's
    /// 96 communes; the commune of the seat decides (art. 88.2).
    CommuneRegistrationOffice,
}

/// How long the office has to decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "days")]
pub enum ProcessingTime {
    /// The office only receives the dossier; there is no decision and no result document.
    ReceiptOnly,
    /// A number of working days counted from receipt.
    WorkingDays(u8),
}

/// A legal text cited as the basis of a procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct LegalRef {
    /// Short citation, e.g. `NĐ 168/2025/NĐ-CP art. 99`.
    pub citation: &'static str,
    /// What the text is, in Vietnamese.
    pub title_vi: &'static str,
    /// What the text is, in English.
    pub title_en: &'static str,
}

/// A document the applicant prepares, and when it is needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Requirement {
    /// The document, in Vietnamese.
    pub vi: &'static str,
    /// The document, in English.
    pub en: &'static str,
}

impl Requirement {
    /// The requirement in the reader's language.
    #[must_use]
    pub const fn text(&self, lang: Lang) -> &'static str {
        lang.pick(self.vi, self.en)
    }
}

impl Procedure {
    /// The four procedures in the order the province lists them.
    pub const ALL: [Self; 4] = [
        Self::PromotionNotice,
        Self::HkdRegistration,
        Self::HkdChange,
        Self::HkdTermination,
    ];

    /// The URL segment of the procedure's page (`/thu-tuc/{slug}`), stable and without diacritics.
    #[must_use]
    pub const fn slug(self) -> &'static str {
        match self {
            Self::PromotionNotice => "thong-bao-khuyen-mai",
            Self::HkdRegistration => "dang-ky-ho-kinh-doanh",
            Self::HkdChange => "thay-doi-ho-kinh-doanh",
            Self::HkdTermination => "cham-dut-ho-kinh-doanh",
        }
    }

    /// The procedure's official name.
    #[must_use]
    pub const fn name(self, lang: Lang) -> &'static str {
        match self {
            Self::PromotionNotice => {
                lang.pick("Thông báo hoạt động khuyến mại", "Notice of a promotion")
            }
            Self::HkdRegistration => lang.pick(
                "Đăng ký thành lập hộ kinh doanh",
                "Registration of a household business",
            ),
            Self::HkdChange => lang.pick(
                "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh",
                "Change of a household business's registration",
            ),
            Self::HkdTermination => lang.pick(
                "Chấm dứt hoạt động hộ kinh doanh",
                "Termination of a household business",
            ),
        }
    }

    /// One sentence saying who files it and why.
    #[must_use]
    pub const fn summary(self, lang: Lang) -> &'static str {
        match self {
            Self::PromotionNotice => lang.pick(
                "Thương nhân thông báo với Sở Công Thương trước khi thực hiện chương trình khuyến mại bằng phiếu dự thi hoặc chương trình khách hàng thường xuyên có tổng giá trị giải thưởng từ 100 triệu đồng.",
                "A trader notifies the Department of Industry and Trade before running a contest-entry or loyalty promotion whose prizes total 100 million VND or more.",
            ),
            Self::HkdRegistration => lang.pick(
                "Cá nhân hoặc các thành viên hộ gia đình đăng ký để được cấp Giấy chứng nhận đăng ký hộ kinh doanh.",
                "An individual or the members of a household register to receive a household-business registration certificate.",
            ),
            Self::HkdChange => lang.pick(
                "Hộ kinh doanh đăng ký khi thay đổi tên, trụ sở, chủ hộ, ngành nghề, vốn hoặc thông tin thuế (trong 10 ngày kể từ khi thay đổi).",
                "A household business registers a change of name, seat, owner, business lines, capital or tax details (within 10 days of the change).",
            ),
            Self::HkdTermination => lang.pick(
                "Chủ hộ kinh doanh hoặc người thừa kế thông báo chấm dứt hoạt động sau khi đã thanh toán hết các khoản nợ, kể cả nợ thuế.",
                "The owner, or an heir, gives notice that the household business stops, after all debts including taxes are paid.",
            ),
        }
    }

    /// Who receives and decides the dossier.
    #[must_use]
    pub const fn authority(self) -> Authority {
        match self {
            Self::PromotionNotice => Authority::ProvincialTradeDepartment,
            Self::HkdRegistration | Self::HkdChange | Self::HkdTermination => {
                Authority::CommuneRegistrationOffice
            }
        }
    }

    /// The time the office has, counted from receipt.
    #[must_use]
    pub const fn processing_time(self) -> ProcessingTime {
        match self {
            // The Sở only receives a promotion notice (LEGAL-FACTS §2.6).
            Self::PromotionNotice => ProcessingTime::ReceiptOnly,
            // NĐ 168/2025 art. 99.3 and art. 100: 03 working days from receipt.
            Self::HkdRegistration | Self::HkdChange => ProcessingTime::WorkingDays(3),
            // NĐ 168/2025 art. 104: the status changes within 05 working days from receipt.
            Self::HkdTermination => ProcessingTime::WorkingDays(5),
        }
    }

    /// What to prepare. The form itself is filled in motcua; the rest are attachments.
    #[must_use]
    pub const fn requirements(self) -> &'static [Requirement] {
        match self {
            Self::PromotionNotice => &[Requirement {
                vi: "Thông báo thực hiện khuyến mại (Mẫu 01, NĐ 81/2018/NĐ-CP) — điền ngay trên ứng dụng; kèm thể lệ chương trình nếu có.",
                en: "Notice of a promotion (Form 01, Decree 81/2018) — filled in the app; attach the programme rules if you have them as a document.",
            }],
            Self::HkdRegistration => &[
                Requirement {
                    vi: "Giấy đề nghị đăng ký hộ kinh doanh (Mẫu 1, Phụ lục II Thông tư 68/2025/TT-BTC) — điền ngay trên ứng dụng.",
                    en: "Application for household-business registration (Form 1, Annex II, Circular 68/2025) — filled in the app.",
                },
                Requirement {
                    vi: "Nếu các thành viên hộ gia đình cùng thành lập: bản sao văn bản ủy quyền (có công chứng hoặc chứng thực) cho một thành viên làm chủ hộ.",
                    en: "If household members found it together: a copy of their notarised authorisation of one member as owner.",
                },
                Requirement {
                    vi: "Nếu người khác nộp thay: văn bản ủy quyền (không cần công chứng).",
                    en: "If someone else files for you: a written authorisation (no notarisation needed).",
                },
            ],
            Self::HkdChange => &[
                Requirement {
                    vi: "Giấy đề nghị đăng ký thay đổi nội dung đăng ký hộ kinh doanh (Mẫu 2, Phụ lục II Thông tư 68/2025/TT-BTC) — điền ngay trên ứng dụng.",
                    en: "Application for a change of registration (Form 2, Annex II, Circular 68/2025) — filled in the app.",
                },
                Requirement {
                    vi: "Giấy tờ kèm theo tùy nội dung thay đổi (ví dụ: hợp đồng tặng cho hoặc mua bán khi đổi chủ hộ) — ứng dụng sẽ chỉ rõ khi bạn chọn nội dung.",
                    en: "The papers each kind of change requires (for example the gift or sale contract when the owner changes) — the app lists them when you choose.",
                },
            ],
            Self::HkdTermination => &[
                Requirement {
                    vi: "Thông báo về việc chấm dứt hoạt động hộ kinh doanh (Mẫu 4, Phụ lục II Thông tư 68/2025/TT-BTC) — điền ngay trên ứng dụng.",
                    en: "Notice of termination (Form 4, Annex II, Circular 68/2025) — filled in the app.",
                },
                Requirement {
                    vi: "Nếu người thừa kế nộp: bản sao giấy chứng tử hoặc quyết định của Tòa án.",
                    en: "If an heir files: a copy of the death certificate or the court's decision.",
                },
            ],
        }
    }

    /// The legal basis, most specific first.
    #[must_use]
    pub const fn legal_basis(self) -> &'static [LegalRef] {
        const ND168: LegalRef = LegalRef {
            citation: "NĐ 168/2025/NĐ-CP",
            title_vi: "Nghị định về đăng ký doanh nghiệp và hộ kinh doanh",
            title_en: "Decree on enterprise and household-business registration",
        };
        const TT68: LegalRef = LegalRef {
            citation: "TT 68/2025/TT-BTC",
            title_vi: "Thông tư ban hành biểu mẫu đăng ký doanh nghiệp, hộ kinh doanh",
            title_en: "Circular issuing the registration forms",
        };
        match self {
            Self::PromotionNotice => &[
                LegalRef {
                    citation: "NĐ 81/2018/NĐ-CP art. 17",
                    title_vi: "Nghị định quy định chi tiết Luật Thương mại về hoạt động xúc tiến thương mại",
                    title_en: "Decree detailing the Commercial Law on trade promotion",
                },
                LegalRef {
                    citation: "NĐ 128/2024/NĐ-CP",
                    title_vi: "Nghị định sửa đổi, bổ sung Nghị định 81/2018/NĐ-CP",
                    title_en: "Decree amending Decree 81/2018",
                },
                LegalRef {
                    citation: "Luật Thương mại 2005 art. 92",
                    title_vi: "Các hình thức khuyến mại",
                    title_en: "Forms of promotion",
                },
            ],
            Self::HkdRegistration => &[
                LegalRef {
                    citation: "NĐ 168/2025/NĐ-CP art. 99",
                    ..ND168
                },
                TT68,
            ],
            Self::HkdChange => &[
                LegalRef {
                    citation: "NĐ 168/2025/NĐ-CP art. 100",
                    ..ND168
                },
                TT68,
            ],
            Self::HkdTermination => &[
                LegalRef {
                    citation: "NĐ 168/2025/NĐ-CP art. 104",
                    ..ND168
                },
                TT68,
            ],
        }
    }
}

impl Authority {
    /// The office's name.
    #[must_use]
    pub const fn name(self, lang: Lang) -> &'static str {
        match self {
            Self::ProvincialTradeDepartment => lang.pick(
                "Sở Công Thương tỉnh Quảng Ngãi",
                "Quảng Ngãi Department of Industry and Trade",
            ),
            Self::CommuneRegistrationOffice => lang.pick(
                "Cơ quan đăng ký kinh doanh cấp xã (xã, phường, đặc khu nơi đặt trụ sở)",
                "The commune business-registration office (of the commune, ward or special zone of the seat)",
            ),
        }
    }
}

impl ProcessingTime {
    /// A short phrase for the citizen.
    #[must_use]
    pub fn describe(self, lang: Lang) -> String {
        match (self, lang) {
            (Self::ReceiptOnly, Lang::Vi) => {
                "Không có thời hạn giải quyết: Sở tiếp nhận thông báo".into()
            }
            (Self::ReceiptOnly, Lang::En) => {
                "No decision: the Department acknowledges the notice".into()
            }
            (Self::WorkingDays(n), Lang::Vi) => {
                format!("{n:02} ngày làm việc kể từ khi nhận hồ sơ")
            }
            (Self::WorkingDays(n), Lang::En) => format!("{n} working days from receipt"),
        }
    }
}

impl fmt::Display for Procedure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

/// A slug that names none of the four procedures.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no procedure is called \"{0}\"")]
pub struct UnknownProcedure(pub String);

impl FromStr for Procedure {
    type Err = UnknownProcedure;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|p| p.slug() == s)
            .ok_or_else(|| UnknownProcedure(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_unique_and_round_trip() {
        for p in Procedure::ALL {
            assert_eq!(p.slug().parse(), Ok(p), "{p:?}");
            assert!(p.slug().is_ascii(), "{p:?} slug must be ASCII");
        }
        assert!("dang-ky".parse::<Procedure>().is_err());
    }

    #[test]
    fn every_procedure_has_names_requirements_and_a_legal_basis() {
        for p in Procedure::ALL {
            for lang in Lang::ALL {
                assert!(!p.name(lang).is_empty(), "{p:?} {lang:?}");
                assert!(!p.summary(lang).is_empty(), "{p:?} {lang:?}");
            }
            assert!(!p.requirements().is_empty(), "{p:?}");
            assert!(!p.legal_basis().is_empty(), "{p:?}");
        }
    }

    #[test]
    fn hkd_procedures_go_to_the_commune_and_promotions_to_the_department() {
        assert_eq!(
            Procedure::PromotionNotice.authority(),
            Authority::ProvincialTradeDepartment
        );
        assert_eq!(
            Procedure::HkdTermination.authority(),
            Authority::CommuneRegistrationOffice
        );
        assert_eq!(
            Procedure::HkdRegistration.processing_time(),
            ProcessingTime::WorkingDays(3)
        );
        assert_eq!(
            Procedure::HkdRegistration
                .processing_time()
                .describe(Lang::Vi),
            "03 ngày làm việc kể từ khi nhận hồ sơ"
        );
    }

    #[test]
    fn serialises_as_snake_case() {
        let json = serde_json::to_string(&Procedure::HkdChange).expect("serialise");
        assert_eq!(json, "\"hkd_change\"");
    }
}
