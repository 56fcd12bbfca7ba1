//! Pure text formats the edge writes: HTML-escaped text, percent-encoded query values, CSV
//! cells and ISO 8601 times. No bindings, so they are tested natively with many cases.

use serde_json::Value;

/// A query parameter value, percent-encoded (RFC 3986 unreserved characters kept).
pub fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b => format!("%{b:02X}"),
        })
        .collect()
}

/// Escapes text for HTML element content and double-quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A CSV cell: quoted, with a leading `=`, `+`, `-`, `@` (or tab, carriage return) neutralised
/// by a `'` so spreadsheets show it instead of running it.
pub fn csv_cell(s: &str) -> String {
    let risky = s
        .chars()
        .next()
        .is_some_and(|c| matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r'));
    let s = if risky { format!("'{s}") } else { s.to_owned() };
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// A moment as ISO 8601 in UTC, `2026-11-21T14:05:09Z`.
pub fn iso_datetime(ms: f64) -> String {
    let secs = (ms / 1000.0).floor() as i64;
    let (day, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = rally_api::week::civil_from_days(day);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

/// A CSV cell of an exported column: times (`*_at`) as ISO 8601, whole numbers without a
/// fraction, booleans as 0/1, text through [`csv_cell`].
pub fn cell(column: &str, v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "\"\"".to_owned(),
        Some(Value::Number(n)) if column.ends_with("_at") => {
            csv_cell(&iso_datetime(n.as_f64().unwrap_or(0.0)))
        }
        Some(Value::Number(n)) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 => format!("{}", f as i64),
            _ => n.to_string(),
        },
        Some(Value::Bool(b)) => u8::from(*b).to_string(),
        Some(Value::String(s)) => csv_cell(s),
        Some(other) => csv_cell(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::{cell, csv_cell, escape, iso_datetime, url_encode};
    use serde_json::{json, Value};

    #[test]
    fn export_cells() {
        for (column, value, expected) in [
            ("email", Some(json!("a@b.org")), r#""a@b.org""#),
            ("first_name", Some(json!("=cmd")), r#""'=cmd""#),
            ("points", Some(json!(120)), "120"),
            ("points", Some(json!(120.0)), "120"),
            ("ratio", Some(json!(0.5)), "0.5"),
            ("listed", Some(json!(true)), "1"),
            ("listed", Some(json!(false)), "0"),
            ("city", None, r#""""#),
            ("city", Some(Value::Null), r#""""#),
            ("signed_at", Some(json!(0)), r#""1970-01-01T00:00:00Z""#),
            (
                "signed_at",
                Some(json!(1_795_000_000_000_i64)),
                r#""2026-11-18T11:06:40Z""#,
            ),
            ("tags", Some(json!(["a"])), r#""[""a""]""#),
        ] {
            assert_eq!(cell(column, value.as_ref()), expected, "{column} {value:?}");
        }
    }

    #[test]
    fn iso_times() {
        for (ms, expected) in [
            (0.0, "1970-01-01T00:00:00Z"),
            (999.0, "1970-01-01T00:00:00Z"),
            (86_399_000.0, "1970-01-01T23:59:59Z"),
            (951_782_400_000.0, "2000-02-29T00:00:00Z"),
            (-1000.0, "1969-12-31T23:59:59Z"),
        ] {
            assert_eq!(iso_datetime(ms), expected, "{ms}");
        }
    }

    #[test]
    fn html_escaping() {
        for (input, expected) in [
            ("", ""),
            ("plain text", "plain text"),
            (
                "<script>alert(1)</script>",
                "&lt;script&gt;alert(1)&lt;/script&gt;",
            ),
            ("a & b", "a &amp; b"),
            (r#"say "hi""#, "say &quot;hi&quot;"),
            ("it's", "it&#39;s"),
            ("&amp;", "&amp;amp;"),
            (
                "<img src=x onerror=alert(1)>",
                "&lt;img src=x onerror=alert(1)&gt;",
            ),
            ("São Paulo — ação", "São Paulo — ação"),
            ("\"><svg/onload=1>", "&quot;&gt;&lt;svg/onload=1&gt;"),
        ] {
            assert_eq!(escape(input), expected, "{input:?}");
        }
    }

    #[test]
    fn query_values() {
        for (input, expected) in [
            ("", ""),
            ("abcXYZ019-_.~", "abcXYZ019-_.~"),
            ("a b", "a%20b"),
            ("a&b=c", "a%26b%3Dc"),
            ("ação", "a%C3%A7%C3%A3o"),
            ("https://x.org/?q=1", "https%3A%2F%2Fx.org%2F%3Fq%3D1"),
            ("100%", "100%25"),
            ("#+", "%23%2B"),
        ] {
            assert_eq!(url_encode(input), expected, "{input:?}");
        }
    }

    #[test]
    fn csv_cells() {
        for (input, expected) in [
            ("", r#""""#),
            ("plain", r#""plain""#),
            ("a,b", r#""a,b""#),
            (r#"say "hi""#, r#""say ""hi""""#),
            ("line\nbreak", "\"line\nbreak\""),
            ("=SUM(A1:A9)", r#""'=SUM(A1:A9)""#),
            ("+1 555", r#""'+1 555""#),
            ("-2", r#""'-2""#),
            ("@cmd", r#""'@cmd""#),
            ("\t=1", "\"'\t=1\""),
            ("\r=1", "\"'\r=1\""),
            ("a=1", r#""a=1""#),
            (
                r#"=HYPERLINK("http://x")"#,
                r#""'=HYPERLINK(""http://x"")""#,
            ),
        ] {
            assert_eq!(csv_cell(input), expected, "{input:?}");
        }
    }
}
