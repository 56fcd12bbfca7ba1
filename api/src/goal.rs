//! The thermometer goal that steps up as a petition grows: 100, 200, 500, 1k, 2k, 5k, ...

/// The goal to show for `count` signatures when the campaign set `base` as its goal.
///
/// The campaign's own goal stands until it is reached; from then on the goal is the next step of
/// the 1-2-5 ladder strictly above the count, so the bar is never full and never shrinks.
pub fn next_goal(count: u32, base: u32) -> u32 {
    let base = base.max(1);
    if count < base {
        return base;
    }
    let mut magnitude: u32 = 100;
    loop {
        for step in [1, 2, 5] {
            let goal = match magnitude.checked_mul(step) {
                Some(g) => g,
                None => return u32::MAX,
            };
            if goal > count {
                return goal;
            }
        }
        magnitude = match magnitude.checked_mul(10) {
            Some(m) => m,
            None => return u32::MAX,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::next_goal;

    #[test]
    fn ladder() {
        let cases = [
            // (count, base, goal)
            (0, 100, 100),
            (99, 100, 100),
            (100, 100, 200),
            (199, 100, 200),
            (200, 100, 500),
            (500, 100, 1_000),
            (999, 100, 1_000),
            (1_000, 100, 2_000),
            (4_999, 100, 5_000),
            (5_000, 100, 10_000),
            (123_456, 100, 200_000),
            (0, 250, 250),
            (249, 250, 250),
            (250, 250, 500),
            (0, 0, 1),
            (1, 0, 100),
            (3_000_000_000, 100, u32::MAX),
            (u32::MAX, 100, u32::MAX),
        ];
        for (count, base, want) in cases {
            assert_eq!(next_goal(count, base), want, "count {count} base {base}");
        }
    }

    #[test]
    fn never_full_never_shrinks() {
        let mut last = 0;
        for count in 0..30_000 {
            let g = next_goal(count, 100);
            assert!(g > count);
            assert!(g >= last);
            last = g;
        }
    }
}
