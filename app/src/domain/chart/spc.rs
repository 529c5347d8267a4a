//! SPC charts as NHS "Making Data Count" draws them: an XmR chart of individual values,
//! mean ± 2.66 × the mean moving range, and four rules for special-cause variation —
//! a point outside the limits; 7 points in a row on one side of the mean (a point on the
//! mean breaks the run); 7 points in a row rising or falling (a tie breaks the trend);
//! 2 of 3 points in a row beyond 2σ on the same side. A special cause is an improvement
//! or a concern by the measure's good direction; a target inside the limits will be met
//! and missed at random. Limits may be rebased: each segment gets its own.
use super::Direction;
use serde::{Deserialize, Serialize};

/// Fewer points than this and the limits are not yet to be relied on.
pub const MIN_POINTS: usize = 12;
/// Points in a row that make a shift or a trend.
pub const RUN: usize = 7;

/// A segment's process limits.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Limits {
    pub mean: f64,
    pub mean_moving_range: f64,
    pub upper: f64,
    pub lower: f64,
}

impl Limits {
    /// The limits of `values` (at least two, for a moving range).
    pub fn of(values: &[f64]) -> Option<Limits> {
        if values.len() < 2 {
            return None;
        }
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        let mr =
            values.windows(2).map(|w| (w[1] - w[0]).abs()).sum::<f64>() / (values.len() - 1) as f64;
        Some(Limits {
            mean,
            mean_moving_range: mr,
            upper: mean + 2.66 * mr,
            lower: mean - 2.66 * mr,
        })
    }

    /// One sigma: a third of the distance from the mean to a limit.
    pub fn sigma(&self) -> f64 {
        (self.upper - self.mean) / 3.0
    }
}

/// Why a point is special cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cause {
    Outside,
    Shift,
    Trend,
    NearLimits,
}

/// How a point (or the chart) varies, given the good direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Variation {
    Common,
    Improvement,
    Concern,
    /// Special cause where neither direction is better.
    Neither,
}

impl Variation {
    pub fn words(self) -> &'static str {
        match self {
            Variation::Common => "Common cause variation: no significant change.",
            Variation::Improvement => "Special cause variation: an improvement.",
            Variation::Concern => "Special cause variation: a concern.",
            Variation::Neither => "Special cause variation: a significant change.",
        }
    }
}

/// Whether the process meets its target, from the latest limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Assurance {
    /// The target lies beyond the limits on the good side: met every time.
    Pass,
    /// The target lies beyond the limits on the bad side: missed every time.
    Fail,
    /// The target lies within the limits: met and missed at random.
    HitAndMiss,
}

impl Assurance {
    pub fn words(self) -> &'static str {
        match self {
            Assurance::Pass => "The target is met consistently.",
            Assurance::Fail => {
                "The target is missed consistently: it will not be met without a change to the process."
            }
            Assurance::HitAndMiss => "The target will be met and missed at random.",
        }
    }
}

/// One point as the chart marks it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub value: f64,
    /// Which segment's limits it is judged against.
    pub segment: usize,
    pub causes: Vec<Cause>,
    pub variation: Variation,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct XmrAnalysis {
    /// Each segment's first point and limits.
    pub segments: Vec<(usize, Limits)>,
    pub points: Vec<Point>,
    /// The latest point's variation: what the chart says now.
    pub variation: Variation,
    pub assurance: Option<Assurance>,
    /// Fewer than [`MIN_POINTS`] in the latest segment.
    pub too_few: bool,
}

impl XmrAnalysis {
    /// What the chart says, in words.
    pub fn words(&self) -> String {
        let mut s = self.variation.words().to_owned();
        if let Some(a) = self.assurance {
            s.push(' ');
            s.push_str(a.words());
        }
        if self.too_few {
            s.push_str(&format!(
                " Fewer than {MIN_POINTS} points: the limits are not yet reliable."
            ));
        }
        s
    }
}

/// Whether a special cause on the `high` side is an improvement or a concern.
fn judged(direction: Direction, high: bool) -> Variation {
    match (direction, high) {
        (Direction::Neither, _) => Variation::Neither,
        (Direction::Up, true) | (Direction::Down, false) => Variation::Improvement,
        _ => Variation::Concern,
    }
}

/// Mark every point in a run of at least [`RUN`] consecutive points for which `same`
/// holds between neighbours (and `start` for the first).
fn runs(n: usize, starts: impl Fn(usize) -> bool, continues: impl Fn(usize) -> bool) -> Vec<bool> {
    let mut marked = vec![false; n];
    let mut i = 0;
    while i < n {
        if !starts(i) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < n && continues(j) {
            j += 1;
        }
        if j - i >= RUN {
            marked[i..j].iter_mut().for_each(|m| *m = true);
        }
        i = j;
    }
    marked
}

/// The XmR analysis of `values` in time order, with limits rebased at the indexes in
/// `rebase_at` (each starts a new segment). `None` when there are fewer than two points.
pub fn analyse(
    values: &[f64],
    direction: Direction,
    target: Option<f64>,
    rebase_at: &[usize],
) -> Option<XmrAnalysis> {
    let mut starts: Vec<usize> = std::iter::once(0)
        .chain(
            rebase_at
                .iter()
                .copied()
                .filter(|i| *i > 0 && *i + 1 < values.len()),
        )
        .collect();
    starts.sort_unstable();
    starts.dedup();
    let mut segments = vec![];
    for (k, start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(values.len());
        segments.push((*start, Limits::of(&values[*start..end])?));
    }
    let mut points: Vec<Point> = vec![];
    for (k, (start, limits)) in segments.iter().enumerate() {
        let end = segments.get(k + 1).map_or(values.len(), |s| s.0);
        let v = &values[*start..end];
        let n = v.len();
        let (mean, sigma) = (limits.mean, limits.sigma());
        let above = |i: usize| v[i] > mean;
        let below = |i: usize| v[i] < mean;
        let shift_up = runs(n, above, above);
        let shift_down = runs(n, below, below);
        let rising = runs(n, |_| true, |j| v[j] > v[j - 1]);
        let falling = runs(n, |_| true, |j| v[j] < v[j - 1]);
        let far_high = |i: usize| v[i] > mean + 2.0 * sigma;
        let far_low = |i: usize| v[i] < mean - 2.0 * sigma;
        let mut near = vec![false; n];
        for w in 0..n.saturating_sub(2) {
            for far in [&far_high as &dyn Fn(usize) -> bool, &far_low] {
                let hits: Vec<usize> = (w..w + 3).filter(|i| far(*i)).collect();
                if hits.len() >= 2 {
                    hits.into_iter().for_each(|i| near[i] = true);
                }
            }
        }
        for i in 0..n {
            let mut causes = vec![];
            if v[i] > limits.upper || v[i] < limits.lower {
                causes.push(Cause::Outside);
            }
            if shift_up[i] || shift_down[i] {
                causes.push(Cause::Shift);
            }
            if rising[i] || falling[i] {
                causes.push(Cause::Trend);
            }
            if near[i] {
                causes.push(Cause::NearLimits);
            }
            // The side decides, except for a point flagged only by a trend: its direction.
            let high = if causes == [Cause::Trend] {
                rising[i]
            } else {
                v[i] > mean
            };
            points.push(Point {
                value: v[i],
                segment: k,
                variation: if causes.is_empty() {
                    Variation::Common
                } else {
                    judged(direction, high)
                },
                causes,
            });
        }
    }
    let (last_start, last) = *segments.last()?;
    let assurance = target.and_then(|t| match direction {
        Direction::Neither => None,
        Direction::Up if last.lower > t => Some(Assurance::Pass),
        Direction::Up if last.upper < t => Some(Assurance::Fail),
        Direction::Down if last.upper < t => Some(Assurance::Pass),
        Direction::Down if last.lower > t => Some(Assurance::Fail),
        _ => Some(Assurance::HitAndMiss),
    });
    Some(XmrAnalysis {
        variation: points.last().map_or(Variation::Common, |p| p.variation),
        assurance,
        too_few: values.len() - last_start < MIN_POINTS,
        segments,
        points,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn causes(a: &XmrAnalysis) -> Vec<Vec<Cause>> {
        a.points.iter().map(|p| p.causes.clone()).collect()
    }

    /// A calm series around 10 (moving ranges of 2) with room to place a test pattern.
    fn calm(n: usize) -> Vec<f64> {
        (0..n)
            .map(|i| if i % 2 == 0 { 9.0 } else { 11.0 })
            .collect()
    }

    #[test]
    fn limits_are_the_mean_plus_and_minus_2_66_mean_moving_ranges() {
        let l = Limits::of(&[10.0, 12.0, 11.0, 13.0]).unwrap();
        assert_eq!(l.mean, 11.5);
        assert!((l.mean_moving_range - 5.0 / 3.0).abs() < 1e-12);
        assert!((l.upper - (11.5 + 2.66 * 5.0 / 3.0)).abs() < 1e-12);
        assert!((l.lower - (11.5 - 2.66 * 5.0 / 3.0)).abs() < 1e-12);
        assert_eq!(Limits::of(&[1.0]), None);
    }

    #[test]
    fn a_point_outside_the_limits_and_one_exactly_on_them() {
        let l = Limits::of(&calm(20)).unwrap();
        // With every moving range 2: mean 10, limits 10 ± 5.32.
        assert!((l.upper - 15.32).abs() < 1e-9);
        // A point beyond changes the limits it is judged by, so place it with the limits
        // of the whole series in mind: a very high one is outside.
        let mut v = calm(20);
        v[10] = 40.0;
        let a = analyse(&v, Direction::Up, None, &[]).unwrap();
        assert!(a.points[10].causes.contains(&Cause::Outside));
        assert_eq!(a.points[10].variation, Variation::Improvement);
        let a = analyse(&v, Direction::Down, None, &[]).unwrap();
        assert_eq!(a.points[10].variation, Variation::Concern);
        // On the limit is not outside.
        let lim = a.segments[0].1;
        let on = analyse(&[lim.mean, lim.upper], Direction::Up, None, &[]).unwrap();
        assert!(
            on.points
                .iter()
                .all(|p| !p.causes.contains(&Cause::Outside))
        );
    }

    #[test]
    fn seven_on_one_side_is_a_shift_six_is_not_and_the_mean_breaks_a_run() {
        let shifted = |a: &XmrAnalysis| -> Vec<usize> {
            (0..a.points.len())
                .filter(|i| a.points[*i].causes.contains(&Cause::Shift))
                .collect()
        };
        // Mean 10: seven above, seven below, then alternating.
        let mut v = vec![11.0; 7];
        v.extend([9.0; 7]);
        v.extend([12.0, 8.0, 12.0, 8.0, 12.0, 8.0]);
        let a = analyse(&v, Direction::Up, None, &[]).unwrap();
        assert_eq!(a.segments[0].1.mean, 10.0);
        assert_eq!(shifted(&a), (0..14).collect::<Vec<_>>(), "{:?}", causes(&a));
        assert_eq!(a.points[0].variation, Variation::Improvement);
        assert_eq!(a.points[7].variation, Variation::Concern);
        // Six and six: no shift.
        let mut v = vec![11.0; 6];
        v.extend([9.0; 6]);
        v.extend([12.0, 8.0, 12.0, 8.0, 12.0, 8.0, 12.0, 8.0]);
        let a = analyse(&v, Direction::Up, None, &[]).unwrap();
        assert_eq!(a.segments[0].1.mean, 10.0);
        assert!(shifted(&a).is_empty(), "{:?}", causes(&a));
        // Seven a side again, but the fourth of each is exactly on the mean: no shift.
        let v = [
            11.0, 11.0, 11.0, 10.0, 11.0, 11.0, 11.0, 9.0, 9.0, 9.0, 10.0, 9.0, 9.0, 9.0,
        ];
        let a = analyse(&v, Direction::Up, None, &[]).unwrap();
        assert_eq!(a.segments[0].1.mean, 10.0);
        assert!(shifted(&a).is_empty(), "{:?}", causes(&a));
    }

    #[test]
    fn seven_rising_is_a_trend_and_a_tie_breaks_it() {
        let mut v = calm(10);
        v.extend([8.0, 8.5, 9.0, 9.5, 10.0, 10.5, 11.0]);
        v.extend(calm(5));
        let a = analyse(&v, Direction::Down, None, &[]).unwrap();
        assert!(
            (10..17).all(|i| a.points[i].causes.contains(&Cause::Trend)),
            "{:?}",
            causes(&a)
        );
        // Rising where lower is better: a concern.
        assert!(
            a.points[10..17]
                .iter()
                .any(|p| p.variation == Variation::Concern)
        );
        let mut v = calm(10);
        v.extend([8.0, 8.5, 9.0, 9.0, 9.5, 10.0, 10.5]);
        v.extend(calm(5));
        let a = analyse(&v, Direction::Down, None, &[]).unwrap();
        assert!(
            a.points.iter().all(|p| !p.causes.contains(&Cause::Trend)),
            "{:?}",
            causes(&a)
        );
    }

    #[test]
    fn two_of_three_beyond_two_sigma_on_the_same_side() {
        let v = calm(20);
        let l = Limits::of(&v).unwrap();
        let far = l.mean + 2.2 * l.sigma();
        let mut w = v.clone();
        w[8] = far;
        w[10] = far;
        let a = analyse(&w, Direction::Neither, None, &[]).unwrap();
        let lim = a.segments[0].1;
        // Judged against the limits the points themselves make.
        if w[8] > lim.mean + 2.0 * lim.sigma() && w[10] > lim.mean + 2.0 * lim.sigma() {
            assert!(a.points[8].causes.contains(&Cause::NearLimits));
            assert!(a.points[10].causes.contains(&Cause::NearLimits));
            assert_eq!(a.points[8].variation, Variation::Neither);
        }
        // One alone is not.
        let mut w = v.clone();
        w[8] = far;
        let a = analyse(&w, Direction::Up, None, &[]).unwrap();
        assert!(!a.points[8].causes.contains(&Cause::NearLimits));
    }

    #[test]
    fn assurance_follows_the_target_and_the_good_direction() {
        let v = calm(20); // limits about 4.7 to 15.3
        let at = |d, t| analyse(&v, d, Some(t), &[]).unwrap().assurance;
        assert_eq!(at(Direction::Up, 3.0), Some(Assurance::Pass));
        assert_eq!(at(Direction::Up, 20.0), Some(Assurance::Fail));
        assert_eq!(at(Direction::Up, 10.0), Some(Assurance::HitAndMiss));
        assert_eq!(at(Direction::Down, 20.0), Some(Assurance::Pass));
        assert_eq!(at(Direction::Down, 3.0), Some(Assurance::Fail));
        assert_eq!(at(Direction::Neither, 10.0), None);
        let a = analyse(&v, Direction::Up, Some(10.0), &[]).unwrap();
        assert_eq!(
            a.words(),
            "Common cause variation: no significant change. The target will be met and missed at random."
        );
    }

    #[test]
    fn rebasing_gives_each_segment_its_own_limits_and_few_points_are_flagged() {
        let mut v = calm(14);
        v.extend((0..14).map(|i| if i % 2 == 0 { 29.0 } else { 31.0 }));
        let whole = analyse(&v, Direction::Up, None, &[]).unwrap();
        assert!(
            whole.points[14..]
                .iter()
                .any(|p| p.variation == Variation::Improvement)
        );
        let rebased = analyse(&v, Direction::Up, None, &[14]).unwrap();
        assert_eq!(rebased.segments.len(), 2);
        assert_eq!(rebased.segments[1].1.mean, 30.0);
        assert!(
            rebased.points.iter().all(|p| p.causes.is_empty()),
            "{:?}",
            causes(&rebased)
        );
        assert!(!rebased.too_few);
        let short = analyse(&calm(11), Direction::Up, None, &[]).unwrap();
        assert!(short.too_few);
        assert!(
            short
                .words()
                .ends_with("Fewer than 12 points: the limits are not yet reliable.")
        );
    }

    proptest! {
        #[test]
        fn improvement_and_concern_swap_with_the_good_direction(values in proptest::collection::vec(0i32..50, 2..40)) {
            let v: Vec<f64> = values.iter().map(|x| *x as f64).collect();
            let up = analyse(&v, Direction::Up, None, &[]).unwrap();
            let down = analyse(&v, Direction::Down, None, &[]).unwrap();
            for (a, b) in up.points.iter().zip(&down.points) {
                prop_assert_eq!(&a.causes, &b.causes);
                let swapped = match a.variation {
                    Variation::Improvement => Variation::Concern,
                    Variation::Concern => Variation::Improvement,
                    other => other,
                };
                prop_assert_eq!(swapped, b.variation);
            }
        }
    }
}
