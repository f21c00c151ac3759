//! One resource per file.

pub(crate) mod health;
