//! What pages read on every visit and people change rarely, kept in memory between
//! requests: the community's structure (its spaces, conveners and host partners, as the
//! home page shows them).
//!
//! Each app server keeps its own copy. A change to the structure calls
//! [`crate::server::live::Live::structure_changed`], which empties the copy here and, on
//! PostgreSQL, tells every other app server through the live bus; if that bus lost its
//! connection, every copy is emptied too, and no copy is kept longer than [`KEEP`]. A read
//! that raced a change is not kept: each copy notes the generation it was read in.
//!
//! Dashboards' counts are kept too, for a minute each ([`CountsCache`]).
use crate::error::AppError;
use crate::model::community::CommunityOverview;
use chrono::NaiveDate;
use moka::sync::Cache;
use std::any::Any;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// The longest a copy is kept, whatever happens: a safety net, not the way copies go.
pub const KEEP: std::time::Duration = std::time::Duration::from_secs(3600);

/// What is kept. Whatever depends on roles is kept by day: a term starts and ends on a
/// date.
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
pub enum Key {
    /// The home page's overview.
    Overview(NaiveDate),
    /// Every space with where it sits for the rules.
    Spaces,
    /// One space's current role holders and partners.
    SpaceFacts(i64, NaiveDate),
    /// The community's settings (its name, privacy notice).
    Settings,
    /// A page as everyone who is not signed in sees it, by path, made from the keys above
    /// (see `server::page_cache`).
    AnonymousPage(String, NaiveDate),
}

#[derive(Clone)]
pub struct StructureCache {
    generation: Arc<AtomicU64>,
    kept: Cache<Key, Arc<dyn Any + Send + Sync>>,
}

impl Default for StructureCache {
    fn default() -> Self {
        StructureCache {
            generation: Arc::default(),
            kept: Cache::builder()
                .max_capacity(10_000)
                .time_to_live(KEEP)
                .build(),
        }
    }
}

impl StructureCache {
    /// What is kept under `key`, from memory, or loaded by `load` and kept. The service
    /// that loads a key owns its type: asking for one key as two types is a bug.
    pub async fn get<V: Any + Send + Sync>(
        &self,
        key: Key,
        load: impl AsyncFnOnce() -> Result<V, AppError>,
    ) -> Result<Arc<V>, AppError> {
        if let Some(kept) = self.kept(&key) {
            return Ok(kept);
        }
        let generation = self.generation();
        let fresh = Arc::new(load().await?);
        self.keep(key, fresh.clone(), generation);
        Ok(fresh)
    }

    /// What is kept under `key`, if it is.
    pub fn kept<V: Any + Send + Sync>(&self, key: &Key) -> Option<Arc<V>> {
        self.kept.get(key).and_then(|v| v.downcast::<V>().ok())
    }

    /// The generation now: note it before reading what [`StructureCache::keep`] will keep.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Keep `value`, read when the generation was `read_in`, unless something changed
    /// while it was read.
    pub fn keep<V: Any + Send + Sync>(&self, key: Key, value: Arc<V>, read_in: u64) {
        if self.generation() == read_in {
            self.kept.insert(key, value);
        }
    }

    /// The home page's overview as of `today`.
    pub async fn overview(
        &self,
        today: NaiveDate,
        load: impl AsyncFnOnce() -> Result<CommunityOverview, AppError>,
    ) -> Result<Arc<CommunityOverview>, AppError> {
        self.get(Key::Overview(today), load).await
    }

    /// Forget every copy: the structure changed (here or on another app server).
    pub fn forget(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.kept.invalidate_all();
    }
}

/// How long a dashboard's counts are kept once counted.
pub const COUNTS_KEPT: std::time::Duration = std::time::Duration::from_secs(60);

/// A dashboard's counts, kept for [`COUNTS_KEPT`]: counting five years of a community's
/// history takes the database tens of milliseconds to a few hundred, and a run chart of
/// months or weeks reads the same a minute later. The page says when it was counted.
/// Only one request counts a given dashboard at a time; the others wait for its counts.
/// Each app server keeps its own.
#[derive(Clone)]
pub struct CountsCache {
    kept: Option<moka::future::Cache<String, Arc<dyn Any + Send + Sync>>>,
}

impl Default for CountsCache {
    fn default() -> Self {
        CountsCache {
            kept: Some(
                moka::future::Cache::builder()
                    .max_capacity(1_000)
                    .time_to_live(COUNTS_KEPT)
                    .build(),
            ),
        }
    }
}

impl CountsCache {
    /// A cache that keeps nothing: every read counts afresh.
    pub fn none() -> Self {
        CountsCache { kept: None }
    }

    /// The counts kept under `key`, or counted by `load` and kept. The service that
    /// counts a key owns its type.
    pub async fn get<V: Any + Send + Sync>(
        &self,
        key: String,
        load: impl Future<Output = Result<V, AppError>>,
    ) -> Result<Arc<V>, AppError> {
        let Some(kept) = &self.kept else {
            return Ok(Arc::new(load.await?));
        };
        let got = kept
            .try_get_with(key, async {
                load.await
                    .map(|v| Arc::new(v) as Arc<dyn Any + Send + Sync>)
            })
            .await
            .map_err(|e: Arc<AppError>| (*e).clone())?;
        got.downcast::<V>().map_err(|_| AppError::Internal)
    }
}

/// What a request may keep of people and of spaces' activity, checked against the
/// database's count of changes to them (migration `m20261207_000027_change_counter`: the
/// database counts every change to sessions, people, memberships, roles, the audit log,
/// meetings and applications, whoever made it). A request reads the count once; a copy
/// read after the same count was read is as fresh as reading again (the count moves
/// when a change commits, never before it is visible). So a signed-in
/// page needs one small read for who is asking and what its space shows, however many
/// app servers there are, and a change made anywhere is seen by the very next request.
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
pub enum CheckedKey {
    /// Who a session signs in (their person, membership and roles), by the token's digest.
    Visit(String),
    /// A space's members: how many, and their perspectives.
    Members(i64),
    /// A space's latest audit-log entries.
    Activity(i64),
    /// A space's next meetings, as read in a given minute: a meeting leaves the list when
    /// it starts, which changes nothing in the database.
    Meetings(i64, i64),
    /// A region's applications waiting for a decision.
    Applications(i64),
}

/// The copies each app server keeps, each with the change count it was read at.
#[derive(Clone)]
pub struct CheckedCache {
    kept: Cache<CheckedKey, (i64, Arc<dyn Any + Send + Sync>)>,
    /// The highest count read: one lower means the database went back (restored from a
    /// backup while this server ran), and then nothing kept is trusted.
    highest: Arc<std::sync::atomic::AtomicI64>,
    rounds: CountReads,
}

/// One read of the change count, shared by every request that joined it.
type Round = futures::future::Shared<futures::future::BoxFuture<'static, Result<i64, AppError>>>;

/// Requests arriving together share one read of the change count. A read in progress may
/// have started before a request arrived, so a request never joins it: it joins the next
/// round, which starts when the one in progress ends and takes no one who arrives after it
/// started. Every request's count is therefore read after the request arrived — a change
/// committed before it arrived is seen — while a busy server reads the count once per
/// round trip to the database rather than once per request (on SQLite each read is a
/// hand-off to the connection's thread and back, and those wake-ups were most of the
/// kernel's share of a signed-in page). An idle server reads at once, as before.
#[derive(Clone, Default)]
struct CountReads(Arc<std::sync::Mutex<Rounds>>);

#[derive(Default)]
struct Rounds {
    /// The round not yet started, that arriving requests join, by its number.
    open: Option<(u64, Round)>,
    /// The latest round made: the next one starts when it ends.
    last: Option<Round>,
    made: u64,
}

impl CountReads {
    /// The round a request arriving now shares; `read` reads the count if it starts one.
    fn join(
        &self,
        read: impl FnOnce() -> futures::future::BoxFuture<'static, Result<i64, AppError>>
        + Send
        + 'static,
    ) -> Round {
        use futures::FutureExt;
        let mut rounds = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, open)) = &rounds.open {
            return open.clone();
        }
        rounds.made += 1;
        let number = rounds.made;
        let previous = rounds.last.take();
        let all = self.0.clone();
        let round = async move {
            if let Some(previous) = previous {
                let _ = previous.await;
            }
            // Starting: whoever arrives from now on waits for the next round.
            {
                let mut rounds = all.lock().unwrap_or_else(|e| e.into_inner());
                if rounds
                    .open
                    .as_ref()
                    .is_some_and(|(open, _)| *open == number)
                {
                    rounds.open = None;
                }
            }
            read().await
        }
        .boxed()
        .shared();
        rounds.open = Some((number, round.clone()));
        rounds.last = Some(round.clone());
        round
    }
}

/// The database's change count, read now.
async fn change_count(db: &impl sea_orm::ConnectionTrait) -> Result<i64, AppError> {
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT changes FROM change_counter WHERE id = 1",
        ))
        .await?
        .ok_or(AppError::Internal)?;
    Ok(row.try_get_by_index::<i64>(0)?)
}

impl Default for CheckedCache {
    fn default() -> Self {
        CheckedCache {
            kept: Cache::builder()
                .max_capacity(20_000)
                .time_to_idle(std::time::Duration::from_secs(600))
                .build(),
            highest: Arc::default(),
            rounds: CountReads::default(),
        }
    }
}

impl CheckedCache {
    /// A request read `count`. Lower than the highest read, the database went back: forget
    /// everything kept (also when a request that read earlier gets here later, which only
    /// costs reads).
    fn saw(&self, count: i64) {
        if self.highest.fetch_max(count, Ordering::AcqRel) > count {
            self.kept.invalidate_all();
            self.highest.store(count, Ordering::Release);
        }
    }
}

/// The change count one request read, and the copies it may use.
#[derive(Clone)]
pub struct Checked {
    count: Option<i64>,
    cache: CheckedCache,
}

impl Checked {
    /// Read the database's change count after now, sharing the read with the requests
    /// that arrived with this one ([`CountReads`]).
    pub async fn read(
        db: &sea_orm::DatabaseConnection,
        cache: &CheckedCache,
    ) -> Result<Checked, AppError> {
        use futures::FutureExt;
        let db = db.clone();
        let count = cache
            .rounds
            .join(move || async move { change_count(&db).await }.boxed())
            .await?;
        cache.saw(count);
        Ok(Checked {
            count: Some(count),
            cache: cache.clone(),
        })
    }

    /// Keep nothing: every read goes to the database.
    pub fn none() -> Checked {
        Checked {
            count: None,
            cache: CheckedCache {
                kept: Cache::new(0),
                highest: Arc::default(),
                rounds: CountReads::default(),
            },
        }
    }

    /// The copy under `key` if it was read at the same count as this request, else what
    /// `load` reads now (kept for the requests after). The service that loads a key owns
    /// its type.
    pub async fn get<V: Any + Send + Sync>(
        &self,
        key: CheckedKey,
        load: impl AsyncFnOnce() -> Result<V, AppError>,
    ) -> Result<Arc<V>, AppError> {
        let Some(count) = self.count else {
            return Ok(Arc::new(load().await?));
        };
        if let Some((read_at, kept)) = self.cache.kept.get(&key)
            && read_at == count
            && let Ok(kept) = kept.downcast::<V>()
        {
            return Ok(kept);
        }
        // Read after the count was: at least as fresh as the count says.
        let fresh = Arc::new(load().await?);
        self.cache.kept.insert(key, (count, fresh.clone()));
        Ok(fresh)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A read the test lets finish with the count it chooses.
    fn gated(
        started: Arc<std::sync::atomic::AtomicUsize>,
    ) -> (
        tokio::sync::oneshot::Sender<i64>,
        impl FnOnce() -> futures::future::BoxFuture<'static, Result<i64, AppError>> + Send + 'static,
    ) {
        use futures::FutureExt;
        let (tx, rx) = tokio::sync::oneshot::channel();
        (tx, move || {
            async move {
                started.fetch_add(1, Ordering::SeqCst);
                rx.await.map_err(|_| AppError::Internal)
            }
            .boxed()
        })
    }

    async fn until_started(started: &std::sync::atomic::AtomicUsize, reads: usize) {
        while started.load(Ordering::SeqCst) < reads {
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test]
    async fn a_request_never_shares_a_count_read_that_started_before_it_arrived() {
        let reads = CountReads::default();
        let started = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let (first_done, first_read) = gated(started.clone());
        let first = reads.join(first_read);
        // Arriving before the first read starts: shares it.
        let (_, unused) = gated(started.clone());
        assert!(reads.join(unused).ptr_eq(&first));
        let running = tokio::spawn(first.clone());
        until_started(&started, 1).await;
        // The first read is under way: a request arriving now waits for a second read,
        // which starts only once the first has ended, and takes those arriving meanwhile.
        let (second_done, second_read) = gated(started.clone());
        let second = reads.join(second_read);
        assert!(!second.ptr_eq(&first));
        let (_, unused) = gated(started.clone());
        let third = reads.join(unused);
        assert!(third.ptr_eq(&second));
        let waiting = tokio::spawn(second.clone());
        tokio::task::yield_now().await;
        assert_eq!(
            started.load(Ordering::SeqCst),
            1,
            "the second waits for the first"
        );
        first_done.send(7).unwrap();
        assert_eq!(running.await.unwrap(), Ok(7));
        until_started(&started, 2).await;
        second_done.send(8).unwrap();
        assert_eq!(waiting.await.unwrap(), Ok(8));
        assert_eq!(third.await, Ok(8));
        // Idle again: the next request reads at once, in a round of its own.
        let (done, read) = gated(started.clone());
        let fourth = reads.join(read);
        assert!(!fourth.ptr_eq(&second));
        done.send(9).unwrap();
        assert_eq!(fourth.await, Ok(9));
    }

    #[tokio::test]
    async fn requests_arriving_together_share_reads_and_each_sees_what_was_committed_before_it() {
        use sea_orm::ConnectionTrait;
        crate::server::testing::for_each_database(|db| async move {
            let cache = CheckedCache::default();
            let mut asked = 0;
            for k in 0..10 {
                // As the triggers do when another server commits a change.
                db.execute_unprepared(
                    "UPDATE change_counter SET changes = changes + 1 WHERE id = 1",
                )
                .await
                .unwrap();
                let committed = change_count(&db).await.unwrap();
                let requests: Vec<_> = (0..16)
                    .map(|_| {
                        let (db, cache) = (db.clone(), cache.clone());
                        tokio::spawn(async move { Checked::read(&db, &cache).await })
                    })
                    .collect();
                for request in requests {
                    let checked = request.await.unwrap().unwrap();
                    assert_eq!(checked.count, Some(committed), "round {k}");
                    asked += 1;
                }
            }
            let rounds = cache.rounds.0.lock().unwrap().made;
            assert!(rounds < asked, "{rounds} reads for {asked} requests");
        })
        .await;
    }

    #[tokio::test]
    async fn a_read_whose_requests_all_went_away_does_not_hold_up_the_next() {
        let reads = CountReads::default();
        let started = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let (first_done, first_read) = gated(started.clone());
        let first = reads.join(first_read);
        let polled = tokio::spawn(first.clone());
        until_started(&started, 1).await;
        polled.abort();
        drop(first);
        let (second_done, second_read) = gated(started.clone());
        let second = reads.join(second_read);
        first_done.send(1).unwrap();
        second_done.send(2).unwrap();
        // Waiting on the second drives the first to its end.
        assert_eq!(second.await, Ok(2));
    }

    fn overview(name: &str) -> CommunityOverview {
        CommunityOverview {
            name: name.into(),
            national: None,
            regions: vec![],
        }
    }

    #[tokio::test]
    async fn a_copy_is_kept_until_the_structure_changes() {
        let cache = StructureCache::default();
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let first = cache
            .overview(today, async || Ok(overview("first")))
            .await
            .unwrap();
        let again = cache
            .overview(today, async || Ok(overview("second")))
            .await
            .unwrap();
        assert_eq!(
            (first.name.as_str(), again.name.as_str()),
            ("first", "first")
        );
        // Another day reads afresh: terms change by date.
        let tomorrow = today.succ_opt().unwrap();
        let next_day = cache
            .overview(tomorrow, async || Ok(overview("next")))
            .await
            .unwrap();
        assert_eq!(next_day.name, "next");
        cache.forget();
        let after = cache
            .overview(today, async || Ok(overview("changed")))
            .await
            .unwrap();
        assert_eq!(after.name, "changed");
    }

    #[tokio::test]
    async fn a_read_that_raced_a_change_is_not_kept() {
        let cache = StructureCache::default();
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let read = cache
            .overview(today, async || {
                // The structure changes while this read is under way.
                cache.forget();
                Ok(overview("old"))
            })
            .await
            .unwrap();
        assert_eq!(read.name, "old", "the reader still gets what it read");
        let next = cache
            .overview(today, async || Ok(overview("new")))
            .await
            .unwrap();
        assert_eq!(next.name, "new", "but it was not kept");
    }

    #[tokio::test]
    async fn a_failed_read_keeps_nothing() {
        let cache = StructureCache::default();
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        assert!(
            cache
                .overview(today, async || Err(AppError::Internal))
                .await
                .is_err()
        );
        let next = cache
            .overview(today, async || Ok(overview("ok")))
            .await
            .unwrap();
        assert_eq!(next.name, "ok");
    }

    #[tokio::test]
    async fn a_change_on_one_app_server_empties_the_copy_on_another() {
        crate::server::testing::for_each_database(|db| async move {
            let live_a = crate::server::live::Live::start(&db).await.unwrap();
            let (db_b, live_b) = crate::server::testing::second_server(&db, &live_a).await;
            let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
            let on_b = live_b.structure();
            on_b.overview(today, async || Ok(overview("before")))
                .await
                .unwrap();
            live_a.structure_changed(&db).await;
            // On PostgreSQL the word travels through the database: give it a moment.
            let mut seen = String::new();
            for _ in 0..100 {
                seen = on_b
                    .overview(today, async || Ok(overview("after")))
                    .await
                    .unwrap()
                    .name
                    .clone();
                if seen == "after" {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            assert_eq!(
                seen, "after",
                "the other app server read the structure afresh"
            );
            drop(db_b);
        })
        .await;
    }

    #[tokio::test]
    async fn counts_are_kept_under_their_key_and_counted_once_when_asked_at_once() {
        let cache = CountsCache::default();
        let counted = std::sync::atomic::AtomicUsize::new(0);
        let count = |n: i64| {
            let counted = &counted;
            async move {
                counted.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                Ok::<i64, AppError>(n)
            }
        };
        let (a, b) = tokio::join!(
            cache.get("a".into(), count(1)),
            cache.get("a".into(), count(2))
        );
        assert_eq!(
            (*a.unwrap(), *b.unwrap()),
            (1, 1),
            "the second waited for the first"
        );
        assert_eq!(*cache.get("a".into(), count(3)).await.unwrap(), 1);
        assert_eq!(*cache.get("b".into(), count(4)).await.unwrap(), 4);
        assert_eq!(counted.load(Ordering::SeqCst), 2);
        // A failed count keeps nothing; a cache that keeps nothing counts every time.
        assert!(
            cache
                .get::<i64>("c".into(), async { Err(AppError::Internal) })
                .await
                .is_err()
        );
        assert_eq!(*cache.get("c".into(), count(5)).await.unwrap(), 5);
        let none = CountsCache::none();
        assert_eq!(*none.get("a".into(), count(6)).await.unwrap(), 6);
        assert_eq!(*none.get("a".into(), count(7)).await.unwrap(), 7);
    }

    /// Reads `key` through `checked`, counting how often it was read afresh.
    async fn read_through(checked: &Checked, reads: &AtomicU64) -> u64 {
        *checked
            .get(CheckedKey::Activity(1), async || {
                Ok(reads.fetch_add(1, Ordering::SeqCst) + 1)
            })
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn a_copy_is_trusted_while_the_database_counts_no_change_to_what_it_holds() {
        use sea_orm::ConnectionTrait;
        crate::server::testing::for_each_database(|db| async move {
            let cache = CheckedCache::default();
            let reads = AtomicU64::new(0);
            let first = Checked::read(&db, &cache).await.unwrap();
            assert_eq!(read_through(&first, &reads).await, 1);
            let again = Checked::read(&db, &cache).await.unwrap();
            assert_eq!(read_through(&again, &reads).await, 1, "nothing changed");
            // Every counted table, written straight to the database (as another app
            // server, or an administrator with SQL, would): insert, update, delete.
            let now = "CURRENT_TIMESTAMP";
            let statements = [
                format!(
                    "INSERT INTO person (id, name, email, created_at, updated_at) \
                     VALUES (7001, 'Ada', 'ada@example.org', {now}, {now})"
                ),
                "UPDATE person SET name = 'Ada L' WHERE id = 7001".to_owned(),
                format!(
                    "INSERT INTO session (token_hash, person_id, created_at, expires_at) \
                     VALUES ('h', 7001, {now}, {now})"
                ),
                "DELETE FROM session WHERE person_id = 7001".to_owned(),
                "DELETE FROM person WHERE id = 7001".to_owned(),
            ];
            let mut expected = 1;
            for sql in statements {
                db.execute_unprepared(&sql).await.unwrap();
                expected += 1;
                let now = Checked::read(&db, &cache).await.unwrap();
                assert_eq!(read_through(&now, &reads).await, expected, "after {sql}");
                assert_eq!(read_through(&now, &reads).await, expected, "then kept");
            }
            if db.get_database_backend() == sea_orm::DbBackend::Postgres {
                // On PostgreSQL the count moves when the change commits, not before: a
                // request reading meanwhile keeps what it read under the count before.
                use sea_orm::TransactionTrait;
                let txn = db.begin().await.unwrap();
                txn.execute_unprepared(&format!(
                    "INSERT INTO person (id, name, email, created_at, updated_at) \
                     VALUES (7002, 'Bo', 'bo@example.org', {now}, {now})"
                ))
                .await
                .unwrap();
                txn.execute_unprepared(&format!(
                    "INSERT INTO session (token_hash, person_id, created_at, expires_at) \
                     VALUES ('b', 7002, {now}, {now})"
                ))
                .await
                .unwrap();
                let during = Checked::read(&db, &cache).await.unwrap();
                assert_eq!(read_through(&during, &reads).await, expected);
                txn.commit().await.unwrap();
                let after = Checked::read(&db, &cache).await.unwrap();
                assert_eq!(read_through(&after, &reads).await, expected + 1);
                assert_eq!(
                    after.count.unwrap() - during.count.unwrap(),
                    1,
                    "a transaction counts once, however many rows it changed"
                );
            }
        })
        .await;
    }

    #[tokio::test]
    async fn a_database_gone_back_to_an_earlier_count_is_trusted_for_nothing_kept() {
        let cache = CheckedCache::default();
        let reads = AtomicU64::new(0);
        let at = |count| Checked {
            count: Some(count),
            cache: cache.clone(),
        };
        let read = |count: i64| {
            cache.saw(count);
            at(count)
        };
        assert_eq!(read_through(&read(5), &reads).await, 1);
        assert_eq!(read_through(&read(9), &reads).await, 2);
        // Restored from a backup taken at 5: what was read at 5 before is not trusted.
        assert_eq!(read_through(&read(5), &reads).await, 3);
        assert_eq!(read_through(&read(5), &reads).await, 3);
        assert_eq!(read_through(&Checked::none(), &reads).await, 4);
        assert_eq!(read_through(&Checked::none(), &reads).await, 5);
    }
}
