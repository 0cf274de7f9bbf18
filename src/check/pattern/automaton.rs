//! The position (Glushkov) automaton of a portable pattern, counting how many ways the
//! pattern's syntax leads from one position to the next.
//!
//! A position is one character atom of the pattern (a literal, `.`, a class). Reading a
//! character moves from a position to a following one whose class contains it. Where the
//! syntax gives two ways to make the same move (the two loops of `(a+)+`, the two empty
//! branches of `(|)`), the edge counts both: a backtracking engine tries each of them, so they
//! are as ambiguous as two different positions. Counts saturate at 2, which is all the
//! analysis needs. As in ECMA-262, an iteration of a loop that matches nothing is not
//! repeated, so the empty ways of a loop's body are not multiplied.
//!
//! Counted repetitions are written out (`x{2,4}` is `xx(x(x)?)?`), up to
//! [`MAX_POSITIONS`] positions in all.

use std::collections::BTreeMap;

use regex_syntax::ast::{self as rx, Ast, ClassPerlKind, ClassSet, ClassSetItem, RepetitionKind, RepetitionRange};

/// The most positions a pattern may have once counted repetitions are written out.
pub const MAX_POSITIONS: usize = 1_000;

/// A set of characters as sorted, disjoint, inclusive ranges of code points.
pub type CharSet = Vec<(u32, u32)>;

/// A number of ways, saturating at 2 ("more than one").
pub type Ways = u8;

fn add(a: Ways, b: Ways) -> Ways {
    a.saturating_add(b).min(2)
}

fn times(a: Ways, b: Ways) -> Ways {
    a.saturating_mul(b).min(2)
}

/// An unbounded repetition (`*`, `+`, `{n,}`) and the positions of the body it repeats.
pub struct Loop {
    pub span: rx::Span,
    pub positions: std::ops::Range<usize>,
    /// The steps between its positions as the loop itself makes them, without the ways that
    /// enclosing loops add later (those are the enclosing loops' ambiguity).
    pub follow: Vec<BTreeMap<usize, Ways>>,
}

pub struct Automaton {
    /// The characters each position reads.
    pub classes: Vec<CharSet>,
    /// Where each position's atom stands in the pattern.
    pub spans: Vec<rx::Span>,
    /// The positions that can come first, with the number of ways.
    pub first: BTreeMap<usize, Ways>,
    /// `follow[x]`: the positions that can come after `x`, with the number of ways.
    pub follow: Vec<BTreeMap<usize, Ways>>,
    /// Inner loops before the loops that contain them.
    pub loops: Vec<Loop>,
}

/// The pattern has more than [`MAX_POSITIONS`] positions.
pub struct TooLarge;

/// The first and last positions and the empty ways of a part of the pattern.
#[derive(Default)]
struct Part {
    first: BTreeMap<usize, Ways>,
    last: BTreeMap<usize, Ways>,
    empty: Ways,
}

impl Part {
    fn empty() -> Part {
        Part { empty: 1, ..Part::default() }
    }
}

/// Builds the automaton of the pattern's top-level nodes (anchors already removed).
pub fn build(nodes: &[&Ast]) -> Result<Automaton, TooLarge> {
    let mut automaton = Automaton {
        classes: Vec::new(),
        spans: Vec::new(),
        first: BTreeMap::new(),
        follow: Vec::new(),
        loops: Vec::new(),
    };
    let mut whole = Part::empty();
    for node in nodes {
        let part = automaton.part(node)?;
        whole = automaton.concat(whole, part);
    }
    automaton.first = whole.first;
    Ok(automaton)
}

impl Automaton {
    fn position(&mut self, class: CharSet, span: rx::Span) -> Result<Part, TooLarge> {
        if self.classes.len() >= MAX_POSITIONS {
            return Err(TooLarge);
        }
        let at = self.classes.len();
        self.classes.push(class);
        self.spans.push(span);
        self.follow.push(BTreeMap::new());
        Ok(Part { first: BTreeMap::from([(at, 1)]), last: BTreeMap::from([(at, 1)]), empty: 0 })
    }

    fn link(&mut self, from: &BTreeMap<usize, Ways>, to: &BTreeMap<usize, Ways>) {
        for (&x, &ways_x) in from {
            for (&y, &ways_y) in to {
                let entry = self.follow[x].entry(y).or_insert(0);
                *entry = add(*entry, times(ways_x, ways_y));
            }
        }
    }

    fn concat(&mut self, a: Part, b: Part) -> Part {
        self.link(&a.last, &b.first);
        let mut first = a.first;
        for (&y, &ways) in &b.first {
            let entry = first.entry(y).or_insert(0);
            *entry = add(*entry, times(a.empty, ways));
        }
        first.retain(|_, ways| *ways > 0);
        let mut last = b.last;
        for (&x, &ways) in &a.last {
            let entry = last.entry(x).or_insert(0);
            *entry = add(*entry, times(b.empty, ways));
        }
        last.retain(|_, ways| *ways > 0);
        Part { first, last, empty: times(a.empty, b.empty) }
    }

    fn alternation(a: Part, b: Part) -> Part {
        let mut first = a.first;
        for (y, ways) in b.first {
            let entry = first.entry(y).or_insert(0);
            *entry = add(*entry, ways);
        }
        let mut last = a.last;
        for (x, ways) in b.last {
            let entry = last.entry(x).or_insert(0);
            *entry = add(*entry, ways);
        }
        Part { first, last, empty: add(a.empty, b.empty) }
    }

    fn part(&mut self, ast: &Ast) -> Result<Part, TooLarge> {
        Ok(match ast {
            Ast::Empty(_) | Ast::Flags(_) | Ast::Assertion(_) => Part::empty(),
            Ast::Literal(literal) => self.position(vec![(literal.c as u32, literal.c as u32)], literal.span)?,
            Ast::Dot(span) => self.position(dot_set(), **span)?,
            Ast::ClassPerl(class) => {
                let set = perl_set(&class.kind);
                self.position(if class.negated { complement(&set) } else { set }, class.span)?
            }
            Ast::ClassUnicode(class) => self.position(full_set(), class.span)?,
            Ast::ClassBracketed(class) => {
                let set = class_set(&class.kind);
                self.position(if class.negated { complement(&set) } else { set }, class.span)?
            }
            Ast::Group(group) => self.part(&group.ast)?,
            Ast::Concat(concat) => {
                let mut whole = Part::empty();
                for node in &concat.asts {
                    let part = self.part(node)?;
                    whole = self.concat(whole, part);
                }
                whole
            }
            Ast::Alternation(alternation) => {
                let mut whole = Part::default();
                for branch in &alternation.asts {
                    let part = self.part(branch)?;
                    whole = Automaton::alternation(whole, part);
                }
                whole
            }
            Ast::Repetition(repetition) => self.repetition(repetition)?,
        })
    }

    fn repetition(&mut self, repetition: &rx::Repetition) -> Result<Part, TooLarge> {
        let body = &repetition.ast;
        let (min, max) = match &repetition.op.kind {
            RepetitionKind::ZeroOrOne => (0, Some(1)),
            RepetitionKind::ZeroOrMore => (0, None),
            RepetitionKind::OneOrMore => (1, None),
            RepetitionKind::Range(RepetitionRange::Exactly(n)) => (*n, Some(*n)),
            RepetitionKind::Range(RepetitionRange::AtLeast(n)) => (*n, None),
            RepetitionKind::Range(RepetitionRange::Bounded(n, m)) => (*n, Some(*m)),
        };
        // The mandatory copies; with no maximum the last one loops.
        let mandatory = match max {
            None => min.saturating_sub(1),
            Some(_) => min,
        };
        if mandatory as usize >= MAX_POSITIONS {
            return Err(TooLarge);
        }
        let mut whole = Part::empty();
        for _ in 0..mandatory {
            let copy = self.part(body)?;
            whole = self.concat(whole, copy);
        }
        let tail = match max {
            None => {
                let start = self.classes.len();
                let mut copy = self.part(body)?;
                self.link(&copy.last, &copy.first);
                let positions = start..self.classes.len();
                let follow = positions
                    .clone()
                    .map(|x| {
                        self.follow[x].iter().filter(|(y, _)| positions.contains(y)).map(|(&y, &w)| (y, w)).collect()
                    })
                    .collect();
                self.loops.push(Loop { span: repetition.span, positions, follow });
                // ECMA-262 stops a loop at an empty iteration; the body's empty ways count only
                // where the repetition may be left out, not once per iteration.
                copy.empty = if min == 0 { 1 } else { copy.empty };
                copy
            }
            Some(max) => {
                let optional = max.saturating_sub(min);
                if optional as usize >= MAX_POSITIONS {
                    return Err(TooLarge);
                }
                // `(x(x(x)?)?)?`, built from the inside out.
                let mut copies = Vec::new();
                for _ in 0..optional {
                    copies.push(self.part(body)?);
                }
                let mut tail = Part::empty();
                while let Some(copy) = copies.pop() {
                    let inner = self.concat(copy, tail);
                    tail = Automaton::alternation(inner, Part::empty());
                }
                tail
            }
        };
        Ok(self.concat(whole, tail))
    }
}

/// Every code point but the surrogates.
fn full_set() -> CharSet {
    vec![(0, 0xD7FF), (0xE000, 0x10FFFF)]
}

/// `.` as the portable form means it: anything but line terminators.
fn dot_set() -> CharSet {
    complement(&[(0x0A, 0x0A), (0x0D, 0x0D), (0x2028, 0x2029)])
}

/// `\d` and `\w` with their ASCII meaning (the portable form writes them out so).
fn perl_set(kind: &ClassPerlKind) -> CharSet {
    match kind {
        ClassPerlKind::Digit => vec![(0x30, 0x39)],
        ClassPerlKind::Word => normalise(vec![(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)]),
        // Not portable (rejected before); every character is the safe assumption.
        ClassPerlKind::Space => full_set(),
    }
}

fn class_set(set: &ClassSet) -> CharSet {
    match set {
        ClassSet::Item(item) => normalise(item_ranges(item)),
        // Not portable (rejected before); every character is the safe assumption.
        ClassSet::BinaryOp(_) => full_set(),
    }
}

fn item_ranges(item: &ClassSetItem) -> Vec<(u32, u32)> {
    match item {
        ClassSetItem::Empty(_) => Vec::new(),
        ClassSetItem::Literal(literal) => vec![(literal.c as u32, literal.c as u32)],
        ClassSetItem::Range(range) => vec![(range.start.c as u32, range.end.c as u32)],
        ClassSetItem::Perl(class) => {
            let set = perl_set(&class.kind);
            if class.negated {
                complement(&set)
            } else {
                set
            }
        }
        ClassSetItem::Bracketed(class) => {
            let set = class_set(&class.kind);
            if class.negated {
                complement(&set)
            } else {
                set
            }
        }
        ClassSetItem::Union(union) => union.items.iter().flat_map(item_ranges).collect(),
        ClassSetItem::Ascii(_) | ClassSetItem::Unicode(_) => full_set(),
    }
}

fn normalise(mut ranges: Vec<(u32, u32)>) -> CharSet {
    ranges.sort_unstable();
    let mut out: CharSet = Vec::new();
    for (start, end) in ranges {
        match out.last_mut() {
            Some(last) if start <= last.1.saturating_add(1) => last.1 = last.1.max(end),
            _ => out.push((start, end)),
        }
    }
    out
}

/// The code points (surrogates excluded) that are not in `set`.
fn complement(set: &[(u32, u32)]) -> CharSet {
    let mut out = Vec::new();
    let mut next = 0u32;
    for &(start, end) in normalise(set.to_vec()).iter() {
        if start > next {
            out.push((next, start - 1));
        }
        next = end.saturating_add(1);
    }
    if next <= 0x10FFFF {
        out.push((next, 0x10FFFF));
    }
    intersect(&out, &full_set())
}

/// The characters in both sets.
pub fn intersect(a: &[(u32, u32)], b: &[(u32, u32)]) -> CharSet {
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let start = a[i].0.max(b[j].0);
        let end = a[i].1.min(b[j].1);
        if start <= end {
            out.push((start, end));
        }
        if a[i].1 < b[j].1 {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// A readable character of a non-empty set, for witnesses: a letter or digit if there is
/// one, else the first printable character, else the first.
pub fn sample(set: &[(u32, u32)]) -> char {
    let pick = |wanted: &dyn Fn(char) -> bool| {
        set.iter().find_map(|&(start, end)| {
            (start..=end.min(start.saturating_add(0x3000))).filter_map(char::from_u32).find(|&c| wanted(c))
        })
    };
    pick(&|c: char| c.is_ascii_alphanumeric())
        .or_else(|| pick(&|c: char| !c.is_control() && !c.is_whitespace()))
        .or_else(|| set.first().and_then(|&(start, _)| char::from_u32(start)))
        .unwrap_or('?')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn automaton(pattern: &str) -> Automaton {
        let ast = rx::parse::Parser::new().parse(pattern).unwrap();
        build(&[&ast]).unwrap_or_else(|_| panic!("{pattern} is too large"))
    }

    #[test]
    fn two_loops_over_one_position_are_two_ways() {
        let a = automaton("(a+)+");
        assert_eq!(a.classes.len(), 1);
        assert_eq!(a.follow[0][&0], 2);
        // Each loop keeps its own ways: the inner one has one, the outer one adds the second.
        assert_eq!(a.loops[0].follow[0][&0], 1);
        assert_eq!(a.loops[1].follow[0][&0], 2);
        let b = automaton("a+");
        assert_eq!(b.follow[0][&0], 1);
    }

    #[test]
    fn counted_repetitions_are_written_out_unambiguously() {
        let a = automaton("x{2,4}");
        assert_eq!(a.classes.len(), 4);
        assert!(a.follow.iter().all(|f| f.values().all(|&w| w == 1)));
        assert_eq!(a.first, BTreeMap::from([(0, 1)]));
        assert!(build(&[&rx::parse::Parser::new().parse(".{200}{50}").unwrap()]).is_err());
    }

    #[test]
    fn empty_branches_count() {
        let a = automaton("x(|)y");
        assert_eq!(a.follow[0][&1], 2);
        let b = automaton("xy?z");
        assert_eq!(b.follow[0][&2], 1);
    }

    #[test]
    fn sets() {
        assert_eq!(complement(&[(0, 0x60), (0x7B, 0x10FFFF)]), vec![(0x61, 0x7A)]);
        assert_eq!(intersect(&[(0, 10), (20, 30)], &[(5, 25)]), vec![(5, 10), (20, 25)]);
        assert_eq!(sample(&dot_set()), '0');
        assert_eq!(sample(&[(0x20, 0x20)]), ' ');
    }
}
