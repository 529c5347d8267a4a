//! The writers' runtime: changes to live workshops (a note, a dot, the facilitator moving
//! on) run on a runtime of their own, apart from the one serving pages and screens.
//!
//! At a national event each change wakes every open screen: thousands of tasks on the
//! serving runtime's queues at once. A write makes about ten database round trips (who is
//! asking, the workshop, the participant, the row, the change number, the commit), and on
//! the serving runtime each one waited its turn behind all those screens, so writes fell
//! behind the rate they came in and every delivery inherited the delay (issue 16, `perf`).
//! Here the write's task is woken on a runtime with nothing else queued, and the operating
//! system shares the cores between it and the serving workers.
use crate::error::AppError;
use std::future::Future;
use std::sync::OnceLock;

/// One thread: writes to one workshop take turns anyway (its row is locked, or on SQLite
/// the database is), and writes to different workshops are each short.
fn runtime() -> &'static tokio::runtime::Runtime {
    static WRITES: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    WRITES.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("qc-writes")
            .enable_all()
            .build()
            .expect("the writers' runtime")
    })
}

/// Run `write` on the writers' runtime and wait for its result. It runs to the end even if
/// the caller stops waiting: a change is stored whole or not at all, never cut off half-way
/// by a client that went away.
pub async fn run<T: Send + 'static>(
    write: impl Future<Output = Result<T, AppError>> + Send + 'static,
) -> Result<T, AppError> {
    runtime().spawn(write).await.map_err(|e| {
        tracing::error!("a write failed: {e}");
        AppError::Internal
    })?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_write_runs_on_the_writers_thread_and_its_answer_comes_back() {
        let answer = run(async { Ok(std::thread::current().name().map(str::to_owned)) }).await;
        assert_eq!(answer, Ok(Some("qc-writes".to_owned())));
        assert_eq!(
            run(async { Err::<(), _>(AppError::Forbidden) }).await,
            Err(AppError::Forbidden)
        );
    }

    #[tokio::test]
    async fn a_write_whose_caller_stops_waiting_still_finishes() {
        let (started_tx, started_rx) = tokio::sync::oneshot::channel();
        let (go_tx, go_rx) = tokio::sync::oneshot::channel::<()>();
        let (done_tx, done_rx) = tokio::sync::oneshot::channel();
        let waiting = tokio::spawn(run(async move {
            let _ = started_tx.send(());
            let _ = go_rx.await;
            let _ = done_tx.send(());
            Ok(())
        }));
        started_rx.await.unwrap();
        // The asker goes away (the phone lost its network) while the write is under way.
        waiting.abort();
        let _ = waiting.await;
        go_tx.send(()).unwrap();
        assert!(
            done_rx.await.is_ok(),
            "the write went on after its caller left"
        );
    }
}
