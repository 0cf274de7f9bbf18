//! The names of every element occurrence, decided before anything is printed, so that a FIM
//! rule can name an element that is printed before or after it (`visible when` goes into the
//! target's block, the controlling field may come later).
//!
//! The plan walks the model in the printer's order (pre-order, the same scopes) and is the one
//! place that claims names: the printer takes each occurrence's name from here. It also answers
//! which occurrence a FIM id in a rule means (exactly one below the rule's owner, or none).

use std::collections::{BTreeMap, BTreeSet};

use super::model::*;
use super::names::{self, Scope};
use super::print::one_line;
use super::source::Name;

/// One `struktur` entry as it is printed.
pub struct Node<'m> {
    pub element: &'m Element,
    pub parent: Option<usize>,
    /// The name it is declared with.
    pub name: Name,
    /// How often it occurs, after a choice group made its members optional.
    pub multiplicity: Multiplicity,
    /// A member of a choice group (Auswahlgruppe).
    pub in_choice: bool,
    /// One past the last occurrence below it: its subtree is `index + 1 .. end`.
    pub end: usize,
}

impl<'m> Node<'m> {
    pub fn id(&self) -> &'m str {
        match self.element {
            Element::Field(f) => &f.ident.id,
            Element::Group(g) => &g.ident.id,
        }
    }

    /// A static text (`info`), not data.
    pub fn is_info(&self) -> bool {
        matches!(self.element, Element::Field(f) if f.kind == "label")
    }

    /// A repeat (more than one occurrence), which a condition cannot name directly.
    pub fn is_repeat(&self) -> bool {
        !self.multiplicity.is_single()
    }

    /// A group without elements, which is printed as a comment only.
    pub fn is_declared(&self) -> bool {
        !matches!(self.element, Element::Group(g) if g.children.is_empty())
    }
}

/// Every occurrence of the schema, in pre-order.
pub struct Plan<'m> {
    pub nodes: Vec<Node<'m>>,
    by_id: BTreeMap<&'m str, Vec<usize>>,
    /// The data members of each object (`None`: the root), by name.
    members: BTreeSet<(Option<usize>, Name)>,
}

impl<'m> Plan<'m> {
    pub fn new(schema: &'m Schema) -> Plan<'m> {
        let mut plan = Plan { nodes: Vec::new(), by_id: BTreeMap::new(), members: BTreeSet::new() };
        plan.children(&schema.children, None, false);
        for (index, node) in plan.nodes.iter().enumerate() {
            plan.by_id.entry(node.id()).or_default().push(index);
            if !node.is_info() && node.is_declared() {
                plan.members.insert((node.parent, node.name.clone()));
            }
        }
        plan
    }

    fn children(&mut self, children: &'m [Child], parent: Option<usize>, in_choice: bool) {
        let mut scope = Scope::default();
        for child in children {
            let mut multiplicity = child.multiplicity;
            if in_choice {
                multiplicity.min = 0;
            }
            let name = match &child.element {
                Element::Group(g) => names::snake(&one_line(names::naming_text(&g.label, &g.name)), "gruppe"),
                Element::Field(f) if f.kind == "label" => names::snake(&one_line(&f.label), "hinweis"),
                Element::Field(f) => names::snake(&one_line(names::naming_text(&f.label, &f.name)), "feld"),
            };
            let index = self.nodes.len();
            self.nodes.push(Node {
                element: &child.element,
                parent,
                name: scope.claim(name),
                multiplicity,
                in_choice,
                end: index + 1,
            });
            if let Element::Group(g) = &child.element {
                self.children(&g.children, Some(index), g.choice);
            }
            self.nodes[index].end = self.nodes.len();
        }
    }

    /// The occurrences below `owner` (the whole form for `None`).
    pub fn subtree(&self, owner: Option<usize>) -> std::ops::Range<usize> {
        match owner {
            Some(owner) => owner + 1..self.nodes[owner].end,
            None => 0..self.nodes.len(),
        }
    }

    /// The one occurrence of `id` below `owner` whose ancestors include `prefix` (the ids before
    /// it in `G1.G2.F3`, outermost first); `None` when there is none or more than one.
    pub fn find(&self, owner: Option<usize>, prefix: &[String], id: &str) -> Option<usize> {
        match self.find_all(owner, prefix, id).as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }

    /// Every occurrence of `id` below `owner` whose ancestors include `prefix`, in order.
    pub fn find_all(&self, owner: Option<usize>, prefix: &[String], id: &str) -> Vec<usize> {
        let range = self.subtree(owner);
        self.by_id
            .get(id)
            .into_iter()
            .flatten()
            .copied()
            .filter(|i| range.contains(i) && self.nodes[*i].is_declared())
            .filter(|i| self.has_ancestors(*i, prefix))
            .collect()
    }

    fn has_ancestors(&self, index: usize, prefix: &[String]) -> bool {
        let mut wanted = prefix.iter().rev();
        let mut next = wanted.next();
        let mut at = self.nodes[index].parent;
        while let (Some(id), Some(a)) = (next, at) {
            if self.nodes[a].id() == id {
                next = wanted.next();
            }
            at = self.nodes[a].parent;
        }
        next.is_none()
    }

    /// The occurrences from the root down to `index`, itself included.
    pub fn chain(&self, index: usize) -> Vec<usize> {
        let mut chain = vec![index];
        let mut at = self.nodes[index].parent;
        while let Some(a) = at {
            chain.push(a);
            at = self.nodes[a].parent;
        }
        chain.reverse();
        chain
    }

    /// Whether `a` is `b` or lies above it.
    pub fn contains(&self, a: usize, b: usize) -> bool {
        (a..self.nodes[a].end).contains(&b)
    }

    /// Whether the object `container` (the root for `None`) has a data member named `name`.
    fn has_member(&self, container: Option<usize>, name: &Name) -> bool {
        self.members.contains(&(container, name.clone()))
    }

    /// How an expression in the object `scope` (a group or repeat, the root for `None`) names
    /// the occurrence `target`, following the checker's lookup (innermost object first); `None`
    /// when the name would find another element first or would reach into a repeat.
    pub fn path_from(&self, scope: Option<usize>, target: usize) -> Option<Vec<Name>> {
        let scope_chain: Vec<usize> = scope.map(|s| self.chain(s)).unwrap_or_default();
        let target_chain = self.chain(target);
        let common = scope_chain.iter().zip(&target_chain).take_while(|(a, b)| a == b).count();
        let written = &target_chain[common..];
        if written.is_empty() || written.iter().any(|i| self.nodes[*i].is_repeat() || self.nodes[*i].is_info()) {
            return None;
        }
        let first = &self.nodes[written[0]].name;
        // Objects between the scope and the common ancestor are looked in first.
        for k in (common..scope_chain.len()).rev() {
            if self.has_member(Some(scope_chain[k]), first) {
                return None;
            }
        }
        Some(written.iter().map(|i| self.nodes[*i].name.clone()).collect())
    }
}
