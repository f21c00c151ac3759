//! `cargo xtask bench size`: what a phone downloads; `cargo xtask bench server`: see [`server`].

pub(crate) mod server;

use std::{
    collections::BTreeSet,
    io::{BufRead as _, BufReader, Read as _, Write as _},
    net::TcpStream,
    process::{Command, Stdio},
    time::Duration,
};

use anyhow::{Context as _, bail};

use crate::{
    build::{brotli_bytes, build_app, gzip_bytes, walk},
    util::{self, cargo, run, say, step},
};

struct Sizes {
    raw: usize,
    gzip: usize,
    brotli: usize,
}

fn sizes(bytes: &[u8]) -> anyhow::Result<Sizes> {
    // No body (a 304) is sent as nothing, not as an empty compressed stream.
    if bytes.is_empty() {
        return Ok(Sizes {
            raw: 0,
            gzip: 0,
            brotli: 0,
        });
    }
    Ok(Sizes {
        raw: bytes.len(),
        gzip: gzip_bytes(bytes)?.len(),
        brotli: brotli_bytes(bytes)?.len(),
    })
}

fn row(name: &str, s: &Sizes) -> String {
    format!("{name:<48} {:>10} {:>10} {:>10}", s.raw, s.gzip, s.brotli)
}

pub(crate) fn size() -> anyhow::Result<()> {
    let dist = build_app()?;
    step("sizes of dist/ (bytes)");
    say(&format!(
        "{:<48} {:>10} {:>10} {:>10}",
        "file", "raw", "gzip", "brotli"
    ));
    for file in walk(&dist)? {
        let name = file
            .strip_prefix(&dist)
            .unwrap_or(&file)
            .display()
            .to_string();
        say(&row(&name, &sizes(&std::fs::read(&file)?)?));
    }

    let pages = fetch_pages()?;
    let (html, shell_source) = (&pages.home, &pages.shell_source);
    let mut total = Sizes {
        raw: 0,
        gzip: 0,
        brotli: 0,
    };
    let add = |total: &mut Sizes, name: &str, s: Sizes| {
        say(&row(name, &s));
        total.raw += s.raw;
        total.gzip += s.gzip;
        total.brotli += s.brotli;
    };

    step(
        "1. the home page until it is rendered and interactive (the server-rendered page and every file \
         it links: CSS, the public pages' bundle, icons, manifest)",
    );
    add(
        &mut total,
        "/ (server-rendered HTML)",
        sizes(html.as_bytes())?,
    );
    // Links to other pages (`<a href="/tra-cuu">`) are no files and are left out.
    let linked: BTreeSet<String> = linked_files(html)
        .into_iter()
        .filter(|path| dist.join(path.trim_start_matches('/')).is_file())
        .collect();
    for path in &linked {
        add(&mut total, path, sizes(&read_dist(&dist, path)?)?);
    }
    say(&row("TOTAL home page, rendered and interactive", &total));
    let interactive = total.brotli;

    step(
        "2. the rest of the first visit, in the background once the page is interactive (the service \
         worker and its core precache: the home page for offline use and the files the page did not load)",
    );
    // The worker installs after the page is interactive (the WASM registers it last) and downloads its
    // core list; files the page has loaded already come from the HTTP cache, so each counts once.
    let precache = crate::sw::precache_lists(&dist)?;
    let mut files: BTreeSet<String> = BTreeSet::from(["/sw.js".to_owned()]);
    files.extend(precache.core.iter().cloned());
    for path in files.difference(&linked) {
        add(&mut total, path, sizes(&read_dist(&dist, path)?)?);
    }
    // The worker's copy of the page: the install revalidates it (`cache: 'no-cache'`) with the validator
    // the page came with; the server answers 304 without a body while the page is the same.
    add(
        &mut total,
        if pages.home_again.is_empty() {
            "/ again (the service worker's copy: 304)"
        } else {
            "/ again (the service worker's copy)"
        },
        sizes(pages.home_again.as_bytes())?,
    );
    say(&row(
        "TOTAL first visit of the home page, all files",
        &total,
    ));
    let first_visit = total.brotli;

    step(
        "3. later, once the reader is about to file (a procedure page, a page of the full app, back on the \
         home page): the full app for use with no signal (the worker's app precache)",
    );
    let mut later = Sizes {
        raw: 0,
        gzip: 0,
        brotli: 0,
    };
    for path in &precache.app {
        add(&mut later, path, sizes(&read_dist(&dist, path)?)?);
    }
    add(
        &mut later,
        &format!("{SHELL_SOURCE} (the source of the worker's app shell)"),
        sizes(shell_source.as_bytes())?,
    );
    say(&row("TOTAL the full app for offline use", &later));

    let verdict = |bytes: usize| {
        let kb = bytes as f64 / 1000.0;
        let verdict = if kb <= 200.0 {
            "within the goal"
        } else if kb <= 250.0 {
            "within the budget, above the goal"
        } else {
            "OVER THE BUDGET"
        };
        format!("{kb:.1} KB (budget 250 KB, goal 200 KB): {verdict}")
    };
    say(&format!(
        "\nhome page rendered and interactive, brotli: {}",
        verdict(interactive)
    ));
    say(&format!(
        "first visit of the home page, all files (with the service worker's install), brotli: {}",
        verdict(first_visit)
    ));
    say(&format!(
        "the full app for offline use, fetched at the first procedure page, brotli: {:.1} KB",
        later.brotli as f64 / 1000.0
    ));
    Ok(())
}

/// The page of the full app whose empty-bodied copy the service worker keeps as its app shell
/// (`SHELL_SOURCE` in `public/sw.js`).
const SHELL_SOURCE: &str = "/ho-so";

fn read_dist(dist: &std::path::Path, path: &str) -> anyhow::Result<Vec<u8>> {
    std::fs::read(dist.join(path.trim_start_matches('/')))
        .with_context(|| format!("the first visit loads {path}, which is not in dist/"))
}

/// Paths on this site that the page loads: `href`/`src` attributes and the quoted module and wasm paths
/// of Trunk's loader.
fn linked_files(html: &str) -> BTreeSet<String> {
    let attr = regex_lite::Regex::new(r#"(?:href|src)="(/[^"]*)""#).expect("valid regex");
    let quoted = regex_lite::Regex::new(r"'(/[^']+)'").expect("valid regex");
    attr.captures_iter(html)
        .chain(quoted.captures_iter(html))
        .filter_map(|c| c.get(1).map(|m| m.as_str().to_owned()))
        .filter(|p| p != "/" && !p.starts_with("//") && !p.starts_with("/thu-tuc"))
        .collect()
}

/// The pages a first visit and the worker's precache download.
struct Pages {
    /// `/` as the reader loads it.
    home: String,
    /// The body of `/` fetched again with its validator, as the worker's install does (empty on a 304).
    home_again: String,
    /// The page the worker's app shell is made of.
    shell_source: String,
}

/// Starts the server on a free port with a throw-away data directory and fetches the pages.
fn fetch_pages() -> anyhow::Result<Pages> {
    run(cargo().args(["build", "--quiet", "-p", "motcua-server", "--bin", "motcua"]))?;
    let root = util::root();
    let data = std::env::temp_dir().join(format!("motcua-bench-{}", std::process::id()));
    let mut server = Command::new(util::target_dir().join("debug").join("motcua"))
        .current_dir(&root)
        .args(["serve", "--bind", "127.0.0.1:0", "--data-dir"])
        .arg(&data)
        .env_remove("DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .context("cannot start the motcua binary built for the benchmark")?;
    let result = (|| {
        let stdout = server.stdout.take().context("no stdout")?;
        let addr = BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .find_map(|line| {
                line.split("http://")
                    .nth(1)
                    .map(|rest| rest.trim_end_matches('/').to_owned())
            })
            .context("the server did not say where it listens")?;
        let (head, home) = http_get(&addr, "/", "")?;
        let revalidate = head
            .lines()
            .find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.eq_ignore_ascii_case("etag")
                    .then(|| value.trim().to_owned())
            })
            .map(|etag| format!("If-None-Match: {etag}\r\n"))
            .unwrap_or_default();
        Ok(Pages {
            home,
            home_again: http_get(&addr, "/", &revalidate)?.1,
            shell_source: http_get(&addr, SHELL_SOURCE, "")?.1,
        })
    })();
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&data);
    result
}

/// A plain HTTP/1.1 GET without compression, with extra header lines (each ending in CRLF); returns the
/// head and the body of a 200 or 304 answer.
fn http_get(addr: &str, path: &str, extra_headers: &str) -> anyhow::Result<(String, String)> {
    let mut stream =
        TcpStream::connect(addr).with_context(|| format!("cannot connect to {addr}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept-Encoding: identity\r\n{extra_headers}Connection: close\r\n\r\n"
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let (head, body) = response
        .split_once("\r\n\r\n")
        .context("malformed HTTP response")?;
    if !head.starts_with("HTTP/1.1 200") && !head.starts_with("HTTP/1.1 304") {
        bail!(
            "GET {path} answered {}",
            head.lines().next().unwrap_or_default()
        );
    }
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        bail!("unexpected chunked response for {path}");
    }
    Ok((head.to_owned(), body.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::linked_files;

    #[test]
    fn finds_the_files_a_trunk_page_links() {
        let html = r#"<link rel="stylesheet" href="/main-1.css"/><script type="module">
import init from '/web-1.js'; await init({ module_or_path: '/web-1_bg.wasm' });</script>
<a href="/">home</a><a href="/thu-tuc/x">x</a>"#;
        let files: Vec<_> = linked_files(html).into_iter().collect();
        assert_eq!(files, ["/main-1.css", "/web-1.js", "/web-1_bg.wasm"]);
    }
}
