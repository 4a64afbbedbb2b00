//! What the names in a test stand for: the primitives behind a resource name (a clone or group
//! names its members; Pacemaker records history and fail counts per primitive), and the
//! interval of the operation a failure names. Shared by the reference checks and the planner.

use crate::model::{Model, SymbolKind};
use crate::values::{format_duration, parse_duration};

/// The primitives a test's resource name stands for, in declaration order of the model's map;
/// `None` when the name is not a resource.
pub fn primitives_of(model: &Model, name: &str) -> Option<Vec<String>> {
    match model.kind_of(name)? {
        SymbolKind::Primitive => Some(vec![name.to_string()]),
        SymbolKind::Group | SymbolKind::Clone | SymbolKind::Promotable | SymbolKind::Bundle => {
            let mut members: Vec<String> = model.parent.iter().filter(|(_, parent)| parent.as_str() == name).map(|(child, _)| child.to_string()).collect();
            members.sort();
            let mut primitives = Vec::new();
            for member in members {
                primitives.extend(primitives_of(model, &member).unwrap_or_default());
            }
            Some(primitives)
        }
        _ => None,
    }
}

/// Whether the resource (or the clone around it) is promotable.
pub fn is_promotable(model: &Model, name: &str) -> bool {
    primitives_of(model, name).is_some_and(|ps| ps.iter().any(|p| model.is_promotable(p)))
}

/// The interval (ms) of `op` of `primitive` that a failure names: the written one, else the
/// only configured interval of that op, else 0 (start, stop, promote, demote, the probe).
pub fn op_interval(model: &Model, primitive: &str, op: &str, written: Option<&str>) -> Result<u64, String> {
    let configured: Vec<u64> = model
        .primitives
        .get(primitive)
        .map(|p| p.ops.iter().filter(|o| o.name.text == op).filter_map(|o| o.interval_ms).filter(|ms| *ms > 0).collect())
        .unwrap_or_default();
    let ms = match written {
        Some(text) => parse_duration(text).map_err(|e| format!("`{text}` is not an interval: {e}"))?.ms,
        None => match configured.as_slice() {
            [one] => *one,
            [] => 0,
            several => {
                let list: Vec<String> = several.iter().map(|ms| format_duration(*ms)).collect();
                return Err(format!("`{primitive}` runs `{op}` at several intervals ({}): name one", list.join(", ")));
            }
        },
    };
    let implicit = ms == 0 && model.implicit_actions(primitive).contains(&op);
    if implicit || configured.contains(&ms) {
        return Ok(ms);
    }
    let list: Vec<String> = configured.iter().map(|ms| format_duration(*ms)).collect();
    Err(if list.is_empty() {
        format!("`{primitive}` never runs `{op}`{}", if ms == 0 { "" } else { " at any interval" })
    } else {
        format!("`{primitive}` runs `{op}` with interval {}, not {}", list.join(", "), format_duration(ms))
    })
}
