//! The report maths of a workshop, pure: items ranked by dots with ties broken the same
//! way everywhere, each item's dots broken down by perspective as whole-number shares that
//! always add up to 100 %, and where views diverged most between perspectives.
use crate::domain::membership::Perspective;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Who cast dots from which perspective: `None` is "prefer not to say".
pub type Voice = Option<Perspective>;

/// Dots one participant, speaking from `voice`, put on `item`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cast {
    pub item: i64,
    pub voice: Voice,
    pub dots: u32,
}

/// One item of the report: its place, its dots, and their split by perspective.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankedItem {
    pub item: i64,
    /// 1 for the most dots; items with equal dots share a rank.
    pub rank: u32,
    pub dots: u32,
    /// (voice, dots, whole-number percent of this item's dots), in perspective order;
    /// the percents add up to exactly 100 when the item has any dots.
    pub by_voice: Vec<(Voice, u32, u32)>,
}

fn voice_order(v: &Voice) -> usize {
    v.map_or(usize::MAX, |p| {
        Perspective::ALL
            .iter()
            .position(|q| *q == p)
            .unwrap_or(usize::MAX - 1)
    })
}

/// Whole-number percents of `parts` that add up to exactly 100 (largest remainder: each
/// part gets its floor, and the points left go to the largest remainders, ties to the
/// earlier part). All zero when the parts are.
pub fn percents(parts: &[u32]) -> Vec<u32> {
    let total: u64 = parts.iter().map(|p| u64::from(*p)).sum();
    if total == 0 {
        return vec![0; parts.len()];
    }
    let mut out: Vec<u32> = parts
        .iter()
        .map(|p| (u64::from(*p) * 100 / total) as u32)
        .collect();
    let given: u32 = out.iter().sum();
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(u64::from(parts[i]) * 100 % total), i));
    for &i in order.iter().take((100 - given) as usize) {
        out[i] += 1;
    }
    out
}

/// Items ranked by dots, most first; equal dots share a rank and are listed by item id,
/// so every screen and export orders them alike. Items in `items` with no dots come last.
pub fn rank(items: &[i64], casts: &[Cast]) -> Vec<RankedItem> {
    let mut per_item: BTreeMap<i64, BTreeMap<usize, (Voice, u32)>> = BTreeMap::new();
    for item in items {
        per_item.entry(*item).or_default();
    }
    for c in casts.iter().filter(|c| c.dots > 0) {
        let e = per_item
            .entry(c.item)
            .or_default()
            .entry(voice_order(&c.voice))
            .or_insert((c.voice, 0));
        e.1 += c.dots;
    }
    let mut ranked: Vec<RankedItem> = per_item
        .into_iter()
        .map(|(item, voices)| {
            let voices: Vec<(Voice, u32)> = voices.into_values().collect();
            let dots = voices.iter().map(|(_, d)| d).sum();
            let shares = percents(&voices.iter().map(|(_, d)| *d).collect::<Vec<_>>());
            RankedItem {
                item,
                rank: 0,
                dots,
                by_voice: voices
                    .into_iter()
                    .zip(shares)
                    .map(|((v, d), s)| (v, d, s))
                    .collect(),
            }
        })
        .collect();
    ranked.sort_by(|a, b| b.dots.cmp(&a.dots).then(a.item.cmp(&b.item)));
    let mut rank = 0;
    let mut previous = None;
    for (i, r) in ranked.iter_mut().enumerate() {
        if previous != Some(r.dots) {
            rank = i as u32 + 1;
            previous = Some(r.dots);
        }
        r.rank = rank;
    }
    ranked
}

/// How far perspectives disagreed on one item: for each perspective that cast dots, the
/// share of its dots that went to the item; the divergence is the widest gap between two
/// perspectives, in percentage points (0 when fewer than two perspectives voted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Divergence {
    pub item: i64,
    pub points: u32,
    /// The perspective that favoured it most and the one that favoured it least.
    pub most: Voice,
    pub least: Voice,
}

/// Items by how much perspectives diverged on them, widest first (ties by item id). Only
/// named perspectives count: "prefer not to say" is not a view to compare.
pub fn divergence(items: &[i64], casts: &[Cast]) -> Vec<Divergence> {
    let mut spent: BTreeMap<usize, (Perspective, u64)> = BTreeMap::new();
    for c in casts {
        if let Some(p) = c.voice {
            spent.entry(voice_order(&c.voice)).or_insert((p, 0)).1 += u64::from(c.dots);
        }
    }
    let voters: Vec<(Perspective, u64)> = spent.into_values().filter(|(_, d)| *d > 0).collect();
    let mut out: Vec<Divergence> = items
        .iter()
        .map(|item| {
            // Per mille of each perspective's dots on this item, to keep integer maths.
            let shares: Vec<(Perspective, u64)> = voters
                .iter()
                .map(|(p, total)| {
                    let on: u64 = casts
                        .iter()
                        .filter(|c| c.item == *item && c.voice == Some(*p))
                        .map(|c| u64::from(c.dots))
                        .sum();
                    (*p, on * 1000 / total)
                })
                .collect();
            let most = shares.iter().max_by(|a, b| {
                a.1.cmp(&b.1)
                    .then(voice_order(&Some(b.0)).cmp(&voice_order(&Some(a.0))))
            });
            let least = shares.iter().min_by(|a, b| {
                a.1.cmp(&b.1)
                    .then(voice_order(&Some(a.0)).cmp(&voice_order(&Some(b.0))))
            });
            match (most, least) {
                (Some(m), Some(l)) if shares.len() >= 2 => Divergence {
                    item: *item,
                    points: ((m.1 - l.1 + 5) / 10) as u32,
                    most: Some(m.0),
                    least: Some(l.0),
                },
                _ => Divergence {
                    item: *item,
                    points: 0,
                    most: None,
                    least: None,
                },
            }
        })
        .collect();
    out.sort_by(|a, b| b.points.cmp(&a.points).then(a.item.cmp(&b.item)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use Perspective::*;
    use proptest::prelude::*;

    fn cast(item: i64, voice: Voice, dots: u32) -> Cast {
        Cast { item, voice, dots }
    }

    #[test]
    fn percents_add_up_to_exactly_one_hundred() {
        assert_eq!(percents(&[1, 1, 1]), vec![34, 33, 33]);
        assert_eq!(percents(&[2, 1]), vec![67, 33]);
        assert_eq!(percents(&[0, 0]), vec![0, 0]);
        assert_eq!(percents(&[5]), vec![100]);
        assert_eq!(percents(&[1, 0, 3]), vec![25, 0, 75]);
    }

    #[test]
    fn items_rank_by_dots_with_shared_ranks_and_ties_by_id() {
        let casts = [
            cast(7, Some(Patient), 3),
            cast(7, Some(Clinician), 1),
            cast(3, Some(Carer), 4),
            cast(9, Some(Patient), 2),
        ];
        let ranked = rank(&[3, 7, 9, 11], &casts);
        let order: Vec<(i64, u32, u32)> = ranked.iter().map(|r| (r.item, r.rank, r.dots)).collect();
        assert_eq!(order, vec![(3, 1, 4), (7, 1, 4), (9, 3, 2), (11, 4, 0)]);
        assert_eq!(
            ranked[1].by_voice,
            vec![(Some(Patient), 3, 75), (Some(Clinician), 1, 25)]
        );
    }

    #[test]
    fn divergence_is_the_widest_gap_between_perspectives_shares() {
        // Patients spend all 4 dots on item 1; clinicians 1 of 4 there and 3 on item 2.
        let casts = [
            cast(1, Some(Patient), 4),
            cast(1, Some(Clinician), 1),
            cast(2, Some(Clinician), 3),
            cast(2, None, 5),
        ];
        let d = divergence(&[1, 2], &casts);
        assert_eq!(d[0].item, 1);
        assert_eq!(d[0].points, 75);
        assert_eq!((d[0].most, d[0].least), (Some(Patient), Some(Clinician)));
        assert_eq!(d[1].points, 75);
        assert_eq!((d[1].most, d[1].least), (Some(Clinician), Some(Patient)));
        // One perspective alone cannot diverge.
        assert_eq!(divergence(&[1], &[cast(1, Some(Carer), 2)])[0].points, 0);
    }

    fn voice() -> impl Strategy<Value = Voice> {
        prop_oneof![
            Just(None),
            (0..Perspective::ALL.len()).prop_map(|i| Some(Perspective::ALL[i]))
        ]
    }

    proptest! {
        /// Every item with dots has shares adding to 100; ranks never rise down the list;
        /// the same casts in any order give the same report.
        #[test]
        fn shares_sum_to_100_and_order_is_deterministic(
            casts in proptest::collection::vec((0i64..6, voice(), 0u32..6), 0..40),
        ) {
            let casts: Vec<Cast> = casts.into_iter().map(|(i, v, d)| cast(i, v, d)).collect();
            let items: Vec<i64> = (0..6).collect();
            let ranked = rank(&items, &casts);
            for r in &ranked {
                let sum: u32 = r.by_voice.iter().map(|(_, _, s)| s).sum();
                prop_assert_eq!(sum, if r.dots > 0 { 100 } else { 0 });
                prop_assert_eq!(r.by_voice.iter().map(|(_, d, _)| d).sum::<u32>(), r.dots);
            }
            for pair in ranked.windows(2) {
                prop_assert!(pair[0].dots >= pair[1].dots);
                prop_assert!(pair[0].rank <= pair[1].rank);
            }
            let mut reversed = casts.clone();
            reversed.reverse();
            prop_assert_eq!(rank(&items, &reversed), ranked);
            prop_assert_eq!(divergence(&items, &reversed), divergence(&items, &casts));
            for d in divergence(&items, &casts) {
                prop_assert!(d.points <= 100);
            }
        }
    }
}
