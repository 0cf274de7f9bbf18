//! Sorting the flat statements of a block into the properties and members of one context.
//!
//! Every block of the language is parsed the same way; here each context (form, section,
//! field, …) says which statements it accepts. Anything else gets `misplaced-statement`,
//! a repeated property `duplicate-property`.

use crate::diag::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::{self, BoundKind, Stmt, StmtKind, TextKey};

/// Where a block sits; decides which statements it accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    /// The top level of a file (outside `form`).
    File,
    Form,
    Section,
    /// A group with its own members, or a group type definition.
    Group,
    /// A group that is an instance of a type: properties only.
    GroupInstance,
    Repeat,
    RepeatInstance,
    Field,
    Info,
    Rule,
    Codelist,
    /// The metadata block of a form's `fim` statement.
    FimForm,
    /// The metadata block of an element's `fim` statement (group, repeat, field, info).
    Fim,
    /// A FIM rule in a `fim` block.
    FimRule,
    /// A `member` block in a group or repeat of a shared type.
    Member,
    /// What an overlay's `member` block applies to the IR (its other statements are placed by
    /// the merge).
    OverlayMember,
}

impl Context {
    fn describe(self) -> &'static str {
        match self {
            Context::File => "at the top level of a file",
            Context::Form => "in a form",
            Context::Section => "in a section",
            Context::Group => "in a group",
            Context::GroupInstance => "in a group of a shared type",
            Context::Repeat => "in a repeat group",
            Context::RepeatInstance => "in a repeat group of a shared type",
            Context::Field => "in a field",
            Context::Info => "in an info text",
            Context::Rule => "in a rule",
            Context::Codelist => "in a code list",
            Context::FimForm => "in a form's `fim` block",
            Context::Fim => "in a `fim` block",
            Context::FimRule => "in a FIM rule",
            Context::Member => "in a `member` block",
            Context::OverlayMember => "in a `member` block of an overlay",
        }
    }

    /// The statement keywords this context accepts, in the order shown in help texts.
    pub fn accepts(self) -> &'static [&'static str] {
        const MEMBERS: [&str; 5] = ["field", "group", "repeat", "info", "rule"];
        match self {
            Context::File => &["group", "codelist"],
            Context::Form => &[
                "title",
                "description",
                "version",
                "languages",
                "fim",
                "section",
                "field",
                "group",
                "repeat",
                "info",
                "rule",
                "codelist",
            ],
            Context::Section => {
                &["label", "hint", "visible when", MEMBERS[0], MEMBERS[1], MEMBERS[2], MEMBERS[3], MEMBERS[4]]
            }
            Context::Group => &[
                "label",
                "hint",
                "fim",
                "required",
                "optional",
                "visible when",
                MEMBERS[0],
                MEMBERS[1],
                MEMBERS[2],
                MEMBERS[3],
                MEMBERS[4],
            ],
            Context::GroupInstance => &["label", "hint", "fim", "required", "optional", "visible when", "member"],
            Context::Repeat => &[
                "label",
                "hint",
                "item",
                "fim",
                "visible when",
                MEMBERS[0],
                MEMBERS[1],
                MEMBERS[2],
                MEMBERS[3],
                MEMBERS[4],
            ],
            Context::RepeatInstance => &["label", "hint", "item", "fim", "visible when", "member"],
            Context::Member => &["required", "length", "min", "max", "hidden"],
            Context::OverlayMember => &["required", "length", "min", "max", "hidden", "codes"],
            Context::Field => &[
                "label",
                "hint",
                "fim",
                "required",
                "optional",
                "visible when",
                "length",
                "min",
                "max",
                "decimals",
                "pattern",
                "message",
                "accept",
                "max_size",
                "count",
                "max_total",
                "autocomplete",
                "control",
                "must be true",
                "unit",
                "exclusive",
                "default",
                "prefill from",
                "value",
                "within",
            ],
            Context::Info => &["visible when", "fim"],
            Context::Rule => &["check", "at", "message", "severity", "fim"],
            Context::Codelist => &["label", "urn", "version", "code", "extensible", "within"],
            Context::FimForm => &["name", "definition", "bezug", "document", "rule \"…\""],
            Context::Fim => &[
                "name",
                "definition",
                "bezug",
                "output label",
                "output hint",
                "element",
                "prefill",
                "multiplicity",
                "locked",
                "codelist \"…\"",
                "rule \"…\"",
            ],
            Context::FimRule => &["name", "text", "script", "kind", "bezug"],
        }
    }
}

/// The properties and members found in one block.
#[derive(Default)]
pub struct Props<'a> {
    pub label: Option<&'a ast::Text>,
    pub hint: Option<&'a ast::Text>,
    pub title: Option<&'a ast::Text>,
    pub description: Option<&'a ast::Text>,
    pub message: Option<&'a ast::Text>,
    pub item: Option<&'a ast::Text>,
    pub unit: Option<&'a ast::Text>,
    pub version: Option<&'a ast::StringLit>,
    pub languages: Option<(&'a [ast::Ident], Span)>,
    pub fim: Option<(&'a ast::StringLit, Option<&'a ast::StringLit>, Option<&'a ast::Block>)>,
    pub urn: Option<&'a ast::StringLit>,
    /// `required` (with its optional condition) and its span.
    pub required: Option<(Option<&'a ast::Expr>, Span)>,
    /// `required … message "…"`: the text a citizen is told when the value is missing.
    pub required_message: Option<&'a ast::Text>,
    /// `severity warning` of a rule.
    pub severity: Option<&'a ast::Ident>,
    pub optional: Option<Span>,
    pub visible: Option<&'a ast::Expr>,
    pub length: Option<&'a ast::IntRange>,
    pub min: Option<&'a ast::Expr>,
    pub max: Option<&'a ast::Expr>,
    pub decimals: Option<&'a ast::IntLit>,
    pub pattern: Option<&'a ast::StringLit>,
    pub accept: Option<(&'a [ast::StringLit], Span)>,
    pub max_size: Option<(&'a ast::IntLit, ast::SizeUnit, Span)>,
    /// `count 1..5`: several files, how many; with the statement's span.
    pub count: Option<(&'a ast::IntRange, Span)>,
    /// `max_total 20 MB`: the most several files may add up to.
    pub max_total: Option<(&'a ast::IntLit, ast::SizeUnit, Span)>,
    pub autocomplete: Option<&'a ast::StringLit>,
    pub control: Option<&'a ast::Ident>,
    pub check: Option<&'a ast::Expr>,
    pub at: Option<&'a ast::Path>,
    /// `must be true` and its span.
    pub must_be_true: Option<Span>,
    /// `exclusive "…"`: the codes and the statement's span.
    pub exclusive: Option<(&'a [ast::StringLit], Span)>,
    /// Entries of a `fim` block (and of a FIM rule in it).
    pub fim_entries: Vec<(ast::FimKey, &'a ast::StringLit)>,
    pub output_label: Option<&'a ast::StringLit>,
    pub output_hint: Option<&'a ast::StringLit>,
    pub locked: Option<Span>,
    pub document: Option<(&'a ast::StringLit, Option<&'a ast::StringLit>)>,
    /// `codelist "urn" version "…"` of a field's `fim` block.
    pub fim_codelist: Option<(&'a ast::StringLit, Option<&'a ast::StringLit>)>,
    /// `bezug` entries, in order (they may repeat).
    pub bezug: Vec<(&'a ast::StringLit, Option<&'a ast::StringLit>)>,
    /// `member` statements of a group or repeat of a shared type, in order.
    pub member_tightenings: Vec<&'a Stmt>,
    /// `hidden` in a `member` block.
    pub hidden: Option<Span>,
    /// `extensible` in a code list.
    pub extensible: Option<Span>,
    /// `within …`: a code list's parent list (with `by prefix N`), or the answer that filters
    /// a field's list; with the statement's span.
    pub within: Option<(&'a ast::Path, Option<&'a ast::IntLit>, Span)>,
    /// `codes "A", …` in an overlay's `member` block, with the statement's span.
    pub only_codes: Option<(&'a [ast::StringLit], Span)>,
    /// `default <value>` of a field.
    pub default: Option<&'a ast::Expr>,
    /// `value <expr>` of a field, with the statement's span.
    pub value: Option<(&'a ast::Expr, Span)>,
    /// `prefill from "key" [locked]` of a field, with the statement's span.
    pub prefill: Option<(&'a ast::StringLit, bool, Span)>,
    /// FIM rules (`rule "R…"`) of a `fim` block, in order.
    pub fim_rules: Vec<&'a Stmt>,
    /// Spans of the properties above, by keyword, for "declared here" notes.
    pub spans: Vec<(&'static str, Span)>,
    /// Fields, groups, repeats, sections, infos, rules and code lists, in order.
    pub members: Vec<&'a Stmt>,
    /// `code` entries of a code list, in order.
    pub codes: Vec<&'a Stmt>,
}

impl<'a> Props<'a> {
    pub fn span_of(&self, keyword: &str) -> Option<Span> {
        self.spans.iter().find(|(k, _)| *k == keyword).map(|(_, s)| *s)
    }
}

/// Sorts `stmts` into [`Props`] for `context`, reporting misplaced and repeated statements.
pub fn collect<'a>(stmts: &'a [Stmt], context: Context, diagnostics: &mut Vec<Diagnostic>) -> Props<'a> {
    let mut props = Props::default();
    for stmt in stmts {
        let keyword = stmt.kind.keyword();
        if !context.accepts().contains(&keyword) {
            diagnostics.push(misplaced(stmt, context));
            continue;
        }
        let is_member = matches!(
            stmt.kind,
            StmtKind::Field { .. }
                | StmtKind::Group { .. }
                | StmtKind::Repeat { .. }
                | StmtKind::Section { .. }
                | StmtKind::Info { .. }
                | StmtKind::Rule { .. }
                | StmtKind::Codelist { .. }
        );
        if is_member {
            props.members.push(stmt);
            continue;
        }
        if let StmtKind::Code { .. } = stmt.kind {
            props.codes.push(stmt);
            continue;
        }
        match &stmt.kind {
            StmtKind::Bezug { text, link } => {
                props.bezug.push((text, link.as_ref()));
                continue;
            }
            StmtKind::FimRule { .. } => {
                props.fim_rules.push(stmt);
                continue;
            }
            StmtKind::Member { .. } => {
                props.member_tightenings.push(stmt);
                continue;
            }
            _ => {}
        }
        if let Some(first) = props.span_of(keyword) {
            diagnostics.push(
                Diagnostic::new(
                    Code::DuplicateProperty,
                    format!("`{keyword}` is given twice"),
                    stmt.span,
                    "second time",
                )
                .with_note(first, "first given here")
                .with_help(if matches!(stmt.kind, StmtKind::Text { .. }) {
                    format!("keep one `{keyword}`; translations go on the same line: `{keyword} \"…\" en \"…\"`")
                } else {
                    format!("keep one `{keyword}`")
                }),
            );
            continue;
        }
        props.spans.push((keyword, stmt.span));
        match &stmt.kind {
            StmtKind::Text { key, text } => {
                let slot = match key {
                    TextKey::Label => &mut props.label,
                    TextKey::Hint => &mut props.hint,
                    TextKey::Title => &mut props.title,
                    TextKey::Description => &mut props.description,
                    TextKey::Message => &mut props.message,
                    TextKey::Item => &mut props.item,
                    TextKey::Unit => &mut props.unit,
                };
                *slot = Some(text);
            }
            StmtKind::Version(v) => props.version = Some(v),
            StmtKind::Languages(langs) => props.languages = Some((langs, stmt.span)),
            StmtKind::Fim { id, version, body } => props.fim = Some((id, version.as_ref(), body.as_ref())),
            StmtKind::Urn(urn) => props.urn = Some(urn),
            StmtKind::Required { when, message } => {
                props.required = Some((when.as_ref(), stmt.span));
                props.required_message = message.as_ref();
            }
            StmtKind::Severity(level) => props.severity = Some(level),
            StmtKind::Optional => props.optional = Some(stmt.span),
            StmtKind::Visible(expr) => props.visible = Some(expr),
            StmtKind::Length(range) => props.length = Some(range),
            StmtKind::Bound { kind: BoundKind::Min, value } => props.min = Some(value),
            StmtKind::Bound { kind: BoundKind::Max, value } => props.max = Some(value),
            StmtKind::Decimals(n) => props.decimals = Some(n),
            StmtKind::Pattern(p) => props.pattern = Some(p),
            StmtKind::Accept(list) => props.accept = Some((list, stmt.span)),
            StmtKind::MaxSize { amount, unit } => props.max_size = Some((amount, *unit, stmt.span)),
            StmtKind::Count(range) => props.count = Some((range, stmt.span)),
            StmtKind::MaxTotal { amount, unit } => props.max_total = Some((amount, *unit, stmt.span)),
            StmtKind::Autocomplete(token) => props.autocomplete = Some(token),
            StmtKind::Control(ident) => props.control = Some(ident),
            StmtKind::Check(expr) => props.check = Some(expr),
            StmtKind::At(path) => props.at = Some(path),
            StmtKind::MustBeTrue => props.must_be_true = Some(stmt.span),
            StmtKind::Exclusive(codes) => props.exclusive = Some((codes, stmt.span)),
            StmtKind::FimEntry { key, value } => props.fim_entries.push((*key, value)),
            StmtKind::Output { hint: false, text } => props.output_label = Some(text),
            StmtKind::Output { hint: true, text } => props.output_hint = Some(text),
            StmtKind::Locked => props.locked = Some(stmt.span),
            StmtKind::Hidden => props.hidden = Some(stmt.span),
            StmtKind::Extensible => props.extensible = Some(stmt.span),
            StmtKind::Within { path, prefix } => props.within = Some((path, prefix.as_ref(), stmt.span)),
            StmtKind::Codes(codes) => props.only_codes = Some((codes, stmt.span)),
            StmtKind::Default(value) => props.default = Some(value),
            StmtKind::Value(value) => props.value = Some((value, stmt.span)),
            StmtKind::Prefill { source, locked } => props.prefill = Some((source, *locked, stmt.span)),
            StmtKind::Document { id, version } => props.document = Some((id, version.as_ref())),
            StmtKind::FimCodelist { urn, version } => props.fim_codelist = Some((urn, version.as_ref())),
            _ => {}
        }
    }
    props
}

fn misplaced(stmt: &Stmt, context: Context) -> Diagnostic {
    let keyword = stmt.kind.keyword();
    let accepted = context.accepts().iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
    let mut help = format!("{}, only these are allowed: {accepted}", capitalise(context.describe()));
    if keyword == "section" {
        help = "sections are the pages of a form: they may appear only directly inside `form`".to_string();
    } else if matches!(context, Context::GroupInstance | Context::RepeatInstance)
        && matches!(keyword, "field" | "group" | "repeat" | "info" | "rule")
    {
        help = "a group of a shared type takes its members from the type; add the member to the type, or write the group out"
            .to_string();
    } else if context == Context::Form && matches!(keyword, "field" | "group" | "repeat" | "info") {
        help = "this form has sections: put every field, group, repeat and info into one of them".to_string();
    } else if FIELD_ONLY.contains(&keyword) && context != Context::Field {
        help = format!(
            "`{keyword}` belongs to a field: write it in the field's block, e.g. `field x: … \"Label\" {{ {keyword} … }}` \
             (after the label, a field's line takes only `required`, `optional` or `must be true`)"
        );
    } else if context == Context::File && matches!(keyword, "field" | "repeat" | "info" | "rule" | "section") {
        help = "outside a form, a file may define only shared `group` types and `codelist`s".to_string();
    } else if keyword == "document" && context == Context::Fim {
        help = "a document profile (`dokumentsteckbrief`) belongs to the form: put it into the form's `fim` block"
            .to_string();
    } else if keyword == "member" {
        help = "`member` tightens a member of a shared group type where the type is used (`group a: Person \"…\" { member vorname { required } }`); in a group written out here, change the member itself"
            .to_string();
    } else if keyword == "hidden" {
        help = "`hidden` takes a member of a shared group type out of one use: `member titel { hidden }` in the group that uses the type; an element of this form is shown or not with `visible when`"
            .to_string();
    } else if keyword == "extensible" {
        help = "`extensible` belongs to a code list whose newer versions may add codes: `codelist Rechtsform \"…\" { extensible … }`"
            .to_string();
    } else if matches!(stmt.kind, StmtKind::FimCodelist { .. })
        && matches!(context, Context::FimForm | Context::FimRule)
    {
        help = "FIM's code-list reference belongs to the field it lists values for: put it into that field's `fim` block (a list the form has is declared with `codelist Name from \"urn:…\" version \"…\"`)"
            .to_string();
    } else if !matches!(context, Context::Fim | Context::FimForm | Context::FimRule)
        && matches!(
            stmt.kind,
            StmtKind::FimEntry { .. }
                | StmtKind::Bezug { .. }
                | StmtKind::Document { .. }
                | StmtKind::FimCodelist { .. }
                | StmtKind::Output { .. }
                | StmtKind::Locked
                | StmtKind::FimRule { .. }
        )
    {
        help = format!("`{keyword}` is FIM metadata: write it in a `fim` block, e.g. `fim \"F60000227\" version \"1.2\" {{ {keyword} … }}`");
    }
    Diagnostic::new(
        Code::MisplacedStatement,
        format!("`{keyword}` is not allowed {}", context.describe()),
        stmt.span,
        "not allowed here",
    )
    .with_help(help)
}

/// Statements only a field accepts.
const FIELD_ONLY: &[&str] = &[
    "length",
    "min",
    "max",
    "decimals",
    "pattern",
    "accept",
    "max_size",
    "count",
    "max_total",
    "autocomplete",
    "control",
    "unit",
    "exclusive",
    "value",
];

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Reports a form member that appears next to sections (called by the form lowering).
pub fn member_outside_section(stmt: &Stmt) -> Diagnostic {
    misplaced(stmt, Context::Form)
}
