//! Password hashing with argon2id (the `argon2` crate, RustCrypto: maintained, pure Rust,
//! PHC strings so parameters can be raised later without breaking old hashes).
use crate::error::AppError;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

fn hash_blocking(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| {
            tracing::error!(error = %e, "password hashing failed");
            AppError::Internal
        })
}

fn verify_blocking(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Hashes computed at once, at most. Each takes argon2's 19 MiB: a flood of sign-ins
/// queues here instead of exhausting the server's memory.
pub const MAX_CONCURRENT_HASHES: usize = 4;

static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(MAX_CONCURRENT_HASHES);

/// The most hashes seen running at once (for the test that proves the bound).
#[cfg(test)]
static PEAK: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Run one argon2 computation off the async runtime, waiting for a turn.
async fn hashing<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let _turn = HASHING.acquire().await.map_err(|_| AppError::Internal)?;
    #[cfg(test)]
    PEAK.fetch_max(
        MAX_CONCURRENT_HASHES - HASHING.available_permits(),
        std::sync::atomic::Ordering::SeqCst,
    );
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| AppError::Internal)
}

/// Hash off the async runtime: argon2 is deliberately slow.
pub async fn hash(password: String) -> Result<String, AppError> {
    hashing(move || hash_blocking(&password)).await?
}

/// Verify against a stored hash; with no hash, spend the same time and say no,
/// so that response times do not tell which e-mail addresses have accounts.
pub async fn verify(password: String, phc: Option<String>) -> Result<bool, AppError> {
    hashing(move || match phc {
        Some(phc) => verify_blocking(&password, &phc),
        None => {
            let _ = hash_blocking(&password);
            false
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_flood_of_hashes_queues_instead_of_running_all_at_once() {
        let flood = (0..16).map(|i| tokio::spawn(hash(format!("password number {i}"))));
        for h in futures::future::join_all(flood).await {
            assert!(h.unwrap().unwrap().starts_with("$argon2id$"));
        }
        let peak = PEAK.load(std::sync::atomic::Ordering::SeqCst);
        assert!(
            (1..=MAX_CONCURRENT_HASHES).contains(&peak),
            "{peak} at once"
        );
    }

    #[tokio::test]
    async fn hashes_are_argon2id_and_verify() {
        let phc = hash("correct horse battery".into()).await.unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(
            verify("correct horse battery".into(), Some(phc.clone()))
                .await
                .unwrap()
        );
        assert!(
            !verify("wrong horse battery".into(), Some(phc))
                .await
                .unwrap()
        );
        assert!(!verify("anything".into(), None).await.unwrap());
        assert!(
            !verify("anything".into(), Some("not a hash".into()))
                .await
                .unwrap()
        );
    }
}
