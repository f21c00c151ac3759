//! The app's routes as a type: links are built from it and the server decides a page's status with it.

use domain::{Lang, Procedure};

fn one_segment_under(path: &str, prefix: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| !rest.is_empty() && !rest.contains('/'))
}

/// Which of the two WASM bundles drives a page (docs/ARCHITECTURE.md, "Two bundles").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bundle {
    /// The small bundle of the public pages ([`crate::PublicApp`]): no forms, no outbox, no IndexedDB,
    /// no catalogues, so the first visit of the home page stays light.
    Public,
    /// The whole app ([`crate::App`]): every page, the forms, drafts and the outbox.
    Full,
}

/// A page of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppRoute {
    /// `/` — the four procedures.
    Home,
    /// `/thu-tuc/{slug}` — what a procedure needs, how long it takes, its legal basis.
    Procedure(Procedure),
    /// `/tra-cuu` (optionally `/tra-cuu/{code}`) — look a dossier up by its code and phone number; the
    /// receipt's QR code points here.
    Lookup,
    /// `/tra-cuu/{code}/chi-tiet` — "Xem chi tiết": the whole dossier with a code texted to its phone
    /// (the dossier-scoped access).
    LookupDetail,
    /// `/nop/{slug}` — starts a new draft of a procedure.
    Start(Procedure),
    /// `/soan/{id}/{step}` — a step of a draft kept on the phone (or its check page).
    Edit,
    /// `/ho-so` — the drafts and dossiers of this phone.
    MyDossiers,
    /// `/ho-so/{id}` — one dossier sent from this phone: receipt and status.
    Dossier,
    /// `/thong-bao` — the signed-in citizen's notifications.
    Inbox,
    /// `/dang-nhap` — a citizen signs in by phone and one-time code (or sees as whom, and signs out).
    SignIn,
    /// `/can-bo/dang-nhap` — a staff member signs in.
    StaffSignIn,
    /// `/can-bo/mat-khau` — a staff member changes their password.
    StaffPassword,
    /// `/quan-tri/can-bo` — the administrator's staff accounts.
    StaffAdmin,
    /// `/can-bo` — the staff workspace: the queue of the officer's jurisdiction.
    StaffQueue,
    /// `/can-bo/ho-so/{code}` — one dossier in the staff workspace.
    StaffDossier,
    /// `/can-bo/nhat-ky` — the audit log of a jurisdiction or a dossier (supervisors and administrators).
    StaffAudit,
    /// `/verify/{code}` — what an issued document says and whether it is in force; every document's QR
    /// code points here.
    Verify,
    /// Anything else.
    NotFound,
}

impl AppRoute {
    /// Finds the route of a path (query and fragment are ignored).
    #[must_use]
    pub fn parse(path: &str) -> Self {
        let path = path.split(['?', '#']).next().unwrap_or_default();
        let path = path
            .strip_suffix('/')
            .filter(|p| !p.is_empty())
            .unwrap_or(path);
        match path {
            "" | "/" => Self::Home,
            "/tra-cuu" => Self::Lookup,
            "/ho-so" => Self::MyDossiers,
            "/thong-bao" => Self::Inbox,
            "/dang-nhap" => Self::SignIn,
            "/can-bo/dang-nhap" => Self::StaffSignIn,
            "/can-bo/mat-khau" => Self::StaffPassword,
            "/quan-tri/can-bo" => Self::StaffAdmin,
            "/can-bo" => Self::StaffQueue,
            "/can-bo/nhat-ky" => Self::StaffAudit,
            _ if one_segment_under(path, "/can-bo/ho-so/") => Self::StaffDossier,
            _ if one_segment_under(path, "/ho-so/") => Self::Dossier,
            _ if one_segment_under(path, "/verify/") => Self::Verify,
            _ if path.starts_with("/soan/")
                && path["/soan/".len()..]
                    .split('/')
                    .filter(|s| !s.is_empty())
                    .count()
                    == 2 =>
            {
                Self::Edit
            }
            _ if path.starts_with("/nop/") => path["/nop/".len()..]
                .parse()
                .map_or(Self::NotFound, Self::Start),
            _ if path.starts_with("/tra-cuu/") && !path["/tra-cuu/".len()..].contains('/') => {
                Self::Lookup
            }
            _ if path
                .strip_suffix("/chi-tiet")
                .is_some_and(|p| one_segment_under(p, "/tra-cuu/")) =>
            {
                Self::LookupDetail
            }
            _ => path
                .strip_prefix("/thu-tuc/")
                .and_then(|slug| slug.parse().ok())
                .map_or(Self::NotFound, Self::Procedure),
        }
    }

    /// The path to link to.
    #[must_use]
    pub fn path(self) -> String {
        match self {
            Self::Home => "/".to_owned(),
            Self::Procedure(p) => format!("/thu-tuc/{}", p.slug()),
            Self::Lookup => "/tra-cuu".to_owned(),
            Self::LookupDetail => "/tra-cuu/-/chi-tiet".to_owned(),
            Self::Start(p) => format!("/nop/{}", p.slug()),
            Self::Edit => "/soan".to_owned(),
            Self::MyDossiers | Self::Dossier => "/ho-so".to_owned(),
            Self::Inbox => "/thong-bao".to_owned(),
            Self::SignIn => "/dang-nhap".to_owned(),
            Self::StaffSignIn => "/can-bo/dang-nhap".to_owned(),
            Self::StaffPassword => "/can-bo/mat-khau".to_owned(),
            Self::StaffAdmin => "/quan-tri/can-bo".to_owned(),
            Self::StaffQueue | Self::StaffDossier => "/can-bo".to_owned(),
            Self::StaffAudit => "/can-bo/nhat-ky".to_owned(),
            Self::Verify => "/verify".to_owned(),
            Self::NotFound => "/404".to_owned(),
        }
    }

    /// The document title.
    #[must_use]
    pub fn title(self, lang: Lang) -> String {
        let site = "Một cửa Quảng Ngãi";
        match self {
            Self::Home => format!(
                "{} — {site}",
                lang.pick("Dịch vụ công trực tuyến", "Online public services")
            ),
            Self::Procedure(p) => format!("{} — {site}", p.name(lang)),
            Self::Lookup => format!("{} — {site}", lang.pick("Tra cứu hồ sơ", "Find a dossier")),
            Self::LookupDetail => format!(
                "{} — {site}",
                lang.pick("Xem chi tiết hồ sơ", "Dossier details")
            ),
            Self::Start(p) => format!("{} — {site}", p.name(lang)),
            Self::Edit => format!(
                "{} — {site}",
                lang.pick("Điền hồ sơ", "Fill in the dossier")
            ),
            Self::MyDossiers | Self::Dossier => {
                format!("{} — {site}", lang.pick("Hồ sơ của tôi", "My dossiers"))
            }
            Self::Inbox => format!("{} — {site}", lang.pick("Thông báo", "Notifications")),
            Self::SignIn => format!("{} — {site}", lang.pick("Đăng nhập", "Sign in")),
            Self::StaffSignIn => format!(
                "{} — {site}",
                lang.pick("Đăng nhập cán bộ", "Staff sign-in")
            ),
            Self::StaffPassword => {
                format!("{} — {site}", lang.pick("Đổi mật khẩu", "Change password"))
            }
            Self::StaffAdmin => format!(
                "{} — {site}",
                lang.pick("Quản lý tài khoản cán bộ", "Staff accounts")
            ),
            Self::StaffQueue => format!(
                "{} — {site}",
                lang.pick("Hồ sơ cần xử lý", "Dossiers to process")
            ),
            Self::StaffDossier => {
                format!("{} — {site}", lang.pick("Xử lý hồ sơ", "Process a dossier"))
            }
            Self::StaffAudit => format!(
                "{} — {site}",
                lang.pick("Nhật ký truy cập hồ sơ", "Dossier access log")
            ),
            Self::Verify => format!(
                "{} — {site}",
                lang.pick("Kiểm tra văn bản", "Check a document")
            ),
            Self::NotFound => format!(
                "{} — {site}",
                lang.pick("Không tìm thấy trang", "Page not found")
            ),
        }
    }

    /// The bundle that hydrates the page (docs/ARCHITECTURE.md §5, "Two bundles"). Links from a page of
    /// one bundle to a page of the other are full page loads.
    ///
    /// **A new route must choose here** (the match has no wildcard, so it does not compile until it
    /// does): [`Bundle::Public`] only for a page that anyone may read, that the server renders whole and
    /// that needs none of the forms, drafts, outbox, IndexedDB or catalogues — its component must then
    /// also be routed in [`crate::PublicApp`]; everything else (sign-in, staff, administration, forms,
    /// anything with the reader's data) is [`Bundle::Full`], routed in [`crate::App`]. Choose
    /// [`Self::is_private`] in the same change.
    #[must_use]
    pub const fn bundle(self) -> Bundle {
        match self {
            Self::Home | Self::Procedure(_) | Self::Lookup | Self::Verify | Self::NotFound => {
                Bundle::Public
            }
            Self::LookupDetail
            | Self::Start(_)
            | Self::Edit
            | Self::MyDossiers
            | Self::Dossier
            | Self::Inbox
            | Self::SignIn
            | Self::StaffSignIn
            | Self::StaffPassword
            | Self::StaffAdmin
            | Self::StaffQueue
            | Self::StaffDossier
            | Self::StaffAudit => Bundle::Full,
        }
    }

    /// Whether the page may show personal data (the reader's drafts, dossiers, messages; a staff or
    /// administration page): the server then sends it with `Cache-Control: no-store, private`, and
    /// neither the browser nor the service worker keeps it. A look-up page is private only with a code or
    /// a query (decided by the server, which sees both). Like [`Self::bundle`], an exhaustive match: a new
    /// route must choose; when in doubt, `true`.
    #[must_use]
    pub const fn is_private(self) -> bool {
        match self {
            Self::Home | Self::Procedure(_) | Self::Lookup | Self::NotFound => false,
            // A verified document names people and businesses.
            Self::Verify
            | Self::LookupDetail
            | Self::Start(_)
            | Self::Edit
            | Self::MyDossiers
            | Self::Dossier
            | Self::Inbox
            | Self::SignIn
            | Self::StaffSignIn
            | Self::StaffPassword
            | Self::StaffAdmin
            | Self::StaffQueue
            | Self::StaffDossier
            | Self::StaffAudit => true,
        }
    }

    /// Whether the page exists (the server answers 404 otherwise).
    #[must_use]
    pub const fn is_found(self) -> bool {
        !matches!(self, Self::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_parses_back_from_its_path() {
        let mut routes = vec![
            AppRoute::Home,
            AppRoute::Lookup,
            AppRoute::MyDossiers,
            AppRoute::Inbox,
            AppRoute::SignIn,
            AppRoute::StaffSignIn,
            AppRoute::StaffPassword,
            AppRoute::StaffAdmin,
            AppRoute::StaffQueue,
            AppRoute::StaffAudit,
        ];
        routes.extend(Procedure::ALL.map(AppRoute::Procedure));
        routes.extend(Procedure::ALL.map(AppRoute::Start));
        for route in routes {
            assert_eq!(AppRoute::parse(&route.path()), route, "{route:?}");
            assert_eq!(AppRoute::parse(&format!("{}?x=1", route.path())), route);
        }
    }

    #[test]
    fn public_pages_take_the_small_bundle_and_the_app_pages_the_full_one() {
        for path in [
            "/",
            "/thu-tuc/dang-ky-ho-kinh-doanh",
            "/tra-cuu",
            "/tra-cuu/x",
            "/abc",
        ] {
            let route = AppRoute::parse(path);
            assert_eq!(route.bundle(), Bundle::Public, "{path}");
            assert!(!route.is_private(), "{path}");
        }
        for path in [
            "/nop/dang-ky-ho-kinh-doanh",
            "/soan/a/b",
            "/ho-so",
            "/ho-so/a",
            "/thong-bao",
            "/dang-nhap",
            "/can-bo/dang-nhap",
            "/can-bo/mat-khau",
            "/quan-tri/can-bo",
            "/can-bo",
            "/can-bo/ho-so/a",
            "/can-bo/nhat-ky",
            "/can-bo/nhat-ky?dia-ban=21025",
            "/tra-cuu/21025-261123-0001/chi-tiet",
        ] {
            let route = AppRoute::parse(path);
            assert_eq!(route.bundle(), Bundle::Full, "{path}");
            assert!(route.is_private(), "{path}");
        }
        // A document's verification page is public (its QR code is scanned by anyone) but names people.
        let verify = AppRoute::parse("/verify/abc");
        assert_eq!(verify.bundle(), Bundle::Public);
        assert!(verify.is_private());
    }

    #[test]
    fn unknown_paths_are_not_found() {
        for path in ["/thu-tuc/", "/thu-tuc/khong-co", "/abc", "/thu-tuc"] {
            assert_eq!(AppRoute::parse(path), AppRoute::NotFound, "{path}");
        }
        assert_eq!(
            AppRoute::parse("/tra-cuu/21025-261123-0001"),
            AppRoute::Lookup
        );
        assert_eq!(AppRoute::parse("/tra-cuu/a/b"), AppRoute::NotFound);
        assert_eq!(
            AppRoute::parse("/tra-cuu/21025-261123-0001/chi-tiet"),
            AppRoute::LookupDetail
        );
        assert_eq!(AppRoute::parse("/tra-cuu/chi-tiet"), AppRoute::Lookup);
        assert_eq!(AppRoute::parse("/soan/abc/ten"), AppRoute::Edit);
        assert_eq!(AppRoute::parse("/soan/abc"), AppRoute::NotFound);
        assert_eq!(AppRoute::parse("/ho-so/abc"), AppRoute::Dossier);
        assert_eq!(
            AppRoute::parse("/can-bo/ho-so/21025-261123-0001"),
            AppRoute::StaffDossier
        );
        assert_eq!(AppRoute::parse("/can-bo/khac"), AppRoute::NotFound);
        assert_eq!(
            AppRoute::parse("/verify/abcdefghijklmnopqrstuvwxyz"),
            AppRoute::Verify
        );
        assert_eq!(AppRoute::parse("/verify"), AppRoute::NotFound);
        assert_eq!(AppRoute::parse("/verify/a/b"), AppRoute::NotFound);
        assert_eq!(AppRoute::parse("/nop/khong-co"), AppRoute::NotFound);
        assert_eq!(
            AppRoute::parse("/thu-tuc/dang-ky-ho-kinh-doanh/"),
            AppRoute::Procedure(Procedure::HkdRegistration)
        );
    }
}
