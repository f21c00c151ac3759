//! The pinned toolchain of `shared/design/TOOLCHAIN.md`, installed when missing into a versioned cache
//! outside the checkout (`~/.cache/motcua/tools/<tool>-<version>`), so a fresh clone on the same machine
//! does not rebuild them. Nothing is downloaded but from the package registries.

use std::{
    ffi::OsString,
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{Context as _, bail};

use crate::util::{self, output, run, say, step};

const TRUNK_VERSION: &str = "0.21.14";
/// Must equal the `wasm-bindgen` library in Cargo.lock (checked).
const WASM_BINDGEN_VERSION: &str = "0.2.130";
/// From npm, never Debian's binaryen 108, whose output fails in the browser
/// (`WebAssembly.Table.set(): Argument 1 is invalid`).
const BINARYEN_VERSION: &str = "132.0.0";
const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Where each installed tool is.
pub(crate) struct Tools {
    /// The `trunk` binary.
    pub(crate) trunk: PathBuf,
    /// Directory holding `wasm-bindgen`.
    wasm_bindgen_bin: PathBuf,
    /// Directory holding the npm binaryen's `wasm-opt`.
    wasm_opt_bin: PathBuf,
}

impl Tools {
    /// Installs what is missing and returns where everything is.
    pub(crate) fn ensure() -> anyhow::Result<Self> {
        let dir = cache_dir()?;
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        ensure_wasm_target()?;
        check_wasm_bindgen_lock()?;
        let trunk = ensure_cargo_tool(&dir, "trunk", TRUNK_VERSION, "trunk", true)?;
        let wasm_bindgen = ensure_cargo_tool(
            &dir,
            "wasm-bindgen-cli",
            WASM_BINDGEN_VERSION,
            "wasm-bindgen",
            // Its lock file pins a webpki-roots the registry here does not serve.
            false,
        )?;
        let wasm_opt = ensure_binaryen(&dir)?;
        Ok(Self {
            trunk,
            wasm_bindgen_bin: parent(&wasm_bindgen),
            wasm_opt_bin: parent(&wasm_opt),
        })
    }

    /// `PATH` with the pinned wasm-bindgen and wasm-opt first, for Trunk.
    pub(crate) fn path_env(&self) -> anyhow::Result<OsString> {
        let mut dirs = vec![self.wasm_opt_bin.clone(), self.wasm_bindgen_bin.clone()];
        if let Some(path) = std::env::var_os("PATH") {
            dirs.extend(std::env::split_paths(&path));
        }
        std::env::join_paths(dirs).context("cannot build PATH")
    }

    /// Prints where the tools are.
    pub(crate) fn describe(&self) {
        say(&format!("trunk:        {}", self.trunk.display()));
        say(&format!(
            "wasm-bindgen: {}",
            self.wasm_bindgen_bin.join("wasm-bindgen").display()
        ));
        say(&format!(
            "wasm-opt:     {}",
            self.wasm_opt_bin.join("wasm-opt").display()
        ));
    }
}

fn parent(path: &Path) -> PathBuf {
    path.parent().map_or_else(PathBuf::new, Path::to_path_buf)
}

/// `$MOTCUA_TOOLS_DIR`, else `$XDG_CACHE_HOME/motcua/tools`, else `~/.cache/motcua/tools`.
fn cache_dir() -> anyhow::Result<PathBuf> {
    if let Some(dir) = std::env::var_os("MOTCUA_TOOLS_DIR") {
        return Ok(PathBuf::from(dir));
    }
    let base = match std::env::var_os("XDG_CACHE_HOME") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(std::env::var_os("HOME").context("HOME is not set")?).join(".cache"),
    };
    Ok(base.join("motcua").join("tools"))
}

fn ensure_wasm_target() -> anyhow::Result<()> {
    let installed = output(Command::new("rustup").current_dir(util::root()).args([
        "target",
        "list",
        "--installed",
    ]))
    .context("cannot run `rustup target list --installed` (is rustup on PATH?)")?;
    if installed.lines().any(|l| l.trim() == WASM_TARGET) {
        return Ok(());
    }
    step(&format!("installing the Rust target {WASM_TARGET}"));
    run(Command::new("rustup")
        .current_dir(util::root())
        .args(["target", "add", WASM_TARGET]))
}

/// Trunk fails at bind time when the CLI and the library differ: say so before building.
fn check_wasm_bindgen_lock() -> anyhow::Result<()> {
    let lock_path = util::root().join("Cargo.lock");
    let lock = std::fs::read_to_string(&lock_path)
        .with_context(|| format!("cannot read {}", lock_path.display()))?;
    let locked = lock
        .split("[[package]]")
        .find(|pkg| pkg.contains("\nname = \"wasm-bindgen\"\n"))
        .and_then(|pkg| {
            pkg.lines()
                .find_map(|l| l.strip_prefix("version = \""))
                .map(|v| v.trim_end_matches('"').to_owned())
        })
        .context("Cargo.lock has no wasm-bindgen package")?;
    if locked != WASM_BINDGEN_VERSION {
        bail!(
            "Cargo.lock has wasm-bindgen {locked}, but the pinned wasm-bindgen-cli is {WASM_BINDGEN_VERSION}; \
             they must be equal. Pin the library back (`cargo update -p wasm-bindgen --precise {WASM_BINDGEN_VERSION}`) \
             or change WASM_BINDGEN_VERSION in xtask/src/tools.rs after checking the new CLI installs here"
        );
    }
    Ok(())
}

/// `cargo install <krate> --version <version> --root <cache>/<krate>-<version>` when its binary is missing.
fn ensure_cargo_tool(
    cache: &Path,
    krate: &str,
    version: &str,
    binary: &str,
    locked: bool,
) -> anyhow::Result<PathBuf> {
    let root = cache.join(format!("{krate}-{version}"));
    let bin = root.join("bin").join(binary);
    if reports_version(&bin, version) {
        return Ok(bin);
    }
    step(&format!(
        "installing {krate} {version} into {} (once per machine; several minutes on 2 cores)",
        root.display()
    ));
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    // Outside the workspace, so its config and toolchain file do not apply to the tool's build.
    cmd.current_dir(cache)
        .args(["install", krate, "--version", version, "--root"])
        .arg(&root);
    if locked {
        cmd.arg("--locked");
    }
    run(&mut cmd)?;
    if !reports_version(&bin, version) {
        bail!(
            "{} was installed but does not report version {version}",
            bin.display()
        );
    }
    Ok(bin)
}

/// `npm install binaryen@132.0.0` into the cache when its `wasm-opt` is missing.
fn ensure_binaryen(cache: &Path) -> anyhow::Result<PathBuf> {
    let root = cache.join(format!("binaryen-{BINARYEN_VERSION}"));
    let bin = root.join("node_modules").join(".bin").join("wasm-opt");
    let major = BINARYEN_VERSION
        .split('.')
        .next()
        .unwrap_or(BINARYEN_VERSION);
    let expected = format!("version {major}");
    if reports_version(&bin, &expected) {
        return Ok(bin);
    }
    step(&format!(
        "installing wasm-opt from the npm package binaryen {BINARYEN_VERSION}"
    ));
    std::fs::create_dir_all(&root)?;
    run(Command::new("npm")
        .current_dir(&root)
        .args([
            "install",
            "--no-audit",
            "--no-fund",
            "--no-save",
            "--prefix",
        ])
        .arg(&root)
        .arg(format!("binaryen@{BINARYEN_VERSION}")))?;
    if !reports_version(&bin, &expected) {
        bail!("{} does not report {expected}", bin.display());
    }
    Ok(bin)
}

fn reports_version(bin: &Path, version: &str) -> bool {
    bin.is_file()
        && output(Command::new(bin).arg("--version")).is_some_and(|out| out.contains(version))
}

/// Installs Debian's Chromium and ChromeDriver with apt-get when missing.
pub(crate) fn ensure_chromium() -> anyhow::Result<PathBuf> {
    let chromium = PathBuf::from("/usr/bin/chromium");
    let driver = PathBuf::from("/usr/bin/chromedriver");
    if chromium.is_file() && driver.is_file() {
        return Ok(chromium);
    }
    step("installing Debian's chromium and chromium-driver for the browser tests");
    run(Command::new("apt-get").arg("update"))?;
    run(Command::new("apt-get")
        .env("DEBIAN_FRONTEND", "noninteractive")
        .args([
            "install",
            "-y",
            "--no-install-recommends",
            "chromium",
            "chromium-driver",
        ]))?;
    if !chromium.is_file() {
        bail!("apt-get finished but {} is missing", chromium.display());
    }
    Ok(chromium)
}

/// Installs the browser tests' npm packages (`npm ci` in `tests/browser`) unless the installed ones
/// match the lock file; answers the directory.
pub(crate) fn ensure_browser_test_packages() -> anyhow::Result<PathBuf> {
    ensure_npm_packages(
        "browser",
        "playwright-core",
        "the browser tests' npm packages",
    )
}

/// Installs the test OpenID provider's npm packages (`npm ci` in `tests/oidc`: `oidc-provider`, run by
/// the VNeID sign-in tests) unless the installed ones match the lock file; answers the directory.
pub(crate) fn ensure_oidc_provider_packages() -> anyhow::Result<PathBuf> {
    ensure_npm_packages(
        "oidc",
        "oidc-provider",
        "the test OpenID provider's npm packages",
    )
}

/// `npm ci` in `tests/<name>` unless `node_modules/<marker>` is there and the lock file is the one
/// installed.
fn ensure_npm_packages(name: &str, marker: &str, what: &str) -> anyhow::Result<PathBuf> {
    let dir = util::root().join("tests").join(name);
    let lock = std::fs::read(dir.join("package-lock.json"))
        .with_context(|| format!("tests/{name}/package-lock.json is missing"))?;
    // npm gives installed files a fixed old mtime, so compare contents: a copy of the lock file that
    // was installed is kept beside the packages.
    let stamp = dir.join("node_modules").join(".motcua-installed-lock.json");
    let installed = dir.join("node_modules").join(marker).is_dir();
    if !installed || std::fs::read(&stamp).ok().as_deref() != Some(lock.as_slice()) {
        step(&format!("installing {what}"));
        run(Command::new("npm")
            .current_dir(&dir)
            .args(["ci", "--no-audit", "--no-fund"]))?;
        std::fs::write(&stamp, &lock)?;
    }
    Ok(dir)
}

/// Installs Debian's `wrk` (the HTTP load generator of `cargo xtask bench server`) with apt-get when
/// missing.
pub(crate) fn ensure_wrk() -> anyhow::Result<PathBuf> {
    let wrk = PathBuf::from("/usr/bin/wrk");
    if wrk.is_file() {
        return Ok(wrk);
    }
    step("installing Debian's wrk for the server benchmark");
    run(Command::new("apt-get").arg("update"))?;
    run(Command::new("apt-get")
        .env("DEBIAN_FRONTEND", "noninteractive")
        .args(["install", "-y", "--no-install-recommends", "wrk"]))?;
    if !wrk.is_file() {
        bail!("apt-get finished but {} is missing", wrk.display());
    }
    Ok(wrk)
}
