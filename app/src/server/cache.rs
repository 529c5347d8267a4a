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

#[cfg(test)]
mod tests {
    use super::*;

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
}
