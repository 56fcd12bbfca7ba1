// `cargo xtask dev` as a person uses it: in a terminal (a real pseudo-terminal, made by
// util-linux's `script`), stopped with Ctrl-C typed into that terminal. Nothing may outlive it
// and hold the port, and a port that something else holds is refused with a clear message.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createServer } from "node:net";
import { ROOT } from "./helpers.mjs";

function freePort() {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => (port > 64_000 ? freePort().then(resolve) : resolve(port)));
    });
  });
}

/** Whether something accepts connections on 127.0.0.1:`port`. */
function listening(port) {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(true));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(false)));
  });
}

/** `cargo xtask dev ...` in a pseudo-terminal; its output so far, a way to type, its exit. */
function inTerminal(args) {
  const command = ["cargo", "xtask", "dev", ...args].join(" ");
  const child = spawn("script", ["-qfec", command, "/dev/null"], { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => { out += d; });
  child.stderr.on("data", (d) => { out += d; });
  const exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => out, type: (s) => child.stdin.write(s), exited };
}

async function until(what, check, ms) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Processes whose command line names this state folder (wrangler and workerd of that edge). */
function processesOf(state) {
  const ps = execFileSync("ps", ["-eo", "pid,args"]).toString();
  return ps.split("\n").filter((l) => l.includes(state) && !l.includes("ps -eo"));
}

test("Ctrl-C in the terminal stops `cargo xtask dev` and everything it started", { timeout: 300_000 }, async () => {
  const port = await freePort();
  const state = mkdtempSync(path.join(tmpdir(), "rally-dev-"));
  const dev = inTerminal(["--port", String(port), "--state", state, "--prebuilt"]);
  try {
    await until("the dev banner", () => dev.output().includes("Press Ctrl-C to stop."), 240_000);
    assert.ok(await listening(port), "the edge serves");
    const health = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
    assert.equal(health.status, 200);
    assert.ok(processesOf(state).length > 0, "wrangler runs with this state");

    dev.type("\x03"); // Ctrl-C, typed into the terminal
    const code = await Promise.race([dev.exited, new Promise((r) => setTimeout(() => r("still running"), 30_000))]);
    assert.notEqual(code, "still running", `dev did not exit on Ctrl-C:\n${dev.output().slice(-2000)}`);
    assert.match(dev.output(), /stopped the edge \(Ctrl-C\)/);
    await until("the port to be released", async () => !(await listening(port)), 10_000);
    await until("wrangler and workerd to exit", async () => processesOf(state).length === 0, 10_000);
  } finally {
    dev.child.kill("SIGKILL");
    for (const line of processesOf(state)) {
      try { process.kill(Number(line.trim().split(/\s+/)[0]), "SIGKILL"); } catch {}
    }
    rmSync(state, { recursive: true, force: true });
  }
});

test("a port that something else holds is refused, naming the port", { timeout: 120_000 }, async () => {
  const port = await freePort();
  const squatter = createServer().listen(port, "127.0.0.1");
  await new Promise((r) => squatter.once("listening", r));
  const state = mkdtempSync(path.join(tmpdir(), "rally-dev-"));
  try {
    const dev = inTerminal(["--port", String(port), "--state", state, "--prebuilt"]);
    const code = await dev.exited;
    assert.notEqual(code, 0, "dev fails instead of reporting ready");
    assert.match(dev.output(), new RegExp(`127\\.0\\.0\\.1:${port} \\(the edge\\) is already in use`));
    assert.doesNotMatch(dev.output(), /Rally is running/);
    assert.deepEqual(processesOf(state), [], "no wrangler was started");
  } finally {
    squatter.close();
    rmSync(state, { recursive: true, force: true });
  }
});
