//! Conditional reveal without JavaScript: a `visible when` condition over radios, checkboxes
//! and selects on the same page becomes a CSS selector over `:checked` states, so the panel is
//! hidden by `:has()` (inside `@supports`) exactly when the condition is not true.
//!
//! Conditions use three-valued logic, so each expression is translated into two selector sets
//! in disjunctive normal form: when it is *true* and when it is *false*. `not` swaps them;
//! `and`/`or` combine them as Kleene logic does; an unanswered question is neither. A
//! condition over anything else (dates, numbers, text, counts) has no translation: its panel
//! is always shown and the server ignores what it receives while the condition does not hold.
//!
//! Selectors are data ([`Piece`], [`Target`]) until [`hide_rule`] writes them, and every id and
//! code is written through `css::ident` or `css::string`: a code such as `</style><script>` or
//! `"]` stays a string inside the selector and cannot leave the `<style>` element.

use super::css;
use crate::ir::{CompareOp, Expr, Literal, Path, ValueType};

/// A disjunction of conjunctions of selector pieces applied to the `form` element.
pub type Dnf = Vec<Vec<Piece>>;

/// One condition on the `form` element: `:has(a, b)` (one of the targets matches) or, negated,
/// `:not(:has(a, b))` (none does).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    pub negated: bool,
    pub targets: Vec<Target>,
}

/// A state of one control.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// `#id:checked`: a radio button or checkbox is ticked.
    Checked(String),
    /// `#select option[value="code"]:checked`: a select has this code chosen.
    Chosen { select: String, code: String },
    /// `#select option:checked:not([value=""]):not([value="a"])…`: a select has a code chosen
    /// other than these.
    ChosenOther { select: String, except: Vec<String> },
}

impl Target {
    /// The id of the control, which carries `data-controls`.
    pub fn control(&self) -> &str {
        match self {
            Target::Checked(id) | Target::Chosen { select: id, .. } | Target::ChosenOther { select: id, .. } => id,
        }
    }

    fn css(&self) -> String {
        match self {
            Target::Checked(id) => format!("#{}:checked", css::ident(id)),
            Target::Chosen { select, code } => {
                format!("#{} option[value={}]:checked", css::ident(select), css::string(code))
            }
            Target::ChosenOther { select, except } => {
                let mut out = format!("#{} option:checked:not([value=\"\"])", css::ident(select));
                for code in except {
                    out.push_str(&format!(":not([value={}])", css::string(code)));
                }
                out
            }
        }
    }
}

impl Piece {
    fn css(&self) -> String {
        let targets: Vec<String> = self.targets.iter().map(Target::css).collect();
        let has = format!(":has({})", targets.join(", "));
        if self.negated {
            format!(":not({has})")
        } else {
            has
        }
    }
}

/// The ids of the controls a condition reads, in order of appearance.
pub fn controls(dnf: &Dnf) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for target in dnf.iter().flatten().flat_map(|piece| &piece.targets) {
        if !out.iter().any(|id| id == target.control()) {
            out.push(target.control().to_string());
        }
    }
    out
}

/// Beyond this many conjunctions a condition is left to the server.
const MAX_TERMS: usize = 64;

/// How a field that a condition reads is rendered, with the ids of its inputs.
pub enum ControlRef {
    /// Radio buttons, one per code (booleans: `true` then `false`), by value.
    Radios(Vec<(String, String)>),
    /// Checkboxes of a multiple choice, by code.
    Checkboxes(Vec<(String, String)>),
    /// A single checkbox for a boolean.
    Checkbox(String),
    /// A select with an empty first option; the id of the select.
    Select(String),
}

/// What the translation needs to know about the page.
pub trait Resolver {
    /// The control of the field at `path` (a path of the IR, relative to the current repeat
    /// items), when it is on this page; `None` otherwise.
    fn control(&self, path: &Path) -> Option<ControlRef>;
    /// The condition under which the field at `path` is shown, as (true, false) selectors,
    /// when it is itself conditional; `Some((vec![vec![]], vec![]))` for always shown.
    fn shown(&self, path: &Path, depth: usize) -> Option<(Dnf, Dnf)>;
}

/// The selector sets under which `expr` is true and false, or `None` if CSS cannot tell.
pub fn truth(expr: &Expr, resolver: &dyn Resolver, depth: usize) -> Option<(Dnf, Dnf)> {
    if depth > 8 {
        return None;
    }
    let (t, f) = match expr {
        Expr::Not { operand } => {
            let (t, f) = truth(operand, resolver, depth)?;
            (f, t)
        }
        Expr::And { operands } => {
            let mut t: Dnf = vec![vec![]];
            let mut f: Dnf = vec![];
            for operand in operands {
                let (ot, of) = truth(operand, resolver, depth)?;
                t = product(&t, &ot)?;
                f.extend(of);
            }
            (t, f)
        }
        Expr::Or { operands } => {
            let mut t: Dnf = vec![];
            let mut f: Dnf = vec![vec![]];
            for operand in operands {
                let (ot, of) = truth(operand, resolver, depth)?;
                t.extend(ot);
                f = product(&f, &of)?;
            }
            (t, f)
        }
        Expr::Field { path, ty: ValueType::Bool } => equals(path, &[literal_key(&Literal::Bool(true))], resolver)?,
        Expr::Compare { cmp: cmp @ (CompareOp::Eq | CompareOp::Ne), lhs, rhs, .. } => {
            let (path, literal) = match (lhs.as_ref(), rhs.as_ref()) {
                (Expr::Field { path, .. }, Expr::Literal { value }) => (path, value),
                (Expr::Literal { value }, Expr::Field { path, .. }) => (path, value),
                _ => return None,
            };
            let (t, f) = equals(path, &[literal_key(literal)], resolver)?;
            if *cmp == CompareOp::Eq {
                (t, f)
            } else {
                (f, t)
            }
        }
        Expr::In { value, set, .. } => {
            let Expr::Field { path, .. } = value.as_ref() else { return None };
            let mut keys = Vec::new();
            for member in set {
                let Expr::Literal { value } = member else { return None };
                keys.push(literal_key(value));
            }
            equals(path, &keys, resolver)?
        }
        Expr::Contains { set, code } => {
            let Expr::Field { path, .. } = set.as_ref() else { return None };
            let ControlRef::Checkboxes(options) = resolver.control(path)? else { return None };
            let (hit, others): (Vec<_>, Vec<_>) = options.iter().partition(|(value, _)| value == code);
            let hit_id = &hit.first()?.1;
            let t = vec![vec![has(hit_id)]];
            let f = others.iter().map(|(_, id)| vec![has(id), not_has(&[hit_id.as_str()])]).collect();
            (t, f)
        }
        Expr::IsSet { path } | Expr::IsEmpty { path } => {
            let any = match resolver.control(path)? {
                ControlRef::Radios(options) | ControlRef::Checkboxes(options) => {
                    options.into_iter().map(|(_, id)| Target::Checked(id)).collect()
                }
                ControlRef::Checkbox(id) => vec![Target::Checked(id)],
                ControlRef::Select(id) => vec![Target::ChosenOther { select: id, except: Vec::new() }],
            };
            let set = (
                vec![vec![Piece { negated: false, targets: any.clone() }]],
                vec![vec![Piece { negated: true, targets: any }]],
            );
            if matches!(expr, Expr::IsSet { .. }) {
                set
            } else {
                (set.1, set.0)
            }
        }
        _ => return None,
    };
    if t.len() > MAX_TERMS || f.len() > MAX_TERMS {
        return None;
    }
    // A field read by the condition may itself be hidden; then the condition is unknown.
    let mut t = t;
    let mut f = f;
    for path in read_paths(expr) {
        let (shown, _) = resolver.shown(&path, depth + 1)?;
        t = product(&t, &shown)?;
        f = product(&f, &shown)?;
    }
    Some((t, f))
}

fn read_paths(expr: &Expr) -> Vec<Path> {
    match expr {
        Expr::Field { path, .. } | Expr::IsSet { path } | Expr::IsEmpty { path } => vec![path.clone()],
        Expr::Compare { lhs, rhs, .. } => [read_paths(lhs), read_paths(rhs)].concat(),
        Expr::In { value, .. } => read_paths(value),
        Expr::Contains { set, .. } => read_paths(set),
        // `not`, `and` and `or` conjoin the visibility of what their operands read already.
        _ => vec![],
    }
}

fn literal_key(literal: &Literal) -> String {
    match literal {
        Literal::Bool(true) => "true".to_string(),
        Literal::Bool(false) => "false".to_string(),
        Literal::Number(text) | Literal::Text(text) | Literal::Date(text) | Literal::Code(text) => text.clone(),
    }
}

/// `field ∈ keys`: true when one of them is chosen, false when another one is.
fn equals(path: &Path, keys: &[String], resolver: &dyn Resolver) -> Option<(Dnf, Dnf)> {
    match resolver.control(path)? {
        ControlRef::Radios(options) => {
            let (t, f): (Vec<_>, Vec<_>) = options.iter().partition(|(value, _)| keys.contains(value));
            Some((t.iter().map(|(_, id)| vec![has(id)]).collect(), f.iter().map(|(_, id)| vec![has(id)]).collect()))
        }
        ControlRef::Checkbox(id) => {
            // An unticked checkbox sends nothing: the value is absent, never `false`.
            if keys.iter().any(|k| k == "true") {
                Some((vec![vec![has(&id)]], vec![]))
            } else {
                Some((vec![], vec![vec![has(&id)]]))
            }
        }
        ControlRef::Select(id) => {
            let chosen = |code: &String| Piece {
                negated: false,
                targets: vec![Target::Chosen { select: id.clone(), code: code.clone() }],
            };
            let t = keys.iter().map(|k| vec![chosen(k)]).collect();
            let other = Target::ChosenOther { select: id.clone(), except: keys.to_vec() };
            Some((t, vec![vec![Piece { negated: false, targets: vec![other] }]]))
        }
        ControlRef::Checkboxes(_) => None,
    }
}

fn has(id: &str) -> Piece {
    Piece { negated: false, targets: vec![Target::Checked(id.to_string())] }
}

fn not_has(ids: &[&str]) -> Piece {
    Piece { negated: true, targets: ids.iter().map(|id| Target::Checked(id.to_string())).collect() }
}

fn product(a: &Dnf, b: &Dnf) -> Option<Dnf> {
    if a.len() * b.len() > MAX_TERMS {
        return None;
    }
    let mut out = Vec::new();
    for x in a {
        for y in b {
            let mut term = x.clone();
            for piece in y {
                if !term.contains(piece) {
                    term.push(piece.clone());
                }
            }
            out.push(term);
        }
    }
    Some(out)
}

/// The CSS rule that hides `panel_id` unless one of the `true` terms holds.
pub fn hide_rule(form_id: &str, panel_id: &str, when_true: &Dnf) -> String {
    let (form, panel) = (css::ident(form_id), css::ident(panel_id));
    if when_true.is_empty() {
        return format!("#{form} #{panel} {{ display: none; }}");
    }
    let terms: Vec<String> = when_true
        .iter()
        .map(|term| if term.is_empty() { "*".to_string() } else { term.iter().map(Piece::css).collect() })
        .collect();
    format!("#{form}:not(:is({})) #{panel} {{ display: none; }}", terms.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_strings_in_the_selector() {
        let code = "</style><script>alert(1)</script>\"]\\\n".to_string();
        let term =
            vec![Piece { negated: false, targets: vec![Target::Chosen { select: "art".into(), code: code.clone() }] }];
        let other = vec![Piece {
            negated: true,
            targets: vec![Target::ChosenOther { select: "art".into(), except: vec![code] }],
        }];
        let rule = hide_rule("formular-f", "x-bereich", &vec![term, other]);
        assert_eq!(
            rule,
            "#formular-f:not(:is(:has(#art option[value=\"\\3c /style\\3e \\3c script\\3e alert(1)\\3c /script\\3e \\22 ]\\5c \\a \"]:checked), \
             :not(:has(#art option:checked:not([value=\"\"]):not([value=\"\\3c /style\\3e \\3c script\\3e alert(1)\\3c /script\\3e \\22 ]\\5c \\a \"]))))) #x-bereich { display: none; }"
        );
        assert!(!rule.contains('<') && !rule.contains('\n'));
    }
}
