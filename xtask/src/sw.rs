//! Writes `dist/sw.js` from the template `public/sw.js`: the build's version and the list of files the
//! service worker precaches, both derived from what Trunk put into `dist/`, so no list is kept by hand.

use std::path::Path;

use anyhow::{Context as _, bail};

use crate::build::walk;

/// The placeholder in `public/sw.js` that becomes `{"version": "…", "precache": [...]}`.
const PLACEHOLDER: &str = "/* MOTCUA_BUILD */ null";

/// What the service worker of this build precaches: every file of `dist/` as a URL path (both bundles),
/// except the template pages (the server renders pages; the worker stores the rendered home page itself), the worker
/// itself, and the icons only the browser's installer uses (512 px and maskable ones, fetched when the app
/// is installed), which would weigh on every first visit.
pub(crate) fn precache_list(dist: &Path) -> anyhow::Result<Vec<String>> {
    let mut paths = Vec::new();
    for file in walk(dist)? {
        let relative = file
            .strip_prefix(dist)
            .context("a file outside dist/")?
            .to_str()
            .with_context(|| format!("{} is not UTF-8", file.display()))?
            .replace('\\', "/");
        if is_precached(&relative) {
            paths.push(format!("/{relative}"));
        }
    }
    Ok(paths)
}

fn is_precached(relative: &str) -> bool {
    let install_only_icon = relative.starts_with("icons/")
        && (relative.contains("512") || relative.contains("maskable"));
    !matches!(relative, "index.html" | crate::build::PUBLIC_HTML | "sw.js") && !install_only_icon
}

/// Writes `dist/sw.js` and returns the build's version.
pub(crate) fn write(template: &Path, dist: &Path) -> anyhow::Result<String> {
    let source = std::fs::read_to_string(template)
        .with_context(|| format!("cannot read {}", template.display()))?;
    if source.matches(PLACEHOLDER).count() != 1 {
        bail!(
            "{} must contain `{PLACEHOLDER}` exactly once",
            template.display()
        );
    }
    let precache = precache_list(dist)?;
    // The version changes whenever the worker or any file it precaches changes.
    let mut hash = Fnv64::default();
    hash.update(source.as_bytes());
    for path in &precache {
        hash.update(path.as_bytes());
        hash.update(&[0]);
        let file = dist.join(path.trim_start_matches('/'));
        hash.update(
            &std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?,
        );
        hash.update(&[0]);
    }
    let version = format!("{:016x}", hash.finish());
    let list = precache
        .iter()
        .map(|p| json_string(p))
        .collect::<anyhow::Result<Vec<_>>>()?
        .join(", ");
    let build = format!("{{ \"version\": \"{version}\", \"precache\": [{list}] }}");
    let out = dist.join("sw.js");
    std::fs::write(&out, source.replace(PLACEHOLDER, &build))
        .with_context(|| format!("cannot write {}", out.display()))?;
    Ok(version)
}

/// A URL path as a JSON string; built file names are plain ASCII, anything else is refused rather than
/// escaped wrongly.
fn json_string(path: &str) -> anyhow::Result<String> {
    if !path
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"/._-".contains(&b))
    {
        bail!("dist/ has a file name the service worker list cannot carry as it is: {path}");
    }
    Ok(format!("\"{path}\""))
}

/// FNV-1a, 64 bits: a build version, not a security measure; stable across Rust releases, unlike std's
/// hasher.
struct Fnv64(u64);

impl Default for Fnv64 {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv64 {
    fn update(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    const fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precaches_built_files_but_not_the_template_the_worker_or_install_only_icons() {
        for path in [
            "motcua-web-0123456789abcdef_bg.wasm",
            "motcua-web-0123456789abcdef.js",
            "main-0123456789abcdef.css",
            "manifest.webmanifest",
            "icons/icon.svg",
            "icons/icon-192.png",
        ] {
            assert!(is_precached(path), "{path}");
        }
        for path in [
            "index.html",
            "public.html",
            "sw.js",
            "icons/icon-512.png",
            "icons/icon-maskable-192.png",
            "icons/icon-maskable.svg",
        ] {
            assert!(!is_precached(path), "{path}");
        }
    }

    #[test]
    fn writes_the_version_and_list_in_place_of_the_placeholder_and_changes_version_with_content() {
        let dir = std::env::temp_dir().join(format!("motcua-sw-test-{}", std::process::id()));
        let dist = dir.join("dist");
        std::fs::create_dir_all(dist.join("icons")).expect("dirs");
        let template = dir.join("sw.js");
        std::fs::write(&template, "const BUILD = /* MOTCUA_BUILD */ null;\n").expect("template");
        std::fs::write(dist.join("index.html"), "<html></html>").expect("index");
        std::fs::write(dist.join("app-0123456789abcdef.js"), "a").expect("js");
        std::fs::write(dist.join("icons/icon-192.png"), "png").expect("icon");

        let first = write(&template, &dist).expect("write");
        let written = std::fs::read_to_string(dist.join("sw.js")).expect("sw.js");
        std::fs::write(dist.join("app-0123456789abcdef.js"), "b").expect("js");
        let second = write(&template, &dist).expect("write again");
        let _ = std::fs::remove_dir_all(&dir);

        assert_eq!(
            written,
            format!(
                "const BUILD = {{ \"version\": \"{first}\", \"precache\": [\"/app-0123456789abcdef.js\", \"/icons/icon-192.png\"] }};\n"
            )
        );
        assert_ne!(first, second, "new content, new version");
    }
}
