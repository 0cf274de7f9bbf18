//! The IR: the checked, fully resolved form model that every backend reads.
//!
//! Produced only by `check`; read by `emit` and the reference validator. It has no spans and
//! no unresolved names: every reference is a path from the form root, every code list a key
//! into [`Form::codelists`], every text a map from language to string. It is serde- and
//! schemars-serialisable; `generated/ir.schema.json` is its published schema. Bump
//! [`VERSION`] on any breaking change.
//!
//! # Data model (the meaning every backend shares)
//!
//! A submission is a JSON object. Fields are keyed by name; groups are nested objects;
//! repeats are arrays of objects. Sections (pages) do not nest data: all pages of a form
//! share the root object. A [`Path`] names a node by the keys from the root; a path that
//! passes through a repeat means "the current item" of that repeat, which is set by the
//! place the expression lives (inside the repeat) or by an aggregate over it.
//!
//! Text values contain no control characters except TAB and LF in `multiline` (single-line
//! text has neither), no U+2028/U+2029, no bidi embeddings, overrides or isolates
//! (U+202A–U+202E, U+2066–U+2069) and no noncharacters of the Basic Multilingual Plane; the
//! list is `runtime::formats::TEXT_FORBIDDEN`, and `docs/LANGUAGE.md` gives the reasons. Items
//! of a repeat past its maximum are not part of the meaning: expressions see the first `max`.
//!
//! Conditions use three-valued logic: a reference to an absent value is *unknown*.
//! `and`/`or`/`not` follow Kleene logic; any other operator with an unknown operand is
//! unknown. `is set`/`is empty` are never unknown. A node is visible when its `visible`
//! condition is true (unknown hides it); a rule is violated only when its check is false.

mod expr;
pub mod template;
mod text;

pub use expr::{AggregateFunc, ArithOp, CompareOp, Expr, Literal, ValueType};
pub use text::Text;

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The IR format version; part of every serialised form.
///
/// - 2: `Constraints.must_be_true`, `Field.unit`, `Constraints.decimals` on money (`0`: whole
///   euros), and texts (labels, hints, infos) that may hold `{path}` placeholders.
/// - 3: `Field.computed` (`value <expr>`: a read-only field computed from other answers).
/// - 4: `CodeList.extensible` (newer versions of the list may add codes; tolerant readers keep
///   them); `FieldType::Files` (several files in one field) with `Constraints.min_count`,
///   `max_count` and `max_total`; `Rule.severity` (`severity warning`: a hint, never a
///   violation), `Field.required_message` and `Group.required_message` (`required message "…"`);
///   `Form.extends` (an overlay of another form: the base's id and version, and what the
///   overlay adds).
/// - 5: cascading choices: `CodeList.within` (the list of its codes' parents) and
///   `Code.within` (each code's parent there); `Constraints.within` (the single choice whose
///   answer filters a choice's list: a code whose parent differs is the violation `not_within`).
pub const VERSION: u32 = 5;

/// Names from the form root to a node, e.g. `["antragsteller", "anschrift", "plz"]`.
pub type Path = Vec<String>;

/// All forms of one build, sorted by id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Bundle {
    pub forms: Vec<Form>,
}

/// One checked form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Form {
    /// Always [`VERSION`].
    pub ir_version: u32,
    /// The form's stable identifier (its name in the source), e.g. `fuehrungszeugnis`.
    pub id: String,
    /// The author's version of the form, e.g. `1.2.0`.
    pub version: String,
    /// The languages of all texts; the first is the primary language.
    pub languages: Vec<String>,
    pub title: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fim: Option<FimRef>,
    /// Set when the form is an overlay of another form (`form a extends b { … }`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extends: Option<Extends>,
    /// The pages (sections) in order; a form without sections has one unnamed page.
    pub pages: Vec<Page>,
    /// Every cross-field rule of the form, wherever it was declared.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Rule>,
    /// Every code list a field of this form uses, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub codelists: BTreeMap<String, CodeList>,
    /// Every shared group type a group or repeat of this form is an instance of, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub group_types: BTreeMap<String, GroupType>,
    /// The texts of each of the form's languages that come from a project catalogue
    /// (`catalogues/<tag>.toml`), flattened (`messages.required` → template); languages
    /// without an entry use Formwerk's built-in catalogue (`de`, `en`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub catalogues: BTreeMap<String, BTreeMap<String, String>>,
}

impl Form {
    /// The items of the root object, across all pages.
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.pages.iter().flat_map(|page| page.items.iter())
    }

    /// The submission a fresh page starts from: every field's `default`, in its groups
    /// (never in a repeat, whose items the citizen adds; never a member hidden in this use).
    pub fn initial_values(&self) -> serde_json::Value {
        fn object<'i>(items: impl Iterator<Item = &'i Item>) -> serde_json::Map<String, serde_json::Value> {
            let mut out = serde_json::Map::new();
            for item in items.filter(|i| !i.never_shown()) {
                match item {
                    Item::Field(field) => {
                        if let Some(value) = field.default_value() {
                            out.insert(field.name.clone(), value);
                        }
                    }
                    Item::Group(group) => {
                        let inner = object(group.items.iter());
                        if !inner.is_empty() {
                            out.insert(group.name.clone(), serde_json::Value::Object(inner));
                        }
                    }
                    Item::Repeat(_) | Item::Info(_) => {}
                }
            }
            out
        }
        serde_json::Value::Object(object(self.items()))
    }
}

/// What an overlay builds on: the base form, and what the overlay adds to it. Every submission
/// the overlay accepts is, with the members at `additions` removed, one the base accepts
/// (checked with `formwerk compat` unless `unchecked` gives a reason).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Extends {
    /// The base form's id.
    pub id: String,
    /// The base form's version.
    pub version: String,
    /// The fields, groups, repeats and infos the overlay adds, as paths from the root (a path
    /// through a repeat means the member in every item); their members are additions too.
    /// Removing these from a submission gives the base's submission.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub additions: Vec<Path>,
    /// The rules the overlay adds, by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<String>,
    /// Set when the author skipped the overlay's compat check (`unchecked "reason"`): the reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unchecked: Option<String>,
}

impl Extends {
    /// Whether `path` is an addition or lies below one.
    pub fn is_addition(&self, path: &[String]) -> bool {
        self.additions.iter().any(|addition| path.starts_with(addition))
    }
}

/// A FIM (XDatenfelder) identifier with its version, e.g. `F60000227` `1.2`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FimRef {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// What FIM says about the element beyond its id, kept for a faithful XDF3 export.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Box<FimMeta>>,
}

/// The FIM metadata of a form, group, field or label field (`fim "…" { … }`). Every entry
/// is optional; the XDF3 export writes what is present and generates only what is absent.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FimMeta {
    /// The technical name (`name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definition: Option<String>,
    /// Legal and other references (`bezug`), in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bezug: Vec<FimBezug>,
    /// The label for printed output (`bezeichnungAusgabe`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_label: Option<String>,
    /// The help text for printed output (`hilfetextAusgabe`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_hint: Option<String>,
    /// `schemaelementart`: `ABS`, `HAR` or `RNG`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub element: Option<String>,
    /// `vorbefuellung`: `keine`, `optional` or `verpflichtend`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefill: Option<String>,
    /// FIM's `anzahl` (`0:1` or `1:1`) of a single element where it differs from what the
    /// element's requirement says: a translated FIM rule or a choice group decides
    /// whether it is required, or it is an optional group with required members.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multiplicity: Option<String>,
    /// Read-only (`feldart` locked).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub locked: bool,
    /// FIM's reference to an external code list (`codelisteReferenz`) of a field that has no
    /// list here (it was not available at import): kept so that the export writes it again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub codelist: Option<FimCodelistRef>,
    /// The document profile (`dokumentsteckbrief`); forms only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<FimId>,
    /// The FIM rules (`regel`) of this element, verbatim, whether Formwerk translated them or not.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<FimRule>,
}

/// An external code list as FIM names it: URN (`canonicalIdentification`) and version.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FimCodelistRef {
    pub urn: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// A FIM id and version without metadata (a document profile).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FimId {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// A reference (`bezug`), with its link when FIM gives one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FimBezug {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

/// A FIM rule (`regel`) as FIM wrote it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FimRule {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The rule in prose (`freitextRegel`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The machine-readable rule (`skript`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script: Option<String>,
    /// `typ` of the FIM rule type list (`B`, `K`, `V`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bezug: Vec<FimBezug>,
}

/// A step of a multi-page form. Visibility of a page is already folded into its items.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Page {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<Text>,
    /// When the page is shown at all (also part of every item's `visible`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible: Option<Expr>,
    pub items: Vec<Item>,
}

/// A node of the data tree (or a static text between them).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[allow(clippy::large_enum_variant)] // Built once per form; boxing would only complicate matching.
pub enum Item {
    Field(Field),
    Group(Group),
    Repeat(Repeat),
    Info(Info),
}

impl Item {
    pub fn name(&self) -> &str {
        match self {
            Item::Field(f) => &f.name,
            Item::Group(g) => &g.name,
            Item::Repeat(r) => &r.name,
            Item::Info(i) => &i.name,
        }
    }

    /// When the item is shown (`None`: always, with its parent).
    pub fn visible(&self) -> Option<&Expr> {
        match self {
            Item::Field(f) => f.visible.as_ref(),
            Item::Group(g) => g.visible.as_ref(),
            Item::Repeat(r) => r.visible.as_ref(),
            Item::Info(i) => i.visible.as_ref(),
        }
    }

    /// Whether the item must be given while shown: a field's or group's `required`; a repeat
    /// with a minimum always; an info never.
    pub fn requirement(&self) -> Requirement {
        match self {
            Item::Field(f) => f.required.clone(),
            Item::Group(g) => g.required.clone(),
            Item::Repeat(r) if r.min > 0 => Requirement::Always,
            Item::Repeat(_) | Item::Info(_) => Requirement::Never,
        }
    }

    /// Never shown: a member that a use of a shared group type hides (`member x { hidden }`).
    /// The page, the JSON Schema and the XDatenfelder export leave it out.
    pub fn never_shown(&self) -> bool {
        self.visible().is_some_and(Expr::is_false)
    }

    /// The children of a group or repeat item.
    pub fn children(&self) -> &[Item] {
        match self {
            Item::Group(g) => &g.items,
            Item::Repeat(r) => &r.items,
            _ => &[],
        }
    }

    /// The children of a group or repeat item, to change; `None` for a field or info.
    pub fn children_mut(&mut self) -> Option<&mut Vec<Item>> {
        match self {
            Item::Group(g) => Some(&mut g.items),
            Item::Repeat(r) => Some(&mut r.items),
            _ => None,
        }
    }
}

/// When a value must be present (if its node is visible).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "mode", content = "condition", rename_all = "snake_case")]
pub enum Requirement {
    Always,
    Never,
    When(Expr),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Field {
    pub name: String,
    pub label: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<Text>,
    #[serde(rename = "type")]
    pub ty: FieldType,
    pub required: Requirement,
    /// `required … message "…"`: what a citizen is told when the field is required and
    /// absent (the violation keeps the code `required`, or `not_confirmed` for a declaration,
    /// which then also reads this text when it is `false`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_message: Option<Text>,
    /// Absent means always visible. A hidden field must be absent from a submission.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible: Option<Expr>,
    #[serde(default, skip_serializing_if = "Constraints::is_empty")]
    pub constraints: Constraints,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fim: Option<FimRef>,
    /// A WHATWG autocomplete token (from the allow-list of HTML.md §2.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autocomplete: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control: Option<Control>,
    /// The unit of an integer or decimal field's value (`m²`), shown next to the input and
    /// in messages that quote a bound; it does not change the value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<Text>,
    /// The value a fresh page starts with (`default`); checked to be a valid value of the
    /// field. It is not put into a submission that lacks the field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Literal>,
    /// What a portal may fill in for the citizen (`prefill from "…"`, FIM vorbefuellung).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefill: Option<Prefill>,
    /// `value <expr>`: the field is read-only and holds the value of this expression (of the
    /// field's type), rounded half away from zero to [`Field::computed_scale`] decimals. While
    /// the field is shown and the expression is known, the submission must hold exactly that
    /// value; while the expression is unknown, the field must be absent. Anything else is the
    /// violation `computed`. Such a field is never `required` of the citizen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub computed: Option<Expr>,
}

/// `prefill from "source" [locked]`: the key of the portal's data that fills the field.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Prefill {
    /// The portal's key, e.g. `bundid.familienname`.
    pub source: String,
    /// Read-only once filled: the citizen cannot change what the portal filled in.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub locked: bool,
}

impl Field {
    /// The decimals a computed number is rounded to: a money field's `decimals` (2 unless
    /// given), a decimal field's `decimals` when given (else exact), 0 for an integer.
    pub fn computed_scale(&self) -> Option<u32> {
        match self.ty {
            FieldType::Money => Some(self.constraints.decimals.unwrap_or(2)),
            FieldType::Decimal => self.constraints.decimals,
            FieldType::Integer => Some(0),
            _ => None,
        }
    }

    /// The default as a submission holds it (decimals and money as strings, integers as
    /// numbers), or `None`.
    pub fn default_value(&self) -> Option<serde_json::Value> {
        let value = match (self.default.as_ref()?, &self.ty) {
            (Literal::Bool(b), _) => serde_json::Value::Bool(*b),
            (Literal::Number(n), FieldType::Integer) => serde_json::Value::Number(n.parse::<i64>().ok()?.into()),
            (Literal::Number(text) | Literal::Text(text) | Literal::Date(text) | Literal::Code(text), _) => {
                serde_json::Value::String(text.clone())
            }
        };
        Some(value)
    }
}

/// The kind of value a field holds, and how it is written in a submission.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FieldType {
    /// A JSON string on one line.
    Text,
    /// A JSON string that may contain line breaks.
    Multiline,
    /// A JSON integer.
    Integer,
    /// An exact decimal, written as a JSON string such as `"12.5"`.
    Decimal,
    /// An amount in euros, written as a JSON string with at most two decimals (`"12.50"`).
    Money,
    Boolean,
    /// A JSON string `YYYY-MM-DD` naming a real calendar date.
    Date,
    Email,
    Phone,
    /// An IBAN without spaces, upper case, with a valid mod-97 checksum.
    Iban,
    /// A German postal code: five digits.
    Postcode,
    /// A reference to an uploaded file.
    File,
    /// A JSON array of file references (`count` on a file field): between
    /// [`Constraints::min_count`] (else 1) and [`Constraints::max_count`] of them, each checked
    /// as a `file` (`accept`, `max_size`), their sizes together at most
    /// [`Constraints::max_total`]. An empty array is the violation `empty`, as for a multiple
    /// choice: an absent field is how a submission says "no files".
    Files,
    /// One code of the named code list.
    Choice {
        codelist: String,
    },
    /// A JSON array of distinct codes of the named code list.
    MultipleChoice {
        codelist: String,
    },
}

/// How a choice or boolean is presented (the HTML backend decides when absent).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Control {
    Radios,
    Select,
    Checkbox,
}

/// The constraints of one field; which ones can be set depends on its type.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Constraints {
    /// Minimum length in Unicode code points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u64>,
    /// Maximum length in Unicode code points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<Pattern>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Bound>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Bound>,
    /// Most digits allowed after the decimal point.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimals: Option<u32>,
    /// Allowed file types: extensions (`.pdf`) or media types (`image/png`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accept: Vec<String>,
    /// Largest file size in bytes (of each file, for several files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_size: Option<u64>,
    /// Fewest files of a field that takes several (`count 2..5`); absent: one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_count: Option<u32>,
    /// Most files of a field that takes several (`count ..5`); always set for `files`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_count: Option<u32>,
    /// Largest sum of the sizes of several files, in bytes (`max_total 20 MB`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_total: Option<u64>,
    /// A boolean that must be `true` when present (`must be true`: a declaration the
    /// citizen confirms). Absent while required, or `false`, is the violation `not_confirmed`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub must_be_true: bool,
    /// Codes of a multiple choice that exclude every other ("none of these"): chosen with
    /// another code, the violation `exclusive`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclusive: Vec<String>,
    /// `within bundesland` on a single choice: the path of the single choice (of the list's
    /// [`CodeList::within`] list) whose answer filters this one. While both answers are valid
    /// codes and the chosen code's parent is not the other answer, the violation `not_within`;
    /// while the other answer is absent or not a code of its list, any code is accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<Path>,
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }
}

/// A pattern the whole value must match.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Pattern {
    /// The pattern as the author wrote it.
    pub source: String,
    /// The same pattern in the portable subset shared by ECMA-262 and Rust `regex`,
    /// without anchors: backends anchor it as `^(?:…)$`.
    pub regex: String,
    /// What a citizen is told when the value does not match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<Text>,
}

/// A constant bound of a number, money or date field.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Bound {
    /// An exact number, as a decimal string (`"0"`, `"2.5"`).
    Number { value: String },
    /// A fixed date `YYYY-MM-DD`.
    Date { value: String },
    /// `today` shifted by a signed amount: `today - 14 years` is `{amount: -14, unit: years}`.
    Today { amount: i64, unit: DateUnit },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DateUnit {
    Days,
    Months,
    Years,
}

/// A nested object of the submission.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub name: String,
    pub label: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<Text>,
    /// The shared group type this group is an instance of (a key of [`Form::group_types`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of: Option<String>,
    /// The shared group type this group uses with some members tightened (`member … { … }`):
    /// its items differ from the type's, so it is written out (`of` is absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adapts: Option<String>,
    /// Whether the object must be present when visible: `always` when the author says
    /// `required` or when it holds a field that is always required; an absent group
    /// otherwise counts as an empty object.
    pub required: Requirement,
    /// `required … message "…"`: what a citizen is told when the group is required and absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_message: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible: Option<Expr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fim: Option<FimRef>,
    pub items: Vec<Item>,
}

/// An array of objects with the same fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Repeat {
    pub name: String,
    pub label: Text,
    /// The label of one item ("Kind"), numbered by the HTML backend ("Kind 1").
    pub item_label: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of: Option<String>,
    /// As [`Group::adapts`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adapts: Option<String>,
    /// Fewest items; an absent array counts as empty.
    pub min: u32,
    /// Most items; `None` is unbounded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible: Option<Expr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fim: Option<FimRef>,
    pub items: Vec<Item>,
}

/// Static text shown to the citizen; carries no data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Info {
    pub name: String,
    pub text: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible: Option<Expr>,
    /// The FIM label field (`feldart` label) this text came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fim: Option<FimRef>,
}

/// A cross-field rule: `check` must not be false.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Unique in the form; violations carry the code `rule:<name>`.
    pub name: String,
    /// The group or repeat the rule was declared in (empty: the form). Inside a repeat
    /// the rule is checked once per item.
    pub scope: Path,
    pub check: Expr,
    /// The node a violation is reported at (defaults to the scope).
    pub at: Path,
    pub message: Text,
    /// `warning`: a failing check is a hint the citizen may confirm (reported apart from the
    /// violations, with the same code `rule:<name>`); it never makes a submission invalid.
    #[serde(default, skip_serializing_if = "Severity::is_error")]
    pub severity: Severity,
    /// The FIM rule this rule was translated from (`fim "R…"` in the rule).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fim: Option<FimRef>,
}

/// How a failing rule counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// A violation: the submission is invalid.
    #[default]
    Error,
    /// A warning: the submission stays valid; the citizen is asked to confirm.
    Warning,
}

impl Severity {
    pub fn is_error(&self) -> bool {
        *self == Severity::Error
    }
}

/// A list of codes with labels, XÖV style.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeList {
    pub name: String,
    /// The module that defines the list, e.g. `common.codes`.
    pub module: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    pub codes: Vec<Code>,
    /// Set when the codes come from an external genericode list
    /// (`codelist Staat from "urn:…" version "2023-02-24"`): `urn` and `version` are then the
    /// list's own, and `codes` were read from the file named here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external: Option<ExternalCodeList>,
    /// `extensible`: newer versions of the list may add codes. The intake still accepts only
    /// `codes`; readers of the form's data that must tolerate newer versions (the generated
    /// crate's `read_tolerant`) keep an unknown code as `Other`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub extensible: bool,
    /// `within Bundesland`: the key (in [`Form::codelists`]) of the list that holds every
    /// code's parent ([`Code::within`]); a choice of this list may be filtered by an answer
    /// from that list ([`Constraints::within`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<String>,
}

/// Where an external code list came from: a file of the code-list directory.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExternalCodeList {
    /// The file name inside the code-list directory (never a path), e.g. `staat_2023-02-24.xml`.
    pub file: String,
    /// SHA-256 of the file's bytes, lower-case hex: the exact list the form was built with.
    pub sha256: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Code {
    pub code: String,
    pub label: Text,
    /// The code's parent, a code of the list's [`CodeList::within`] list; set for every code
    /// of such a list, absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<String>,
}

/// A shared group type from a module, such as `Person`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupType {
    pub name: String,
    pub module: String,
    pub label: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fim: Option<FimRef>,
}

/// The JSON Schema of the IR, as published in `generated/ir.schema.json`.
pub fn json_schema() -> serde_json::Value {
    let schema = schemars::schema_for!(Form);
    serde_json::to_value(schema).expect("the IR schema serialises")
}
