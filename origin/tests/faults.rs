//! Database faults against a PostgreSQL cluster this test owns (never the shared server): when
//! the database stops, cached reads keep answering, everything else fails fast with 503, the
//! circuit breaker stops asking the dead database, service returns by itself when it is back,
//! and no registration refused during the outage is half-written.

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{TestDb, TestServer, assert_error};
use serde_json::json;

/// A PostgreSQL cluster in a temporary directory, run as the `postgres` user when we are root.
struct Cluster {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
}

fn pg_bindir() -> PathBuf {
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if dir.join("initdb").exists() {
            return dir;
        }
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL server binaries (the test command installs them)")
        .filter_map(|e| Some(e.ok()?.path().join("bin")))
        .filter(|p| p.join("initdb").exists())
        .collect();
    found.sort();
    found.pop().expect("an initdb under /usr/lib/postgresql")
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

impl Cluster {
    fn pg(&self, tool: &str, args: &[&str]) -> std::process::Output {
        let exe = self.bin.join(tool);
        let mut cmd = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        };
        cmd.args(args).output().expect("PostgreSQL tool runs")
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn create() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("registry-faults")
            .tempdir()
            .expect("tempdir");
        if is_root() {
            let ok = Command::new("chown")
                .arg("postgres")
                .arg(dir.path())
                .status()
                .expect("chown");
            assert!(ok.success());
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let cluster = Self {
            bin: pg_bindir(),
            dir,
            port,
        };
        let out = cluster.pg(
            "initdb",
            &["-D", &cluster.data(), "-U", "postgres", "--auth=trust"],
        );
        assert!(
            out.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        cluster.start();
        cluster
    }

    fn start(&self) {
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("log").display().to_string();
        let out = self.pg(
            "pg_ctl",
            &["-D", &self.data(), "-l", &log, "-w", "-o", &opts, "start"],
        );
        assert!(
            out.status.success(),
            "pg_ctl start: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Stops the cluster the hard way, as a crash would.
    fn kill(&self) {
        let out = self.pg("pg_ctl", &["-D", &self.data(), "-m", "immediate", "stop"]);
        assert!(
            out.status.success(),
            "pg_ctl stop: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.pg("pg_ctl", &["-D", &self.data(), "-m", "immediate", "stop"]);
    }
}

const V1: &str = r#"{"type":"record","name":"R","fields":[{"name":"a","type":"long"}]}"#;
const V2: &str = r#"{"type":"record","name":"R","fields":[{"name":"a","type":"long"},{"name":"b","type":"string","default":""}]}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_registry_rides_out_a_database_outage() {
    let cluster = Cluster::create();
    let s = TestServer::start_on(TestDb::External, cluster.url(), |c| {
        c.db_acquire_timeout_ms = 1_000;
        c.request_timeout_ms = 5_000;
        c.mutable_cache_ttl_ms = 200;
    })
    .await;
    let (id, _) = s.register("kept-value", "AVRO", V1).await;
    // Warm the caches: an immutable entry and mutable ones.
    for path in [
        format!("/schemas/ids/{id}"),
        "/subjects/kept-value/versions/latest".into(),
        "/subjects".into(),
    ] {
        assert_eq!(s.get(&path).await.0, 200);
    }

    cluster.kill();
    tokio::time::sleep(Duration::from_millis(300)).await; // past the mutable TTL
    // Cached reads keep answering, the mutable ones from their last good answer.
    assert_eq!(s.get(&format!("/schemas/ids/{id}")).await.0, 200);
    let (status, latest) = s.get("/subjects/kept-value/versions/latest").await;
    assert_eq!((status, latest["version"].as_i64()), (200, Some(1)));
    assert_eq!(s.get("/subjects").await, (200, json!(["kept-value"])));
    // Everything else fails fast with 503 and the Confluent error body, well inside the timeout.
    for _ in 0..8 {
        let started = Instant::now();
        let got = s.get("/subjects/other/versions").await;
        assert_eq!(got.0, 503, "{got:?}");
        let code = got.1["error_code"].as_u64().unwrap();
        assert!(code == 50001 || code == 50002, "{got:?}");
        assert!(started.elapsed() < Duration::from_secs(5), "failed fast");
    }
    // A registration during the outage: 503 with Retry-After, never a 422 or a 500.
    let r = s
        .client
        .post(s.at("/subjects/during-outage/versions"))
        .header("content-type", "application/json")
        .body(json!({"schema": V1}).to_string())
        .send()
        .await
        .expect("request");
    assert_eq!(r.status().as_u16(), 503);
    assert_eq!(
        r.headers().get("retry-after").and_then(|v| v.to_str().ok()),
        Some("1")
    );
    let refused = common::read(r).await;
    let code = refused.1["error_code"].as_u64().unwrap();
    assert!(code == 50001 || code == 50002, "{refused:?}");
    let refused = s
        .post("/subjects/kept-value/versions", &json!({"schema": V2}))
        .await;
    assert_eq!(refused.0, 503, "{refused:?}");
    assert_eq!(s.get("/ready").await.0, 503);
    // The breaker opened: calls are refused without asking the database.
    let metrics = s.text("/metrics").await;
    assert!(
        metrics.contains("registry_db_circuit_rejections_total"),
        "the circuit opened"
    );
    let started = Instant::now();
    assert_error(&s.get("/subjects/other/versions").await, 503, 50001);
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "an open circuit answers at once"
    );

    cluster.start();
    // Service returns by itself.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let got = s.get("/subjects/other/versions").await;
        if got.0 == 404 {
            break;
        }
        assert!(Instant::now() < deadline, "service did not return: {got:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Nothing refused during the outage was written, and versions stay dense.
    assert_error(&s.get("/subjects/during-outage/versions").await, 404, 40401);
    assert_eq!(
        s.get("/subjects/kept-value/versions").await,
        (200, json!([1]))
    );
    let (_, v) = s.register("kept-value", "AVRO", V2).await;
    assert_eq!(v, 2);
    assert_eq!(s.get("/ready").await.0, 200);
    s.stop().await;
}
