//! Patterns that a backtracking engine (ECMA-262 in browsers and JSON Schema validators)
//! may take more than linear time to reject: a static analysis of ambiguity on the position
//! automaton (Weber and Seidl's criteria, as used for ReDoS detection by Weideman et al.).
//!
//! - **Exponential**: a loop can read some text `w` from a position back to itself in two
//!   ways (two different paths, or one path with two syntactic ways for a step). Then
//!   `w` repeated k times can be read in 2^k ways, and an engine tries all of them before it
//!   fails: `(a+)+`, `(a|aa)*`, `(x+x+)+`. Found as a strongly connected component of the
//!   pair automaton that holds a diagonal state `(p, p)` and a state or step where the two
//!   copies differ.
//! - **Polynomial**: two different loops `p`, `q` where some text `w` leads from `p` to
//!   itself, from `p` to `q` and from `q` to itself: `w^k` splits between them in k ways,
//!   and each further such pair multiplies: `[a-z]*[a-z]*`, `.*@.*`. Found by a search in
//!   the triple automaton from `(p, p, q)` to `(p, q, q)`.
//!
//! Both searches are bounded by [`MAX_STEPS`]; a pattern that needs more is too complex to
//! prove safe and rejected as such, deterministically.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use regex_syntax::ast as rx;

use super::automaton::{intersect, sample, Automaton, CharSet};

/// The most states the searches visit for one pattern.
pub const MAX_STEPS: usize = 2_000_000;

/// Why a pattern is not safe.
#[derive(Debug, PartialEq)]
pub enum Finding {
    /// The loop at `span` reads `witness` from one of its positions back to it in two ways.
    Exponential { span: rx::Span, witness: String },
    /// The loops at `first` and `second` can both read `witness`, and it also leads from the
    /// first to the second.
    Polynomial { first: rx::Span, second: rx::Span, witness: String },
    /// The searches would take more than [`MAX_STEPS`].
    TooComplex,
}

struct Budget(usize);

impl Budget {
    fn spend(&mut self) -> Result<(), Finding> {
        self.0 += 1;
        if self.0 > MAX_STEPS {
            Err(Finding::TooComplex)
        } else {
            Ok(())
        }
    }
}

/// The first problem of the pattern: exponential ones first, inner loops before outer ones.
pub fn analyse(automaton: &Automaton) -> Option<Finding> {
    let mut budget = Budget(0);
    let result = exponential(automaton, &mut budget).and_then(|()| polynomial(automaton, &mut budget));
    result.err()
}

/// A step of two copies that read the same character: the next positions, and a character
/// both read.
fn common(automaton: &Automaton, y1: usize, y2: usize) -> Option<CharSet> {
    let both = intersect(&automaton.classes[y1], &automaton.classes[y2]);
    (!both.is_empty()).then_some(both)
}

fn exponential(automaton: &Automaton, budget: &mut Budget) -> Result<(), Finding> {
    for lp in &automaton.loops {
        let steps = |x: usize| &lp.follow[x - lp.positions.start];
        // The pair automaton over the loop's positions, from every diagonal state.
        let mut index: BTreeMap<(usize, usize), usize> = BTreeMap::new();
        let mut nodes: Vec<(usize, usize)> = Vec::new();
        let mut edges: Vec<Vec<(usize, bool, char)>> = Vec::new();
        let mut queue = VecDeque::new();
        for p in lp.positions.clone() {
            index.insert((p, p), nodes.len());
            nodes.push((p, p));
            edges.push(Vec::new());
            queue.push_back((p, p));
        }
        while let Some((x1, x2)) = queue.pop_front() {
            let from = index[&(x1, x2)];
            for (&y1, &ways1) in steps(x1) {
                for (&y2, &ways2) in steps(x2) {
                    budget.spend()?;
                    let Some(both) = common(automaton, y1, y2) else { continue };
                    // Two syntactic ways for the same step of both copies: they differ here.
                    let split = x1 == x2 && y1 == y2 && ways1.min(ways2) >= 2;
                    let to = *index.entry((y1, y2)).or_insert_with(|| {
                        nodes.push((y1, y2));
                        edges.push(Vec::new());
                        queue.push_back((y1, y2));
                        nodes.len() - 1
                    });
                    edges[from].push((to, split, sample(&both)));
                }
            }
        }
        let components = strongly_connected(&edges);
        let mut by_component: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (node, &component) in components.iter().enumerate() {
            by_component.entry(component).or_default().push(node);
        }
        for (&component, members) in &by_component {
            let Some(&diagonal) = members.iter().find(|&&n| nodes[n].0 == nodes[n].1) else { continue };
            let within = |n: usize| components[n] == component;
            // A state where the copies are apart, or a step where they split.
            let apart = members.iter().find(|&&n| nodes[n].0 != nodes[n].1).map(|&n| (n, None));
            let split = || {
                members.iter().find_map(|&n| {
                    edges[n].iter().find(|(to, split, _)| *split && within(*to)).map(|&(to, _, c)| (n, Some((to, c))))
                })
            };
            let Some((via, step)) = apart.or_else(split) else { continue };
            let mut witness = path(&edges, diagonal, via, &within);
            let back_from = match step {
                Some((to, c)) => {
                    witness.push(c);
                    to
                }
                None => via,
            };
            witness.extend(path(&edges, back_from, diagonal, &within));
            return Err(Finding::Exponential { span: lp.span, witness: witness.into_iter().collect() });
        }
    }
    Ok(())
}

/// The characters of a shortest path from `from` to `to` through nodes `within` allows.
fn path(edges: &[Vec<(usize, bool, char)>], from: usize, to: usize, within: &dyn Fn(usize) -> bool) -> Vec<char> {
    if from == to {
        return Vec::new();
    }
    let mut parent: BTreeMap<usize, (usize, char)> = BTreeMap::new();
    let mut queue = VecDeque::from([from]);
    while let Some(node) = queue.pop_front() {
        for &(next, _, c) in &edges[node] {
            if next == from || !within(next) || parent.contains_key(&next) {
                continue;
            }
            parent.insert(next, (node, c));
            if next == to {
                let mut out = Vec::new();
                let mut at = to;
                while at != from {
                    let (previous, c) = parent[&at];
                    out.push(c);
                    at = previous;
                }
                out.reverse();
                return out;
            }
            queue.push_back(next);
        }
    }
    Vec::new()
}

/// Tarjan's algorithm, iteratively: the component of every node (numbered in reverse
/// topological order).
fn strongly_connected<T>(edges: &[Vec<(usize, T, char)>]) -> Vec<usize> {
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut component = vec![usize::MAX; n];
    let mut stack = Vec::new();
    let mut next_index = 0;
    let mut n_components = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut calls: Vec<(usize, usize)> = vec![(root, 0)];
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (node, ref mut edge)) = calls.last_mut() {
            if let Some(&(next, _, _)) = edges[node].get(*edge) {
                *edge += 1;
                if index[next] == usize::MAX {
                    index[next] = next_index;
                    low[next] = next_index;
                    next_index += 1;
                    stack.push(next);
                    on_stack[next] = true;
                    calls.push((next, 0));
                } else if on_stack[next] {
                    low[node] = low[node].min(index[next]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(parent, _)) = calls.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = n_components;
                    if member == node {
                        break;
                    }
                }
                n_components += 1;
            }
        }
    }
    component
}

fn polynomial(automaton: &Automaton, budget: &mut Budget) -> Result<(), Finding> {
    let n = automaton.classes.len();
    let edges: Vec<Vec<(usize, (), char)>> =
        automaton.follow.iter().map(|f| f.keys().map(|&y| (y, (), '\0')).collect()).collect();
    let components = strongly_connected(&edges);
    // Positions on a cycle, by component.
    let mut cyclic: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for x in 0..n {
        if edges[x].iter().any(|&(y, _, _)| components[y] == components[x]) {
            cyclic.entry(components[x]).or_default().push(x);
        }
    }
    let reach = |from: &[usize]| -> BTreeSet<usize> {
        let mut seen: BTreeSet<usize> = from.iter().copied().collect();
        let mut queue: VecDeque<usize> = from.iter().copied().collect();
        while let Some(x) = queue.pop_front() {
            for &(y, _, _) in &edges[x] {
                if seen.insert(y) {
                    queue.push_back(y);
                }
            }
        }
        seen
    };
    let mut reverse: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (x, out) in edges.iter().enumerate() {
        for &(y, _, _) in out {
            reverse[y].push(x);
        }
    }
    for (&p_component, p_members) in &cyclic {
        let after_p = reach(p_members);
        for (&q_component, q_members) in &cyclic {
            if q_component == p_component || !q_members.iter().any(|q| after_p.contains(q)) {
                continue;
            }
            // The positions on some way from P to Q.
            let mut before_q: BTreeSet<usize> = q_members.iter().copied().collect();
            let mut queue: VecDeque<usize> = q_members.iter().copied().collect();
            while let Some(y) = queue.pop_front() {
                for &x in &reverse[y] {
                    if before_q.insert(x) {
                        queue.push_back(x);
                    }
                }
            }
            let between: BTreeSet<usize> = after_p.intersection(&before_q).copied().collect();
            for &p in p_members {
                for &q in q_members {
                    if let Some(witness) = triple(automaton, &components, p, q, &between, budget)? {
                        return Err(Finding::Polynomial {
                            first: outermost_loop(automaton, p),
                            second: outermost_loop(automaton, q),
                            witness,
                        });
                    }
                }
            }
        }
    }
    Ok(())
}

/// A state of three copies of the automaton.
type Triple = (usize, usize, usize);

/// A text that leads from `p` to `p`, from `p` to `q` and from `q` to `q` at once.
fn triple(
    automaton: &Automaton,
    components: &[usize],
    p: usize,
    q: usize,
    between: &BTreeSet<usize>,
    budget: &mut Budget,
) -> Result<Option<String>, Finding> {
    let start = (p, p, q);
    let goal = (p, q, q);
    let mut parent: BTreeMap<Triple, (Triple, char)> = BTreeMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some((x, y, z)) = queue.pop_front() {
        for &x2 in automaton.follow[x].keys().filter(|&&x2| components[x2] == components[p]) {
            for &y2 in automaton.follow[y].keys().filter(|y2| between.contains(y2)) {
                let Some(xy) = common(automaton, x2, y2) else { continue };
                for &z2 in automaton.follow[z].keys().filter(|&&z2| components[z2] == components[q]) {
                    budget.spend()?;
                    let all = intersect(&xy, &automaton.classes[z2]);
                    let next = (x2, y2, z2);
                    if all.is_empty() || next == start || parent.contains_key(&next) {
                        continue;
                    }
                    parent.insert(next, ((x, y, z), sample(&all)));
                    if next == goal {
                        let mut out = Vec::new();
                        let mut at = goal;
                        while at != start {
                            let (previous, c) = parent[&at];
                            out.push(c);
                            at = previous;
                        }
                        return Ok(Some(out.into_iter().rev().collect()));
                    }
                    queue.push_back(next);
                }
            }
        }
    }
    Ok(None)
}

/// The span of the widest loop around position `x`.
fn outermost_loop(automaton: &Automaton, x: usize) -> rx::Span {
    automaton
        .loops
        .iter()
        .filter(|lp| lp.positions.contains(&x))
        .max_by_key(|lp| lp.positions.len())
        .map_or(automaton.spans[x], |lp| lp.span)
}

#[cfg(test)]
mod tests {
    use super::super::automaton;
    use super::*;

    fn finding(pattern: &str) -> Option<Finding> {
        let ast = rx::parse::Parser::new().parse(pattern).unwrap();
        let automaton = automaton::build(&[&ast]).unwrap_or_else(|_| panic!("{pattern} is too large"));
        analyse(&automaton)
    }

    fn is_exponential(pattern: &str) -> bool {
        matches!(finding(pattern), Some(Finding::Exponential { .. }))
    }

    fn is_polynomial(pattern: &str) -> bool {
        matches!(finding(pattern), Some(Finding::Polynomial { .. }))
    }

    #[test]
    fn the_classic_exponential_patterns() {
        for pattern in [
            "(a+)+",
            "(a|aa)*c",
            "(x+x+)+y",
            "(a*)*",
            "(a|a)*",
            "([a-z]|[0-9a-f])*",
            "(a?b?)*",
            "(x(|))*",
            "(a{1,3})+",
            "(\\d+\\.?)+x",
            "([A-Za-z]+ ?)+",
        ] {
            assert!(is_exponential(pattern), "{pattern}: {:?}", finding(pattern));
        }
    }

    #[test]
    fn polynomial_patterns() {
        for pattern in ["[a-z]*[a-z]*", ".*@.*", "\\d+0*\\d+", "a*b?a*", "[A-Za-z ]*[A-Za-z]+"] {
            assert!(is_polynomial(pattern), "{pattern}: {:?}", finding(pattern));
        }
    }

    #[test]
    fn real_patterns_are_safe() {
        for pattern in [
            "[0-9]{5}",
            "([0]{1}[1-9]{1}|[1-9]{1}[0-9]{1})[0-9]{3}",
            "[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{1,63}",
            "[A-Za-zÄÖÜäöüß .'-]*",
            "[A-Za-zÄÖÜäöüß]+([ -][A-Za-zÄÖÜäöüß]+)*",
            "\\+?[0-9 ()/-]{6,30}",
            "[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}",
            "[A-Z][a-z]*( [A-Z][a-z]*)*",
            "(ab|cd){2,3}?",
            "[^,]*(,[^,]*)*",
            "a*",
            "",
        ] {
            assert_eq!(finding(pattern), None, "{pattern}");
        }
    }

    #[test]
    fn the_loop_that_adds_the_second_way_is_named() {
        let Some(Finding::Exponential { span, .. }) = finding("x(a+)+") else { panic!() };
        assert_eq!((span.start.offset, span.end.offset), (1, 6));
        let Some(Finding::Exponential { span, .. }) = finding("((a|a)*)*") else { panic!() };
        assert_eq!((span.start.offset, span.end.offset), (1, 7));
    }

    #[test]
    fn witnesses_are_read_both_ways() {
        let Some(Finding::Exponential { witness, .. }) = finding("(a|aa)*c") else { panic!() };
        assert!(!witness.is_empty() && witness.chars().all(|c| c == 'a'), "{witness}");
        let Some(Finding::Polynomial { witness, .. }) = finding(".*@.*") else { panic!() };
        assert!(witness.contains('@'), "{witness}");
    }
}
