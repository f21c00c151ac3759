//! The server's integration tests, one binary. They start the real `motcua serve` (the binary Cargo
//! built, `helpers::TestServer`) on a port the system chose, with a fresh database, and talk HTTP to it.
//! Every database test runs on SQLite and on PostgreSQL (`MOTCUA_TEST_POSTGRES`, default
//! postgres://postgres@127.0.0.1:5432/test, a fresh schema per test, which the server reaches through
//! `options=-c search_path=…` in its database URL); when PostgreSQL cannot be reached the PostgreSQL
//! half fails and says so.

mod helpers;

mod approvals;
mod assisted;
mod audit;
mod authz;
mod crash;
mod database;
mod dossiers;
mod flood;
mod hkd;
mod identity_store;
mod lifecycle;
mod network;
mod notify;
mod numbers;
mod otp_races;
mod owner_checks;
mod ownership;
mod pages_and_assets;
mod postgres_tls;
mod shutdown;
mod signin;
mod staff_hardening;
mod staff_work;
mod store_key;
mod supplement;
mod uploads;
mod verify;
mod vneid;
