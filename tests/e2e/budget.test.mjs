// The byte budget of the embed: a host page downloads at most 90 KB (brotli) for a widget, of
// each kind, and at most 130 KB in all for a page that shows two or more kinds (one bundle of
// every kind). Bytes are deterministic, so this test may fail the build; times are only reported
// by bench.
import { test } from "node:test";
import assert from "node:assert/strict";
import { bundle, BUDGET_BROTLI, BUDGET_SEVERAL, KINDS } from "../bench/sizes.mjs";

for (const kind of KINDS) {
  test(`the ${kind} embed stays within ${BUDGET_BROTLI} bytes brotli`, () => {
    const { files, total } = bundle(kind);
    const table = files.map((f) => `${f.file}: ${f.raw} raw, ${f.gzip} gzip, ${f.brotli} brotli`).join("\n");
    assert.ok(total.brotli <= BUDGET_BROTLI, `over budget by ${total.brotli - BUDGET_BROTLI} bytes:\n${table}`);
    assert.ok(files.some((f) => f.file.endsWith(".wasm") && f.raw > 50_000), "the measured bundle holds the real Wasm module");
  });
}

test(`a page with two or more kinds stays within ${BUDGET_SEVERAL} bytes brotli in all`, () => {
  const { files, total } = bundle("all");
  const table = files.map((f) => `${f.file}: ${f.raw} raw, ${f.gzip} gzip, ${f.brotli} brotli`).join("\n");
  assert.ok(total.brotli <= BUDGET_SEVERAL, `over budget by ${total.brotli - BUDGET_SEVERAL} bytes:\n${table}`);
  const one = Math.max(...KINDS.map((k) => bundle(k).total.brotli));
  assert.ok(total.brotli < 2 * one, "less than two one-kind bundles");
});
