//! FIM rules (`freitextRegel`, XDF2 `definition`) → `visible when`, `required when` and rules,
//! when the German prose has one of the shapes real files use and its meaning is unambiguous:
//!
//! - **when-then** (`wenn-dann`): `WENN F1 = 001 DANN aktiviere G2`, `Wenn das Feld F1 <> "wahr",
//!   dann darf die Feldgruppe G2 nicht befüllt sein`, `… soll F2 zum Pflichtfeld werden`, `SONST …`,
//!   several lines about one controlling element;
//! - **at least one** (`mindestens-eines`): `Es muss mindestens eines der Felder F1, F2 oder F3 befüllt sein`;
//! - **at least one true** (`mindestens-eines-wahr`): `Mindestens eines der Felder F1 … muss den Wert "wahr" haben`;
//! - **exactly one** (`entweder-oder`): `Es muss entweder die Feldgruppe G1 oder G2 befüllt werden`.
//!
//! A rule is translated only when every sentence is recognised, every element reference
//! names exactly one occurrence below the rule's owner, every value is a code of the field's
//! list (or yes/no for a yes/no field), and the lines say, for each element they switch, the
//! same thing for every value. Anything else stays a comment with the reason and the paths it
//! concerns. Nothing here writes source: the printer renders the decisions.

use std::collections::{BTreeMap, BTreeSet};

use super::codelist::Library;
use super::model::*;
use super::plan::Plan;
use super::print::one_line;
use super::report::{Condition, Held, Meaning, Reading};
use super::source::Name;

/// The recognised shapes of a rule text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Shape {
    WhenThen,
    AtLeastOne,
    AtLeastOneTrue,
    ExactlyOne,
    Other,
}

impl Shape {
    pub fn label(self) -> &'static str {
        match self {
            Shape::WhenThen => "wenn-dann",
            Shape::AtLeastOne => "mindestens-eines",
            Shape::AtLeastOneTrue => "mindestens-eines-wahr",
            Shape::ExactlyOne => "entweder-oder",
            Shape::Other => "other",
        }
    }
}

/// A value of a controlling element: what a condition can test.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Value {
    Absent,
    /// Any value (of an element that is only tested for presence).
    Present,
    Bool(bool),
    Code(String),
}

/// What a controlling element can hold.
#[derive(Clone, Debug)]
pub enum Domain {
    Choice(Vec<(String, String)>),
    Bool,
    Presence,
}

impl Domain {
    fn values(&self) -> BTreeSet<Value> {
        let mut all: BTreeSet<Value> = match self {
            Domain::Choice(codes) => codes.iter().map(|(c, _)| Value::Code(c.clone())).collect(),
            Domain::Bool => [Value::Bool(true), Value::Bool(false)].into(),
            Domain::Presence => [Value::Present].into(),
        };
        all.insert(Value::Absent);
        all
    }
}

/// A condition on one element, as the set of its values for which it holds.
#[derive(Clone, Debug)]
pub struct Cond {
    /// How the condition names the element, from the object it stands in.
    pub path: Vec<Name>,
    pub domain: Domain,
    pub values: BTreeSet<Value>,
    /// The occurrence it tests (so that sharing a group can tell whether it looks outside).
    pub controller: usize,
}

/// Whether an element is required.
#[derive(Clone, Debug)]
pub enum Require {
    /// As its multiplicity says.
    Keep,
    /// Always (when shown).
    Always,
    When(Cond),
}

/// What a rule decides about one element.
#[derive(Clone, Debug)]
pub struct Decision {
    /// The FIM id of the rule, for the comment at the element.
    pub rule: String,
    pub visible: Option<Cond>,
    pub required: Require,
}

/// A rule over several members of its owner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    AtLeastOne,
    AtLeastOneTrue,
    ExactlyOne,
}

/// What became of one rule.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// Conditions on these elements (printed in their blocks).
    Conditions(Vec<usize>),
    /// A rule over these members (paths from the owner) with their labels and occurrences.
    Rule(Check, Vec<(Vec<Name>, String, usize)>),
    /// Kept as a comment: why, and the occurrences it names that could be found.
    Kept(&'static str, Vec<usize>),
}

/// Every rule of a file, translated in pre-order before anything is printed.
#[derive(Default)]
pub struct Decisions {
    /// Per rule, by owner (`None`: the form) and position among its rules: its FIM id, shape
    /// and outcome.
    pub rules: BTreeMap<(Option<usize>, usize), (String, Shape, Outcome)>,
    /// Per element occurrence.
    pub targets: BTreeMap<usize, Decision>,
}

/// Translates every rule of the schema. Rules are keyed by the occurrence that holds them
/// (`None`: the form); a field's rules are about its neighbours, so they are read in its group.
pub fn decide(schema: &Schema, plan: &Plan, library: &Library) -> Decisions {
    let mut decisions = Decisions::default();
    let mut owners: Vec<(Option<usize>, Option<usize>, &[RuleDoc])> = vec![(None, None, &schema.rules)];
    for (index, node) in plan.nodes.iter().enumerate() {
        match node.element {
            Element::Field(f) if !f.rules.is_empty() => owners.push((Some(index), node.parent, &f.rules)),
            Element::Group(g) if !g.rules.is_empty() => owners.push((Some(index), Some(index), &g.rules)),
            _ => {}
        }
    }
    for (key, owner, rules) in owners {
        for (position, rule) in rules.iter().enumerate() {
            let (shape, outcome) = translate(plan, library, owner, rule, &mut decisions.targets);
            decisions.rules.insert((key, position), (rule.ident.id.clone(), shape, outcome));
        }
    }
    decisions
}

/// What every translated rule means for a submission, in the report's terms.
pub fn readings(plan: &Plan, decisions: &Decisions) -> Vec<Reading> {
    let path = |node: usize| -> Vec<String> {
        plan.chain(node).into_iter().map(|n| plan.nodes[n].name.as_str().to_string()).collect()
    };
    let held = |value: &Value| match value {
        Value::Absent => Held::Absent,
        Value::Present => Held::Present,
        Value::Bool(b) => Held::Bool(*b),
        Value::Code(code) => Held::Code(code.clone()),
    };
    let test = |cond: &Cond| Condition {
        controller: path(cond.controller),
        holds: cond.values.iter().map(held).collect(),
        fails: cond.domain.values().difference(&cond.values).map(held).collect(),
    };
    let mut out = Vec::new();
    for (id, shape, outcome) in decisions.rules.values() {
        match outcome {
            Outcome::Conditions(targets) => {
                for target in targets {
                    let decision = &decisions.targets[target];
                    let reading = |meaning| Reading { rule: decision.rule.clone(), shape: shape.label(), meaning };
                    if let Some(cond) = &decision.visible {
                        out.push(reading(Meaning::Shown { target: path(*target), test: test(cond) }));
                    }
                    match &decision.required {
                        Require::Keep => {}
                        Require::Always => out.push(reading(Meaning::Required { target: path(*target), test: None })),
                        Require::When(cond) => {
                            out.push(reading(Meaning::Required { target: path(*target), test: Some(test(cond)) }))
                        }
                    }
                }
            }
            Outcome::Rule(check, members) => {
                let members: Vec<Vec<String>> = members.iter().map(|(_, _, node)| path(*node)).collect();
                let meaning = match check {
                    Check::AtLeastOne => Meaning::AtLeastOne { members },
                    Check::AtLeastOneTrue => Meaning::AtLeastOneTrue { members },
                    Check::ExactlyOne => Meaning::ExactlyOne { members },
                };
                out.push(Reading { rule: id.clone(), shape: shape.label(), meaning });
            }
            Outcome::Kept(..) => {}
        }
    }
    out
}

fn translate(
    plan: &Plan,
    library: &Library,
    owner: Option<usize>,
    rule: &RuleDoc,
    targets: &mut BTreeMap<usize, Decision>,
) -> (Shape, Outcome) {
    let Some(tokens) = tokenize(&rule.text) else {
        return (Shape::Other, Outcome::Kept("the text is not recognised", concerns(plan, owner, &rule.text)));
    };
    let concerned = || concerns(plan, owner, &rule.text);
    if let Some((check, refs)) = members_shape(&tokens) {
        let shape = match check {
            Check::AtLeastOne => Shape::AtLeastOne,
            Check::AtLeastOneTrue => Shape::AtLeastOneTrue,
            Check::ExactlyOne => Shape::ExactlyOne,
        };
        return (shape, members_rule(plan, owner, check, &refs).unwrap_or_else(|why| Outcome::Kept(why, concerned())));
    }
    if !matches!(tokens.first(), Some(Tok::Word(w)) if w == "wenn") {
        return (Shape::Other, Outcome::Kept("the text is not recognised", concerned()));
    }
    match when_then(plan, library, owner, &tokens) {
        Ok(found) => {
            if found.iter().any(|(t, _, _)| targets.contains_key(t)) {
                return (
                    Shape::WhenThen,
                    Outcome::Kept("another FIM rule already decides about the same element", concerned()),
                );
            }
            let mut printed = Vec::new();
            for (target, visible, required) in found {
                targets.insert(target, Decision { rule: rule.ident.id.clone(), visible, required });
                printed.push(target);
            }
            (Shape::WhenThen, Outcome::Conditions(printed))
        }
        Err(why) => (Shape::WhenThen, Outcome::Kept(why, concerned())),
    }
}

/// The occurrences a text names that can be found below the owner: every occurrence of an
/// element used more than once, so that the comment names each place the rule may concern.
fn concerns(plan: &Plan, owner: Option<usize>, text: &str) -> Vec<usize> {
    let mut found = Vec::new();
    for tok in tokenize_lossy(text) {
        if let Tok::Ref(ids) = tok {
            let Some((id, prefix)) = ids.split_last() else { continue };
            for i in plan.find_all(owner, prefix, id) {
                if !found.contains(&i) {
                    found.push(i);
                }
            }
        }
    }
    found
}

// ---------------------------------------------------------------------------------------
// Tokens

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    /// `G1.F2`: FIM ids, outermost first.
    Ref(Vec<String>),
    Str(String),
    Op(&'static str),
    /// In lower case.
    Word(String),
    Num(String),
    Comma,
    Stop,
    Other,
}

/// `None` when a quote is not closed.
fn tokenize(text: &str) -> Option<Vec<Tok>> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if let Some(close) = closing_quote(c) {
            let start = i + 1;
            let end = (start..chars.len()).find(|&j| close.contains(&chars[j]))?;
            out.push(Tok::Str(one_line(&chars[start..end].iter().collect::<String>())));
            i = end + 1;
        } else if c.is_alphabetic() {
            if let Some((ids, next)) = reference(&chars, i) {
                out.push(Tok::Ref(ids));
                i = next;
                continue;
            }
            let start = i;
            while i < chars.len() && chars[i].is_alphabetic() {
                i += 1;
            }
            out.push(Tok::Word(chars[start..i].iter().collect::<String>().to_lowercase()));
        } else if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            out.push(Tok::Num(chars[start..i].iter().collect()));
        } else if "=<>!".contains(c) {
            let start = i;
            while i < chars.len() && "=<>!".contains(chars[i]) {
                i += 1;
            }
            let op: String = chars[start..i].iter().collect();
            out.push(match op.as_str() {
                "=" | "==" | "===" => Tok::Op("="),
                "<>" | "!=" | "!==" => Tok::Op("<>"),
                _ => Tok::Other,
            });
        } else {
            out.push(match c {
                ',' => Tok::Comma,
                '.' | ';' => Tok::Stop,
                _ => Tok::Other,
            });
            i += 1;
        }
    }
    Some(out)
}

/// Tokens for finding references only, whatever the quotes.
fn tokenize_lossy(text: &str) -> Vec<Tok> {
    tokenize(text).unwrap_or_else(|| {
        let chars: Vec<char> = text.chars().collect();
        let mut out = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            match reference(&chars, i) {
                Some((ids, next)) if i == 0 || !chars[i - 1].is_alphanumeric() => {
                    out.push(Tok::Ref(ids));
                    i = next;
                }
                _ => i += 1,
            }
        }
        out
    })
}

fn closing_quote(c: char) -> Option<&'static [char]> {
    match c {
        '"' => Some(&['"']),
        '\'' => Some(&['\'']),
        '„' | '“' => Some(&['“', '”', '"']),
        '‚' => Some(&['‘', '’']),
        _ => None,
    }
}

/// A FIM element id (`F`/`G` and at least five digits) at `i`, with `.`-joined ids before it.
fn reference(chars: &[char], mut i: usize) -> Option<(Vec<String>, usize)> {
    if !matches!(chars.get(i), Some('F' | 'G')) {
        return None;
    }
    let digits = chars[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
    if digits < 5 || chars.get(i + 1 + digits).is_some_and(|c| c.is_alphanumeric()) {
        return None;
    }
    let mut ids: Vec<String> = vec![chars[i..i + 1 + digits].iter().collect()];
    i += 1 + digits;
    if chars.get(i) == Some(&'.') && matches!(chars.get(i + 1), Some('F' | 'G')) {
        if let Some((more, next)) = reference(chars, i + 1) {
            ids.extend(more);
            return Some((ids, next));
        }
    }
    Some((ids, i))
}

fn word(tok: Option<&Tok>, words: &[&str]) -> bool {
    matches!(tok, Some(Tok::Word(w)) if words.contains(&w.as_str()))
}

/// Words that may stand before an element reference.
const ELEMENT_WORDS: &[&str] =
    &["im", "das", "die", "der", "feld", "datenfeld", "feldgruppe", "gruppe", "datenfeldgruppe", "bei"];

/// What a label may consist of when it is not quoted.
fn labelish(tok: &Tok) -> bool {
    matches!(tok, Tok::Str(_) | Tok::Word(_) | Tok::Num(_) | Tok::Other)
}

// ---------------------------------------------------------------------------------------
// at least one, exactly one

fn members_shape(tokens: &[Tok]) -> Option<(Check, Vec<Vec<String>>)> {
    let mut words = Vec::new();
    let mut refs = Vec::new();
    for tok in tokens {
        match tok {
            Tok::Ref(ids) => {
                // Words naming the kind of element, and the joins between references.
                while words
                    .last()
                    .is_some_and(|w: &String| ELEMENT_WORDS.contains(&w.as_str()) || w == "oder" || w == "und")
                {
                    words.pop();
                }
                words.push("#".to_string());
                refs.push(ids.clone());
            }
            Tok::Word(w) => words.push(w.clone()),
            Tok::Str(s) if s == "wahr" => words.push("\"wahr\"".to_string()),
            Tok::Str(_) | Tok::Comma | Tok::Stop => {}
            _ => return None,
        }
    }
    let mut skeleton: Vec<&str> = Vec::new();
    for w in &words {
        if !(w == "#" && skeleton.last() == Some(&"#")) {
            skeleton.push(w);
        }
    }
    let check = match skeleton.as_slice() {
        ["es", "muss", "mindestens" | "mindestes", "eines", "der", "felder", "#", "befüllt", "sein"] => {
            Check::AtLeastOne
        }
        ["mindestens", "eines", "der", "felder", "#", "muss", "den", "wert", "\"wahr\"", "haben"] => {
            Check::AtLeastOneTrue
        }
        ["es", "muss", "entweder", "#", "befüllt", "sein" | "werden"]
        | ["entweder", "muss", "#", "befüllt", "sein"] => Check::ExactlyOne,
        _ => return None,
    };
    let two = refs.len() >= 2 && (check != Check::ExactlyOne || refs.len() == 2);
    two.then_some((check, refs))
}

fn members_rule(
    plan: &Plan,
    owner: Option<usize>,
    check: Check,
    refs: &[Vec<String>],
) -> Result<Outcome, &'static str> {
    let mut members = Vec::new();
    let mut seen = BTreeSet::new();
    for ids in refs {
        let (id, prefix) = ids.split_last().expect("a reference has an id");
        let node = plan.find(owner, prefix, id).ok_or("an element it names is not exactly one element of the group")?;
        if !seen.insert(node) {
            return Err("it names one element twice");
        }
        let n = &plan.nodes[node];
        if check == Check::AtLeastOneTrue
            && !matches!(n.element, Element::Field(f) if f.datatype == "bool" && f.kind != "select" && f.values.is_empty() && f.codelist.is_none())
        {
            return Err("an element it names is not a yes/no field");
        }
        let path =
            plan.path_from(owner, node).ok_or("an element it names is inside a repeat or hidden by another name")?;
        let label = match n.element {
            Element::Field(f) => one_line(&f.label),
            Element::Group(g) => one_line(&g.label),
        };
        members.push((path, label, node));
    }
    Ok(Outcome::Rule(check, members))
}

// ---------------------------------------------------------------------------------------
// when-then

#[derive(Clone, Debug)]
enum Test {
    Eq(Vec<Tok>),
    Ne(Vec<Tok>),
    /// A quoted `02 Label` (code and its name) followed by `angegeben wird`.
    Named(String),
    Set,
    Unset,
    /// "alle anderen möglichen Ausprägungen der Codeliste".
    Others,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Act {
    Show,
    Hide,
    Require,
}

struct Clause {
    /// `None` for `SONST`: the opposite of the clause before.
    test: Option<(Vec<String>, Test)>,
    /// Element (`None`: the one the clause named before) and what happens to it.
    acts: Vec<(Option<Vec<String>>, Act)>,
}

type Found = Vec<(usize, Option<Cond>, Require)>;

fn when_then(plan: &Plan, library: &Library, owner: Option<usize>, tokens: &[Tok]) -> Result<Found, &'static str> {
    let clauses = clauses(tokens).ok_or("a sentence is not recognised")?;
    // The controlling element.
    let mut controller: Option<usize> = None;
    for clause in &clauses {
        if let Some((ids, _)) = &clause.test {
            let (id, prefix) = ids.split_last().expect("a reference has an id");
            let node = plan.find(owner, prefix, id).ok_or("an element it names is not exactly one element here")?;
            if controller.is_some_and(|c| c != node) {
                return Err("its conditions test more than one element");
            }
            controller = Some(node);
        }
    }
    let controller = controller.ok_or("it has no condition")?;
    let domain = domain(plan, library, controller).ok_or("the tested element is not a field with values")?;
    let all = domain.values();
    // The values of the clauses.
    let mut explicit = BTreeSet::new();
    for clause in &clauses {
        if let Some((_, Test::Eq(values))) = &clause.test {
            for v in values {
                explicit.insert(value(&domain, v).ok_or("a value is not one the element can have")?);
            }
        }
    }
    let mut sets: Vec<BTreeSet<Value>> = Vec::new();
    for clause in &clauses {
        let set = match &clause.test {
            None => {
                let before = sets.last().ok_or("`SONST` without a condition")?;
                all.difference(before).cloned().collect()
            }
            Some((_, test)) => match test {
                Test::Eq(values) | Test::Ne(values) => {
                    let mut set = BTreeSet::new();
                    for v in values {
                        set.insert(value(&domain, v).ok_or("a value is not one the element can have")?);
                    }
                    if matches!(test, Test::Ne(_)) {
                        set = all.difference(&set).cloned().collect();
                    }
                    set
                }
                Test::Named(text) => [named(&domain, text).ok_or("a value is not one the element can have")?].into(),
                Test::Set => all.iter().filter(|v| **v != Value::Absent).cloned().collect(),
                Test::Unset => [Value::Absent].into(),
                Test::Others => {
                    all.iter().filter(|v| **v != Value::Absent && !explicit.contains(*v)).cloned().collect()
                }
            },
        };
        if matches!(clause.test, Some((_, Test::Set | Test::Unset)))
            && matches!(plan.nodes[controller].element, Element::Group(_))
        {
            // Presence of a group: fine.
        } else if matches!(plan.nodes[controller].element, Element::Group(_)) {
            return Err("a group is tested for a value");
        }
        sets.push(set);
    }
    // What each clause does to each element.
    let mut effects: BTreeMap<usize, [BTreeSet<Value>; 3]> = BTreeMap::new();
    for (clause, set) in clauses.iter().zip(&sets) {
        let mut last: Option<usize> = None;
        for (ids, act) in &clause.acts {
            let target = match ids {
                Some(ids) => {
                    let (id, prefix) = ids.split_last().expect("a reference has an id");
                    plan.find(owner, prefix, id).ok_or("an element it names is not exactly one element here")?
                }
                None => last.ok_or("„mache es zu einer Pflichtangabe“ without an element")?,
            };
            last = Some(target);
            if plan.contains(target, controller) || plan.contains(controller, target) {
                return Err("it switches the element it tests, or one around or inside it");
            }
            let slot = match act {
                Act::Show => 0,
                Act::Hide => 1,
                Act::Require => 2,
            };
            effects.entry(target).or_default()[slot].extend(set.iter().cloned());
        }
    }
    let mut found = Vec::new();
    for (target, [show, hide, require]) in effects {
        let node = &plan.nodes[target];
        if !show.is_disjoint(&hide) || !require.is_disjoint(&hide) {
            return Err("its lines contradict each other");
        }
        let present: BTreeSet<Value> = all.iter().filter(|v| **v != Value::Absent).cloned().collect();
        let visible = match (show.is_empty(), hide.is_empty()) {
            (true, true) => None,
            (false, true) => Some(show.clone()),
            (true, false) => Some(all.difference(&hide).cloned().collect::<BTreeSet<Value>>()),
            (false, false) => {
                if !show.union(&hide).cloned().collect::<BTreeSet<Value>>().is_superset(&present) {
                    return Err("it does not say for every value whether the element is shown");
                }
                Some(show.clone())
            }
        };
        let visible = visible.filter(|v| *v != all);
        if visible.as_ref().is_some_and(BTreeSet::is_empty) {
            return Err("the element would never be shown");
        }
        let required = if require.is_empty() || node.multiplicity.min >= 1 {
            Require::Keep
        } else if node.is_info() || node.is_repeat() || node.in_choice {
            return Err("it requires static text, a repeat or a member of a choice group");
        } else {
            match &visible {
                Some(v) if *v == require => Require::Always,
                Some(v) if v.is_superset(&require) => {
                    Require::When(Cond { path: Vec::new(), domain: domain.clone(), values: require, controller })
                }
                Some(_) => return Err("it requires the element where it is not shown"),
                None if require == all => Require::Always,
                None => Require::When(Cond { path: Vec::new(), domain: domain.clone(), values: require, controller }),
            }
        };
        let path = plan
            .path_from(node.parent, controller)
            .ok_or("the tested element is inside a repeat or hidden by another name")?;
        let visible = visible.map(|values| Cond { path: path.clone(), domain: domain.clone(), values, controller });
        let required = match required {
            Require::When(cond) => Require::When(Cond { path, ..cond }),
            other => other,
        };
        if visible.is_none() && matches!(required, Require::Keep) {
            continue;
        }
        found.push((target, visible, required));
    }
    if found.is_empty() {
        return Err("it changes nothing the form does not already say");
    }
    Ok(found)
}

/// The values a field can hold, as the printed form has them.
fn domain(plan: &Plan, library: &Library, node: usize) -> Option<Domain> {
    let field = match plan.nodes[node].element {
        Element::Group(_) => return Some(Domain::Presence),
        Element::Field(f) if f.kind == "label" => return None,
        Element::Field(f) => f,
    };
    if field.kind == "select" || !field.values.is_empty() || field.codelist.is_some() {
        let values = if !field.values.is_empty() {
            Some(field.values.clone())
        } else {
            field.codelist.as_ref().and_then(|r| super::codelist::codes(library, r)).map(<[(String, String)]>::to_vec)
        };
        if let Some(values) = values {
            let mut seen = BTreeSet::new();
            let codes: Vec<(String, String)> = values
                .into_iter()
                .map(|(c, n)| (c.trim().to_string(), one_line(&n)))
                .filter(|(c, _)| !c.is_empty() && seen.insert(c.clone()))
                .collect();
            if !codes.is_empty() {
                return Some(Domain::Choice(codes));
            }
        }
    }
    Some(if field.datatype == "bool" { Domain::Bool } else { Domain::Presence })
}

fn value(domain: &Domain, tok: &Tok) -> Option<Value> {
    let text = match tok {
        Tok::Str(s) | Tok::Num(s) | Tok::Word(s) => s.as_str(),
        _ => return None,
    };
    if text.is_empty() && matches!(tok, Tok::Str(_)) {
        return Some(Value::Absent);
    }
    match domain {
        Domain::Choice(codes) => {
            if matches!(tok, Tok::Word(_)) {
                return None;
            }
            if codes.iter().any(|(c, _)| c == text) {
                return Some(Value::Code(text.to_string()));
            }
            let by_name: Vec<&String> = codes.iter().filter(|(_, n)| n == text).map(|(c, _)| c).collect();
            match by_name.as_slice() {
                [one] if matches!(tok, Tok::Str(_)) => Some(Value::Code((*one).clone())),
                _ => None,
            }
        }
        Domain::Bool => match text.to_lowercase().as_str() {
            "ja" | "wahr" | "true" => Some(Value::Bool(true)),
            "nein" | "falsch" | "false" => Some(Value::Bool(false)),
            _ => None,
        },
        Domain::Presence => None,
    }
}

/// `02 Das Fahrzeug …`: a code followed by its exact name.
fn named(domain: &Domain, text: &str) -> Option<Value> {
    let Domain::Choice(codes) = domain else { return None };
    let (code, name) = text.split_once(' ')?;
    codes.iter().find(|(c, n)| c == code && n == name.trim()).map(|(c, _)| Value::Code(c.clone()))
}

/// The sentences: `wenn … dann …` and `sonst …`.
fn clauses(tokens: &[Tok]) -> Option<Vec<Clause>> {
    let starts: Vec<usize> = (0..tokens.len()).filter(|&i| word(tokens.get(i), &["wenn", "sonst"])).collect();
    if starts.first() != Some(&0) {
        return None;
    }
    let mut out = Vec::new();
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(tokens.len());
        let body = trim(&tokens[start + 1..end]);
        if word(tokens.get(start), &["sonst"]) {
            out.push(Clause { test: None, acts: actions(body)? });
            continue;
        }
        let then = body.iter().position(|t| word(Some(t), &["dann"]))?;
        out.push(Clause { test: Some(condition(trim(&body[..then]))?), acts: actions(trim(&body[then + 1..]))? });
    }
    Some(out)
}

fn trim(tokens: &[Tok]) -> &[Tok] {
    let mut end = tokens.len();
    while end > 0 && matches!(tokens[end - 1], Tok::Comma | Tok::Stop) {
        end -= 1;
    }
    &tokens[..end]
}

fn words_are(tokens: &[Tok], words: &[&str]) -> bool {
    tokens.len() == words.len() && tokens.iter().zip(words).all(|(t, w)| matches!(t, Tok::Word(x) if x == w))
}

fn condition(tokens: &[Tok]) -> Option<(Vec<String>, Test)> {
    let mut i = 0;
    while word(tokens.get(i), ELEMENT_WORDS) {
        i += 1;
    }
    let Some(Tok::Ref(ids)) = tokens.get(i) else { return None };
    let rest = &tokens[i + 1..];
    // `der Wert X angegeben wurde`, with or without `nicht` before it.
    let (negated, tail) = if word(rest.first(), &["nicht"]) { (true, &rest[1..]) } else { (false, rest) };
    if tail.len() == 5 && words_are(&tail[..2], &["der", "wert"]) && words_are(&tail[3..], &["angegeben", "wurde"]) {
        let v = vec![tail[2].clone()];
        return Some((ids.clone(), if negated { Test::Ne(v) } else { Test::Eq(v) }));
    }
    // Presence, after an optional quoted label.
    let phrase = match rest.first() {
        Some(Tok::Str(_)) => &rest[1..],
        _ => rest,
    };
    for (words, test) in [
        (&["befüllt", "ist"][..], Test::Set),
        (&["befüllt"], Test::Set),
        (&["ist", "befüllt"], Test::Set),
        (&["nicht", "leer"], Test::Set),
        (&["nicht", "leer", "ist"], Test::Set),
        (&["ist", "nicht", "leer"], Test::Set),
        (&["nicht", "befüllt", "ist"], Test::Unset),
        (&["nicht", "befüllt"], Test::Unset),
        (&["ist", "nicht", "befüllt"], Test::Unset),
        (&["leer"], Test::Unset),
        (&["leer", "ist"], Test::Unset),
        (&["ist", "leer"], Test::Unset),
    ] {
        if words_are(phrase, words) {
            return Some((ids.clone(), test));
        }
    }
    if let (Some(Tok::Str(label)), true) = (rest.first(), words_are(&rest[1.min(rest.len())..], &["angegeben", "wird"]))
    {
        return Some((ids.clone(), Test::Named(label.clone())));
    }
    // An operator after an optional label: `= 001 "Label" ODER = 002 "Label"`.
    let op_at = rest.iter().position(|t| matches!(t, Tok::Op(_)))?;
    if !rest[..op_at].iter().all(labelish) {
        return None;
    }
    let mut alternatives = &rest[op_at..];
    let mut op = None;
    let mut values = Vec::new();
    loop {
        let Some(Tok::Op(this)) = alternatives.first() else { return None };
        if op.is_some_and(|o| o != *this) {
            return None;
        }
        op = Some(*this);
        if word(alternatives.get(1), &["alle"]) {
            let others = words_are(
                &alternatives[1..alternatives.len().min(7)],
                &["alle", "anderen", "möglichen", "ausprägungen", "der", "codeliste"],
            );
            return (others && alternatives.len() == 7 && *this == "=" && values.is_empty())
                .then(|| (ids.clone(), Test::Others));
        }
        let value = alternatives.get(1)?;
        if !matches!(value, Tok::Str(_) | Tok::Num(_) | Tok::Word(_)) {
            return None;
        }
        values.push(value.clone());
        let mut next = 2;
        if matches!(value, Tok::Num(_)) && matches!(alternatives.get(next), Some(Tok::Str(_))) {
            next += 1;
        }
        let joined = match alternatives.get(next) {
            None => break,
            Some(t) => t,
        };
        let join = if *this == "=" { "oder" } else { "und" };
        if !word(Some(joined), &[join]) {
            return None;
        }
        alternatives = &alternatives[next + 1..];
    }
    Some((ids.clone(), if op == Some("=") { Test::Eq(values) } else { Test::Ne(values) }))
}

const VERBS: &[&str] = &["aktiviere", "deaktiviere", "mache", "zeige", "muss", "darf", "soll", "wird", "kann"];

fn actions(tokens: &[Tok]) -> Option<Vec<(Option<Vec<String>>, Act)>> {
    // `UND`/`sowie` before a verb joins two actions.
    let mut parts: Vec<&[Tok]> = Vec::new();
    let mut start = 0;
    for i in 0..tokens.len() {
        if word(tokens.get(i), &["und", "sowie"]) && word(tokens.get(i + 1), VERBS) {
            parts.push(trim(&tokens[start..i]));
            start = i + 1;
        }
    }
    parts.push(trim(&tokens[start..]));
    let mut out = Vec::new();
    for part in parts {
        out.extend(action(part)?);
    }
    Some(out)
}

fn action(tokens: &[Tok]) -> Option<Vec<(Option<Vec<String>>, Act)>> {
    let Some(Tok::Word(verb)) = tokens.first() else { return None };
    if verb == "mache" {
        return (words_are(&tokens[1..2.min(tokens.len())], &["es"])
            || words_are(&tokens[1..2.min(tokens.len())], &["sie"]))
        .then_some(())
        .filter(|_| {
            words_are(&tokens[2..], &["zu", "einer", "pflichtangabe"])
                || words_are(&tokens[2..], &["zu", "einem", "pflichtfeld"])
        })
        .map(|_| vec![(None, Act::Require)]);
    }
    let at = tokens.iter().position(|t| matches!(t, Tok::Ref(_)))?;
    let Tok::Ref(ids) = &tokens[at] else { return None };
    let pre = &tokens[1..at];
    let as_duty = words_are(pre.get(..2).unwrap_or_default(), &["als", "pflicht"]);
    let pre = if as_duty { &pre[2..] } else { pre };
    if !pre.iter().all(|t| word(Some(t), ELEMENT_WORDS)) {
        return None;
    }
    let post = &tokens[at + 1..];
    let suffixes: &[(&[&str], &[Act])] = match verb.as_str() {
        "aktiviere" => &[(&[], &[Act::Show])],
        "deaktiviere" => &[(&[], &[Act::Hide])],
        "zeige" if as_duty => &[(&["an"], &[Act::Show, Act::Require]), (&[], &[Act::Show, Act::Require])],
        "zeige" => &[(&["nicht", "an"], &[Act::Hide]), (&["an"], &[Act::Show]), (&[], &[Act::Show])],
        "muss" => &[
            (&["befüllt", "sein"], &[Act::Require]),
            (&["befüllt", "werden"], &[Act::Require]),
            (&["ausgefüllt", "werden"], &[Act::Require]),
            (&["angezeigt", "werden"], &[Act::Show]),
        ],
        "darf" => &[
            (&["nicht", "befüllt", "sein"], &[Act::Hide]),
            (&["nicht", "befüllt", "werden"], &[Act::Hide]),
            (&["nicht", "angezeigt", "werden"], &[Act::Hide]),
            (&["nicht", "leer", "sein"], &[Act::Require]),
        ],
        "soll" => &[(&["zum", "pflichtfeld", "werden"], &[Act::Require])],
        "wird" => &[(&["zur", "pflichtangabe"], &[Act::Require]), (&["eine", "pflichtangabe"], &[Act::Require])],
        "kann" => &[(&["befüllt", "werden"], &[Act::Show])],
        _ => return None,
    };
    if as_duty && verb != "zeige" {
        return None;
    }
    for (suffix, acts) in suffixes {
        if post.len() < suffix.len() || !words_are(&post[post.len() - suffix.len()..], suffix) {
            continue;
        }
        let label = &post[..post.len() - suffix.len()];
        if !label.iter().all(labelish) {
            continue;
        }
        return Some(acts.iter().map(|a| (Some(ids.clone()), *a)).collect());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_quotes_and_operators_are_tokens() {
        let tokens = tokenize("Wenn G12345.F12345 „Ja“ <> 001 'x', dann F1234").unwrap();
        assert_eq!(
            tokens,
            vec![
                Tok::Word("wenn".into()),
                Tok::Ref(vec!["G12345".into(), "F12345".into()]),
                Tok::Str("Ja".into()),
                Tok::Op("<>"),
                Tok::Num("001".into()),
                Tok::Str("x".into()),
                Tok::Comma,
                Tok::Word("dann".into()),
                Tok::Word("f".into()),
                Tok::Num("1234".into()),
            ]
        );
        assert!(tokenize("Wenn \"offen").is_none());
    }
}
