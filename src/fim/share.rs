//! Which FIM groups become one shared `group` type: a group (same id and version) used two or
//! more times in a form, when everything printed inside it is the same at every use and refers
//! only to its own members (the checker's invariant: a group type is self-contained).
//!
//! The printer first prints every group inline and records, per use of a group that occurs more
//! than once, what it printed inside it; [`decide`] then compares the uses. A group that cannot
//! be shared is printed inline at each use, and the report says why.

use std::collections::BTreeMap;

use super::model::Element;
use super::plan::Plan;
use super::rules::{Decisions, Require};

/// A group's identity: FIM id and version.
pub type Key = (String, Option<String>);

/// The key of a group occurrence that can be shared at all (a declared group with a FIM id).
pub fn key(plan: &Plan, index: usize) -> Option<Key> {
    match plan.nodes[index].element {
        Element::Group(g) if !g.ident.id.is_empty() && plan.nodes[index].is_declared() => {
            Some((g.ident.id.clone(), g.ident.version.clone()))
        }
        _ => None,
    }
}

/// The groups used more than once, with their occurrences in order.
pub fn reused(plan: &Plan) -> BTreeMap<Key, Vec<usize>> {
    let mut uses: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
    for index in 0..plan.nodes.len() {
        if let Some(key) = key(plan, index) {
            uses.entry(key).or_default().push(index);
        }
    }
    uses.retain(|_, uses| uses.len() >= 2);
    uses
}

/// What one use of a reused group printed inside it.
pub struct Body {
    /// The text, each line without its indentation.
    pub text: String,
}

/// The outcome for the groups used more than once.
#[derive(Default)]
pub struct Sharing {
    /// Shared as a type.
    pub shared: std::collections::BTreeSet<Key>,
    /// Printed inline at each use: the key, its number of uses and why.
    pub inline: Vec<(Key, usize, &'static str)>,
}

/// Decides per reused group from the bodies printed for each use (`bodies`, by occurrence).
pub fn decide(
    plan: &Plan,
    decisions: &Decisions,
    reused: &BTreeMap<Key, Vec<usize>>,
    bodies: &BTreeMap<usize, Body>,
) -> Sharing {
    let mut sharing = Sharing::default();
    for (key, uses) in reused {
        match why_inline(plan, decisions, uses, bodies) {
            None => {
                sharing.shared.insert(key.clone());
            }
            Some(why) => sharing.inline.push((key.clone(), uses.len(), why)),
        }
    }
    sharing
}

fn why_inline(
    plan: &Plan,
    decisions: &Decisions,
    uses: &[usize],
    bodies: &BTreeMap<usize, Body>,
) -> Option<&'static str> {
    // A use inside another use would make the type contain itself.
    for (k, a) in uses.iter().enumerate() {
        if uses[k + 1..].iter().any(|b| plan.contains(*a, *b)) {
            return Some("it contains itself");
        }
    }
    for &group in uses {
        if let Some(decision) = decisions.targets.get(&group) {
            if matches!(decision.required, Require::When(_)) {
                return Some(
                    "a translated rule makes one use required under a condition, which an instance cannot say",
                );
            }
        }
        let inside = plan.subtree(Some(group));
        for target in inside.clone() {
            let Some(decision) = decisions.targets.get(&target) else { continue };
            let required = match &decision.required {
                Require::When(cond) => Some(cond),
                _ => None,
            };
            if decision.visible.iter().chain(required).any(|cond| !plan.contains(group, cond.controller)) {
                return Some("a translated rule inside it refers to an element outside it");
            }
        }
    }
    let Some(first) = bodies.get(&uses[0]) else {
        return Some("what is printed inside it was not recorded");
    };
    if uses.iter().any(|u| bodies.get(u).map(|b| &b.text) != Some(&first.text)) {
        return Some("what is printed inside it differs between its uses (translated rules or code lists)");
    }
    None
}

/// The Rust type name the Rust backend derives from a path of names.
pub fn rust_name(parts: &[&str]) -> String {
    crate::emit::rust::names::type_name_text(parts)
}

/// The Rust type names of the groups and repeats of the form outside the uses of `shared`
/// groups, by their path from the form (a repeat's items: the path and `item`), and
/// `Submission`: what a group type's name must not become. (A use of a type is no Rust type of
/// its own; the groups inside it are named from the type, when the type is named.)
pub fn rust_names(plan: &Plan, shared: &std::collections::BTreeSet<Key>) -> std::collections::BTreeSet<String> {
    let mut taken = std::collections::BTreeSet::new();
    taken.insert(rust_name(&["submission"]));
    let mut index = 0;
    while index < plan.nodes.len() {
        if key(plan, index).is_some_and(|key| shared.contains(&key)) {
            index = plan.nodes[index].end;
            continue;
        }
        if let Some(parts) = object_path(plan, None, index) {
            let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
            taken.insert(rust_name(&parts));
        }
        index += 1;
    }
    taken
}

/// The paths from `group` of the groups and repeats inside it (a repeat's with `item`).
pub fn inner_paths(plan: &Plan, group: usize) -> Vec<Vec<String>> {
    plan.subtree(Some(group)).filter_map(|index| object_path(plan, Some(group), index)).collect()
}

/// The path of names from below `from` (the form for `None`) to the object `index`, with
/// `item` for a repeat; `None` when `index` is not a declared group or repeat.
fn object_path(plan: &Plan, from: Option<usize>, index: usize) -> Option<Vec<String>> {
    let node = &plan.nodes[index];
    let is_object = match node.element {
        Element::Group(_) => node.is_declared(),
        Element::Field(f) => f.kind != "label" && node.is_repeat(),
    };
    if !is_object {
        return None;
    }
    let chain = plan.chain(index);
    let start = match from {
        Some(from) => chain.iter().position(|c| *c == from)? + 1,
        None => 0,
    };
    let mut parts: Vec<String> = chain[start..].iter().map(|c| plan.nodes[*c].name.as_str().to_string()).collect();
    if node.is_repeat() {
        parts.push("item".to_string());
    }
    Some(parts)
}
