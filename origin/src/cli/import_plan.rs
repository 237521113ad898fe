//! The order an import writes in, so that independent subjects go concurrently: waves, each a
//! set of per-subject runs that may proceed side by side. A subject's versions stay in file
//! order, a version comes in a later wave than the versions it references, and a schema id's
//! later uses come after its first (so two subjects never create the same id at once).

use std::collections::HashMap;

use super::SchemaLine;

/// Lines by index: waves, each a list of runs (one subject's lines, in order).
pub type Plan = Vec<Vec<Vec<usize>>>;

/// Beyond this many passes without settling (references written far ahead of what they
/// name), the plan is one line per wave: the file's own order.
const MAX_PASSES: usize = 64;

/// The plan for `lines[skip..]`.
pub fn plan(lines: &[SchemaLine], skip: usize) -> Plan {
    let index: HashMap<(&str, i64), usize> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| ((l.subject.as_str(), l.version), i))
        .collect();
    let mut first_of_id: HashMap<i64, usize> = HashMap::new();
    let mut previous_in_subject: HashMap<&str, usize> = HashMap::new();
    // For each line: the line it follows in its subject, and the lines it must come after.
    let mut same_wave_after = vec![None; lines.len()];
    let mut later_than: Vec<Vec<usize>> = vec![Vec::new(); lines.len()];
    for (i, line) in lines.iter().enumerate() {
        same_wave_after[i] = previous_in_subject.insert(line.subject.as_str(), i);
        match first_of_id.get(&line.id) {
            Some(&first) => later_than[i].push(first),
            None => {
                first_of_id.insert(line.id, i);
            }
        }
        for r in line.references.as_array().into_iter().flatten() {
            let (Some(subject), Some(version)) = (r["subject"].as_str(), r["version"].as_i64())
            else {
                continue;
            };
            if let Some(&j) = index.get(&(subject, version))
                && j != i
            {
                later_than[i].push(j);
            }
        }
    }
    let Some(levels) = settle(&same_wave_after, &later_than) else {
        return (skip..lines.len()).map(|i| vec![vec![i]]).collect();
    };
    let mut plan: Plan = Vec::new();
    let mut run_of: HashMap<(usize, &str), usize> = HashMap::new();
    for i in skip..lines.len() {
        let level = levels[i];
        if plan.len() <= level {
            plan.resize_with(level + 1, Vec::new);
        }
        let wave = &mut plan[level];
        let run = *run_of
            .entry((level, lines[i].subject.as_str()))
            .or_insert_with(|| {
                wave.push(Vec::new());
                wave.len() - 1
            });
        wave[run].push(i);
    }
    plan.retain(|wave| !wave.is_empty());
    plan
}

/// Each line's wave: at least its subject predecessor's, and one past every line it must come
/// after; `None` when that does not settle.
fn settle(same_wave_after: &[Option<usize>], later_than: &[Vec<usize>]) -> Option<Vec<usize>> {
    let mut levels = vec![0usize; later_than.len()];
    for _ in 0..MAX_PASSES {
        let mut changed = false;
        for i in 0..levels.len() {
            let mut level = same_wave_after[i].map_or(0, |p| levels[p]);
            for &j in &later_than[i] {
                level = level.max(levels[j] + 1);
            }
            if level > levels[i] {
                levels[i] = level;
                changed = true;
            }
        }
        if !changed {
            return Some(levels);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn line(subject: &str, version: i64, id: i64, references: Value) -> SchemaLine {
        SchemaLine {
            subject: subject.into(),
            version,
            id,
            schema_type: "AVRO".into(),
            schema: "\"int\"".into(),
            references,
            metadata: None,
            rule_set: None,
            deleted: false,
        }
    }

    #[test]
    fn independent_subjects_share_a_wave_and_keep_their_order() {
        let lines = [
            line("a", 1, 1, json!([])),
            line("b", 1, 2, json!([])),
            line("a", 2, 3, json!([])),
        ];
        assert_eq!(plan(&lines, 0), vec![vec![vec![0, 2], vec![1]]]);
        assert_eq!(plan(&lines, 1), vec![vec![vec![1], vec![2]]]);
    }

    #[test]
    fn references_and_shared_ids_wait_for_what_they_need() {
        let reference = json!([{"name": "B", "subject": "b", "version": 1}]);
        let lines = [
            // References a line further down the file.
            line("a", 1, 1, reference),
            line("b", 1, 2, json!([])),
            // The same schema as `b` version 1 under another subject.
            line("c", 1, 2, json!([])),
            line("a", 2, 3, json!([])),
        ];
        assert_eq!(
            plan(&lines, 0),
            vec![vec![vec![1]], vec![vec![0, 3], vec![2]]]
        );
    }

    #[test]
    fn a_cycle_falls_back_to_the_file_s_order() {
        let lines = [
            line(
                "a",
                1,
                1,
                json!([{"name": "B", "subject": "b", "version": 1}]),
            ),
            line(
                "b",
                1,
                2,
                json!([{"name": "A", "subject": "a", "version": 1}]),
            ),
        ];
        assert_eq!(plan(&lines, 0), vec![vec![vec![0]], vec![vec![1]]]);
    }
}
