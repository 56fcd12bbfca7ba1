//! Field validation and normalisation, written once for both the widget and the edge.
//!
//! Each function takes raw user input and returns the normalised value or the [`ErrorCode`] that
//! says what is wrong. No regex crate: it would cost the widget bundle more than these few loops.

use crate::ErrorCode;

pub const NAME_MAX: usize = 60;
pub const EMAIL_MAX: usize = 254;
pub const POSTAL_MAX: usize = 12;
pub const TRACKING_MAX: usize = 100;
pub const PAGE_URL_MAX: usize = 500;
pub const REF_CODE_LEN: usize = 8;

/// A letter for our purposes: an ASCII letter or any non-ASCII character that is not a
/// control or format character. Deliberately not `char::is_alphabetic`, whose Unicode tables
/// would add kilobytes to every visitor's download for no practical gain in a name field.
fn letter(c: char) -> bool {
    c.is_ascii_alphabetic() || (!c.is_ascii() && !control(c))
}

/// C0 and C1 controls, and the bidirectional overrides and isolates that can disguise text.
fn control(c: char) -> bool {
    c.is_ascii_control()
        || ('\u{80}'..='\u{9f}').contains(&c)
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// Whether `s` contains `needle`. A byte window, not `str::contains`: the standard library's
/// substring search (Two-Way, which even `contains(char)` reaches) adds 1.5 KB to the widget.
fn has(s: &str, needle: &[u8]) -> bool {
    s.as_bytes().windows(needle.len()).any(|w| w == needle)
}

/// A person's first or last name: trimmed, inner runs of white space folded to one space.
pub fn name(raw: &str) -> Result<String, ErrorCode> {
    let folded = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if folded.is_empty() {
        return Err(ErrorCode::Required);
    }
    if folded.chars().count() > NAME_MAX {
        return Err(ErrorCode::TooLong);
    }
    // Control characters and bidi overrides have no place in a name; "://" is a spam link.
    if folded.chars().any(control) || has(&folded, b"://") || !folded.chars().any(letter) {
        return Err(ErrorCode::InvalidValue);
    }
    Ok(folded)
}

/// An email address, normalised to lower case: the one key of a supporter within a campaign.
///
/// Only ASCII letters are folded: full Unicode case tables would weigh more than the widget's
/// whole form, and internationalised addresses are rare enough to compare as typed.
///
/// Deliberately practical rather than RFC 5322 complete: one `@`, a local part without spaces
/// or quotes, and a domain of dot-separated labels ending in a top-level domain of letters.
pub fn email(raw: &str) -> Result<String, ErrorCode> {
    let e = raw.trim();
    if e.is_empty() {
        return Err(ErrorCode::Required);
    }
    if e.len() > EMAIL_MAX {
        return Err(ErrorCode::TooLong);
    }
    let e = e.to_ascii_lowercase();
    let (local, domain) = e.split_once('@').ok_or(ErrorCode::InvalidEmail)?;
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !has(local, b"..")
        && local.chars().all(|c| {
            letter(c)
                || c.is_ascii_digit()
                || c.is_ascii() && b"!#$%&'*+-/=?^_`{|}~.".contains(&(c as u8))
        });
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars()
                    .all(|c| letter(c) || c.is_ascii_digit() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.chars().count() >= 2 && tld.chars().all(letter));
    if local_ok && domain_ok {
        Ok(e)
    } else {
        Err(ErrorCode::InvalidEmail)
    }
}

/// An ISO 3166-1 alpha-2 country code, upper case.
pub fn country(raw: &str) -> Result<String, ErrorCode> {
    let c = raw.trim().to_ascii_uppercase();
    if c.is_empty() {
        return Err(ErrorCode::Required);
    }
    if c.len() == 2 && COUNTRIES.chunks(2).any(|pair| pair == c.as_bytes()) {
        Ok(c)
    } else {
        Err(ErrorCode::InvalidCountry)
    }
}

/// A postal code, upper case, checked against the country's format where we know it.
///
/// `country` must already be valid. Brazilian CEPs are normalised to `12345-678`.
pub fn postal_code(raw: &str, country: &str) -> Result<String, ErrorCode> {
    let p = raw
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_uppercase();
    if p.is_empty() {
        return Err(ErrorCode::Required);
    }
    if p.len() > POSTAL_MAX {
        return Err(ErrorCode::TooLong);
    }
    if !p
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
    {
        return Err(ErrorCode::InvalidPostalCode);
    }
    let digits: String = p.chars().filter(char::is_ascii_digit).collect();
    let only_digits =
        |n: usize| digits.len() == n && p.chars().all(|c| c.is_ascii_digit() || c == '-');
    let ok = match country {
        "BR" => {
            if only_digits(8) {
                return Ok(format!("{}-{}", &digits[..5], &digits[5..]));
            }
            false
        }
        "US" => only_digits(5) || only_digits(9),
        "ES" | "MX" | "DE" | "FR" | "IT" => only_digits(5) && !has(&p, b"-"),
        "PT" => only_digits(7) && p.len() == 8 && p.as_bytes()[4] == b'-',
        "AR" => {
            p.len() == 4 && only_digits(4)
                || p.len() == 8 && p.chars().all(|c| c.is_ascii_alphanumeric())
        }
        _ => p.chars().any(|c| c.is_ascii_alphanumeric()) && p.len() >= 2,
    };
    if ok {
        Ok(p)
    } else {
        Err(ErrorCode::InvalidPostalCode)
    }
}

/// A campaign or petition slug: 1 to 64 of `a-z 0-9 -`.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A referral code as the edge issues them: 8 of Crockford's base-32 alphabet.
/// Anything else (a mangled link) is ignored rather than refused: it must never cost a signature.
pub fn ref_code(raw: &str) -> Option<String> {
    let c = raw.trim().to_ascii_uppercase();
    (c.len() == REF_CODE_LEN && c.bytes().all(|b| REF_ALPHABET.contains(&b))).then_some(c)
}

/// The alphabet of referral codes: no I, L, O, U, so a code read aloud or retyped survives.
pub const REF_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// An `Idempotency-Key` header value: 8 to 64 of `A-Z a-z 0-9 - _`.
pub fn is_idempotency_key(s: &str) -> bool {
    (8..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Attribution values (`source`, `utm_*`) are never refused: trimmed, control characters
/// dropped, cut to `max` characters, and blank means absent.
pub fn tracking(raw: Option<&str>, max: usize) -> Option<String> {
    let v: String = raw?
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(max)
        .collect();
    (!v.is_empty()).then_some(v)
}

/// What the public sees of a signer: first name and the initial of the last name.
pub fn display_name(first: &str, last: &str) -> String {
    match last.chars().next() {
        Some(i) => format!("{first} {}.", i.to_uppercase()), // edge only: not in the widget
        None => first.to_owned(),
    }
}

/// Every ISO 3166-1 alpha-2 code, in alphabetical order (for a country picker).
pub fn country_codes() -> impl Iterator<Item = &'static str> {
    COUNTRIES
        .chunks(2)
        .map(|pair| std::str::from_utf8(pair).unwrap_or("ZZ"))
}

/// ISO 3166-1 alpha-2, all 249 assigned codes, concatenated.
const COUNTRIES: &[u8] =
    b"ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZ\
CACCCDCFCGCHCICKCLCMCNCOCRCUCVCWCXCYCZDEDJDKDMDODZECEEEGEHERESETFIFJFKFMFOFRGAGBGDGEGFGGGHGIGLGMGN\
GPGQGRGSGTGUGWGYHKHMHNHRHTHUIDIEILIMINIOIQIRISITJEJMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLCLILKLRLSLTLULV\
LYMAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZNANCNENFNGNINLNONPNRNUNZOMPAPEPFPGPHPKPLPMPNPRPSPT\
PWPYQARERORSRURWSASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZTCTDTFTGTHTJTKTLTMTNTOTRTTTVTWTZUAUGUMUS\
UYUZVAVCVEVGVIVNVUWFWSYEYTZAZMZW";

#[cfg(test)]
mod tests {
    use super::*;
    use ErrorCode::*;

    fn check<T: PartialEq + std::fmt::Debug>(
        f: impl Fn(&str) -> Result<T, ErrorCode>,
        cases: &[(&str, Result<T, ErrorCode>)],
    ) {
        for (input, want) in cases {
            assert_eq!(&f(input), want, "input {input:?}");
        }
    }

    #[test]
    fn country_list_is_complete() {
        assert_eq!(COUNTRIES.len(), 249 * 2);
        let mut seen: Vec<&[u8]> = COUNTRIES.chunks(2).collect();
        seen.dedup();
        assert_eq!(seen.len(), 249);
        assert!(
            seen.windows(2).all(|w| w[0] < w[1]),
            "sorted, no duplicates"
        );
    }

    #[test]
    fn emails() {
        let ok = |s: &str| Ok(s.to_owned());
        check(
            email,
            &[
                ("ana@example.org", ok("ana@example.org")),
                (
                    "  Ana.Souza@Example.COM.br ",
                    ok("ana.souza@example.com.br"),
                ),
                ("first+tag@sub.example.io", ok("first+tag@sub.example.io")),
                ("o'neil@example.ie", ok("o'neil@example.ie")),
                ("josé@exemplo.com.br", ok("josé@exemplo.com.br")),
                ("a@b.co", ok("a@b.co")),
                ("", Err(Required)),
                ("   ", Err(Required)),
                ("ana", Err(InvalidEmail)),
                ("ana@", Err(InvalidEmail)),
                ("@example.org", Err(InvalidEmail)),
                ("ana@example", Err(InvalidEmail)),
                ("ana@@example.org", Err(InvalidEmail)),
                ("ana@exa mple.org", Err(InvalidEmail)),
                ("an a@example.org", Err(InvalidEmail)),
                ("ana@example.c", Err(InvalidEmail)),
                ("ana@example.123", Err(InvalidEmail)),
                ("ana@-example.org", Err(InvalidEmail)),
                ("ana@example-.org", Err(InvalidEmail)),
                ("ana@example..org", Err(InvalidEmail)),
                (".ana@example.org", Err(InvalidEmail)),
                ("ana.@example.org", Err(InvalidEmail)),
                ("a..na@example.org", Err(InvalidEmail)),
                ("<script>@example.org", Err(InvalidEmail)),
                ("ana@example.org\n", ok("ana@example.org")),
                ("ana\"@example.org", Err(InvalidEmail)),
            ],
        );
        let long = format!("{}@example.org", "a".repeat(250));
        assert_eq!(email(&long), Err(TooLong));
        let long_local = format!("{}@example.org", "a".repeat(65));
        assert_eq!(email(&long_local), Err(InvalidEmail));
    }

    #[test]
    fn names() {
        let ok = |s: &str| Ok(s.to_owned());
        check(
            name,
            &[
                ("Ana", ok("Ana")),
                ("  Ana   Maria ", ok("Ana Maria")),
                ("José", ok("José")),
                ("O'Neil-Smith", ok("O'Neil-Smith")),
                ("Nguyễn", ok("Nguyễn")),
                ("张伟", ok("张伟")),
                ("<b>Ana</b>", ok("<b>Ana</b>")), // stored as given, escaped on output
                ("", Err(Required)),
                ("  \t ", Err(Required)),
                ("123", Err(InvalidValue)),
                ("Ana\u{202e}", Err(InvalidValue)),
                ("Ana\u{0}", Err(InvalidValue)),
                ("http://spam.example", Err(InvalidValue)),
            ],
        );
        assert_eq!(name(&"a".repeat(60)), Ok("a".repeat(60)));
        assert_eq!(name(&"a".repeat(61)), Err(TooLong));
        assert_eq!(
            name(&"é".repeat(60)),
            Ok("é".repeat(60)),
            "counts characters, not bytes"
        );
    }

    #[test]
    fn countries() {
        let ok = |s: &str| Ok(s.to_owned());
        check(
            country,
            &[
                ("BR", ok("BR")),
                ("br", ok("BR")),
                (" es ", ok("ES")),
                ("US", ok("US")),
                ("", Err(Required)),
                ("XX", Err(InvalidCountry)),
                ("BRA", Err(InvalidCountry)),
                ("B", Err(InvalidCountry)),
                ("UK", Err(InvalidCountry)),
            ],
        );
    }

    #[test]
    fn postal_codes() {
        let cases: &[(&str, &str, Result<&str, ErrorCode>)] = &[
            ("01310-100", "BR", Ok("01310-100")),
            ("01310100", "BR", Ok("01310-100")),
            ("0131010", "BR", Err(InvalidPostalCode)),
            ("90210", "US", Ok("90210")),
            ("90210-1234", "US", Ok("90210-1234")),
            ("9021", "US", Err(InvalidPostalCode)),
            ("28013", "ES", Ok("28013")),
            ("2801", "ES", Err(InvalidPostalCode)),
            ("06600", "MX", Ok("06600")),
            ("1100-148", "PT", Ok("1100-148")),
            ("1100148", "PT", Err(InvalidPostalCode)),
            ("sw1a 1aa", "GB", Ok("SW1A 1AA")),
            ("C1425", "AR", Err(InvalidPostalCode)),
            ("1425", "AR", Ok("1425")),
            ("C1425ABC", "AR", Ok("C1425ABC")),
            ("", "BR", Err(Required)),
            ("<script>", "GB", Err(InvalidPostalCode)),
            ("1234567890123", "GB", Err(TooLong)),
        ];
        for (raw, cc, want) in cases {
            assert_eq!(
                postal_code(raw, cc),
                want.map(str::to_owned),
                "{raw:?} in {cc}"
            );
        }
    }

    #[test]
    fn small_helpers() {
        assert!(is_slug("save-the-park"));
        assert!(!is_slug("Save"));
        assert!(!is_slug(""));
        assert!(!is_slug("../etc"));
        assert_eq!(ref_code("7k3m9q2x"), Some("7K3M9Q2X".into()));
        assert_eq!(ref_code("7K3M9Q2"), None);
        assert_eq!(ref_code("7K3M9Q2I"), None, "I is not in the alphabet");
        assert!(is_idempotency_key("0b7e6c1a-41d2-4c1e-9d0a-1f7b0e3c2a55"));
        assert!(!is_idempotency_key("short"));
        assert!(!is_idempotency_key("has space in it"));
        assert_eq!(
            tracking(Some("  newsletter "), 100),
            Some("newsletter".into())
        );
        assert_eq!(tracking(Some("   "), 100), None);
        assert_eq!(tracking(Some("abcdef"), 3), Some("abc".into()));
        assert_eq!(tracking(None, 3), None);
        assert_eq!(display_name("Ana", "souza"), "Ana S.");
        assert_eq!(display_name("Ana", "Éluard"), "Ana É.");
        assert_eq!(display_name("Ana", ""), "Ana");
    }
}
