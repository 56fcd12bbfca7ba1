//! The build: the worker (`edge/build/`) and the static site (`dist/site/`: loader, widget
//! bundle, example campaign site).
//!
//! The widget pipeline, once per widget kind, is `cargo build --features KIND` ->
//! `wasm-bindgen --target web` -> `wasm-opt -Oz` -> esbuild-minified glue, with content-hashed
//! names so bundles can be cached forever while `embed.js`, which names them all, stays
//! short-lived.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::tools::{offline_env, WASM_BINDGEN};
use crate::{root, run, Result};

pub fn all() -> Result<()> {
    edge()?;
    site()
}

fn edge() -> Result<()> {
    let node_bin = root().join("node_modules/.bin");
    let mut cmd = Command::new("worker-build");
    offline_env(&mut cmd)
        .arg("--release")
        .current_dir(root().join("edge"))
        .env("WASM_BINDGEN_BIN", which("wasm-bindgen")?)
        .env("WASM_OPT_BIN", node_bin.join("wasm-opt"))
        .env("ESBUILD_BIN", node_bin.join("esbuild"));
    run(&mut cmd)
}

fn which(bin: &str) -> Result<String> {
    crate::output(Command::new("sh").args(["-c", &format!("command -v {bin}")]))
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| format!("{bin} is not on PATH (wanted version {WASM_BINDGEN})"))
}

fn read(p: &Path) -> Result<Vec<u8>> {
    fs::read(p).map_err(|e| format!("reading {}: {e}", p.display()))
}

fn write(p: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = p.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    }
    fs::write(p, bytes).map_err(|e| format!("writing {}: {e}", p.display()))
}

/// FNV-1a, 32 bits: enough to tell two builds apart in a file name.
fn short_hash(bytes: &[u8]) -> String {
    let h = bytes.iter().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(*b)).wrapping_mul(0x0100_0193)
    });
    format!("{h:08x}")
}

/// CSS without comments and with runs of white space folded: it travels inside embed.js.
pub fn minify_css(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        rest = rest[start..]
            .find("*/")
            .map_or("", |end| &rest[start + end + 2..]);
    }
    out.push_str(rest);
    let folded = out.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut tight = folded;
    for sym in ["{", "}", ";", ":", ","] {
        tight = tight
            .replace(&format!(" {sym}"), sym)
            .replace(&format!("{sym} "), sym);
    }
    tight.replace(";}", "}")
}

/// A Rust string as a JavaScript string literal.
fn js_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The widget kinds, each built into its own bundle (`widgets/Cargo.toml` features).
pub const KINDS: &[&str] = &["petition", "pledge", "board", "factcheck"];

fn site() -> Result<()> {
    let r = root();
    let site = r.join("dist/site");
    // Stale hashed bundles go; the directory itself stays, so a running `wrangler dev` keeps
    // serving it (deleting an asset directory under it loses its watcher).
    if let Ok(entries) = fs::read_dir(site.join("w")) {
        for e in entries.flatten() {
            let _ = fs::remove_file(e.path());
        }
    }
    let mut bundles = Vec::new();
    for kind in KINDS {
        let (glue, wasm) = bundle(kind, &[kind])?;
        eprintln!("xtask: {kind}: glue {glue}, wasm {wasm}");
        bundles.push(format!(
            "{kind}:[{},{}]",
            js_string(&glue),
            js_string(&wasm)
        ));
    }
    // One bundle with every kind, for pages that show several: Yew once instead of per kind.
    let (glue, wasm) = bundle("all", KINDS)?;
    eprintln!("xtask: all kinds: glue {glue}, wasm {wasm}");
    bundles.push(format!("all:[{},{}]", js_string(&glue), js_string(&wasm)));

    let css = String::from_utf8_lossy(&read(&r.join("widgets/src/widget.css"))?).into_owned();
    let loader = String::from_utf8_lossy(&read(&r.join("widgets/loader/embed.js"))?)
        .replace("__CSS__", &js_string(&minify_css(&css)))
        .replace("__BUNDLES__", &format!("{{{}}}", bundles.join(",")));
    let out = r.join("target/widgets");
    write(&out.join("embed.src.js"), loader.as_bytes())?;
    run(Command::new(r.join("node_modules/.bin/esbuild")).args([
        "target/widgets/embed.src.js",
        "--minify",
        "--outfile=dist/site/embed.js",
        "--log-level=warning",
    ]))?;

    // Static headers: the bundle is immutable (hashed names), embed.js is short-lived, and
    // everything a host page loads from us is CORS-readable.
    write(
        &site.join("_headers"),
        b"/w/*\n  Access-Control-Allow-Origin: *\n  Cache-Control: public, max-age=31536000, immutable\n\
          /embed.js\n  Access-Control-Allow-Origin: *\n  Cache-Control: public, max-age=300\n\
          /dashboard/*\n  Content-Security-Policy: default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
          style-src 'self'; img-src 'self'; frame-ancestors 'none'\n  X-Frame-Options: DENY\n  \
          Referrer-Policy: same-origin\n  Cache-Control: no-cache\n\
          /preview/*\n  Content-Security-Policy: default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
          style-src 'self'; img-src 'self'; frame-ancestors 'self'\n  X-Frame-Options: SAMEORIGIN\n  \
          Referrer-Policy: same-origin\n  Cache-Control: no-cache\n\
          /hub/sw.js\n  Cache-Control: no-cache\n",
    )?;
    copy_dir(&r.join("examples/site"), &site)?;
    // The hub's service worker and app icons (`/hub/sw.js`, `/hub/icon-*.png`).
    copy_dir(&r.join("edge/static"), &site)?;
    // The builder's live preview: a page of its own that the dashboard frames.
    copy_dir(&r.join("dashboard/preview"), &site.join("preview"))?;
    dashboard()?;
    eprintln!("xtask: site built in {}", site.display());
    Ok(())
}

/// The staff dashboard at `dist/site/dashboard/`: its own Wasm bundle, an `index.html` and a
/// generated start module (no inline script, so its strict CSP holds).
fn dashboard() -> Result<()> {
    let r = root();
    run(Command::new("cargo").args([
        "build",
        "-p",
        "rally-dashboard",
        "--release",
        "--target",
        "wasm32-unknown-unknown",
    ]))?;
    let (wasm, glue) = bindgen("rally_dashboard", "target/dashboard")?;
    let out = r.join("dist/site/dashboard");
    // Stale files go; the directory stays (as for `w/`), so a running `wrangler dev` serves on.
    if let Ok(entries) = fs::read_dir(&out) {
        for e in entries.flatten() {
            let _ = fs::remove_file(e.path());
        }
    }
    let css = read(&r.join("dashboard/dashboard.css"))?;
    let wasm_name = format!("dash-{}.wasm", short_hash(&wasm));
    let glue_name = format!("dash-{}.js", short_hash(&glue));
    let css_name = format!("dash-{}.css", short_hash(&css));
    let start = format!(
        "import init, {{ start }} from \"./{glue_name}\";\nawait init({{ module_or_path: \"./{wasm_name}\" }});\nstart();\n"
    );
    let start_name = format!("start-{}.js", short_hash(start.as_bytes()));
    write(&out.join(&wasm_name), &wasm)?;
    write(&out.join(&glue_name), &glue)?;
    write(&out.join(&css_name), &css)?;
    write(&out.join(&start_name), start.as_bytes())?;
    write(
        &out.join("index.html"),
        format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>Rally staff</title><link rel=\"stylesheet\" href=\"{css_name}\">\
             <script type=\"module\" src=\"{start_name}\"></script></head>\
             <body><div id=\"app\"><p role=\"status\">Loading…</p></div></body></html>\n"
        )
        .as_bytes(),
    )?;
    eprintln!("xtask: dashboard built (wasm {wasm_name})");
    Ok(())
}

/// Builds one widget kind's bundle into `dist/site/w/`; returns the glue's and the Wasm's names.
fn bundle(kind: &str, features: &[&str]) -> Result<(String, String)> {
    let r = root();
    run(Command::new("cargo").args([
        "build",
        "-p",
        "rally-widgets",
        "--release",
        "--target",
        "wasm32-unknown-unknown",
        "--no-default-features",
        "--features",
        &features.join(","),
    ]))?;
    let (wasm, mut glue) = bindgen("rally_widgets", &format!("target/widgets/{kind}"))?;
    // The kinds' own styles ride in the glue (`export const css`), so a page pays only for the
    // kinds it shows; the loader adopts them before mounting.
    let mut styles = String::new();
    for f in features {
        let css = r.join("widgets/src").join(format!("{f}.css"));
        if css.exists() {
            styles.push_str(&String::from_utf8_lossy(&read(&css)?));
        }
    }
    if !styles.is_empty() {
        glue.extend_from_slice(
            format!("export const css={};\n", js_string(&minify_css(&styles))).as_bytes(),
        );
    }
    let wasm_name = format!("w/{kind}-{}.wasm", short_hash(&wasm));
    let glue_name = format!("w/{kind}-{}.js", short_hash(&glue));
    let site = r.join("dist/site");
    write(&site.join(&wasm_name), &wasm)?;
    write(&site.join(&glue_name), &glue)?;
    Ok((glue_name, wasm_name))
}

/// The rest of a Wasm bundle's pipeline, after `cargo build` of `lib` (`rally_widgets`): the
/// wasm-bindgen glue for the web, `wasm-opt -Oz`, esbuild's minified glue; in `dir`. Returns the
/// optimised Wasm and the glue.
fn bindgen(lib: &str, dir: &str) -> Result<(Vec<u8>, Vec<u8>)> {
    let r = root();
    let _ = fs::remove_dir_all(r.join(dir));
    run(Command::new("wasm-bindgen").args([
        "--target",
        "web",
        "--no-typescript",
        "--out-dir",
        dir,
        &format!("target/wasm32-unknown-unknown/release/{lib}.wasm"),
    ]))?;
    run(Command::new(r.join("node_modules/.bin/wasm-opt")).args([
        "-Oz",
        "--converge",
        // Custom sections no engine reads (rustc must keep target_features until here).
        "--strip-producers",
        "--strip-target-features",
        &format!("{dir}/{lib}_bg.wasm"),
        "-o",
        &format!("{dir}/{lib}_opt.wasm"),
    ]))?;
    run(Command::new(r.join("node_modules/.bin/esbuild")).args([
        &format!("{dir}/{lib}.js"),
        "--minify",
        "--format=esm",
        &format!("--outfile={dir}/{lib}.min.js"),
        "--log-level=warning",
    ]))?;
    let out = r.join(dir);
    let wasm = read(&out.join(format!("{lib}_opt.wasm")))?;
    let glue = String::from_utf8(read(&out.join(format!("{lib}.min.js")))?)
        .map_err(|_| "the glue is not UTF-8".to_owned())?;
    let (wasm, glue) = crate::imports::shorten(&wasm, &glue, &format!("./{lib}_bg.js"))?;
    Ok((wasm, glue.into_bytes()))
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    for entry in fs::read_dir(from).map_err(|e| format!("reading {}: {e}", from.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            write(&target, &read(&entry.path())?)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn css_minifies_without_changing_meaning() {
        let cases = [
            ("a { color: red; }", "a{color:red}"),
            ("/* c */ .x , .y {\n  margin: 0 ;\n}\n", ".x,.y{margin:0}"),
            (
                "@media (max-width: 420px) { a { b: c; } }",
                "@media (max-width:420px){a{b:c}}",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(super::minify_css(input), want);
        }
    }

    #[test]
    fn short_hash_is_stable() {
        assert_eq!(super::short_hash(b""), "811c9dc5");
        assert_ne!(super::short_hash(b"a"), super::short_hash(b"b"));
    }
}
