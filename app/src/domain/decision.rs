//! Decision methods: how a proposal's ballots become a result. Pure and deterministic —
//! no IO, no clock, no randomness — so the server that closes a vote and the browser that
//! shows a live tally compute the same thing from the same ballots, in any order.
//!
//! Shares are exact fractions (`Share`), never floating point, so a quorum or threshold
//! met "exactly at the edge" is decided the same way everywhere.
use crate::domain::membership::Perspective;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

vocabulary! {
    /// How a proposal is decided, chosen when it opens.
    Method {
        Consent => "consent", "Consent";
        AdviceProcess => "advice_process", "Advice process";
        Majority => "majority", "Majority vote";
        RankedChoice => "ranked_choice", "Ranked choice (instant run-off)";
        Score => "score", "Score (0–5)";
        Approval => "approval", "Approval";
        Gradients => "gradients", "Gradients of agreement";
    }
}

/// An exact share, `num / den` (e.g. 2/3). `den` is never 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Share {
    pub num: u32,
    pub den: u32,
}

impl Share {
    pub const HALF: Share = Share { num: 1, den: 2 };

    /// A share of `num` in `den`; `None` for an empty whole or more than the whole.
    pub fn new(num: u32, den: u32) -> Option<Share> {
        (den > 0 && num <= den).then_some(Share { num, den })
    }

    /// Whether `part` of `whole` is at least this share (`part/whole ≥ num/den`).
    pub fn reached_by(self, part: u64, whole: u64) -> bool {
        part * u64::from(self.den) >= u64::from(self.num) * whole
    }

    /// Whether `part` of `whole` is more than this share (`part/whole > num/den`).
    pub fn exceeded_by(self, part: u64, whole: u64) -> bool {
        part * u64::from(self.den) > u64::from(self.num) * whole
    }
}

// ---------------------------------------------------------------------------------------
// Majority

vocabulary! {
    /// A majority ballot.
    Choice {
        For => "for", "For";
        Against => "against", "Against";
        Abstain => "abstain", "Abstain";
    }
}

/// How much support a majority vote needs, among those for and against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Threshold {
    /// More than the share: a simple majority is `MoreThan(Share::HALF)`.
    MoreThan(Share),
    /// At least the share, e.g. `AtLeast(2/3)`.
    AtLeast(Share),
}

/// A majority vote's rules: a quorum (the share of eligible members who must take part,
/// abstaining counts as taking part) and a threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MajorityRule {
    pub quorum: Share,
    pub threshold: Threshold,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MajorityResult {
    pub eligible: u64,
    pub for_: u64,
    pub against: u64,
    pub abstain: u64,
    pub quorum_met: bool,
    pub threshold_met: bool,
    /// Quorum and threshold both met.
    pub passed: bool,
}

impl MajorityResult {
    pub fn took_part(&self) -> u64 {
        self.for_ + self.against + self.abstain
    }
}

/// The result of a majority vote among `eligible` members (the list frozen at opening).
pub fn majority(eligible: u64, ballots: &[Choice], rule: MajorityRule) -> MajorityResult {
    let count = |c: Choice| ballots.iter().filter(|b| **b == c).count() as u64;
    let (for_, against, abstain) = (
        count(Choice::For),
        count(Choice::Against),
        count(Choice::Abstain),
    );
    let took_part = for_ + against + abstain;
    let quorum_met = eligible > 0 && rule.quorum.reached_by(took_part, eligible);
    let decided = for_ + against;
    let threshold_met = decided > 0
        && match rule.threshold {
            Threshold::MoreThan(share) => share.exceeded_by(for_, decided),
            Threshold::AtLeast(share) => share.reached_by(for_, decided),
        };
    MajorityResult {
        eligible,
        for_,
        against,
        abstain,
        quorum_met,
        threshold_met,
        passed: quorum_met && threshold_met,
    }
}

// ---------------------------------------------------------------------------------------
// Ranked choice: instant run-off

/// One round of an instant run-off: each continuing option's votes, in option order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Round {
    pub counts: Vec<(usize, u64)>,
    /// Ballots whose every ranked option has been eliminated.
    pub exhausted: u64,
    /// The option eliminated after this round, if none won in it.
    pub eliminated: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankedResult {
    pub rounds: Vec<Round>,
    /// The elected option (an index into the options), if any ballot ranked anything.
    pub elected: Option<usize>,
}

/// The tie-break, published with every ranked-choice vote.
pub const RANKED_TIE_BREAK: &str = "When options tie for fewest votes, the one with fewer \
    votes in the latest earlier round where they differ is eliminated; if they never \
    differed, the one listed last on the ballot paper is eliminated.";

/// Instant run-off over `options` options. Each ballot ranks option indices, most
/// preferred first; unknown indices and repeats are ignored. An option wins once it holds
/// more than half of the ballots still counting; otherwise the weakest is eliminated (see
/// [`RANKED_TIE_BREAK`]) and its ballots pass to their next continuing choice.
pub fn instant_runoff(options: usize, ballots: &[Vec<usize>]) -> RankedResult {
    let ballots: Vec<Vec<usize>> = ballots.iter().map(|b| clean_ranking(options, b)).collect();
    let mut continuing: Vec<usize> = (0..options).collect();
    let mut rounds: Vec<Round> = Vec::new();
    loop {
        let mut counts: BTreeMap<usize, u64> = continuing.iter().map(|o| (*o, 0)).collect();
        let mut exhausted = 0;
        for ballot in &ballots {
            match ballot.iter().find(|o| counts.contains_key(o)) {
                Some(o) => *counts.entry(*o).or_default() += 1,
                None => exhausted += 1,
            }
        }
        let counting: u64 = counts.values().sum();
        let counts: Vec<(usize, u64)> = counts.into_iter().collect();
        let leader = counts
            .iter()
            .max_by_key(|(o, n)| (*n, std::cmp::Reverse(*o)))
            .copied();
        let won =
            leader.filter(|(_, n)| Share::HALF.exceeded_by(*n, counting) || continuing.len() == 1);
        if counting == 0 || won.is_some() {
            rounds.push(Round {
                counts,
                exhausted,
                eliminated: None,
            });
            return RankedResult {
                elected: won.map(|(o, _)| o),
                rounds,
            };
        }
        let weakest = weakest(&counts, &rounds);
        rounds.push(Round {
            counts,
            exhausted,
            eliminated: Some(weakest),
        });
        continuing.retain(|o| *o != weakest);
    }
}

fn clean_ranking(options: usize, ballot: &[usize]) -> Vec<usize> {
    let mut seen = Vec::new();
    for o in ballot {
        if *o < options && !seen.contains(o) {
            seen.push(*o);
        }
    }
    seen
}

/// The option to eliminate: fewest votes now; among ties, fewest in the latest earlier
/// round where they differ; then the one listed last.
fn weakest(counts: &[(usize, u64)], earlier: &[Round]) -> usize {
    let fewest = counts.iter().map(|(_, n)| *n).min().unwrap_or(0);
    let mut tied: Vec<usize> = counts
        .iter()
        .filter(|(_, n)| *n == fewest)
        .map(|(o, _)| *o)
        .collect();
    for round in earlier.iter().rev() {
        if tied.len() == 1 {
            break;
        }
        let votes = |o: usize| {
            round
                .counts
                .iter()
                .find(|(x, _)| *x == o)
                .map_or(0, |(_, n)| *n)
        };
        let least = tied.iter().map(|o| votes(*o)).min().unwrap_or(0);
        tied.retain(|o| votes(*o) == least);
    }
    tied.into_iter().max().unwrap_or(0)
}

// ---------------------------------------------------------------------------------------
// Score and approval

/// The highest score a ballot may give an option.
pub const SCORE_MAX: u8 = 5;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionTotal {
    pub option: usize,
    /// Total score, or number of approvals.
    pub total: u64,
    /// How many ballots gave it anything (a score, or an approval).
    pub ballots: u64,
}

/// Options ranked by their totals, highest first; ties keep ballot-paper order.
fn ranked(mut totals: Vec<OptionTotal>) -> Vec<OptionTotal> {
    totals.sort_by(|a, b| b.total.cmp(&a.total).then(a.option.cmp(&b.option)));
    totals
}

/// Score voting: each ballot gives some options 0–[`SCORE_MAX`] (higher is ignored as
/// out of range; an option not scored adds nothing). Options by total score.
pub fn score(options: usize, ballots: &[Vec<(usize, u8)>]) -> Vec<OptionTotal> {
    let mut totals: Vec<OptionTotal> = (0..options)
        .map(|option| OptionTotal {
            option,
            total: 0,
            ballots: 0,
        })
        .collect();
    for ballot in ballots {
        let mut scored = Vec::new();
        for (option, points) in ballot {
            if *option < options && *points <= SCORE_MAX && !scored.contains(option) {
                scored.push(*option);
                totals[*option].total += u64::from(*points);
                totals[*option].ballots += 1;
            }
        }
    }
    ranked(totals)
}

/// Approval voting: each ballot approves any number of options. Options by approvals.
pub fn approval(options: usize, ballots: &[Vec<usize>]) -> Vec<OptionTotal> {
    let scored: Vec<Vec<(usize, u8)>> = ballots
        .iter()
        .map(|b| b.iter().map(|o| (*o, 1)).collect())
        .collect();
    score(options, &scored)
}

// ---------------------------------------------------------------------------------------
// Consent

/// Where an objection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ObjectionState {
    /// Raised with its reason, not yet answered by the author.
    Raised,
    /// The author answered; the objector has not yet said whether it still stands.
    Answered,
    /// The objector keeps it after the answer.
    Kept,
    /// The objector withdrew it.
    Withdrawn,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentResult {
    pub consents: u64,
    pub standing_objections: u64,
    pub withdrawn_objections: u64,
    /// No objection stands (only final once the window has closed).
    pub passes: bool,
}

/// Consent: a proposal passes when the window closes with no standing objection. An
/// objection stands until its objector withdraws it, answered or not.
pub fn consent(consents: u64, objections: &[ObjectionState]) -> ConsentResult {
    let withdrawn = objections
        .iter()
        .filter(|o| **o == ObjectionState::Withdrawn)
        .count() as u64;
    let standing = objections.len() as u64 - withdrawn;
    ConsentResult {
        consents,
        standing_objections: standing,
        withdrawn_objections: withdrawn,
        passes: standing == 0,
    }
}

// ---------------------------------------------------------------------------------------
// Gradients of agreement

vocabulary! {
    /// The eight gradients of agreement (Kaner), from endorsement to block.
    Gradient {
        Endorse => "endorse", "Whole-hearted endorsement";
        AgreeMinorPoint => "agree_minor_point", "Agreement with a minor point of contention";
        SupportWithReservations => "support_with_reservations", "Support with reservations";
        Abstain => "abstain", "Abstain";
        MoreDiscussion => "more_discussion", "More discussion needed";
        DislikeButSupport => "dislike_but_support", "Don't like it, but will support it";
        SeriousDisagreement => "serious_disagreement", "Serious disagreement";
        Block => "block", "Veto: I block this";
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradientsResult {
    /// How many chose each gradient, in the order of [`Gradient::ALL`].
    pub counts: Vec<(Gradient, u64)>,
    /// Those who will support it (the first three gradients and "don't like, but will").
    pub supporting: u64,
    pub blocked: bool,
}

pub fn gradients(ballots: &[Gradient]) -> GradientsResult {
    let counts: Vec<(Gradient, u64)> = Gradient::ALL
        .iter()
        .map(|g| (*g, ballots.iter().filter(|b| *b == g).count() as u64))
        .collect();
    let count = |g: Gradient| counts.iter().find(|(x, _)| *x == g).map_or(0, |(_, n)| *n);
    GradientsResult {
        supporting: count(Gradient::Endorse)
            + count(Gradient::AgreeMinorPoint)
            + count(Gradient::SupportWithReservations)
            + count(Gradient::DislikeButSupport),
        blocked: count(Gradient::Block) > 0,
        counts,
    }
}

// ---------------------------------------------------------------------------------------
// Whose voice: results by perspective

/// A tally for each perspective among the ballots' casters (a person with several
/// perspectives counts in each), in the order of [`Perspective::ALL`], perspectives with
/// no ballots left out.
pub fn by_perspective<B: Clone, R>(
    ballots: &[(Vec<Perspective>, B)],
    tally: impl Fn(&[B]) -> R,
) -> Vec<(Perspective, R)> {
    Perspective::ALL
        .iter()
        .filter_map(|p| {
            let theirs: Vec<B> = ballots
                .iter()
                .filter(|(held, _)| held.contains(p))
                .map(|(_, b)| b.clone())
                .collect();
            (!theirs.is_empty()).then(|| (*p, tally(&theirs)))
        })
        .collect()
}

/// One voter's ballot, in the shape of the proposal's method. Options are numbered from
/// 0 in the order the author gave them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ballot {
    /// Consent: "I consent". An objection is not a ballot: it is raised with its reason.
    Consent,
    Majority(Choice),
    /// Options in order of preference, most preferred first; need not rank them all.
    Ranked(Vec<usize>),
    /// A score 0–5 for each option scored.
    Score(Vec<(usize, u8)>),
    /// The options approved.
    Approval(Vec<usize>),
    Gradient(Gradient),
}

impl Ballot {
    /// A ranked, score or approval ballot from the marks a form sent: (option, place from
    /// 1) ranked, (option, 0–5) scored, (option, anything) approved. Checked afterwards
    /// with [`Ballot::check`].
    pub fn from_marks(method: Method, marks: &[(usize, u8)]) -> Result<Ballot, String> {
        match method {
            Method::RankedChoice => {
                let mut placed = marks.to_vec();
                placed.sort_by_key(|(o, place)| (*place, *o));
                if placed.windows(2).any(|w| w[0].1 == w[1].1) {
                    return Err("Give each option you rank a different place.".into());
                }
                Ok(Ballot::Ranked(placed.into_iter().map(|(o, _)| o).collect()))
            }
            Method::Score => Ok(Ballot::Score(marks.to_vec())),
            Method::Approval => Ok(Ballot::Approval(marks.iter().map(|(o, _)| *o).collect())),
            _ => Err("Choose how you vote.".into()),
        }
    }

    /// Check a ballot against the proposal's method and its number of options.
    pub fn check(&self, method: Method, options: usize) -> Result<(), String> {
        let in_range = |o: &usize| *o < options;
        let distinct = |v: &[usize]| {
            let mut s = v.to_vec();
            s.sort_unstable();
            s.windows(2).all(|w| w[0] != w[1])
        };
        match (method, self) {
            (Method::Consent, Ballot::Consent)
            | (Method::Majority, Ballot::Majority(_))
            | (Method::Gradients, Ballot::Gradient(_)) => Ok(()),
            (Method::RankedChoice, Ballot::Ranked(r)) => {
                if r.is_empty() {
                    Err("Rank at least one option.".into())
                } else if !r.iter().all(in_range) || !distinct(r) {
                    Err("Rank each option at most once.".into())
                } else {
                    Ok(())
                }
            }
            (Method::Score, Ballot::Score(s)) => {
                let ids: Vec<usize> = s.iter().map(|(o, _)| *o).collect();
                if s.is_empty() {
                    Err("Score at least one option.".into())
                } else if !ids.iter().all(in_range) || !distinct(&ids) {
                    Err("Score each option at most once.".into())
                } else if s.iter().any(|(_, n)| *n > 5) {
                    Err("Scores go from 0 to 5.".into())
                } else {
                    Ok(())
                }
            }
            (Method::Approval, Ballot::Approval(a)) => {
                if !a.iter().all(in_range) || !distinct(a) {
                    Err("Choose each option at most once.".into())
                } else {
                    Ok(())
                }
            }
            (Method::AdviceProcess, _) => {
                Err("Under the advice process the author decides: there is no vote.".into())
            }
            _ => Err(format!(
                "This proposal is decided by {}.",
                method.label().to_lowercase()
            )),
        }
    }
}

/// What a closed (or, where results are live, open) vote came to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tally {
    Consent(ConsentResult),
    Majority(MajorityResult),
    Ranked(RankedResult),
    Scores(Vec<OptionTotal>),
    Gradients(GradientsResult),
    /// The advice process: the author decides.
    Advice,
}

vocabulary! {
    /// How a decision ended, as the register lists it.
    Verdict {
        Passed => "passed", "Passed";
        NotPassed => "not_passed", "Not passed";
        NoQuorum => "no_quorum", "No quorum";
        Chosen => "chosen", "Option chosen";
        Decided => "decided", "Decided by the author";
    }
}

/// The tally of `ballots` (with objections' states, for consent) under `method`.
pub fn tally(
    method: Method,
    rule: MajorityRule,
    eligible: u64,
    options: usize,
    ballots: &[Ballot],
    objections: &[ObjectionState],
) -> Tally {
    match method {
        Method::Consent => {
            let consents = ballots.iter().filter(|b| **b == Ballot::Consent).count() as u64;
            Tally::Consent(consent(consents, objections))
        }
        Method::Majority => {
            let choices: Vec<Choice> = ballots
                .iter()
                .filter_map(|b| match b {
                    Ballot::Majority(c) => Some(*c),
                    _ => None,
                })
                .collect();
            Tally::Majority(majority(eligible, &choices, rule))
        }
        Method::RankedChoice => {
            let ranked: Vec<Vec<usize>> = ballots
                .iter()
                .filter_map(|b| match b {
                    Ballot::Ranked(r) => Some(r.clone()),
                    _ => None,
                })
                .collect();
            Tally::Ranked(instant_runoff(options, &ranked))
        }
        Method::Score => {
            let scored: Vec<Vec<(usize, u8)>> = ballots
                .iter()
                .filter_map(|b| match b {
                    Ballot::Score(s) => Some(s.clone()),
                    _ => None,
                })
                .collect();
            Tally::Scores(score(options, &scored))
        }
        Method::Approval => {
            let approved: Vec<Vec<usize>> = ballots
                .iter()
                .filter_map(|b| match b {
                    Ballot::Approval(a) => Some(a.clone()),
                    _ => None,
                })
                .collect();
            Tally::Scores(approval(options, &approved))
        }
        Method::Gradients => {
            let chosen: Vec<Gradient> = ballots
                .iter()
                .filter_map(|b| match b {
                    Ballot::Gradient(g) => Some(*g),
                    _ => None,
                })
                .collect();
            Tally::Gradients(gradients(&chosen))
        }
        Method::AdviceProcess => Tally::Advice,
    }
}

impl Tally {
    /// How the decision ended.
    pub fn verdict(&self) -> Verdict {
        match self {
            Tally::Consent(c) if c.passes => Verdict::Passed,
            Tally::Consent(_) => Verdict::NotPassed,
            Tally::Majority(m) if !m.quorum_met => Verdict::NoQuorum,
            Tally::Majority(m) if m.passed => Verdict::Passed,
            Tally::Majority(_) => Verdict::NotPassed,
            Tally::Gradients(g) if g.blocked || g.supporting == 0 => Verdict::NotPassed,
            Tally::Gradients(_) => Verdict::Passed,
            Tally::Ranked(_) | Tally::Scores(_) => Verdict::Chosen,
            Tally::Advice => Verdict::Decided,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_s_marks_make_a_ballot_in_order_of_preference() {
        assert_eq!(
            Ballot::from_marks(Method::RankedChoice, &[(2, 2), (0, 3), (1, 1)]),
            Ok(Ballot::Ranked(vec![1, 2, 0]))
        );
        assert_eq!(
            Ballot::from_marks(Method::RankedChoice, &[(2, 1), (0, 1)]),
            Err("Give each option you rank a different place.".into())
        );
        assert_eq!(
            Ballot::from_marks(Method::Score, &[(0, 5), (1, 0)]),
            Ok(Ballot::Score(vec![(0, 5), (1, 0)]))
        );
        assert_eq!(
            Ballot::from_marks(Method::Approval, &[(0, 1), (2, 1)]),
            Ok(Ballot::Approval(vec![0, 2]))
        );
        assert!(Ballot::from_marks(Method::Consent, &[]).is_err());
    }
    use proptest::prelude::*;

    fn simple(quorum: Share) -> MajorityRule {
        MajorityRule {
            quorum,
            threshold: Threshold::MoreThan(Share::HALF),
        }
    }

    fn ballots(for_: usize, against: usize, abstain: usize) -> Vec<Choice> {
        [
            (Choice::For, for_),
            (Choice::Against, against),
            (Choice::Abstain, abstain),
        ]
        .iter()
        .flat_map(|(c, n)| std::iter::repeat_n(*c, *n))
        .collect()
    }

    #[test]
    fn a_quorum_is_met_exactly_at_its_edge_and_not_one_short() {
        let quorum = Share::new(1, 4).unwrap();
        // 40 eligible, a quarter is 10: abstaining counts as taking part.
        assert!(majority(40, &ballots(6, 2, 2), simple(quorum)).quorum_met);
        assert!(!majority(40, &ballots(6, 2, 1), simple(quorum)).quorum_met);
        assert!(!majority(40, &ballots(6, 2, 1), simple(quorum)).passed);
        // A third of 10 is 3.33…: 4 meet it, 3 do not.
        let third = Share::new(1, 3).unwrap();
        assert!(majority(10, &ballots(4, 0, 0), simple(third)).quorum_met);
        assert!(!majority(10, &ballots(3, 0, 0), simple(third)).quorum_met);
        assert!(
            !majority(0, &[], simple(third)).quorum_met,
            "no one eligible"
        );
    }

    #[test]
    fn thresholds_at_their_exact_edges() {
        let any = Share::new(0, 1).unwrap();
        // A simple majority needs more than half of for + against: a tie fails.
        assert!(!majority(10, &ballots(3, 3, 4), simple(any)).passed);
        assert!(majority(10, &ballots(4, 3, 0), simple(any)).passed);
        // Two thirds "at least": exactly 2 of 3 passes, 1 short fails. Abstentions
        // do not count against.
        let two_thirds = MajorityRule {
            quorum: any,
            threshold: Threshold::AtLeast(Share::new(2, 3).unwrap()),
        };
        assert!(majority(30, &ballots(10, 5, 9), two_thirds).passed);
        assert!(!majority(30, &ballots(9, 5, 9), two_thirds).passed);
        // Only abstentions: nothing was decided.
        assert!(!majority(3, &ballots(0, 0, 3), simple(any)).passed);
        assert_eq!(majority(30, &ballots(10, 5, 9), two_thirds).took_part(), 24);
    }

    #[test]
    fn shares_refuse_an_empty_whole_or_more_than_it() {
        assert_eq!(Share::new(1, 0), None);
        assert_eq!(Share::new(3, 2), None);
        assert_eq!(Share::new(2, 2), Some(Share { num: 2, den: 2 }));
    }

    /// The Tennessee capital example: Memphis 42 %, Nashville 26 %, Chattanooga 15 %,
    /// Knoxville 17 % of first preferences.
    #[test]
    fn instant_runoff_elects_knoxville_in_the_tennessee_example() {
        let (m, n, c, k) = (0, 1, 2, 3);
        let mut ballots = Vec::new();
        for (count, ranking) in [
            (42, vec![m, n, c, k]),
            (26, vec![n, c, k, m]),
            (15, vec![c, k, n, m]),
            (17, vec![k, c, n, m]),
        ] {
            ballots.extend(std::iter::repeat_n(ranking, count));
        }
        let result = instant_runoff(4, &ballots);
        let eliminated: Vec<usize> = result.rounds.iter().filter_map(|r| r.eliminated).collect();
        assert_eq!(eliminated, [c, n], "Chattanooga, then Nashville");
        assert_eq!(result.elected, Some(k));
        let last = result.rounds.last().unwrap();
        assert_eq!(last.counts, [(m, 42), (k, 58)], "Knoxville with 58 %");
    }

    #[test]
    fn instant_runoff_tie_break_looks_back_then_eliminates_the_last_listed() {
        // Round 1: A 4, B 3, C 3, D 2 → D out (to C): A 4, B 3, C 5 → B out.
        let mut ballots = vec![vec![0]; 4];
        ballots.extend(vec![vec![1]; 3]);
        ballots.extend(vec![vec![2]; 3]);
        ballots.extend(vec![vec![3, 2]; 2]);
        let result = instant_runoff(4, &ballots);
        assert_eq!(result.rounds[0].eliminated, Some(3));
        // B and C never tie again here; now a tie with no earlier difference:
        let tie = instant_runoff(3, &[vec![0], vec![0], vec![1], vec![2]]);
        assert_eq!(
            tie.rounds[0].eliminated,
            Some(2),
            "the one listed last goes"
        );
        // A tie broken by an earlier round: B and C tie at 3 in round 2, but C had fewer
        // in round 1.
        let mut ballots = vec![vec![0]; 5];
        ballots.extend(vec![vec![1]; 3]);
        ballots.extend(vec![vec![2]; 2]);
        ballots.push(vec![3, 2]);
        let r = instant_runoff(4, &ballots);
        assert_eq!(r.rounds[0].eliminated, Some(3));
        assert_eq!(r.rounds[1].counts, [(0, 5), (1, 3), (2, 3)]);
        assert_eq!(
            r.rounds[1].eliminated,
            Some(2),
            "C had fewer the round before"
        );
    }

    #[test]
    fn instant_runoff_counts_exhausted_ballots_and_ignores_nonsense() {
        let r = instant_runoff(3, &[vec![0, 0, 9], vec![1], vec![1], vec![2], vec![]]);
        assert_eq!(r.rounds[0].exhausted, 1, "the empty ballot");
        assert_eq!(r.rounds[0].counts, [(0, 1), (1, 2), (2, 1)]);
        assert_eq!(instant_runoff(3, &[]).elected, None);
    }

    #[test]
    fn score_and_approval_rank_by_totals_and_ignore_what_is_out_of_range() {
        let s = score(
            3,
            &[
                vec![(0, 5), (1, 3), (2, 9)],
                vec![(0, 1), (1, 5), (1, 5)],
                vec![(7, 5)],
            ],
        );
        assert_eq!(
            s.iter().map(|t| (t.option, t.total)).collect::<Vec<_>>(),
            [(1, 8), (0, 6), (2, 0)]
        );
        let a = approval(3, &[vec![0, 2], vec![2], vec![1, 2]]);
        assert_eq!(
            a[0],
            OptionTotal {
                option: 2,
                total: 3,
                ballots: 3
            }
        );
        assert_eq!(
            (a[1].option, a[2].option),
            (0, 1),
            "a tie keeps ballot-paper order"
        );
    }

    #[test]
    fn consent_passes_only_with_no_standing_objection() {
        use ObjectionState::*;
        assert!(consent(5, &[]).passes);
        assert!(consent(5, &[Withdrawn, Withdrawn]).passes);
        for standing in [Raised, Answered, Kept] {
            let r = consent(5, &[Withdrawn, standing]);
            assert!(!r.passes, "{standing:?}");
            assert_eq!((r.standing_objections, r.withdrawn_objections), (1, 1));
        }
    }

    #[test]
    fn gradients_count_support_and_a_single_block_blocks() {
        let r = gradients(&[
            Gradient::Endorse,
            Gradient::DislikeButSupport,
            Gradient::MoreDiscussion,
        ]);
        assert_eq!((r.supporting, r.blocked), (2, false));
        assert_eq!(r.counts.len(), 8);
        assert!(gradients(&[Gradient::Endorse, Gradient::Block]).blocked);
    }

    #[test]
    fn results_by_perspective_count_each_perspective_a_person_holds() {
        use Perspective::*;
        let cast = vec![
            (vec![Patient], Choice::For),
            (vec![Carer, Researcher], Choice::Against),
            (vec![Patient, Carer], Choice::For),
        ];
        let rule = simple(Share::new(0, 1).unwrap());
        let by = by_perspective(&cast, |b| majority(3, b, rule));
        let line = |p| {
            by.iter()
                .find(|(x, _)| *x == p)
                .map(|(_, r)| (r.for_, r.against))
        };
        assert_eq!(line(Patient), Some((2, 0)));
        assert_eq!(line(Carer), Some((1, 1)));
        assert_eq!(line(Researcher), Some((0, 1)));
        assert_eq!(line(Clinician), None, "no ballots, no line");
    }

    fn rankings() -> impl Strategy<Value = Vec<Vec<usize>>> {
        proptest::collection::vec(proptest::collection::vec(0usize..5, 0..5), 0..40)
    }

    proptest! {
        #[test]
        fn every_method_ignores_ballot_order(
            (ranked, shuffled) in rankings().prop_flat_map(|v| (Just(v.clone()), Just(v).prop_shuffle()))
        ) {
            prop_assert_eq!(instant_runoff(5, &ranked), instant_runoff(5, &shuffled));
            prop_assert_eq!(approval(5, &ranked), approval(5, &shuffled));
            let scores = |b: &Vec<Vec<usize>>| -> Vec<Vec<(usize, u8)>> {
                b.iter().map(|r| r.iter().enumerate().map(|(i, o)| (*o, (i % 6) as u8)).collect()).collect()
            };
            prop_assert_eq!(score(5, &scores(&ranked)), score(5, &scores(&shuffled)));
            let choices = |b: &Vec<Vec<usize>>| -> Vec<Choice> {
                b.iter().map(|r| Choice::ALL[r.len() % 3]).collect()
            };
            let rule = MajorityRule { quorum: Share::new(1, 3).unwrap(), threshold: Threshold::AtLeast(Share::new(2, 3).unwrap()) };
            prop_assert_eq!(majority(50, &choices(&ranked), rule), majority(50, &choices(&shuffled), rule));
            let grads = |b: &Vec<Vec<usize>>| -> Vec<Gradient> {
                b.iter().map(|r| Gradient::ALL[r.len() % 8]).collect()
            };
            prop_assert_eq!(gradients(&grads(&ranked)), gradients(&grads(&shuffled)));
        }

        #[test]
        fn instant_runoff_elects_someone_with_a_majority_of_the_last_round(ranked in rankings()) {
            let r = instant_runoff(5, &ranked);
            if let Some(winner) = r.elected {
                let last = r.rounds.last().unwrap();
                let counting: u64 = last.counts.iter().map(|(_, n)| n).sum();
                let won = last.counts.iter().find(|(o, _)| *o == winner).unwrap().1;
                prop_assert!(won * 2 > counting || last.counts.len() == 1);
            } else {
                prop_assert!(ranked.iter().all(|b| b.is_empty()));
            }
        }
    }

    #[test]
    fn a_ballot_must_fit_the_method_and_its_options() {
        assert!(
            Ballot::Majority(Choice::For)
                .check(Method::Majority, 0)
                .is_ok()
        );
        assert!(
            Ballot::Consent
                .check(Method::Majority, 0)
                .unwrap_err()
                .contains("majority vote")
        );
        assert!(
            Ballot::Ranked(vec![1, 0])
                .check(Method::RankedChoice, 2)
                .is_ok()
        );
        assert!(
            Ballot::Ranked(vec![])
                .check(Method::RankedChoice, 2)
                .is_err()
        );
        assert!(
            Ballot::Ranked(vec![0, 0])
                .check(Method::RankedChoice, 2)
                .is_err()
        );
        assert!(
            Ballot::Ranked(vec![2])
                .check(Method::RankedChoice, 2)
                .is_err()
        );
        assert!(
            Ballot::Score(vec![(0, 5), (1, 0)])
                .check(Method::Score, 2)
                .is_ok()
        );
        assert!(Ballot::Score(vec![(0, 6)]).check(Method::Score, 2).is_err());
        assert!(
            Ballot::Score(vec![(1, 2), (1, 3)])
                .check(Method::Score, 2)
                .is_err()
        );
        assert!(
            Ballot::Approval(vec![]).check(Method::Approval, 3).is_ok(),
            "approving none is a ballot"
        );
        assert!(
            Ballot::Approval(vec![3])
                .check(Method::Approval, 3)
                .is_err()
        );
        assert!(
            Ballot::Gradient(Gradient::Block)
                .check(Method::Gradients, 0)
                .is_ok()
        );
        assert!(Ballot::Consent.check(Method::AdviceProcess, 0).is_err());
    }

    #[test]
    fn each_tally_ends_in_the_verdict_the_register_lists() {
        let rule = simple(Share::new(1, 2).unwrap());
        let t = |method, eligible, ballots: &[Ballot], objections: &[ObjectionState]| {
            tally(method, rule, eligible, 3, ballots, objections).verdict()
        };
        let for_ = Ballot::Majority(Choice::For);
        let against = Ballot::Majority(Choice::Against);
        assert_eq!(
            t(Method::Majority, 4, &[for_.clone(), for_.clone()], &[]),
            Verdict::Passed
        );
        assert_eq!(
            t(Method::Majority, 5, &[for_.clone(), for_.clone()], &[]),
            Verdict::NoQuorum
        );
        assert_eq!(
            t(Method::Majority, 4, &[for_, against], &[]),
            Verdict::NotPassed,
            "a tie is not more than half"
        );
        assert_eq!(
            t(
                Method::Consent,
                9,
                &[Ballot::Consent],
                &[ObjectionState::Withdrawn]
            ),
            Verdict::Passed
        );
        assert_eq!(
            t(
                Method::Consent,
                9,
                &[Ballot::Consent],
                &[ObjectionState::Answered]
            ),
            Verdict::NotPassed
        );
        assert_eq!(
            t(
                Method::Gradients,
                9,
                &[
                    Ballot::Gradient(Gradient::Endorse),
                    Ballot::Gradient(Gradient::Block)
                ],
                &[]
            ),
            Verdict::NotPassed
        );
        assert_eq!(
            t(
                Method::Gradients,
                9,
                &[Ballot::Gradient(Gradient::DislikeButSupport)],
                &[]
            ),
            Verdict::Passed
        );
        assert_eq!(
            t(Method::RankedChoice, 9, &[Ballot::Ranked(vec![2, 0])], &[]),
            Verdict::Chosen
        );
        assert_eq!(t(Method::AdviceProcess, 9, &[], &[]), Verdict::Decided);
        // Ballots of another method's shape are never counted.
        assert_eq!(
            tally(
                Method::Majority,
                rule,
                2,
                0,
                &[Ballot::Consent, Ballot::Consent],
                &[]
            ),
            Tally::Majority(majority(2, &[], rule))
        );
    }
}
