//! `cargo xtask build` and `cargo xtask serve`.

use std::{
    io::Write as _,
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::Context as _;

use crate::{
    tools::Tools,
    util::{self, run, say, step},
};

/// Files worth sending compressed; images and fonts are compressed already.
const COMPRESSIBLE: &[&str] = &[
    "js",
    "wasm",
    "css",
    "svg",
    "webmanifest",
    "json",
    "txt",
    "html",
];

/// The template of the public pages' small bundle in `dist/` (Trunk's own output of `public.html` is
/// an `index.html` in another directory; see [`build_app`]).
pub(crate) const PUBLIC_HTML: &str = "public.html";

/// Builds the two WASM bundles in release mode into `dist/` — the full app from `index.html` and the
/// public pages' small bundle from `public.html` (Trunk builds one HTML target per run and empties its
/// dist directory, so the second is built beside it and merged in as `dist/public.html`) — writes the
/// service worker `dist/sw.js` with this build's precache list, and writes `.br` and `.gz` copies beside
/// each compressible file, which the server sends to browsers that accept them.
pub(crate) fn build_app() -> anyhow::Result<PathBuf> {
    fetch_crates()?;
    let tools = Tools::ensure()?;
    let root = util::root();
    step("building the full app (trunk build --release index.html)");
    run(Command::new(&tools.trunk)
        .current_dir(&root)
        .env("PATH", tools.path_env()?)
        .args(["build", "--release=true", "index.html"]))?;
    step("building the public pages' bundle (trunk build --release public.html)");
    let public_dist = util::target_dir().join("trunk-public");
    std::fs::create_dir_all(&public_dist)
        .with_context(|| format!("cannot create {}", public_dist.display()))?;
    run(Command::new(&tools.trunk)
        .current_dir(&root)
        .env("PATH", tools.path_env()?)
        .args(["build", "--release=true", "public.html", "--dist"])
        .arg(&public_dist))?;
    let dist = root.join("dist");
    merge_public(&public_dist, &dist)?;
    let version = crate::sw::write(&root.join("public").join("sw.js"), &dist)?;
    say(&format!(
        "   wrote dist/sw.js (version {version}, precache list from dist/)"
    ));
    precompress(&dist)?;
    Ok(dist)
}

/// Downloads every crate of `Cargo.lock`, for every target, into Cargo's registry. Trunk runs its cargo
/// build with `--offline` (`Trunk.toml`), and the crates that only the `wasm32` build uses
/// (`console_error_panic_hook`, `rexie`, `idb`, …) are downloaded by no native build: on a machine whose
/// registry is empty the offline build would otherwise stop at the first of them. A warm registry makes
/// this a no-op of a second or so.
pub(crate) fn fetch_crates() -> anyhow::Result<()> {
    step("fetching the crates of Cargo.lock for every target (cargo fetch --locked)");
    run(util::cargo().args(["fetch", "--locked"]))
}

/// Copies the public build into `dist/`: its `index.html` as `public.html`, and the files the full build
/// lacks (its script and WASM; the CSS and icons are the same files under the same names).
fn merge_public(public_dist: &Path, dist: &Path) -> anyhow::Result<()> {
    for file in walk(public_dist)? {
        let relative = file
            .strip_prefix(public_dist)
            .context("a file outside the dist")?;
        let target = if relative == Path::new("index.html") {
            dist.join(PUBLIC_HTML)
        } else {
            dist.join(relative)
        };
        if relative != Path::new("index.html") && target.exists() {
            continue;
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(&file, &target)
            .with_context(|| format!("cannot copy {} to {}", file.display(), target.display()))?;
    }
    Ok(())
}

fn precompress(dist: &Path) -> anyhow::Result<()> {
    let mut count = 0;
    for entry in walk(dist)? {
        let ext = entry
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        if !COMPRESSIBLE.contains(&ext) {
            continue;
        }
        let raw = std::fs::read(&entry)?;
        std::fs::write(with_suffix(&entry, "br"), brotli_bytes(&raw)?)?;
        std::fs::write(with_suffix(&entry, "gz"), gzip_bytes(&raw)?)?;
        count += 1;
    }
    say(&format!(
        "   precompressed {count} files (brotli 11, gzip 9)"
    ));
    Ok(())
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

/// Every file under `dir`, recursively, leaving out precompressed copies.
pub(crate) fn walk(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in
            std::fs::read_dir(&dir).with_context(|| format!("cannot read {}", dir.display()))?
        {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if !matches!(path.extension().and_then(|e| e.to_str()), Some("br" | "gz")) {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Brotli at quality 11 (what a build step can afford; the server compresses dynamic pages faster).
pub(crate) fn brotli_bytes(raw: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        writer.write_all(raw)?;
    }
    Ok(out)
}

/// Gzip at level 9.
pub(crate) fn gzip_bytes(raw: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(raw)?;
    Ok(encoder.finish()?)
}

/// README command 1: build the app in release mode and run the server on SQLite in `./data`.
pub(crate) fn serve(extra: &[String]) -> anyhow::Result<()> {
    build_app()?;
    step("building and starting the server (motcua serve)");
    say("   data: ./data/motcua.sqlite and ./data/files — stop with Ctrl-C\n");
    run(util::cargo()
        .args([
            "run",
            "--release",
            "--package",
            "motcua-server",
            "--bin",
            "motcua",
            "--",
            "serve",
        ])
        .args(extra))
}
