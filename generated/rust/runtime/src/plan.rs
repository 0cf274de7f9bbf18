//! A form as static data: its objects, members, field checks, conditions and rules, in the
//! order the reference validator checks them. A generated crate holds one `static` [`Form`]
//! per form, and the shared routines of this runtime ([`super::tree`] reads a submission by
//! it, [`super::walk`] checks it) interpret it, so that the code per form is data, not
//! functions: a catalogue of thousands of forms compiles like one.
//!
//! Names and paths are resolved when the plan is generated: a member is found by its index in
//! its object, a path is the member indices from the root, an object is its index in
//! [`Form::objects`]. Everything is `'static` and `Sync`, so plans are plain `static` items.

use super::check::Label;
use super::date::DurationUnit;
use super::decimal::Decimal;
use super::logic::{Agg, Arith, Cmp};
use super::messages::Catalogue;

/// One form.
pub struct Form {
    /// The form's title, by language (names the submission in its messages).
    pub title: Label<'static>,
    /// The catalogue texts of the form's languages, the primary one first.
    pub catalogues: &'static [Catalogue<'static>],
    /// Every object of a submission; the first is the submission itself.
    pub objects: &'static [Object],
}

/// An object of a submission: the root, a group, or a repeat's item.
pub struct Object {
    /// The members in the order they are checked (the form's order).
    pub members: &'static [Member],
    /// `(name, index into members)`, sorted by name: how a key is found while reading.
    pub by_name: &'static [(&'static str, u16)],
    /// The rules declared for this object, checked after its members (once per repeat item).
    pub rules: &'static [Rule],
}

impl Object {
    /// The index of the member named `key`.
    pub fn find(&self, key: &str) -> Option<usize> {
        self.by_name.binary_search_by(|(name, _)| (*name).cmp(key)).ok().map(|at| self.by_name[at].1 as usize)
    }

    /// [`find`](Self::find), trying the member at `expected` first: submissions mostly list
    /// members in the form's order, so one comparison usually finds the key.
    pub fn find_from(&self, key: &str, expected: usize) -> Option<usize> {
        match self.members.get(expected) {
            Some(member) if member.name == key => Some(expected),
            _ => self.find(key),
        }
    }
}

/// A field, group or repeat of an object.
pub struct Member {
    pub name: &'static str,
    /// `/name`, escaped for a JSON pointer.
    pub segment: &'static str,
    /// The label that names the member in messages (templates without the answers).
    pub label: Label<'static>,
    /// Shown only when this holds; a hidden member must be absent.
    pub visible: Option<&'static Expr>,
    pub node: Node,
}

/// What a member holds.
pub enum Node {
    Field {
        required: Required,
        spec: &'static Spec,
    },
    Group {
        required: Required,
        /// The form's message when the group is required and absent (empty: the built-in one).
        required_message: Label<'static>,
        object: u16,
    },
    /// The items are objects `object`; at most `max` items are read and checked.
    Repeat {
        min: u32,
        max: Option<u32>,
        object: u16,
        item_label: Label<'static>,
    },
}

/// When an absent, visible member is a violation.
pub enum Required {
    Always,
    Never,
    When(&'static Expr),
}

/// What a field's value must be: [`super::check::Spec`] as static data.
pub struct Spec {
    pub kind: Kind,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    /// Whether a text matches the field's pattern (anchored to the whole value).
    pub pattern: Option<fn(&str) -> bool>,
    /// The form's message for a pattern mismatch (empty: the built-in one).
    pub pattern_message: Label<'static>,
    pub decimals: Option<u32>,
    pub min: Option<super::check::Bound<'static>>,
    pub max: Option<super::check::Bound<'static>>,
    pub accept: &'static [&'static str],
    pub max_size: Option<u64>,
    /// Several files: the fewest (absent: one), the most, the most bytes together.
    pub min_count: Option<u32>,
    pub max_count: Option<u32>,
    pub max_total: Option<u64>,
    pub must_be_true: bool,
    /// The form's message when the field is required and absent, or a declaration is not
    /// confirmed (empty: the built-in one).
    pub required_message: Label<'static>,
    pub unit: Label<'static>,
    /// Codes of a multiple choice that exclude every other, with their labels.
    pub exclusive: &'static [(&'static str, Label<'static>)],
    /// `value <expr>`: the value the field must hold (absent while unknown), and the decimals
    /// a computed number is rounded to.
    pub computed: Option<&'static Expr>,
    pub computed_scale: Option<u32>,
    /// `within`: the answer that filters a single choice's codes.
    pub within: Option<&'static Within>,
}

/// A single choice filtered by another answer (`choice of Kreis within bundesland`).
pub struct Within {
    /// The single choice whose answer filters this one.
    pub parent: Path,
    /// The codes of the parent's list with their labels, sorted by code.
    pub parents: &'static [(&'static str, Label<'static>)],
    /// The codes of this field's list with each one's parent and label, sorted by code.
    pub codes: &'static [(&'static str, &'static str, Label<'static>)],
}

impl Spec {
    /// A spec of `kind` without constraints (for `..Spec::of(kind)`).
    pub const fn of(kind: Kind) -> Spec {
        Spec {
            kind,
            min_length: None,
            max_length: None,
            pattern: None,
            pattern_message: &[],
            decimals: None,
            min: None,
            max: None,
            accept: &[],
            max_size: None,
            min_count: None,
            max_count: None,
            max_total: None,
            must_be_true: false,
            required_message: &[],
            unit: &[],
            exclusive: &[],
            computed: None,
            computed_scale: None,
            within: None,
        }
    }
}

/// The kind of a field's value; a choice carries its code list's codes, sorted.
pub enum Kind {
    Text,
    Multiline,
    Email,
    Phone,
    Iban,
    Postcode,
    Integer,
    Decimal,
    Money,
    Boolean,
    Date,
    Choice(&'static [&'static str]),
    MultipleChoice(&'static [&'static str]),
    File,
    /// Several files (an array of file references).
    Files,
}

/// A rule of an object: when `check` is false, a violation `rule:<name>` at `at` (a warning
/// when `warning`: the submission stays valid).
pub struct Rule {
    pub name: &'static str,
    pub warning: bool,
    pub message: Label<'static>,
    pub check: &'static Expr,
    /// The member the violation points at (with the current item of each repeat on it).
    pub at: Path,
}

/// Member indices from the root object; through a repeat, its current item.
pub type Path = &'static [u16];

/// How a field's value is read as an expression value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Read {
    Bool,
    Integer,
    Decimal,
    Text,
    Date,
    Codes,
    /// A file: no expression reads its value.
    Unknown,
}

/// An expression in three-valued logic (see `super::logic`).
pub enum Expr {
    /// A value that is never known (a literal that did not parse).
    Unknown,
    Bool(bool),
    Number(Decimal),
    Text(&'static str),
    /// A date as written; a literal the checker accepted always parses.
    Date(&'static str),
    Today,
    Field(Path, Read),
    Not(&'static Expr),
    Neg(&'static Expr),
    And(&'static [Expr]),
    Or(&'static [Expr]),
    Compare(Cmp, &'static Expr, &'static Expr),
    Arith(Arith, &'static Expr, &'static Expr),
    Shift(&'static Expr, i64, DurationUnit),
    Length(&'static Expr),
    /// The key tuples of the repeat's items are pairwise different.
    Unique(Path, &'static [Expr]),
    DaysBetween(&'static Expr, &'static Expr),
    Age(&'static Expr, &'static Expr),
    In(&'static Expr, &'static [Expr]),
    Contains(&'static Expr, &'static str),
    IsSet(Path),
    IsEmpty(Path),
    /// The number of chosen codes of a multiple choice.
    CountCodes(Path),
    /// The number of items of a repeat (for which the filter holds).
    Count(Path, Option<&'static Expr>),
    Aggregate(Agg, Path, &'static Expr),
    Any(Path, &'static Expr),
    All(Path, &'static Expr),
}
