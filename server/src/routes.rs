//! One resource per file.

pub(crate) mod access;
pub(crate) mod assisted;
pub(crate) mod auth;
pub(crate) mod dossier_limits;
pub(crate) mod dossiers;
pub(crate) mod health;
pub(crate) mod hkd;
pub(crate) mod notify;
pub(crate) mod procedures;
pub(crate) mod staff;
pub(crate) mod staff_admin;
pub(crate) mod supplement;
pub(crate) mod uploads;
pub(crate) mod verify;
pub(crate) mod vneid;
