//! The abstract syntax tree: what the author wrote, with a byte span on every node.
//!
//! The AST carries no meaning: names are unresolved, types unchecked, and every block
//! is a flat list of statements. Which statement is allowed where is decided by `check`.

use crate::source::Span;

/// A name as written, e.g. `geburtsdatum`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A string literal with escapes resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StringLit {
    pub value: String,
    pub span: Span,
}

/// `from "urn:…" version "…"` of an external code list.
#[derive(Clone, Debug, PartialEq)]
pub struct CodelistFrom {
    pub urn: StringLit,
    pub version: Option<StringLit>,
    /// From `from` to the end of the version (or URN).
    pub span: Span,
}

/// A whole number literal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IntLit {
    pub value: u64,
    pub span: Span,
}

/// A German text with translations: `"Vorname" en "First name"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    pub primary: StringLit,
    pub translations: Vec<(Ident, StringLit)>,
    pub span: Span,
}

/// `a..b`, `..b`, `a..` or a single `a` (which means `a..a`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IntRange {
    pub min: Option<IntLit>,
    pub max: Option<IntLit>,
    pub span: Span,
}

/// A parsed file.
#[derive(Clone, Debug, PartialEq)]
pub struct File {
    pub uses: Vec<Use>,
    pub forms: Vec<FormDecl>,
    /// Top-level statements: shared group types and code lists (anything else is misplaced).
    pub items: Vec<Stmt>,
}

/// `use common.person`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Use {
    pub path: Vec<Ident>,
    pub span: Span,
}

impl Use {
    pub fn module(&self) -> String {
        self.path.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join(".")
    }
}

/// `form name { ... }`
#[derive(Clone, Debug, PartialEq)]
pub struct FormDecl {
    pub name: Ident,
    /// `extends base.module`: the form is an overlay of the form in that module.
    pub extends: Option<Extends>,
    pub body: Block,
    pub span: Span,
}

/// `extends wohngeld unchecked "reason"` in an overlay's header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extends {
    /// The module that holds the base form, resolved like `use`.
    pub base: Vec<Ident>,
    /// `unchecked "reason"`: the overlay's compat check is skipped, for this reason.
    pub unchecked: Option<StringLit>,
    /// From `extends` to the end of the header.
    pub span: Span,
}

impl Extends {
    pub fn module(&self) -> String {
        self.base.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join(".")
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub stmts: Vec<Stmt>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

/// The field types as written after `field name:`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldTypeAst {
    Simple(Ident),
    Choice { list: Ident, multiple: bool },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flag {
    Required,
    Optional,
    /// `must be true`: a boolean that must be confirmed.
    MustBeTrue,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextKey {
    Label,
    Hint,
    Title,
    Description,
    Message,
    Item,
    /// The unit of a number field (`unit "m²"`).
    Unit,
}

impl TextKey {
    pub fn as_str(self) -> &'static str {
        match self {
            TextKey::Label => "label",
            TextKey::Hint => "hint",
            TextKey::Title => "title",
            TextKey::Description => "description",
            TextKey::Message => "message",
            TextKey::Item => "item",
            TextKey::Unit => "unit",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BoundKind {
    Min,
    Max,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SizeUnit {
    Kb,
    Mb,
    /// `B`: exact bytes (as FIM's `maxSize`).
    Bytes,
}

/// The single-text entries of a `fim` block (and of a FIM rule in it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FimKey {
    Name,
    Definition,
    Element,
    Prefill,
    Multiplicity,
    Text,
    Script,
    Kind,
}

impl FimKey {
    pub fn as_str(self) -> &'static str {
        match self {
            FimKey::Name => "name",
            FimKey::Definition => "definition",
            FimKey::Element => "element",
            FimKey::Prefill => "prefill",
            FimKey::Multiplicity => "multiplicity",
            FimKey::Text => "text",
            FimKey::Script => "script",
            FimKey::Kind => "kind",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    Field {
        name: Ident,
        ty: FieldTypeAst,
        /// `choice of Kreis within bundesland`: the answer that filters the field's list.
        within: Option<Path>,
        label: Option<Text>,
        flag: Option<(Flag, Span)>,
        body: Option<Block>,
    },
    Group {
        name: Ident,
        ty: Option<Ident>,
        label: Option<Text>,
        flag: Option<(Flag, Span)>,
        body: Option<Block>,
    },
    Repeat {
        name: Ident,
        ty: Option<Ident>,
        label: Option<Text>,
        count: Option<IntRange>,
        body: Option<Block>,
    },
    Section {
        name: Ident,
        label: Option<Text>,
        body: Option<Block>,
    },
    Info {
        name: Ident,
        text: Text,
        body: Option<Block>,
    },
    Rule {
        name: Ident,
        /// `rule r when <condition> { … }`: the check applies only where the condition holds.
        when: Option<Expr>,
        body: Block,
    },
    Codelist {
        name: Ident,
        label: Option<Text>,
        body: Option<Block>,
        /// `from "urn" version "v"`: an external list, resolved from the code-list directory.
        from: Option<CodelistFrom>,
    },
    Code {
        code: StringLit,
        label: Option<Text>,
        /// `within "09"`: the code's parent in the list's parent list.
        within: Option<StringLit>,
    },
    Text {
        key: TextKey,
        text: Text,
    },
    Version(StringLit),
    Languages(Vec<Ident>),
    Fim {
        id: StringLit,
        version: Option<StringLit>,
        /// The FIM metadata block (`fim "F…" { name "…" bezug "…" }`).
        body: Option<Block>,
    },
    Urn(StringLit),
    Required {
        when: Option<Expr>,
        /// `required message "…" en "…"`: what a citizen is told when the value is missing.
        message: Option<Text>,
    },
    Optional,
    Visible(Expr),
    Length(IntRange),
    Bound {
        kind: BoundKind,
        value: Expr,
    },
    Decimals(IntLit),
    Pattern(StringLit),
    Accept(Vec<StringLit>),
    MaxSize {
        amount: IntLit,
        unit: SizeUnit,
    },
    /// `count 1..5`: a file field that takes several files, and how many.
    Count(IntRange),
    /// `max_total 20 MB`: the most the files of a field may add up to.
    MaxTotal {
        amount: IntLit,
        unit: SizeUnit,
    },
    Autocomplete(StringLit),
    Control(Ident),
    Check(Expr),
    At(Path),
    /// `must be true` in a field's block.
    MustBeTrue,
    /// `exclusive "KEINE", …`: codes of a multiple choice that exclude every other.
    Exclusive(Vec<StringLit>),
    /// `name "…"`, `definition "…"`, … in a `fim` block.
    FimEntry {
        key: FimKey,
        value: StringLit,
    },
    /// `bezug "…" link "…"` in a `fim` block.
    Bezug {
        text: StringLit,
        link: Option<StringLit>,
    },
    /// `document "D…" version "…"` in a form's `fim` block.
    Document {
        id: StringLit,
        version: Option<StringLit>,
    },
    /// `codelist "urn:…" version "…"` in an element's `fim` block: FIM's code-list reference
    /// of a field that has no list here.
    FimCodelist {
        urn: StringLit,
        version: Option<StringLit>,
    },
    /// `member a.b { … }` in a group or repeat of a shared type: tightens one member.
    Member {
        path: Path,
        body: Block,
    },
    /// `after a.b { … }` in an overlay: items placed after a base item.
    After {
        path: Path,
        body: Block,
    },
    /// `codes "A", …` in an overlay's `member` block: the codes a choice keeps.
    Codes(Vec<StringLit>),
    /// `translations hsb { "Vorname" "Předmjeno" … }` in an overlay: translations by primary text.
    Translations {
        lang: Ident,
        entries: Vec<(StringLit, StringLit)>,
    },
    /// `hidden` in a `member` block.
    Hidden,
    /// `extensible` in a code list: newer versions may add codes.
    Extensible,
    /// `default <value>` of a field.
    Default(Expr),
    /// `value <expr>` of a field: its value is computed from other answers.
    Value(Expr),
    /// `prefill from "key" [locked]` of a field.
    Prefill {
        source: StringLit,
        locked: bool,
    },
    /// `output label "…"` (`hint: false`) or `output hint "…"` in a `fim` block.
    Output {
        hint: bool,
        text: StringLit,
    },
    /// `locked` in a `fim` block.
    Locked,
    /// `severity warning` (or `error`) in a rule; checked by `check`.
    Severity(Ident),
    /// `within Bundesland [by prefix 2]` in a code list (its codes' parent list, and how a
    /// code's parent is found), or `within bundesland` in a field's block (the answer that
    /// filters its list); `check` decides which the block allows.
    Within {
        path: Path,
        prefix: Option<IntLit>,
    },
    /// `rule "R…" version "…" { … }` in a `fim` block.
    FimRule {
        id: StringLit,
        version: Option<StringLit>,
        body: Option<Block>,
    },
}

impl StmtKind {
    /// The keyword that starts the statement, for messages.
    pub fn keyword(&self) -> &'static str {
        match self {
            StmtKind::Field { .. } => "field",
            StmtKind::Group { .. } => "group",
            StmtKind::Repeat { .. } => "repeat",
            StmtKind::Section { .. } => "section",
            StmtKind::Info { .. } => "info",
            StmtKind::Rule { .. } => "rule",
            StmtKind::Codelist { .. } => "codelist",
            StmtKind::Code { .. } => "code",
            StmtKind::Text { key, .. } => key.as_str(),
            StmtKind::Version(_) => "version",
            StmtKind::Languages(_) => "languages",
            StmtKind::Fim { .. } => "fim",
            StmtKind::Urn(_) => "urn",
            StmtKind::Required { .. } => "required",
            StmtKind::Optional => "optional",
            StmtKind::Visible(_) => "visible when",
            StmtKind::Length(_) => "length",
            StmtKind::Bound { kind: BoundKind::Min, .. } => "min",
            StmtKind::Bound { kind: BoundKind::Max, .. } => "max",
            StmtKind::Decimals(_) => "decimals",
            StmtKind::Pattern(_) => "pattern",
            StmtKind::Accept(_) => "accept",
            StmtKind::MaxSize { .. } => "max_size",
            StmtKind::Count(_) => "count",
            StmtKind::MaxTotal { .. } => "max_total",
            StmtKind::Autocomplete(_) => "autocomplete",
            StmtKind::Control(_) => "control",
            StmtKind::Check(_) => "check",
            StmtKind::At(_) => "at",
            StmtKind::MustBeTrue => "must be true",
            StmtKind::Exclusive(_) => "exclusive",
            StmtKind::FimEntry { key, .. } => key.as_str(),
            StmtKind::Bezug { .. } => "bezug",
            StmtKind::Document { .. } => "document",
            StmtKind::FimCodelist { .. } => "codelist \"…\"",
            StmtKind::Member { .. } => "member",
            StmtKind::Hidden => "hidden",
            StmtKind::Extensible => "extensible",
            StmtKind::After { .. } => "after",
            StmtKind::Codes(_) => "codes",
            StmtKind::Translations { .. } => "translations",
            StmtKind::Default(_) => "default",
            StmtKind::Value(_) => "value",
            StmtKind::Prefill { .. } => "prefill from",
            StmtKind::Output { hint: false, .. } => "output label",
            StmtKind::Output { hint: true, .. } => "output hint",
            StmtKind::Locked => "locked",
            StmtKind::FimRule { .. } => "rule \"…\"",
            StmtKind::Severity(_) => "severity",
            StmtKind::Within { .. } => "within",
        }
    }
}

/// A dotted path such as `antragsteller.anschrift.plz`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Path {
    pub segments: Vec<Ident>,
    pub span: Span,
}

impl Path {
    pub fn dotted(&self) -> String {
        self.segments.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(".")
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DurationUnit {
    Days,
    Months,
    Years,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Not,
    Neg,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    /// `a implies b`, lowered to `not a or b`.
    Implies,
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    Contains,
    Add,
    Sub,
    Mul,
    Div,
}

impl BinaryOp {
    pub fn as_str(self) -> &'static str {
        match self {
            BinaryOp::Implies => "implies",
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::In => "in",
            BinaryOp::NotIn => "not in",
            BinaryOp::Contains => "contains",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PostfixOp {
    IsSet,
    IsNotSet,
    IsEmpty,
    IsNotEmpty,
}

impl PostfixOp {
    pub fn as_str(self) -> &'static str {
        match self {
            PostfixOp::IsSet => "is set",
            PostfixOp::IsNotSet => "is not set",
            PostfixOp::IsEmpty => "is empty",
            PostfixOp::IsNotEmpty => "is not empty",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Bool(bool),
    /// A number as written (`12`, `0.07`): kept as text so no precision is lost.
    Number(String),
    Str(String),
    /// A date literal `YYYY-MM-DD`, already checked to exist in the calendar.
    Date(String),
    Duration {
        amount: u32,
        unit: DurationUnit,
    },
    Today,
    Path(Path),
    Set(Vec<Expr>),
    Call {
        name: Ident,
        args: Vec<Expr>,
    },
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    Postfix {
        op: PostfixOp,
        operand: Box<Expr>,
    },
}
