//! The steps of each official form. Paths are the draft keys each `domain::forms::*` module documents.

use domain::Procedure;
use serde_json::Value;

use super::{Field, FormSpec, Kind, Opt, Step, path};

const GENDERS: &[Opt] = &[
    Opt {
        value: "male",
        label: ("Nam", "Male"),
    },
    Opt {
        value: "female",
        label: ("Nữ", "Female"),
    },
];

const FOUNDERS: &[Opt] = &[
    Opt {
        value: "individual",
        label: ("Cá nhân", "An individual"),
    },
    Opt {
        value: "household",
        label: ("Các thành viên hộ gia đình", "Members of a household"),
    },
];

const VAT_METHODS: &[Opt] = &[
    Opt {
        value: "ke_khai",
        label: ("Kê khai", "Declaration"),
    },
    Opt {
        value: "khoan",
        label: ("Khoán", "Lump sum"),
    },
];

/// Who files an HKD dossier (`domain::forms::filer`): the owner, or an authorised person (NĐ 168/2025
/// art. 93); an heir only where the law allows (art. 100.1.c, 104.4).
const FILERS: &[Opt] = &[
    Opt {
        value: "owner",
        label: (
            "Chủ hộ kinh doanh (tôi nộp cho hộ của mình)",
            "The owner (I file for my own business)",
        ),
    },
    Opt {
        value: "authorised",
        label: (
            "Người được chủ hộ ủy quyền (đính kèm văn bản ủy quyền)",
            "A person the owner authorised (attach the authorisation)",
        ),
    },
];
const FILERS_WITH_HEIR: &[Opt] = &[
    FILERS[0],
    FILERS[1],
    Opt {
        value: "heir",
        label: (
            "Người thừa kế (chủ hộ đã chết, bị tuyên bố chết, mất tích hoặc mất năng lực hành vi dân sự)",
            "An heir (the owner died, was declared dead or missing, or lost capacity)",
        ),
    },
];

/// The question "who is filing" and, for an authorised person, whether the owner has no e-identity
/// account (then a copy of the owner's identity card is attached, art. 93.5).
fn who_files(choices: &'static [Opt]) -> Vec<Field> {
    vec![
        Field::opt(
            domain::forms::filer::KEY,
            ("Ai nộp hồ sơ này?", "Who is filing this dossier?"),
            Kind::Choice(choices),
        )
        .hint((
            "Nếu bạn nộp thay chủ hộ, chọn «Người được ủy quyền». Máy chủ đối chiếu người đăng nhập với chủ hộ trong hồ sơ hoặc sổ đăng ký.",
            "If you file for the owner, choose “An authorised person”. The server compares who is signed in with the owner in the form or the registry.",
        )),
        Field::opt(
            domain::forms::filer::PRINCIPAL_WITHOUT_EID,
            (
                "Chủ hộ chưa có tài khoản định danh điện tử (đính kèm bản sao thẻ Căn cước của chủ hộ)",
                "The owner has no e-identity account (attach a copy of the owner's identity card)",
            ),
            Kind::Bool,
        )
        .when(|v| path::text(v, domain::forms::filer::KEY) == "authorised"),
    ]
}

const SIGNATORIES: &[Opt] = &[
    Opt {
        value: "owner",
        label: ("Chủ hộ kinh doanh", "The owner of the household business"),
    },
    Opt {
        value: "heir",
        label: (
            "Người thừa kế của chủ hộ kinh doanh đã chết",
            "The heir of an owner who has died",
        ),
    },
];

const OWNER_REASONS: &[Opt] = &[
    Opt {
        value: "reauthorisation",
        label: (
            "Các thành viên hộ gia đình ủy quyền cho thành viên khác làm chủ hộ",
            "The household members authorise another member as owner",
        ),
    },
    Opt {
        value: "incapacity",
        label: (
            "Chủ hộ chết, mất tích, mất hoặc hạn chế năng lực hành vi dân sự",
            "The owner died, is missing, or lost or has restricted legal capacity",
        ),
    },
    Opt {
        value: "two_member_succession",
        label: (
            "Hộ có hai thành viên, chủ hộ chết hoặc mất tích: thành viên còn lại làm chủ hộ",
            "Two-member household whose owner died or is missing: the other member becomes owner",
        ),
    },
];

const CAPITAL_METHODS: &[Opt] = &[
    Opt {
        value: "increase",
        label: ("Tăng vốn", "Increase"),
    },
    Opt {
        value: "decrease",
        label: ("Giảm vốn", "Decrease"),
    },
];

/// The change form's sections (Mẫu 2), in the order of the form.
const CHANGE_SECTIONS: &[Opt] = &[
    Opt {
        value: "change_name",
        label: ("Thay đổi tên hộ kinh doanh", "Change of name"),
    },
    Opt {
        value: "change_seat",
        label: ("Thay đổi địa chỉ trụ sở", "Change of seat"),
    },
    Opt {
        value: "change_owner",
        label: ("Thay đổi chủ hộ kinh doanh", "Change of owner"),
    },
    Opt {
        value: "change_members",
        label: (
            "Thay đổi thành viên hộ gia đình",
            "Change of household members",
        ),
    },
    Opt {
        value: "change_capital",
        label: ("Thay đổi vốn kinh doanh", "Change of capital"),
    },
    Opt {
        value: "change_lines",
        label: (
            "Thay đổi ngành, nghề kinh doanh",
            "Change of business lines",
        ),
    },
    Opt {
        value: "change_tax",
        label: (
            "Thay đổi thông tin đăng ký thuế",
            "Change of tax registration details",
        ),
    },
    Opt {
        value: "correction",
        label: (
            "Cập nhật, bổ sung, hiệu đính thông tin",
            "Update, supplement or correct details",
        ),
    },
    Opt {
        value: "reissue",
        label: (
            "Cấp lại Giấy chứng nhận cho hộ đăng ký trước 01/7/2025",
            "Re-issue for a household business registered before 01/7/2025",
        ),
    },
];

/// The change form's sections, for the tests of `forms`.
#[cfg(test)]
pub(super) const fn sections_for_test() -> &'static [&'static str] {
    KEEP_SECTIONS
}

const KEEP_SECTIONS: &[&str] = &[
    "change_name",
    "change_seat",
    "change_owner",
    "change_members",
    "change_capital",
    "change_lines",
    "change_tax",
    "correction",
    "reissue",
];

pub(super) fn spec(procedure: Procedure) -> FormSpec {
    match procedure {
        Procedure::PromotionNotice => promotion(),
        Procedure::HkdRegistration => registration(),
        Procedure::HkdChange => change(),
        Procedure::HkdTermination => termination(),
    }
}

fn step(slug: &'static str, title: (&'static str, &'static str), fields: Vec<Field>) -> Step {
    Step {
        slug,
        title,
        intro: None,
        fields,
        show_if: None,
    }
}

fn intro(mut s: Step, text: (&'static str, &'static str)) -> Step {
    s.intro = Some(text);
    s
}

fn when(mut s: Step, f: fn(&Value) -> bool) -> Step {
    s.show_if = Some(f);
    s
}

/// A person's fields (NĐ 168/2025 art. 92.1), under `prefix`; `offline` adds the block declared when the
/// population database cannot be reached.
fn person(prefix: &str, offline: fn(&Value) -> bool) -> Vec<Field> {
    let p = |key: &str| -> &'static str { Box::leak(format!("{prefix}{key}").into_boxed_str()) };
    vec![
        Field::req(
            p("full_name"),
            ("Họ, chữ đệm và tên", "Full name"),
            Kind::Text,
        )
        .auto("name")
        .hint((
            "Như trên thẻ Căn cước, có dấu.",
            "As on the identity card, with diacritics.",
        )),
        Field::req(p("birth_date"), ("Ngày sinh", "Date of birth"), Kind::Date).auto("bday"),
        Field::req(p("gender"), ("Giới tính", "Gender"), Kind::Choice(GENDERS)),
        Field::req(
            p("id"),
            ("Số định danh cá nhân", "Personal identification number"),
            Kind::Digits,
        )
        .hint((
            "12 chữ số, in trên thẻ Căn cước hoặc Căn cước công dân.",
            "12 digits, printed on the identity card.",
        )),
        Field::opt(p("phone"), ("Điện thoại", "Phone"), Kind::Tel).auto("tel"),
        Field::opt(p("email"), ("Thư điện tử", "E-mail"), Kind::Email).auto("email"),
        Field::req(p("ethnicity"), ("Dân tộc", "Ethnicity"), Kind::Text).when(offline),
        Field::req(p("nationality"), ("Quốc tịch", "Nationality"), Kind::Text).when(offline),
        Field::req(
            p("permanent_address.street"),
            (
                "Nơi thường trú: số nhà, đường, thôn/tổ dân phố",
                "Permanent residence: house, street, hamlet",
            ),
            Kind::Text,
        )
        .when(offline),
        Field::req(
            p("permanent_address.commune"),
            ("Nơi thường trú: xã/phường", "Permanent residence: commune"),
            Kind::Text,
        )
        .when(offline),
        Field::req(
            p("permanent_address.province"),
            (
                "Nơi thường trú: tỉnh/thành phố",
                "Permanent residence: province",
            ),
            Kind::Province,
        )
        .when(offline),
        Field::req(
            p("current_address.street"),
            (
                "Nơi ở hiện tại: số nhà, đường, thôn/tổ dân phố",
                "Current residence: house, street, hamlet",
            ),
            Kind::Text,
        )
        .when(offline),
        Field::req(
            p("current_address.commune"),
            ("Nơi ở hiện tại: xã/phường", "Current residence: commune"),
            Kind::Text,
        )
        .when(offline),
        Field::req(
            p("current_address.province"),
            (
                "Nơi ở hiện tại: tỉnh/thành phố",
                "Current residence: province",
            ),
            Kind::Province,
        )
        .when(offline),
    ]
}

fn population_db_down(v: &Value) -> bool {
    path::flag(v, "population_db_down")
}

fn members_table(path: &'static str, offline: fn(&Value) -> bool) -> Field {
    Field::req(
        path,
        ("Danh sách thành viên hộ gia đình", "Household members"),
        Kind::Table {
            row: ("Thành viên", "Member"),
            fields: person("", offline),
        },
    )
    .hint((
        "Ghi cả chủ hộ. Mỗi thành viên đủ 18 tuổi, có năng lực hành vi dân sự đầy đủ.",
        "Include the owner. Every member is 18 or older with full legal capacity.",
    ))
}

fn seat_fields(prefix: &str) -> Vec<Field> {
    let p = |key: &str| -> &'static str { Box::leak(format!("{prefix}{key}").into_boxed_str()) };
    vec![
        Field::req(
            p("address.street"),
            (
                "Số nhà, ngách, hẻm, ngõ, đường phố/tổ/xóm/ấp/thôn",
                "House number, lane, street, hamlet",
            ),
            Kind::Text,
        )
        .auto("street-address"),
        Field::req(
            p("address.commune"),
            ("Xã/phường/đặc khu", "Commune or ward"),
            Kind::Commune,
        )
        .hint((
            "Tỉnh Quảng Ngãi. Nhập vài chữ để tìm, không cần dấu.",
            "Quảng Ngãi province. Type a few letters to search; accents are optional.",
        )),
        Field::opt(p("phone"), ("Điện thoại", "Phone"), Kind::Tel),
        Field::opt(p("fax"), ("Fax", "Fax"), Kind::Tel),
        Field::opt(p("email"), ("Thư điện tử", "E-mail"), Kind::Email),
        Field::opt(p("website"), ("Website", "Website"), Kind::Text),
        Field::opt(
            p("not_trading_at_seat"),
            (
                "Không kinh doanh tại trụ sở (chỉ dùng làm địa chỉ liên lạc)",
                "No trading at the seat (contact address only)",
            ),
            Kind::Bool,
        ),
    ]
}

fn name_fields(prefix: &str) -> Vec<Field> {
    let p = |key: &str| -> &'static str { Box::leak(format!("{prefix}{key}").into_boxed_str()) };
    vec![
        Field::req(
            p("vietnamese"),
            ("Tên hộ kinh doanh (tiếng Việt)", "Name in Vietnamese"),
            Kind::Text,
        )
        .hint((
            "Bắt đầu bằng \"Hộ kinh doanh\", sau đó là tên riêng, ví dụ: Hộ kinh doanh Bánh mì Cô Ba.",
            "Starts with \"Hộ kinh doanh\", then a proper name, e.g. Hộ kinh doanh Bánh mì Cô Ba.",
        )),
        Field::opt(
            p("foreign"),
            ("Tên tiếng nước ngoài", "Name in a foreign language"),
            Kind::Text,
        ),
        Field::opt(p("abbreviation"), ("Tên viết tắt", "Abbreviation"), Kind::Text),
    ]
}

fn attachments() -> Step {
    intro(
        step(
            "giay-to",
            ("Giấy tờ kèm theo", "Attached documents"),
            vec![Field::opt(
                "attachments",
                ("Giấy tờ", "Documents"),
                Kind::Attachments,
            )],
        ),
        (
            "Chụp ảnh rõ nét hoặc chọn tệp PDF. Ảnh được thu nhỏ trên máy trước khi gửi.",
            "Take a clear photo or choose a PDF. Photos are made smaller on the phone before sending.",
        ),
    )
}

fn commitment(key: &'static str, label: (&'static str, &'static str)) -> Field {
    Field::req(key, label, Kind::Bool)
}

fn trading_at_seat(v: &Value) -> bool {
    !path::flag(v, "seat.not_trading_at_seat")
}

fn household(v: &Value) -> bool {
    path::text(v, "founder") == "household"
}

fn registration() -> FormSpec {
    let mut owner = person("owner.", population_db_down);
    owner.insert(
        0,
        Field::opt(
            "population_db_down",
            (
                "Cơ quan đăng ký báo không kết nối được Cơ sở dữ liệu quốc gia về dân cư",
                "The office reports the national population database cannot be reached",
            ),
            Kind::Bool,
        )
        .hint((
            "Chỉ đánh dấu khi được yêu cầu; khi đó cần khai thêm dân tộc, quốc tịch và nơi ở.",
            "Tick only when asked to; then ethnicity, nationality and residence are also declared.",
        )),
    );
    FormSpec {
        procedure: Procedure::HkdRegistration,
        keep_empty: &[],
        applicant_from: ("owner.full_name", "owner.phone"),
        steps: vec![
            intro(
                step(
                    "noi-nop",
                    ("Nơi nộp hồ sơ", "Where to file"),
                    vec![
                        Field::req(
                            "office",
                            (
                                "Cơ quan đăng ký kinh doanh cấp xã",
                                "Commune business-registration office",
                            ),
                            Kind::Commune,
                        )
                        .hint((
                            "Nơi đặt trụ sở hộ kinh doanh (NĐ 168/2025, điều 88).",
                            "Where the household business has its seat (NĐ 168/2025 art. 88).",
                        )),
                    ],
                ),
                (
                    "Giấy đề nghị đăng ký hộ kinh doanh (Mẫu số 1, Thông tư 68/2025/TT-BTC).",
                    "Application to register a household business (Form 1, Circular 68/2025/TT-BTC).",
                ),
            ),
            step("chu-ho", ("Chủ hộ kinh doanh", "Owner"), owner),
            step(
                "ten",
                ("Tên hộ kinh doanh", "Business name"),
                name_fields("name."),
            ),
            step(
                "tru-so",
                ("Địa chỉ trụ sở hộ kinh doanh", "Seat"),
                seat_fields("seat."),
            ),
            step(
                "nganh-nghe",
                ("Ngành, nghề kinh doanh", "Business lines"),
                vec![
                    Field::req(
                        "business_lines",
                        ("Ngành, nghề kinh doanh", "Business lines"),
                        Kind::Lines { main: true },
                    )
                    .hint((
                        "Chọn đúng một ngành chính có mã cấp 4 (VSIC 2025). Ngành khác có thể ghi bằng chữ.",
                        "Choose exactly one main line with a level-4 VSIC 2025 code. Other lines may be text.",
                    )),
                ],
            ),
            step(
                "von",
                ("Vốn kinh doanh", "Capital"),
                vec![Field::req(
                    "capital",
                    ("Tổng số vốn (đồng)", "Total capital (VND)"),
                    Kind::Money,
                )],
            ),
            step(
                "thue",
                ("Thông tin đăng ký thuế", "Tax registration"),
                vec![
                    Field::opt(
                        "tax.notice_address.street",
                        (
                            "Địa chỉ nhận thông báo thuế: số nhà, đường, thôn",
                            "Address for tax notices: house, street, hamlet",
                        ),
                        Kind::Text,
                    )
                    .hint((
                        "Chỉ ghi khi khác địa chỉ trụ sở.",
                        "Only when it differs from the seat.",
                    )),
                    Field::opt(
                        "tax.notice_address.commune",
                        ("Địa chỉ nhận thông báo thuế: xã/phường", "Tax notices: commune"),
                        Kind::Text,
                    ),
                    Field::opt(
                        "tax.notice_address.province",
                        ("Địa chỉ nhận thông báo thuế: tỉnh/thành phố", "Tax notices: province"),
                        Kind::Province,
                    ),
                    Field::opt(
                        "tax.start_date",
                        ("Ngày bắt đầu hoạt động kinh doanh", "Start of business"),
                        Kind::Date,
                    ),
                    Field::opt(
                        "tax.employees",
                        ("Tổng số lao động (dự kiến)", "Number of employees (expected)"),
                        Kind::Digits,
                    ),
                    Field::opt(
                        "tax.vat_method",
                        ("Phương pháp tính thuế GTGT", "VAT method"),
                        Kind::Choice(VAT_METHODS),
                    ),
                ],
            ),
            step(
                "chu-the",
                ("Chủ thể thành lập", "Who founds it"),
                vec![
                    Field::req(
                        "founder",
                        ("Hộ kinh doanh do ai thành lập", "Founded by"),
                        Kind::Choice(FOUNDERS),
                    ),
                    members_table("members", population_db_down).when(household),
                ]
                .into_iter()
                .chain(who_files(FILERS))
                .collect(),
            ),
            attachments(),
            intro(
                step(
                    "cam-ket",
                    ("Cam kết", "Commitments"),
                    vec![
                        commitment(
                            "commitments.population_data_consent",
                            (
                                "Đồng ý sử dụng thông tin trong Cơ sở dữ liệu quốc gia về dân cư cho việc đăng ký",
                                "I agree that data of the national population database is used for the registration",
                            ),
                        ),
                        commitment(
                            "commitments.not_banned",
                            (
                                "Chủ hộ và các thành viên không thuộc đối tượng bị cấm thành lập hộ kinh doanh",
                                "The owner and members are not barred from founding a household business",
                            ),
                        ),
                        commitment(
                            "commitments.no_other_hkd_or_private_enterprise",
                            (
                                "Chủ hộ không đồng thời là chủ hộ kinh doanh khác hoặc chủ doanh nghiệp tư nhân",
                                "The owner owns no other household business or private enterprise",
                            ),
                        ),
                        commitment(
                            "commitments.truthful",
                            (
                                "Chịu trách nhiệm trước pháp luật về tính hợp pháp, chính xác, trung thực của hồ sơ",
                                "I am responsible before the law for the dossier being lawful, accurate and truthful",
                            ),
                        ),
                        commitment(
                            "commitments.seat_lawful",
                            (
                                "Trụ sở thuộc quyền sử dụng hợp pháp và được dùng đúng mục đích",
                                "The seat is lawfully used for this purpose",
                            ),
                        )
                        .when(trading_at_seat),
                    ],
                ),
                (
                    "Đánh dấu từng cam kết của chủ hộ kinh doanh.",
                    "Tick each of the owner's commitments.",
                ),
            ),
        ],
    }
}

fn hkd_identity() -> Vec<Field> {
    vec![
        Field::req(
            "hkd_code",
            ("Mã số hộ kinh doanh", "Household business code"),
            Kind::Digits,
        )
        .hint((
            "Mã số thuế của hộ, hoặc số đăng ký cũ (ví dụ 51A8001234). Khi có mạng, thông tin đã đăng ký được điền sẵn.",
            "The household's tax code, or an old registration number (e.g. 51A8001234). Online, the registered details are filled in.",
        )),
        Field::req(
            "hkd_name",
            ("Tên hộ kinh doanh", "Business name"),
            Kind::Text,
        ),
        Field::req(
            "office",
            (
                "Cơ quan đăng ký kinh doanh cấp xã",
                "Commune business-registration office",
            ),
            Kind::Commune,
        ),
    ]
}

fn change() -> FormSpec {
    macro_rules! section {
        ($key:literal) => {
            |v: &Value| path::has_object(v, $key)
        };
    }
    let mut identity = hkd_identity();
    identity.push(
        Field::req(
            "contact_phone",
            ("Điện thoại liên hệ", "Contact phone"),
            Kind::Tel,
        )
        .auto("tel"),
    );
    identity.push(
        Field::req(
            "signatory_name",
            (
                "Họ và tên chủ hộ kinh doanh ký giấy đề nghị",
                "Name of the owner who signs",
            ),
            Kind::Text,
        )
        .auto("name"),
    );
    let trading_at_new_seat = |v: &Value| {
        path::has_object(v, "change_seat") && !path::flag(v, "change_seat.not_trading_at_seat")
    };
    let mut new_owner = person("change_owner.new_owner.", population_db_down);
    new_owner.insert(
        0,
        Field::req(
            "change_owner.reason",
            ("Lý do thay đổi chủ hộ", "Reason for the change of owner"),
            Kind::Choice(OWNER_REASONS),
        ),
    );
    let mut lines = vec![
        Field::opt(
            "change_lines.add",
            ("Bổ sung ngành, nghề", "Lines to add"),
            Kind::Lines { main: false },
        ),
        Field::opt(
            "change_lines.remove",
            ("Bỏ ngành, nghề", "Lines to remove"),
            Kind::Lines { main: false },
        ),
        Field::opt(
            "change_lines.main_code",
            (
                "Sửa đổi ngành chính (mã cấp 4)",
                "New main line (level-4 code)",
            ),
            Kind::VsicCode,
        ),
    ];
    lines[0].hint = Some((
        "Ghi tên ngành; mã ngành VSIC 2025 nếu biết.",
        "Name the line; the VSIC 2025 code if you know it.",
    ));
    FormSpec {
        procedure: Procedure::HkdChange,
        keep_empty: KEEP_SECTIONS,
        applicant_from: ("signatory_name", "contact_phone"),
        steps: vec![
            intro(
                step(
                    "ho-kinh-doanh",
                    ("Hộ kinh doanh", "The household business"),
                    identity,
                ),
                (
                    "Giấy đề nghị đăng ký thay đổi nội dung đăng ký hộ kinh doanh (Mẫu số 2, Thông tư 68/2025/TT-BTC).",
                    "Application to change a household business registration (Form 2, Circular 68/2025/TT-BTC).",
                ),
            ),
            intro(
                step(
                    "noi-dung",
                    ("Nội dung đăng ký thay đổi", "What changes"),
                    vec![Field::req(
                        "",
                        ("Chọn các nội dung thay đổi", "Choose what changes"),
                        Kind::Sections(CHANGE_SECTIONS),
                    )],
                ),
                (
                    "Chọn ít nhất một nội dung. Mỗi nội dung đã chọn có một bước riêng.",
                    "Choose at least one. Each chosen change has a step of its own.",
                ),
            ),
            when(
                step(
                    "doi-ten",
                    ("Tên mới của hộ kinh doanh", "New name"),
                    name_fields("change_name."),
                ),
                section!("change_name"),
            ),
            when(
                step(
                    "doi-tru-so",
                    ("Địa chỉ trụ sở mới", "New seat"),
                    seat_fields("change_seat."),
                ),
                section!("change_seat"),
            ),
            when(
                step(
                    "doi-chu-ho",
                    ("Chủ hộ kinh doanh mới", "New owner"),
                    new_owner,
                ),
                section!("change_owner"),
            ),
            when(
                step(
                    "doi-thanh-vien",
                    (
                        "Thành viên hộ gia đình sau thay đổi",
                        "Household members after the change",
                    ),
                    vec![
                        members_table("change_members.members", population_db_down),
                        Field::opt(
                            "change_members.new_member_added",
                            ("Có thành viên mới được bổ sung", "A new member is added"),
                            Kind::Bool,
                        ),
                    ],
                ),
                section!("change_members"),
            ),
            when(
                step(
                    "doi-von",
                    ("Vốn kinh doanh", "Capital"),
                    vec![
                        Field::req(
                            "change_capital.capital",
                            ("Vốn sau thay đổi (đồng)", "Capital after the change (VND)"),
                            Kind::Money,
                        ),
                        Field::req(
                            "change_capital.method",
                            ("Hình thức", "Increase or decrease"),
                            Kind::Choice(CAPITAL_METHODS),
                        ),
                        Field::req(
                            "change_capital.changed_on",
                            ("Thời điểm thay đổi vốn", "Date of the change"),
                            Kind::Date,
                        ),
                    ],
                ),
                section!("change_capital"),
            ),
            when(
                step(
                    "doi-nganh",
                    ("Ngành, nghề kinh doanh", "Business lines"),
                    lines,
                ),
                section!("change_lines"),
            ),
            when(
                step(
                    "doi-thue",
                    ("Thông tin đăng ký thuế", "Tax registration details"),
                    vec![Field::req(
                        "change_tax.items",
                        ("Các chỉ tiêu thay đổi", "Changed items"),
                        Kind::Table {
                            row: ("Chỉ tiêu", "Item"),
                            fields: vec![
                                Field::req("indicator", ("Chỉ tiêu", "Item"), Kind::Text),
                                Field::opt("old", ("Thông tin cũ", "Old value"), Kind::Text),
                                Field::req("new", ("Thông tin mới", "New value"), Kind::Text),
                            ],
                        },
                    )],
                ),
                section!("change_tax"),
            ),
            when(
                step(
                    "hieu-dinh",
                    ("Cập nhật, bổ sung, hiệu đính", "Update or correction"),
                    vec![
                        Field::req(
                            "correction.text",
                            (
                                "Nội dung cập nhật, bổ sung, hiệu đính",
                                "What to update or correct",
                            ),
                            Kind::LongText,
                        ),
                        Field::opt(
                            "correction.old_certificates_mismatch",
                            (
                                "Thông tin trên Giấy chứng nhận giấy khác với cơ sở dữ liệu",
                                "The paper certificate differs from the database",
                            ),
                            Kind::Bool,
                        ),
                    ],
                ),
                section!("correction"),
            ),
            when(
                step(
                    "cap-lai",
                    ("Cấp lại Giấy chứng nhận", "Re-issue"),
                    vec![
                        Field::req(
                            "reissue.business_lines",
                            ("Ngành, nghề kinh doanh", "Business lines"),
                            Kind::Lines { main: true },
                        ),
                        Field::req(
                            "reissue.capital",
                            ("Vốn kinh doanh (đồng)", "Capital (VND)"),
                            Kind::Money,
                        ),
                        Field::req(
                            "reissue.founder",
                            ("Chủ thể thành lập", "Founded by"),
                            Kind::Choice(FOUNDERS),
                        ),
                        members_table("reissue.members", population_db_down)
                            .when(|v| path::text(v, "reissue.founder") == "household"),
                    ],
                ),
                section!("reissue"),
            ),
            step(
                "khac",
                ("Thông tin khác", "Other details"),
                who_files(FILERS_WITH_HEIR)
                    .into_iter()
                    .chain([Field::opt(
                        "under_revocation_notice",
                        (
                            "Hộ đang bị thông báo vi phạm, sẽ thu hồi Giấy chứng nhận",
                            "The business has been notified of a pending revocation",
                        ),
                        Kind::Bool,
                    )
                    .hint((
                        "Khi đó cần kèm văn bản giải trình (NĐ 168/2025, điều 102).",
                        "A written explanation is then required (NĐ 168/2025 art. 102).",
                    ))])
                    .collect(),
            ),
            attachments(),
            step(
                "cam-ket",
                ("Cam kết", "Commitments"),
                vec![
                    commitment(
                        "commitments.truthful",
                        (
                            "Chịu trách nhiệm trước pháp luật về tính hợp pháp, chính xác, trung thực của hồ sơ",
                            "I am responsible before the law for the dossier being lawful, accurate and truthful",
                        ),
                    ),
                    commitment(
                        "commitments.seat_lawful",
                        (
                            "Trụ sở mới thuộc quyền sử dụng hợp pháp và được dùng đúng mục đích",
                            "The new seat is lawfully used for this purpose",
                        ),
                    )
                    .when(trading_at_new_seat),
                ],
            ),
        ],
    }
}

fn termination() -> FormSpec {
    FormSpec {
        procedure: Procedure::HkdTermination,
        keep_empty: &[],
        applicant_from: ("signatory_name", "filer_phone"),
        steps: vec![
            intro(
                step(
                    "ho-kinh-doanh",
                    ("Hộ kinh doanh", "The household business"),
                    hkd_identity(),
                ),
                (
                    "Thông báo về việc chấm dứt hoạt động hộ kinh doanh (Mẫu số 4, Thông tư 68/2025/TT-BTC).",
                    "Notice of termination of a household business (Form 4, Circular 68/2025/TT-BTC).",
                ),
            ),
            step(
                "nguoi-ky",
                ("Người ký thông báo", "Who signs"),
                who_files(FILERS_WITH_HEIR)
                    .into_iter()
                    .chain([
                        // The owner and the heir sign their own notice; an authorised person says whose it is.
                        Field::req(
                            "signatory",
                            ("Người ký là", "The signatory is"),
                            Kind::Choice(SIGNATORIES),
                        )
                        .when(|v| {
                            !matches!(
                                path::text(v, domain::forms::filer::KEY).as_str(),
                                "owner" | "heir"
                            )
                        }),
                        Field::req(
                            "signatory_name",
                            ("Họ và tên người ký", "Signatory's full name"),
                            Kind::Text,
                        )
                        .auto("name"),
                        Field::req(
                            "filer_phone",
                            ("Số điện thoại nhận tin", "Phone for updates"),
                            Kind::Tel,
                        )
                        .auto("tel"),
                    ])
                    .collect(),
            ),
            attachments(),
            step(
                "cam-ket",
                ("Cam kết", "Commitments"),
                vec![
                    commitment(
                        "commitments.debts_settled",
                        (
                            "Hộ kinh doanh đã thanh toán đầy đủ các khoản nợ, kể cả nợ thuế, hoặc đã thỏa thuận với chủ nợ",
                            "All debts, taxes included, are paid or settled with the creditors",
                        ),
                    ),
                    commitment(
                        "commitments.responsible",
                        (
                            "Chịu trách nhiệm trước pháp luật về tính hợp pháp, chính xác, trung thực của thông báo",
                            "I am responsible before the law for the notice being lawful, accurate and truthful",
                        ),
                    ),
                ],
            ),
        ],
    }
}

fn promotion() -> FormSpec {
    FormSpec {
        procedure: Procedure::PromotionNotice,
        keep_empty: &[],
        applicant_from: ("trader.contact_name", "trader.contact_phone"),
        steps: vec![
            intro(
                step(
                    "can-thong-bao",
                    ("Có phải thông báo không?", "Is a notice needed?"),
                    vec![
                        Field::req(
                            "forms",
                            ("Hình thức khuyến mại", "Forms of promotion"),
                            Kind::PromotionForms,
                        ),
                        Field::req(
                            "total_value",
                            (
                                "Tổng giá trị giải thưởng, quà tặng (đồng)",
                                "Total value of prizes and gifts (VND)",
                            ),
                            Kind::Money,
                        ),
                        Field::opt(
                            "sold_only_online",
                            (
                                "Chỉ bán hàng và khuyến mại qua sàn, website thương mại điện tử",
                                "Sold and promoted only through e-commerce",
                            ),
                            Kind::Bool,
                        ),
                    ],
                ),
                (
                    "Từ 01/12/2024 chỉ phải thông báo chương trình phiếu dự thi và khách hàng thường xuyên có tổng giá trị giải thưởng từ 100 triệu đồng.",
                    "Since 01/12/2024 only contest and loyalty programmes with prizes of 100 million VND or more are notified.",
                ),
            ),
            step(
                "thuong-nhan",
                ("Thương nhân thực hiện khuyến mại", "The trader"),
                vec![
                    Field::req("trader.name", ("Tên thương nhân", "Trader's name"), Kind::Text)
                        .auto("organization"),
                    Field::req(
                        "trader.address",
                        ("Địa chỉ trụ sở chính", "Head-office address"),
                        Kind::Text,
                    )
                    .auto("street-address"),
                    Field::req("trader.phone", ("Điện thoại", "Phone"), Kind::Tel),
                    Field::opt("trader.fax", ("Fax", "Fax"), Kind::Tel),
                    Field::opt("trader.email", ("Thư điện tử", "E-mail"), Kind::Email),
                    Field::req("trader.tax_code", ("Mã số thuế", "Tax code"), Kind::Digits),
                    Field::req(
                        "trader.contact_name",
                        ("Người liên hệ", "Contact person"),
                        Kind::Text,
                    )
                    .auto("name"),
                    Field::req(
                        "trader.contact_phone",
                        ("Điện thoại người liên hệ", "Contact phone"),
                        Kind::Tel,
                    )
                    .auto("tel"),
                ],
            ),
            step(
                "chuong-trinh",
                ("Chương trình khuyến mại", "The programme"),
                vec![
                    Field::req(
                        "programme_name",
                        ("Tên chương trình khuyến mại", "Programme name"),
                        Kind::Text,
                    ),
                    Field::req(
                        "provinces",
                        ("Địa bàn thực hiện", "Provinces where it runs"),
                        Kind::Provinces,
                    ),
                    Field::req("start", ("Ngày bắt đầu", "Start date"), Kind::Date).hint((
                        "Thông báo phải đến Sở Công Thương chậm nhất 3 ngày làm việc trước ngày bắt đầu.",
                        "The notice must reach the department at least 3 working days before the start.",
                    )),
                    Field::req("end", ("Ngày kết thúc", "End date"), Kind::Date),
                ],
            ),
            step(
                "hang-hoa",
                ("Hàng hóa, dịch vụ và khách hàng", "Goods, services and customers"),
                vec![
                    Field::req(
                        "promoted_goods",
                        (
                            "Hàng hóa, dịch vụ được khuyến mại",
                            "Goods and services promoted",
                        ),
                        Kind::LongText,
                    ),
                    Field::req(
                        "promotional_goods",
                        (
                            "Hàng hóa, dịch vụ dùng để khuyến mại",
                            "Goods and services given as promotion",
                        ),
                        Kind::LongText,
                    ),
                    Field::req(
                        "customers",
                        ("Khách hàng của chương trình", "Customers of the programme"),
                        Kind::LongText,
                    ),
                    Field::opt(
                        "promoted_value",
                        (
                            "Tổng giá trị hàng hóa, dịch vụ được khuyến mại (đồng)",
                            "Total value of the promoted goods (VND)",
                        ),
                        Kind::Money,
                    )
                    .hint((
                        "Dùng để kiểm tra mức tối đa 50% giá trị (Thông tư 39/2025/TT-BCT).",
                        "Used to check the 50% cap (Circular 39/2025/TT-BCT).",
                    )),
                    Field::opt(
                        "concentrated_programme",
                        (
                            "Thuộc chương trình khuyến mại tập trung",
                            "Part of a concentrated promotion programme",
                        ),
                        Kind::Bool,
                    ),
                ],
            ),
            step(
                "giai-thuong",
                ("Cơ cấu giải thưởng và thể lệ", "Prizes and rules"),
                vec![
                    Field::req(
                        "prize_structure",
                        (
                            "Cơ cấu giải thưởng, quà tặng (nội dung, số lượng, giá trị)",
                            "Prizes and gifts (what, how many, value)",
                        ),
                        Kind::LongText,
                    ),
                    Field::opt(
                        "rules",
                        ("Thể lệ chi tiết", "Detailed rules"),
                        Kind::LongText,
                    )
                    .hint((
                        "Hoặc đính kèm thể lệ ở bước Giấy tờ kèm theo.",
                        "Or attach the rules in the Attached documents step.",
                    )),
                    Field::opt(
                        "co_organisers",
                        (
                            "Thương nhân cùng thực hiện (nếu có)",
                            "Co-organising traders (if any)",
                        ),
                        Kind::LongText,
                    ),
                ],
            ),
            attachments(),
        ],
    }
}
