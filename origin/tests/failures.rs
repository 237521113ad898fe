//! Faults of ours are answered as such: a stored schema that no longer parses gives 500 with a
//! generic message (the detail goes to the log, never to the client), on registration and on
//! validation alike.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::{Backend, TestServer, assert_error, exec};
use serde_json::json;

/// The log lines the server wrote in this test process.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl Write for Log {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Log {
    fn install() -> Self {
        let log = Self::default();
        let writer = log.clone();
        tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .init();
        log
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("log")).into_owned()
    }
}

async fn a_stored_schema_that_no_longer_parses_is_our_fault(backend: Backend, log: &Log) {
    let s = TestServer::start(backend).await;
    let v1 = r#"{"type":"object","properties":{"a":{"type":"string"}}}"#;
    let (id, _) = s.register("broken-value", "JSON", v1).await;
    // What the binary stored is no longer a schema it can read (a bug, or a hand edit).
    exec(
        &s,
        &format!(r#"UPDATE schemas SET schema_text = '{{"type": 12}}' WHERE id = {id}"#),
    )
    .await;
    let v2 = r#"{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"number"}}}"#;
    let registered = s
        .post(
            "/subjects/broken-value/versions",
            &json!({"schema": v2, "schemaType": "JSON"}),
        )
        .await;
    assert_error(&registered, 500, 50001);
    assert_eq!(registered.1["message"], "Internal server error");
    let validated = s
        .post(
            "/subjects/broken-value/versions/1/validate",
            &json!({"a": "x"}),
        )
        .await;
    assert_error(&validated, 500, 50001);
    assert_eq!(validated.1["message"], "Internal server error");
    let detail = format!("stored schema {id} does not parse");
    assert!(
        log.text().contains(&detail),
        "the detail is logged: {}",
        log.text()
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stored_schemas_that_no_longer_parse() {
    let log = Log::install();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        a_stored_schema_that_no_longer_parses_is_our_fault(backend, &log).await;
    }
}
