//! The server's integration tests, one binary. Every database test runs on SQLite and on PostgreSQL
//! (`MOTCUA_TEST_POSTGRES`, default postgres://postgres@127.0.0.1:5432/test, a fresh schema per test);
//! when PostgreSQL cannot be reached the PostgreSQL half fails and says so.

mod helpers;

mod crash;
mod database;
mod dossiers;
mod hkd;
mod pages_and_assets;
mod uploads;
