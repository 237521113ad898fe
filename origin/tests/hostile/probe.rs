//! A well-behaved client beside the attack: it reads a cached schema and the health check
//! every few milliseconds on its own connections and keeps the slowest answer.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// A probe slower than this means the registry was starved (it answers in milliseconds when it
/// is not; the attacks starved it for 9 to 25 s before they were bounded). A bound on
/// starvation, not a performance figure.
const STARVED: Duration = Duration::from_secs(3);

pub struct Probe {
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<(Duration, usize, Vec<String>)>,
}

impl Probe {
    pub fn start(url: &str) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let (flag, url) = (stop.clone(), url.to_owned());
        let task = tokio::spawn(async move {
            let client = reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .expect("client");
            let (mut slowest, mut count, mut failures) = (Duration::ZERO, 0, Vec::new());
            while !flag.load(Ordering::Relaxed) {
                for path in ["/schemas/ids/1", "/health"] {
                    let started = Instant::now();
                    match client.get(format!("{url}{path}")).send().await {
                        Ok(r) if r.status().is_success() => {}
                        Ok(r) => failures.push(format!("{path}: {}", r.status())),
                        Err(e) => failures.push(format!("{path}: {e}")),
                    }
                    slowest = slowest.max(started.elapsed());
                    count += 1;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            (slowest, count, failures)
        });
        Self { stop, task }
    }

    /// Stops probing; panics if a probe failed or was starved.
    pub async fn finish(self, attack: &str) {
        self.stop.store(true, Ordering::Relaxed);
        let (slowest, count, failures) = self.task.await.expect("probe");
        eprintln!("{attack}: {count} probes, slowest {slowest:?}");
        assert!(failures.is_empty(), "{attack}: probes failed: {failures:?}");
        assert!(count > 0, "{attack}: no probe ran");
        assert!(slowest < STARVED, "{attack}: a probe took {slowest:?}");
    }
}
