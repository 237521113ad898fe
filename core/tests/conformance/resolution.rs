//! Binary encoding with a writer schema, decoding with a reader schema: Apache Avro's
//! `resolution_cases`.

use registry_core::avro::binary::AvroCodec;
use serde_json::Value;

use crate::{SetResult, load_text};

/// The datum as the writer schema types it (the data gives Java `toString()` text for scalars).
fn typed(writer: &Value, datum: &Value) -> Value {
    match (writer.as_str(), datum) {
        (Some("int" | "long"), Value::String(s)) => {
            s.parse::<i64>().map_or_else(|_| datum.clone(), Value::from)
        }
        (Some("float" | "double"), Value::String(s)) => {
            s.parse::<f64>().map_or_else(|_| datum.clone(), Value::from)
        }
        _ => datum.clone(),
    }
}

/// Java prints decoded floats as `1.6777216E7` and integers as `1`; compare numerically.
fn same(expected: &Value, got: &Value) -> bool {
    match (expected, got) {
        (Value::String(e), Value::Number(g)) => {
            e.parse::<f64>().is_ok_and(|e| Some(e) == g.as_f64())
        }
        (Value::Object(e), Value::Object(g)) => {
            e.len() == g.len()
                && e.iter()
                    .all(|(k, v)| g.get(k).is_some_and(|gv| same(v, gv)))
        }
        _ => expected == got,
    }
}

fn text(schema: &Value) -> String {
    schema.to_string()
}

pub fn run() -> SetResult {
    let data: Value =
        serde_json::from_str(&load_text("apache-avro/compat-cases.json")).expect("json");
    let mut set = SetResult::new("apache-avro resolution_cases (binary)");
    for (i, case) in data["resolution_cases"]
        .as_array()
        .expect("cases")
        .iter()
        .enumerate()
    {
        let id = format!("resolution#{i} {}", case["name"].as_str().unwrap_or(""));
        let outcome = (|| {
            let codec = AvroCodec::new(
                &text(&case["writer_schema"]),
                Some(&text(&case["reader_schema"])),
            )
            .map_err(|e| e.to_string())?;
            let writer_only =
                AvroCodec::new(&text(&case["writer_schema"]), None).map_err(|e| e.to_string())?;
            let bytes = writer_only
                .encode(&typed(&case["writer_schema"], &case["datum"]))
                .map_err(|e| e.to_string())?;
            match (codec.decode(&bytes), case["expected_error"].is_null()) {
                (Ok(got), true) if same(&case["expected_decoded"], &got) => Ok(()),
                (Ok(got), true) => Err(format!(
                    "decoded {got}, expected {}",
                    case["expected_decoded"]
                )),
                (Ok(got), false) => Err(format!("decoded {got}, expected an error")),
                (Err(_), false) => Ok(()),
                (Err(e), true) => Err(e.to_string()),
            }
        })();
        set.record(id, outcome);
    }
    set
}
