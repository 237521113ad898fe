//! Rules for arrays: list and tuple forms, items added or removed against open and closed
//! content models, item-count bounds.

use serde_json::Value;

use super::scalar::{bounds, lower, upper};
use super::{
    Cx, JType, JsonIncompatibility, add, compatible, is_false, is_true, rec, type_mismatch,
};
use crate::incompatibility::Incompatibility;

fn is_tuple(schema: &Value) -> bool {
    matches!(schema.get("items"), Some(Value::Array(_)))
}

fn tuple_items(schema: &Value) -> Vec<Option<&Value>> {
    schema
        .get("items")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(Some).collect())
        .unwrap_or_default()
}

pub(super) fn array(
    reader: &Value,
    writer: &Value,
    cx: &mut Cx<'_>,
    out: &mut Vec<Incompatibility>,
) {
    let (r_tuple, w_tuple) = (is_tuple(reader), is_tuple(writer));
    if r_tuple != w_tuple {
        return type_mismatch(JType::Array, JType::Array, cx, out);
    }
    let (r_items, w_items): (Vec<Option<&Value>>, Vec<Option<&Value>>) = if r_tuple {
        (tuple_items(reader), tuple_items(writer))
    } else {
        (vec![reader.get("items")], vec![writer.get("items")])
    };
    let common = r_items.len().min(w_items.len());
    let mut pos = 0;
    for i in 0..common {
        pos = i;
        cx.with(&["items", &i.to_string()], |cx| {
            rec(r_items[i], w_items[i], cx, out);
        });
    }
    let reader_restricts_additional = !is_true(Some(
        reader.get("additionalItems").unwrap_or(&Value::Bool(true)),
    ));
    if w_items.len() > r_items.len() && reader_restricts_additional {
        // As in the reference checker, the remaining writer items are checked against an
        // accept-all reader, which only fails for non-object item schemas.
        for (i, w_item) in w_items.iter().enumerate().skip(common) {
            if !compatible(Some(&Value::Bool(true)), *w_item, cx) {
                cx.with(&["additionalItems"], |cx| {
                    add(
                        out,
                        JsonIncompatibility::ItemRemovedNotCoveredByPartiallyOpenContentModel,
                        format!("Item in position {i} is not compatible"),
                        cx,
                    );
                });
            }
        }
    }
    let writer_additional = writer.get("additionalItems").unwrap_or(&Value::Bool(true));
    if r_items.len() > w_items.len() {
        if !is_true(Some(writer_additional)) {
            for (i, r_item) in r_items.iter().enumerate().skip(common) {
                cx.with(&["items", &i.to_string()], |cx| {
                    if !compatible(*r_item, Some(writer_additional), cx) {
                        add(
                            out,
                            JsonIncompatibility::ItemAddedNotCoveredByPartiallyOpenContentModel,
                            "New element schema incompatible with the other version".into(),
                            cx,
                        );
                    }
                });
            }
        }
        add(
            out,
            JsonIncompatibility::ItemAddedToOpenContentModel,
            format!("Elements starting from index {pos} are now required"),
            cx,
        );
    }
    let closed_tuple = |s: &Value| is_tuple(s) && is_false(s.get("additionalItems"));
    if closed_tuple(reader) && !closed_tuple(writer) {
        cx.with(&["additionalItems"], |cx| {
            add(
                out,
                JsonIncompatibility::AdditionalItemsRemoved,
                "Additional items are not longer allowed".into(),
                cx,
            );
        });
    }
    bounds(
        reader,
        writer,
        &[
            upper(
                "maxItems",
                JsonIncompatibility::MaxItemsAdded,
                JsonIncompatibility::MaxItemsDecreased,
            ),
            lower(
                "minItems",
                JsonIncompatibility::MinItemsAdded,
                JsonIncompatibility::MinItemsIncreased,
            ),
        ],
        cx,
        out,
    );
}
