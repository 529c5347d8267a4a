//! Live co-production workshops, the pure part: the agenda's stage machine that the
//! facilitator drives, join codes that are easy to read aloud, and dot-vote rules
//! (budget, per-item cap, change of mind, lock). Shared by server and browser.
pub mod board;
pub mod report;
pub mod responses;

use serde::{Deserialize, Serialize};
use serde_tuple::{Deserialize_tuple, Serialize_tuple};
use std::collections::BTreeMap;

vocabulary! {
    /// A kind of activity on a workshop's agenda. Adding one is adding a variant here and
    /// its views.
    ActivityKind {
        IdeaCapture => "idea_capture", "Idea capture";
        Grouping => "grouping", "Group into themes";
        DotVote => "dot_vote", "Dot voting";
        Prioritise => "prioritise", "Prioritise by impact and effort";
        Poll => "poll", "Poll";
        Reflection => "reflection", "Reflection";
    }
}

/// One step of an agenda as planned: what a new activity, or a template's step, is made of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaStep {
    pub kind: ActivityKind,
    pub prompt: String,
    pub rules: VoteRules,
    pub target: board::VoteTarget,
    /// A poll allows more than one choice.
    pub multiple: bool,
    /// A poll's options; empty for other kinds.
    pub options: Vec<String>,
}

impl AgendaStep {
    /// A step with the usual dot-vote rules (5 dots, at most 3 on one item, on themes).
    pub fn new(kind: ActivityKind, prompt: &str) -> AgendaStep {
        AgendaStep {
            kind,
            prompt: prompt.to_owned(),
            rules: VoteRules {
                budget: 5,
                cap_per_item: Some(3),
            },
            target: board::VoteTarget::Themes,
            multiple: false,
            options: Vec::new(),
        }
    }
}

/// Characters for join codes: no 0/O, 1/I/L, 2/Z, 5/S or 8/B to confuse when read aloud or
/// typed from a projector.
pub const JOIN_CODE_ALPHABET: &[u8] = b"ACDEFGHJKMNPQRTUVWXY34679";
pub const JOIN_CODE_LEN: usize = 6;

/// A join code from random bytes (the server supplies them; this stays pure).
pub fn join_code(random: [u8; JOIN_CODE_LEN]) -> String {
    random
        .iter()
        .map(|b| JOIN_CODE_ALPHABET[*b as usize % JOIN_CODE_ALPHABET.len()] as char)
        .collect()
}

/// What someone typed, as a join code: case, spaces and dashes do not matter.
pub fn normalise_join_code(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() == JOIN_CODE_LEN && code.bytes().all(|b| JOIN_CODE_ALPHABET.contains(&b)))
        .then_some(code)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum WorkshopError {
    #[error("The workshop has not started yet.")]
    NotStarted,
    #[error("The workshop has already started.")]
    AlreadyStarted,
    #[error("The workshop has finished.")]
    Finished,
    #[error("This is the first activity.")]
    AtFirst,
    #[error("The agenda is empty: add an activity first.")]
    EmptyAgenda,
    #[error("A timer runs for between 10 seconds and 2 hours.")]
    BadTimer,
    #[error("Input is locked by the facilitator.")]
    Locked,
    #[error("You have {remaining} dots left.")]
    OverBudget { remaining: u32 },
    #[error("At most {cap} dots on one item.")]
    OverCap { cap: u32 },
    #[error("Rate impact and effort from 1 to 5.")]
    BadRating,
    #[error("That is not one of the poll's options.")]
    NoSuchOption,
    #[error("Choose one option.")]
    OneChoice,
}

/// Where a live workshop stands: which activity, whether input is locked, whether results
/// are revealed, and when the countdown ends (server clock, milliseconds since the epoch).
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct Stage {
    pub agenda: Vec<ActivityKind>,
    /// `None` before the facilitator starts.
    pub current: Option<usize>,
    pub finished: bool,
    pub locked: bool,
    pub revealed: bool,
    pub timer_ends_at_ms: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Control {
    Start,
    Advance,
    Back,
    Lock,
    Unlock,
    Reveal,
    Hide,
    StartTimer { seconds: u32, now_ms: i64 },
    ClearTimer,
}

impl Stage {
    pub fn new(agenda: Vec<ActivityKind>) -> Self {
        Stage {
            agenda,
            current: None,
            finished: false,
            locked: false,
            revealed: false,
            timer_ends_at_ms: None,
        }
    }

    pub fn activity(&self) -> Option<ActivityKind> {
        self.current.and_then(|i| self.agenda.get(i).copied())
    }

    /// Whether participants may add or change input now.
    pub fn accepts_input(&self) -> bool {
        self.activity().is_some() && !self.finished && !self.locked
    }

    /// The facilitator's controls. Moving between activities unlocks input, hides results
    /// and clears the timer: each activity starts fresh.
    pub fn apply(&self, control: Control) -> Result<Stage, WorkshopError> {
        let mut next = self.clone();
        let fresh = |s: &mut Stage| {
            s.locked = false;
            s.revealed = false;
            s.timer_ends_at_ms = None;
        };
        match control {
            Control::Start => {
                if self.agenda.is_empty() {
                    return Err(WorkshopError::EmptyAgenda);
                }
                if self.current.is_some() || self.finished {
                    return Err(WorkshopError::AlreadyStarted);
                }
                next.current = Some(0);
                fresh(&mut next);
            }
            Control::Advance => {
                let i = self.running()?;
                if i + 1 < self.agenda.len() {
                    next.current = Some(i + 1);
                } else {
                    next.finished = true;
                }
                fresh(&mut next);
            }
            Control::Back => {
                let i = self.current.ok_or(WorkshopError::NotStarted)?;
                if self.finished {
                    next.finished = false;
                } else if i == 0 {
                    return Err(WorkshopError::AtFirst);
                } else {
                    next.current = Some(i - 1);
                }
                fresh(&mut next);
            }
            Control::Lock => {
                self.running()?;
                next.locked = true;
            }
            Control::Unlock => {
                self.running()?;
                next.locked = false;
            }
            Control::Reveal => {
                self.running()?;
                next.revealed = true;
            }
            Control::Hide => {
                self.running()?;
                next.revealed = false;
            }
            Control::StartTimer { seconds, now_ms } => {
                self.running()?;
                if !(10..=7200).contains(&seconds) {
                    return Err(WorkshopError::BadTimer);
                }
                next.timer_ends_at_ms = Some(now_ms + i64::from(seconds) * 1000);
            }
            Control::ClearTimer => {
                self.running()?;
                next.timer_ends_at_ms = None;
            }
        }
        Ok(next)
    }

    fn running(&self) -> Result<usize, WorkshopError> {
        if self.finished {
            return Err(WorkshopError::Finished);
        }
        self.current.ok_or(WorkshopError::NotStarted)
    }
}

/// The facilitator's dot-vote settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct VoteRules {
    pub budget: u32,
    pub cap_per_item: Option<u32>,
}

/// One participant's dots: item id → dots. Items with no dots are absent.
pub type Ballot = BTreeMap<i64, u32>;

impl VoteRules {
    pub fn remaining(&self, ballot: &Ballot) -> u32 {
        let spent = ballot
            .values()
            .try_fold(0u32, |sum, v| sum.checked_add(*v))
            .unwrap_or(u32::MAX);
        self.budget.saturating_sub(spent)
    }

    /// Put `dots` on `item` (replacing what was there: a change of mind), if the stage
    /// accepts input and the budget and cap allow.
    pub fn set_dots(
        &self,
        stage: &Stage,
        ballot: &Ballot,
        item: i64,
        dots: u32,
    ) -> Result<Ballot, WorkshopError> {
        if !stage.accepts_input() {
            return Err(if stage.activity().is_none() || stage.finished {
                WorkshopError::NotStarted
            } else {
                WorkshopError::Locked
            });
        }
        if let Some(cap) = self.cap_per_item
            && dots > cap
        {
            return Err(WorkshopError::OverCap { cap });
        }
        // Numbers come from the client: add with checks, so no sum can wrap.
        let elsewhere: u32 = ballot
            .iter()
            .filter(|(k, _)| **k != item)
            .try_fold(0u32, |sum, (_, v)| sum.checked_add(*v))
            .unwrap_or(u32::MAX);
        if elsewhere
            .checked_add(dots)
            .is_none_or(|total| total > self.budget)
        {
            return Err(WorkshopError::OverBudget {
                remaining: self.budget.saturating_sub(elsewhere),
            });
        }
        let mut next = ballot.clone();
        if dots == 0 {
            next.remove(&item);
        } else {
            next.insert(item, dots);
        }
        Ok(next)
    }
}

/// Total dots per item, most first; ties by item id so every screen ranks alike.
pub fn tally<'a>(ballots: impl IntoIterator<Item = &'a Ballot>) -> Vec<(i64, u32)> {
    let mut totals: BTreeMap<i64, u32> = BTreeMap::new();
    for ballot in ballots {
        for (item, dots) in ballot {
            *totals.entry(*item).or_default() += dots;
        }
    }
    let mut ranked: Vec<(i64, u32)> = totals.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;
    use ActivityKind::*;
    use proptest::prelude::*;

    fn started() -> Stage {
        Stage::new(vec![IdeaCapture, Grouping, DotVote])
            .apply(Control::Start)
            .unwrap()
    }

    fn voting() -> Stage {
        started()
            .apply(Control::Advance)
            .unwrap()
            .apply(Control::Advance)
            .unwrap()
    }

    #[test]
    fn the_facilitator_moves_through_the_agenda_and_back() {
        let s = Stage::new(vec![IdeaCapture, DotVote]);
        assert_eq!(
            s.apply(Control::Advance).unwrap_err(),
            WorkshopError::NotStarted
        );
        let s = s.apply(Control::Start).unwrap();
        assert_eq!(s.activity(), Some(IdeaCapture));
        assert_eq!(s.apply(Control::Back).unwrap_err(), WorkshopError::AtFirst);
        let s = s.apply(Control::Advance).unwrap();
        assert_eq!(s.activity(), Some(DotVote));
        let done = s.apply(Control::Advance).unwrap();
        assert!(done.finished && !done.accepts_input());
        assert_eq!(
            done.apply(Control::Advance).unwrap_err(),
            WorkshopError::Finished
        );
        let reopened = done.apply(Control::Back).unwrap();
        assert_eq!(
            (reopened.finished, reopened.activity()),
            (false, Some(DotVote))
        );
        assert_eq!(
            Stage::new(vec![]).apply(Control::Start).unwrap_err(),
            WorkshopError::EmptyAgenda
        );
    }

    #[test]
    fn each_activity_starts_unlocked_hidden_and_without_a_timer() {
        let s = started()
            .apply(Control::Lock)
            .unwrap()
            .apply(Control::Reveal)
            .unwrap()
            .apply(Control::StartTimer {
                seconds: 60,
                now_ms: 1_000,
            })
            .unwrap();
        assert!(s.locked && s.revealed && !s.accepts_input());
        assert_eq!(s.timer_ends_at_ms, Some(61_000));
        let next = s.apply(Control::Advance).unwrap();
        assert!(!next.locked && !next.revealed && next.timer_ends_at_ms.is_none());
        assert_eq!(
            started()
                .apply(Control::StartTimer {
                    seconds: 5,
                    now_ms: 0
                })
                .unwrap_err(),
            WorkshopError::BadTimer
        );
    }

    #[test]
    fn join_codes_avoid_look_alike_characters_and_forgive_typing() {
        let code = join_code([0, 7, 24, 25, 200, 255]);
        assert_eq!(code.len(), JOIN_CODE_LEN);
        for bad in ['0', 'O', '1', 'I', 'L', '2', 'Z', '5', 'S', '8', 'B'] {
            assert!(!code.contains(bad));
            assert!(!JOIN_CODE_ALPHABET.contains(&(bad as u8)));
        }
        assert_eq!(
            normalise_join_code(&format!(" {} ", code.to_lowercase())),
            Some(code.clone())
        );
        assert_eq!(
            normalise_join_code(&format!("{}-{}", &code[..3], &code[3..])),
            Some(code)
        );
        assert_eq!(normalise_join_code("ABC"), None);
        assert_eq!(normalise_join_code("OOOOOO"), None);
    }

    #[test]
    fn dots_respect_budget_cap_change_of_mind_and_lock() {
        let rules = VoteRules {
            budget: 5,
            cap_per_item: Some(3),
        };
        let stage = voting();
        let b = rules.set_dots(&stage, &Ballot::new(), 1, 3).unwrap();
        assert_eq!(
            rules.set_dots(&stage, &b, 2, 4).unwrap_err(),
            WorkshopError::OverCap { cap: 3 }
        );
        assert_eq!(
            rules.set_dots(&stage, &b, 2, 3).unwrap_err(),
            WorkshopError::OverBudget { remaining: 2 }
        );
        let b = rules.set_dots(&stage, &b, 2, 2).unwrap();
        assert_eq!(rules.remaining(&b), 0);
        // Change of mind: take dots back from item 1 and spend them on item 2.
        let b = rules.set_dots(&stage, &b, 1, 0).unwrap();
        let b = rules.set_dots(&stage, &b, 2, 3).unwrap();
        assert_eq!(b, Ballot::from([(2, 3)]));
        let locked = stage.apply(Control::Lock).unwrap();
        assert_eq!(
            rules.set_dots(&locked, &b, 3, 1).unwrap_err(),
            WorkshopError::Locked
        );
        assert_eq!(
            rules
                .set_dots(&Stage::new(vec![DotVote]), &b, 3, 1)
                .unwrap_err(),
            WorkshopError::NotStarted
        );
    }

    #[test]
    fn the_tally_ranks_by_dots_then_by_item() {
        let ballots = [
            Ballot::from([(3, 2), (1, 1)]),
            Ballot::from([(1, 1), (2, 2)]),
        ];
        assert_eq!(tally(&ballots), vec![(1, 2), (2, 2), (3, 2)]);
        let ballots = [Ballot::from([(9, 3)]), Ballot::from([(4, 1)])];
        assert_eq!(tally(&ballots), vec![(9, 3), (4, 1)]);
    }

    proptest! {
        /// Whatever a participant tries, in whatever order, their ballot never exceeds the
        /// budget or the cap, and the tally counts exactly the dots cast.
        #[test]
        fn ballots_never_exceed_budget_or_cap(
            budget in 1u32..12,
            cap in proptest::option::of(1u32..6),
            moves in proptest::collection::vec((0i64..6, 0u32..8), 0..40),
        ) {
            let rules = VoteRules { budget, cap_per_item: cap };
            let stage = voting();
            let mut ballot = Ballot::new();
            for (item, dots) in moves {
                if let Ok(next) = rules.set_dots(&stage, &ballot, item, dots) {
                    ballot = next;
                }
                let spent: u32 = ballot.values().sum();
                prop_assert!(spent <= budget);
                prop_assert_eq!(rules.remaining(&ballot), budget - spent);
                if let Some(cap) = cap {
                    prop_assert!(ballot.values().all(|d| *d <= cap));
                }
            }
            let total: u32 = tally([&ballot]).iter().map(|(_, d)| d).sum();
            prop_assert_eq!(total, ballot.values().sum::<u32>());
        }

        /// Numbers a client sends can be anything up to `u32::MAX`: a huge count never
        /// wraps past the budget (without the cap that would stop it first).
        #[test]
        fn huge_dot_counts_never_wrap_past_the_budget(
            budget in 1u32..21,
            first in 0u32..21,
            huge in (u32::MAX - 64)..=u32::MAX,
        ) {
            let rules = VoteRules { budget, cap_per_item: None };
            let stage = voting();
            let ballot = rules
                .set_dots(&stage, &Ballot::new(), 1, first)
                .unwrap_or_default();
            prop_assert!(rules.set_dots(&stage, &ballot, 2, huge).is_err());
            let spent: u32 = ballot.values().sum();
            prop_assert!(spent <= budget);
        }

        /// Any sequence of controls keeps the stage consistent.
        #[test]
        fn controls_keep_the_stage_consistent(controls in proptest::collection::vec(0u8..9, 0..30)) {
            let mut stage = Stage::new(vec![IdeaCapture, Grouping, DotVote]);
            for c in controls {
                let control = match c {
                    0 => Control::Start, 1 => Control::Advance, 2 => Control::Back, 3 => Control::Lock,
                    4 => Control::Unlock, 5 => Control::Reveal, 6 => Control::Hide,
                    7 => Control::StartTimer { seconds: 30, now_ms: 0 }, _ => Control::ClearTimer,
                };
                if let Ok(next) = stage.apply(control) {
                    stage = next;
                }
                if let Some(i) = stage.current {
                    prop_assert!(i < stage.agenda.len());
                }
                if stage.finished || stage.current.is_none() {
                    prop_assert!(!stage.accepts_input());
                }
            }
        }
    }
}
