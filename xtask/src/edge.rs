//! A local edge: `wrangler dev` (workerd + real local D1 and KV) on 127.0.0.1, with its own
//! port and state directory, migrated and seeded, in its own process group so that stopping
//! it stops workerd too. Dropping an [`Edge`] stops it, also when a test failed.
//!
//! Because the group is a new one, a terminal's Ctrl-C (sent to the terminal's foreground group
//! only) does not reach it: xtask catches SIGINT, SIGTERM and SIGHUP itself ([`signals`]) and
//! stops the group before it exits, so nothing outlives the command and holds the port.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::tools::offline_env;
use crate::{root, run, Result};

pub struct Edge {
    port: u16,
    child: Option<Child>,
}

fn wrangler() -> Command {
    let mut cmd = Command::new(root().join("node_modules/.bin/wrangler"));
    offline_env(&mut cmd)
        .current_dir(root())
        .stdin(Stdio::null());
    cmd
}

/// Applies the D1 migrations and the seed files to the local state in `state`.
pub fn prepare(state: &Path, seeds: &[PathBuf]) -> Result<()> {
    let persist = state.to_string_lossy().into_owned();
    run(wrangler().args([
        "d1",
        "migrations",
        "apply",
        "DB",
        "--local",
        "--persist-to",
        &persist,
    ]))?;
    for seed in seeds {
        execute_file(state, seed)?;
    }
    Ok(())
}

/// A port nothing listens on now, for an edge of its own (tests, benchmarks).
pub fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0))
        .map_err(|e| format!("finding a free port: {e}"))?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    // wrangler's inspector takes port + 1000; keep both in range.
    if port > 64_000 {
        return free_port();
    }
    Ok(port)
}

/// Runs a SQL file against the local D1 in `state`.
pub fn execute_file(state: &Path, file: &Path) -> Result<()> {
    run(wrangler().args([
        "d1",
        "execute",
        "DB",
        "--local",
        "--persist-to",
        &state.to_string_lossy(),
        "--file",
        &file.to_string_lossy(),
    ]))
}

/// Refuses a port that something already holds, naming the port and what to do.
fn ensure_free(port: u16) -> Result<()> {
    for p in [port, port + 1000] {
        if std::net::TcpListener::bind(("127.0.0.1", p)).is_err() {
            let what = if p == port {
                "the edge"
            } else {
                "the edge's inspector"
            };
            return Err(format!(
                "127.0.0.1:{p} ({what}) is already in use, perhaps by an earlier edge that is still \
                 running; stop it (`fuser -k {p}/tcp`) or choose another port with --port"
            ));
        }
    }
    Ok(())
}

impl Edge {
    /// Starts `wrangler dev` with the cron's test route (`/__scheduled`), links in messages
    /// pointing at this edge, the Email Service's local files under `state/tmp`, and `vars`
    /// beside wrangler.toml's.
    pub fn start(
        port: u16,
        state: &Path,
        seeds: &[PathBuf],
        vars: &[(&str, &str)],
    ) -> Result<Edge> {
        ensure_free(port)?;
        prepare(state, seeds)?;
        signals::check()?;
        let persist = state.to_string_lossy().into_owned();
        let tmp = state.join("tmp");
        std::fs::create_dir_all(&tmp).map_err(|e| format!("{}: {e}", tmp.display()))?;
        let port_s = port.to_string();
        let inspector = (port + 1000).to_string();
        let child = wrangler()
            .args([
                "dev",
                "--ip",
                "127.0.0.1",
                "--port",
                &port_s,
                "--inspector-port",
                &inspector,
                "--persist-to",
                &persist,
                "--log-level",
                "warn",
                "--show-interactive-dev-session=false",
                "--var",
                "IP_SALT:local-development-salt",
                "--var",
                "TOKEN_SECRET:local-development-token-secret",
                "--var",
                "SYNC_KEY:local-development-sync-key",
                // Web Push's VAPID key pair, for local use only (README, "Web Push", says how
                // to make the production one: a worker secret).
                "--var",
                "VAPID_PUBLIC_KEY:BGQGl1sz_R9CBTTQwj8XMbzrqC_j7WdnsI8XwOAm2zLNTYZ1xRj9TFAuBc1VYN6be6SA7XviMxugs1BbEbj-46Q",
                "--var",
                "VAPID_PRIVATE_KEY:75HYF9fx_GncI1ItfUkl1KZk5AdCKEukBiVZX80wgUw",
                "--var",
                &format!("PUBLIC_URL:http://127.0.0.1:{port}"),
                "--test-scheduled",
            ])
            .args(
                vars.iter()
                    .flat_map(|(k, v)| ["--var".to_owned(), format!("{k}:{v}")]),
            )
            // Miniflare writes each sent message's text and HTML parts under the system temp
            // folder: keep them with this edge's state, where tests read them.
            .env("TMPDIR", &tmp)
            .process_group(0)
            .spawn()
            .map_err(|e| format!("could not start wrangler dev: {e}"))?;
        let edge = Edge {
            port,
            child: Some(child),
        };
        let deadline = Instant::now() + Duration::from_secs(90);
        while Instant::now() < deadline {
            signals::check()?;
            if get(port, "/api/v1/health").is_some_and(|r| r.starts_with("HTTP/1.1 200")) {
                return Ok(edge);
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        Err(format!(
            "the edge did not answer on 127.0.0.1:{port} within 90 s"
        ))
    }

    /// The process group of wrangler and workerd (a test may kill it to simulate a crash).
    pub fn process_group(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Serves until wrangler exits, or until xtask is asked to stop (Ctrl-C, `kill`, a closed
    /// terminal): then the edge's whole group is stopped before this returns.
    pub fn wait(mut self) -> Result<()> {
        loop {
            if let Some(sig) = signals::caught() {
                drop(self);
                eprintln!("xtask: stopped the edge ({})", signals::name(sig));
                return Ok(());
            }
            match self.child.as_mut().map(Child::try_wait) {
                Some(Ok(None)) => std::thread::sleep(Duration::from_millis(100)),
                Some(Ok(Some(status))) => {
                    self.child = None;
                    return Err(format!("wrangler dev exited on its own ({status})"));
                }
                Some(Err(e)) => return Err(e.to_string()),
                None => return Ok(()),
            }
        }
    }
}

impl Drop for Edge {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let group = format!("-{}", child.id());
            let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
            let _ = child.wait();
        }
    }
}

/// A minimal HTTP GET over loopback: the status line and the rest, or `None` if nothing answers.
fn get(port: u16, path: &str) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    Some(out)
}

/// SIGINT, SIGTERM and SIGHUP, caught so that the edge's process group is stopped before xtask
/// exits (std has no signal API; these are the two libc calls it takes).
pub mod signals {
    use std::sync::atomic::{AtomicI32, Ordering};

    const SIGHUP: i32 = 1;
    const SIGINT: i32 = 2;
    const SIGTERM: i32 = 15;

    static CAUGHT: AtomicI32 = AtomicI32::new(0);

    extern "C" fn on_signal(sig: i32) {
        CAUGHT.store(sig, Ordering::SeqCst);
    }

    extern "C" {
        fn signal(signum: i32, handler: extern "C" fn(i32)) -> usize;
    }

    /// From now on these signals are recorded instead of ending xtask at once.
    pub fn catch() {
        for sig in [SIGHUP, SIGINT, SIGTERM] {
            // SAFETY: the handler only stores into an atomic, which is async-signal-safe.
            unsafe {
                signal(sig, on_signal);
            }
        }
    }

    /// The signal caught, if any.
    pub fn caught() -> Option<i32> {
        Some(CAUGHT.load(Ordering::SeqCst)).filter(|s| *s != 0)
    }

    /// An error if a signal was caught: stop what is being started.
    pub fn check() -> crate::Result<()> {
        match caught() {
            Some(sig) => Err(format!("stopped ({})", name(sig))),
            None => Ok(()),
        }
    }

    pub fn name(sig: i32) -> &'static str {
        match sig {
            SIGINT => "Ctrl-C",
            SIGTERM => "SIGTERM",
            SIGHUP => "the terminal closed",
            _ => "a signal",
        }
    }
}
