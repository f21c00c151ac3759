//! One resource per file.

pub(crate) mod health;
pub(crate) mod uploads;
