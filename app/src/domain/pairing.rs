//! Randomised coffee pairing (a Q tradition): each month the members who opted in are
//! drawn into pairs, across perspectives and regions where the draw allows, and never with
//! someone they were paired with in the last twelve months.
//!
//! Pure and deterministic: the same people in the same order give the same pairs. The
//! randomness is the order, shuffled by the caller from a seed.
use crate::domain::membership::Perspective;
use std::collections::HashSet;

/// Someone who opted in to this month's draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub person_id: i64,
    pub home_region_id: Option<i64>,
    pub perspectives: Vec<Perspective>,
}

/// A month's draw: the pairs, and who was left without a partner (an odd number, or
/// nobody left they had not met in the last year).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Draw {
    pub pairs: Vec<(i64, i64)>,
    pub unpaired: Vec<i64>,
}

/// A pair as the same key whichever way round it is named.
pub fn pair_key(a: i64, b: i64) -> (i64, i64) {
    (a.min(b), a.max(b))
}

/// How good a pairing of `a` and `b` is: 2 for meeting someone of another perspective
/// (sharing none), 1 for another region; higher is better.
fn mix(a: &Candidate, b: &Candidate) -> u8 {
    let other_perspective = !a.perspectives.iter().any(|p| b.perspectives.contains(p));
    let other_region = a.home_region_id.is_none()
        || b.home_region_id.is_none()
        || a.home_region_id != b.home_region_id;
    2 * u8::from(other_perspective) + u8::from(other_region)
}

/// Draw pairs from `candidates` (in the shuffled order that makes the draw random),
/// never pairing two people whose pair is in `met` (pairs of the last twelve months, as
/// [`pair_key`]s). Each person in turn takes the best-mixed partner still free, the first
/// in order among equals; anyone left over is then fitted in by swapping partners where
/// that makes a new pair without a repeat.
pub fn draw(candidates: &[Candidate], met: &HashSet<(i64, i64)>) -> Draw {
    // One entry per person, in the order given.
    let mut seen = HashSet::new();
    let people: Vec<&Candidate> = candidates
        .iter()
        .filter(|c| seen.insert(c.person_id))
        .collect();
    let allowed = |a: &Candidate, b: &Candidate| {
        a.person_id != b.person_id && !met.contains(&pair_key(a.person_id, b.person_id))
    };
    let mut partner: Vec<Option<usize>> = vec![None; people.len()];
    for i in 0..people.len() {
        if partner[i].is_some() {
            continue;
        }
        let best = (i + 1..people.len())
            .filter(|&j| partner[j].is_none() && allowed(people[i], people[j]))
            // The best mix; among equals the first (max_by_key keeps the last: reversed).
            .rev()
            .max_by_key(|&j| mix(people[i], people[j]));
        if let Some(j) = best {
            partner[i] = Some(j);
            partner[j] = Some(i);
        }
    }
    // Fit in those left over: two free people u and v, and a pair (a, b) where u–a and
    // v–b are both allowed, become u–a and v–b.
    loop {
        let free: Vec<usize> = (0..people.len())
            .filter(|&i| partner[i].is_none())
            .collect();
        let mut swapped = false;
        'search: for (x, &u) in free.iter().enumerate() {
            for &v in &free[x + 1..] {
                for a in 0..people.len() {
                    let Some(b) = partner[a] else { continue };
                    if allowed(people[u], people[a]) && allowed(people[v], people[b]) {
                        partner[u] = Some(a);
                        partner[a] = Some(u);
                        partner[v] = Some(b);
                        partner[b] = Some(v);
                        swapped = true;
                        break 'search;
                    }
                }
            }
        }
        if !swapped {
            break;
        }
    }
    let mut result = Draw::default();
    for (i, p) in partner.iter().enumerate() {
        match p {
            Some(j) if i < *j => result
                .pairs
                .push((people[i].person_id, people[*j].person_id)),
            Some(_) => {}
            None => result.unpaired.push(people[i].person_id),
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use Perspective::*;

    fn person(id: i64, region: i64, perspectives: &[Perspective]) -> Candidate {
        Candidate {
            person_id: id,
            home_region_id: Some(region),
            perspectives: perspectives.to_vec(),
        }
    }

    fn everyone_once(d: &Draw, ids: &[i64]) {
        let mut all: Vec<i64> = d
            .pairs
            .iter()
            .flat_map(|(a, b)| [*a, *b])
            .chain(d.unpaired.iter().copied())
            .collect();
        all.sort();
        let mut expected = ids.to_vec();
        expected.sort();
        assert_eq!(all, expected, "each person once: {d:?}");
    }

    #[test]
    fn pairs_cross_perspectives_and_regions_where_they_can() {
        let people = [
            person(1, 10, &[Patient]),
            person(2, 10, &[Patient]),
            person(3, 20, &[Clinician]),
            person(4, 20, &[Clinician]),
        ];
        let d = draw(&people, &HashSet::new());
        everyone_once(&d, &[1, 2, 3, 4]);
        assert!(d.unpaired.is_empty());
        for (a, b) in &d.pairs {
            let (a, b) = (
                people.iter().find(|p| p.person_id == *a).unwrap(),
                people.iter().find(|p| p.person_id == *b).unwrap(),
            );
            assert_eq!(mix(a, b), 3, "a patient meets a clinician from elsewhere");
        }
    }

    #[test]
    fn another_perspective_counts_more_than_another_region() {
        // 1 can meet 2 (same perspective, other region) or 3 (other perspective, same
        // region): the other perspective wins.
        let people = [
            person(1, 10, &[Carer]),
            person(2, 20, &[Carer]),
            person(3, 10, &[Manager]),
        ];
        let d = draw(&people, &HashSet::new());
        assert_eq!(d.pairs, vec![(1, 3)]);
        assert_eq!(d.unpaired, vec![2]);
    }

    #[test]
    fn nobody_meets_the_same_person_twice_and_leftovers_are_fitted_in() {
        // Greedy alone would pair 1–2 (the first free), leaving 3 and 4 who have met.
        let people = [
            person(1, 10, &[Patient]),
            person(2, 20, &[Clinician]),
            person(3, 30, &[Clinician]),
            person(4, 40, &[Patient]),
        ];
        let met: HashSet<_> = [pair_key(3, 4), pair_key(1, 4)].into();
        let d = draw(&people, &met);
        everyone_once(&d, &[1, 2, 3, 4]);
        assert!(d.unpaired.is_empty(), "{d:?}");
        for (a, b) in &d.pairs {
            assert!(!met.contains(&pair_key(*a, *b)));
        }
        // When every possible pair has met, nobody is paired.
        let all_met: HashSet<_> = [(1, 2), (1, 3), (1, 4), (2, 3), (2, 4), (3, 4)].into();
        let none = draw(&people, &all_met);
        assert!(none.pairs.is_empty());
        assert_eq!(none.unpaired, vec![1, 2, 3, 4]);
    }

    #[test]
    fn an_odd_one_out_and_duplicates_and_nobody() {
        let people = [
            person(1, 10, &[Patient]),
            person(2, 20, &[Carer]),
            person(2, 20, &[Carer]),
            person(3, 30, &[Clinician]),
        ];
        let d = draw(&people, &HashSet::new());
        everyone_once(&d, &[1, 2, 3]);
        assert_eq!((d.pairs.len(), d.unpaired.len()), (1, 1));
        assert_eq!(draw(&[], &HashSet::new()), Draw::default());
    }

    #[test]
    fn the_same_order_gives_the_same_draw_and_a_year_of_draws_never_repeats() {
        // Twelve monthly draws of 40 people, each order a rotation: every draw pairs
        // everyone, and no pair comes twice.
        let perspectives = [Patient, Carer, Clinician, Manager, Other];
        let people: Vec<Candidate> = (0..40)
            .map(|i| person(i, i % 3, &[perspectives[(i % 5) as usize]]))
            .collect();
        let mut met = HashSet::new();
        for month in 0..12 {
            let mut order = people.clone();
            order.rotate_left(month * 7 % 40);
            let d = draw(&order, &met);
            assert_eq!(d, draw(&order, &met), "deterministic");
            assert!(d.unpaired.is_empty(), "month {month}: {d:?}");
            for (a, b) in &d.pairs {
                assert!(met.insert(pair_key(*a, *b)), "month {month}: {a}–{b} again");
            }
        }
        assert_eq!(met.len(), 12 * 20);
    }
}
