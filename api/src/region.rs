//! Regions for the regions leaderboard: an ISO 3166-2 subdivision (`BR-SP`) where the postal
//! code tells it, else the country (`US`), unless the supporter chose one.
//!
//! Derivation covers the campaigns' three big countries: Brazil (CEP ranges to states), the
//! United States (ZIP prefixes to states) and Spain (the first two digits of a postal code are
//! the province). Elsewhere a supporter may choose their region (`PATCH /me`), and until then
//! counts for their country.

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

/// US ZIP code prefixes (first three digits, inclusive) and their states, from USPS's prefix
/// list. Military (AA, AE, AP) and unassigned prefixes are left out: those count for the country.
const US: &[(u32, u32, &str)] = &[
    (5, 5, "NY"),
    (6, 7, "PR"),
    (8, 8, "VI"),
    (9, 9, "PR"),
    (10, 27, "MA"),
    (28, 29, "RI"),
    (30, 38, "NH"),
    (39, 49, "ME"),
    (50, 54, "VT"),
    (55, 55, "MA"),
    (56, 59, "VT"),
    (60, 69, "CT"),
    (70, 89, "NJ"),
    (100, 149, "NY"),
    (150, 196, "PA"),
    (197, 199, "DE"),
    (200, 200, "DC"),
    (201, 201, "VA"),
    (202, 205, "DC"),
    (206, 219, "MD"),
    (220, 246, "VA"),
    (247, 268, "WV"),
    (270, 289, "NC"),
    (290, 299, "SC"),
    (300, 319, "GA"),
    (320, 339, "FL"),
    (341, 349, "FL"),
    (350, 369, "AL"),
    (370, 385, "TN"),
    (386, 397, "MS"),
    (398, 399, "GA"),
    (400, 427, "KY"),
    (430, 459, "OH"),
    (460, 479, "IN"),
    (480, 499, "MI"),
    (500, 528, "IA"),
    (530, 549, "WI"),
    (550, 567, "MN"),
    (569, 569, "DC"),
    (570, 577, "SD"),
    (580, 588, "ND"),
    (590, 599, "MT"),
    (600, 629, "IL"),
    (630, 658, "MO"),
    (660, 679, "KS"),
    (680, 693, "NE"),
    (700, 715, "LA"),
    (716, 729, "AR"),
    (730, 732, "OK"),
    (733, 733, "TX"),
    (734, 749, "OK"),
    (750, 799, "TX"),
    (800, 816, "CO"),
    (820, 831, "WY"),
    (832, 838, "ID"),
    (840, 847, "UT"),
    (850, 865, "AZ"),
    (870, 884, "NM"),
    (885, 885, "TX"),
    (889, 898, "NV"),
    (900, 961, "CA"),
    (967, 968, "HI"),
    (970, 979, "OR"),
    (980, 994, "WA"),
    (995, 999, "AK"),
];

/// Spanish provinces by the first two digits of the postal code (01 Álava ... 52 Melilla), as
/// ISO 3166-2 province codes.
const ES: [&str; 52] = [
    "VI", "AB", "A", "AL", "AV", "BA", "PM", "B", "BU", "CC", "CA", "CS", "CR", "CO", "C", "CU",
    "GI", "GR", "GU", "SS", "H", "HU", "J", "LE", "L", "LO", "LU", "M", "MA", "MU", "NA", "OR",
    "O", "P", "GC", "PO", "SA", "TF", "S", "SG", "SE", "SO", "T", "TE", "TO", "V", "VA", "BI",
    "ZA", "Z", "CE", "ML",
];

/// The first `n` digits of a postal code, as a number.
fn prefix(postal_code: &str, n: usize) -> Option<u32> {
    let digits: String = postal_code
        .chars()
        .filter(char::is_ascii_digit)
        .take(n)
        .collect();
    (digits.len() == n).then(|| digits.parse().ok()).flatten()
}

fn in_ranges(table: &[(u32, u32, &'static str)], p: u32) -> Option<&'static str> {
    table
        .iter()
        .find(|(lo, hi, _)| (*lo..=*hi).contains(&p))
        .map(|(_, _, r)| *r)
}

/// The region of a validated country and postal code.
pub fn derive(country: &str, postal_code: &str) -> String {
    let sub = match country {
        "BR" => prefix(postal_code, 5).and_then(|p| in_ranges(BR, p)),
        "US" => prefix(postal_code, 3).and_then(|p| in_ranges(US, p)),
        "ES" => prefix(postal_code, 2)
            .and_then(|p| p.checked_sub(1))
            .and_then(|i| ES.get(i as usize).copied()),
        _ => None,
    };
    match sub {
        Some(s) => format!("{country}-{s}"),
        None => country.to_owned(),
    }
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
            ("FR", "75001", "FR"),        // no table: the country
        ];
        for (cc, cep, want) in cases {
            assert_eq!(derive(cc, cep), want, "{cc} {cep}");
        }
    }

    #[test]
    fn derives_us_states_from_zip() {
        let cases = [
            ("10001", "US-NY"),      // Manhattan
            ("00501", "US-NY"),      // Holtsville, the IRS
            ("00901", "US-PR"),      // San Juan
            ("02139", "US-MA"),      // Cambridge
            ("20500", "US-DC"),      // the White House
            ("20101", "US-VA"),      // Dulles
            ("33101", "US-FL"),      // Miami
            ("60601", "US-IL"),      // Chicago
            ("73101", "US-OK"),      // Oklahoma City
            ("73301", "US-TX"),      // Austin, the IRS
            ("88510", "US-TX"),      // El Paso
            ("84101", "US-UT"),      // Salt Lake City
            ("90210", "US-CA"),      // Beverly Hills
            ("96813", "US-HI"),      // Honolulu
            ("99501", "US-AK"),      // Anchorage
            ("98101-1234", "US-WA"), // ZIP+4
            ("09001", "US"),         // military mail (AE): no state
            ("34001", "US"),         // military mail (AA): no state
        ];
        for (zip, want) in cases {
            assert_eq!(derive("US", zip), want, "{zip}");
        }
        for w in US.windows(2) {
            assert!(w[0].1 < w[1].0, "{:?} overlaps {:?}", w[0], w[1]);
        }
    }

    #[test]
    fn derives_spanish_provinces_from_postal_codes() {
        let cases = [
            ("28013", "ES-M"),  // Madrid
            ("08001", "ES-B"),  // Barcelona
            ("01001", "ES-VI"), // Vitoria-Gasteiz
            ("07001", "ES-PM"), // Palma
            ("35001", "ES-GC"), // Las Palmas
            ("38001", "ES-TF"), // Santa Cruz de Tenerife
            ("41001", "ES-SE"), // Sevilla
            ("46001", "ES-V"),  // València
            ("52001", "ES-ML"), // Melilla
            ("00001", "ES"),    // no province 00
            ("53001", "ES"),    // nor 53
        ];
        for (cp, want) in cases {
            assert_eq!(derive("ES", cp), want, "{cp}");
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
