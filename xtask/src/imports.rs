//! Short import names for a widget's Wasm and its glue. wasm-bindgen names each JavaScript
//! import `__wbg_<what>_<16 hex digits>`; a widget has about 120 of them, and those random
//! digits, written once in the glue and once in the Wasm's import section, are bytes brotli
//! cannot compress (about 1.9 KB per bundle). This renames every such import to `_<n>` (base
//! 36) in both files, consistently: the import section is re-encoded, the glue's keys replaced.

use crate::Result;

/// Reads an unsigned LEB128 at `*at`, moving past it.
fn leb(bytes: &[u8], at: &mut usize) -> Result<u32> {
    let (mut value, mut shift) = (0u32, 0);
    loop {
        let b = *bytes.get(*at).ok_or("wasm: truncated LEB128")?;
        *at += 1;
        value |= u32::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Ok(value);
        }
        shift += 7;
        if shift > 28 {
            return Err("wasm: LEB128 too long".into());
        }
    }
}

fn put_leb(out: &mut Vec<u8>, mut v: u32) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn name<'a>(bytes: &'a [u8], at: &mut usize) -> Result<&'a str> {
    let len = leb(bytes, at)? as usize;
    let s = bytes.get(*at..*at + len).ok_or("wasm: truncated name")?;
    *at += len;
    std::str::from_utf8(s).map_err(|_| "wasm: a name is not UTF-8".into())
}

/// Skips one import's description (function, table, memory, global or tag).
fn skip_desc(bytes: &[u8], at: &mut usize) -> Result<()> {
    let kind = *bytes.get(*at).ok_or("wasm: truncated import")?;
    *at += 1;
    let limits = |at: &mut usize| -> Result<()> {
        let flags = *bytes.get(*at).ok_or("wasm: truncated limits")?;
        *at += 1;
        leb(bytes, at)?;
        if flags & 1 != 0 {
            leb(bytes, at)?;
        }
        Ok(())
    };
    match kind {
        0x00 => leb(bytes, at).map(|_| ()),
        0x01 => {
            *at += 1; // the element type
            limits(at)
        }
        0x02 => limits(at),
        0x03 => {
            *at += 2; // value type, mutability
            Ok(())
        }
        0x04 => {
            *at += 1; // attribute
            leb(bytes, at).map(|_| ())
        }
        k => Err(format!("wasm: unknown import kind {k}")),
    }
}

/// `n` as a short name: `_0` … `_z`, `_10` …
fn short(mut n: usize) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut s = Vec::new();
    loop {
        s.push(DIGITS[n % 36]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    s.reverse();
    format!("_{}", String::from_utf8(s).expect("ASCII"))
}

/// Renames every `__wbg_…` import of module `module` in `wasm` and `glue`; the new Wasm and glue.
pub fn shorten(wasm: &[u8], glue: &str, module: &str) -> Result<(Vec<u8>, String)> {
    if wasm.get(..8) != Some(b"\0asm\x01\0\0\0".as_slice()) {
        return Err("wasm: not a version 1 module".into());
    }
    let mut out = wasm[..8].to_vec();
    let mut glue = glue.to_owned();
    let mut at = 8;
    let mut renamed = 0;
    while at < wasm.len() {
        let id = wasm[at];
        at += 1;
        let size = leb(wasm, &mut at)? as usize;
        let body = wasm.get(at..at + size).ok_or("wasm: truncated section")?;
        at += size;
        if id != 2 {
            out.push(id);
            put_leb(&mut out, size as u32);
            out.extend_from_slice(body);
            continue;
        }
        let mut p = 0;
        let count = leb(body, &mut p)?;
        let mut section = Vec::new();
        put_leb(&mut section, count);
        for _ in 0..count {
            let m = name(body, &mut p)?;
            let field = name(body, &mut p)?;
            let desc_start = p;
            skip_desc(body, &mut p)?;
            let new = if m == module && field.starts_with("__wbg") {
                let key = format!("{field}:");
                let new = short(renamed);
                renamed += 1;
                if glue.matches(&key).count() != 1 || glue.matches(field).count() != 1 {
                    return Err(format!("glue: import {field} is not there exactly once"));
                }
                glue = glue.replace(&key, &format!("{new}:"));
                new
            } else {
                field.to_owned()
            };
            for s in [m, new.as_str()] {
                put_leb(&mut section, s.len() as u32);
                section.extend_from_slice(s.as_bytes());
            }
            section.extend_from_slice(&body[desc_start..p]);
        }
        out.push(2);
        put_leb(&mut out, section.len() as u32);
        out.extend_from_slice(&section);
    }
    Ok((out, glue))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module with two function imports and a memory import, as wasm-bindgen writes them.
    fn module(names: &[(&str, &str)]) -> Vec<u8> {
        let mut imports = Vec::new();
        put_leb(&mut imports, names.len() as u32);
        for (m, f) in names {
            for s in [m, f] {
                put_leb(&mut imports, s.len() as u32);
                imports.extend_from_slice(s.as_bytes());
            }
            if *f == "memory" {
                imports.extend_from_slice(&[0x02, 0x01, 0x11, 0x80, 0x01]);
            } else {
                imports.extend_from_slice(&[0x00, 0x00]);
            }
        }
        let mut w = b"\0asm\x01\0\0\0".to_vec();
        w.extend_from_slice(&[0x01, 0x04, 0x01, 0x60, 0x00, 0x00]); // a type section
        w.push(2);
        put_leb(&mut w, imports.len() as u32);
        w.extend_from_slice(&imports);
        w.extend_from_slice(&[0x00, 0x03, 0x01, b'x', 0x07]); // a custom section
        w
    }

    #[test]
    fn renames_in_both_and_keeps_the_rest() {
        let m = "./rally_widgets_bg.js";
        let a = "__wbg_focus_0123456789abcdef";
        let b = "__wbg___wbindgen_throw_fedcba9876543210";
        let wasm = module(&[(m, a), ("env", "memory"), (m, b), ("other", "__wbg_keep_1")]);
        let glue = format!("{{{a}:function(){{}},{b}:function(e){{throw e}}}}");
        let (w, g) = shorten(&wasm, &glue, m).unwrap();
        assert_eq!(g, "{_0:function(){},_1:function(e){throw e}}");
        assert_eq!(
            w,
            module(&[
                (m, "_0"),
                ("env", "memory"),
                (m, "_1"),
                ("other", "__wbg_keep_1")
            ])
        );
        assert!(
            shorten(&wasm, "{}", m).is_err(),
            "a glue without the import is an error"
        );
    }

    #[test]
    fn short_names() {
        assert_eq!(
            [0, 9, 10, 35, 36, 1295].map(short),
            ["_0", "_9", "_a", "_z", "_10", "_zz"]
        );
    }
}
