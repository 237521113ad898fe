//! CPU-bound work (parsing schemas, compatibility checks, large validations) off the async
//! threads: on tokio's blocking pool, at most a few jobs at once per pool, so a slow check
//! cannot stall health checks and cached reads, and a burst of them queues here instead of
//! piling up threads. A job that cannot start within the wait is refused
//! ([`ServiceError::Busy`]). The registry keeps two pools: short jobs, and checks.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::Semaphore;

use super::ServiceError;

/// The bounded pool.
#[derive(Debug, Clone)]
pub struct CpuPool {
    permits: Arc<Semaphore>,
    wait: Duration,
}

impl CpuPool {
    /// `jobs` at once (at least one); a job waits at most `wait` for its turn.
    pub fn new(jobs: usize, wait: Duration) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(jobs.max(1))),
            wait,
        }
    }

    /// One job per core but one (at least one): a core is always left for the async threads,
    /// so health checks and cached reads answer while checks run.
    pub fn per_core(wait: Duration) -> Self {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        Self::new(cores.saturating_sub(1), wait)
    }

    /// Runs `job` on the blocking pool when a permit is free. The permit goes with the job, so
    /// a job whose caller gave up still counts until it ends.
    pub async fn run<T, F>(&self, job: F) -> Result<T, ServiceError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let permit = tokio::time::timeout(self.wait, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| {
                metrics::counter!("registry_cpu_jobs_refused_total").increment(1);
                ServiceError::Busy
            })?
            .map_err(|_| ServiceError::Internal("CPU pool closed".into()))?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            job()
        })
        .await
        .map_err(|e| ServiceError::Internal(format!("CPU job failed: {e}")))
    }
}

/// Set when dropped: a job holding the flag sees its caller went away (the request future was
/// dropped: the client hung up, or the request timed out).
pub struct CancelOnDrop(Arc<AtomicBool>);

impl CancelOnDrop {
    pub fn new() -> Self {
        Self(Arc::new(AtomicBool::new(false)))
    }

    /// The flag for the job.
    pub fn flag(&self) -> Arc<AtomicBool> {
        self.0.clone()
    }
}

impl Default for CancelOnDrop {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_pool_refuses_after_its_wait() {
        let pool = CpuPool::new(1, Duration::from_millis(50));
        let slow = pool.clone();
        let running = tokio::spawn(async move {
            slow.run(|| std::thread::sleep(Duration::from_millis(300)))
                .await
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(pool.run(|| 1).await, Err(ServiceError::Busy));
        running.await.unwrap().unwrap();
        assert_eq!(pool.run(|| 2).await, Ok(2));
    }
}
