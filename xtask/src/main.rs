//! `cargo xtask`: Rally's build and dev automation, in Rust, with no dependencies beyond std.
//!
//! - `cargo xtask dev [--port P] [--state DIR]` install what is missing, build, migrate, seed,
//!   serve on 127.0.0.1:8787 until Ctrl-C
//! - `cargo xtask test`  fmt, clippy, unit tests, Wasm tests in Chromium, end-to-end tests
//! - `cargo xtask bench` sizes, render times and throughput, printed as a table
//! - `cargo xtask build` just build `edge/build/` and `dist/site/`
//! - `cargo xtask edge --port P --state DIR [--seed FILE]... [--action-network-port Q]` migrate,
//!   seed and serve an edge
//!   in the foreground (the end-to-end tests start throwaway edges this way)
//! - `cargo xtask seed-scale --state DIR [--supporters N]` a million supporters in local D1

mod build;
mod edge;
mod imports;
mod scale;
mod tidy;
mod tools;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

pub type Result<T> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    tools::node_first_on_path();
    let result = match args.first().map(String::as_str) {
        Some("dev") => dev(&args[1..]),
        Some("test") => test(),
        Some("bench") => bench(),
        Some("build") => tools::ensure_build_tools().and_then(|_| build::all()),
        Some("edge") => edge_cmd(&args[1..]),
        Some("seed-scale") => seed_scale(&args[1..]),
        _ => Err("usage: cargo xtask <dev|test|bench|build|edge|seed-scale>".to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The repository root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// Runs a command in the repository root; on failure, the error says which command and why.
pub fn run(cmd: &mut Command) -> Result<()> {
    cmd.current_dir_if_unset();
    let shown = format!("{cmd:?}");
    eprintln!("xtask: $ {}", shown.replace('"', ""));
    let status = cmd
        .status()
        .map_err(|e| format!("could not start {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed with {status}"))
    }
}

/// Runs a command and returns its standard output, or `None` if it could not run or failed.
pub fn output(cmd: &mut Command) -> Option<String> {
    cmd.current_dir_if_unset();
    let out = cmd.output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

trait CommandExt {
    fn current_dir_if_unset(&mut self);
}

impl CommandExt for Command {
    fn current_dir_if_unset(&mut self) {
        if self.get_current_dir().is_none() {
            self.current_dir(root());
        }
    }
}

/// A fresh owner credential for the demo campaign: random, printed once, stored as its SHA-256.
fn new_staff_key(state: &Path) -> Result<String> {
    let mut bytes = [0u8; 16];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut bytes))
        .map_err(|e| format!("reading /dev/urandom: {e}"))?;
    let key = format!(
        "rs_{}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    );
    let hash = output(Command::new("sh").args(["-c", &format!("printf %s {key} | sha256sum")]))
        .and_then(|o| o.split_whitespace().next().map(str::to_owned))
        .ok_or("sha256sum is missing")?;
    let sql = root().join("target/xtask/dev-staff.sql");
    std::fs::create_dir_all(root().join("target/xtask")).map_err(|e| e.to_string())?;
    std::fs::write(
        &sql,
        format!(
            "INSERT INTO staff (campaign_id, name, role, key_hash, created_at) \
             SELECT id, 'Demo owner', 'owner', '{hash}', 0 FROM campaigns WHERE slug = 'demo';\n"
        ),
    )
    .map_err(|e| e.to_string())?;
    edge::execute_file(state, &sql)?;
    Ok(key)
}

fn dev(args: &[String]) -> Result<()> {
    let usage = "usage: cargo xtask dev [--port P] [--state DIR] [--prebuilt]";
    // `--prebuilt` serves what `cargo xtask build` last built (the Ctrl-C test, while another
    // edge serves the same build).
    let f = Flags::parse(args, &["--port", "--state"], &["--prebuilt"], usage)?;
    let port = f.parsed("--port")?.unwrap_or(8787);
    let state = f
        .get("--state")
        .map_or_else(|| root().join(".wrangler/state"), PathBuf::from);
    let build = !f.has("--prebuilt");
    edge::signals::catch();
    tools::ensure_build_tools()?;
    if build {
        build::all()?;
    }
    edge::signals::check()?;
    // The dev edge meters itself (`GET /api/v1/meter`, `Rally-Meter` on each response).
    let vars = [("RALLY_METER", "1")];
    let edge = edge::Edge::start(port, &state, &[root().join("edge/seed/demo.sql")], &vars)?;
    let base = edge.url();
    let staff_key = new_staff_key(&state)?;
    println!();
    println!(
        "Rally is running (real local D1 and KV in {}):",
        state.display()
    );
    println!("  example campaign site  {base}/");
    println!("  custom element (pt-BR) {base}/examples/custom-element");
    println!("  pledge + leaderboard   {base}/examples/organise");
    println!("  fact-check (pt-BR)     {base}/examples/factcheck");
    println!("  strict CSP page (es)   {base}/examples/strict-csp");
    println!("  petition's own page    {base}/p/demo/save-the-park");
    println!("  edge API               {base}/api/v1/campaigns/demo/petitions/save-the-park");
    println!("  embed snippet          <script async src=\"{base}/embed.js\" data-widget=\"petition\" data-campaign=\"demo\" data-petition=\"save-the-park\"></script>");
    println!("  staff dashboard        {base}/dashboard/  (sign in with the credential below)");
    println!(
        "  staff credential       {staff_key}  (owner of demo; or send as Authorization: Bearer)"
    );
    println!("Press Ctrl-C to stop.");
    edge.wait()
}

fn test() -> Result<()> {
    tools::ensure_build_tools()?;
    tools::ensure_browser()?;
    let cargo = || {
        let mut c = Command::new("cargo");
        c.env("RUSTFLAGS", "");
        c
    };
    run(cargo().args(["fmt", "--all", "--", "--check"]))?;
    run(cargo().args([
        "clippy",
        "-p",
        "rally-api",
        "-p",
        "xtask",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    run(cargo().args([
        "clippy",
        "-p",
        "rally-edge",
        "-p",
        "rally-widgets",
        "-p",
        "rally-dashboard",
        "--all-targets",
        "--target",
        "wasm32-unknown-unknown",
        "--",
        "-D",
        "warnings",
    ]))?;
    // Each widget kind is built alone for its bundle: code shared by some kinds only must not
    // warn in the others.
    for kind in build::KINDS {
        run(cargo().args([
            "clippy",
            "-p",
            "rally-widgets",
            "--target",
            "wasm32-unknown-unknown",
            "--no-default-features",
            "--features",
            kind,
            "--",
            "-D",
            "warnings",
        ]))?;
    }
    // Native unit tests, the edge's pure parts (route table, formats) included.
    run(cargo().args(["test", "-p", "rally-api", "-p", "rally-edge", "-p", "xtask"]))?;
    run(cargo()
        .args([
            "test",
            "-p",
            "rally-widgets",
            "--target",
            "wasm32-unknown-unknown",
        ])
        .env("CHROMEDRIVER", tools::CHROMEDRIVER)
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120"))?;
    build::all()?;
    e2e()
}

/// The end-to-end suite: a throwaway edge with its own port and state, always stopped. The
/// query budget runs on its own after every other file (node orders the files it is given by
/// name), so that it also checks the largest counts the whole suite made the edge reach.
fn e2e() -> Result<()> {
    with_throwaway_edge("e2e", |edge, state, stand_in| {
        let (last, rest): (Vec<PathBuf>, Vec<PathBuf>) = test_files("tests/e2e")?
            .into_iter()
            .partition(|p| p.ends_with(LAST_TEST));
        for files in [rest, last] {
            run(Command::new("node")
                .args(["--test", "--test-concurrency=1", "--test-reporter=spec"])
                .args(files)
                .env("RALLY_EDGE", edge.url())
                .env("RALLY_STATE", state)
                .env("RALLY_ACTION_NETWORK_PORT", stand_in.to_string()))?;
        }
        Ok(())
    })
}

fn bench() -> Result<()> {
    tools::ensure_build_tools()?;
    tools::ensure_browser()?;
    build::all()?;
    with_throwaway_edge("bench", |edge, state, _| {
        run(Command::new("node")
            .arg("tests/bench/bench.mjs")
            .env("RALLY_EDGE", edge.url())
            .env("RALLY_STATE", state))
    })
}

/// Edges for tests and benchmarks retry a refused message after 100 ms (then 0.4, 1.6, 6.4 s)
/// instead of wrangler.toml's 5 minutes, and take a message claimed by an isolate that died
/// as lost after 3 s instead of 10 minutes, so a test can watch both within its time. They also
/// let webhooks go to loopback, where the tests' receivers listen (never in production), and
/// send Action Network syncs to `http://127.0.0.1:<stand_in>/api/v2` and check Turnstile
/// tokens at `http://127.0.0.1:<stand_in>/turnstile/v0/siteverify`, where a test's stand-in for
/// Action Network or for Cloudflare's siteverify listens (these machines reach neither).
fn test_vars(stand_in: u16) -> Vec<(&'static str, String)> {
    vec![
        ("MAIL_RETRY_MS", "100".into()),
        // Each response says how many D1, KV and other calls it made (`edge/src/meter.rs`).
        ("RALLY_METER", "1".into()),
        ("MAIL_STALE_MS", "3000".into()),
        // A cron run scheduled for later (`/__scheduled?time=`) moves the edge's clock there,
        // so the ladder's time windows can be tested without waiting weeks.
        ("RALLY_TEST_CLOCK", "1".into()),
        ("WEBHOOKS_ALLOW_LOOPBACK", "1".into()),
        // The tests' push-service stand-in listens on loopback.
        ("PUSH_ALLOW_LOOPBACK", "1".into()),
        ("WEBHOOK_RETRY_MS", "100".into()),
        // A shard's drain can be told to fail after its D1 commit (`edge/src/shard.rs`), so
        // the test of its replay does not need a crash timed to the millisecond.
        ("RALLY_FAULTS", "1".into()),
        // A minute of 300 direct actions on one item moves it to shards (600 in production), so
        // the e2e sees it happen without signing 600 times.
        ("RALLY_SHARD_AUTO_RATE", "300".into()),
        ("WEBHOOK_ATTEMPTS", "4".into()),
        (
            "ACTION_NETWORK_URL",
            format!("http://127.0.0.1:{stand_in}/api/v2"),
        ),
        (
            "TURNSTILE_VERIFY_URL",
            format!("http://127.0.0.1:{stand_in}/turnstile/v0/siteverify"),
        ),
    ]
}

/// Runs `f` against a fresh edge (free port, new state seeded with the demo campaign and the
/// test fixtures) with the port its Action Network syncs go to; the edge is stopped and its
/// state removed whatever `f` returns.
fn with_throwaway_edge(
    tag: &str,
    f: impl FnOnce(&edge::Edge, &Path, u16) -> Result<()>,
) -> Result<()> {
    let state = tempdir(tag)?;
    let seeds = [
        root().join("edge/seed/demo.sql"),
        root().join("tests/fixtures/seed.sql"),
    ];
    let port = edge::free_port()?;
    let mut stand_in = edge::free_port()?;
    while stand_in == port || stand_in == port + 1000 {
        stand_in = edge::free_port()?;
    }
    let vars = test_vars(stand_in);
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let result =
        edge::Edge::start(port, &state, &seeds, &vars).and_then(|edge| f(&edge, &state, stand_in));
    let _ = std::fs::remove_dir_all(&state);
    result
}

fn edge_cmd(args: &[String]) -> Result<()> {
    let usage =
        "usage: cargo xtask edge --port P --state DIR [--seed FILE]... [--action-network-port Q]";
    let f = Flags::parse(
        args,
        &["--port", "--state", "--seed", "--action-network-port"],
        &[],
        usage,
    )?;
    let (Some(port), Some(state)) = (f.parsed::<u16>("--port")?, f.get("--state")) else {
        return Err(usage.into());
    };
    let state = PathBuf::from(state);
    let seeds: Vec<PathBuf> = f.all("--seed").map(|s| root().join(s)).collect();
    edge::signals::catch();
    // Without a stand-in's port, syncs go to port + 2000 (nothing listens there unless a test
    // put its stand-in there).
    let stand_in = f
        .parsed::<u16>("--action-network-port")?
        .unwrap_or(port.saturating_add(2000));
    let vars = test_vars(stand_in);
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let edge = edge::Edge::start(port, &state, &seeds, &vars)?;
    println!("ready {} pgid {}", edge.url(), edge.process_group());
    edge.wait()
}

fn seed_scale(args: &[String]) -> Result<()> {
    let usage = "usage: cargo xtask seed-scale --state DIR [--supporters N]";
    let f = Flags::parse(args, &["--state", "--supporters"], &[], usage)?;
    let state = f.get("--state").ok_or(usage)?;
    scale::seed(
        Path::new(state),
        f.parsed("--supporters")?.unwrap_or(1_000_000),
    )
}

/// A subcommand's `--name value` flags and `--switch`es; anything else is refused with the
/// usage line.
struct Flags {
    values: Vec<(String, String)>,
    switches: Vec<String>,
}

impl Flags {
    fn parse(
        args: &[String],
        with_value: &[&str],
        switches: &[&str],
        usage: &str,
    ) -> Result<Flags> {
        let mut f = Flags {
            values: Vec::new(),
            switches: Vec::new(),
        };
        let mut it = args.iter();
        while let Some(a) = it.next() {
            if with_value.contains(&a.as_str()) {
                let v = it.next().ok_or(format!("{a} needs a value ({usage})"))?;
                f.values.push((a.clone(), v.clone()));
            } else if switches.contains(&a.as_str()) {
                f.switches.push(a.clone());
            } else {
                return Err(format!("unknown argument {a} ({usage})"));
            }
        }
        Ok(f)
    }

    /// Every value given for `name`, in order.
    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.values
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The last value given for `name`.
    fn get(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The last value given for `name`, parsed.
    fn parsed<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>>
    where
        T::Err: std::fmt::Display,
    {
        self.get(name)
            .map(|v| v.parse().map_err(|e| format!("{name}: {e}")))
            .transpose()
    }

    fn has(&self, name: &str) -> bool {
        self.switches.iter().any(|s| s == name)
    }
}

fn tempdir(tag: &str) -> Result<PathBuf> {
    let dir = root()
        .join("target/xtask")
        .join(format!("{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    Ok(dir)
}

/// The test file that runs after every other (`e2e`).
const LAST_TEST: &str = "queries.test.mjs";

fn test_files(dir: &str) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .map_err(|e| format!("reading {dir}: {e}"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".test.mjs"))
        .collect();
    files.sort();
    Ok(files)
}
