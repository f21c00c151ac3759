//! Thông báo thực hiện khuyến mại — Mẫu số 01, Phụ lục NĐ 81/2018/NĐ-CP; the notice duty of NĐ 81/2018
//! art. 17 as amended by NĐ 128/2024/NĐ-CP (PROMOTION-NOTICE.md, which supersedes LEGAL-FACTS §2.3–2.4).
//!
//! First question: does the programme need a notice at all? [`notice_requirement`] answers it from dated
//! rules ([`NOTICE_RULES`]): since 01/12/2024 only contest entries (art. 12) and loyalty programmes (art. 14)
//! are notified, only when prizes and gifts total at least 100,000,000 VND and the trader does not sell and
//! promote solely through e-commerce; lucky draws (art. 13) are registered instead. What NĐ 239/2026 did to
//! art. 17 was not verified (PROMOTION-NOTICE.md §6): the rules are data so they can be corrected.
//!
//! Draft keys: `trader` {`name`, `address`, `phone`, `fax`, `email`, `tax_code`, `contact_name`,
//! `contact_phone`}, `programme_name`, `provinces` [names], `forms` [[`PromotionForm`]], `start`, `end`,
//! `promoted_goods`, `promotional_goods`, `customers`, `prize_structure`, `total_value`, `promoted_value`
//! (optional, for the 50 % cap), `rules` (text) or an attachment of kind `promotion_rules`,
//! `co_organisers`, `sold_only_online` (bool), `concentrated_programme` (bool), `attachments`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    Context,
    common::{Fields, choice},
};
use crate::{
    Email, Lang, MaSoThue, SoDienThoai, Vnd,
    attachments::{self, Attachment, DocumentKind},
    text::fold,
    validation::{Citation, Errors, FieldError, MessageKey},
};

/// A form of promotion (Luật Thương mại 2005 art. 92; NĐ 81/2018 arts. 8–14).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PromotionForm {
    /// Hàng mẫu, dịch vụ mẫu dùng thử (art. 8).
    Samples,
    /// Tặng hàng hóa, dịch vụ kèm theo việc mua (art. 9.1).
    GiftWithPurchase,
    /// Tặng hàng hóa, dịch vụ không kèm theo việc mua (art. 9.2).
    GiftWithoutPurchase,
    /// Giảm giá (art. 10).
    Discount,
    /// Phiếu mua hàng, phiếu sử dụng dịch vụ (art. 11).
    Voucher,
    /// Phiếu dự thi (art. 12).
    ContestEntry,
    /// Chương trình mang tính may rủi (art. 13).
    LuckyDraw,
    /// Chương trình khách hàng thường xuyên (art. 14).
    Loyalty,
    /// Chương trình văn hóa, nghệ thuật, giải trí, sự kiện (Luật TM art. 92.8).
    Event,
    /// Hình thức khác được chấp thuận (Luật TM art. 92.9).
    Other,
}

impl PromotionForm {
    /// Every form, in the order of the law.
    pub const ALL: [Self; 10] = [
        Self::Samples,
        Self::GiftWithPurchase,
        Self::GiftWithoutPurchase,
        Self::Discount,
        Self::Voucher,
        Self::ContestEntry,
        Self::LuckyDraw,
        Self::Loyalty,
        Self::Event,
        Self::Other,
    ];

    /// The article that governs it.
    #[must_use]
    pub const fn article(self) -> Citation {
        match self {
            Self::Samples => "NĐ 81/2018 art. 8",
            Self::GiftWithPurchase => "NĐ 81/2018 art. 9.1",
            Self::GiftWithoutPurchase => "NĐ 81/2018 art. 9.2",
            Self::Discount => "NĐ 81/2018 art. 10",
            Self::Voucher => "NĐ 81/2018 art. 11",
            Self::ContestEntry => "NĐ 81/2018 art. 12",
            Self::LuckyDraw => "NĐ 81/2018 art. 13",
            Self::Loyalty => "NĐ 81/2018 art. 14",
            Self::Event => "Luật Thương mại 2005 art. 92.8",
            Self::Other => "Luật Thương mại 2005 art. 92.9",
        }
    }

    /// The form's name.
    #[must_use]
    pub const fn name(self, lang: Lang) -> &'static str {
        match self {
            Self::Samples => lang.pick("Đưa hàng mẫu, dịch vụ mẫu để dùng thử", "Free samples"),
            Self::GiftWithPurchase => lang.pick(
                "Tặng hàng hóa, dịch vụ kèm theo việc mua",
                "Gift with purchase",
            ),
            Self::GiftWithoutPurchase => lang.pick(
                "Tặng hàng hóa, dịch vụ không kèm việc mua",
                "Gift without purchase",
            ),
            Self::Discount => lang.pick("Bán hàng, cung ứng dịch vụ giảm giá", "Discount"),
            Self::Voucher => lang.pick("Kèm phiếu mua hàng, phiếu sử dụng dịch vụ", "Vouchers"),
            Self::ContestEntry => lang.pick("Kèm phiếu dự thi", "Contest entry forms"),
            Self::LuckyDraw => lang.pick("Chương trình mang tính may rủi", "Lucky draw"),
            Self::Loyalty => lang.pick("Chương trình khách hàng thường xuyên", "Loyalty programme"),
            Self::Event => lang.pick(
                "Chương trình văn hóa, nghệ thuật, giải trí, sự kiện",
                "Cultural, artistic or entertainment event",
            ),
            Self::Other => lang.pick("Hình thức khác được chấp thuận", "Other approved form"),
        }
    }

    /// Whether the 50 % value caps do not apply (NĐ 81/2018 art. 6 as amended; TT 39/2025/TT-BCT art. 3).
    #[must_use]
    pub const fn exempt_from_value_cap(self) -> bool {
        matches!(
            self,
            Self::Samples
                | Self::GiftWithoutPurchase
                | Self::ContestEntry
                | Self::LuckyDraw
                | Self::Loyalty
                | Self::Event
                | Self::Other
        )
    }
}

/// One dated version of the notice duty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoticeRule {
    /// First day it applies.
    pub from: (i32, u32, u32),
    /// Forms that must be notified.
    pub notified: &'static [PromotionForm],
    /// Programmes whose prizes and gifts total less than this are exempt (art. 17.2.a).
    pub threshold: Vnd,
    /// The legal basis.
    pub citation: Citation,
}

/// The notice duty over time, newest last.
pub const NOTICE_RULES: [NoticeRule; 2] = [
    NoticeRule {
        from: (2018, 7, 15),
        notified: &[
            PromotionForm::Samples,
            PromotionForm::GiftWithPurchase,
            PromotionForm::GiftWithoutPurchase,
            PromotionForm::Discount,
            PromotionForm::Voucher,
            PromotionForm::ContestEntry,
            PromotionForm::Loyalty,
            PromotionForm::Event,
        ],
        threshold: Vnd::new(100_000_000),
        citation: "NĐ 81/2018 art. 17",
    },
    NoticeRule {
        from: (2024, 12, 1),
        notified: &[PromotionForm::ContestEntry, PromotionForm::Loyalty],
        threshold: Vnd::new(100_000_000),
        citation: "NĐ 81/2018 art. 17, amended by NĐ 128/2024 art. 1.3",
    },
];

fn rule_on(on: NaiveDate) -> &'static NoticeRule {
    NOTICE_RULES
        .iter()
        .rev()
        .find(|r| {
            NaiveDate::from_ymd_opt(r.from.0, r.from.1, r.from.2).is_some_and(|from| from <= on)
        })
        .unwrap_or(&NOTICE_RULES[0])
}

/// The answer to "do I need to notify?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum NoticeRequirement {
    /// Notify every provincial Sở Công Thương where it runs, at least 3 working days before the start.
    Required {
        /// The legal basis.
        citation: String,
    },
    /// A lucky draw: register it instead (art. 19).
    RegistrationRequired {
        /// The legal basis.
        citation: String,
    },
    /// No notice is needed.
    NotRequired {
        /// Why, for the trader.
        reason: NoNoticeReason,
        /// The legal basis.
        citation: String,
    },
}

/// Why no notice is needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoNoticeReason {
    /// None of the forms is one that must be notified.
    FormNotNotified,
    /// Prizes and gifts total less than 100,000,000 VND (art. 17.2.a).
    BelowThreshold,
    /// The trader sells and promotes only through e-commerce (art. 17.2.b).
    OnlyEcommerce,
}

impl NoNoticeReason {
    /// A plain sentence for the trader.
    #[must_use]
    pub const fn explain(self, lang: Lang) -> &'static str {
        match self {
            Self::FormNotNotified => lang.pick(
                "từ ngày 01/12/2024 chỉ phải thông báo chương trình kèm phiếu dự thi hoặc chương trình khách hàng thường xuyên; giảm giá, hàng mẫu, tặng quà, phiếu mua hàng và sự kiện không phải thông báo.",
                "since 1 December 2024 only contest-entry and loyalty programmes are notified; discounts, samples, gifts, vouchers and events are not.",
            ),
            Self::BelowThreshold => lang.pick(
                "tổng giá trị giải thưởng, quà tặng dưới 100.000.000 đồng.",
                "the prizes and gifts total less than 100,000,000 VND.",
            ),
            Self::OnlyEcommerce => lang.pick(
                "thương nhân chỉ bán hàng và khuyến mại qua sàn giao dịch thương mại điện tử, website khuyến mại trực tuyến.",
                "the trader sells and promotes only through an e-commerce platform or online promotion website.",
            ),
        }
    }
}

/// Whether a programme needs a notice to the Sở Công Thương, under the rules in force on `on`.
#[must_use]
pub fn notice_requirement(
    forms: &[PromotionForm],
    total_value: Vnd,
    sold_only_online: bool,
    on: NaiveDate,
) -> NoticeRequirement {
    if forms.contains(&PromotionForm::LuckyDraw) {
        return NoticeRequirement::RegistrationRequired {
            citation: "NĐ 81/2018 art. 19".to_owned(),
        };
    }
    let rule = rule_on(on);
    let citation = rule.citation.to_owned();
    if !forms.iter().any(|f| rule.notified.contains(f)) {
        return NoticeRequirement::NotRequired {
            reason: NoNoticeReason::FormNotNotified,
            citation,
        };
    }
    if total_value < rule.threshold {
        return NoticeRequirement::NotRequired {
            reason: NoNoticeReason::BelowThreshold,
            citation: format!("{citation}; art. 17.2.a"),
        };
    }
    if sold_only_online {
        return NoticeRequirement::NotRequired {
            reason: NoNoticeReason::OnlyEcommerce,
            citation: format!("{citation}; art. 17.2.b"),
        };
    }
    NoticeRequirement::Required { citation }
}

/// The lead time of a notice, in working days (NĐ 81/2018 art. 17).
pub const NOTICE_LEAD_WORKING_DAYS: u32 = 3;
/// The ordinary cap on promotional value and on discounts, percent (TT 39/2025/TT-BCT arts. 3–4).
pub const CAP_PERCENT: u64 = 50;
/// The cap inside concentrated programmes and programmes decided by the Prime Minister.
pub const CONCENTRATED_CAP_PERCENT: u64 = 100;
/// Days a year one brand may be sold at a discount (NĐ 81/2018 art. 10).
pub const MAX_DISCOUNT_DAYS_PER_YEAR: u32 = 120;
const CAP_CITATION: Citation = "TT 39/2025/TT-BCT art. 3";

/// Checks the total value of promotional goods against the promoted goods' value: at most 50 %
/// (100 % in a concentrated programme), unless every form is exempt from the cap.
#[must_use]
pub fn value_cap_exceeded(
    forms: &[PromotionForm],
    promotional_value: Vnd,
    promoted_value: Vnd,
    concentrated: bool,
) -> Option<u64> {
    if forms.iter().all(|f| f.exempt_from_value_cap()) {
        return None;
    }
    let cap = if concentrated {
        CONCENTRATED_CAP_PERCENT
    } else {
        CAP_PERCENT
    };
    let limit = u128::from(promoted_value.dong()) * u128::from(cap);
    (u128::from(promotional_value.dong()) * 100 > limit).then_some(cap)
}

/// Checks a discount rate (percent of the price just before the promotion): at most 50 %, 100 % in a
/// concentrated or Prime-Minister programme, no cap for price-stabilised goods, fresh food or liquidation
/// (TT 39/2025/TT-BCT art. 4). Returns the cap exceeded.
#[must_use]
pub fn discount_cap_exceeded(
    percent: u64,
    concentrated: bool,
    uncapped_goods: bool,
) -> Option<u64> {
    if uncapped_goods {
        return None;
    }
    let cap = if concentrated {
        CONCENTRATED_CAP_PERCENT
    } else {
        CAP_PERCENT
    };
    (percent > cap).then_some(cap)
}

/// Whether a brand's discount days this year stay within 120 (NĐ 81/2018 art. 10).
#[must_use]
pub const fn discount_days_within_limit(days_this_year: u32) -> bool {
    days_this_year <= MAX_DISCOUNT_DAYS_PER_YEAR
}

/// The 34 provinces and centrally-run cities since 01/7/2025 (Nghị quyết 202/2025/QH15).
pub const PROVINCES: [&str; 34] = [
    "Hà Nội",
    "Huế",
    "Lai Châu",
    "Điện Biên",
    "Sơn La",
    "Lạng Sơn",
    "Quảng Ninh",
    "Thanh Hóa",
    "Nghệ An",
    "Hà Tĩnh",
    "Cao Bằng",
    "Tuyên Quang",
    "Lào Cai",
    "Thái Nguyên",
    "Phú Thọ",
    "Bắc Ninh",
    "Hưng Yên",
    "Hải Phòng",
    "Ninh Bình",
    "Quảng Trị",
    "Đà Nẵng",
    "Quảng Ngãi",
    "Gia Lai",
    "Khánh Hòa",
    "Lâm Đồng",
    "Đắk Lắk",
    "Hồ Chí Minh",
    "Đồng Nai",
    "Tây Ninh",
    "Cần Thơ",
    "Vĩnh Long",
    "Đồng Tháp",
    "Cà Mau",
    "An Giang",
];

/// The province named, matched accent- and case-insensitively, with "Tỉnh"/"Thành phố"/"TP" allowed.
#[must_use]
pub fn find_province(raw: &str) -> Option<&'static str> {
    let q = fold(raw);
    let q = ["tinh ", "thanh pho ", "tp "]
        .iter()
        .find_map(|p| q.strip_prefix(p))
        .unwrap_or(&q);
    PROVINCES.iter().copied().find(|p| fold(p) == q)
}

/// The trader block of Mẫu 01.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trader {
    /// Tên thương nhân.
    pub name: String,
    /// Địa chỉ trụ sở chính.
    pub address: String,
    /// Điện thoại.
    pub phone: SoDienThoai,
    /// Fax.
    pub fax: Option<SoDienThoai>,
    /// Email.
    pub email: Option<Email>,
    /// Mã số thuế (an HKD trader gives its HKD code).
    pub tax_code: MaSoThue,
    /// Người liên hệ.
    pub contact_name: String,
    /// Điện thoại người liên hệ.
    pub contact_phone: SoDienThoai,
}

/// A notice that passed every rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromotionNotice {
    /// The trader.
    pub trader: Trader,
    /// 1. Tên chương trình khuyến mại.
    pub programme_name: String,
    /// 2. Địa bàn khuyến mại (provinces).
    pub provinces: Vec<String>,
    /// 3. Hình thức khuyến mại.
    pub forms: Vec<PromotionForm>,
    /// 4. Thời gian khuyến mại: start.
    pub start: NaiveDate,
    /// 4. Thời gian khuyến mại: end.
    pub end: NaiveDate,
    /// 5. Hàng hóa, dịch vụ được khuyến mại.
    pub promoted_goods: String,
    /// 6. Hàng hóa, dịch vụ dùng để khuyến mại.
    pub promotional_goods: Option<String>,
    /// 7. Khách hàng của chương trình.
    pub customers: String,
    /// 8. Cơ cấu giải thưởng.
    pub prize_structure: String,
    /// 8. Tổng giá trị giải thưởng, quà tặng.
    pub total_value: Vnd,
    /// 8. The same in words.
    pub total_value_in_words: String,
    /// 9. Nội dung chi tiết thể lệ (or an attached document).
    pub rules: Option<String>,
    /// 10. Thương nhân cùng thực hiện.
    pub co_organisers: Option<String>,
    /// The last day the Sở may receive it.
    pub latest_receipt: NaiveDate,
    /// The attached files.
    pub attachments: Vec<Attachment>,
}

const FORM: Citation = "NĐ 81/2018 Mẫu 01";
const ART17: Citation = "NĐ 81/2018 art. 17";

fn trader(errors: &mut Errors, f: &Fields<'_>) -> Option<Trader> {
    let Some(t) = f.object("trader", "trader") else {
        errors.push(FieldError::new("trader", MessageKey::Required, Some(FORM)));
        return None;
    };
    let name = errors.text("trader.name", t.str("name").as_deref(), 200, Some(FORM));
    let address = errors.text(
        "trader.address",
        t.str("address").as_deref(),
        300,
        Some(FORM),
    );
    let phone = errors.required(
        "trader.phone",
        t.str("phone").as_deref(),
        SoDienThoai::parse,
        Some(FORM),
    );
    let fax = errors.optional(
        "trader.fax",
        t.str("fax").as_deref(),
        SoDienThoai::parse,
        Some(FORM),
    );
    let email = errors.optional(
        "trader.email",
        t.str("email").as_deref(),
        Email::parse,
        Some(FORM),
    );
    let tax_code = errors.required(
        "trader.tax_code",
        t.str("tax_code").as_deref(),
        MaSoThue::parse,
        Some(FORM),
    );
    let contact_name = errors.text(
        "trader.contact_name",
        t.str("contact_name").as_deref(),
        100,
        Some(FORM),
    );
    let contact_phone = errors.required(
        "trader.contact_phone",
        t.str("contact_phone").as_deref(),
        SoDienThoai::parse,
        Some(FORM),
    );
    Some(Trader {
        name: name?,
        address: address?,
        phone: phone?,
        fax: fax?,
        email: email?,
        tax_code: tax_code?,
        contact_name: contact_name?,
        contact_phone: contact_phone?,
    })
}

/// Builds the strict notice from a draft, judged on `ctx.today` (the day the Sở would receive it).
///
/// # Errors
/// Every field that breaks a rule, including "no notice is needed" when the checker says so.
pub fn from_draft(draft: &Value, ctx: &Context<'_>) -> Result<PromotionNotice, Vec<FieldError>> {
    let f = Fields::root(draft);
    let mut errors = Errors::new();
    let trader = trader(&mut errors, &f);
    let programme_name = errors.text(
        "programme_name",
        f.str("programme_name").as_deref(),
        300,
        Some(FORM),
    );
    let raw_provinces = f.strings("provinces");
    let mut provinces = Vec::new();
    if raw_provinces.is_empty() {
        errors.push(FieldError::new(
            "provinces",
            MessageKey::ListEmpty,
            Some(ART17),
        ));
    }
    for (i, raw) in raw_provinces.iter().enumerate() {
        match find_province(raw) {
            Some(p) if !provinces.contains(&p.to_owned()) => provinces.push(p.to_owned()),
            Some(p) => errors.push(
                FieldError::new(
                    format!("provinces[{i}]"),
                    MessageKey::Duplicate,
                    Some(ART17),
                )
                .with("value", p),
            ),
            None => errors.push(
                FieldError::new(
                    format!("provinces[{i}]"),
                    MessageKey::InvalidChoice,
                    Some("NQ 202/2025/QH15"),
                )
                .with("value", raw),
            ),
        }
    }
    if !raw_provinces.is_empty() && !provinces.iter().any(|p| p == "Quảng Ngãi") {
        errors.push(FieldError::new(
            "provinces",
            MessageKey::QuangNgaiNotIncluded,
            Some(ART17),
        ));
    }
    let raw_forms = f.list("forms");
    if raw_forms.is_empty() {
        errors.push(FieldError::new("forms", MessageKey::ListEmpty, Some(FORM)));
    }
    let forms: Vec<PromotionForm> = raw_forms
        .iter()
        .enumerate()
        .filter_map(|(i, v)| {
            choice(
                &mut errors,
                &format!("forms[{i}]"),
                v.as_str(),
                Some("Luật Thương mại 2005 art. 92"),
            )
        })
        .collect();
    let start = errors.date("start", f.str("start").as_deref(), Some(FORM));
    let end = errors.date("end", f.str("end").as_deref(), Some(FORM));
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        errors.push(FieldError::new("end", MessageKey::DateOrder, Some(FORM)));
    }
    let promoted_goods = errors.text(
        "promoted_goods",
        f.str("promoted_goods").as_deref(),
        2000,
        Some(FORM),
    );
    let promotional_goods = errors.optional_text(
        "promotional_goods",
        f.str("promotional_goods").as_deref(),
        2000,
        Some(FORM),
    );
    let customers = errors.text("customers", f.str("customers").as_deref(), 1000, Some(FORM));
    let prize_structure = errors.text(
        "prize_structure",
        f.str("prize_structure").as_deref(),
        5000,
        Some(FORM),
    );
    let total_value = errors.required(
        "total_value",
        f.str("total_value").as_deref(),
        Vnd::parse,
        Some(FORM),
    );
    let promoted_value = errors.optional(
        "promoted_value",
        f.str("promoted_value").as_deref(),
        Vnd::parse,
        Some(CAP_CITATION),
    );
    let rules = errors.optional_text("rules", f.str("rules").as_deref(), 20_000, Some(FORM));
    let co_organisers = errors.optional_text(
        "co_organisers",
        f.str("co_organisers").as_deref(),
        1000,
        Some(FORM),
    );
    let files = attachments::read(draft, &mut errors);
    for e in attachments::check(&files, &[]) {
        errors.push(e);
    }
    if rules == Some(None) && !files.iter().any(|a| a.kind == DocumentKind::PromotionRules) {
        errors.push(FieldError::new("rules", MessageKey::Required, Some(FORM)));
    }
    let concentrated = f.flag("concentrated_programme");
    if let (Some(total), Some(Some(promoted))) = (total_value, promoted_value)
        && let Some(cap) = value_cap_exceeded(&forms, total, promoted, concentrated)
    {
        errors.push(
            FieldError::new("total_value", MessageKey::ValueCap, Some(CAP_CITATION))
                .with("percent", cap),
        );
    }
    if let Some(total) = total_value
        && forms.len() == raw_forms.len()
        && !forms.is_empty()
    {
        match notice_requirement(&forms, total, f.flag("sold_only_online"), ctx.today) {
            NoticeRequirement::Required { .. } => {}
            NoticeRequirement::RegistrationRequired { citation } => errors.push(FieldError {
                citation: Some(citation),
                ..FieldError::new("forms", MessageKey::RegistrationInstead, None)
            }),
            NoticeRequirement::NotRequired { reason, citation } => errors.push(FieldError {
                citation: Some(citation),
                ..FieldError::new("forms", MessageKey::NoticeNotRequired, None)
                    .with("reason", reason.explain(Lang::Vi))
            }),
        }
    }
    let latest_receipt =
        start.map(|s| ctx.calendar.latest_notice_date(s, NOTICE_LEAD_WORKING_DAYS));
    if let Some(latest) = latest_receipt
        && ctx.today > latest
    {
        errors.push(
            FieldError::new("start", MessageKey::NoticeTooLate, Some(ART17))
                .with("latest", latest.format("%d/%m/%Y")),
        );
    }
    let value = (|| {
        let total_value = total_value?;
        Some(PromotionNotice {
            trader: trader?,
            programme_name: programme_name?,
            provinces,
            forms,
            start: start?,
            end: end?,
            promoted_goods: promoted_goods?,
            promotional_goods: promotional_goods?,
            customers: customers?,
            prize_structure: prize_structure?,
            total_value,
            total_value_in_words: total_value.in_words(Lang::Vi),
            rules: rules?,
            co_organisers: co_organisers?,
            latest_receipt: latest_receipt?,
            attachments: files,
        })
    })();
    errors.finish(value)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn the_notice_checker_follows_the_dated_rules() {
        let today = d(2026, 11, 23);
        let big = Vnd::new(100_000_000);
        use NoNoticeReason as R;
        use PromotionForm as F;
        let cases = [
            (vec![F::ContestEntry], big, false, "required"),
            (vec![F::Loyalty, F::Discount], big, false, "required"),
            (vec![F::Discount], big, false, "not: form"),
            (
                vec![F::GiftWithPurchase, F::Voucher],
                big,
                false,
                "not: form",
            ),
            (
                vec![F::ContestEntry],
                Vnd::new(99_999_999),
                false,
                "not: threshold",
            ),
            (vec![F::Loyalty], big, true, "not: online"),
            (
                vec![F::LuckyDraw, F::ContestEntry],
                big,
                false,
                "registration",
            ),
        ];
        for (forms, value, online, expected) in cases {
            let answer = notice_requirement(&forms, value, online, today);
            let got = match answer {
                NoticeRequirement::Required { .. } => "required",
                NoticeRequirement::RegistrationRequired { .. } => "registration",
                NoticeRequirement::NotRequired {
                    reason: R::FormNotNotified,
                    ..
                } => "not: form",
                NoticeRequirement::NotRequired {
                    reason: R::BelowThreshold,
                    ..
                } => "not: threshold",
                NoticeRequirement::NotRequired {
                    reason: R::OnlyEcommerce,
                    ..
                } => "not: online",
            };
            assert_eq!(got, expected, "{forms:?} {value} online={online}");
        }
        // Before NĐ 128/2024 a discount worth 100 million needed a notice.
        assert!(matches!(
            notice_requirement(&[F::Discount], big, false, d(2024, 11, 30)),
            NoticeRequirement::Required { .. }
        ));
    }

    #[test]
    fn caps_and_discount_limits() {
        use PromotionForm as F;
        let v = Vnd::new;
        assert_eq!(
            value_cap_exceeded(&[F::GiftWithPurchase], v(51), v(100), false),
            Some(50)
        );
        assert_eq!(
            value_cap_exceeded(&[F::GiftWithPurchase], v(50), v(100), false),
            None
        );
        assert_eq!(
            value_cap_exceeded(&[F::GiftWithPurchase], v(90), v(100), true),
            None
        );
        assert_eq!(
            value_cap_exceeded(&[F::Loyalty, F::ContestEntry], v(500), v(100), false),
            None
        );
        assert_eq!(discount_cap_exceeded(60, false, false), Some(50));
        assert_eq!(discount_cap_exceeded(60, true, false), None);
        assert_eq!(discount_cap_exceeded(90, false, true), None);
        assert!(discount_days_within_limit(120));
        assert!(!discount_days_within_limit(121));
    }

    #[test]
    fn provinces_match_without_accents() {
        assert_eq!(find_province("quang ngai"), Some("Quảng Ngãi"));
        assert_eq!(find_province("TP Hồ Chí Minh"), Some("Hồ Chí Minh"));
        assert_eq!(find_province("Tỉnh Khánh Hoà"), Some("Khánh Hòa"));
        assert_eq!(
            find_province("Kon Tum"),
            None,
            "merged into Quảng Ngãi on 01/7/2025"
        );
    }

    fn valid() -> Value {
        json!({
            "trader": {"name": "Công ty TNHH Thương mại Sa Huỳnh", "address": "12 Lê Lợi, Phường Cẩm Thành, Tỉnh Quảng Ngãi",
                       "phone": "02553822222", "tax_code": "0100109106", "contact_name": "Lê Văn Năm",
                       "contact_phone": "0912345678"},
            "programme_name": "Tích điểm đổi quà 2027",
            "provinces": ["Quảng Ngãi", "Đà Nẵng"],
            "forms": ["loyalty"],
            "start": "2027-01-04",
            "end": "2027-06-30",
            "promoted_goods": "Nước mắm Sa Huỳnh",
            "customers": "Khách hàng có thẻ thành viên",
            "prize_structure": "Đổi 100 điểm lấy 1 chai nước mắm 500 ml",
            "total_value": "150.000.000",
            "rules": "Mỗi 10.000 đồng mua hàng được 1 điểm."
        })
    }

    #[test]
    fn a_loyalty_programme_above_the_threshold_is_notified() {
        let ctx = Context::on(d(2026, 11, 23));
        let notice = from_draft(&valid(), &ctx).expect("valid");
        assert_eq!(notice.total_value_in_words, "Một trăm năm mươi triệu đồng");
        // Start Monday 04/01/2027 (Friday 01/01 a holiday): Tue 29, Wed 30 and Thu 31/12 must lie in between.
        assert_eq!(notice.latest_receipt, d(2026, 12, 28));
    }

    #[test]
    fn a_discount_is_refused_plainly_with_the_reason_and_basis() {
        let ctx = Context::on(d(2026, 11, 23));
        let mut draft = valid();
        draft["forms"] = json!(["discount"]);
        let errors = from_draft(&draft, &ctx).expect_err("no notice needed");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].key, MessageKey::NoticeNotRequired);
        assert!(errors[0].message(Lang::Vi).contains("giảm giá"));
        assert!(
            errors[0]
                .citation
                .as_deref()
                .is_some_and(|c| c.contains("128/2024"))
        );
    }

    #[test]
    fn a_late_notice_and_a_missing_province_are_reported_together() {
        let ctx = Context::on(d(2026, 12, 31));
        let mut draft = valid();
        draft["provinces"] = json!(["Đà Nẵng", "Kon Tum"]);
        let errors = from_draft(&draft, &ctx).expect_err("late");
        let keys: Vec<MessageKey> = errors.iter().map(|e| e.key).collect();
        assert_eq!(
            keys,
            [
                MessageKey::InvalidChoice,
                MessageKey::QuangNgaiNotIncluded,
                MessageKey::NoticeTooLate
            ]
        );
        assert_eq!(
            errors[2].params.get("latest").map(String::as_str),
            Some("28/12/2026")
        );
    }
}
