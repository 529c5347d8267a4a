//! The advice process: the author names the people affected and those with expertise,
//! asks them for advice, answers every piece of it, and then decides — writing what they
//! decided and why. Pure: the services count what they read and ask these rules.

/// Where an advice-process proposal stands: who was asked, who gave advice, and what the
/// author has yet to answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AdviceSummary {
    /// People the author asked.
    pub asked: usize,
    /// Of those, how many gave advice.
    pub asked_gave: usize,
    /// Others (members who were not asked) who gave advice all the same.
    pub others_gave: usize,
    /// Pieces of advice given.
    pub pieces: usize,
    /// Pieces the author has not answered yet.
    pub unanswered: usize,
}

/// Count `advice` — (who gave it, whether the author answered it) — against the people
/// `asked`. Order does not matter, and neither do repeats in `asked`.
pub fn summary(asked: &[i64], advice: &[(i64, bool)]) -> AdviceSummary {
    let mut asked = asked.to_vec();
    asked.sort_unstable();
    asked.dedup();
    let mut gave: Vec<i64> = advice.iter().map(|(by, _)| *by).collect();
    gave.sort_unstable();
    gave.dedup();
    let asked_gave = gave
        .iter()
        .filter(|g| asked.binary_search(g).is_ok())
        .count();
    AdviceSummary {
        asked: asked.len(),
        asked_gave,
        others_gave: gave.len() - asked_gave,
        pieces: advice.len(),
        unanswered: advice.iter().filter(|(_, answered)| !answered).count(),
    }
}

fn people(n: usize) -> String {
    if n == 1 {
        "1 person".into()
    } else {
        format!("{n} people")
    }
}

impl AdviceSummary {
    /// Advice is sought from someone: the author names at least one person first.
    pub fn may_open(&self) -> Result<(), String> {
        if self.asked == 0 {
            Err(
                "Name at least one person to ask for advice: someone affected, or with expertise."
                    .into(),
            )
        } else {
            Ok(())
        }
    }

    /// The author may end the advice early, but only once everyone asked has given it.
    pub fn may_end_early(&self) -> Result<(), String> {
        match self.asked - self.asked_gave {
            0 if self.asked > 0 => Ok(()),
            0 => Err("Nobody was asked for advice.".into()),
            1 => Err("One person you asked has not given advice yet: the advice stays open until they have, or until it closes.".into()),
            n => Err(format!("{n} people you asked have not given advice yet: the advice stays open until they have, or until it closes.")),
        }
    }

    /// The author decides only once every piece of advice has its answer.
    pub fn may_decide(&self) -> Result<(), String> {
        match self.unanswered {
            0 => Ok(()),
            1 => Err("Answer the piece of advice still waiting before you decide.".into()),
            n => Err(format!(
                "Answer the {n} pieces of advice still waiting before you decide."
            )),
        }
    }

    /// In words: "2 of the 3 people asked gave advice, and 1 other person."
    pub fn headline(&self) -> String {
        let mut s = format!(
            "{} of the {} asked gave advice",
            self.asked_gave,
            people(self.asked)
        );
        if self.others_gave > 0 {
            let others = if self.others_gave == 1 {
                "1 other person".to_owned()
            } else {
                format!("{} others", self.others_gave)
            };
            s.push_str(&format!(", and {others}"));
        }
        s.push('.');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn counts_who_was_asked_and_who_gave_advice() {
        let s = summary(&[1, 2, 3], &[(1, true), (1, false), (4, true)]);
        assert_eq!(
            s,
            AdviceSummary {
                asked: 3,
                asked_gave: 1,
                others_gave: 1,
                pieces: 3,
                unanswered: 1
            }
        );
        assert_eq!(
            s.headline(),
            "1 of the 3 people asked gave advice, and 1 other person."
        );
        assert_eq!(
            summary(&[7], &[]).headline(),
            "0 of the 1 person asked gave advice."
        );
    }

    #[test]
    fn advice_opens_only_with_someone_to_ask() {
        assert!(summary(&[], &[]).may_open().is_err());
        assert!(summary(&[5], &[]).may_open().is_ok());
    }

    #[test]
    fn ends_early_only_once_everyone_asked_has_given_advice() {
        assert_eq!(
            summary(&[1, 2], &[(1, false)]).may_end_early(),
            Err("One person you asked has not given advice yet: the advice stays open until they have, or until it closes.".into())
        );
        assert!(
            summary(&[1, 2, 3], &[])
                .may_end_early()
                .unwrap_err()
                .starts_with("3 people")
        );
        // Advice from someone not asked does not stand in for the people asked.
        assert!(summary(&[1], &[(9, true)]).may_end_early().is_err());
        assert!(
            summary(&[1, 2], &[(1, false), (2, false)])
                .may_end_early()
                .is_ok()
        );
        assert!(summary(&[], &[(9, true)]).may_end_early().is_err());
    }

    #[test]
    fn the_author_decides_only_when_every_piece_has_its_answer() {
        assert!(summary(&[1], &[]).may_decide().is_ok());
        assert_eq!(
            summary(&[1], &[(1, true), (2, false), (1, false)]).may_decide(),
            Err("Answer the 2 pieces of advice still waiting before you decide.".into())
        );
        assert!(summary(&[1], &[(1, true), (2, true)]).may_decide().is_ok());
    }

    proptest! {
        #[test]
        fn the_summary_does_not_depend_on_order(
            asked in proptest::collection::vec(0i64..8, 0..6),
            advice in proptest::collection::vec((0i64..10, any::<bool>()), 0..12),
        ) {
            let s = summary(&asked, &advice);
            let (mut a2, mut v2) = (asked.clone(), advice.clone());
            a2.reverse();
            v2.reverse();
            prop_assert_eq!(s, summary(&a2, &v2));
            prop_assert!(s.asked_gave <= s.asked);
            prop_assert!(s.unanswered <= s.pieces);
        }
    }
}
