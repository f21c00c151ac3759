//! The OpenAPI document of `/api/v1`, generated from the handlers' annotations and the wire types
//! (`domain::api`), served at `/api/v1/openapi.json`.

use axum::{Json, response::IntoResponse};
use utoipa::OpenApi;

use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "motcua API",
        version = "1",
        description = "Quảng Ngãi's online one-stop service: the four procedures, uploads, exactly-once dossier \
                       submission, look-up and the household-business registry. Errors share one envelope \
                       (ApiError); messages follow the `lang` cookie or Accept-Language (vi, en)."
    ),
    paths(
        routes::procedures::list,
        routes::procedures::validate,
        routes::uploads::put_upload,
        routes::uploads::upload_status,
        routes::dossiers::submit,
        routes::dossiers::lookup,
        routes::dossiers::receipt_pdf,
        routes::access::request_access,
        routes::access::verify_access,
        routes::hkd::check_name,
        routes::hkd::find,
        routes::notify::public_key,
        routes::notify::subscribe,
        routes::notify::unsubscribe,
        routes::notify::inbox,
        routes::notify::read_one,
        routes::notify::read_all,
        routes::auth::request_otp,
        routes::auth::verify_otp,
        routes::auth::staff_login,
        routes::auth::change_password,
        routes::auth::session,
        routes::auth::sign_out,
        routes::auth::my_dossiers,
        routes::vneid::start,
        routes::vneid::callback,
        routes::staff_admin::list,
        routes::staff_admin::create,
        routes::staff_admin::update,
        routes::staff_admin::reset_password,
        routes::staff::queue,
        routes::staff::dossier,
        routes::staff::act,
        routes::staff::attachment,
        routes::staff::document,
        routes::staff::audit,
        routes::supplement::supplement,
        routes::supplement::resubmit,
        routes::assisted::send_code,
        routes::verify::verify,
    )
)]
struct ApiDoc;

/// The document.
#[must_use]
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// `GET /api/v1/openapi.json`.
pub(crate) async fn endpoint() -> impl IntoResponse {
    Json(document())
}
