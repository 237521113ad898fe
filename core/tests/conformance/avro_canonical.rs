//! Avro Parsing Canonical Form and CRC-64-AVRO fingerprints: `schema-tests.txt`.

use registry_core::avro::{AvroSchema, ParseOptions, canonical};

use crate::{SetResult, data_dir};

struct Vector {
    index: usize,
    input: String,
    canonical: String,
    fingerprint: Option<i64>,
}

/// Reads the `<<INPUT`/`<<canonical`/`<<fingerprint` format (values on one line or up to a
/// closing `INPUT`-style terminator).
fn vectors() -> Vec<Vector> {
    let text =
        std::fs::read_to_string(data_dir().join("apache-avro/share/test/data/schema-tests.txt"))
            .expect("vectors");
    let mut lines = text.lines().peekable();
    let mut out = Vec::new();
    let mut current: Option<Vector> = None;
    while let Some(line) = lines.next() {
        let Some(rest) = line.strip_prefix("<<") else {
            continue;
        };
        let (key, value) = rest.split_once(' ').map_or((rest, ""), |(k, v)| (k, v));
        let value = if value.is_empty() {
            let mut block = Vec::new();
            for l in lines.by_ref() {
                if l.trim() == key {
                    break;
                }
                block.push(l);
            }
            block.join("\n")
        } else {
            value.to_owned()
        };
        match key {
            "INPUT" => {
                out.extend(current.take());
                current = Some(Vector {
                    index: out.len(),
                    input: value,
                    canonical: String::new(),
                    fingerprint: None,
                });
            }
            "canonical" => current.as_mut().expect("input first").canonical = value,
            "fingerprint" => {
                current.as_mut().expect("input first").fingerprint =
                    Some(value.trim().parse().expect("i64"));
            }
            _ => {}
        }
    }
    out.extend(current);
    out
}

pub fn run() -> SetResult {
    let mut set = SetResult::new("avro canonical form + CRC-64 (schema-tests)");
    for v in vectors() {
        let outcome = AvroSchema::parse(&v.input, &[], ParseOptions::default())
            .map_err(|e| e.to_string())
            .and_then(|s| {
                let pcf = canonical::parsing_canonical_form(&s);
                if pcf != v.canonical {
                    return Err(format!("canonical {pcf} != {}", v.canonical));
                }
                match v.fingerprint {
                    Some(fp) if canonical::crc64_fingerprint(&s) != fp => Err(format!(
                        "fingerprint {} != {fp}",
                        canonical::crc64_fingerprint(&s)
                    )),
                    _ => Ok(()),
                }
            });
        set.record(format!("schema-tests#{:03}", v.index), outcome);
    }
    set
}
