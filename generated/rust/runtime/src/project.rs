//! An overlay's submission projected onto its base: the overlay's additions removed.
//!
//! An overlay (`form a extends b`) accepts only submissions that are, without its additions,
//! submissions of the base, so everything built for the base reads the projection unchanged.
//! The additions are paths from the root; a path through a repeat names the member in every
//! item. The work is linear in the submission and bounded per item by the number of additions.

use serde_json::Value;

/// Removes every addition from `value` in place. A path whose objects or arrays are absent or
/// of another shape is skipped: the projection never fails, and keeps whatever else is there.
pub fn remove_additions(value: &mut Value, additions: &[&[&str]]) {
    for path in additions {
        remove(value, path);
    }
}

fn remove(value: &mut Value, path: &[&str]) {
    // Iterative over the path; a repeat's items are visited one after another.
    let Some((last, parents)) = path.split_last() else { return };
    let mut frontier: Vec<&mut Value> = vec![value];
    for name in parents {
        let mut next = Vec::new();
        for node in frontier {
            if let Some(child) = node.as_object_mut().and_then(|object| object.get_mut(*name)) {
                match child {
                    Value::Array(items) => next.extend(items.iter_mut()),
                    other => next.push(other),
                }
            }
        }
        frontier = next;
    }
    for node in frontier {
        if let Some(object) = node.as_object_mut() {
            object.remove(*last);
        }
    }
}

/// [`remove_additions`] on JSON text: the projection as JSON text, or why the text is not JSON.
pub fn project_json(json: &str, additions: &[&[&str]]) -> Result<String, String> {
    let mut value: Value = serde_json::from_str(json).map_err(|error| error.to_string())?;
    remove_additions(&mut value, additions);
    serde_json::to_string(&value).map_err(|error| error.to_string())
}
