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
    /// Whether it holds a `rule` statement (a translated FIM rule or a choice group's rule).
    pub has_rule: bool,
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
    // The checker checks each group type of a file on its own as well, and there a rule of one
    // type is also resolved against the types checked after it (`check::lower::definitions`
    // keeps its pending rules), so a type with a rule would not check clean.
    if first.has_rule {
        return Some(
            "it holds a rule (a translated FIM rule or a choice group), which a group type cannot hold cleanly yet",
        );
    }
    None
}
