//! Writes `dist/sw.js` from the template `public/sw.js`: the build's version and the list of files the
//! service worker precaches, both derived from what Trunk put into `dist/`, so no list is kept by hand.

use std::path::Path;

use anyhow::{Context as _, bail};

use crate::build::walk;

/// The placeholder in `public/sw.js` that becomes `{"version": "…", "core": [...], "app": [...]}`.
const PLACEHOLDER: &str = "/* MOTCUA_BUILD */ null";

/// What the service worker of this build precaches, as URL paths, in two parts.
pub(crate) struct Precache {
    /// At install, on the first visit of any page: the public pages' bundle, the CSS, icons, manifest,
    /// data files. With the home page this is the whole of a first visit of `/`.
    pub(crate) core: Vec<String>,
    /// Once the reader opens a procedure page (or a page of the full app, or comes back): the full
    /// app's bundle, which the app shell needs to open forms with no signal.
    pub(crate) app: Vec<String>,
}

impl Precache {
    /// Both parts.
    pub(crate) fn all(&self) -> impl Iterator<Item = &String> {
        self.core.iter().chain(&self.app)
    }
}

/// What the service worker of this build precaches: every file of `dist/` (both bundles), except the
/// template pages (the server renders pages; the worker stores the rendered home page itself), the worker
/// itself, and the icons only the browser's installer uses (512 px and maskable ones, fetched when the app
/// is installed), which would weigh on every first visit; split into the core and the full app's files.
pub(crate) fn precache_lists(dist: &Path) -> anyhow::Result<Precache> {
    let mut lists = Precache {
        core: Vec::new(),
        app: Vec::new(),
    };
    for file in walk(dist)? {
        let relative = file
            .strip_prefix(dist)
            .context("a file outside dist/")?
            .to_str()
            .with_context(|| format!("{} is not UTF-8", file.display()))?
            .replace('\\', "/");
        if !is_precached(&relative) {
            continue;
        }
        let list = if is_full_app(&relative) {
            &mut lists.app
        } else {
            &mut lists.core
        };
        list.push(format!("/{relative}"));
    }
    if lists.app.is_empty() {
        bail!("dist/ holds no file of the full app's bundle ({FULL_BUNDLE}*): was it built?");
    }
    Ok(lists)
}

/// The file-name prefix Trunk gives the full app's bundle (`data-bin="motcua-web"` in `index.html`):
/// its script and its WASM.
const FULL_BUNDLE: &str = "motcua-web-";

fn is_full_app(relative: &str) -> bool {
    relative.starts_with(FULL_BUNDLE)
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
    let precache = precache_lists(dist)?;
    // The version changes whenever the worker or any file it precaches changes.
    let mut hash = Fnv64::default();
    hash.update(source.as_bytes());
    for path in precache.all() {
        hash.update(path.as_bytes());
        hash.update(&[0]);
        let file = dist.join(path.trim_start_matches('/'));
        hash.update(
            &std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?,
        );
        hash.update(&[0]);
    }
    let version = format!("{:016x}", hash.finish());
    let list = |paths: &[String]| -> anyhow::Result<String> {
        Ok(paths
            .iter()
            .map(|p| json_string(p))
            .collect::<anyhow::Result<Vec<_>>>()?
            .join(", "))
    };
    let build = format!(
        "{{ \"version\": \"{version}\", \"core\": [{}], \"app\": [{}] }}",
        list(&precache.core)?,
        list(&precache.app)?
    );
    let out = dist.join("sw.js");
    std::fs::write(
        &out,
        without_comment_lines(&source.replace(PLACEHOLDER, &build)),
    )
    .with_context(|| format!("cannot write {}", out.display()))?;
    Ok(version)
}

/// The worker as sent: the template without its whole-line `//` comments and blank lines, which are
/// about 40 % of its weight on every first visit (the template in `public/` keeps them). Lines inside a
/// template literal (between backticks) are kept as they are.
fn without_comment_lines(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut in_template_literal = false;
    for line in source.lines() {
        let code = line.trim_start();
        if !in_template_literal && (code.is_empty() || code.starts_with("//")) {
            continue;
        }
        out.push_str(line);
        out.push('\n');
        if line.matches('`').count() % 2 == 1 {
            in_template_literal = !in_template_literal;
        }
    }
    out
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
    fn the_worker_is_sent_without_comment_lines_but_template_literals_stay_whole() {
        let source = "// about\n\n'use strict';\n  // why\nconst A = 1; // kept: code first\n\
                      const html = `<p>\n\n// shown\n${x ? `<b>` : ''}\n</p>`;\n// end\n";
        assert_eq!(
            without_comment_lines(source),
            "'use strict';\nconst A = 1; // kept: code first\nconst html = `<p>\n\n// shown\n\
             ${x ? `<b>` : ''}\n</p>`;\n"
        );
        let template = include_str!("../../public/sw.js");
        let sent = without_comment_lines(template);
        assert!(
            sent.len() < template.len() * 3 / 4,
            "{} of {}",
            sent.len(),
            template.len()
        );
        for kept in [
            PLACEHOLDER,
            "const MAX_KEPT_PAGES = 30;",
            "<p><a href=\"/\">Về trang chủ</a></p>",
        ] {
            assert!(sent.contains(kept), "{kept}");
        }
    }

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
        assert!(is_full_app("motcua-web-0123456789abcdef_bg.wasm"));
        assert!(is_full_app("motcua-web-0123456789abcdef.js"));
        assert!(!is_full_app("motcua-public-0123456789abcdef_bg.wasm"));
        assert!(!is_full_app("main-0123456789abcdef.css"));
    }

    #[test]
    fn writes_the_version_and_list_in_place_of_the_placeholder_and_changes_version_with_content() {
        let dir = std::env::temp_dir().join(format!("motcua-sw-test-{}", std::process::id()));
        let dist = dir.join("dist");
        std::fs::create_dir_all(dist.join("icons")).expect("dirs");
        let template = dir.join("sw.js");
        std::fs::write(&template, "const BUILD = /* MOTCUA_BUILD */ null;\n").expect("template");
        std::fs::write(dist.join("index.html"), "<html></html>").expect("index");
        std::fs::write(dist.join("motcua-public-0123456789abcdef.js"), "p").expect("js");
        std::fs::write(dist.join("motcua-web-0123456789abcdef.js"), "a").expect("js");
        std::fs::write(dist.join("icons/icon-192.png"), "png").expect("icon");

        let first = write(&template, &dist).expect("write");
        let written = std::fs::read_to_string(dist.join("sw.js")).expect("sw.js");
        std::fs::write(dist.join("motcua-web-0123456789abcdef.js"), "b").expect("js");
        let second = write(&template, &dist).expect("write again");
        let _ = std::fs::remove_dir_all(&dir);

        assert_eq!(
            written,
            format!(
                "const BUILD = {{ \"version\": \"{first}\", \"core\": [\"/icons/icon-192.png\", \"/motcua-public-0123456789abcdef.js\"], \"app\": [\"/motcua-web-0123456789abcdef.js\"] }};\n"
            )
        );
        assert_ne!(first, second, "new content, new version");
    }
}
