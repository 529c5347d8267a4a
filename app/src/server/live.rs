//! The live bus: carries "this changed in workshop 42, change number 17" from the
//! transaction that stored it to every open connection watching that workshop.
//!
//! Two ways to reach the connections, chosen by the database: on SQLite (one app server)
//! an in-process fan-out, with writes that broadcast taken one at a time so changes are
//! told in the order they were numbered; on PostgreSQL, `NOTIFY` inside the storing
//! transaction, so every app server on the database (each `LISTEN`ing) hears each change
//! once it is committed, in commit order. An enum rather than a trait object: there are
//! exactly two, and both share the local fan-out.
use crate::domain::workshop::board::{Change, Delta, Envelope, Fact, Saved};
use crate::error::AppError;
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, Statement};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;

/// The live bus's word for "the community's structure changed" (a workshop's change is a
/// JSON object, so never this).
const STRUCTURE_CHANGED: &str = "structure";

/// The live bus's word for "proposal 42's ballots changed": `proposal:42`.
const PROPOSAL_CHANGED: &str = "proposal:";

/// Messages a slow connection may fall behind by before it is told to fetch the board again.
const BUFFER: usize = 4096;

/// What a watcher receives.
#[derive(Debug, Clone)]
pub enum Signal {
    Change(Arc<Told>),
    /// Messages may have been missed (the database connection was lost): fetch again.
    Resync,
    /// The server is stopping: end the stream (the screen reconnects elsewhere).
    Closing,
    /// Nothing has happened for a while: say so, so proxies keep the connection open.
    KeepAlive,
}

/// How often an open workshop stream hears something, changes or not. One timer for the
/// whole server, not one per screen reset on every change.
const KEEP_ALIVE: std::time::Duration = std::time::Duration::from_secs(15);

/// A server-sent event, framed as it goes on the wire.
pub fn sse_frame(event: &str, json: &str) -> axum::body::Bytes {
    let mut frame = String::with_capacity(event.len() + json.len() + 16);
    frame.push_str("event: ");
    frame.push_str(event);
    frame.push_str("\ndata: ");
    // serde_json writes no raw line breaks, so a board (sent whole to each screen) is
    // copied once; each line of anything else is its own data line.
    if json.contains('\n') {
        frame.push_str(&json.replace('\n', "\ndata: "));
    } else {
        frame.push_str(json);
    }
    frame.push_str("\n\n");
    frame.into()
}

/// A change as it is told to every screen watching its workshop, with what it was encoded
/// as for each distinct way a screen sees it. Most screens see a change alike (a note's
/// author sees it as theirs, the facilitator sees names in an anonymous workshop, everyone
/// else the same), so each way is encoded and framed once however many screens watch, and
/// every screen that sees it alike is handed the same bytes.
#[derive(Debug)]
pub struct Told {
    pub envelope: Envelope,
    encoded: Mutex<Vec<(Change, axum::body::Bytes)>>,
}

impl Told {
    pub fn new(envelope: Envelope) -> Told {
        Told {
            envelope,
            encoded: Mutex::new(Vec::new()),
        }
    }

    /// This change as `change` (one screen's view of it, from
    /// [`Viewpoint::observe`](crate::domain::workshop::board::Viewpoint::observe)), as a
    /// `delta` event on the wire: encoded by the first screen that sees it so, shared by
    /// the rest.
    pub fn encoded(&self, change: Change) -> Result<axum::body::Bytes, AppError> {
        let mut encoded = self.encoded.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, frame)) = encoded.iter().find(|(c, _)| *c == change) {
            return Ok(frame.clone());
        }
        let delta = Delta {
            seq: self.envelope.seq,
            change,
        };
        let json = serde_json::to_string(&delta).map_err(|_| AppError::Internal)?;
        let frame = sse_frame("delta", &json);
        encoded.push((delta.change, frame.clone()));
        Ok(frame)
    }
}

impl std::ops::Deref for Told {
    type Target = Envelope;
    fn deref(&self) -> &Envelope {
        &self.envelope
    }
}

#[derive(Clone)]
pub struct Live {
    inner: Arc<Inner>,
}

struct Inner {
    /// The board each workshop's screens last needed whole, shared between them.
    boards: crate::server::stream::BoardCache,
    /// The community's structure as pages read it, until it changes.
    structure: crate::server::cache::StructureCache,
    /// Dashboards' counts, kept for a minute.
    counts: crate::server::cache::CountsCache,
    /// Who is asking and what spaces show, checked against the database's change count.
    checked: crate::server::cache::CheckedCache,
    /// `qc_live_<schema>`: test schemas on one database must not hear each other.
    channel: String,
    hub: Mutex<HashMap<i64, broadcast::Sender<Signal>>>,
    /// Screens showing a proposal's live tally, by proposal: told only "it changed" (each
    /// reads the tally again as its viewer may see it; no ballot travels on the bus).
    proposals: Mutex<HashMap<i64, broadcast::Sender<()>>>,
    in_process_order: Option<tokio::sync::Mutex<()>>,
    /// Flips to true when the server is asked to stop: every open stream ends.
    closing: tokio::sync::watch::Sender<bool>,
}

impl Live {
    /// A bus for this database; on PostgreSQL it starts listening.
    pub async fn start(db: &DatabaseConnection) -> Result<Live, AppError> {
        let postgres = db.get_database_backend() == DbBackend::Postgres;
        let channel = if postgres {
            let row = db
                .query_one_raw(Statement::from_string(
                    DbBackend::Postgres,
                    "SELECT current_schema() AS schema",
                ))
                .await?
                .ok_or(AppError::Internal)?;
            let schema: String = row.try_get("", "schema")?;
            format!("qc_live_{schema}")
        } else {
            String::new()
        };
        let live = Live {
            inner: Arc::new(Inner {
                boards: Default::default(),
                structure: Default::default(),
                counts: Default::default(),
                checked: Default::default(),
                channel,
                hub: Mutex::new(HashMap::new()),
                proposals: Mutex::new(HashMap::new()),
                in_process_order: (!postgres).then(|| tokio::sync::Mutex::new(())),
                closing: tokio::sync::watch::Sender::new(false),
            }),
        };
        if postgres {
            live.listen(db).await?;
        }
        live.keep_alive();
        Ok(live)
    }

    async fn listen(&self, db: &DatabaseConnection) -> Result<(), AppError> {
        let pool = db.get_postgres_connection_pool().clone();
        let channel = self.inner.channel.clone();
        let mut listener = listener(&pool, &channel).await.map_err(|e| {
            tracing::error!("cannot LISTEN for live changes: {e}");
            AppError::Internal
        })?;
        let live = self.clone();
        tokio::spawn(async move {
            loop {
                match listener.try_recv().await {
                    Ok(Some(n)) if n.payload() == STRUCTURE_CHANGED => {
                        live.inner.structure.forget()
                    }
                    Ok(Some(n)) if n.payload().starts_with(PROPOSAL_CHANGED) => {
                        if let Ok(id) = n.payload()[PROPOSAL_CHANGED.len()..].parse() {
                            live.tell_proposal(id);
                        }
                    }
                    Ok(Some(n)) => match serde_json::from_str::<Envelope>(n.payload()) {
                        Ok(envelope) => live.fan_out(Signal::Change(Arc::new(Told::new(envelope)))),
                        Err(e) => tracing::warn!("unreadable live message: {e}"),
                    },
                    // The connection dropped and was made again at once: anything sent
                    // meanwhile is gone, so every watcher fetches its board again.
                    Ok(None) => live.resync_all(),
                    // The app is shutting down: let the pool close.
                    Err(_) if pool.is_closed() => break,
                    // The database went away (a restart, the network): listen again on a
                    // fresh connection as soon as it is back, then have every watcher
                    // fetch its board — whatever was told meanwhile went nowhere.
                    Err(e) => {
                        tracing::warn!("live listener lost the database: {e}");
                        live.resync_all();
                        listener = loop {
                            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
                            if pool.is_closed() {
                                return;
                            }
                            match self::listener(&pool, &channel).await {
                                Ok(l) => break l,
                                Err(e) => tracing::debug!("live listener still waiting: {e}"),
                            }
                        };
                        tracing::info!("live listener listening again");
                        live.resync_all();
                    }
                }
            }
        });
        Ok(())
    }

    /// Every workshop stream hears something at least every [`KEEP_ALIVE`].
    fn keep_alive(&self) {
        let live = Arc::downgrade(&self.inner);
        tokio::spawn(async move {
            let mut every = tokio::time::interval(KEEP_ALIVE);
            every.tick().await;
            loop {
                every.tick().await;
                let Some(inner) = live.upgrade() else { break };
                let hub = inner.hub.lock().unwrap_or_else(|p| p.into_inner());
                for sender in hub.values() {
                    let _ = sender.send(Signal::KeepAlive);
                }
            }
        });
    }

    /// The server is stopping: end every open stream (each screen reconnects, to another
    /// app server or to this one once it is back). Workshop streams hear it on their own
    /// channel, so a screen waits on one thing, not two.
    pub fn close(&self) {
        self.inner.closing.send_replace(true);
        let hub = self.inner.hub.lock().unwrap_or_else(|p| p.into_inner());
        for sender in hub.values() {
            let _ = sender.send(Signal::Closing);
        }
    }

    /// Whether [`Live::close`] was called.
    pub fn is_closing(&self) -> bool {
        *self.inner.closing.borrow()
    }

    /// Resolves once [`Live::close`] was called.
    pub async fn closed(&self) {
        let mut rx = self.inner.closing.subscribe();
        let _ = rx.wait_for(|closing| *closing).await;
    }

    pub fn boards(&self) -> &crate::server::stream::BoardCache {
        &self.inner.boards
    }

    /// Dashboards' counts, kept for a minute once counted.
    pub fn counts(&self) -> &crate::server::cache::CountsCache {
        &self.inner.counts
    }

    /// What requests keep of people and spaces' activity, checked by the change count.
    pub fn checked(&self) -> &crate::server::cache::CheckedCache {
        &self.inner.checked
    }

    /// The community's structure, kept in memory until it changes.
    pub fn structure(&self) -> &crate::server::cache::StructureCache {
        &self.inner.structure
    }

    /// The community's structure changed (a space, a role, a host partner, a name): forget
    /// this app server's copy, and on PostgreSQL tell the others to forget theirs. Call it
    /// after the change is committed.
    pub async fn structure_changed(&self, db: &DatabaseConnection) {
        self.inner.structure.forget();
        if self.inner.in_process_order.is_none() {
            let told = db
                .execute_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT pg_notify($1, $2)",
                    [self.inner.channel.clone().into(), STRUCTURE_CHANGED.into()],
                ))
                .await;
            if let Err(e) = told {
                // The other app servers' copies go within the hour regardless.
                tracing::warn!("could not tell other app servers the structure changed: {e}");
            }
        }
    }

    /// Watch a proposal's ballots: a message each time they change (on any app server).
    pub fn subscribe_proposal(&self, proposal_id: i64) -> broadcast::Receiver<()> {
        let mut hub = self
            .inner
            .proposals
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        hub.entry(proposal_id)
            .or_insert_with(|| broadcast::channel(16).0)
            .subscribe()
    }

    fn tell_proposal(&self, proposal_id: i64) {
        let mut hub = self
            .inner
            .proposals
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if let Some(sender) = hub.get(&proposal_id)
            && sender.send(()).is_err()
        {
            hub.remove(&proposal_id);
        }
    }

    /// A proposal's ballots, objections or stage changed: tell the screens watching its
    /// tally, here and (on PostgreSQL) on every other app server. Call it once committed.
    pub async fn proposal_changed(&self, db: &DatabaseConnection, proposal_id: i64) {
        if self.inner.in_process_order.is_some() {
            return self.tell_proposal(proposal_id);
        }
        let told = db
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT pg_notify($1, $2)",
                [
                    self.inner.channel.clone().into(),
                    format!("{PROPOSAL_CHANGED}{proposal_id}").into(),
                ],
            ))
            .await;
        if let Err(e) = told {
            tracing::warn!("could not tell the app servers a proposal changed: {e}");
            self.tell_proposal(proposal_id);
        }
    }

    pub fn subscribe(&self, workshop_id: i64) -> broadcast::Receiver<Signal> {
        let mut hub = self.inner.hub.lock().unwrap_or_else(|p| p.into_inner());
        hub.entry(workshop_id)
            .or_insert_with(|| broadcast::channel(BUFFER).0)
            .subscribe()
    }

    /// How many connections watch a workshop on this app server.
    pub fn watchers(&self, workshop_id: i64) -> usize {
        let hub = self.inner.hub.lock().unwrap_or_else(|p| p.into_inner());
        hub.get(&workshop_id).map_or(0, |s| s.receiver_count())
    }

    fn fan_out(&self, signal: Signal) {
        let Signal::Change(envelope) = &signal else {
            return self.resync_all();
        };
        let mut hub = self.inner.hub.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(sender) = hub.get(&envelope.workshop_id)
            && sender.send(signal.clone()).is_err()
        {
            hub.remove(&envelope.workshop_id);
        }
    }

    /// Tell every watcher on this app server to fetch its board again (messages may have
    /// been missed).
    pub(crate) fn resync_all(&self) {
        // Whatever was missed may have changed the structure too.
        self.inner.structure.forget();
        let hub = self.inner.hub.lock().unwrap_or_else(|p| p.into_inner());
        for sender in hub.values() {
            let _ = sender.send(Signal::Resync);
        }
        drop(hub);
        let proposals = self
            .inner
            .proposals
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        for sender in proposals.values() {
            let _ = sender.send(());
        }
    }

    /// Store a change and tell everyone: `write` runs in a transaction and returns its
    /// result and the facts to broadcast; each fact gets the workshop's next number, in the
    /// same transaction, and is told only once committed.
    pub async fn write<T>(
        &self,
        db: &DatabaseConnection,
        workshop_id: i64,
        write: impl AsyncFnOnce(&DatabaseTransaction) -> Result<(T, Vec<Fact>), AppError>,
    ) -> Result<T, AppError> {
        Ok(self.write_numbered(db, workshop_id, write).await?.0)
    }

    /// [`Live::write`] for a change its screen shows at once: `write` gives the value and
    /// the workshop's change number as it read it; the answer carries the number a board
    /// must have reached to hold the value (the last change made, or the one read when
    /// nothing changed), so the screen never lets an older board undo it.
    pub async fn write_saved<T>(
        &self,
        db: &DatabaseConnection,
        workshop_id: i64,
        write: impl AsyncFnOnce(&DatabaseTransaction) -> Result<((T, i64), Vec<Fact>), AppError>,
    ) -> Result<Saved<T>, AppError> {
        let ((value, read), last) = self.write_numbered(db, workshop_id, write).await?;
        Ok(Saved {
            value,
            seq: last.unwrap_or(read),
        })
    }

    /// [`Live::write`], also giving the number of the last change it made (`None` if it
    /// changed nothing).
    async fn write_numbered<T>(
        &self,
        db: &DatabaseConnection,
        workshop_id: i64,
        write: impl AsyncFnOnce(&DatabaseTransaction) -> Result<(T, Vec<Fact>), AppError>,
    ) -> Result<(T, Option<i64>), AppError> {
        let _in_order = match &self.inner.in_process_order {
            Some(lock) => Some(lock.lock().await),
            None => None,
        };
        let txn = crate::server::db::begin_write(db).await?;
        let postgres = self.inner.in_process_order.is_none();
        if postgres {
            // Writers to one workshop take turns for the whole transaction, as on SQLite:
            // a total (say, the dots on an item) read inside one write then counts every
            // change committed before it, so the last told is always right.
            txn.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT id FROM workshop WHERE id = $1 FOR UPDATE",
                [workshop_id.into()],
            ))
            .await?;
        }
        let (result, facts) = write(&txn).await?;
        if facts.is_empty() {
            txn.commit().await?;
            return Ok((result, None));
        }
        let envelopes = number(&txn, workshop_id, facts).await?;
        let last = envelopes.last().map(|e| e.seq);
        if postgres {
            for e in &envelopes {
                let payload = serde_json::to_string(e).map_err(|_| AppError::Internal)?;
                txn.execute_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT pg_notify($1, $2)",
                    [self.inner.channel.clone().into(), payload.into()],
                ))
                .await?;
            }
        }
        txn.commit().await?;
        if !postgres {
            for e in envelopes {
                self.fan_out(Signal::Change(Arc::new(Told::new(e))));
            }
        }
        Ok((result, last))
    }
}

/// A connection of its own, listening on `channel`.
async fn listener(
    pool: &sqlx::PgPool,
    channel: &str,
) -> Result<sqlx::postgres::PgListener, sqlx::Error> {
    let mut listener = sqlx::postgres::PgListener::connect_with(pool).await?;
    listener.listen(channel).await?;
    Ok(listener)
}

/// Give each fact the workshop's next change number. The row update also makes concurrent
/// writers to one workshop wait for each other, so numbers follow commit order.
async fn number(
    txn: &DatabaseTransaction,
    workshop_id: i64,
    facts: Vec<Fact>,
) -> Result<Vec<Envelope>, AppError> {
    let backend = txn.get_database_backend();
    let n = facts.len() as i64;
    let sql = match backend {
        DbBackend::Postgres => "UPDATE workshop SET seq = seq + $1 WHERE id = $2 RETURNING seq",
        _ => "UPDATE workshop SET seq = seq + ? WHERE id = ? RETURNING seq",
    };
    let row = txn
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [n.into(), workshop_id.into()],
        ))
        .await?
        .ok_or_else(|| AppError::NotFound("No such workshop.".into()))?;
    let last: i64 = row.try_get("", "seq")?;
    Ok(facts
        .into_iter()
        .enumerate()
        .map(|(i, fact)| Envelope {
            workshop_id,
            seq: last - n + 1 + i as i64,
            fact,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::workshop::Stage;
    use crate::domain::workshop::board::{NoteFact, Settings, Viewer, Viewpoint};

    fn screen(participant_id: Option<i64>, facilitator: bool) -> Viewpoint {
        Viewpoint {
            viewer: Viewer {
                participant_id,
                facilitator,
            },
            settings: Settings {
                notes_visible: true,
                ..Settings::default()
            },
            stage: Stage {
                agenda: Vec::new(),
                current: Some(0),
                finished: false,
                locked: false,
                revealed: false,
                timer_ends_at_ms: None,
            },
            agenda: vec![1],
        }
    }

    /// A note told to a thousand screens is encoded once for the others, once for its
    /// author (it is theirs) and once for the facilitator — and each screen gets exactly
    /// what encoding its own view would give.
    #[test]
    fn each_way_of_seeing_a_change_is_encoded_once() {
        let told = Told::new(Envelope {
            workshop_id: 7,
            seq: 42,
            fact: Fact::NoteSaved(NoteFact {
                id: 5,
                activity_id: 1,
                participant_id: 100,
                author: "Sam".into(),
                body: "Transport home after 6 pm".into(),
                theme_id: None,
            }),
        });
        let mut screens: Vec<Viewpoint> = (101..1100).map(|p| screen(Some(p), false)).collect();
        screens.push(screen(Some(100), false));
        screens.push(screen(None, true));
        let mut distinct: Vec<axum::body::Bytes> = Vec::new();
        for vp in &mut screens {
            let delta = vp.observe(&told);
            let frame = told.encoded(delta.change.clone()).unwrap();
            let json = serde_json::to_string(&delta).unwrap();
            assert_eq!(frame, format!("event: delta\ndata: {json}\n\n").as_bytes());
            // The same bytes, not a copy.
            if !distinct.iter().any(|d| d.as_ptr() == frame.as_ptr()) {
                distinct.push(frame);
            }
        }
        assert_eq!(distinct.len(), 2, "others and the author: {distinct:?}");
        let mine = |frame: &axum::body::Bytes| {
            let text = String::from_utf8_lossy(frame);
            let data = text.split("data: ").nth(1).unwrap().trim_end();
            matches!(serde_json::from_str::<Delta>(data).unwrap().change, Change::NoteSaved(n) if n.mine)
        };
        assert_eq!(
            distinct.iter().filter(|d| mine(d)).count(),
            1,
            "the author's own"
        );
    }

    #[test]
    fn a_frame_is_one_event_whatever_its_data_holds() {
        assert_eq!(
            sse_frame("board", "{\"a\":1}"),
            "event: board\ndata: {\"a\":1}\n\n".as_bytes()
        );
        assert_eq!(
            sse_frame("note", "two\nlines"),
            "event: note\ndata: two\ndata: lines\n\n".as_bytes()
        );
    }
}
