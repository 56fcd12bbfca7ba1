//! Grouping reports of the same rumour: normalised word sets, MinHash signatures with LSH bands
//! to find candidates by index, and an exact similarity to decide.
//!
//! Rumours are forwarded with small edits ("URGENT!!", "share before they delete it", a word
//! changed), in English, Portuguese and Spanish. A report's *words* are its text folded to
//! lower-case ASCII (accents dropped: "eleição" and "eleicao" are one word), without links,
//! numbers of one character, and the most common words of the three languages, with a plural
//! `s` dropped. Two reports are one claim when their word sets are similar enough
//! ([`same_claim`]).
//!
//! Finding candidates must not scan every claim: each claim stores the [`BANDS`] band hashes of
//! its MinHash signature, and a new report looks up claims sharing any band (an index lookup).
//! With 32 bands of 2 rows, claims with a Jaccard similarity of 0.5 share a band with
//! probability 0.9999, and unrelated ones (0.1) about a quarter of the time; the exact check
//! then decides.
//!
//! Known limit: the check is lexical. Two short claims on the same subject that differ only in
//! their verb ("will sell the park" / "will renovate the park") may be grouped; staff can split
//! them.

/// The number of hash functions in a signature.
pub const HASHES: usize = 64;
/// Rows per band: a band is [`ROWS`] consecutive hashes.
pub const ROWS: usize = 2;
/// Bands per signature.
pub const BANDS: usize = HASHES / ROWS;

/// Words that say nothing about which rumour a report is, in the three languages.
const STOP: &[&str] = &[
    // English
    "the", "a", "an", "and", "or", "of", "to", "in", "on", "at", "for", "from", "by", "with", "is",
    "are", "was", "were", "be", "been", "will", "would", "it", "its", "this", "that", "they",
    "them", "their", "he", "she", "his", "her", "we", "you", "your", "our", "not", "no", "dont",
    "has", "have", "had", "just", "now", "all", "but", "so", "as", "if", "than", "then", "there",
    "what", "who", "about", "into", "out", "up", "do", "does", "did", // Portuguese
    "o", "os", "as", "um", "uma", "uns", "umas", "e", "ou", "de", "do", "da", "dos", "das", "em",
    "no", "na", "nos", "nas", "para", "pra", "por", "pelo", "pela", "com", "sem", "que", "se",
    "foi", "foram", "ser", "vai", "vao", "esta", "estao", "ele", "ela", "eles", "elas", "seu",
    "sua", "nao", "ja", "mais", "muito", "isso", "este", "essa", "esse", "ao", "aos", "ate",
    // Spanish
    "el", "la", "los", "las", "un", "unos", "unas", "y", "del", "al", "en", "con", "sin", "por",
    "para", "que", "es", "son", "fue", "va", "van", "esta", "estan", "su", "sus", "lo", "le",
    "les", "ya", "mas", "muy", "eso", "este", "esa", "ese", "hay", "pero", "como",
];

/// A Latin letter without its accent ("ç" -> 'c'), lower case; other characters as they are.
fn fold(c: char) -> char {
    match c {
        'A'..='Z' => c.to_ascii_lowercase(),
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => 'a',
        'ç' | 'Ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => 'i',
        'ñ' | 'Ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => 'u',
        'ý' | 'ÿ' | 'Ý' => 'y',
        c => c,
    }
}

/// The words of a report, sorted and without repeats.
pub fn words(text: &str) -> Vec<String> {
    let mut out: Vec<String> = text
        .split_whitespace()
        // Links say where, not what; they are recorded separately.
        .filter(|w| !w.contains("://") && !w.starts_with("www."))
        .flat_map(|w| {
            w.chars()
                .map(fold)
                .filter(|c| *c != '\'' && *c != '’')
                .collect::<String>()
                .split(|c: char| !c.is_alphanumeric())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .filter(|w| w.chars().count() > 1 && !STOP.contains(&w.as_str()))
        .map(|w| match w.strip_suffix('s') {
            Some(stem) if stem.len() >= 3 && !stem.ends_with('s') => stem.to_owned(),
            _ => w,
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// FNV-1a, 64 bits: a stable hash of a word (the same on every machine and release).
fn hash(word: &str) -> u64 {
    word.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// SplitMix64's finaliser: one of the [`HASHES`] hash functions, seeded by `i`.
fn mix(x: u64, i: u64) -> u64 {
    let mut z = x ^ i.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The MinHash signature of a word set: for each hash function, the least hash of any word.
pub fn signature(words: &[String]) -> [u64; HASHES] {
    let mut sig = [u64::MAX; HASHES];
    for w in words {
        let h = hash(w);
        for (i, slot) in sig.iter_mut().enumerate() {
            *slot = (*slot).min(mix(h, i as u64));
        }
    }
    sig
}

/// The band hashes of a signature, as stored and looked up in D1: 48 bits, so they stay exact
/// in a JavaScript number. Empty word sets have no bands (nothing to match on).
pub fn bands(words: &[String]) -> Vec<i64> {
    if words.is_empty() {
        return Vec::new();
    }
    let sig = signature(words);
    sig.chunks(ROWS)
        .enumerate()
        .map(|(band, rows)| {
            let h = rows
                .iter()
                .fold(band as u64, |h, r| mix(h ^ r, band as u64));
            (h >> 16) as i64
        })
        .collect()
}

/// How many words two sorted sets share.
fn shared(a: &[String], b: &[String]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Whether two reports (their sorted word sets) are the same claim: Jaccard similarity of at
/// least 0.55, or a short version inside a long one (four or more words shared, and at least
/// 80% of the shorter set).
pub fn same_claim(a: &[String], b: &[String]) -> bool {
    let n = shared(a, b);
    let union = a.len() + b.len() - n;
    if n == 0 || union == 0 {
        return false;
    }
    let jaccard = n as f64 / union as f64;
    let contained = n as f64 / a.len().min(b.len()) as f64;
    jaccard >= 0.55 || (n >= 4 && contained >= 0.8)
}

/// How well a query matches a claim, for "this may already be answered": the share of the
/// query's words the claim has (0 to 1).
pub fn match_score(query: &[String], claim: &[String]) -> f64 {
    if query.is_empty() {
        return 0.0;
    }
    shared(query, claim) as f64 / query.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    const MUST_MERGE: &[(&str, &str)] = &[
        // English
        (
            "The mayor is secretly selling Riverside Park to a parking company",
            "BREAKING: mayor secretly selling riverside park to parking company!!! share before they delete",
        ),
        (
            "Polling stations will close at noon on election day",
            "polling stations close at 12 noon on election day, don't be late",
        ),
        (
            "The new vaccine contains microchips to track people",
            "Vaccines contain microchips to track people - forward to everyone!",
        ),
        // Portuguese
        (
            "A prefeitura vai vender o Parque Riverside para uma empresa de estacionamento",
            "URGENTE: prefeitura vendendo parque riverside pra empresa de estacionamento, compartilhe!",
        ),
        (
            "As urnas eletrônicas foram hackeadas na última eleição",
            "urnas eletronicas hackeadas na ultima eleicao, dizem tecnicos",
        ),
        (
            "O candidato vai acabar com o Bolsa Família se for eleito",
            "candidato disse que vai acabar com o bolsa familia se for eleito!!! repassem",
        ),
        // Spanish
        (
            "El alcalde venderá el parque Riverside a una empresa de aparcamientos",
            "¡Urgente! el alcalde vende el parque riverside a empresa de aparcamiento",
        ),
        (
            "Las mesas de votación cierran a las 12 del mediodía",
            "las mesas de votacion cierran al mediodia (12h)",
        ),
        (
            "Van a cerrar todos los hospitales públicos de la ciudad en enero",
            "CIERRAN todos los hospitales publicos de la ciudad en enero, compartan",
        ),
        // A short forward inside a long message.
        (
            "Mayor selling Riverside Park to parking company",
            "Friends, I just heard from my cousin who works at city hall: the mayor is selling Riverside Park to a parking company next month. Nobody is talking about it. Share with everyone you know!",
        ),
    ];

    const MUST_NOT_MERGE: &[(&str, &str)] = &[
        (
            "The mayor is secretly selling Riverside Park to a parking company",
            "Polling stations will close at noon on election day",
        ),
        (
            "The mayor is secretly selling Riverside Park to a parking company",
            "The mayor is planting a hundred new trees in Riverside Park this spring",
        ),
        (
            "The new vaccine contains microchips to track people",
            "The new school lunch menu contains no vegetables at all",
        ),
        (
            "As urnas eletrônicas foram hackeadas na última eleição",
            "A prefeitura vai vender o Parque Riverside para uma empresa de estacionamento",
        ),
        (
            "O candidato vai acabar com o Bolsa Família se for eleito",
            "O candidato foi visto em uma festa com traficantes ontem à noite",
        ),
        (
            "Las mesas de votación cierran a las 12 del mediodía",
            "El alcalde venderá el parque Riverside a una empresa de aparcamientos",
        ),
        (
            "Van a cerrar todos los hospitales públicos de la ciudad en enero",
            "El gobierno regalará computadoras a todos los estudiantes en enero",
        ),
        // The same words in another language are another report (and no words at all, none).
        ("", "!!!"),
    ];

    #[test]
    fn paraphrases_merge() {
        for (a, b) in MUST_MERGE {
            let (wa, wb) = (words(a), words(b));
            assert!(same_claim(&wa, &wb), "should merge:\n  {wa:?}\n  {wb:?}");
            let (ba, bb) = (bands(&wa), bands(&wb));
            assert!(
                ba.iter().zip(&bb).any(|(x, y)| x == y),
                "should be candidates (share a band):\n  {a}\n  {b}"
            );
        }
    }

    #[test]
    fn unrelated_claims_do_not_merge() {
        for (a, b) in MUST_NOT_MERGE {
            let (wa, wb) = (words(a), words(b));
            assert!(
                !same_claim(&wa, &wb),
                "should not merge:\n  {wa:?}\n  {wb:?}"
            );
        }
    }

    #[test]
    fn words_are_folded_and_filtered() {
        assert_eq!(
            words("Eleição!! As URNAS foram hackeadas: https://x.example/a www.y.example"),
            ["eleicao", "hackeada", "urna"]
        );
        assert_eq!(words("don't   share: a b c"), ["share"]);
        assert_eq!(
            words("address class vaccines bus"),
            ["address", "bus", "class", "vaccine"]
        );
    }

    #[test]
    fn signatures_are_stable() {
        let w = words("mayor selling riverside park");
        assert_eq!(bands(&w), bands(&w.clone()));
        assert_eq!(bands(&w).len(), BANDS);
        assert!(bands(&w).iter().all(|b| *b >= 0 && *b < 1 << 48));
        assert!(bands(&[]).is_empty());
    }
}
