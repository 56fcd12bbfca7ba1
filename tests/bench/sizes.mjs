// What a host page downloads for each widget kind, read from the built site (dist/site): the
// loader (with the shared CSS inlined), the kind's wasm-bindgen glue (with its own CSS) and its
// Wasm module, in raw, gzip (level 9) and brotli (quality 11) bytes. Deterministic: the budget
// test fails on it.
import { readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";
import { fileURLToPath } from "node:url";

const SITE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../dist/site");

/** The brotli budget of loader + glue + wasm + css for one widget on a page, in bytes (90 KB). */
export const BUDGET_BROTLI = 90_000;

/** The brotli budget of a page that shows two or more kinds (one bundle of every kind). */
export const BUDGET_SEVERAL = 130_000;

/** The widget kinds, each its own bundle (and `all`, every kind in one, for such pages). */
export const KINDS = ["petition", "pledge", "board", "factcheck"];

export function measure(file) {
  const raw = readFileSync(path.join(SITE, file));
  return {
    file,
    raw: raw.length,
    gzip: gzipSync(raw, { level: 9 }).length,
    brotli: brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

/** The files a page showing one `kind` of widget downloads, and their total. */
export function bundle(kind) {
  const loader = readFileSync(path.join(SITE, "embed.js"), "utf8");
  const names = [...loader.matchAll(new RegExp(`w/${kind}-[0-9a-f]{8}\\.(?:js|wasm)`, "g"))].map((m) => m[0]);
  const files = ["embed.js", ...new Set(names)].map(measure);
  if (files.length !== 3) throw new Error(`expected loader, glue and wasm for ${kind}; embed.js names ${names}`);
  const total = files.reduce((t, f) => ({ raw: t.raw + f.raw, gzip: t.gzip + f.gzip, brotli: t.brotli + f.brotli }),
    { raw: 0, gzip: 0, brotli: 0 });
  return { files, total };
}
