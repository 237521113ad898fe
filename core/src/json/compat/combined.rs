//! Rules for combined schemas (`allOf`, `anyOf`, `oneOf`, and `type` lists read as `anyOf`):
//! subschemas matched pairwise in any order by a maximum bipartite matching.

use std::borrow::Cow;

use serde_json::Value;

use super::{Cx, JType, JsonIncompatibility, add, compatible, subschemas, type_mismatch, type_of};
use crate::incompatibility::Incompatibility;

pub(super) fn combined(
    reader: &Value,
    writer: &Value,
    cx: &mut Cx<'_>,
    out: &mut Vec<Incompatibility>,
) {
    let (r_subs, rt) =
        subschemas(reader).map_or((None, type_of(Some(reader))), |(s, k)| (Some(s), k));
    let (w_subs, wt) =
        subschemas(writer).map_or((None, type_of(Some(writer))), |(s, k)| (Some(s), k));
    let (r_comb, w_comb) = (
        r_subs.is_some() && rt.is_combined(),
        w_subs.is_some() && wt.is_combined(),
    );
    let simple = |subs: &Option<Cow<'_, [Value]>>| subs.as_ref().is_some_and(|s| s.len() == 1);
    cx.with(&[rt.name()], |cx| {
        if r_comb && !w_comb && simple(&r_subs) {
            let r0 = &r_subs.as_ref().expect("checked")[0];
            if !compatible(Some(r0), Some(writer), cx) {
                type_mismatch(rt, wt, cx, out);
            }
            return;
        }
        if !r_comb && w_comb && simple(&w_subs) {
            let w0 = &w_subs.as_ref().expect("checked")[0];
            if !compatible(Some(reader), Some(w0), cx) {
                type_mismatch(rt, wt, cx, out);
            }
            return;
        }
        if matches!(rt, JType::AnyOf | JType::OneOf) && !w_comb {
            let subs = r_subs.as_deref().unwrap_or_default();
            if !subs.iter().any(|r| compatible(Some(r), Some(writer), cx)) {
                type_mismatch(rt, wt, cx, out);
            }
            return;
        }
        let (Some(r_subs), Some(w_subs)) = (r_subs.as_ref(), w_subs.as_ref()) else {
            return type_mismatch(rt, wt, cx, out);
        };
        if rt != JType::AnyOf && rt != wt {
            return add(out, JsonIncompatibility::CombinedTypeChanged, format!("incompatible subschema change, from {} to {}", rt.name(), wt.name()), cx);
        }
        if rt == JType::AllOf && w_subs.len() < r_subs.len() {
            return add(out, JsonIncompatibility::ProductTypeExtended, format!(
                "Not all required schemas were provided, number of required schemas increased from {} to {}",
                w_subs.len(), r_subs.len()
            ), cx);
        }
        if matches!(rt, JType::AnyOf | JType::OneOf) && w_subs.len() > r_subs.len() {
            return add(out, JsonIncompatibility::SumTypeNarrowed, format!(
                "Not all schemas are accepted, number of schemas reduced from {} to {}",
                w_subs.len(), r_subs.len()
            ), cx);
        }
        let needed = if rt == JType::AllOf { r_subs.len() } else { w_subs.len() };
        if max_matching(r_subs, w_subs, cx) < needed {
            add(out, JsonIncompatibility::CombinedTypeSubschemasChanged, "subschemas are incompatible".into(), cx);
        }
    });
}

/// The size of a maximum matching between reader and writer subschemas, an edge joining a
/// compatible pair: subschemas of `allOf`/`anyOf`/`oneOf` apply in any order.
fn max_matching(readers: &[Value], writers: &[Value], cx: &mut Cx<'_>) -> usize {
    let edges: Vec<Vec<usize>> = readers
        .iter()
        .map(|r| {
            (0..writers.len())
                .filter(|&j| compatible(Some(r), Some(&writers[j]), cx))
                .collect()
        })
        .collect();
    let mut owner: Vec<Option<usize>> = vec![None; writers.len()];
    let mut size = 0;
    for r in 0..readers.len() {
        let mut seen = vec![false; writers.len()];
        if augment(r, &edges, &mut owner, &mut seen) {
            size += 1;
        }
    }
    size
}

fn augment(r: usize, edges: &[Vec<usize>], owner: &mut [Option<usize>], seen: &mut [bool]) -> bool {
    for &w in &edges[r] {
        if seen[w] {
            continue;
        }
        seen[w] = true;
        if owner[w].is_none_or(|other| augment(other, edges, owner, seen)) {
            owner[w] = Some(r);
            return true;
        }
    }
    false
}
