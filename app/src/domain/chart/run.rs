//! Run charts: the median line and the Anhøj rules for non-random variation.
//!
//! Points on the median are dropped (they neither make nor break a run, nor cross). Of the
//! `n` useful points that remain, there is a **shift** when the longest run on one side of
//! the median is longer than `round(log2 n) + 3`, and **too few crossings** when the line
//! crosses the median fewer times than the 5 % lower quantile of a binomial distribution
//! with `n − 1` trials and probability ½. Either is a signal of non-random variation.
use super::median;

/// The longest run a random process gives with `n` useful points: a longer one is a shift.
pub fn longest_run_limit(n: usize) -> usize {
    if n == 0 {
        return 0;
    }
    ((n as f64).log2().round() as usize) + 3
}

/// The fewest crossings a random process gives with `n` useful points: fewer is a signal.
/// The smallest `c` with P(X ≤ c) ≥ 0.05 for X ~ Binomial(n − 1, ½).
pub fn crossings_limit(n: usize) -> usize {
    if n < 2 {
        return 0;
    }
    let trials = n - 1;
    // Log-space, so long series do not underflow: ln C(t, k) − t ln 2.
    let ln2 = std::f64::consts::LN_2;
    let mut ln_choose = 0.0f64; // ln C(t, 0)
    let mut cumulative = 0.0f64;
    for k in 0..=trials {
        if k > 0 {
            ln_choose += ((trials - k + 1) as f64).ln() - (k as f64).ln();
        }
        cumulative += (ln_choose - trials as f64 * ln2).exp();
        if cumulative >= 0.05 {
            return k;
        }
    }
    trials
}

/// Fewer useful points than this and the rules are not applied: there is too little to
/// tell random from non-random variation.
pub const MIN_USEFUL: usize = 10;

/// What a run chart says about a series.
#[derive(Debug, Clone, PartialEq)]
pub struct RunAnalysis {
    pub median: f64,
    /// Points not on the median.
    pub useful: usize,
    pub longest_run: usize,
    pub run_limit: usize,
    pub crossings: usize,
    pub crossings_limit: usize,
    /// The longest run is longer than the limit.
    pub shift: bool,
    /// Fewer crossings than the limit.
    pub too_few_crossings: bool,
    /// The indexes (in the series given) of the points in runs longer than the limit, to
    /// mark on the chart.
    pub shifted: Vec<usize>,
}

impl RunAnalysis {
    /// Non-random variation: a shift or too few crossings.
    pub fn signal(&self) -> bool {
        self.shift || self.too_few_crossings
    }

    /// What the chart shows, in words, for its description and headline.
    pub fn words(&self) -> String {
        if self.useful < MIN_USEFUL {
            return format!(
                "Too few points off the median to judge the variation yet: {} of the {MIN_USEFUL} needed.",
                self.useful
            );
        }
        match (self.shift, self.too_few_crossings) {
            (false, false) => format!(
                "No signal of non-random variation: the longest run is {} (a shift would be more than {}) and the line crosses the median {} times (fewer than {} would be a signal).",
                self.longest_run, self.run_limit, self.crossings, self.crossings_limit
            ),
            (true, false) => format!(
                "A shift: {} points in a row on one side of the median (more than {} is a signal).",
                self.longest_run, self.run_limit
            ),
            (false, true) => format!(
                "Too few crossings: the line crosses the median {} times (fewer than {} is a signal).",
                self.crossings, self.crossings_limit
            ),
            (true, true) => format!(
                "A shift: {} points in a row on one side of the median (more than {} is a signal), and too few crossings ({}, fewer than {}).",
                self.longest_run, self.run_limit, self.crossings, self.crossings_limit
            ),
        }
    }
}

/// The run chart analysis of `values` in time order (`None` when there are none). The
/// median is the series' own unless `baseline` gives one (a median frozen from a baseline
/// period, to judge later points against).
pub fn analyse(values: &[f64], baseline: Option<f64>) -> Option<RunAnalysis> {
    let median = baseline.or_else(|| median(values))?;
    // Each useful point's side (true above), with its index.
    let sides: Vec<(usize, bool)> = values
        .iter()
        .enumerate()
        .filter(|(_, v)| v.is_finite() && **v != median)
        .map(|(i, v)| (i, *v > median))
        .collect();
    let n = sides.len();
    let run_limit = longest_run_limit(n);
    let mut runs: Vec<(usize, usize)> = vec![]; // (start, length) in `sides`
    for (k, (_, above)) in sides.iter().enumerate() {
        match runs.last_mut() {
            Some((start, len)) if sides[*start].1 == *above => *len += 1,
            _ => runs.push((k, 1)),
        }
    }
    let longest_run = runs.iter().map(|(_, len)| *len).max().unwrap_or(0);
    let crossings = runs.len().saturating_sub(1);
    let crossings_limit = crossings_limit(n);
    let shifted = runs
        .iter()
        .filter(|(_, len)| n >= MIN_USEFUL && *len > run_limit)
        .flat_map(|(start, len)| sides[*start..*start + *len].iter().map(|(i, _)| *i))
        .collect();
    Some(RunAnalysis {
        median,
        useful: n,
        longest_run,
        run_limit,
        crossings,
        crossings_limit,
        shift: n >= MIN_USEFUL && longest_run > run_limit,
        too_few_crossings: n >= MIN_USEFUL && crossings < crossings_limit,
        shifted,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_published_limits_for_10_to_40_useful_points() {
        let runs: Vec<usize> = (10..=40).map(longest_run_limit).collect();
        let mut expected = vec![6, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7];
        expected.extend(std::iter::repeat_n(8, 40 - 23 + 1));
        assert_eq!(runs, expected);
        let crossings: Vec<usize> = (10..=40).map(crossings_limit).collect();
        assert_eq!(
            crossings,
            vec![
                2, 2, 3, 3, 4, 4, 4, 5, 5, 6, 6, 6, 7, 7, 8, 8, 8, 9, 9, 10, 10, 11, 11, 11, 12,
                12, 13, 13, 14, 14, 14
            ]
        );
        // n = 24: a signal when a run is longer than 8 or there are fewer than 8 crossings.
        assert_eq!((longest_run_limit(24), crossings_limit(24)), (8, 8));
    }

    #[test]
    fn a_shift_is_a_run_longer_than_the_limit_and_the_median_breaks_nothing() {
        // 24 points: 9 below then 15 alternating. The run of 9 > 8 is a shift.
        let mut v: Vec<f64> = vec![1.0; 9];
        v.extend((0..15).map(|i| if i % 2 == 0 { 10.0 } else { 2.0 }));
        let a = analyse(&v, Some(5.0)).unwrap();
        assert_eq!((a.useful, a.longest_run, a.run_limit), (24, 9, 8));
        assert!(a.shift);
        assert_eq!(a.shifted, (0..9).collect::<Vec<_>>());
        // 8 below is not a shift.
        let mut v: Vec<f64> = vec![1.0; 8];
        v.extend((0..16).map(|i| if i % 2 == 0 { 10.0 } else { 2.0 }));
        assert!(!analyse(&v, Some(5.0)).unwrap().shift);
        // A point on the median neither breaks the run nor counts.
        let mut v: Vec<f64> = vec![1.0; 4];
        v.push(5.0);
        v.extend([1.0; 5]);
        v.extend((0..15).map(|i| if i % 2 == 0 { 10.0 } else { 2.0 }));
        let a = analyse(&v, Some(5.0)).unwrap();
        assert_eq!((a.useful, a.longest_run), (24, 9));
        assert!(a.shift);
        assert!(!a.shifted.contains(&4));
    }

    #[test]
    fn too_few_crossings_and_words_that_say_so() {
        // 24 points in four runs of 6: 3 crossings < 8.
        let v: Vec<f64> = (0..24)
            .map(|i| if (i / 6) % 2 == 0 { 1.0 } else { 9.0 })
            .collect();
        let a = analyse(&v, None).unwrap();
        assert_eq!((a.crossings, a.crossings_limit), (3, 8));
        assert!(a.too_few_crossings && !a.shift && a.signal());
        assert!(
            a.words()
                .starts_with("Too few crossings: the line crosses the median 3 times")
        );
        let calm: Vec<f64> = (0..24)
            .map(|i| if i % 2 == 0 { 1.0 } else { 9.0 })
            .collect();
        let a = analyse(&calm, None).unwrap();
        assert!(!a.signal());
        assert!(a.words().starts_with("No signal"));
        assert_eq!(analyse(&[], None), None);
        // Nine useful points are too few to judge, however they fall.
        let few = analyse(
            &[1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 9.0, 5.0],
            Some(5.0),
        )
        .unwrap();
        assert_eq!(few.useful, 9);
        assert!(!few.signal() && few.shifted.is_empty());
        assert!(few.words().starts_with("Too few points off the median"));
    }

    /// A small deterministic generator, so the false-alarm test is the same every run.
    fn noise(seed: u64, n: usize) -> Vec<f64> {
        let mut x = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (0..n)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (x >> 11) as f64 / (1u64 << 53) as f64
            })
            .collect()
    }

    #[test]
    fn random_series_give_a_false_alarm_about_one_time_in_twenty() {
        // Measured here: 2.5 % (n = 20), 3.3 % (24), 3.7 % (40), 4.8 % (60); stricter still
        // with few points (about 1.4 % at n = 12).
        for n in [20, 24, 30, 40, 60, 100] {
            let trials = 4_000;
            let alarms = (0..trials)
                .filter(|s| analyse(&noise(*s as u64, n), None).unwrap().signal())
                .count();
            let rate = alarms as f64 / trials as f64;
            println!("n = {n}: false alarms {rate}");
            assert!(
                (0.015..=0.08).contains(&rate),
                "n = {n}: false alarms {rate}"
            );
        }
    }

    proptest! {
        #[test]
        fn the_analysis_is_the_same_upside_down(values in proptest::collection::vec(-100i32..100, 0..60)) {
            let v: Vec<f64> = values.iter().map(|x| *x as f64).collect();
            let flipped: Vec<f64> = v.iter().map(|x| -x).collect();
            let (a, b) = (analyse(&v, None), analyse(&flipped, None));
            prop_assert_eq!(a.as_ref().map(|a| (a.longest_run, a.crossings, a.useful, a.signal())),
                b.as_ref().map(|b| (b.longest_run, b.crossings, b.useful, b.signal())));
            if let Some(a) = a {
                prop_assert!(a.crossings < a.useful.max(1));
                prop_assert!(a.longest_run <= a.useful);
            }
        }
    }
}
