//! A screen's live copy of a workshop: the board, kept current over one server-sent
//! events connection, and an outbox of the participant's changes that waits out a lost
//! connection and sends each once (notes carry a key; dots are set, not added).
use crate::domain::workshop::board::{Applied, Board, Delta};
use crate::domain::workshop::responses::{Rating, ReflectionPrompt};
use crate::domain::workshop::{Ballot, VoteRules};
use crate::error::AppError;
use leptos::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connection {
    Connecting,
    Live,
    Reconnecting,
}

/// A change waiting to reach the server. Kept in the device's storage too, so a note
/// typed offline survives the tab being closed before the network returns: each change
/// as its values in order (`{"Note":["key","text"]}`), which the browser reads with far
/// less code than named fields. (Outboxes kept by earlier versions: `super::legacy`.)
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Pending {
    /// A note: the key that has it stored once however often it is sent, and its text.
    Note(String, String),
    /// The dots on an item (0 takes them all back).
    Dots(i64, u32),
    /// A theme's rating in the open prioritise activity: the theme, its impact and its
    /// effort (both 0: the rating taken back).
    Rating(i64, u8, u8),
    /// The whole answer to the open poll.
    Choice(Vec<i64>),
    /// A reflection: its key, the prompt's code, its text, and whether it is anonymous.
    Reflection(String, String, String, bool),
}

/// A change in the outbox, with its own number on this device: the answer to one send
/// settles that change and no other, even when a later click asks for the same value.
#[derive(
    Debug, Clone, PartialEq, Eq, serde_tuple::Serialize_tuple, serde_tuple::Deserialize_tuple,
)]
pub struct Queued {
    pub id: u64,
    pub change: Pending,
}

/// Where the device keeps a workshop's outbox. (Earlier versions kept it, in another
/// form, under `super::legacy::key`.)
pub fn outbox_key(workshop_id: i64) -> String {
    format!("qc-outbox2-{workshop_id}")
}

/// Show this screen's own changes that wait in the outbox (or are on their way) on a
/// board the server sent: a board read before they were stored would take them back.
pub fn overlay(board: &mut Board, queued: &[Queued]) {
    let Some(a) = board.current_activity().map(|a| a.id) else {
        return;
    };
    for q in queued {
        match &q.change {
            Pending::Dots(item, dots) => {
                let mut ballot = board.my_ballot(a);
                if *dots == 0 {
                    ballot.remove(item);
                } else {
                    ballot.insert(*item, *dots);
                }
                board.set_my_ballot(a, ballot);
            }
            Pending::Rating(theme, impact, effort) => {
                board.set_my_rating(a, *theme, Rating::new(*impact, *effort).ok())
            }
            Pending::Choice(chosen) => board.set_my_choice(a, chosen.clone()),
            Pending::Note(..) | Pending::Reflection(..) => {}
        }
    }
}

#[derive(Clone, Copy)]
pub struct Live {
    pub workshop_id: i64,
    pub board: RwSignal<Board>,
    pub connection: RwSignal<Connection>,
    /// The latest change worth announcing to screen readers.
    pub announcement: RwSignal<String>,
    pub outbox: RwSignal<Vec<Queued>>,
    /// The server answered the last try to send with an error it may get over (busy,
    /// restarting): the outbox waits and tries again, and says so.
    pub stalled: RwSignal<bool>,
    /// The last change the server refused, in words.
    pub error: RwSignal<Option<String>>,
    /// Server clock minus this device's clock, for the countdown.
    pub clock_offset_ms: RwSignal<i64>,
    /// This device's clock, ticking each second while a timer runs.
    pub now_ms: RwSignal<i64>,
    /// What the outbox and the stream keep track of that nothing on screen shows.
    books: StoredValue<Books>,
}

/// A screen's bookkeeping of its outbox and stream: plain values no view reads, kept
/// together (one stored value rather than a signal each, which the browser's code
/// would pay for each).
#[derive(Debug, Clone, Copy, Default)]
struct Books {
    /// Changes are being sent now.
    flushing: bool,
    /// The number of the last change queued on this device.
    last_id: u64,
    /// The number of the latest change that holds this screen's own input, as the server
    /// acknowledged it: a board older than this (read before the change was stored, and
    /// arriving after) must not take the input back.
    own_seq: i64,
    /// This screen's own changes the server stored but its board does not show yet.
    unconfirmed: Unconfirmed,
    /// When the current stream was opened (this device's clock): a board it sends was
    /// read after any change acknowledged before then.
    opened_ms: i64,
    /// The board must be fetched again (a change was refused, so what the screen shows
    /// may not be what the server holds).
    wants_board: bool,
}

/// Whether this screen's own stored changes have reached its board. The server answers a
/// change before its stream tells the board, so for a moment the two differ; if they
/// still differ a few seconds later the stream has gone quiet (a message lost, a
/// connection a proxy keeps open but dead) and the screen fetches the board again, then
/// waits longer before the next try. Plain data: the browser's clock is passed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Unconfirmed {
    waiting: Option<Waiting>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Waiting {
    /// The change number the board must reach, when the server said; otherwise any
    /// change after `board_seq` will do.
    seq: Option<i64>,
    /// The board's number when the first unconfirmed change was acknowledged.
    board_seq: i64,
    /// When the last acknowledgement came or the last fresh board was asked for.
    since_ms: i64,
    /// How long to wait from `since_ms` before asking for the board again.
    wait_ms: i64,
}

impl Unconfirmed {
    /// How long a stored change may take to show before the board is fetched again.
    pub const FIRST_WAIT_MS: i64 = 4_000;
    /// The longest wait between fetches while a change stays unshown.
    pub const MAX_WAIT_MS: i64 = 30_000;

    /// The server stored a change of this screen's (`seq`: the number it reached, if
    /// the answer said) while the board stood at `board_seq`.
    pub fn acknowledged(&mut self, seq: Option<i64>, board_seq: i64, now_ms: i64) {
        let (seq, board_seq) = match self.waiting {
            Some(w) => (w.seq.max(seq), w.board_seq.min(board_seq)),
            None => (seq, board_seq),
        };
        self.waiting = Some(Waiting {
            seq,
            board_seq,
            since_ms: now_ms,
            wait_ms: Self::FIRST_WAIT_MS,
        });
    }

    /// The board reached `board_seq`; `fresh` when it was read after every change
    /// waiting here was acknowledged (a board a new stream sent).
    pub fn seen(&mut self, board_seq: i64, fresh: bool) {
        if let Some(w) = self.waiting {
            let shown = match w.seq {
                Some(seq) => board_seq >= seq,
                None => board_seq > w.board_seq,
            };
            if shown || fresh {
                self.waiting = None;
            }
        }
    }

    /// Whether the board should be fetched again now; if so, the next try waits longer.
    pub fn overdue(&mut self, now_ms: i64) -> bool {
        let Some(w) = self.waiting.as_mut() else {
            return false;
        };
        if now_ms - w.since_ms < w.wait_ms {
            return false;
        }
        w.since_ms = now_ms;
        w.wait_ms = (w.wait_ms * 2).min(Self::MAX_WAIT_MS);
        true
    }

    /// When the oldest unshown change was acknowledged or last chased, if any waits.
    pub fn waiting_since(&self) -> Option<i64> {
        self.waiting.map(|w| w.since_ms)
    }
}

/// An outbox kept in the device's storage.
pub fn stored_outbox(json: &str) -> Option<Vec<Queued>> {
    serde_json::from_str(json).ok()
}

pub fn now_ms() -> i64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now() as i64
    }
    #[cfg(not(feature = "hydrate"))]
    {
        chrono::Utc::now().timestamp_millis()
    }
}

/// A key for a note, unique enough for one participant's notes.
fn client_key() -> String {
    #[cfg(feature = "hydrate")]
    {
        let random = (js_sys::Math::random() * 9_007_199_254_740_991.0) as u64;
        format!("{:x}-{:x}", now_ms(), random)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        format!("{:x}", now_ms())
    }
}

impl Live {
    /// Start from the board the server rendered; in the browser, connect.
    pub fn new(initial: Board) -> Live {
        let offset = initial.server_now_ms - now_ms();
        let live = Live {
            workshop_id: initial.workshop_id,
            board: RwSignal::new(initial),
            connection: RwSignal::new(Connection::Connecting),
            announcement: RwSignal::new(String::new()),
            outbox: RwSignal::new(Vec::new()),
            stalled: RwSignal::new(false),
            error: RwSignal::new(None),
            clock_offset_ms: RwSignal::new(offset),
            now_ms: RwSignal::new(now_ms()),
            books: StoredValue::new(Books::default()),
        };
        #[cfg(feature = "hydrate")]
        browser::start(live);
        live
    }

    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn receive_board(&self, board: Board) {
        self.clock_offset_ms.set(board.server_now_ms - now_ms());
        let mut board = board;
        // A board read before this screen's latest input was stored: keep the input shown.
        if board.seq < self.books.with_value(|k| k.own_seq) {
            self.board.with_untracked(|now| board.keep_mine_from(now));
        }
        // Keep what this device has not had stored yet.
        self.outbox.with_untracked(|o| overlay(&mut board, o));
        self.books.update_value(|k| {
            let fresh = k
                .unconfirmed
                .waiting_since()
                .is_some_and(|since| since <= k.opened_ms);
            k.unconfirmed.seen(board.seq, fresh)
        });
        self.board.set(board);
        self.connection.set(Connection::Live);
    }

    /// The server stored a change this screen made (`seq`: the change number it reached,
    /// when the answer says): watch for it to show, and fetch the board if it does not.
    pub fn acknowledged(&self, seq: Option<i64>) {
        let board_seq = self.board.with_untracked(|b| b.seq);
        self.books
            .update_value(|k| k.unconfirmed.acknowledged(seq, board_seq, now_ms()));
    }

    /// The server refused a change: what this screen shows may not be what it holds, so
    /// fetch the board again.
    pub fn refused(&self, error: &AppError) {
        self.error.set(Some(error.to_string()));
        self.books.update_value(|k| k.wants_board = true);
    }

    /// Apply a change; `false` if the board must be fetched again.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn receive_delta(&self, delta: Delta) -> bool {
        let mut ok = true;
        self.board.update(|b| {
            let note = b.announce(&delta.change);
            match b.apply(&delta) {
                Applied::NeedsResync => ok = false,
                Applied::Changed => {
                    if let Some(n) = note {
                        self.announcement.set(n);
                    }
                }
                Applied::Stale => {}
            }
        });
        let seq = self.board.with_untracked(|b| b.seq);
        self.books.update_value(|k| k.unconfirmed.seen(seq, false));
        ok
    }

    /// Put a change in the outbox (after any it replaces) and send what waits.
    fn queue(&self, replaces: impl Fn(&Pending) -> bool, change: Pending) {
        self.outbox.update(|o| {
            o.retain(|q| !replaces(&q.change));
            self.push(o, change);
        });
        self.flush();
    }

    /// Put a change at the end of the outbox with the next number on this device.
    fn push(&self, outbox: &mut Vec<Queued>, change: Pending) {
        let id = outbox
            .iter()
            .map(|q| q.id)
            .max()
            .unwrap_or(0)
            .max(self.books.with_value(|k| k.last_id))
            + 1;
        self.books.update_value(|k| k.last_id = id);
        outbox.push(Queued { id, change });
    }

    /// Post a note: shown at once as "sending", delivered when the server can be reached.
    pub fn post_note(&self, body: String) {
        let key = client_key();
        self.queue(|_| false, Pending::Note(key, body));
    }

    /// Put dots on an item: the ballot changes on this screen at once when the rules allow.
    pub fn set_dots(&self, activity_id: i64, rules: VoteRules, item: i64, dots: u32) {
        let board = self.board.get_untracked();
        let ballot = board.my_ballot(activity_id);
        match rules.set_dots(&board.stage, &ballot, item, dots) {
            Err(e) => self.error.set(Some(e.to_string())),
            Ok(next) => {
                self.error.set(None);
                self.board.update(|b| b.set_my_ballot(activity_id, next));
                self.queue(
                    |p| matches!(p, Pending::Dots(i, _) if *i == item),
                    Pending::Dots(item, dots),
                );
            }
        }
    }

    /// Rate a theme: shown at once, sent when the server can be reached.
    pub fn rate(&self, activity_id: i64, theme: i64, rating: Option<Rating>) {
        self.board
            .update(|b| b.set_my_rating(activity_id, theme, rating));
        let (impact, effort) = rating.map_or((0, 0), |r| (r.impact, r.effort));
        self.queue(
            |p| matches!(p, Pending::Rating(t, ..) if *t == theme),
            Pending::Rating(theme, impact, effort),
        );
    }

    /// Answer the open poll (the whole answer: none withdraws it).
    pub fn choose(&self, activity_id: i64, chosen: Vec<i64>) {
        self.board
            .update(|b| b.set_my_choice(activity_id, chosen.clone()));
        self.queue(|p| matches!(p, Pending::Choice(_)), Pending::Choice(chosen));
    }

    pub fn reflect(&self, prompt: ReflectionPrompt, body: String, anonymous: bool) {
        let key = client_key();
        self.queue(
            |_| false,
            Pending::Reflection(key, prompt.code().to_owned(), body, anonymous),
        );
    }

    /// Send what waits, in order, until the server cannot be reached.
    pub fn flush(&self) {
        if self.books.with_value(|k| k.flushing) || self.outbox.with_untracked(Vec::is_empty) {
            return;
        }
        self.books.update_value(|k| k.flushing = true);
        let live = *self;
        leptos::task::spawn_local(async move {
            while let Some(next) = live.outbox.with_untracked(|o| o.first().cloned()) {
                let sent = live.send(&next.change).await;
                match sent {
                    // Not stored, but it may be next time (no network, the server busy
                    // or restarting, its database away): it waits and goes again. Every
                    // change here is safe to send twice (notes carry a key; dots and
                    // ratings are set).
                    // The server had a fault of its own: say so, and keep it waiting.
                    Err(e) if e.may_pass() => {
                        live.stalled.set(e == AppError::Internal);
                        break;
                    }
                    Err(e) => {
                        live.stalled.set(false);
                        live.outbox.update(|o| o.retain(|q| q.id != next.id));
                        live.refused(&e);
                    }
                    Ok(seq) => {
                        live.stalled.set(false);
                        live.outbox.update(|o| o.retain(|q| q.id != next.id));
                        live.acknowledged(seq);
                    }
                }
            }
            live.books.update_value(|k| k.flushing = false);
        });
    }

    /// Send one change; the answer is the change number it reached, when the server says.
    /// The later activities' changes are sent by their own code, fetched when first needed
    /// (`super::later`); while it cannot be fetched the change waits, as offline.
    async fn send(&self, pending: &Pending) -> Result<Option<i64>, AppError> {
        use crate::api::workshops::{post_note, set_dots};
        match pending {
            Pending::Note(key, body) => {
                post_note(self.workshop_id, body.clone(), key.clone()).await?;
                Ok(None)
            }
            Pending::Dots(item, dots) => {
                let saved = set_dots(self.workshop_id, *item, *dots).await?;
                self.books
                    .update_value(|k| k.own_seq = k.own_seq.max(saved.seq));
                let (activity, ballot): (i64, Ballot) = saved.value;
                // What the server holds, and over it the clicks that came while this one
                // was on its way (they wait in the outbox).
                self.show_stored(|b| b.set_my_ballot(activity, ballot));
                Ok(Some(saved.seq))
            }
            later => {
                let sending = super::later::send(*self, later.clone());
                #[cfg(feature = "hydrate")]
                let sending = sending.await;
                match sending {
                    Ok(sent) => sent.await,
                    Err(super::later::Unloaded) => Err(AppError::Transport(
                        "the activity's code could not be fetched".into(),
                    )),
                }
            }
        }
    }

    /// Send a change of the later activities (called from their split module).
    pub(super) async fn send_later(&self, pending: Pending) -> Result<Option<i64>, AppError> {
        use crate::api::workshops::{answer_poll, rate_theme, reflect};
        match pending {
            Pending::Rating(theme, impact, effort) => {
                let saved = rate_theme(self.workshop_id, theme, impact, effort).await?;
                self.books
                    .update_value(|k| k.own_seq = k.own_seq.max(saved.seq));
                Ok(Some(saved.seq))
            }
            Pending::Choice(chosen) => {
                let list: Vec<String> = chosen.iter().map(i64::to_string).collect();
                let saved = answer_poll(self.workshop_id, list.join(",")).await?;
                self.books
                    .update_value(|k| k.own_seq = k.own_seq.max(saved.seq));
                let (poll, stored) = saved.value;
                self.show_stored(|b| b.set_my_choice(poll, stored));
                Ok(Some(saved.seq))
            }
            Pending::Reflection(key, prompt, body, anonymous) => {
                reflect(self.workshop_id, prompt, body, anonymous, key).await?;
                Ok(None)
            }
            Pending::Note(..) | Pending::Dots(..) => Box::pin(self.send(&pending)).await,
        }
    }

    /// Show what the server stored for this screen's own input, then what still waits to
    /// be sent over it.
    fn show_stored(&self, stored: impl FnOnce(&mut Board)) {
        self.board.update(|b| {
            stored(b);
            self.outbox.with_untracked(|o| overlay(b, o));
        });
    }

    /// Seconds left on the countdown, if one runs.
    pub fn seconds_left(&self) -> Option<i64> {
        let ends = self.board.with(|b| b.stage.timer_ends_at_ms)?;
        let now = self.now_ms.get() + self.clock_offset_ms.get();
        Some(((ends - now) as f64 / 1000.0).ceil().max(0.0) as i64)
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::{Connection, Live};
    use crate::domain::workshop::board::{Board, Delta};
    use leptos::prelude::*;
    use send_wrapper::SendWrapper;
    use std::time::Duration;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use web_sys::{EventSource, MessageEvent};

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window().and_then(|w| w.local_storage().ok().flatten())
    }

    /// Bring back what waited to be sent when this workshop was last open here, and keep
    /// the outbox in storage from now on.
    fn keep_outbox(live: Live) {
        let key = super::outbox_key(live.workshop_id);
        let saved = storage()
            .and_then(|s| s.get_item(&key).ok().flatten())
            .and_then(|json| super::stored_outbox(&json))
            .unwrap_or_default();
        // After hydration: the server rendered the page without them.
        if !saved.is_empty() {
            Effect::new(move |_| {
                live.outbox.set(saved.clone());
                live.flush();
            });
        }
        Effect::new(move |_| {
            live.outbox.with(|o| store(&key, o));
        });
        restore_kept(live);
    }

    /// Keep `outbox` in the device's storage under `key` (an empty one: the key removed);
    /// whether that worked.
    fn store(key: &str, outbox: &[super::Queued]) -> bool {
        let Some(s) = storage() else { return false };
        if outbox.is_empty() {
            s.remove_item(key).is_ok()
        } else {
            serde_json::to_string(outbox).is_ok_and(|json| s.set_item(key, &json).is_ok())
        }
    }

    /// An outbox an earlier version kept here joins this one, numbered after it. The old
    /// one is removed only once the joined outbox is stored; it stays if its reader cannot
    /// be fetched just now.
    fn restore_kept(live: Live) {
        let old_key = super::super::legacy::key(live.workshop_id);
        let Some(json) = storage().and_then(|s| s.get_item(&old_key).ok().flatten()) else {
            return;
        };
        leptos::task::spawn_local(async move {
            let Ok(kept) = super::super::legacy::read_kept(json).await else {
                return;
            };
            live.outbox.update(|o| {
                for q in kept.unwrap_or_default() {
                    live.push(o, q.change);
                }
            });
            let key = super::outbox_key(live.workshop_id);
            if live.outbox.with_untracked(|o| store(&key, o))
                && let Some(s) = storage()
            {
                let _ = s.remove_item(&old_key);
            }
            live.flush();
        });
    }

    pub fn start(live: Live) {
        keep_outbox(live);
        let current: StoredValue<Option<SendWrapper<EventSource>>> = StoredValue::new(None);
        connect(live, current);
        let tick = set_interval_with_handle(
            move || {
                live.now_ms.set(super::now_ms());
                if live.connection.get_untracked() == Connection::Live {
                    live.flush();
                }
                // A refused change, or a stored one the stream has not shown for a while:
                // start again from a fresh board.
                let refetch = live.books.try_update_value(|k| {
                    let overdue = k.unconfirmed.overdue(super::now_ms());
                    std::mem::take(&mut k.wants_board) || overdue
                });
                if refetch == Some(true) {
                    if let Some(es) = current.try_get_value().flatten() {
                        es.close();
                    }
                }
                // The browser gives up on a stream the server closed: open another.
                let closed = current
                    .try_get_value()
                    .flatten()
                    .is_none_or(|es| es.ready_state() == EventSource::CLOSED);
                let online = web_sys::window().is_none_or(|w| w.navigator().on_line());
                if closed && online {
                    connect(live, current);
                }
            },
            Duration::from_secs(1),
        )
        .ok();
        // The device says it lost the network: the stream is dead whatever the socket
        // thinks, so say so at once; when the network is back, reconnect and send.
        let on_offline = Closure::<dyn FnMut()>::new(move || {
            live.connection.set(Connection::Reconnecting);
            if let Some(es) = current.try_get_value().flatten() {
                es.close();
            }
        });
        let on_online = Closure::<dyn FnMut()>::new(move || {
            if current.try_get_value().is_none() {
                return;
            }
            live.flush();
            if let Some(es) = current.try_get_value().flatten() {
                es.close();
            }
            connect(live, current);
        });
        if let Some(w) = web_sys::window() {
            let _ =
                w.add_event_listener_with_callback("offline", on_offline.as_ref().unchecked_ref());
            let _ =
                w.add_event_listener_with_callback("online", on_online.as_ref().unchecked_ref());
        }
        on_offline.forget();
        on_online.forget();
        on_cleanup(move || {
            if let Some(t) = tick {
                t.clear();
            }
            if let Some(es) = current.try_get_value().flatten() {
                es.close();
            }
        });
    }

    fn connect(live: Live, current: StoredValue<Option<SendWrapper<EventSource>>>) {
        // The screen has gone (the person navigated away): nothing to keep live.
        if current.try_get_value().is_none() {
            return;
        }
        live.books.update_value(|k| k.opened_ms = super::now_ms());
        let Ok(es) = EventSource::new(&format!("/live/workshops/{}", live.workshop_id)) else {
            live.connection.set(Connection::Reconnecting);
            return;
        };
        let on_board = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            if let Some(b) = e
                .data()
                .as_string()
                .and_then(|t| serde_json::from_str::<Board>(&t).ok())
            {
                live.receive_board(b);
                live.flush();
            }
        });
        let _ = es.add_event_listener_with_callback("board", on_board.as_ref().unchecked_ref());
        on_board.forget();
        let on_delta = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let Some(d) = e
                .data()
                .as_string()
                .and_then(|t| serde_json::from_str::<Delta>(&t).ok())
            else {
                return;
            };
            if !live.receive_delta(d) {
                // A change went missing: start again from a fresh board.
                if let Some(es) = current.try_get_value().flatten() {
                    es.close();
                }
                connect(live, current);
            }
        });
        let _ = es.add_event_listener_with_callback("delta", on_delta.as_ref().unchecked_ref());
        on_delta.forget();
        let on_error = Closure::<dyn FnMut()>::new(move || {
            live.connection.set(Connection::Reconnecting);
        });
        es.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_error.forget();
        current.set_value(Some(SendWrapper::new(es)));
    }
}

#[cfg(test)]
mod tests {
    use super::{Pending, Queued, Unconfirmed, overlay, stored_outbox};
    use crate::domain::workshop::board::tests::{board, stage_at};
    use crate::domain::workshop::board::{Activity, Board, VoteTarget};
    use crate::domain::workshop::responses::Rating;
    use crate::domain::workshop::{ActivityKind, Ballot, VoteRules};

    const VOTE: i64 = 30;
    const GETTING_HOME: i64 = 7;
    const MEDICINES: i64 = 8;

    /// A participant's board in dot voting (the third activity), as the server sent it.
    fn voting(mine: &[(i64, u32)]) -> Board {
        let mut b = board();
        b.stage = stage_at(2);
        b.activities = [
            (10, ActivityKind::IdeaCapture),
            (20, ActivityKind::Grouping),
            (VOTE, ActivityKind::DotVote),
        ]
        .into_iter()
        .map(|(id, kind)| Activity {
            id,
            kind,
            prompt: String::new(),
            rules: VoteRules {
                budget: 5,
                cap_per_item: Some(3),
            },
            target: VoteTarget::Themes,
            options: vec![],
            multiple: false,
        })
        .collect();
        b.set_my_ballot(VOTE, mine.iter().copied().collect());
        b
    }

    fn dots(id: u64, item: i64, dots: u32) -> Queued {
        Queued {
            id,
            change: Pending::Dots(item, dots),
        }
    }

    #[test]
    fn a_board_read_between_clicks_keeps_the_clicks_still_on_their_way() {
        // Three quick clicks on Getting home: the first stored, the second on its way and
        // the third waiting behind it, when a board read after the first arrives.
        let mut b = voting(&[(GETTING_HOME, 1)]);
        overlay(
            &mut b,
            &[
                dots(2, GETTING_HOME, 2),
                dots(3, GETTING_HOME, 3),
                dots(4, MEDICINES, 1),
            ],
        );
        assert_eq!(
            b.my_ballot(VOTE),
            Ballot::from([(GETTING_HOME, 3), (MEDICINES, 1)])
        );

        // Taking every dot back from an item while a board is on its way.
        let mut b = voting(&[(GETTING_HOME, 2), (MEDICINES, 1)]);
        overlay(&mut b, &[dots(5, MEDICINES, 0)]);
        assert_eq!(b.my_ballot(VOTE), Ballot::from([(GETTING_HOME, 2)]));
    }

    #[test]
    fn the_answer_to_an_earlier_click_does_not_take_back_a_later_one() {
        // The server stored 1 dot and says so while 2 wait to be sent: the screen shows
        // what is stored with what waits over it (as `Live::show_stored` does).
        let mut b = voting(&[(GETTING_HOME, 2)]);
        b.set_my_ballot(VOTE, Ballot::from([(GETTING_HOME, 1)]));
        overlay(&mut b, &[dots(2, GETTING_HOME, 2)]);
        assert_eq!(b.my_ballot(VOTE), Ballot::from([(GETTING_HOME, 2)]));
    }

    #[test]
    fn ratings_and_poll_answers_waiting_to_be_sent_stay_shown() {
        let mut b = voting(&[]);
        let rated = Queued {
            id: 1,
            change: Pending::Rating(GETTING_HOME, 5, 2),
        };
        let unrated = Queued {
            id: 2,
            change: Pending::Rating(MEDICINES, 0, 0),
        };
        b.set_my_rating(VOTE, MEDICINES, Rating::new(3, 3).ok());
        overlay(&mut b, &[rated, unrated]);
        assert_eq!(b.my_rating(VOTE, GETTING_HOME), Rating::new(5, 2).ok());
        assert_eq!(b.my_rating(VOTE, MEDICINES), None, "a rating taken back");
    }

    #[test]
    fn an_outbox_goes_into_storage_as_values_and_comes_back_whole() {
        let outbox = vec![
            dots(1, GETTING_HOME, 2),
            Queued {
                id: 2,
                change: Pending::Note("k1".into(), "Parking costs too much".into()),
            },
            Queued {
                id: 3,
                change: Pending::Rating(MEDICINES, 4, 1),
            },
            Queued {
                id: 4,
                change: Pending::Choice(vec![3, 1]),
            },
            Queued {
                id: 5,
                change: Pending::Reflection(
                    "k2".into(),
                    "worked".into(),
                    "Hearing from carers".into(),
                    true,
                ),
            },
        ];
        let json = serde_json::to_string(&outbox).unwrap();
        assert_eq!(
            json,
            r#"[[1,{"Dots":[7,2]}],[2,{"Note":["k1","Parking costs too much"]}],[3,{"Rating":[8,4,1]}],[4,{"Choice":[3,1]}],[5,{"Reflection":["k2","worked","Hearing from carers",true]}]]"#
        );
        assert_eq!(stored_outbox(&json), Some(outbox));
        assert_eq!(stored_outbox("not json"), None);
        // An outbox an earlier version kept is not taken for this one: `legacy` reads it.
        assert_eq!(
            stored_outbox(r#"[{"id":1,"change":{"Dots":{"item":7,"dots":2}}}]"#),
            None
        );
    }

    #[test]
    fn a_change_shown_in_time_is_never_chased() {
        let mut u = Unconfirmed::default();
        u.acknowledged(Some(12), 10, 1_000);
        u.seen(11, false);
        assert!(!u.overdue(1_000 + Unconfirmed::FIRST_WAIT_MS - 1));
        u.seen(12, false);
        assert!(!u.overdue(60_000), "shown: nothing waits");
        assert_eq!(u.waiting_since(), None);
    }

    #[test]
    fn a_stored_change_the_stream_never_shows_fetches_the_board_again_and_again_later() {
        let mut u = Unconfirmed::default();
        u.acknowledged(Some(12), 10, 0);
        assert!(!u.overdue(3_999));
        assert!(
            u.overdue(4_000),
            "quiet for the first wait: fetch the board"
        );
        assert!(!u.overdue(4_000 + 7_999), "then waits twice as long");
        assert!(u.overdue(12_000));
        let mut t = 12_000;
        for _ in 0..10 {
            t += Unconfirmed::MAX_WAIT_MS;
            assert!(u.overdue(t), "never waits longer than the most");
        }
        // A fresh board (read after the change was stored) settles it, whatever its number.
        u.seen(11, true);
        assert!(!u.overdue(t + 100_000));
    }

    #[test]
    fn without_a_number_any_later_change_counts_and_later_acknowledgements_add_up() {
        let mut u = Unconfirmed::default();
        u.acknowledged(None, 5, 0);
        u.seen(5, false);
        assert!(u.waiting_since().is_some(), "the board has not moved");
        u.seen(6, false);
        assert!(u.waiting_since().is_none());

        // Two changes in flight: the later number is the one to reach, the earlier board
        // the one to move past, and the clock restarts at the latest answer.
        u.acknowledged(Some(20), 18, 0);
        u.acknowledged(Some(19), 19, 3_000);
        u.seen(19, false);
        assert!(!u.overdue(6_999));
        assert!(u.overdue(7_000));
        u.seen(20, false);
        assert_eq!(u.waiting_since(), None);
    }
}
