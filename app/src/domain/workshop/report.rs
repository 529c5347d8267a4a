//! The report maths of a workshop, pure: items ranked by dots with ties broken the same
//! way everywhere, each item's dots broken down by perspective as whole-number shares that
//! always add up to 100 %, and where views diverged most between perspectives.
use super::ActivityKind;
use super::board::{Activity, Theme, Turnout, Viewpoint, VoteTarget};
use super::responses::{Histogram, PollTally, Rating, RatingTally, ReflectionPrompt};
use crate::domain::action::{ActionStatus, ActionView};
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

/// Who a workshop's report is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportHeader {
    pub workshop_id: i64,
    pub title: String,
    pub purpose: String,
    pub held_on: chrono::NaiveDate,
    /// The space it was held in: (name, slug).
    pub space: Option<(String, String)>,
    pub facilitator: String,
    pub anonymous: bool,
    pub finished: bool,
}

/// A participant as the report's maths sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    pub id: i64,
    pub name: String,
    pub voice: Voice,
    /// They agreed that readers of the report may see their name.
    pub named: bool,
    /// They joined as a guest, without an account.
    pub guest: bool,
}

/// A note as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteRow {
    pub id: i64,
    pub activity_id: i64,
    pub participant_id: i64,
    pub body: String,
    pub theme_id: Option<i64>,
}

/// Dots one participant put on one item in one vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DotRow {
    pub activity_id: i64,
    pub participant_id: i64,
    pub item: i64,
    pub dots: u32,
}

/// One option one participant chose in one poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoiceRow {
    pub activity_id: i64,
    pub participant_id: i64,
    pub option_id: i64,
}

/// A reflection answer as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReflectionRow {
    pub activity_id: i64,
    pub participant_id: i64,
    pub prompt: ReflectionPrompt,
    pub body: String,
    /// Given without the author's name.
    pub anonymous: bool,
}

/// Ratings as stored (one participant's, `count` 1) or as summed by the database for the
/// report page (no participant: `count` gave that rating): the report needs only the
/// counts, the export every rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingRow {
    pub activity_id: i64,
    pub participant_id: Option<i64>,
    pub theme_id: i64,
    pub rating: Rating,
    pub count: u32,
}

/// Raw input, as stored: the report and the CSV export are both made from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportInput {
    pub header: ReportHeader,
    pub activities: Vec<Activity>,
    pub participants: Vec<Participant>,
    pub themes: Vec<Theme>,
    pub notes: Vec<NoteRow>,
    pub dots: Vec<DotRow>,
    pub ratings: Vec<RatingRow>,
    pub choices: Vec<ChoiceRow>,
    pub reflections: Vec<ReflectionRow>,
    pub actions: Vec<ActionView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThemeLine {
    pub id: i64,
    pub name: String,
    pub notes: u32,
}

/// An item of a dot vote with its label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteLine {
    pub label: String,
    pub ranked: RankedItem,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteReport {
    pub activity_id: i64,
    pub prompt: String,
    pub items: Vec<VoteLine>,
    /// Where perspectives diverged most (only gaps above zero, widest first, at most 3).
    pub divergence: Vec<(String, Divergence)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriorityReport {
    pub activity_id: i64,
    pub prompt: String,
    /// Each rated theme's tally, by mean impact (highest first), then lowest effort.
    pub themes: Vec<(String, RatingTally)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollReport {
    pub activity_id: i64,
    pub prompt: String,
    pub multiple: bool,
    pub respondents: u32,
    pub options: Vec<PollLine>,
}

/// One option of a poll: how many chose it, their percent of respondents, and who chose it
/// by perspective (in perspective order), so a poll too shows whose voices carried it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollLine {
    pub label: String,
    pub count: u32,
    pub percent: u32,
    pub by_voice: Vec<(Voice, u32)>,
}

/// Answers to one question: (author if named, body).
pub type Answers = Vec<(Option<String>, String)>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReflectionReport {
    pub activity_id: i64,
    pub prompt: String,
    /// Answers to each of the three questions: (author if named, body).
    pub answers: Vec<(ReflectionPrompt, Answers)>,
}

/// What a workshop left behind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub header: ReportHeader,
    pub turnout: Turnout,
    /// How many of those who took part joined as guests, without an account.
    pub guests: u32,
    pub themes: Vec<ThemeLine>,
    pub votes: Vec<VoteReport>,
    pub priorities: Vec<PriorityReport>,
    pub polls: Vec<PollReport>,
    pub reflections: Vec<ReflectionReport>,
    pub actions: Vec<ActionView>,
}

impl ReportInput {
    fn voice_of(&self) -> BTreeMap<i64, Voice> {
        self.participants.iter().map(|p| (p.id, p.voice)).collect()
    }

    /// Participants by id, with their place in the order of joining (from 1).
    fn people(&self) -> BTreeMap<i64, (usize, &Participant)> {
        self.participants
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id, (i + 1, p)))
            .collect()
    }

    /// A participant's name as the report may show it: never in an anonymous workshop or
    /// for an answer given anonymously, and otherwise only if they agreed to be named.
    fn name_of<'a>(
        &self,
        people: &BTreeMap<i64, (usize, &'a Participant)>,
        participant_id: i64,
        anonymous_answer: bool,
    ) -> Option<&'a str> {
        if self.header.anonymous || anonymous_answer {
            return None;
        }
        people
            .get(&participant_id)
            .filter(|(_, p)| p.named)
            .map(|(_, p)| p.name.as_str())
    }

    /// Leave out what `viewpoint` may not see yet — hidden notes and reflections, results
    /// not revealed — by the same rules as the live board. A finished workshop hides
    /// nothing; while it runs, only its facilitator sees everything.
    pub fn redact(&mut self, viewpoint: &Viewpoint) {
        self.notes
            .retain(|n| viewpoint.note_visible(n.activity_id, n.participant_id));
        self.reflections
            .retain(|r| viewpoint.note_visible(r.activity_id, r.participant_id));
        self.dots
            .retain(|d| viewpoint.results_visible(d.activity_id));
        self.ratings
            .retain(|r| viewpoint.results_visible(r.activity_id));
        self.choices
            .retain(|c| viewpoint.results_visible(c.activity_id));
    }

    fn item_label(&self, activity: &Activity, item: i64) -> String {
        match activity.target {
            VoteTarget::Themes => self
                .themes
                .iter()
                .find(|t| t.id == item)
                .map(|t| t.name.clone()),
            VoteTarget::Notes => self
                .notes
                .iter()
                .find(|n| n.id == item)
                .map(|n| n.body.clone()),
        }
        .unwrap_or_else(|| format!("(removed #{item})"))
    }

    pub fn report(&self) -> Report {
        let voices = self.voice_of();
        let mut turnout = Turnout::default();
        for p in &self.participants {
            turnout.add(p.voice);
        }
        let themes = self
            .themes
            .iter()
            .map(|t| ThemeLine {
                id: t.id,
                name: t.name.clone(),
                notes: self
                    .notes
                    .iter()
                    .filter(|n| n.theme_id == Some(t.id))
                    .count() as u32,
            })
            .collect();
        let of_kind = |k: ActivityKind| self.activities.iter().filter(move |a| a.kind == k);
        let votes = of_kind(ActivityKind::DotVote)
            .map(|a| {
                let items: Vec<i64> = match a.target {
                    VoteTarget::Themes => self.themes.iter().map(|t| t.id).collect(),
                    VoteTarget::Notes => self.notes.iter().map(|n| n.id).collect(),
                };
                let casts: Vec<Cast> = self
                    .dots
                    .iter()
                    .filter(|d| d.activity_id == a.id)
                    .map(|d| Cast {
                        item: d.item,
                        voice: voices.get(&d.participant_id).copied().flatten(),
                        dots: d.dots,
                    })
                    .collect();
                VoteReport {
                    activity_id: a.id,
                    prompt: a.prompt.clone(),
                    items: rank(&items, &casts)
                        .into_iter()
                        .map(|r| VoteLine {
                            label: self.item_label(a, r.item),
                            ranked: r,
                        })
                        .collect(),
                    divergence: divergence(&items, &casts)
                        .into_iter()
                        .filter(|d| d.points > 0)
                        .take(3)
                        .map(|d| (self.item_label(a, d.item), d))
                        .collect(),
                }
            })
            .collect();
        let priorities = of_kind(ActivityKind::Prioritise)
            .map(|a| {
                let mut tallies: BTreeMap<i64, RatingTally> = BTreeMap::new();
                for r in self.ratings.iter().filter(|r| r.activity_id == a.id) {
                    let t = tallies.entry(r.theme_id).or_insert(RatingTally {
                        activity_id: a.id,
                        theme_id: r.theme_id,
                        ..Default::default()
                    });
                    for _ in 0..r.count {
                        t.change(None, Some(r.rating));
                    }
                }
                let mut themes: Vec<(String, RatingTally)> = tallies
                    .into_values()
                    .map(|t| {
                        let name = self
                            .themes
                            .iter()
                            .find(|x| x.id == t.theme_id)
                            .map(|x| x.name.clone())
                            .unwrap_or_default();
                        (name, t)
                    })
                    .collect();
                themes.sort_by_key(|(_, t)| {
                    (
                        std::cmp::Reverse(t.impact.mean_tenths()),
                        t.effort.mean_tenths(),
                        t.theme_id,
                    )
                });
                PriorityReport {
                    activity_id: a.id,
                    prompt: a.prompt.clone(),
                    themes,
                }
            })
            .collect();
        let polls = of_kind(ActivityKind::Poll)
            .map(|a| {
                let ids: Vec<i64> = a.options.iter().map(|o| o.id).collect();
                let mut tally = PollTally::new(a.id, &ids);
                let mut by_voter: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
                for c in self.choices.iter().filter(|c| c.activity_id == a.id) {
                    by_voter
                        .entry(c.participant_id)
                        .or_default()
                        .push(c.option_id);
                }
                let mut by_voice: BTreeMap<(i64, usize), (Voice, u32)> = BTreeMap::new();
                for (voter, chosen) in &by_voter {
                    tally.change(&[], chosen);
                    let voice = voices.get(voter).copied().flatten();
                    for option in chosen {
                        by_voice
                            .entry((*option, voice_order(&voice)))
                            .or_insert((voice, 0))
                            .1 += 1;
                    }
                }
                PollReport {
                    activity_id: a.id,
                    prompt: a.prompt.clone(),
                    multiple: a.multiple,
                    respondents: tally.respondents,
                    options: tally
                        .percents()
                        .into_iter()
                        .zip(&a.options)
                        .map(|((id, count, percent), o)| PollLine {
                            label: o.label.clone(),
                            count,
                            percent,
                            by_voice: by_voice
                                .range((id, 0)..=(id, usize::MAX))
                                .map(|(_, v)| *v)
                                .collect(),
                        })
                        .collect(),
                }
            })
            .collect();
        let people = self.people();
        let reflections = of_kind(ActivityKind::Reflection)
            .map(|a| ReflectionReport {
                activity_id: a.id,
                prompt: a.prompt.clone(),
                answers: ReflectionPrompt::ALL
                    .iter()
                    .map(|q| {
                        let answers = self
                            .reflections
                            .iter()
                            .filter(|r| r.activity_id == a.id && r.prompt == *q)
                            .map(|r| {
                                let author = self
                                    .name_of(&people, r.participant_id, r.anonymous)
                                    .map(str::to_owned);
                                (author, r.body.clone())
                            })
                            .collect();
                        (*q, answers)
                    })
                    .collect(),
            })
            .collect();
        Report {
            header: self.header.clone(),
            guests: self.participants.iter().filter(|p| p.guest).count() as u32,
            turnout,
            themes,
            votes,
            priorities,
            polls,
            reflections,
            actions: self.actions.clone(),
        }
    }

    /// The raw records for a spreadsheet, one row each: a header row first. In an
    /// anonymous workshop (or for a reflection given anonymously) the participant column
    /// is empty: perspective stays, names never appear. Elsewhere it holds the name of a
    /// participant who agreed to be named, and "Participant N" (by order of joining) for
    /// one who did not, so one person's rows can still be read together.
    pub fn records(&self) -> Vec<[String; 8]> {
        let mut rows = vec![
            [
                "record",
                "activity",
                "participant",
                "perspective",
                "theme",
                "item",
                "value",
                "text",
            ]
            .map(str::to_owned),
        ];
        // Lookups by id, so the export is linear in its rows.
        let people = self.people();
        let steps: BTreeMap<i64, String> = self
            .activities
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id, format!("{} {}", i + 1, a.kind.label())))
            .collect();
        let theme_names: BTreeMap<i64, &str> = self
            .themes
            .iter()
            .map(|t| (t.id, t.name.as_str()))
            .collect();
        let options: BTreeMap<i64, &str> = self
            .activities
            .iter()
            .flat_map(|a| &a.options)
            .map(|o| (o.id, o.label.as_str()))
            .collect();
        let person = |id: i64, anonymous: bool| {
            let found = people.get(&id);
            let name = match (self.name_of(&people, id, anonymous), found) {
                (Some(name), _) => name.to_owned(),
                (None, Some((n, _))) if !(self.header.anonymous || anonymous) => {
                    format!("Participant {n}")
                }
                _ => String::new(),
            };
            let voice = found
                .and_then(|(_, p)| p.voice)
                .map_or("prefer not to say", |v| v.label())
                .to_owned();
            (name, voice)
        };
        let activity = |id: i64| steps.get(&id).cloned().unwrap_or_default();
        let theme = |id: Option<i64>| {
            id.and_then(|id| theme_names.get(&id))
                .map(|t| (*t).to_owned())
                .unwrap_or_default()
        };
        for n in &self.notes {
            let (name, voice) = person(n.participant_id, false);
            rows.push([
                "note".into(),
                activity(n.activity_id),
                name,
                voice,
                theme(n.theme_id),
                String::new(),
                String::new(),
                n.body.clone(),
            ]);
        }
        for d in &self.dots {
            let (name, voice) = person(d.participant_id, false);
            let a = self.activities.iter().find(|a| a.id == d.activity_id);
            let (th, item) = match a.map(|a| a.target) {
                Some(VoteTarget::Themes) => (theme(Some(d.item)), String::new()),
                _ => (
                    String::new(),
                    a.map(|a| self.item_label(a, d.item)).unwrap_or_default(),
                ),
            };
            rows.push([
                "dots".into(),
                activity(d.activity_id),
                name,
                voice,
                th,
                item,
                d.dots.to_string(),
                String::new(),
            ]);
        }
        for r in &self.ratings {
            // Summed ratings belong to the report page, not the export.
            let Some(participant) = r.participant_id else {
                continue;
            };
            let (name, voice) = person(participant, false);
            for (what, value) in [("impact", r.rating.impact), ("effort", r.rating.effort)] {
                rows.push([
                    what.into(),
                    activity(r.activity_id),
                    name.clone(),
                    voice.clone(),
                    theme(Some(r.theme_id)),
                    String::new(),
                    value.to_string(),
                    String::new(),
                ]);
            }
        }
        for c in &self.choices {
            let (name, voice) = person(c.participant_id, false);
            let label = options
                .get(&c.option_id)
                .map(|l| (*l).to_owned())
                .unwrap_or_default();
            rows.push([
                "poll choice".into(),
                activity(c.activity_id),
                name,
                voice,
                String::new(),
                label,
                "1".into(),
                String::new(),
            ]);
        }
        for r in &self.reflections {
            let (name, voice) = person(r.participant_id, r.anonymous);
            rows.push([
                "reflection".into(),
                activity(r.activity_id),
                name,
                voice,
                String::new(),
                r.prompt.label().into(),
                String::new(),
                r.body.clone(),
            ]);
        }
        rows
    }
}

/// A cell a spreadsheet will not run as a formula (OWASP's rule for CSV injection): one
/// starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading apostrophe.
pub fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

/// Someone's words as Markdown text, on one line: what they wrote cannot become a heading,
/// a link, a table cell, emphasis or HTML.
pub fn md_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\r' => {}
            '\n' => out.push(' '),
            // Line breaks are gone, so no user text starts a line: these are what can
            // still turn text into a heading, link, table cell, emphasis or code.
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '&' => out.push_str("&amp;"),
            c => out.push(c),
        }
    }
    out
}

fn voice_label(v: Voice) -> &'static str {
    v.map_or("Prefer not to say", |p| p.label())
}

fn tenths(t: Option<u32>) -> String {
    t.map_or("–".into(), |t| format!("{}.{}", t / 10, t % 10))
}

impl Report {
    /// The report as Markdown, to paste into minutes or a shared document.
    pub fn markdown(&self) -> String {
        use std::fmt::Write;
        let h = &self.header;
        let mut md = String::new();
        let _ = writeln!(md, "# {}\n", md_text(&h.title));
        let _ = write!(md, "Held on {}", h.held_on.format("%-d %B %Y"));
        if let Some((space, _)) = &h.space {
            let _ = write!(md, " in {}", md_text(space));
        }
        let _ = writeln!(md, ", facilitated by {}.\n", md_text(&h.facilitator));
        if !h.purpose.is_empty() {
            let _ = writeln!(md, "**Purpose:** {}\n", md_text(&h.purpose));
        }
        let _ = writeln!(md, "## Who took part\n");
        let _ = write!(md, "{} participants", self.turnout.total());
        match self.guests {
            0 => {}
            1 => md.push_str("; 1 of them joined as a guest"),
            n => {
                let _ = write!(md, "; {n} of them joined as guests");
            }
        }
        let _ = writeln!(md, ":\n");
        for (v, n) in &self.turnout.0 {
            let _ = writeln!(md, "- {}: {n}", voice_label(*v));
        }
        if !self.themes.is_empty() {
            let _ = writeln!(md, "\n## Themes\n");
            for t in &self.themes {
                let _ = writeln!(md, "- {} ({} notes)", md_text(&t.name), t.notes);
            }
        }
        for v in &self.votes {
            let _ = writeln!(md, "\n## Votes: {}\n", md_text(&v.prompt));
            let _ = writeln!(md, "| Rank | Item | Dots | By perspective |");
            let _ = writeln!(md, "|---:|---|---:|---|");
            for l in &v.items {
                let split: Vec<String> = l
                    .ranked
                    .by_voice
                    .iter()
                    .map(|(v, d, pct)| format!("{} {d} ({pct}%)", voice_label(*v)))
                    .collect();
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | {} |",
                    l.ranked.rank,
                    md_text(&l.label),
                    l.ranked.dots,
                    split.join(", ")
                );
            }
            for (label, d) in &v.divergence {
                let _ = writeln!(
                    md,
                    "\nViews diverged on **{}**: {} points between {} and {}.",
                    md_text(label),
                    d.points,
                    voice_label(d.most),
                    voice_label(d.least)
                );
            }
        }
        for p in &self.priorities {
            let _ = writeln!(md, "\n## Priorities: {}\n", md_text(&p.prompt));
            let _ = writeln!(
                md,
                "| Theme | Impact (mean, range) | Effort (mean, range) | Raters | Where it falls |"
            );
            let _ = writeln!(md, "|---|---|---|---:|---|");
            for (name, t) in &p.themes {
                let range =
                    |h: &Histogram| h.range().map_or("–".into(), |(l, u)| format!("{l}–{u}"));
                let _ = writeln!(
                    md,
                    "| {} | {} ({}) | {} ({}) | {} | {} |",
                    md_text(name),
                    tenths(t.impact.mean_tenths()),
                    range(&t.impact),
                    tenths(t.effort.mean_tenths()),
                    range(&t.effort),
                    t.impact.count(),
                    t.quadrant().map_or("", |q| q.label())
                );
            }
        }
        for p in &self.polls {
            let _ = writeln!(md, "\n## Poll: {}\n", p.prompt);
            let _ = writeln!(md, "{} answered.\n", p.respondents);
            for o in &p.options {
                let split: Vec<String> = o
                    .by_voice
                    .iter()
                    .map(|(v, n)| format!("{} {n}", voice_label(*v)))
                    .collect();
                let _ = write!(md, "- {}: {} ({}%)", md_text(&o.label), o.count, o.percent);
                if !split.is_empty() {
                    let _ = write!(md, " — {}", split.join(", "));
                }
                let _ = writeln!(md);
            }
        }
        for r in &self.reflections {
            let _ = writeln!(md, "\n## Reflection: {}\n", md_text(&r.prompt));
            for (q, answers) in &r.answers {
                let _ = writeln!(md, "### {}\n", q.label());
                if answers.is_empty() {
                    let _ = writeln!(md, "No answers.\n");
                }
                for (author, body) in answers {
                    match author {
                        Some(a) => {
                            let _ = writeln!(md, "- {} — {}", md_text(body), md_text(a));
                        }
                        None => {
                            let _ = writeln!(md, "- {}", md_text(body));
                        }
                    }
                }
                let _ = writeln!(md);
            }
        }
        let _ = writeln!(md, "\n## Actions\n");
        if self.actions.is_empty() {
            let _ = writeln!(md, "No actions yet.");
        }
        for a in &self.actions {
            let _ = writeln!(
                md,
                "- [{}] {} — {}, due {}{}",
                if a.status == ActionStatus::Done {
                    "x"
                } else {
                    " "
                },
                md_text(&a.title),
                md_text(&a.owner),
                a.due_on.format("%-d %B %Y"),
                match (a.overdue, a.status) {
                    (true, _) => " (overdue)".to_owned(),
                    (false, ActionStatus::Open) => String::new(),
                    (false, s) => format!(" ({})", s.label().to_lowercase()),
                }
            );
        }
        md
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::workshop::board::{Settings, Viewer};
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

    fn sample(anonymous: bool) -> ReportInput {
        use crate::domain::workshop::VoteRules;
        use crate::domain::workshop::board::PollOption;
        let activity = |id: i64, kind: ActivityKind| Activity {
            id,
            kind,
            prompt: format!("Step {id}"),
            rules: VoteRules {
                budget: 5,
                cap_per_item: None,
            },
            target: VoteTarget::Themes,
            options: if kind == ActivityKind::Poll {
                vec![
                    PollOption {
                        id: 91,
                        label: "Adopt".into(),
                    },
                    PollOption {
                        id: 92,
                        label: "Adapt".into(),
                    },
                ]
            } else {
                vec![]
            },
            multiple: false,
        };
        let person = |id: i64, name: &str, voice: Voice| Participant {
            id,
            name: name.into(),
            voice,
            named: id != 3,
            guest: id == 2,
        };
        ReportInput {
            header: ReportHeader {
                workshop_id: 1,
                title: "Discharge".into(),
                purpose: "Find what matters".into(),
                held_on: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
                space: None,
                facilitator: "Fay".into(),
                anonymous,
                finished: true,
            },
            activities: vec![
                activity(10, ActivityKind::IdeaCapture),
                activity(20, ActivityKind::DotVote),
                activity(30, ActivityKind::Prioritise),
                activity(40, ActivityKind::Poll),
                activity(50, ActivityKind::Reflection),
            ],
            participants: vec![
                person(1, "Ada Byron", Some(Patient)),
                person(2, "Cara Jones", Some(Carer)),
                person(3, "Clive Omar", Some(Clinician)),
            ],
            themes: vec![
                Theme {
                    id: 7,
                    name: "Transport".into(),
                },
                Theme {
                    id: 8,
                    name: "Medicines".into(),
                },
            ],
            notes: vec![NoteRow {
                id: 100,
                activity_id: 10,
                participant_id: 1,
                body: "No bus after six".into(),
                theme_id: Some(7),
            }],
            dots: [(1, 7, 3), (2, 7, 1), (3, 8, 4), (3, 7, 1)]
                .map(|(participant_id, item, dots)| DotRow {
                    activity_id: 20,
                    participant_id,
                    item,
                    dots,
                })
                .to_vec(),
            ratings: [(1, 5, 2), (3, 3, 4)]
                .map(|(p, impact, effort)| RatingRow {
                    activity_id: 30,
                    participant_id: Some(p),
                    theme_id: 7,
                    rating: Rating::new(impact, effort).unwrap(),
                    count: 1,
                })
                .to_vec(),
            choices: [(1, 91), (2, 91), (3, 92)]
                .map(|(participant_id, option_id)| ChoiceRow {
                    activity_id: 40,
                    participant_id,
                    option_id,
                })
                .to_vec(),
            reflections: vec![
                ReflectionRow {
                    activity_id: 50,
                    participant_id: 1,
                    prompt: ReflectionPrompt::Worked,
                    body: "Being heard".into(),
                    anonymous: false,
                },
                ReflectionRow {
                    activity_id: 50,
                    participant_id: 2,
                    prompt: ReflectionPrompt::Learned,
                    body: "Ask early".into(),
                    anonymous: true,
                },
                ReflectionRow {
                    activity_id: 50,
                    participant_id: 3,
                    prompt: ReflectionPrompt::Worked,
                    body: "Seeing the numbers".into(),
                    anonymous: false,
                },
            ],
            actions: vec![],
        }
    }

    #[test]
    fn the_report_breaks_votes_down_by_perspective() {
        let r = sample(false).report();
        assert_eq!(r.turnout.total(), 3);
        let v = &r.votes[0];
        assert_eq!(v.items[0].label, "Transport");
        assert_eq!(v.items[0].ranked.dots, 5);
        assert_eq!(
            v.items[0].ranked.by_voice,
            vec![
                (Some(Patient), 3, 60),
                (Some(Carer), 1, 20),
                (Some(Clinician), 1, 20)
            ]
        );
        // Patients and carers spent everything on transport, the clinician 1 of 5.
        assert_eq!(v.divergence[0].1.points, 80);
        let p = &r.priorities[0].themes[0];
        assert_eq!(
            (p.0.as_str(), p.1.impact.mean_tenths()),
            ("Transport", Some(40))
        );
        let adopt = &r.polls[0].options[0];
        assert_eq!(
            (adopt.label.as_str(), adopt.count, adopt.percent),
            ("Adopt", 2, 67)
        );
        assert_eq!(adopt.by_voice, vec![(Some(Patient), 1), (Some(Carer), 1)]);
        assert_eq!(r.polls[0].options[1].by_voice, vec![(Some(Clinician), 1)]);
        let worked = &r.reflections[0].answers[0];
        assert_eq!(
            worked.1,
            vec![
                (Some("Ada Byron".into()), "Being heard".into()),
                (None, "Seeing the numbers".into())
            ],
            "Clive did not agree to be named"
        );
        let learned = &r.reflections[0].answers[2];
        assert_eq!(
            learned.1,
            vec![(None, "Ask early".into())],
            "given anonymously"
        );
        let md = r.markdown();
        assert!(
            md.contains(
                "| 1 | Transport | 5 | Patient 3 (60%), Carer 1 (20%), Clinician 1 (20%) |"
            )
        );
        assert!(md.contains("- Adopt: 2 (67%) — Patient 1, Carer 1"));
    }

    #[test]
    fn anonymised_records_carry_no_names() {
        let named = sample(false).records();
        assert!(named.iter().any(|row| row[2] == "Ada Byron"));
        // A reflection given anonymously is anonymous even in a named workshop.
        let learned = named.iter().find(|row| row[7] == "Ask early").unwrap();
        assert_eq!(learned[2], "");
        let anonymous = sample(true);
        let rows = anonymous.records();
        assert_eq!(rows.len(), named.len());
        for name in anonymous.participants.iter().map(|p| p.name.as_str()) {
            assert!(
                rows.iter()
                    .all(|row| row.iter().all(|cell| !cell.contains(name))),
                "{name} appears in an anonymous export"
            );
        }
        let report = anonymous.report();
        assert!(!report.markdown().contains("Ada Byron"));
        // Perspectives stay: they are the point of the report.
        assert!(rows.iter().any(|row| row[3] == "Carer"));
        assert_eq!(rows[0][0], "record");
    }

    #[test]
    fn names_show_only_where_the_participant_agreed() {
        let input = sample(false);
        let report = input.report();
        assert_eq!(report.guests, 1);
        let md = report.markdown();
        assert!(md.contains("Ada Byron"), "Ada agreed to be named");
        assert!(!md.contains("Clive Omar"), "Clive did not");
        assert!(md.contains("1 of them joined as a guest"), "{md}");
        let rows = input.records();
        assert!(rows.iter().all(|row| !row[2].contains("Clive")));
        let clive = rows
            .iter()
            .find(|row| row[7] == "Seeing the numbers")
            .unwrap();
        assert_eq!(clive[2], "Participant 3");
        assert!(rows.iter().any(|row| row[2] == "Ada Byron"));
    }

    fn viewpoint(current: Option<usize>, finished: bool, viewer: Viewer) -> Viewpoint {
        use crate::domain::workshop::Stage;
        let mut stage = Stage::new(vec![
            ActivityKind::IdeaCapture,
            ActivityKind::DotVote,
            ActivityKind::Prioritise,
            ActivityKind::Poll,
            ActivityKind::Reflection,
        ]);
        stage.current = current;
        stage.finished = finished;
        Viewpoint {
            viewer,
            settings: Settings {
                notes_visible: false,
                ..Settings::default()
            },
            stage,
            agenda: vec![10, 20, 30, 40, 50],
        }
    }

    #[test]
    fn a_running_workshop_s_report_hides_what_its_board_hides() {
        let cara = Viewer {
            participant_id: Some(2),
            facilitator: false,
        };
        // In idea capture with notes hidden: Cara sees none of Ada's notes, and no results.
        let mut seen = sample(false);
        seen.redact(&viewpoint(Some(0), false, cara));
        assert!(seen.notes.is_empty(), "Ada's note is hidden until reveal");
        assert!(seen.dots.is_empty() && seen.ratings.is_empty() && seen.choices.is_empty());
        // Her own reflection she sees; Ada's and Clive's not yet.
        assert_eq!(seen.reflections.len(), 1);
        assert_eq!(seen.reflections[0].participant_id, 2);
        let report = seen.report();
        assert!(report.votes[0].items.iter().all(|i| i.ranked.dots == 0));
        assert!(!report.markdown().contains("No bus after six"));
        // Moved on to the poll: capture, the dot vote and prioritising are past.
        let mut later = sample(false);
        later.redact(&viewpoint(Some(3), false, cara));
        assert_eq!(later.notes.len(), 1);
        assert_eq!(later.dots.len(), 4);
        assert!(later.choices.is_empty(), "the poll is not revealed yet");
        // The facilitator sees everything; once finished, so does everyone.
        let facilitator = Viewer {
            participant_id: None,
            facilitator: true,
        };
        for (vp, who) in [
            (viewpoint(Some(0), false, facilitator), "facilitator"),
            (viewpoint(Some(4), true, cara), "finished"),
        ] {
            let mut all = sample(false);
            all.redact(&vp);
            assert_eq!(all, sample(false), "{who}");
        }
    }

    #[test]
    fn cells_that_would_run_as_formulas_are_neutralised() {
        for bad in [
            "=HYPERLINK(\"http://x\")",
            "+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            assert!(spreadsheet_safe(bad).starts_with('\''), "{bad:?}");
        }
        assert_eq!(spreadsheet_safe("Transport home"), "Transport home");
        assert_eq!(spreadsheet_safe(""), "");
    }

    #[test]
    fn words_in_the_markdown_cannot_inject_headings_links_or_html() {
        let mut input = sample(false);
        input.header.title = "Ok\n# Pwned".into();
        input.themes[0].name = "[click](http://evil.example) <script>x</script> | cell".into();
        input.reflections[0].body = "line one\n\n## heading".into();
        let md = input.report().markdown();
        assert!(md.starts_with("# Ok \\# Pwned\n"), "{md}");
        assert!(!md.contains("\n# Pwned") && !md.contains("\n## heading"));
        assert!(!md.contains("[click](") && !md.contains("<script>"));
        assert!(md.contains("\\[click\\]") && md.contains("&lt;script>"));
        assert!(md.contains("\\| cell"));
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
