//! Rules for numbers, strings and enums, and the bounds (`maximum`, `maxLength`, `minItems`...)
//! that must not tighten.

use std::collections::HashSet;

use serde_json::Value;

use super::{Cx, JType, JsonIncompatibility, add, introduced, num};
use crate::incompatibility::Incompatibility;
use crate::json::canonical::to_canonical_string;

/// A bound that must not tighten: `restricts(reader, writer)` says the reader's value is
/// stricter than the writer's.
pub(super) struct Bound {
    keyword: &'static str,
    added: JsonIncompatibility,
    tightened: JsonIncompatibility,
    restricts: fn(f64, f64) -> bool,
}

pub(super) const fn upper(
    keyword: &'static str,
    added: JsonIncompatibility,
    tightened: JsonIncompatibility,
) -> Bound {
    Bound {
        keyword,
        added,
        tightened,
        restricts: |r, w| r < w,
    }
}

pub(super) const fn lower(
    keyword: &'static str,
    added: JsonIncompatibility,
    tightened: JsonIncompatibility,
) -> Bound {
    Bound {
        keyword,
        added,
        tightened,
        restricts: |r, w| r > w,
    }
}

pub(super) fn bounds(
    reader: &Value,
    writer: &Value,
    checks: &[Bound],
    cx: &Cx<'_>,
    out: &mut Vec<Incompatibility>,
) {
    for b in checks {
        let (r, w) = (reader.get(b.keyword), writer.get(b.keyword));
        if introduced(r, w) {
            let value = r.map(ToString::to_string).unwrap_or_default();
            add(
                out,
                b.added,
                format!(
                    "Introduced incompatible assertion {} with value {value}",
                    b.keyword
                ),
                cx,
            );
        }
        if let (Some(rv), Some(wv)) = (num(r), num(w))
            && (b.restricts)(rv, wv)
        {
            add(
                out,
                b.tightened,
                format!("More restrictive assertion {} from {wv} to {rv}", b.keyword),
                cx,
            );
        }
    }
}

pub(super) fn numeric(
    reader: &Value,
    writer: &Value,
    rt: JType,
    wt: JType,
    cx: &Cx<'_>,
    out: &mut Vec<Incompatibility>,
) {
    bounds(
        reader,
        writer,
        &[
            upper(
                "maximum",
                JsonIncompatibility::MaximumAdded,
                JsonIncompatibility::MaximumDecreased,
            ),
            lower(
                "minimum",
                JsonIncompatibility::MinimumAdded,
                JsonIncompatibility::MinimumIncreased,
            ),
            upper(
                "exclusiveMaximum",
                JsonIncompatibility::MaximumExclusiveAdded,
                JsonIncompatibility::MaximumExclusiveDecreased,
            ),
            lower(
                "exclusiveMinimum",
                JsonIncompatibility::MinimumExclusiveAdded,
                JsonIncompatibility::MinimumExclusiveIncreased,
            ),
        ],
        cx,
        out,
    );
    let (rm, wm) = (reader.get("multipleOf"), writer.get("multipleOf"));
    if introduced(rm, wm) {
        add(
            out,
            JsonIncompatibility::MultipleAdded,
            "Introduced incompatible assertion multipleOf".into(),
            cx,
        );
    }
    if let (Some(r), Some(w)) = (num(rm), num(wm))
        && (r - w).abs() > f64::EPSILON
    {
        if r > w {
            add(
                out,
                JsonIncompatibility::MultipleExpanded,
                format!("Multiple must not increase ({r} > {w})"),
                cx,
            );
        } else if (w % r).abs() > f64::EPSILON {
            add(
                out,
                JsonIncompatibility::MultipleChanged,
                format!("{r} must be an integer multiple of {w}"),
                cx,
            );
        }
    }
    if rt == JType::Integer && wt == JType::Number {
        add(
            out,
            JsonIncompatibility::TypeNarrowed,
            "Writer produces numbers while reader only accepted integers".into(),
            cx,
        );
    }
}

pub(super) fn string(reader: &Value, writer: &Value, cx: &Cx<'_>, out: &mut Vec<Incompatibility>) {
    bounds(
        reader,
        writer,
        &[
            upper(
                "maxLength",
                JsonIncompatibility::MaxLengthAdded,
                JsonIncompatibility::MaxLengthDecreased,
            ),
            lower(
                "minLength",
                JsonIncompatibility::MinLengthAdded,
                JsonIncompatibility::MinLengthIncreased,
            ),
        ],
        cx,
        out,
    );
    let (r, w) = (reader.get("pattern"), writer.get("pattern"));
    if introduced(r, w) {
        add(
            out,
            JsonIncompatibility::PatternAdded,
            format!(
                "Introduced incompatible assertion pattern with value {}",
                r.unwrap_or(&Value::Null)
            ),
            cx,
        );
    }
    if let (Some(r), Some(w)) = (r, w)
        && r != w
    {
        add(
            out,
            JsonIncompatibility::PatternChanged,
            format!("Assertion of pattern changed from {w} to {r}"),
            cx,
        );
    }
}

pub(super) fn enumeration(
    reader: &Value,
    writer: &Value,
    cx: &mut Cx<'_>,
    out: &mut Vec<Incompatibility>,
) {
    let empty = Vec::new();
    let r = reader
        .get("enum")
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    let w = writer
        .get("enum")
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    // Compared as canonical JSON in a set: linear, whatever the number of symbols.
    let readable: HashSet<String> = r.iter().map(to_canonical_string).collect();
    let removed: Vec<String> = w
        .iter()
        .filter(|v| !readable.contains(&to_canonical_string(v)))
        .map(ToString::to_string)
        .collect();
    if !removed.is_empty() {
        cx.with(&["enum"], |cx| {
            add(
                out,
                JsonIncompatibility::EnumArrayNarrowed,
                format!(
                    "some of enum options are no longer valid {}",
                    removed.join(", ")
                ),
                cx,
            );
        });
    }
}
