//! Participatory funding: how a funding round's ballots are checked and become funded
//! projects, and how a panel's scores become a shortlist. Pure and deterministic — no IO,
//! no clock, no randomness — so the server that closes a round, the page that shows its
//! results and anyone re-counting the exported ballots get the same answer, whatever the
//! order the ballots come in.
//!
//! Money is in pence (`u64`). The Method of Equal Shares divides the budget between the
//! voters, so its shares are fractions of a penny: it counts them in `f64` (as its
//! reference implementations do), always over the ballots in one canonical order and with
//! a stated tolerance, so that the result is reproducible to the bit.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap};

vocabulary! {
    /// How members vote in a round, fixed when it opens.
    VotingStyle {
        Approval => "approval", "Approval: choose a set number of projects";
        Knapsack => "knapsack", "Knapsack: choose projects whose costs fit the budget";
    }
}

vocabulary! {
    /// How the ballots become funded projects, published when the round opens.
    ResultRule {
        GreedyByVotes => "greedy_by_votes", "Most votes first, skipping what does not fit";
        EqualShares => "equal_shares", "Method of Equal Shares, with completion";
    }
}

vocabulary! {
    /// The phases of a round, in order.
    Phase {
        Ideas => "ideas", "Ideas";
        Refinement => "refinement", "Refinement";
        Shortlisting => "shortlisting", "Shortlisting";
        Voting => "voting", "Voting";
        Results => "results", "Results";
        Delivery => "delivery", "Delivery";
    }
}

impl Phase {
    /// Its place in a round's order, from 0 (ideas).
    pub fn order(self) -> usize {
        Phase::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }

    /// Whether this phase comes at or after `other`.
    pub fn reached(self, other: Phase) -> bool {
        self.order() >= other.order()
    }

    /// The phase after this one (`None` after delivery).
    pub fn next(self) -> Option<Phase> {
        let at = Phase::ALL.iter().position(|p| *p == self)?;
        Phase::ALL.get(at + 1).copied()
    }
}

/// When each phase of a round begins, fixed when it opens: ideas, refinement, shortlisting,
/// voting, then results when voting closes. Delivery begins when the results are
/// confirmed (a steward's act, not a date).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    pub ideas: DateTime<Utc>,
    pub refinement: DateTime<Utc>,
    pub shortlisting: DateTime<Utc>,
    pub voting: DateTime<Utc>,
    pub voting_closes: DateTime<Utc>,
}

/// Why a schedule cannot be used as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("Each phase must begin after the one before: {0} begins too early.")]
    OutOfOrder(&'static str),
}

impl Schedule {
    /// The scheduled beginnings in phase order (results begin when voting closes).
    fn starts(&self) -> [(Phase, DateTime<Utc>); 5] {
        [
            (Phase::Ideas, self.ideas),
            (Phase::Refinement, self.refinement),
            (Phase::Shortlisting, self.shortlisting),
            (Phase::Voting, self.voting),
            (Phase::Results, self.voting_closes),
        ]
    }

    /// Each phase begins strictly after the one before.
    pub fn check(&self) -> Result<(), ScheduleError> {
        let starts = self.starts();
        for pair in starts.windows(2) {
            if pair[1].1 <= pair[0].1 {
                return Err(ScheduleError::OutOfOrder(pair[1].0.label()));
            }
        }
        Ok(())
    }

    /// The phase a round is in at `now`: phases move on their dates by themselves, and a
    /// phase a steward closed early (`closed_early`: the phase and when) ends then, its
    /// successor beginning at once; later phases keep their dates. `None` before the ideas
    /// phase opens; delivery once `delivering` (the results were confirmed).
    pub fn phase_at(
        &self,
        now: DateTime<Utc>,
        closed_early: &[(Phase, DateTime<Utc>)],
        delivering: bool,
    ) -> Option<Phase> {
        if delivering {
            return Some(Phase::Delivery);
        }
        let starts = self.starts();
        let mut current = None;
        for (i, (phase, at)) in starts.iter().enumerate() {
            let early = i
                .checked_sub(1)
                .and_then(|prev| closed_early.iter().find(|(p, _)| *p == starts[prev].0))
                .map(|(_, when)| *when);
            let begins = early.map_or(*at, |e| e.min(*at));
            if begins <= now {
                current = Some(*phase);
            }
        }
        current
    }
}

/// An amount of money in pence, as people read it: "£1,100" or "£12.50".
pub fn pounds(pence: u64) -> String {
    let whole = (pence / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match pence % 100 {
        0 => format!("£{grouped}"),
        p => format!("£{grouped}.{p:02}"),
    }
}

/// A project on the ballot: a shortlisted proposal and what it would cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    pub id: i64,
    pub cost: u64,
}

/// How many projects an approval ballot chooses: exactly `min` when `min == max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalLimit {
    pub min: u32,
    pub max: u32,
}

/// Why a ballot cannot be cast as it is (nothing is stored).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BallotError {
    #[error("Choose at least one project.")]
    Empty,
    #[error("One of the projects chosen is not on this round's ballot.")]
    NotOnBallot,
    #[error("Choose exactly {0}: you chose {1}.")]
    NotExactly(u32, usize),
    #[error("Choose at least {0}: you chose {1}.")]
    TooFew(u32, usize),
    #[error("Choose at most {0}: you chose {1}.")]
    TooMany(u32, usize),
    #[error("These projects cost {}, {} more than the budget of {}. Leave one out.", pounds(*.total), pounds(*.total - *.budget), pounds(*.budget))]
    OverBudget { total: u64, budget: u64 },
}

/// The projects an approval ballot chooses, in id order, once each is on the ballot and
/// their number is within the limit.
pub fn check_approval(
    chosen: &[i64],
    ballot: &[Project],
    limit: ApprovalLimit,
) -> Result<Vec<i64>, BallotError> {
    let chosen = on_ballot(chosen, ballot)?;
    let n = chosen.len();
    if limit.min == limit.max && n != limit.min as usize {
        return Err(BallotError::NotExactly(limit.min, n));
    }
    if n < limit.min as usize {
        return Err(BallotError::TooFew(limit.min, n));
    }
    if n > limit.max as usize {
        return Err(BallotError::TooMany(limit.max, n));
    }
    Ok(chosen)
}

/// The projects a knapsack ballot chooses, in id order, once each is on the ballot and
/// their costs together fit the budget.
pub fn check_knapsack(
    chosen: &[i64],
    ballot: &[Project],
    budget: u64,
) -> Result<Vec<i64>, BallotError> {
    let chosen = on_ballot(chosen, ballot)?;
    let total = cost_of(&chosen, ballot);
    if total > budget {
        return Err(BallotError::OverBudget { total, budget });
    }
    Ok(chosen)
}

/// What is left of the budget after these choices (0 when they pass it): shown as a member
/// chooses on a knapsack ballot.
pub fn left_after(chosen: &[i64], ballot: &[Project], budget: u64) -> u64 {
    budget.saturating_sub(cost_of(chosen, ballot))
}

fn cost_of(chosen: &[i64], ballot: &[Project]) -> u64 {
    chosen
        .iter()
        .filter_map(|id| ballot.iter().find(|p| p.id == *id))
        .map(|p| p.cost)
        .sum()
}

fn on_ballot(chosen: &[i64], ballot: &[Project]) -> Result<Vec<i64>, BallotError> {
    let set: BTreeSet<i64> = chosen.iter().copied().collect();
    if set.is_empty() {
        return Err(BallotError::Empty);
    }
    if !set.iter().all(|id| ballot.iter().any(|p| p.id == *id)) {
        return Err(BallotError::NotOnBallot);
    }
    Ok(set.into_iter().collect())
}

// ---------------------------------------------------------------------------------------
// Results

/// Why a project was or was not funded, in words the results page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reason {
    /// Funded in turn (by votes, or by its voters' equal shares).
    Funded,
    /// Funded from what equal shares left, by votes (the completion step).
    FundedFromWhatWasLeft,
    /// Nobody voted for it.
    NoVotes,
    /// It cost more than was left when its turn came.
    DidNotFit { left: u64 },
    /// Its voters' equal shares could not pay for it, and what was left did not cover it.
    SharesTooSmall { left: u64 },
}

impl Reason {
    pub fn funded(self) -> bool {
        matches!(self, Reason::Funded | Reason::FundedFromWhatWasLeft)
    }

    pub fn explain(self) -> String {
        match self {
            Reason::Funded => "Funded.".into(),
            Reason::FundedFromWhatWasLeft => {
                "Funded from what the equal shares left, in order of votes.".into()
            }
            Reason::NoVotes => "Not funded: no votes.".into(),
            Reason::DidNotFit { left } => format!(
                "Not funded: it cost more than the {} left when its turn came.",
                pounds(left)
            ),
            Reason::SharesTooSmall { left } => format!(
                "Not funded: its voters' equal shares could not pay for it, and the {} left did not cover it.",
                pounds(left)
            ),
        }
    }
}

/// One project's result.
impl Reason {
    /// How a reason is stored: a code, and what was left when that matters.
    pub fn code(self) -> (&'static str, Option<u64>) {
        match self {
            Reason::Funded => ("funded", None),
            Reason::FundedFromWhatWasLeft => ("funded_from_left", None),
            Reason::NoVotes => ("no_votes", None),
            Reason::DidNotFit { left } => ("did_not_fit", Some(left)),
            Reason::SharesTooSmall { left } => ("shares_too_small", Some(left)),
        }
    }

    /// The reason stored as `code` (and `left`), if it is one.
    pub fn from_code(code: &str, left: Option<u64>) -> Option<Reason> {
        let left = left.unwrap_or(0);
        Some(match code {
            "funded" => Reason::Funded,
            "funded_from_left" => Reason::FundedFromWhatWasLeft,
            "no_votes" => Reason::NoVotes,
            "did_not_fit" => Reason::DidNotFit { left },
            "shares_too_small" => Reason::SharesTooSmall { left },
            _ => return None,
        })
    }
}

/// The longest a round's or an idea's title may be, its texts, and a team's names.
pub const TITLE_MAX: usize = 200;
pub const TEXT_MAX: usize = 4_000;
pub const TEAM_MAX: usize = 300;
/// A round publishes between one and this many criteria for its panel.
pub const CRITERIA_MAX: usize = 8;

/// The published criteria, one a line, blank lines dropped.
pub fn criteria(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A ballot as stored: the chosen ids ascending, joined by commas.
pub fn ballot_text(chosen: &[i64]) -> String {
    let set: BTreeSet<i64> = chosen.iter().copied().collect();
    set.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// A stored ballot's chosen ids (anything unreadable is skipped).
pub fn ballot_ids(text: &str) -> Vec<i64> {
    text.split(',')
        .filter_map(|t| t.trim().parse().ok())
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub project: i64,
    pub cost: u64,
    pub votes: u32,
    pub reason: Reason,
}

/// A round's result: every project on the ballot, funded ones first in the order they
/// were funded, then the others by votes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Results {
    pub rule: ResultRule,
    pub budget: u64,
    pub spent: u64,
    pub outcomes: Vec<Outcome>,
}

impl Results {
    pub fn funded(&self) -> impl Iterator<Item = &Outcome> {
        self.outcomes.iter().filter(|o| o.reason.funded())
    }
}

/// Count a round. Each ballot is the set of projects a member chose (whatever the voting
/// style: a knapsack ballot approves the projects it holds). Ballots naming a project not
/// on the ballot have that choice ignored; the order of ballots and of choices within a
/// ballot does not matter.
pub fn count(rule: ResultRule, ballot: &[Project], budget: u64, ballots: &[Vec<i64>]) -> Results {
    let mut projects: Vec<Project> = ballot.to_vec();
    projects.sort_by_key(|p| p.id);
    projects.dedup_by_key(|p| p.id);
    // Canonical voters: each ballot as a sorted set of indices into `projects`, the
    // ballots sorted too, so that the count never depends on the order they came in.
    let mut voters: Vec<Vec<usize>> = ballots
        .iter()
        .map(|b| {
            let set: BTreeSet<usize> = b
                .iter()
                .filter_map(|id| projects.binary_search_by_key(id, |p| p.id).ok())
                .collect();
            set.into_iter().collect()
        })
        .collect();
    voters.sort();
    let mut votes = vec![0u32; projects.len()];
    for v in &voters {
        for &p in v {
            votes[p] += 1;
        }
    }
    let (order, reasons) = match rule {
        ResultRule::GreedyByVotes => {
            greedy(&projects, &votes, budget, &vec![false; projects.len()])
        }
        ResultRule::EqualShares => equal_shares(&projects, &votes, &voters, budget),
    };
    let spent = order.iter().map(|&p| projects[p].cost).sum();
    let mut rest: Vec<usize> = (0..projects.len())
        .filter(|&p| !reasons[p].funded())
        .collect();
    rest.sort_by(|&a, &b| by_votes(&projects, &votes, a, b));
    let outcomes = order
        .iter()
        .chain(rest.iter())
        .map(|&p| Outcome {
            project: projects[p].id,
            cost: projects[p].cost,
            votes: votes[p],
            reason: reasons[p],
        })
        .collect();
    Results {
        rule,
        budget,
        spent,
        outcomes,
    }
}

/// The published order of turns: more votes first; then the cheaper; then the earlier
/// proposal (lower id).
fn by_votes(projects: &[Project], votes: &[u32], a: usize, b: usize) -> Ordering {
    votes[b]
        .cmp(&votes[a])
        .then(projects[a].cost.cmp(&projects[b].cost))
        .then(projects[a].id.cmp(&projects[b].id))
}

/// Greedy by votes (CONSUL's rule): in order of votes, fund each project that fits what is
/// left, skipping those that do not. `already` marks projects funded before (they are
/// neither funded again nor given a reason here). Returns the funded in turn, and a reason
/// for every project.
fn greedy(
    projects: &[Project],
    votes: &[u32],
    budget: u64,
    already: &[bool],
) -> (Vec<usize>, Vec<Reason>) {
    let mut turns: Vec<usize> = (0..projects.len()).filter(|&p| !already[p]).collect();
    turns.sort_by(|&a, &b| by_votes(projects, votes, a, b));
    let mut left = budget;
    let mut funded = Vec::new();
    let mut reasons = vec![Reason::Funded; projects.len()];
    for p in turns {
        if votes[p] == 0 {
            reasons[p] = Reason::NoVotes;
        } else if projects[p].cost <= left {
            left -= projects[p].cost;
            funded.push(p);
        } else {
            reasons[p] = Reason::DidNotFit { left };
        }
    }
    (funded, reasons)
}

/// How many steps of completion equal shares may take: each raises every voter's share by
/// a hundredth of its starting size.
const COMPLETION_STEPS: u32 = 400;

/// The Method of Equal Shares with cost utilities (equalshares.net): the budget is split
/// equally between the voters; in turn, the project whose voters can pay for it with the
/// smallest payment per pound of its cost is funded, each of its voters paying an equal
/// amount or all they have left. Completion: the shares are raised in steps of a
/// hundredth of their starting size for as long as what they fund still fits the real
/// budget, and the last outcome that fits is kept; what is then left goes to the other
/// projects by votes, skipping what does not fit.
fn equal_shares(
    projects: &[Project],
    votes: &[u32],
    voters: &[Vec<usize>],
    budget: u64,
) -> (Vec<usize>, Vec<Reason>) {
    let mut reasons = vec![Reason::NoVotes; projects.len()];
    if voters.is_empty() {
        return (Vec::new(), reasons);
    }
    let supporters: Vec<Vec<usize>> = {
        let mut s = vec![Vec::new(); projects.len()];
        for (i, v) in voters.iter().enumerate() {
            for &p in v {
                s[p].push(i);
            }
        }
        s
    };
    let mut turn = vec![0; projects.len()];
    let mut by_turn: Vec<usize> = (0..projects.len()).collect();
    by_turn.sort_by(|&a, &b| by_votes(projects, votes, a, b));
    for (t, &p) in by_turn.iter().enumerate() {
        turn[p] = t;
    }
    let start = budget as f64 / voters.len() as f64;
    let mut chosen = mes_round(projects, &supporters, &turn, voters.len(), start);
    for step in 1..=COMPLETION_STEPS {
        let share = start * (1.0 + f64::from(step) / 100.0);
        let next = mes_round(projects, &supporters, &turn, voters.len(), share);
        let cost: u64 = next.iter().map(|&p| projects[p].cost).sum();
        if cost > budget {
            break;
        }
        chosen = next;
        if chosen.len() == projects.len() {
            break;
        }
    }
    let spent: u64 = chosen.iter().map(|&p| projects[p].cost).sum();
    let mut already = vec![false; projects.len()];
    for &p in &chosen {
        already[p] = true;
    }
    let (extra, greedy_reasons) = greedy(projects, votes, budget - spent, &already);
    for p in 0..projects.len() {
        reasons[p] = match greedy_reasons[p] {
            _ if already[p] => Reason::Funded,
            // Funded by the greedy pass over what was left.
            Reason::Funded => Reason::FundedFromWhatWasLeft,
            Reason::DidNotFit { left } => Reason::SharesTooSmall { left },
            r => r,
        };
    }
    chosen.extend(extra);
    (chosen, reasons)
}

/// Shares are compared with this relative tolerance: a project whose voters have its cost
/// to within it counts as affordable.
const TOLERANCE: f64 = 1e-9;

/// One run of equal shares with every voter starting from `share`: the projects funded,
/// in turn. `turn[p]` is project p's place in the order of votes (more votes, then the
/// cheaper, then the earlier), which breaks ties between equal payments.
///
/// Voters' money only goes down, so a project's payment per pound only goes up: each
/// project waits in a queue under the payment last worked out for it, and only the one at
/// the front is worked out again (the lazy form of the method, which funds exactly what
/// working every project out every turn would).
fn mes_round(
    projects: &[Project],
    supporters: &[Vec<usize>],
    turn: &[usize],
    voters: usize,
    share: f64,
) -> Vec<usize> {
    let mut left = vec![share; voters];
    let mut order = Vec::new();
    let mut budgets: Vec<f64> = Vec::new();
    let mut queue = BinaryHeap::new();
    for p in 0..projects.len() {
        if let Some(pay) = payment(projects[p].cost, &supporters[p], &left, &mut budgets) {
            queue.push(Reverse((
                PerPound(pay / projects[p].cost as f64),
                turn[p],
                p,
            )));
        }
    }
    while let Some(Reverse((_, t, p))) = queue.pop() {
        // Once its voters cannot pay for it, they never can again.
        let Some(pay) = payment(projects[p].cost, &supporters[p], &left, &mut budgets) else {
            continue;
        };
        let key = (PerPound(pay / projects[p].cost as f64), t);
        let first = queue
            .peek()
            .is_none_or(|Reverse((k, u, _))| key <= (*k, *u));
        if !first {
            queue.push(Reverse((key.0, t, p)));
            continue;
        }
        for &i in &supporters[p] {
            left[i] = (left[i] - pay).max(0.0);
        }
        order.push(p);
    }
    order
}

/// The smallest equal payment from each of a project's voters that, with those who cannot
/// pay it paying all they have left, covers its cost; `None` when they cannot.
fn payment(cost: u64, supporters: &[usize], left: &[f64], budgets: &mut Vec<f64>) -> Option<f64> {
    if supporters.is_empty() {
        return None;
    }
    let cost = cost as f64;
    budgets.clear();
    budgets.extend(supporters.iter().map(|&i| left[i]));
    let total: f64 = budgets.iter().sum();
    if total < cost * (1.0 - TOLERANCE) {
        return None;
    }
    budgets.sort_by(f64::total_cmp);
    let mut due = cost;
    let mut payers = budgets.len();
    for &b in budgets.iter() {
        if b * payers as f64 >= due * (1.0 - TOLERANCE) {
            return Some(due / payers as f64);
        }
        due -= b;
        payers -= 1;
    }
    None
}

/// A payment per pound, ordered as numbers are (never NaN here).
#[derive(Debug, Clone, Copy, PartialEq)]
struct PerPound(f64);

impl Eq for PerPound {}

impl PartialOrd for PerPound {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for PerPound {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

// ---------------------------------------------------------------------------------------
// Shortlisting

/// One panel member's scores for a proposal: 1–5 for each published criterion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scoring {
    pub proposal: i64,
    pub scores: Vec<u8>,
}

/// A proposal's place after the panel scored it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placed {
    pub proposal: i64,
    /// The sum of every score it was given, and how many there were: its mean is
    /// `total / count` (kept as a fraction so that ties are exact).
    pub total: u32,
    pub count: u32,
    pub shortlisted: bool,
}

impl Placed {
    /// The mean score, to show (two decimals are enough to read it).
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then(|| f64::from(self.total) / f64::from(self.count))
    }
}

/// The published shortlisting rule: the `places` proposals with the highest mean score
/// over every criterion and panel member; a tie is broken by more scores given, then by
/// the earlier proposal (lower id). A proposal nobody scored is never shortlisted.
pub fn shortlist(proposals: &[i64], scorings: &[Scoring], places: usize) -> Vec<Placed> {
    let mut placed: Vec<Placed> = proposals
        .iter()
        .copied()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(|proposal| {
            let scores = scorings
                .iter()
                .filter(|s| s.proposal == proposal)
                .flat_map(|s| s.scores.iter());
            let (total, count) = scores.fold((0u32, 0u32), |(t, c), s| (t + u32::from(*s), c + 1));
            Placed {
                proposal,
                total,
                count,
                shortlisted: false,
            }
        })
        .collect();
    placed.sort_by(|a, b| {
        // a's mean above b's: a.total / a.count > b.total / b.count, compared exactly.
        let mean = |p: &Placed| (u64::from(p.total), u64::from(p.count.max(1)));
        let ((at, ac), (bt, bc)) = (mean(a), mean(b));
        (b.count > 0)
            .cmp(&(a.count > 0))
            .then((bt * ac).cmp(&(at * bc)))
            .then(b.count.cmp(&a.count))
            .then(a.proposal.cmp(&b.proposal))
    });
    for p in placed.iter_mut().filter(|p| p.count > 0).take(places) {
        p.shortlisted = true;
    }
    placed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_and_ballots_round_trip_as_stored() {
        for r in [
            Reason::Funded,
            Reason::FundedFromWhatWasLeft,
            Reason::NoVotes,
            Reason::DidNotFit { left: 1_250 },
            Reason::SharesTooSmall { left: 99 },
        ] {
            let (code, left) = r.code();
            assert_eq!(Reason::from_code(code, left), Some(r));
        }
        assert_eq!(Reason::from_code("won", None), None);
        assert_eq!(ballot_text(&[7, 3, 7, 12]), "3,7,12");
        assert_eq!(ballot_ids("3,7,12"), vec![3, 7, 12]);
        assert_eq!(ballot_ids(""), Vec::<i64>::new());
        assert_eq!(
            criteria(" Impact \n\n Feasibility\n"),
            vec!["Impact", "Feasibility"]
        );
    }
    use proptest::prelude::*;

    /// equalshares.net's first example: a budget of 1,100 (here in pounds) and 11 voters.
    /// Voters 1–7 want the bike path, 1–6 the gym, 1–5 the park; 8–11 the playground and
    /// 9–11 the library.
    fn example() -> (Vec<Project>, Vec<Vec<i64>>) {
        let (bike, gym, park, playground, library) = (1, 2, 3, 4, 5);
        let projects = vec![
            Project {
                id: bike,
                cost: 70_000,
            },
            Project {
                id: gym,
                cost: 40_000,
            },
            Project {
                id: park,
                cost: 25_000,
            },
            Project {
                id: playground,
                cost: 20_000,
            },
            Project {
                id: library,
                cost: 10_000,
            },
        ];
        let ballots = (1..=11)
            .map(|voter| {
                let mut b = Vec::new();
                if voter <= 7 {
                    b.push(bike);
                }
                if voter <= 6 {
                    b.push(gym);
                }
                if voter <= 5 {
                    b.push(park);
                }
                if voter >= 8 {
                    b.push(playground);
                }
                if voter >= 9 {
                    b.push(library);
                }
                b
            })
            .collect();
        (projects, ballots)
    }

    fn funded(r: &Results) -> Vec<i64> {
        let mut f: Vec<i64> = r.funded().map(|o| o.project).collect();
        f.sort();
        f
    }

    #[test]
    fn equal_shares_funds_the_bike_path_playground_and_library_where_greedy_funds_the_bike_path_and_gym()
     {
        let (projects, ballots) = example();
        let votes: Vec<u32> = vec![7, 6, 5, 4, 3];
        let greedy = count(ResultRule::GreedyByVotes, &projects, 110_000, &ballots);
        assert_eq!(funded(&greedy), vec![1, 2]);
        assert_eq!(greedy.spent, 110_000);
        assert_eq!(
            greedy.outcomes.iter().map(|o| o.votes).collect::<Vec<_>>(),
            votes
        );
        assert_eq!(greedy.outcomes[2].reason, Reason::DidNotFit { left: 0 });

        let shares = count(ResultRule::EqualShares, &projects, 110_000, &ballots);
        assert_eq!(funded(&shares), vec![1, 4, 5]);
        assert_eq!(shares.spent, 100_000);
        // Funded in turn: the bike path (70 pence a pound), the playground, the library.
        let order: Vec<i64> = shares.outcomes.iter().take(3).map(|o| o.project).collect();
        assert_eq!(order, vec![1, 4, 5]);
        let gym = shares.outcomes.iter().find(|o| o.project == 2).unwrap();
        assert_eq!(gym.reason, Reason::SharesTooSmall { left: 10_000 });
        assert!(
            gym.reason.explain().contains("£100 left"),
            "{}",
            gym.reason.explain()
        );
    }

    #[test]
    fn what_equal_shares_leaves_goes_by_votes_to_what_fits() {
        // Two voters, £100 each: A wants X (£150); B wants Y (£40). Equal shares cannot
        // pay for X from A's £100 alone — until completion raises the shares to £150,
        // when X and Y together (£190) still fit £200.
        let projects = [
            Project {
                id: 1,
                cost: 15_000,
            },
            Project { id: 2, cost: 4_000 },
        ];
        let r = count(
            ResultRule::EqualShares,
            &projects,
            20_000,
            &[vec![1], vec![2]],
        );
        assert_eq!(funded(&r), vec![1, 2]);
        // Without completion room, what is left is offered by votes.
        let projects = [
            Project {
                id: 1,
                cost: 15_000,
            },
            Project { id: 2, cost: 4_000 },
            Project { id: 3, cost: 1_000 },
        ];
        let r = count(
            ResultRule::EqualShares,
            &projects,
            20_000,
            &[vec![1], vec![2, 3], vec![2]],
        );
        assert!(r.spent <= 20_000);
        assert!(r.funded().any(|o| o.project == 2));
    }

    #[test]
    fn a_project_nobody_chose_is_never_funded_and_says_why() {
        let projects = [Project { id: 1, cost: 100 }, Project { id: 2, cost: 100 }];
        for rule in ResultRule::ALL {
            let r = count(*rule, &projects, 1_000, &[vec![1], vec![1]]);
            assert_eq!(funded(&r), vec![1]);
            let two = r.outcomes.iter().find(|o| o.project == 2).unwrap();
            assert_eq!(two.reason, Reason::NoVotes);
        }
        let empty = count(ResultRule::EqualShares, &projects, 1_000, &[]);
        assert_eq!(empty.spent, 0);
    }

    #[test]
    fn ballots_are_checked_in_words() {
        let ballot = [
            Project {
                id: 1,
                cost: 30_000,
            },
            Project {
                id: 2,
                cost: 25_000,
            },
            Project { id: 3, cost: 5_000 },
        ];
        let six = ApprovalLimit { min: 2, max: 2 };
        assert_eq!(check_approval(&[2, 1, 2], &ballot, six), Ok(vec![1, 2]));
        assert_eq!(
            check_approval(&[1], &ballot, six),
            Err(BallotError::NotExactly(2, 1))
        );
        assert_eq!(
            check_approval(&[1, 9], &ballot, six),
            Err(BallotError::NotOnBallot)
        );
        assert_eq!(check_approval(&[], &ballot, six), Err(BallotError::Empty));
        let range = ApprovalLimit { min: 2, max: 3 };
        assert_eq!(
            check_approval(&[1], &ballot, range),
            Err(BallotError::TooFew(2, 1))
        );
        assert!(check_approval(&[1, 2, 3], &ballot, range).is_ok());
        let one = ApprovalLimit { min: 1, max: 1 };
        assert_eq!(
            check_approval(&[1, 2], &ballot, one),
            Err(BallotError::NotExactly(1, 2))
        );

        assert_eq!(check_knapsack(&[1, 3], &ballot, 50_000), Ok(vec![1, 3]));
        let over = check_knapsack(&[1, 2], &ballot, 50_000).unwrap_err();
        assert_eq!(
            over,
            BallotError::OverBudget {
                total: 55_000,
                budget: 50_000
            }
        );
        assert_eq!(
            over.to_string(),
            "These projects cost £550, £50 more than the budget of £500. Leave one out."
        );
        assert_eq!(left_after(&[1, 3], &ballot, 50_000), 15_000);
        assert_eq!(left_after(&[1, 2], &ballot, 50_000), 0);
    }

    #[test]
    fn money_reads_as_pounds() {
        assert_eq!(pounds(0), "£0");
        assert_eq!(pounds(1_250), "£12.50");
        assert_eq!(pounds(45_000_000), "£450,000");
        assert_eq!(pounds(110_000), "£1,100");
        assert_eq!(pounds(100_000_001), "£1,000,000.01");
    }

    fn schedule() -> Schedule {
        let day = |d: u32| {
            chrono::NaiveDate::from_ymd_opt(2027, 3, d)
                .unwrap()
                .and_hms_opt(9, 0, 0)
                .unwrap()
                .and_utc()
        };
        // Ideas for three weeks, refinement for four (into April), as Q Exchange 2019.
        Schedule {
            ideas: day(1),
            refinement: day(22),
            shortlisting: day(22) + chrono::Duration::days(28),
            voting: day(22) + chrono::Duration::days(42),
            voting_closes: day(22) + chrono::Duration::days(56),
        }
    }

    #[test]
    fn phases_move_on_their_dates_and_a_phase_closed_early_hands_over_at_once() {
        let s = schedule();
        assert_eq!(s.check(), Ok(()));
        let hour = chrono::Duration::hours(1);
        assert_eq!(s.phase_at(s.ideas - hour, &[], false), None);
        assert_eq!(s.phase_at(s.ideas, &[], false), Some(Phase::Ideas));
        assert_eq!(
            s.phase_at(s.refinement - hour, &[], false),
            Some(Phase::Ideas)
        );
        assert_eq!(
            s.phase_at(s.refinement, &[], false),
            Some(Phase::Refinement)
        );
        assert_eq!(s.phase_at(s.voting + hour, &[], false), Some(Phase::Voting));
        assert_eq!(
            s.phase_at(s.voting_closes, &[], false),
            Some(Phase::Results)
        );
        assert_eq!(
            s.phase_at(s.voting_closes, &[], true),
            Some(Phase::Delivery)
        );
        // Ideas closed a week early: refinement begins then; shortlisting keeps its date.
        let early = [(Phase::Ideas, s.refinement - chrono::Duration::days(7))];
        assert_eq!(
            s.phase_at(s.refinement - chrono::Duration::days(3), &early, false),
            Some(Phase::Refinement)
        );
        assert_eq!(
            s.phase_at(s.shortlisting - hour, &early, false),
            Some(Phase::Refinement)
        );
        assert_eq!(
            s.phase_at(s.shortlisting, &early, false),
            Some(Phase::Shortlisting)
        );
        // Voting closed early: the results phase begins then.
        let closed = [(Phase::Voting, s.voting + chrono::Duration::days(2))];
        assert_eq!(
            s.phase_at(s.voting + chrono::Duration::days(3), &closed, false),
            Some(Phase::Results)
        );
        // Out of order: named.
        let bad = Schedule {
            voting: s.shortlisting,
            ..s
        };
        assert_eq!(bad.check(), Err(ScheduleError::OutOfOrder("Voting")));
        assert_eq!(
            bad.check().unwrap_err().to_string(),
            "Each phase must begin after the one before: Voting begins too early."
        );
    }

    #[test]
    fn phases_run_in_order() {
        assert_eq!(Phase::Ideas.next(), Some(Phase::Refinement));
        assert_eq!(Phase::Voting.next(), Some(Phase::Results));
        assert_eq!(Phase::Delivery.next(), None);
    }

    #[test]
    fn the_shortlist_takes_the_highest_means_with_ties_by_more_scores_then_the_earlier() {
        let s = |proposal, scores: &[u8]| Scoring {
            proposal,
            scores: scores.to_vec(),
        };
        let scorings = [
            s(1, &[4, 4]),
            s(1, &[3, 5]), // mean 4 from 4 scores
            s(2, &[5, 3]), // mean 4 from 2 scores
            s(3, &[5, 5]),
            s(4, &[4, 4]), // mean 4 from 2 scores, later than 2
            s(5, &[1, 2]),
        ];
        let placed = shortlist(&[5, 4, 3, 2, 1, 6], &scorings, 3);
        let order: Vec<i64> = placed.iter().map(|p| p.proposal).collect();
        assert_eq!(order, vec![3, 1, 2, 4, 5, 6]);
        let chosen: Vec<i64> = placed
            .iter()
            .filter(|p| p.shortlisted)
            .map(|p| p.proposal)
            .collect();
        assert_eq!(chosen, vec![3, 1, 2]);
        assert_eq!(placed[1].mean(), Some(4.0));
        assert_eq!(placed[5].mean(), None);
        // Nobody scored it: never shortlisted, even with places to spare.
        assert!(!shortlist(&[6, 5], &scorings, 5)[1].shortlisted);
    }

    fn round() -> impl Strategy<Value = (Vec<Project>, u64, Vec<Vec<i64>>)> {
        (
            proptest::collection::vec(1u64..50_000, 1..8),
            1u64..150_000,
            proptest::collection::vec(proptest::collection::vec(0i64..9, 0..5), 0..30),
        )
            .prop_map(|(costs, budget, ballots)| {
                let projects = costs
                    .into_iter()
                    .enumerate()
                    .map(|(i, cost)| Project { id: i as i64, cost })
                    .collect();
                (projects, budget, ballots)
            })
    }

    /// Equal shares worked out the plain way: every project, every turn.
    fn mes_round_every_turn(
        projects: &[Project],
        supporters: &[Vec<usize>],
        turn: &[usize],
        voters: usize,
        share: f64,
    ) -> Vec<usize> {
        let mut left = vec![share; voters];
        let mut order = Vec::new();
        let mut budgets = Vec::new();
        loop {
            let best = (0..projects.len())
                .filter(|p| !order.contains(p))
                .filter_map(|p| {
                    let pay = payment(projects[p].cost, &supporters[p], &left, &mut budgets)?;
                    Some(((PerPound(pay / projects[p].cost as f64), turn[p]), p, pay))
                })
                .min_by(|a, b| a.0.cmp(&b.0));
            let Some((_, p, pay)) = best else {
                return order;
            };
            for &i in &supporters[p] {
                left[i] = (left[i] - pay).max(0.0);
            }
            order.push(p);
        }
    }

    proptest! {
        #[test]
        fn the_queue_funds_what_working_out_every_project_every_turn_funds((projects, budget, ballots) in round()) {
            let voters: Vec<Vec<usize>> = ballots
                .iter()
                .map(|b| b.iter().filter_map(|id| projects.iter().position(|p| p.id == *id)).collect::<BTreeSet<_>>().into_iter().collect())
                .collect();
            let mut supporters = vec![Vec::new(); projects.len()];
            for (i, v) in voters.iter().enumerate() {
                for &p in v {
                    supporters[p].push(i);
                }
            }
            let turn: Vec<usize> = (0..projects.len()).collect();
            if !voters.is_empty() {
                let share = budget as f64 / voters.len() as f64;
                prop_assert_eq!(
                    mes_round(&projects, &supporters, &turn, voters.len(), share),
                    mes_round_every_turn(&projects, &supporters, &turn, voters.len(), share)
                );
            }
        }

        #[test]
        fn results_never_pass_the_budget_and_ignore_the_ballots_order((projects, budget, ballots) in round(), seed in any::<u64>()) {
            let mut shuffled = ballots.clone();
            // A deterministic shuffle of the ballots and of the choices in each.
            let mut x = seed | 1;
            for i in (1..shuffled.len()).rev() {
                x ^= x << 13; x ^= x >> 7; x ^= x << 17;
                shuffled.swap(i, (x % (i as u64 + 1)) as usize);
            }
            for b in &mut shuffled { b.reverse(); }
            for rule in ResultRule::ALL {
                let r = count(*rule, &projects, budget, &ballots);
                prop_assert!(r.spent <= budget);
                prop_assert_eq!(r.spent, r.funded().map(|o| o.cost).sum::<u64>());
                prop_assert_eq!(r.outcomes.len(), projects.len());
                prop_assert_eq!(&r, &count(*rule, &projects, budget, &shuffled));
            }
        }

        #[test]
        fn a_knapsack_ballot_that_is_accepted_fits_the_budget((projects, budget, ballots) in round()) {
            for b in &ballots {
                if let Ok(chosen) = check_knapsack(b, &projects, budget) {
                    let total: u64 = chosen.iter().map(|id| projects.iter().find(|p| p.id == *id).unwrap().cost).sum();
                    prop_assert!(total <= budget);
                    prop_assert_eq!(left_after(&chosen, &projects, budget), budget - total);
                }
            }
        }
    }
}
