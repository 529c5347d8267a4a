//! The live board: what a workshop looks like to one viewer, the facts the server
//! broadcasts when something changes, and how each fact is redacted for each viewer
//! (anonymous notes, notes hidden until reveal, results hidden until reveal). Pure, so the
//! server redacts and the browser applies with the same code.
use super::responses::{PollTally, Rating, RatingTally, ReflectionPrompt};
use super::{ActivityKind, Ballot, Stage, VoteRules};
use crate::domain::membership::Perspective;
use serde::{Deserialize, Serialize};
use serde_tuple::{Deserialize_tuple, Serialize_tuple};

/// Longest note, in characters.
pub const NOTE_MAX: usize = 280;
/// Longest theme name, in characters.
pub const THEME_MAX: usize = 80;
/// Longest guest display name, in characters.
pub const DISPLAY_NAME_MAX: usize = 60;

/// The facilitator's choices for the whole workshop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct Settings {
    /// Notes show no names, to anyone.
    pub anonymous: bool,
    /// Participants see each other's notes while capture is open; otherwise only at
    /// reveal or once the agenda has moved on.
    pub notes_visible: bool,
    /// Vote totals show as they change; otherwise only at reveal or once moved on.
    pub results_live: bool,
    /// Participants may create themes and move notes, not only the facilitator.
    pub participants_theme: bool,
    /// Days the join code keeps working after the workshop finished.
    pub code_days: u16,
}

/// How long a join code works after its workshop finished, unless the facilitator says.
pub const DEFAULT_CODE_DAYS: u16 = 7;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            anonymous: false,
            notes_visible: true,
            results_live: false,
            participants_theme: false,
            code_days: DEFAULT_CODE_DAYS,
        }
    }
}

vocabulary! {
    /// What a dot vote is on.
    VoteTarget {
        Themes => "themes", "Themes";
        Notes => "notes", "Notes";
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct Activity {
    pub id: i64,
    pub kind: ActivityKind,
    pub prompt: String,
    pub rules: VoteRules,
    pub target: VoteTarget,
    /// A poll's options, in order; empty for other kinds.
    pub options: Vec<PollOption>,
    /// A poll allows more than one choice.
    pub multiple: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct PollOption {
    pub id: i64,
    pub label: String,
}

/// A reflection answer as one viewer sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct Reflection {
    pub id: i64,
    pub activity_id: i64,
    pub prompt: ReflectionPrompt,
    pub mine: bool,
    /// `None` when given anonymously or the workshop is anonymous.
    pub author: Option<String>,
    pub body: String,
}

/// A reflection answer as the server knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReflectionFact {
    pub id: i64,
    pub activity_id: i64,
    pub participant_id: i64,
    pub author: String,
    pub anonymous: bool,
    pub prompt: ReflectionPrompt,
    pub body: String,
}

/// A note as one viewer sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct Note {
    pub id: i64,
    pub activity_id: i64,
    pub mine: bool,
    /// `None` when the workshop is anonymous.
    pub author: Option<String>,
    pub body: String,
    pub theme_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct Theme {
    pub id: i64,
    pub name: String,
}

/// Dots on one item in one vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct Dots {
    pub activity_id: i64,
    pub item: i64,
    pub total: u32,
}

/// Who is looking. The facilitator sees everything but names in an anonymous workshop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct Viewer {
    pub participant_id: Option<i64>,
    pub facilitator: bool,
}

/// A note as the server knows it: who wrote it stays on the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteFact {
    pub id: i64,
    pub activity_id: i64,
    pub participant_id: i64,
    pub author: String,
    pub body: String,
    pub theme_id: Option<i64>,
}

/// Something that happened in a workshop, stored before it is broadcast.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Fact {
    NoteSaved(NoteFact),
    NoteRemoved {
        id: i64,
    },
    NoteThemed {
        id: i64,
        theme_id: Option<i64>,
    },
    ThemeSaved(Theme),
    ThemeRemoved {
        id: i64,
    },
    DotsChanged(Dots),
    Rated {
        activity_id: i64,
        theme_id: i64,
        before: Option<Rating>,
        after: Option<Rating>,
    },
    Chose {
        activity_id: i64,
        before: Vec<i64>,
        after: Vec<i64>,
    },
    ReflectionSaved(ReflectionFact),
    ReflectionRemoved {
        id: i64,
    },
    Staged(Stage),
    SettingsChanged(Settings),
    AgendaChanged,
    /// The facilitator removed a guest and everything they put on the board.
    ParticipantRemoved,
    Joined {
        perspective: Option<Perspective>,
    },
}

/// A participant's own change as stored, with the number of the workshop's change that
/// holds it: a board older than `seq` arriving later must not take it back on screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Saved<T> {
    pub value: T,
    pub seq: i64,
}

/// A fact with its place in the workshop's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    pub workshop_id: i64,
    pub seq: i64,
    pub fact: Fact,
}

/// What one viewer is told: every sequence number arrives, even when its content is
/// withheld, so a missing number always means a missed message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct Delta {
    pub seq: i64,
    pub change: Change,
}

/// A change as one viewer is told it. Its variants carry values rather than named fields
/// and its structs go as arrays (`serde_tuple`): each named field costs the browser's
/// WASM a map visitor and field-name matching, for every type the stream sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change {
    NoteSaved(Note),
    /// Someone else's note (this id) that this viewer may not read yet.
    NoteHidden(i64),
    /// The note with this id was removed.
    NoteRemoved(i64),
    /// A note (id) moved into a theme (id), or out of every theme.
    NoteThemed(i64, Option<i64>),
    ThemeSaved(Theme),
    /// The theme with this id was removed.
    ThemeRemoved(i64),
    DotsChanged(Dots),
    Rated(Rerated),
    Chose(Rechosen),
    ReflectionSaved(Reflection),
    /// Someone else's reflection (this id) that this viewer may not read yet.
    ReflectionHidden(i64),
    /// The reflection with this id was removed.
    ReflectionRemoved(i64),
    Staged(Stage),
    SettingsChanged(Settings),
    /// Someone joined, taking part with this perspective (`None`: prefer not to say).
    Joined(Option<Perspective>),
    /// Fetch the whole board again (the agenda changed, or what may be seen did).
    Resync,
    /// Nothing this viewer may see.
    Withheld,
}

/// Someone's rating of a theme changed: for the tallies, the old one out and the new in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct Rerated {
    pub activity_id: i64,
    pub theme_id: i64,
    pub before: Option<Rating>,
    pub after: Option<Rating>,
}

/// Someone's answer to a poll changed: for the tallies, the old choices out and the new in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct Rechosen {
    pub activity_id: i64,
    pub before: Vec<i64>,
    pub after: Vec<i64>,
}

/// A viewer's window on a workshop: redacts facts as they stream past, keeping its own copy
/// of the stage and settings that decide what may be seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewpoint {
    pub viewer: Viewer,
    pub settings: Settings,
    pub stage: Stage,
    /// Activity ids in agenda order (the stage indexes into it).
    pub agenda: Vec<i64>,
}

impl Viewpoint {
    pub fn note_visible(&self, activity_id: i64, author: i64) -> bool {
        self.viewer.facilitator
            || self.viewer.participant_id == Some(author)
            || self.settings.notes_visible
            || self.moved_past_or_revealed(activity_id)
    }

    pub fn results_visible(&self, activity_id: i64) -> bool {
        self.viewer.facilitator
            || self.settings.results_live
            || self.moved_past_or_revealed(activity_id)
    }

    fn moved_past_or_revealed(&self, activity_id: i64) -> bool {
        if self.stage.finished {
            return true;
        }
        let Some(current) = self.stage.current else {
            return false;
        };
        match self.agenda.iter().position(|a| *a == activity_id) {
            Some(i) if i < current => true,
            Some(i) if i == current => self.stage.revealed,
            _ => false,
        }
    }

    pub fn note(&self, n: &NoteFact) -> Note {
        Note {
            id: n.id,
            activity_id: n.activity_id,
            mine: self.viewer.participant_id == Some(n.participant_id),
            author: (!self.settings.anonymous).then(|| n.author.clone()),
            body: n.body.clone(),
            theme_id: n.theme_id,
        }
    }

    pub fn reflection(&self, r: &ReflectionFact) -> Reflection {
        Reflection {
            id: r.id,
            activity_id: r.activity_id,
            prompt: r.prompt,
            mine: self.viewer.participant_id == Some(r.participant_id),
            author: (!self.settings.anonymous && !r.anonymous).then(|| r.author.clone()),
            body: r.body.clone(),
        }
    }

    /// What this viewer is told of `envelope`; the stage and settings it carries update
    /// the viewpoint for the facts after it.
    pub fn observe(&mut self, envelope: &Envelope) -> Delta {
        let change = match &envelope.fact {
            Fact::NoteSaved(n) if self.note_visible(n.activity_id, n.participant_id) => {
                Change::NoteSaved(self.note(n))
            }
            Fact::NoteSaved(n) => Change::NoteHidden(n.id),
            Fact::NoteRemoved { id } => Change::NoteRemoved(*id),
            Fact::NoteThemed { id, theme_id } => Change::NoteThemed(*id, *theme_id),
            Fact::ThemeSaved(t) => Change::ThemeSaved(t.clone()),
            Fact::ThemeRemoved { id } => Change::ThemeRemoved(*id),
            Fact::DotsChanged(d) if self.results_visible(d.activity_id) => Change::DotsChanged(*d),
            Fact::DotsChanged(_) => Change::Withheld,
            Fact::Rated {
                activity_id,
                theme_id,
                before,
                after,
            } if self.results_visible(*activity_id) => Change::Rated(Rerated {
                activity_id: *activity_id,
                theme_id: *theme_id,
                before: *before,
                after: *after,
            }),
            Fact::Chose {
                activity_id,
                before,
                after,
            } if self.results_visible(*activity_id) => Change::Chose(Rechosen {
                activity_id: *activity_id,
                before: before.clone(),
                after: after.clone(),
            }),
            Fact::Rated { .. } | Fact::Chose { .. } => Change::Withheld,
            Fact::ReflectionSaved(r) if self.note_visible(r.activity_id, r.participant_id) => {
                Change::ReflectionSaved(self.reflection(r))
            }
            Fact::ReflectionSaved(r) => Change::ReflectionHidden(r.id),
            Fact::ReflectionRemoved { id } => Change::ReflectionRemoved(*id),
            Fact::Staged(stage) => {
                let sees_more = stage.current != self.stage.current
                    || stage.revealed != self.stage.revealed
                    || stage.finished != self.stage.finished;
                self.stage = stage.clone();
                if sees_more {
                    Change::Resync
                } else {
                    Change::Staged(stage.clone())
                }
            }
            Fact::SettingsChanged(s) => {
                self.settings = *s;
                Change::Resync
            }
            Fact::AgendaChanged | Fact::ParticipantRemoved => Change::Resync,
            Fact::Joined { perspective } => Change::Joined(*perspective),
        };
        Delta {
            seq: envelope.seq,
            change,
        }
    }
}

/// How many joined with each perspective (`None`: prefer not to say).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Turnout(pub Vec<(Option<Perspective>, u32)>);

impl Turnout {
    pub fn add(&mut self, perspective: Option<Perspective>) {
        self.add_many(perspective, 1);
    }

    /// Count `count` more with this perspective. The perspectives stay in the order of
    /// [`Perspective::ALL`], "prefer not to say" last: a new one is put in its place rather
    /// than the list sorted (so the browser's WASM carries no sort for it).
    pub fn add_many(&mut self, perspective: Option<Perspective>, count: u32) {
        match self.0.iter_mut().find(|(p, _)| *p == perspective) {
            Some((_, n)) => *n += count,
            None => {
                let place = |p: Option<Perspective>| {
                    p.map_or(usize::MAX, |p| {
                        Perspective::ALL.iter().position(|q| *q == p).unwrap_or(0)
                    })
                };
                let at = self
                    .0
                    .partition_point(|(p, _)| place(*p) < place(perspective));
                self.0.insert(at, (perspective, count));
            }
        }
    }

    pub fn total(&self) -> u32 {
        self.0.iter().map(|(_, n)| n).sum()
    }
}

/// The whole workshop as one viewer sees it at `seq`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct Board {
    pub workshop_id: i64,
    pub seq: i64,
    pub title: String,
    pub join_code: String,
    pub viewer: Viewer,
    pub settings: Settings,
    pub stage: Stage,
    pub activities: Vec<Activity>,
    pub turnout: Turnout,
    pub notes: Vec<Note>,
    /// Ids of notes this viewer may not read yet.
    pub hidden_notes: Vec<i64>,
    pub themes: Vec<Theme>,
    /// Totals this viewer may see.
    pub dots: Vec<Dots>,
    /// The viewer's own dots in each vote: (activity id, ballot).
    pub my_ballots: Vec<(i64, Ballot)>,
    /// Ratings of themes, as far as this viewer may see them.
    pub ratings: Vec<RatingTally>,
    /// The viewer's own ratings: (activity id, theme id, rating).
    pub my_ratings: Vec<(i64, i64, Rating)>,
    /// Poll results this viewer may see.
    pub polls: Vec<PollTally>,
    /// The viewer's own choices in each poll.
    pub my_choices: Vec<(i64, Vec<i64>)>,
    pub reflections: Vec<Reflection>,
    /// Ids of reflections this viewer may not read yet.
    pub hidden_reflections: Vec<i64>,
    /// The server's clock when this board was read, for the countdown.
    pub server_now_ms: i64,
}

/// Something the viewer may now read (a note, a reflection): added or replaced by id, and
/// no longer counted among the hidden.
fn shown<T: Clone + HasId>(items: &mut Vec<T>, hidden: &mut Vec<i64>, item: &T, id: i64) {
    hidden.retain(|h| *h != id);
    match items.iter_mut().find(|x| x.id() == id) {
        Some(x) => *x = item.clone(),
        None => items.push(item.clone()),
    }
}

fn hidden(ids: &mut Vec<i64>, id: i64) {
    if !ids.contains(&id) {
        ids.push(id);
    }
}

trait HasId {
    fn id(&self) -> i64;
}

impl HasId for Note {
    fn id(&self) -> i64 {
        self.id
    }
}

impl HasId for Reflection {
    fn id(&self) -> i64 {
        self.id
    }
}

/// What applying a delta did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    Changed,
    /// Seen already (a repeat after a reconnect): ignored.
    Stale,
    /// A message was missed, or the board must be fetched again.
    NeedsResync,
}

impl Board {
    /// Take this viewer's own input (ballots, ratings, poll choices) from `newer`: for a
    /// board read before the viewer's latest input was stored.
    pub fn keep_mine_from(&mut self, newer: &Board) {
        self.my_ballots = newer.my_ballots.clone();
        self.my_ratings = newer.my_ratings.clone();
        self.my_choices = newer.my_choices.clone();
    }

    pub fn current_activity(&self) -> Option<&Activity> {
        self.stage.current.and_then(|i| self.activities.get(i))
    }

    pub fn my_ballot(&self, activity_id: i64) -> Ballot {
        self.my_ballots
            .iter()
            .find(|(a, _)| *a == activity_id)
            .map(|(_, b)| b.clone())
            .unwrap_or_default()
    }

    pub fn set_my_ballot(&mut self, activity_id: i64, ballot: Ballot) {
        self.my_ballots.retain(|(a, _)| *a != activity_id);
        self.my_ballots.push((activity_id, ballot));
    }

    pub fn my_rating(&self, activity_id: i64, theme_id: i64) -> Option<Rating> {
        self.my_ratings
            .iter()
            .find(|(a, t, _)| *a == activity_id && *t == theme_id)
            .map(|(_, _, r)| *r)
    }

    pub fn set_my_rating(&mut self, activity_id: i64, theme_id: i64, rating: Option<Rating>) {
        self.my_ratings
            .retain(|(a, t, _)| !(*a == activity_id && *t == theme_id));
        if let Some(r) = rating {
            self.my_ratings.push((activity_id, theme_id, r));
        }
    }

    pub fn rating_tally(&self, activity_id: i64, theme_id: i64) -> Option<&RatingTally> {
        self.ratings
            .iter()
            .find(|t| t.activity_id == activity_id && t.theme_id == theme_id)
    }

    pub fn my_choice(&self, activity_id: i64) -> Vec<i64> {
        self.my_choices
            .iter()
            .find(|(a, _)| *a == activity_id)
            .map(|(_, c)| c.clone())
            .unwrap_or_default()
    }

    pub fn set_my_choice(&mut self, activity_id: i64, chosen: Vec<i64>) {
        self.my_choices.retain(|(a, _)| *a != activity_id);
        self.my_choices.push((activity_id, chosen));
    }

    pub fn poll(&self, activity_id: i64) -> Option<&PollTally> {
        self.polls.iter().find(|p| p.activity_id == activity_id)
    }

    pub fn total(&self, activity_id: i64, item: i64) -> Option<u32> {
        self.dots
            .iter()
            .find(|d| d.activity_id == activity_id && d.item == item)
            .map(|d| d.total)
    }

    /// Items of a vote, most dots first (ties by id, as [`super::tally`] ranks).
    pub fn ranked(&self, activity_id: i64) -> Vec<Dots> {
        let mut v: Vec<Dots> = self
            .dots
            .iter()
            .filter(|d| d.activity_id == activity_id && d.total > 0)
            .copied()
            .collect();
        // Items are unique, so the order is total and an unstable sort gives the same.
        v.sort_unstable_by(|a, b| b.total.cmp(&a.total).then(a.item.cmp(&b.item)));
        v
    }

    pub fn apply(&mut self, delta: &Delta) -> Applied {
        if delta.seq <= self.seq {
            return Applied::Stale;
        }
        if delta.seq != self.seq + 1 || delta.change == Change::Resync {
            return Applied::NeedsResync;
        }
        self.seq = delta.seq;
        match &delta.change {
            Change::NoteSaved(note) => {
                shown(&mut self.notes, &mut self.hidden_notes, note, note.id)
            }
            Change::NoteHidden(id) => hidden(&mut self.hidden_notes, *id),
            Change::NoteRemoved(id) => {
                self.notes.retain(|n| n.id != *id);
                self.hidden_notes.retain(|n| n != id);
                let theme_votes: Vec<i64> = self
                    .activities
                    .iter()
                    .filter(|a| a.target == VoteTarget::Themes)
                    .map(|a| a.id)
                    .collect();
                self.dots
                    .retain(|d| d.item != *id || theme_votes.contains(&d.activity_id));
            }
            Change::NoteThemed(id, theme_id) => {
                if let Some(n) = self.notes.iter_mut().find(|n| n.id == *id) {
                    n.theme_id = *theme_id;
                }
            }
            Change::ThemeSaved(theme) => match self.themes.iter_mut().find(|t| t.id == theme.id) {
                Some(t) => *t = theme.clone(),
                None => self.themes.push(theme.clone()),
            },
            Change::ThemeRemoved(id) => {
                self.themes.retain(|t| t.id != *id);
                self.ratings.retain(|t| t.theme_id != *id);
                self.my_ratings.retain(|(_, t, _)| t != id);
                for n in self.notes.iter_mut().filter(|n| n.theme_id == Some(*id)) {
                    n.theme_id = None;
                }
            }
            Change::DotsChanged(d) => {
                match self
                    .dots
                    .iter_mut()
                    .find(|x| x.activity_id == d.activity_id && x.item == d.item)
                {
                    Some(x) => x.total = d.total,
                    None => self.dots.push(*d),
                }
            }
            Change::Rated(Rerated {
                activity_id,
                theme_id,
                before,
                after,
            }) => {
                match self
                    .ratings
                    .iter_mut()
                    .find(|t| t.activity_id == *activity_id && t.theme_id == *theme_id)
                {
                    Some(t) => t.change(*before, *after),
                    None => {
                        let mut t = RatingTally {
                            activity_id: *activity_id,
                            theme_id: *theme_id,
                            ..Default::default()
                        };
                        t.change(*before, *after);
                        self.ratings.push(t);
                    }
                }
            }
            Change::Chose(Rechosen {
                activity_id,
                before,
                after,
            }) => {
                if let Some(p) = self
                    .polls
                    .iter_mut()
                    .find(|p| p.activity_id == *activity_id)
                {
                    p.change(before, after);
                }
            }
            Change::ReflectionSaved(r) => {
                shown(&mut self.reflections, &mut self.hidden_reflections, r, r.id)
            }
            Change::ReflectionHidden(id) => hidden(&mut self.hidden_reflections, *id),
            Change::ReflectionRemoved(id) => {
                self.reflections.retain(|r| r.id != *id);
                self.hidden_reflections.retain(|r| r != id);
            }
            Change::Staged(stage) => self.stage = stage.clone(),
            Change::SettingsChanged(s) => self.settings = *s,
            Change::Joined(perspective) => self.turnout.add(*perspective),
            Change::Resync | Change::Withheld => {}
        }
        Applied::Changed
    }

    /// A short sentence for screen readers about a change, if it is worth announcing.
    pub fn announce(&self, change: &Change) -> Option<String> {
        match change {
            Change::NoteSaved(n) if !n.mine => Some(match &n.author {
                Some(a) => format!("New note from {a}."),
                None => "New note.".to_owned(),
            }),
            Change::ThemeSaved(t) => Some(format!("Theme {}.", t.name)),
            Change::ReflectionSaved(r) if !r.mine => Some("New reflection.".to_owned()),
            Change::Staged(s) if s.locked => Some("Input is locked.".to_owned()),
            Change::Staged(s) if s.timer_ends_at_ms.is_some() => {
                Some("A timer has started.".to_owned())
            }
            _ => None,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::workshop::{ActivityKind::*, Control};

    pub(crate) fn stage_at(current: usize) -> Stage {
        let mut s = Stage::new(vec![IdeaCapture, Grouping, DotVote])
            .apply(Control::Start)
            .unwrap();
        for _ in 0..current {
            s = s.apply(Control::Advance).unwrap();
        }
        s
    }

    fn viewpoint(participant: i64, settings: Settings, stage: Stage) -> Viewpoint {
        Viewpoint {
            viewer: Viewer {
                participant_id: Some(participant),
                facilitator: false,
            },
            settings,
            stage,
            agenda: vec![10, 20, 30],
        }
    }

    fn note(id: i64, by: i64) -> NoteFact {
        NoteFact {
            id,
            activity_id: 10,
            participant_id: by,
            author: format!("Person {by}"),
            body: "Long waits for a call back".into(),
            theme_id: None,
        }
    }

    fn env(seq: i64, fact: Fact) -> Envelope {
        Envelope {
            workshop_id: 1,
            seq,
            fact,
        }
    }

    #[test]
    fn anonymous_notes_carry_no_name_to_anyone() {
        let settings = Settings {
            anonymous: true,
            ..Settings::default()
        };
        let mut facilitator = viewpoint(9, settings, stage_at(0));
        facilitator.viewer.facilitator = true;
        let mut author = viewpoint(1, settings, stage_at(0));
        for vp in [&mut facilitator, &mut author] {
            match vp.observe(&env(1, Fact::NoteSaved(note(5, 1)))).change {
                Change::NoteSaved(n) => assert_eq!(n.author, None),
                other => panic!("expected the note, got {other:?}"),
            }
        }
        let mut named = viewpoint(2, Settings::default(), stage_at(0));
        match named.observe(&env(1, Fact::NoteSaved(note(5, 1)))).change {
            Change::NoteSaved(n) => {
                assert_eq!(n.author.as_deref(), Some("Person 1"));
                assert!(!n.mine);
            }
            other => panic!("expected the note, got {other:?}"),
        }
    }

    #[test]
    fn hidden_notes_show_only_to_their_author_and_facilitator_until_reveal() {
        let settings = Settings {
            notes_visible: false,
            ..Settings::default()
        };
        let mut other = viewpoint(2, settings, stage_at(0));
        let mut author = viewpoint(1, settings, stage_at(0));
        assert_eq!(
            other.observe(&env(1, Fact::NoteSaved(note(5, 1)))).change,
            Change::NoteHidden(5)
        );
        assert!(matches!(
            author.observe(&env(1, Fact::NoteSaved(note(5, 1)))).change,
            Change::NoteSaved(Note { mine: true, .. })
        ));
        let revealed = stage_at(0).apply(Control::Reveal).unwrap();
        assert_eq!(
            other.observe(&env(2, Fact::Staged(revealed))).change,
            Change::Resync
        );
        assert!(other.note_visible(10, 1));
        // Moving on also shows them, and going back hides them again.
        let mut other = viewpoint(2, settings, stage_at(1));
        assert!(other.note_visible(10, 1));
        other.observe(&env(3, Fact::Staged(stage_at(0))));
        assert!(!other.note_visible(10, 1));
    }

    #[test]
    fn vote_totals_are_withheld_until_reveal_unless_live() {
        let d = Dots {
            activity_id: 30,
            item: 7,
            total: 3,
        };
        let mut p = viewpoint(2, Settings::default(), stage_at(2));
        assert_eq!(
            p.observe(&env(1, Fact::DotsChanged(d))).change,
            Change::Withheld
        );
        p.observe(&env(
            2,
            Fact::Staged(stage_at(2).apply(Control::Reveal).unwrap()),
        ));
        assert_eq!(
            p.observe(&env(3, Fact::DotsChanged(d))).change,
            Change::DotsChanged(d)
        );
        let live = Settings {
            results_live: true,
            ..Settings::default()
        };
        let mut p = viewpoint(2, live, stage_at(2));
        assert_eq!(
            p.observe(&env(1, Fact::DotsChanged(d))).change,
            Change::DotsChanged(d)
        );
    }

    pub(crate) fn board() -> Board {
        Board {
            workshop_id: 1,
            seq: 4,
            title: "Waiting times".into(),
            join_code: "ACDEFG".into(),
            viewer: Viewer {
                participant_id: Some(2),
                facilitator: false,
            },
            settings: Settings::default(),
            stage: stage_at(0),
            activities: vec![],
            turnout: Turnout::default(),
            notes: vec![],
            hidden_notes: vec![],
            themes: vec![],
            dots: vec![],
            my_ballots: vec![],
            ratings: vec![],
            my_ratings: vec![],
            polls: vec![],
            my_choices: vec![],
            reflections: vec![],
            hidden_reflections: vec![],
            server_now_ms: 0,
        }
    }

    #[test]
    fn ratings_and_poll_choices_stay_hidden_until_reveal_then_add_up_live() {
        let rated = Fact::Rated {
            activity_id: 30,
            theme_id: 7,
            before: None,
            after: Some(Rating::new(5, 2).unwrap()),
        };
        let chose = Fact::Chose {
            activity_id: 30,
            before: vec![],
            after: vec![41],
        };
        let mut hidden = viewpoint(2, Settings::default(), stage_at(2));
        assert_eq!(
            hidden.observe(&env(1, rated.clone())).change,
            Change::Withheld
        );
        assert_eq!(
            hidden.observe(&env(2, chose.clone())).change,
            Change::Withheld
        );
        let mut revealed = stage_at(2);
        revealed.revealed = true;
        let mut shown = viewpoint(2, Settings::default(), revealed);
        let mut b = board();
        b.polls = vec![PollTally::new(30, &[41, 42])];
        for (seq, fact) in [(5, rated.clone()), (6, chose)] {
            let d = shown.observe(&env(seq, fact));
            assert_eq!(b.apply(&d), Applied::Changed);
        }
        let tally = b.rating_tally(30, 7).unwrap();
        assert_eq!(
            (tally.impact.mean_tenths(), tally.effort.mean_tenths()),
            (Some(50), Some(20))
        );
        assert_eq!(b.poll(30).unwrap().counts, vec![(41, 1), (42, 0)]);
        // Removing the theme removes its ratings.
        b.apply(&Delta {
            seq: 7,
            change: Change::ThemeRemoved(7),
        });
        assert!(b.rating_tally(30, 7).is_none());
    }

    #[test]
    fn reflections_given_anonymously_carry_no_name_and_wait_like_notes() {
        let r = ReflectionFact {
            id: 9,
            activity_id: 10,
            participant_id: 1,
            author: "Ada".into(),
            anonymous: true,
            prompt: ReflectionPrompt::Learned,
            body: "Ask carers first".into(),
        };
        let private = Settings {
            notes_visible: false,
            ..Settings::default()
        };
        let mut other = viewpoint(2, private, stage_at(0));
        assert_eq!(
            other
                .observe(&env(1, Fact::ReflectionSaved(r.clone())))
                .change,
            Change::ReflectionHidden(9)
        );
        let mut author = viewpoint(1, Settings::default(), stage_at(0));
        match author
            .observe(&env(1, Fact::ReflectionSaved(r.clone())))
            .change
        {
            Change::ReflectionSaved(seen) => {
                assert!(seen.mine);
                assert_eq!(seen.author, None);
            }
            c => panic!("expected the reflection, got {c:?}"),
        }
        let named = ReflectionFact {
            anonymous: false,
            ..r
        };
        assert_eq!(author.reflection(&named).author.as_deref(), Some("Ada"));
    }

    #[test]
    fn a_board_applies_deltas_in_order_ignores_repeats_and_asks_again_after_a_gap() {
        let mut b = board();
        let vp = viewpoint(2, Settings::default(), stage_at(0));
        let saved = Delta {
            seq: 5,
            change: Change::NoteSaved(vp.note(&note(5, 1))),
        };
        assert_eq!(b.apply(&saved), Applied::Changed);
        assert_eq!(b.apply(&saved), Applied::Stale);
        assert_eq!(b.notes.len(), 1);
        let themed = Delta {
            seq: 7,
            change: Change::NoteThemed(5, Some(1)),
        };
        assert_eq!(b.apply(&themed), Applied::NeedsResync);
        assert_eq!(b.seq, 5);
        let theme = Delta {
            seq: 6,
            change: Change::ThemeSaved(Theme {
                id: 1,
                name: "Access".into(),
            }),
        };
        assert_eq!(b.apply(&theme), Applied::Changed);
        assert_eq!(b.apply(&themed), Applied::Changed);
        assert_eq!(b.notes[0].theme_id, Some(1));
        let removed = Delta {
            seq: 8,
            change: Change::ThemeRemoved(1),
        };
        b.apply(&removed);
        assert_eq!(b.notes[0].theme_id, None);
        let join = Delta {
            seq: 9,
            change: Change::Joined(Some(Perspective::Carer)),
        };
        b.apply(&join);
        let join2 = Delta {
            seq: 10,
            change: Change::Joined(None),
        };
        b.apply(&join2);
        assert_eq!(b.turnout.total(), 2);
        assert_eq!(b.turnout.0[0], (Some(Perspective::Carer), 1));
    }

    #[test]
    fn turnout_keeps_the_perspectives_in_their_order_with_prefer_not_to_say_last() {
        let mut t = Turnout::default();
        let [first, second, third] = [0, 1, 2].map(|i| Some(Perspective::ALL[i]));
        for p in [None, third, first, None, second, third] {
            t.add(p);
        }
        t.add_many(first, 3);
        assert_eq!(t.0, [(first, 4), (second, 1), (third, 2), (None, 2)]);
        assert_eq!(t.total(), 9);
    }

    #[test]
    fn totals_rank_most_dots_first_with_ties_by_item() {
        let mut b = board();
        for (seq, item, total) in [(5, 3, 2), (6, 1, 2), (7, 2, 4), (8, 4, 0)] {
            b.apply(&Delta {
                seq,
                change: Change::DotsChanged(Dots {
                    activity_id: 30,
                    item,
                    total,
                }),
            });
        }
        let order: Vec<i64> = b.ranked(30).iter().map(|d| d.item).collect();
        assert_eq!(order, vec![2, 1, 3]);
    }

    /// Every object in the JSON is an enum's tag or a map keyed by ids: a struct sent
    /// with its field names would bring their map visitors back into the browser's WASM.
    fn carries_no_field_names(json: &str) {
        fn walk(v: &serde_json::Value, json: &str) {
            match v {
                serde_json::Value::Object(m) => {
                    for (k, v) in m {
                        let tag = k.starts_with(|c: char| c.is_ascii_uppercase());
                        let id = k.parse::<i64>().is_ok();
                        assert!(tag || id, "field name {k:?} in {json}");
                        walk(v, json);
                    }
                }
                serde_json::Value::Array(a) => a.iter().for_each(|v| walk(v, json)),
                _ => {}
            }
        }
        walk(&serde_json::from_str(json).unwrap(), json);
    }

    #[test]
    fn the_board_and_every_change_go_as_arrays_and_come_back_whole() {
        let note = Note {
            id: 5,
            activity_id: 10,
            mine: true,
            author: Some("Ana, a carer".into()),
            body: "Long waits, \"on hold\" for an hour".into(),
            theme_id: Some(1),
        };
        let reflection = super::Reflection {
            id: 9,
            activity_id: 40,
            prompt: ReflectionPrompt::Learned,
            mine: false,
            author: None,
            body: "Ask earlier".into(),
        };
        let mut b = board();
        b.activities = vec![Activity {
            id: 30,
            kind: Poll,
            prompt: "Which first?".into(),
            rules: VoteRules {
                budget: 5,
                cap_per_item: None,
            },
            target: VoteTarget::Notes,
            options: vec![PollOption {
                id: 41,
                label: "Phones".into(),
            }],
            multiple: true,
        }];
        b.turnout.add(Some(Perspective::Carer));
        b.turnout.add(None);
        b.notes = vec![note.clone()];
        b.hidden_notes = vec![6];
        b.themes = vec![Theme {
            id: 1,
            name: "Access".into(),
        }];
        b.dots = vec![Dots {
            activity_id: 30,
            item: 1,
            total: 4,
        }];
        b.my_ballots = vec![(30, [(1, 2)].into_iter().collect())];
        let rating = Rating::new(4, 2).unwrap();
        let mut tally = RatingTally {
            activity_id: 30,
            theme_id: 1,
            ..Default::default()
        };
        tally.change(None, Some(rating));
        b.ratings = vec![tally];
        b.my_ratings = vec![(30, 1, rating)];
        b.polls = vec![PollTally::new(30, &[41])];
        b.my_choices = vec![(30, vec![41])];
        b.reflections = vec![reflection.clone()];
        b.hidden_reflections = vec![10];
        b.stage.timer_ends_at_ms = Some(1_700_000_000_000);
        let json = serde_json::to_string(&b).unwrap();
        carries_no_field_names(&json);
        assert_eq!(serde_json::from_str::<Board>(&json).unwrap(), b);

        let changes = [
            Change::NoteSaved(note),
            Change::NoteHidden(6),
            Change::NoteRemoved(5),
            Change::NoteThemed(5, None),
            Change::ThemeSaved(b.themes[0].clone()),
            Change::ThemeRemoved(1),
            Change::DotsChanged(b.dots[0]),
            Change::Rated(Rerated {
                activity_id: 30,
                theme_id: 1,
                before: Some(rating),
                after: None,
            }),
            Change::Chose(Rechosen {
                activity_id: 30,
                before: vec![],
                after: vec![41],
            }),
            Change::ReflectionSaved(reflection),
            Change::ReflectionHidden(10),
            Change::ReflectionRemoved(9),
            Change::Staged(b.stage.clone()),
            Change::SettingsChanged(Settings::default()),
            Change::Joined(Some(Perspective::Patient)),
            Change::Resync,
            Change::Withheld,
        ];
        for change in changes {
            let delta = Delta { seq: 12, change };
            let json = serde_json::to_string(&delta).unwrap();
            carries_no_field_names(&json);
            assert_eq!(
                serde_json::from_str::<Delta>(&json).unwrap(),
                delta,
                "{json}"
            );
        }
    }
}
