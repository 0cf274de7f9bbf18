//! Breaking changes between two versions of a form (`formwerk compat`), found on the checked IR.
//!
//! A form is a contract in two directions. Portals *submit* to the intake validator: a new
//! version must accept what the old one accepted (backward, [`Direction::Submit`]).
//! Procedures *consume* what the form produces: an old reader must accept what the new version
//! produces (forward, [`Direction::Consume`]). Every change the walk finds has an [`Impact`] in
//! each direction; the [`Mode`] decides which directions count, and so the [`Severity`]:
//! breaking in a counted direction is an error, undecidable from the definitions a warning,
//! anything else an info for the changelog. Version discipline (`version.rs`) then asks for a
//! major bump after a breaking change and for a new version after any change.
//!
//! `compare` is pure: it reads two IRs and nothing else. Where a finding is in the sources is
//! found afterwards by `locate.rs` (the IR has no spans); `render.rs` writes the report.
//! Nothing in the compiler depends on this module but the overlay check (`src/overlay`), which
//! the driver runs after checking.

mod diff;
pub mod locate;
pub mod render;
mod version;

use std::collections::BTreeMap;

use crate::ir;

/// Which directions of the contract count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Both: old submissions stay valid and old readers read new data.
    Full,
    /// Backward only: the new version accepts what the old one accepted.
    Submit,
    /// Forward only: old readers accept what the new version produces.
    Consume,
}

impl Mode {
    pub const ALL: [Mode; 3] = [Mode::Full, Mode::Submit, Mode::Consume];

    pub fn parse(text: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.as_str().eq_ignore_ascii_case(text))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Full => "full",
            Mode::Submit => "submit",
            Mode::Consume => "consume",
        }
    }

    pub fn counts(self, direction: Direction) -> bool {
        match self {
            Mode::Full => true,
            Mode::Submit => direction == Direction::Submit,
            Mode::Consume => direction == Direction::Consume,
        }
    }
}

/// A direction of the contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Direction {
    /// Old submissions against the new validator.
    Submit,
    /// New data read by old readers.
    Consume,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Submit => "submit",
            Direction::Consume => "consume",
        }
    }
}

/// What a change does to one direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Impact {
    /// Nothing valid before is refused after.
    Safe,
    /// Whether something is refused cannot be decided from the definitions.
    Maybe,
    /// Some data valid before is refused after.
    Breaks,
}

impl Impact {
    pub fn as_str(self) -> &'static str {
        match self {
            Impact::Safe => "safe",
            Impact::Maybe => "maybe",
            Impact::Breaks => "breaks",
        }
    }
}

/// A change's impact on both directions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Effect {
    pub submit: Impact,
    pub consume: Impact,
}

impl Effect {
    pub const fn new(submit: Impact, consume: Impact) -> Effect {
        Effect { submit, consume }
    }

    pub fn of(self, direction: Direction) -> Impact {
        match direction {
            Direction::Submit => self.submit,
            Direction::Consume => self.consume,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A rule: a kind of change, with a stable id (used by ignores and in reports).
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    pub id: &'static str,
    pub summary: &'static str,
}

/// Every rule, in the order of `docs/COMPAT.md`.
pub const RULES: &[Rule] = &[
    Rule { id: "form-added", summary: "a form is new" },
    Rule { id: "form-removed", summary: "a form is gone" },
    Rule { id: "field-added", summary: "a field is new" },
    Rule { id: "field-removed", summary: "a field is gone" },
    Rule { id: "field-renamed", summary: "a field has a new name (matched by its FIM id)" },
    Rule { id: "group-added", summary: "a group or repeat is new" },
    Rule { id: "group-removed", summary: "a group or repeat is gone" },
    Rule { id: "group-renamed", summary: "a group or repeat has a new name (matched by its FIM id)" },
    Rule { id: "type-changed", summary: "a field's type, or an item's kind, changed" },
    Rule { id: "computed-field-added", summary: "a computed field (`value <expr>`) is new" },
    Rule { id: "computed-field-removed", summary: "a computed field is gone" },
    Rule { id: "computed-expression-changed", summary: "a computed field computes another value" },
    Rule { id: "field-became-computed", summary: "a field the citizen answered is computed now" },
    Rule { id: "field-no-longer-computed", summary: "a computed field is answered by the citizen now" },
    Rule { id: "requirement-tightened", summary: "optional became required (or conditionally required)" },
    Rule { id: "requirement-loosened", summary: "required became optional (or conditionally required)" },
    Rule { id: "requirement-condition-changed", summary: "the condition of `required when` changed" },
    Rule { id: "visibility-changed", summary: "a `visible when` condition was added, removed or changed" },
    Rule { id: "length-tightened", summary: "a text's length range got narrower" },
    Rule { id: "length-loosened", summary: "a text's length range got wider" },
    Rule { id: "bounds-tightened", summary: "a number's or date's `min`/`max` got narrower" },
    Rule { id: "bounds-loosened", summary: "a number's or date's `min`/`max` got wider" },
    Rule {
        id: "bounds-changed",
        summary: "a bound changed in a way that cannot be ordered (a fixed date against `today`)",
    },
    Rule { id: "decimals-tightened", summary: "fewer digits after the decimal point" },
    Rule { id: "decimals-loosened", summary: "more digits after the decimal point" },
    Rule { id: "pattern-changed", summary: "a pattern was added, removed or changed" },
    Rule {
        id: "constraint-tightened",
        summary: "`accept`, `max_size`, `count`, `max_total`, `must be true`, `exclusive` or `within` refuses more",
    },
    Rule {
        id: "constraint-loosened",
        summary: "`accept`, `max_size`, `count`, `max_total`, `must be true`, `exclusive` or `within` refuses less",
    },
    Rule { id: "repeat-bounds-tightened", summary: "a repeat's item range got narrower" },
    Rule { id: "repeat-bounds-loosened", summary: "a repeat's item range got wider" },
    Rule { id: "field-moved", summary: "a field moved to another group (matched by FIM id)" },
    Rule { id: "group-moved", summary: "a group or repeat moved to another group (matched by FIM id)" },
    Rule { id: "code-added", summary: "a code list (or a field's list) has a new code" },
    Rule { id: "code-removed", summary: "a code list (or a field's list) lost a code" },
    Rule { id: "code-parent-changed", summary: "a code of a list with parents (`within`) has another parent" },
    Rule { id: "codelist-extensible-changed", summary: "a code list became extensible, or stopped being so" },
    Rule { id: "codelist-version-changed", summary: "a code list's version or URN changed" },
    Rule { id: "rule-added", summary: "a cross-field rule is new" },
    Rule { id: "rule-removed", summary: "a cross-field rule is gone" },
    Rule { id: "rule-changed", summary: "a cross-field rule checks something else" },
    Rule { id: "warning-added", summary: "a rule of `severity warning` is new" },
    Rule { id: "warning-removed", summary: "a rule of `severity warning` is gone" },
    Rule { id: "warning-changed", summary: "a rule of `severity warning` checks something else" },
    Rule { id: "rule-became-warning", summary: "a rule changed from `severity error` to `severity warning`" },
    Rule { id: "warning-became-rule", summary: "a rule changed from `severity warning` to `severity error`" },
    Rule { id: "major-not-bumped", summary: "a breaking change without a new major version" },
    Rule { id: "version-unchanged", summary: "the form changed but kept its version" },
    Rule { id: "version-decreased", summary: "the new version is lower than the old one" },
];

/// Whether `id` names a rule.
pub fn is_rule(id: &str) -> bool {
    RULES.iter().any(|r| r.id == id)
}

/// What a finding is about, so that its declaration can be found in the sources.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// The form itself (its `version`, or the whole form).
    Form,
    /// A field, group or repeat, by its names from the root.
    Item(ir::Path),
    /// A cross-field rule, by name.
    Rule(String),
    /// A code list, or one of its codes.
    Code { list: String, code: Option<String> },
}

/// Where a finding's declaration is: `file:line:col`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// One change between the old and the new version of a form.
#[derive(Clone, Debug)]
pub struct Finding {
    /// The rule's stable id, e.g. `field-removed`.
    pub rule: &'static str,
    pub severity: Severity,
    pub effect: Effect,
    /// The directions the mode counts in which the change breaks or may break.
    pub directions: Vec<Direction>,
    pub form: String,
    /// The dotted path of the item, rule or code list (empty: the form).
    pub path: String,
    pub target: Target,
    pub message: String,
    pub old: Option<String>,
    pub new: Option<String>,
    /// Set when the rule is ignored, with the reason given.
    pub ignored: Option<String>,
    /// The declaration in the new sources (or the nearest enclosing one).
    pub new_at: Option<Location>,
    /// The declaration in the old sources, when they are available.
    pub old_at: Option<Location>,
}

impl Finding {
    /// Counts for the exit code and for version discipline: an error that is not ignored.
    pub fn is_breaking(&self) -> bool {
        self.severity == Severity::Error && self.ignored.is_none()
    }

    /// `submit`, `consume`, `both` or `none`.
    pub fn direction(&self) -> &'static str {
        match self.directions.as_slice() {
            [] => "none",
            [one] => one.as_str(),
            _ => "both",
        }
    }
}

/// How to compare: the mode, and rules to ignore with their reasons.
#[derive(Clone, Debug)]
pub struct Options {
    pub mode: Mode,
    pub ignore: BTreeMap<String, String>,
}

impl Default for Options {
    fn default() -> Options {
        Options { mode: Mode::Full, ignore: BTreeMap::new() }
    }
}

/// A change as the walk finds it, before the mode gives it a severity.
#[derive(Clone, Debug)]
struct Change {
    rule: &'static str,
    effect: Effect,
    target: Target,
    message: String,
    old: Option<String>,
    new: Option<String>,
}

/// The findings of the walk alone, without version discipline: what the overlay check
/// (`src/overlay`) compares, where the two sides are different forms.
pub fn compare_shapes(old: &ir::Form, new: &ir::Form, options: &Options) -> Vec<Finding> {
    diff::diff(old, new).into_iter().map(|change| finding(&new.id, change, options)).collect()
}

/// The findings between two versions of one form (matched by id), in the form's order, then
/// version discipline.
pub fn compare(old: &ir::Form, new: &ir::Form, options: &Options) -> Vec<Finding> {
    let mut findings: Vec<Finding> =
        diff::diff(old, new).into_iter().map(|change| finding(&new.id, change, options)).collect();
    let breaking = findings.iter().any(Finding::is_breaking);
    for (rule, message) in version::discipline(old, new, breaking) {
        let change = Change {
            rule,
            effect: Effect::new(Impact::Safe, Impact::Safe),
            target: Target::Form,
            message,
            old: Some(old.version.clone()),
            new: Some(new.version.clone()),
        };
        let mut finding = finding(&new.id, change, options);
        finding.severity = Severity::Error;
        findings.push(finding);
    }
    findings
}

/// The findings between two sets of forms, matched by id: each form's [`compare`], and forms
/// added or removed. `removed` says whether a form missing from `new` counts as removed
/// (false when only some forms were given).
pub fn compare_sets(old: &[ir::Form], new: &[ir::Form], options: &Options, removed: bool) -> Vec<Finding> {
    let mut findings = Vec::new();
    for new_form in new {
        match old.iter().find(|o| o.id == new_form.id) {
            Some(old_form) => findings.extend(compare(old_form, new_form, options)),
            None => {
                let change = Change {
                    rule: "form-added",
                    effect: Effect::new(Impact::Safe, Impact::Safe),
                    target: Target::Form,
                    message: format!("form `{}` is new", new_form.id),
                    old: None,
                    new: Some(new_form.version.clone()),
                };
                findings.push(finding(&new_form.id, change, options));
            }
        }
    }
    if removed {
        for old_form in old.iter().filter(|o| !new.iter().any(|n| n.id == o.id)) {
            let change = Change {
                rule: "form-removed",
                effect: Effect::new(Impact::Breaks, Impact::Breaks),
                target: Target::Form,
                message: format!("form `{}` is gone: nothing accepts its submissions any more", old_form.id),
                old: Some(old_form.version.clone()),
                new: None,
            };
            findings.push(finding(&old_form.id, change, options));
        }
    }
    findings
}

fn finding(form: &str, change: Change, options: &Options) -> Finding {
    let directions: Vec<Direction> = [Direction::Submit, Direction::Consume]
        .into_iter()
        .filter(|d| options.mode.counts(*d) && change.effect.of(*d) > Impact::Safe)
        .collect();
    let worst = directions.iter().map(|d| change.effect.of(*d)).max().unwrap_or(Impact::Safe);
    let severity = match worst {
        Impact::Breaks => Severity::Error,
        Impact::Maybe => Severity::Warning,
        Impact::Safe => Severity::Info,
    };
    let path = match &change.target {
        Target::Form => String::new(),
        Target::Item(path) => path.join("."),
        Target::Rule(name) => name.clone(),
        Target::Code { list, code: None } => list.clone(),
        Target::Code { list, code: Some(code) } => format!("{list}.{code}"),
    };
    Finding {
        rule: change.rule,
        severity,
        effect: change.effect,
        directions,
        form: form.to_string(),
        path,
        target: change.target,
        message: change.message,
        old: change.old,
        new: change.new,
        ignored: options.ignore.get(change.rule).cloned(),
        new_at: None,
        old_at: None,
    }
}
