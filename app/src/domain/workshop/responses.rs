//! The input of the later activities, pure: impact/effort ratings of themes (prioritise)
//! and their spread, poll choices, and reflection prompts. Shared by server and browser.
use super::WorkshopError;
use serde::{Deserialize, Serialize};
use serde_tuple::{Deserialize_tuple, Serialize_tuple};

/// Longest reflection answer, in characters.
pub const REFLECTION_MAX: usize = 500;
/// Longest poll option, in characters; most options in one poll.
pub const OPTION_MAX: usize = 120;
pub const OPTIONS_MAX: usize = 12;

/// One participant's view of one theme: how much difference it would make, and how hard it
/// would be, each from 1 (least) to 5 (most).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct Rating {
    pub impact: u8,
    pub effort: u8,
}

impl Rating {
    pub fn new(impact: u8, effort: u8) -> Result<Rating, WorkshopError> {
        if (1..=5).contains(&impact) && (1..=5).contains(&effort) {
            Ok(Rating { impact, effort })
        } else {
            Err(WorkshopError::BadRating)
        }
    }
}

/// How many gave each answer from 1 to 5: enough for the mean and the spread, and updated
/// one rating at a time as ratings change live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Histogram(pub [u32; 5]);

impl Histogram {
    pub fn add(&mut self, value: u8) {
        if let Some(n) = self.0.get_mut(usize::from(value).wrapping_sub(1)) {
            *n += 1;
        }
    }

    pub fn remove(&mut self, value: u8) {
        if let Some(n) = self.0.get_mut(usize::from(value).wrapping_sub(1)) {
            *n = n.saturating_sub(1);
        }
    }

    pub fn count(&self) -> u32 {
        self.0.iter().sum()
    }

    /// The mean in tenths (1.0–5.0 as 10–50, rounded half up), so it stays an integer.
    pub fn mean_tenths(&self) -> Option<u32> {
        let n = self.count();
        (n > 0).then(|| {
            let sum: u32 = self.0.iter().zip(1..).map(|(c, v)| c * v).sum();
            (sum * 20 + n) / (2 * n)
        })
    }

    /// The answer at rank `k` (0-based) in sorted order.
    fn at(&self, k: u32) -> u8 {
        let mut seen = 0;
        for (i, c) in self.0.iter().enumerate() {
            seen += c;
            if k < seen {
                return i as u8 + 1;
            }
        }
        5
    }

    /// Lower quartile, median and upper quartile (nearest rank), for the spread.
    pub fn quartiles(&self) -> Option<(u8, u8, u8)> {
        let n = self.count();
        (n > 0).then(|| {
            let rank = |q: u32| (n * q).div_ceil(4).max(1) - 1;
            (self.at(rank(1)), self.at(rank(2)), self.at(rank(3)))
        })
    }

    /// The lowest and highest answers given.
    pub fn range(&self) -> Option<(u8, u8)> {
        let low = self.0.iter().position(|c| *c > 0)?;
        let high = self.0.iter().rposition(|c| *c > 0)?;
        Some((low as u8 + 1, high as u8 + 1))
    }
}

/// How a theme's ratings add up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize_tuple, Deserialize_tuple)]
pub struct RatingTally {
    pub activity_id: i64,
    pub theme_id: i64,
    pub impact: Histogram,
    pub effort: Histogram,
}

impl RatingTally {
    pub fn change(&mut self, before: Option<Rating>, after: Option<Rating>) {
        if let Some(b) = before {
            self.impact.remove(b.impact);
            self.effort.remove(b.effort);
        }
        if let Some(a) = after {
            self.impact.add(a.impact);
            self.effort.add(a.effort);
        }
    }

    pub fn quadrant(&self) -> Option<Quadrant> {
        Some(Quadrant::of(
            self.impact.mean_tenths()?,
            self.effort.mean_tenths()?,
        ))
    }
}

vocabulary! {
    /// Where a theme falls on the impact/effort chart (the middle of the scale, 3, counts
    /// as high).
    Quadrant {
        QuickWin => "quick_win", "Quick wins: high impact, low effort";
        MajorProject => "major_project", "Major projects: high impact, high effort";
        FillIn => "fill_in", "Fill-ins: low impact, low effort";
        Reconsider => "reconsider", "Reconsider: low impact, high effort";
    }
}

impl Quadrant {
    pub fn of(impact_tenths: u32, effort_tenths: u32) -> Quadrant {
        match (impact_tenths >= 30, effort_tenths >= 30) {
            (true, false) => Quadrant::QuickWin,
            (true, true) => Quadrant::MajorProject,
            (false, false) => Quadrant::FillIn,
            (false, true) => Quadrant::Reconsider,
        }
    }
}

/// A participant's choice in a poll, checked against its options: one at most unless the
/// poll allows several; none withdraws the answer. Sorted, without repeats.
pub fn choose(options: &[i64], multiple: bool, chosen: &[i64]) -> Result<Vec<i64>, WorkshopError> {
    let mut chosen: Vec<i64> = chosen.to_vec();
    chosen.sort_unstable();
    chosen.dedup();
    if chosen.iter().any(|c| !options.contains(c)) {
        return Err(WorkshopError::NoSuchOption);
    }
    if !multiple && chosen.len() > 1 {
        return Err(WorkshopError::OneChoice);
    }
    Ok(chosen)
}

/// A poll's options from text, one a line: blank lines are skipped; two to
/// [`OPTIONS_MAX`] options, each at most [`OPTION_MAX`] characters, no repeats.
pub fn poll_options(text: &str) -> Result<Vec<String>, String> {
    let options: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    if options.len() < 2 {
        return Err("Give the poll at least two options, one a line.".into());
    }
    if options.len() > OPTIONS_MAX {
        return Err(format!("A poll has at most {OPTIONS_MAX} options."));
    }
    if let Some(long) = options.iter().find(|o| o.chars().count() > OPTION_MAX) {
        return Err(format!(
            "Keep each option to {OPTION_MAX} characters (\"{}…\" is longer).",
            long.chars().take(20).collect::<String>()
        ));
    }
    for (i, o) in options.iter().enumerate() {
        if options[..i].iter().any(|p| p.eq_ignore_ascii_case(o)) {
            return Err(format!("\"{o}\" is there twice."));
        }
    }
    Ok(options)
}

/// How many chose each option, and how many answered at all.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize_tuple, Deserialize_tuple)]
pub struct PollTally {
    pub activity_id: i64,
    /// (option id, how many chose it), in option order.
    pub counts: Vec<(i64, u32)>,
    pub respondents: u32,
}

impl PollTally {
    pub fn new(activity_id: i64, options: &[i64]) -> PollTally {
        PollTally {
            activity_id,
            counts: options.iter().map(|o| (*o, 0)).collect(),
            respondents: 0,
        }
    }

    pub fn change(&mut self, before: &[i64], after: &[i64]) {
        for (option, n) in self.counts.iter_mut() {
            if before.contains(option) {
                *n = n.saturating_sub(1);
            }
            if after.contains(option) {
                *n += 1;
            }
        }
        match (before.is_empty(), after.is_empty()) {
            (true, false) => self.respondents += 1,
            (false, true) => self.respondents = self.respondents.saturating_sub(1),
            _ => {}
        }
    }

    /// Whole-number percents of respondents for each option (each rounded to the nearest;
    /// with several choices each they need not add up to 100).
    pub fn percents(&self) -> Vec<(i64, u32, u32)> {
        self.counts
            .iter()
            .map(|(o, n)| {
                let pct = if self.respondents == 0 {
                    0
                } else {
                    (n * 200 + self.respondents) / (2 * self.respondents)
                };
                (*o, *n, pct)
            })
            .collect()
    }
}

vocabulary! {
    /// The three questions of a reflection: the community's iterative learning.
    ReflectionPrompt {
        Worked => "worked", "What worked";
        Change => "change", "What to change";
        Learned => "learned", "What I learned";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn histogram(values: &[u8]) -> Histogram {
        let mut h = Histogram::default();
        for v in values {
            h.add(*v);
        }
        h
    }

    #[test]
    fn ratings_are_from_one_to_five() {
        assert!(Rating::new(1, 5).is_ok());
        assert_eq!(Rating::new(0, 3), Err(WorkshopError::BadRating));
        assert_eq!(Rating::new(3, 6), Err(WorkshopError::BadRating));
    }

    #[test]
    fn the_spread_shows_beside_the_mean() {
        let h = histogram(&[1, 1, 5, 5]);
        assert_eq!(h.mean_tenths(), Some(30));
        assert_eq!(h.range(), Some((1, 5)));
        assert_eq!(h.quartiles(), Some((1, 1, 5)));
        let h = histogram(&[2, 3, 3, 4, 5]);
        assert_eq!(h.mean_tenths(), Some(34));
        assert_eq!(h.quartiles(), Some((3, 3, 4)));
        assert_eq!(Histogram::default().mean_tenths(), None);
        assert_eq!(Histogram::default().range(), None);
        // Changing a rating moves it between buckets.
        let mut t = RatingTally::default();
        t.change(None, Some(Rating::new(5, 1).unwrap()));
        t.change(None, Some(Rating::new(4, 2).unwrap()));
        assert_eq!(t.quadrant(), Some(Quadrant::QuickWin));
        t.change(
            Some(Rating::new(5, 1).unwrap()),
            Some(Rating::new(1, 5).unwrap()),
        );
        assert_eq!(t.impact.count(), 2);
        assert_eq!(t.impact.mean_tenths(), Some(25));
        assert_eq!(t.quadrant(), Some(Quadrant::Reconsider));
    }

    #[test]
    fn poll_choices_follow_the_polls_rules() {
        assert_eq!(choose(&[1, 2, 3], false, &[2]), Ok(vec![2]));
        assert_eq!(choose(&[1, 2, 3], false, &[]), Ok(vec![]));
        assert_eq!(
            choose(&[1, 2, 3], false, &[1, 2]),
            Err(WorkshopError::OneChoice)
        );
        assert_eq!(choose(&[1, 2, 3], true, &[3, 1, 3]), Ok(vec![1, 3]));
        assert_eq!(
            choose(&[1, 2, 3], true, &[4]),
            Err(WorkshopError::NoSuchOption)
        );
        let mut t = PollTally::new(9, &[1, 2, 3]);
        t.change(&[], &[1, 3]);
        t.change(&[], &[1]);
        t.change(&[1], &[2]);
        assert_eq!(t.respondents, 2);
        assert_eq!(t.percents(), vec![(1, 1, 50), (2, 1, 50), (3, 1, 50)]);
        t.change(&[2], &[]);
        assert_eq!(t.respondents, 1);
    }

    #[test]
    fn poll_options_come_one_a_line() {
        assert_eq!(
            poll_options("Adopt\n\n  Adapt \nAbandon\n"),
            Ok(vec!["Adopt".into(), "Adapt".into(), "Abandon".into()])
        );
        assert!(poll_options("Only one").is_err());
        assert!(poll_options("Yes\nyes").is_err());
        let thirteen: Vec<String> = (0..13).map(|i| i.to_string()).collect();
        assert!(poll_options(&thirteen.join("\n")).is_err());
        assert!(poll_options(&format!("{}\nNo", "y".repeat(121))).is_err());
    }

    proptest! {
        /// The mean and quartiles always lie within the range of answers given, and adding
        /// then removing a rating leaves the tally as it was.
        #[test]
        fn summaries_stay_within_the_answers(values in proptest::collection::vec(1u8..=5, 1..50), extra in 1u8..=5) {
            let h = histogram(&values);
            let (low, high) = h.range().unwrap();
            let mean = h.mean_tenths().unwrap();
            prop_assert!(u32::from(low) * 10 <= mean && mean <= u32::from(high) * 10);
            let (q1, q2, q3) = h.quartiles().unwrap();
            prop_assert!(low <= q1 && q1 <= q2 && q2 <= q3 && q3 <= high);
            let mut g = h;
            g.add(extra);
            g.remove(extra);
            prop_assert_eq!(g, h);
        }
    }
}
