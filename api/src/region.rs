//! Regions for the regions leaderboard: an ISO 3166-2 subdivision (`BR-SP`) where the postal
//! code tells it, else the country (`US`), unless the supporter chose one.
//!
//! Derivation covers Brazil, whose CEP ranges map to states; elsewhere a supporter may choose
//! their region (`PATCH /me`), and until then counts for their country.

/// Brazilian CEP ranges (first five digits, inclusive) and their states, from Correios.
const BR: &[(u32, u32, &str)] = &[
    (1000, 19999, "SP"),
    (20000, 28999, "RJ"),
    (29000, 29999, "ES"),
    (30000, 39999, "MG"),
    (40000, 48999, "BA"),
    (49000, 49999, "SE"),
    (50000, 56999, "PE"),
    (57000, 57999, "AL"),
    (58000, 58999, "PB"),
    (59000, 59999, "RN"),
    (60000, 63999, "CE"),
    (64000, 64999, "PI"),
    (65000, 65999, "MA"),
    (66000, 68899, "PA"),
    (68900, 68999, "AP"),
    (69000, 69299, "AM"),
    (69300, 69399, "RR"),
    (69400, 69899, "AM"),
    (69900, 69999, "AC"),
    (70000, 72799, "DF"),
    (72800, 72999, "GO"),
    (73000, 73699, "DF"),
    (73700, 76799, "GO"),
    (76800, 76999, "RO"),
    (77000, 77999, "TO"),
    (78000, 78899, "MT"),
    // Rondônia's range before 2008, when it moved to 76800-76999; old CEPs are still written.
    (78900, 78999, "RO"),
    (79000, 79999, "MS"),
    (80000, 87999, "PR"),
    (88000, 89999, "SC"),
    (90000, 99999, "RS"),
];

/// The region of a validated country and postal code.
pub fn derive(country: &str, postal_code: &str) -> String {
    if country == "BR" {
        let digits: String = postal_code
            .chars()
            .filter(char::is_ascii_digit)
            .take(5)
            .collect();
        if let Ok(prefix) = digits.parse::<u32>() {
            if let Some((_, _, uf)) = BR.iter().find(|(lo, hi, _)| (*lo..=*hi).contains(&prefix)) {
                return format!("BR-{uf}");
            }
        }
    }
    country.to_owned()
}

/// A region a supporter may choose: `CC` or `CC-XXX` (ISO 3166-1 country, then up to three
/// letters or digits), upper case.
pub fn parse(raw: &str) -> Option<String> {
    let r = raw.trim().to_ascii_uppercase();
    let (cc, sub) = match r.split_once('-') {
        Some((cc, sub)) => (cc, Some(sub)),
        None => (r.as_str(), None),
    };
    crate::validate::country(cc).ok()?;
    match sub {
        None => Some(r.clone()),
        Some(s) if (1..=3).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()) => {
            Some(r.clone())
        }
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_brazilian_states_from_cep() {
        let cases = [
            ("BR", "01310-100", "BR-SP"), // Avenida Paulista
            ("BR", "20040-020", "BR-RJ"), // Centro, Rio
            ("BR", "70150-900", "BR-DF"), // Praça dos Três Poderes
            ("BR", "73000-000", "BR-DF"),
            ("BR", "72800-000", "BR-GO"),
            ("BR", "69301-000", "BR-RR"), // Boa Vista
            ("BR", "69900-000", "BR-AC"),
            ("BR", "69400-000", "BR-AM"),
            ("BR", "90010-000", "BR-RS"), // Porto Alegre
            ("BR", "50030-230", "BR-PE"), // Recife
            ("BR", "00999-999", "BR"),    // no state starts below 01000
            ("US", "90210", "US"),
            ("ES", "28013", "ES"),
        ];
        for (cc, cep, want) in cases {
            assert_eq!(derive(cc, cep), want, "{cc} {cep}");
        }
    }

    #[test]
    fn cep_ranges_cover_without_overlap() {
        for w in BR.windows(2) {
            assert!(w[0].1 < w[1].0, "{:?} overlaps {:?}", w[0], w[1]);
        }
        let covered: u32 = BR.iter().map(|(lo, hi, _)| hi - lo + 1).sum();
        assert_eq!(
            covered,
            99_999 - 1_000 + 1,
            "every CEP prefix from 01000 on has a state"
        );
    }

    #[test]
    fn chosen_regions() {
        assert_eq!(parse("us-ca"), Some("US-CA".into()));
        assert_eq!(parse("ES"), Some("ES".into()));
        assert_eq!(parse("ES-M"), Some("ES-M".into()));
        assert_eq!(parse("ZZ-CA"), None);
        assert_eq!(parse("US-CALIF"), None);
        assert_eq!(parse("US-"), None);
        assert_eq!(parse("<b>"), None);
    }
}
