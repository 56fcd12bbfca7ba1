//! Leaderboard ranks, stated once: **ties share a rank** (standard competition ranking,
//! 1, 2, 2, 4) and, within a tie, rows are listed by who joined first, so a board never
//! reshuffles equal scores between refreshes.
//!
//! The edge keeps, per board and period, how many entries have each score (a histogram). A rank
//! is then `1 + the number of entries with strictly more points`: a sum over the few distinct
//! scores above, never a scan of the entries, however many there are.

/// The rank of a score, given `(points, how many have it)` for every score on the board.
pub fn rank_of(points: u32, histogram: &[(u32, u32)]) -> u32 {
    1 + histogram
        .iter()
        .filter(|(p, _)| *p > points)
        .map(|(_, n)| *n)
        .sum::<u32>()
}

/// Ranks for a board already sorted by points descending: `rank[i]` for `points[i]`.
/// `above` is how many entries (not shown) score higher than the first one shown.
pub fn ranks(points: &[u32], above: u32) -> Vec<u32> {
    let mut out = Vec::with_capacity(points.len());
    for (i, p) in points.iter().enumerate() {
        let rank = match i {
            0 => above + 1,
            _ if points[i - 1] == *p => out[i - 1],
            _ => above + i as u32 + 1,
        };
        out.push(rank);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_share_a_rank() {
        let cases: &[(&[u32], u32, &[u32])] = &[
            (&[], 0, &[]),
            (&[50], 0, &[1]),
            (&[50, 40, 40, 30], 0, &[1, 2, 2, 4]),
            (&[50, 50, 50], 0, &[1, 1, 1]),
            (&[90, 80, 80, 80, 10, 10], 0, &[1, 2, 2, 2, 5, 5]),
            (&[40, 40, 30], 3, &[4, 4, 6]),
            (&[0, 0], 0, &[1, 1]),
        ];
        for (points, above, want) in cases {
            assert_eq!(ranks(points, *above), *want, "{points:?} above {above}");
        }
    }

    #[test]
    fn rank_from_histogram_matches_ranking_the_list() {
        let scores = [120, 90, 90, 60, 60, 60, 30, 0, 0, 0];
        let mut histogram: Vec<(u32, u32)> = Vec::new();
        for s in scores {
            match histogram.iter_mut().find(|(p, _)| *p == s) {
                Some((_, n)) => *n += 1,
                None => histogram.push((s, 1)),
            }
        }
        let listed = ranks(&scores, 0);
        for (i, s) in scores.iter().enumerate() {
            assert_eq!(rank_of(*s, &histogram), listed[i], "score {s}");
        }
        assert_eq!(
            rank_of(1_000, &histogram),
            1,
            "a score above all ranks first"
        );
        assert_eq!(rank_of(10, &histogram), 8);
    }
}
