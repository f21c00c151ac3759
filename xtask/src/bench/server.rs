//! `cargo xtask bench server`: how many durable submissions and look-ups the release server takes on
//! this machine, how fast it answers, how much memory it holds — and, in the same run, the machine's
//! ceilings (an empty axum handler, a bare durable SQLite insert loop) so each figure comes with a ratio.
//!
//! The load comes from Debian's `wrk` on loopback, one thread, closed loop: each connection sends its
//! next request when the answer to the previous one has arrived. Its Lua scripts (written here) give every
//! submission a new `Idempotency-Key`, so each request makes a new dossier and commits it (201), and
//! report the figures on one `MOTCUA …` line that this module parses. "At 80 % of peak" runs add a
//! per-connection pause (wrk's `delay()`), calibrated by a short trial, so that the offered rate is
//! 80 % of the best rate measured before.
//!
//! It is a benchmark, not a test: the targets of issue 5 are printed next to the figures, nothing fails
//! on them. The load generator shares the machine's cores with the server, as the baselines do.

use std::{
    io::{BufRead as _, BufReader, Read as _, Write as _},
    net::TcpStream,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use anyhow::{Context as _, bail};

use crate::{
    tools,
    util::{self, cargo, run, say, step},
};

/// Connection counts of the throughput runs.
const CONNECTIONS: [u32; 4] = [1, 16, 64, 256];
/// The memory target's connection count (look-ups).
const MANY_CONNECTIONS: u32 = 1_000;
/// Length of one measured run.
const RUN: Duration = Duration::from_secs(10);
/// Length of one run against the empty handler, and of the trial before an 80 % run.
const SHORT_RUN: Duration = Duration::from_secs(3);
/// Length of the bare insert loop.
const INSERT_LOOP: Duration = Duration::from_secs(10);
/// Dossiers submitted before the runs, whose codes the look-ups ask for.
const SEEDED_DOSSIERS: usize = 200;
/// The applicant's phone on every dossier: the look-up's second factor.
const PHONE: &str = "0912345678";
/// A valid termination of a household business (as in `server/tests/api/dossiers.rs`).
const SUBMISSION: &str = r#"{"procedure":"hkd_termination","form_version":"tt68_mau4","form":{"office":"21025","hkd_name":"Hộ kinh doanh Bánh mì Cô Ba","hkd_code":"051085012345","signatory":"owner","signatory_name":"Nguyễn Thị Ba","filer_phone":"0912345678","commitments":{"debts_settled":true,"responsible":true}},"applicant":{"name":"Nguyễn Thị Ba","phone":"0912345678"}}"#;

/// The targets of issue 5 (2 cores), shown next to the figures.
mod target {
    pub(super) const SUBMISSIONS_PER_SECOND: f64 = 1_000.0;
    pub(super) const LOOKUPS_PER_SECOND: f64 = 10_000.0;
    pub(super) const P99_MS_AT_80_PERCENT: f64 = 50.0;
    pub(super) const RSS_MB_AT_1000_CONNECTIONS: f64 = 150.0;
}

pub(crate) fn server() -> anyhow::Result<()> {
    let wrk = Wrk {
        bin: tools::ensure_wrk()?,
    };
    step("building the server and the baselines (release)");
    run(cargo().args([
        "build",
        "--release",
        "-p",
        "motcua-server",
        "--bin",
        "motcua",
    ]))?;
    // In a target directory of its own: building an example turns on the server's dev-dependencies,
    // whose features would otherwise make each of the two builds undo the other.
    let baseline_target = util::target_dir().join("bench-baseline");
    run(cargo()
        .args([
            "build",
            "--release",
            "-p",
            "motcua-server",
            "--example",
            "bench_baseline",
        ])
        .env("CARGO_TARGET_DIR", &baseline_target))?;
    let release = util::target_dir().join("release");
    let baseline_bin = baseline_target
        .join("release")
        .join("examples")
        .join("bench_baseline");
    let work = TempDir::new()?;
    describe_machine(&work.0);

    step(&format!(
        "ceiling 1/2: bare SQLite inserts, one row per committed transaction, WAL + synchronous=FULL ({} s)",
        INSERT_LOOP.as_secs()
    ));
    let bare = bare_inserts(&baseline_bin, &work.0.join("bare"))?;
    say(&format!(
        "bare durable inserts/s: {}   commit p50 {}   p99 {}",
        grouped(bare.per_second),
        ms(bare.p50_ms),
        ms(bare.p99_ms)
    ));

    step("ceiling 2/2: an empty axum handler (GET / → 200)");
    let baseline =
        Spawned::start(Command::new(&baseline_bin).args(["empty-http", "--bind", "127.0.0.1:0"]))?;
    let empty_url = format!("http://{}/", baseline.addr);
    let mut empty = Vec::new();
    for connections in CONNECTIONS {
        let load = wrk.run(
            &empty_url,
            &work.script("empty.lua", &plain_script())?,
            connections,
            SHORT_RUN,
        )?;
        say(&load.row("empty handler", connections));
        empty.push((connections, load));
    }
    let empty_rss = baseline.rss()?;
    drop(baseline);

    step(
        "the release server: motcua serve, SQLite WAL + synchronous=FULL in a fresh data directory",
    );
    let dist = stub_dist(&work.0)?;
    let data = work.0.join("data");
    let server = Spawned::start(
        Command::new(release.join("motcua"))
            .current_dir(util::root())
            .args([
                "serve",
                "--bind",
                "127.0.0.1:0",
                "--lookups-per-minute",
                "100000000",
            ])
            .arg("--data-dir")
            .arg(&data)
            .arg("--dist-dir")
            .arg(&dist)
            .env_remove("DATABASE_URL")
            .env_remove("MOTCUA_FILES_URL")
            .env_remove("MOTCUA_TRUST_FORWARDED"),
    )?;
    let url = format!("http://{}", server.addr);
    say(&format!(
        "listening at {url}/ (pid {}), data in {}",
        server.child.id(),
        data.display()
    ));
    let codes = seed(&server.addr)?;
    say(&format!(
        "{} dossiers submitted to look up ({} … {})",
        codes.len(),
        codes.first().map_or("", String::as_str),
        codes.last().map_or("", String::as_str)
    ));

    step(
        "durable submissions: POST /api/v1/dossiers, a new Idempotency-Key each (201 after commit)",
    );
    let mut run_id: u32 = 0;
    let mut submit = |delay_ms: Option<u64>| {
        run_id += 1;
        work.script(
            &format!("submit-{run_id}.lua"),
            &submit_script(run_id, delay_ms),
        )
    };
    let submit_url = format!("{url}/api/v1/dossiers");
    let mut submissions = Vec::new();
    for connections in CONNECTIONS {
        let load = wrk.run(&submit_url, &submit(None)?, connections, RUN)?;
        say(&load.row("submissions", connections));
        submissions.push((connections, load));
    }

    step("status look-ups: GET /api/v1/dossiers/{code}?phone=… of existing dossiers");
    let lookup_file = work.script("lookup.lua", &lookup_script(&codes, None))?;
    let mut lookups = Vec::new();
    for connections in CONNECTIONS {
        let load = wrk.run(&url, &lookup_file, connections, RUN)?;
        say(&load.row("look-ups", connections));
        lookups.push((connections, load));
    }
    let sampler = RssSampler::start(server.child.id());
    let many = wrk.run(&url, &lookup_file, MANY_CONNECTIONS, RUN)?;
    let rss_at_many = sampler.stop();
    say(&many.row("look-ups", MANY_CONNECTIONS));
    say(&format!(
        "server RSS during the {MANY_CONNECTIONS}-connection run: at most {:.1} MB",
        mb(rss_at_many)
    ));

    step("latency at 80 % of the peak rate (paced connections)");
    let submissions_peak = peak(&submissions);
    let submissions_80 = at_80_percent(
        &wrk,
        &submit_url,
        &submissions_peak,
        unloaded(&submissions),
        &mut submit,
    )?;
    let lookups_peak = peak(&lookups);
    let lookups_80 = at_80_percent(&wrk, &url, &lookups_peak, unloaded(&lookups), |delay| {
        work.script("lookup-paced.lua", &lookup_script(&codes, delay))
    })?;
    let server_rss = server.rss()?;
    drop(server);
    say(&format!(
        "load average after the runs: {} (the benchmark's own load included)",
        load_average()
    ));

    step("summary");
    summary(&Figures {
        bare,
        empty: &empty,
        empty_rss,
        submissions: &submissions,
        submissions_80: &submissions_80,
        lookups: &lookups,
        lookups_80: &lookups_80,
        many: &many,
        rss_at_many,
        server_rss,
    });
    Ok(())
}

/// One wrk run's figures.
#[derive(Debug, Clone, Copy, Default)]
struct Load {
    requests: u64,
    seconds: f64,
    p50_ms: f64,
    p99_ms: f64,
    mean_ms: f64,
    /// Answers that were not 2xx/3xx, timeouts, and socket errors.
    errors: u64,
}

impl Load {
    fn per_second(&self) -> f64 {
        if self.seconds > 0.0 {
            self.requests as f64 / self.seconds
        } else {
            0.0
        }
    }

    fn row(&self, what: &str, connections: u32) -> String {
        format!(
            "{what:<16} {connections:>5} connections {:>9}/s   p50 {:>7.2} ms   p99 {:>7.2} ms{}",
            grouped(self.per_second()),
            self.p50_ms,
            self.p99_ms,
            if self.errors == 0 {
                String::new()
            } else {
                format!("   {} ERRORS", self.errors)
            }
        )
    }

    /// Parses the `MOTCUA key=value …` line the scripts' `done()` prints.
    fn parse(stdout: &str) -> anyhow::Result<Self> {
        let line = stdout
            .lines()
            .find_map(|l| l.strip_prefix("MOTCUA "))
            .context("wrk did not print the script's MOTCUA line")?;
        let mut load = Self::default();
        for pair in line.split_whitespace() {
            let (key, value) = pair
                .split_once('=')
                .with_context(|| format!("malformed {pair:?}"))?;
            let number: f64 = value
                .parse()
                .with_context(|| format!("malformed {pair:?}"))?;
            match key {
                "requests" => load.requests = number as u64,
                "duration_us" => load.seconds = number / 1e6,
                "p50_us" => load.p50_ms = number / 1e3,
                "p99_us" => load.p99_ms = number / 1e3,
                "mean_us" => load.mean_ms = number / 1e3,
                "errors" => load.errors = number as u64,
                _ => {}
            }
        }
        Ok(load)
    }
}

struct Wrk {
    bin: PathBuf,
}

impl Wrk {
    fn run(
        &self,
        url: &str,
        script: &Path,
        connections: u32,
        duration: Duration,
    ) -> anyhow::Result<Load> {
        let out = Command::new(&self.bin)
            .args(["--threads", "1", "--timeout", "10s", "--connections"])
            .arg(connections.to_string())
            .arg("--duration")
            .arg(format!("{}s", duration.as_secs()))
            .arg("--script")
            .arg(script)
            .arg(url)
            .stderr(Stdio::inherit())
            .output()
            .with_context(|| format!("cannot run {}", self.bin.display()))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() {
            bail!("wrk failed ({}):\n{stdout}", out.status);
        }
        Load::parse(&stdout).with_context(|| format!("in wrk's output:\n{stdout}"))
    }
}

/// The common end of every script: the figures on one line, latencies in microseconds.
const DONE: &str = r#"
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "MOTCUA requests=%d duration_us=%d p50_us=%d p99_us=%d mean_us=%.0f errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.mean,
    e.status + e.timeout + e.connect + e.read + e.write))
end
"#;

fn plain_script() -> String {
    DONE.to_owned()
}

/// A `delay()` of `delay_ms` on average (uniformly 0.5× to 1.5×, so paced connections do not march in step).
fn delay_function(delay_ms: Option<u64>) -> String {
    delay_ms.map_or_else(String::new, |ms| {
        format!("delay = function() return math.floor({ms} * (0.5 + math.random()) + 0.5) end\n")
    })
}

/// Every request a new dossier: the key is `<run>-<thread>-4000-8000-<counter>`, unique in the run.
fn submit_script(run_id: u32, delay_ms: Option<u64>) -> String {
    format!(
        r#"wrk.method = "POST"
local body = [==[{SUBMISSION}]==]
local counter = 0
thread_no = 0
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("thread_no", threads)
end
request = function()
  counter = counter + 1
  local key = string.format("%08x-%04x-4000-8000-%012x", {run_id}, thread_no, counter)
  return wrk.format("POST", "/api/v1/dossiers",
    {{["Content-Type"] = "application/json", ["Idempotency-Key"] = key}}, body)
end
{}{DONE}"#,
        delay_function(delay_ms)
    )
}

/// Round-robin over the seeded dossiers' look-up requests, formatted once.
fn lookup_script(codes: &[String], delay_ms: Option<u64>) -> String {
    let list = codes
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        r#"local codes = {{ {list} }}
local requests = {{}}
local i = 0
init = function(args)
  for k, code in ipairs(codes) do
    requests[k] = wrk.format("GET", "/api/v1/dossiers/" .. code .. "?phone={PHONE}")
  end
  i = math.random(#requests)
end
request = function()
  i = i % #requests + 1
  return requests[i]
end
{}{DONE}"#,
        delay_function(delay_ms)
    )
}

/// The run with the most requests a second.
fn peak(runs: &[(u32, Load)]) -> (u32, Load) {
    runs.iter()
        .max_by(|a, b| a.1.per_second().total_cmp(&b.1.per_second()))
        .copied()
        .unwrap_or_default()
}

/// The one-connection run.
fn unloaded(runs: &[(u32, Load)]) -> Load {
    runs.iter()
        .find(|(c, _)| *c == 1)
        .map(|(_, l)| *l)
        .unwrap_or_default()
}

/// A paced run at 80 % of `peak`'s rate. Enough connections that each waits about 100 ms between
/// requests (wrk's delay is in whole milliseconds); short trials measure what a pause really gives at
/// this rate, and the pause is corrected up to twice before the measured run.
fn at_80_percent(
    wrk: &Wrk,
    url: &str,
    (peak_connections, peak): &(u32, Load),
    unloaded: Load,
    mut script: impl FnMut(Option<u64>) -> anyhow::Result<PathBuf>,
) -> anyhow::Result<Paced> {
    let rate = 0.8 * peak.per_second();
    let connections = ((rate * 0.1).ceil() as u32).clamp(16, MANY_CONNECTIONS);
    let cycle_ms = f64::from(connections) * 1000.0 / rate;
    let mut delay = (cycle_ms - unloaded.mean_ms).max(0.0);
    for _ in 0..2 {
        let trial = wrk.run(
            url,
            &script(Some(delay.round() as u64))?,
            connections,
            SHORT_RUN,
        )?;
        if (trial.per_second() / rate - 1.0).abs() < 0.05 {
            break;
        }
        // What one cycle takes besides the pause, at this rate.
        let overhead_ms =
            (f64::from(connections) * 1000.0 / trial.per_second().max(1.0) - delay).max(0.0);
        delay = (cycle_ms - overhead_ms).max(0.0);
    }
    let load = wrk.run(url, &script(Some(delay.round() as u64))?, connections, RUN)?;
    let paced = Paced {
        share: load.per_second() / peak.per_second().max(1.0),
        connections,
        load,
    };
    say(&format!(
        "{}   ({:.0} % of the peak {}/s at {peak_connections} connections)",
        paced.load.row("paced", connections),
        paced.share * 100.0,
        grouped(peak.per_second())
    ));
    Ok(paced)
}

struct Paced {
    /// Achieved rate / peak rate.
    share: f64,
    connections: u32,
    load: Load,
}

/// Submits the seed dossiers one by one and returns their codes.
fn seed(addr: &str) -> anyhow::Result<Vec<String>> {
    let code = regex_lite::Regex::new(r#""code":"([^"]+)""#).expect("valid regex");
    (0..SEEDED_DOSSIERS)
        .map(|i| {
            let key = format!("{:08x}-0000-4000-8000-{i:012x}", std::process::id());
            let (status, body) = post_json(addr, "/api/v1/dossiers", &key, SUBMISSION)?;
            if status != 201 {
                bail!("seeding: POST /api/v1/dossiers answered {status}: {body}");
            }
            code.captures(&body)
                .and_then(|c| c.get(1))
                .map(|m| m.as_str().to_owned())
                .with_context(|| format!("no code in the receipt {body}"))
        })
        .collect()
}

/// A plain HTTP/1.1 POST of JSON with an `Idempotency-Key`; returns the status and the body.
fn post_json(addr: &str, path: &str, key: &str, json: &str) -> anyhow::Result<(u16, String)> {
    let mut stream =
        TcpStream::connect(addr).with_context(|| format!("cannot connect to {addr}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nIdempotency-Key: {key}\r\n\
         Content-Length: {}\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n{json}",
        json.len()
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let (head, body) = response
        .split_once("\r\n\r\n")
        .context("malformed HTTP response")?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .context("no status in the HTTP response")?;
    Ok((status, body.to_owned()))
}

/// The bare durable insert loop's figures.
struct Bare {
    per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
}

fn bare_inserts(bin: &Path, dir: &Path) -> anyhow::Result<Bare> {
    let out = Command::new(bin)
        .arg("sqlite-inserts")
        .arg("--dir")
        .arg(dir)
        .arg("--seconds")
        .arg(INSERT_LOOP.as_secs().to_string())
        .stderr(Stdio::inherit())
        .output()
        .context("cannot run the bench_baseline example")?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        bail!(
            "bench_baseline sqlite-inserts failed ({}):\n{stdout}",
            out.status
        );
    }
    let figures = stdout
        .lines()
        .find(|l| l.starts_with("inserts_per_second="))
        .with_context(|| format!("no inserts_per_second= in:\n{stdout}"))?;
    let field = |name: &str| -> anyhow::Result<f64> {
        figures
            .split_whitespace()
            .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
            .and_then(|v| v.parse().ok())
            .with_context(|| format!("no {name}= in {figures:?}"))
    };
    Ok(Bare {
        per_second: field("inserts_per_second")?,
        p50_ms: field("p50_ms")?,
        p99_ms: field("p99_ms")?,
    })
}

/// The API does not need the built app, only an `index.html` the server accepts as a template: a stub,
/// so the benchmark does not wait for a WASM build.
fn stub_dist(work: &Path) -> anyhow::Result<PathBuf> {
    let dist = work.join("dist");
    std::fs::create_dir_all(&dist)?;
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>motcua</title></head><body></body></html>\n",
    )?;
    Ok(dist)
}

fn describe_machine(work: &Path) {
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|m| m.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let filesystem = util::output(
        Command::new("df")
            .args(["--output=fstype", "."])
            .current_dir(work),
    )
    .and_then(|out| out.lines().nth(1).map(|l| l.trim().to_owned()))
    .unwrap_or_default();
    let date = util::output(Command::new("date").arg("+%F")).unwrap_or_default();
    say(&format!(
        "machine: {cores} cores, {cpu}; data on {filesystem} ({}); {}",
        work.display(),
        date.trim()
    ));
    say(&format!(
        "load average before the runs: {} (anything else running on these cores makes the figures lower)",
        load_average()
    ));
}

/// The 1-, 5- and 15-minute load averages.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// A process started for the benchmark, killed when dropped.
struct Spawned {
    child: Child,
    /// `host:port` from the "http://…" line it printed.
    addr: String,
}

impl Spawned {
    fn start(cmd: &mut Command) -> anyhow::Result<Self> {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("cannot start {}", cmd.get_program().to_string_lossy()))?;
        let stdout = child.stdout.take().context("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let addr = lines.by_ref().map_while(Result::ok).find_map(|line| {
            line.split("http://")
                .nth(1)
                .map(|rest| rest.trim_end_matches('/').to_owned())
        });
        // Keep reading, so a later line can never fill the pipe and stall the process.
        std::thread::spawn(move || lines.for_each(drop));
        let Some(addr) = addr else {
            let _ = child.kill();
            let _ = child.wait();
            bail!(
                "{} did not say where it listens",
                cmd.get_program().to_string_lossy()
            );
        };
        Ok(Self { child, addr })
    }

    /// Peak resident memory so far (VmHWM), in kB.
    fn rss(&self) -> anyhow::Result<u64> {
        proc_status_kb(self.child.id(), "VmHWM:")
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A field of `/proc/<pid>/status`, in kB.
fn proc_status_kb(pid: u32, field: &str) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .with_context(|| format!("cannot read /proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .with_context(|| format!("no {field} in /proc/{pid}/status"))
}

/// Samples a process's resident memory (VmRSS) every 50 ms until stopped; returns the largest, in kB.
struct RssSampler {
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<u64>,
}

impl RssSampler {
    fn start(pid: u32) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let mut max = 0;
            while !flag.load(Ordering::Relaxed) {
                max = max.max(proc_status_kb(pid, "VmRSS:").unwrap_or_default());
                std::thread::sleep(Duration::from_millis(50));
            }
            max
        });
        Self { stop, thread }
    }

    fn stop(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap_or_default()
    }
}

/// A directory under the system's temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> anyhow::Result<Self> {
        let dir = std::env::temp_dir().join(format!("motcua-bench-server-{}", std::process::id()));
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(Self(dir))
    }

    /// Writes a wrk script into the directory.
    fn script(&self, name: &str, text: &str) -> anyhow::Result<PathBuf> {
        let path = self.0.join(name);
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        Ok(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

struct Figures<'a> {
    bare: Bare,
    empty: &'a [(u32, Load)],
    empty_rss: u64,
    submissions: &'a [(u32, Load)],
    submissions_80: &'a Paced,
    lookups: &'a [(u32, Load)],
    lookups_80: &'a Paced,
    many: &'a Load,
    rss_at_many: u64,
    server_rss: u64,
}

fn summary(f: &Figures<'_>) {
    let (sub_c, sub) = peak(f.submissions);
    let (look_c, look) = peak(f.lookups);
    let (empty_c, empty) = peak(f.empty);
    let sub_1 = unloaded(f.submissions);
    let look_1 = unloaded(f.lookups);
    let empty_1 = unloaded(f.empty);
    let rows = [
        Row {
            metric: format!("durable submissions/s (peak, {sub_c} conn.)"),
            value: grouped(sub.per_second()),
            baseline: format!("bare durable inserts/s {}", grouped(f.bare.per_second)),
            ratio: Some(sub.per_second() / f.bare.per_second),
            target: meets(
                sub.per_second() >= target::SUBMISSIONS_PER_SECOND,
                "≥ 1,000",
            ),
        },
        Row {
            metric: "submission p50 / p99, 1 conn.".to_owned(),
            value: format!("{} / {}", ms(sub_1.p50_ms), ms(sub_1.p99_ms)),
            baseline: format!("bare commit {} / {}", ms(f.bare.p50_ms), ms(f.bare.p99_ms)),
            ratio: Some(f.bare.p50_ms / sub_1.p50_ms),
            target: String::new(),
        },
        Row {
            metric: format!(
                "submission p50 / p99 at {:.0} % of peak ({} conn.)",
                f.submissions_80.share * 100.0,
                f.submissions_80.connections
            ),
            value: format!(
                "{} / {}",
                ms(f.submissions_80.load.p50_ms),
                ms(f.submissions_80.load.p99_ms)
            ),
            baseline: String::new(),
            ratio: None,
            target: meets(
                f.submissions_80.load.p99_ms <= target::P99_MS_AT_80_PERCENT,
                "p99 ≤ 50 ms at 80 %",
            ),
        },
        Row {
            metric: format!("status look-ups/s (peak, {look_c} conn.)"),
            value: grouped(look.per_second()),
            baseline: format!(
                "empty handler req/s {} ({empty_c} conn.)",
                grouped(empty.per_second())
            ),
            ratio: Some(look.per_second() / empty.per_second()),
            target: meets(look.per_second() >= target::LOOKUPS_PER_SECOND, "≥ 10,000"),
        },
        Row {
            metric: "look-up p50 / p99, 1 conn.".to_owned(),
            value: format!("{} / {}", ms(look_1.p50_ms), ms(look_1.p99_ms)),
            baseline: format!(
                "empty handler {} / {}",
                ms(empty_1.p50_ms),
                ms(empty_1.p99_ms)
            ),
            ratio: Some(empty_1.p50_ms / look_1.p50_ms),
            target: String::new(),
        },
        Row {
            metric: format!(
                "look-up p50 / p99 at {:.0} % of peak ({} conn.)",
                f.lookups_80.share * 100.0,
                f.lookups_80.connections
            ),
            value: format!(
                "{} / {}",
                ms(f.lookups_80.load.p50_ms),
                ms(f.lookups_80.load.p99_ms)
            ),
            baseline: String::new(),
            ratio: None,
            target: meets(
                f.lookups_80.load.p99_ms <= target::P99_MS_AT_80_PERCENT,
                "p99 ≤ 50 ms at 80 %",
            ),
        },
        Row {
            metric: format!("look-ups/s at {MANY_CONNECTIONS} conn."),
            value: grouped(f.many.per_second()),
            baseline: String::new(),
            ratio: None,
            target: String::new(),
        },
        Row {
            metric: format!("server RSS at {MANY_CONNECTIONS} conn. (max VmRSS)"),
            value: format!("{:.1} MB", mb(f.rss_at_many)),
            baseline: String::new(),
            ratio: None,
            target: meets(
                mb(f.rss_at_many) <= target::RSS_MB_AT_1000_CONNECTIONS,
                "≤ 150 MB at 1,000 conn.",
            ),
        },
        Row {
            metric: "server peak RSS, whole run (VmHWM)".to_owned(),
            value: format!("{:.1} MB", mb(f.server_rss)),
            baseline: format!("empty handler VmHWM {:.1} MB", mb(f.empty_rss)),
            ratio: None,
            target: String::new(),
        },
    ];
    say(&format!(
        "{:<50} {:>17}   {:<40} {:>6}   target",
        "metric", "value", "baseline (this machine, same run)", "ratio"
    ));
    for row in &rows {
        say(&format!(
            "{:<50} {:>17}   {:<40} {:>6}   {}",
            row.metric,
            row.value,
            row.baseline,
            row.ratio.map_or_else(String::new, |r| format!("{r:.2}")),
            row.target
        ));
    }
    say(
        "\nratio: the share of the machine's ceiling the server reaches (rate / ceiling rate, or ceiling p50 /\n\
         p50; 1.00 = as fast as the baseline). Targets are issue 5's goals for 2 cores: shown, not enforced.",
    );
    let errors: u64 = f
        .submissions
        .iter()
        .chain(f.lookups)
        .map(|(_, l)| l.errors)
        .sum::<u64>()
        + f.many.errors
        + f.submissions_80.load.errors
        + f.lookups_80.load.errors;
    if errors > 0 {
        say(&format!(
            "warning: {errors} requests failed (not 2xx/3xx, timed out, or socket errors): see the runs above"
        ));
    }
}

struct Row {
    metric: String,
    value: String,
    baseline: String,
    ratio: Option<f64>,
    target: String,
}

fn meets(ok: bool, target: &str) -> String {
    format!("{target} ({})", if ok { "met" } else { "not yet" })
}

fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

fn ms(value: f64) -> String {
    if value < 10.0 {
        format!("{value:.2} ms")
    } else {
        format!("{value:.1} ms")
    }
}

/// `12345.6` → `"12,346"`.
fn grouped(value: f64) -> String {
    let digits = format!("{:.0}", value.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Load, grouped, lookup_script, submit_script};

    #[test]
    fn groups_thousands() {
        assert_eq!(grouped(0.4), "0");
        assert_eq!(grouped(999.0), "999");
        assert_eq!(grouped(1_000.0), "1,000");
        assert_eq!(grouped(1_234_567.8), "1,234,568");
    }

    #[test]
    fn parses_the_scripts_line() {
        let load = Load::parse(
            "Running 1s test\nMOTCUA requests=2000 duration_us=2000000 p50_us=1500 p99_us=9000 mean_us=2000 errors=3\n",
        )
        .expect("parses");
        assert_eq!((load.requests, load.errors), (2000, 3));
        assert!((load.per_second() - 1000.0).abs() < 1e-9);
        assert!((load.p50_ms - 1.5).abs() < 1e-9 && (load.p99_ms - 9.0).abs() < 1e-9);
    }

    #[test]
    fn scripts_carry_the_body_the_codes_and_the_pause() {
        let submit = submit_script(7, Some(120));
        assert!(submit.contains("hkd_termination") && submit.contains("math.floor(120 *"));
        assert!(!submit_script(7, None).contains("delay ="));
        let lookup = lookup_script(&["21025-261123-0001".to_owned()], None);
        assert!(lookup.contains("\"21025-261123-0001\"") && lookup.contains("phone=0912345678"));
    }
}
