//! Expressions: name resolution, static types, and lowering to `ir::Expr`.
//!
//! Names are looked up from the expression's place outwards (the enclosing group first, up
//! to the form, or up to the boundary of a shared group type, which cannot see outside).
//! A path that enters a repeat from outside needs an aggregate:
//!
//! ```text
//! visible when kinder.alter < 18              // rejected: repeat-without-aggregate
//! visible when any(kinder, alter < 18)        // accepted
//! check sum(positionen.betrag) <= 1000.00     // accepted
//! ```

mod call;
pub use call::FUNCTION_LIST;

use std::collections::BTreeMap;

use super::tree::Tree;
use crate::diag::{closest, Code, Diagnostic};
use crate::ir::{self, ArithOp, CompareOp, FieldType, Item, Literal, ValueType};
use crate::source::Span;
use crate::syntax::ast::{self, BinaryOp, ExprKind, PostfixOp, UnaryOp};
use crate::value::Decimal;

/// Where an expression lives.
#[derive(Clone, Debug)]
pub struct Scope {
    /// The group or repeat (path from the root) whose members are looked up first.
    pub path: ir::Path,
    /// Lookups do not go above `path[..boundary]` (the root of a shared group type).
    pub boundary: usize,
    /// Repeats whose current item is known: those around the expression and those bound by
    /// an enclosing aggregate.
    pub context: Vec<ir::Path>,
}

impl Scope {
    pub fn new(path: ir::Path, boundary: usize, tree: &Tree) -> Scope {
        let mut context = tree.repeats_on(&path);
        if matches!(tree.node(&path), Some(Item::Repeat(_))) {
            context.push(path.clone());
        }
        Scope { path, boundary, context }
    }

    pub(super) fn inside(&self, repeat: &ir::Path) -> Scope {
        let mut context = self.context.clone();
        context.push(repeat.clone());
        Scope { path: repeat.clone(), boundary: self.boundary, context }
    }
}

/// The static type of an expression.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Ty {
    Bool,
    Integer,
    Decimal,
    Money,
    /// A number literal, which adapts to the numeric type it meets.
    NumLit {
        integer: bool,
    },
    Text,
    /// A string literal, which may also stand for a code.
    StrLit(String),
    Date,
    Code(String),
    Codes(String),
    File,
    Group,
    Repeat,
}

impl Ty {
    pub(super) fn describe(&self) -> String {
        match self {
            Ty::Bool => "yes/no".into(),
            Ty::Integer => "a whole number".into(),
            Ty::Decimal => "a decimal number".into(),
            Ty::Money => "money".into(),
            Ty::NumLit { .. } => "a number".into(),
            Ty::Text | Ty::StrLit(_) => "text".into(),
            Ty::Date => "a date".into(),
            Ty::Code(list) => format!("a code of `{list}`"),
            Ty::Codes(list) => format!("a set of codes of `{list}`"),
            Ty::File => "a file".into(),
            Ty::Group => "a group".into(),
            Ty::Repeat => "a repeat group".into(),
        }
    }

    pub(super) fn is_numeric(&self) -> bool {
        matches!(self, Ty::Integer | Ty::Decimal | Ty::Money | Ty::NumLit { .. })
    }

    pub(super) fn value_type(&self) -> ValueType {
        match self {
            Ty::Bool => ValueType::Bool,
            Ty::Integer | Ty::NumLit { integer: true } => ValueType::Integer,
            Ty::Decimal | Ty::NumLit { integer: false } => ValueType::Decimal,
            Ty::Money => ValueType::Money,
            Ty::Text | Ty::StrLit(_) | Ty::Group | Ty::Repeat => ValueType::Text,
            Ty::Date => ValueType::Date,
            Ty::Code(list) => ValueType::Code { codelist: list.clone() },
            Ty::Codes(list) => ValueType::Codes { codelist: list.clone() },
            Ty::File => ValueType::File,
        }
    }

    pub(super) fn of_field(ty: &FieldType) -> Ty {
        match ty {
            FieldType::Text
            | FieldType::Multiline
            | FieldType::Email
            | FieldType::Phone
            | FieldType::Iban
            | FieldType::Postcode => Ty::Text,
            FieldType::Integer => Ty::Integer,
            FieldType::Decimal => Ty::Decimal,
            FieldType::Money => Ty::Money,
            FieldType::Boolean => Ty::Bool,
            FieldType::Date => Ty::Date,
            FieldType::File | FieldType::Files => Ty::File,
            FieldType::Choice { codelist } => Ty::Code(codelist.clone()),
            FieldType::MultipleChoice { codelist } => Ty::Codes(codelist.clone()),
        }
    }
}

/// The numeric type two numeric operands combine to.
fn numeric_join(a: &Ty, b: &Ty) -> Ty {
    match (a, b) {
        (Ty::Money, _) | (_, Ty::Money) => Ty::Money,
        (Ty::Decimal, _)
        | (_, Ty::Decimal)
        | (Ty::NumLit { integer: false }, _)
        | (_, Ty::NumLit { integer: false }) => Ty::Decimal,
        (Ty::NumLit { .. }, Ty::NumLit { .. }) => Ty::NumLit { integer: true },
        _ => Ty::Integer,
    }
}

pub(super) struct Typed {
    pub(super) expr: ir::Expr,
    pub(super) ty: Ty,
    pub(super) span: Span,
}

/// Lowers expressions against the data tree of one form.
pub struct Lowerer<'t, 'd> {
    pub tree: Tree<'t>,
    pub codelists: &'t BTreeMap<String, ir::CodeList>,
    pub diagnostics: &'d mut Vec<Diagnostic>,
}

pub(super) const FUNCTIONS: [&str; 10] =
    ["count", "sum", "min", "max", "any", "all", "unique", "length", "days_between", "age"];

impl<'t> Lowerer<'t, '_> {
    /// Lowers a condition (`visible when`, `required when`, `check`): it must be yes/no.
    pub fn condition(&mut self, expr: &ast::Expr, scope: &Scope) -> Option<ir::Expr> {
        let typed = self.expr(expr, scope)?;
        self.expect_bool(typed).map(|t| t.expr)
    }

    /// Lowers the expression of a computed field (`value <expr>`) of type `field`: a whole
    /// number for an integer, any number for decimal and money (rounded to the field's
    /// decimals when checked), yes/no for a boolean, a date for a date.
    pub fn computed(&mut self, expr: &ast::Expr, scope: &Scope, field: &FieldType) -> Option<ir::Expr> {
        let typed = self.expr(expr, scope)?;
        let fits = match field {
            FieldType::Integer => matches!(typed.ty, Ty::Integer | Ty::NumLit { integer: true }),
            FieldType::Decimal | FieldType::Money => typed.ty.is_numeric(),
            FieldType::Boolean => typed.ty == Ty::Bool,
            FieldType::Date => typed.ty == Ty::Date,
            _ => false,
        };
        if fits {
            return Some(typed.expr);
        }
        let wanted = Ty::of_field(field).describe();
        let help = match (field, &typed.ty) {
            (FieldType::Integer, ty) if ty.is_numeric() => {
                "a division or a decimal makes a decimal number: make the field `decimal` or `money`".to_string()
            }
            _ => format!("the value of this field is {wanted}: compute {wanted}, or change the field's type"),
        };
        self.diagnostics.push(
            Diagnostic::new(
                Code::TypeMismatch,
                format!("the computed value is {}, but the field holds {wanted}", typed.ty.describe()),
                typed.span,
                "wrong type",
            )
            .with_help(help),
        );
        None
    }

    /// Resolves the target of a rule's `at`.
    pub fn target(&mut self, path: &ast::Path, scope: &Scope) -> Option<ir::Path> {
        let (abs, _) = self.resolve(path, scope, false)?;
        Some(abs)
    }

    pub(super) fn expect_bool(&mut self, typed: Typed) -> Option<Typed> {
        if typed.ty == Ty::Bool {
            return Some(typed);
        }
        let help = match &typed.ty {
            Ty::Code(_) => "compare it with a code, e.g. `art == \"O\"`, or test `art is set`",
            Ty::Repeat => "use `count(…) > 0` or `any(…, …)`",
            _ => "compare the value with something, or test it with `is set`",
        };
        self.diagnostics.push(
            Diagnostic::new(
                Code::NotACondition,
                format!("expected a yes/no condition, found {}", typed.ty.describe()),
                typed.span,
                "not a condition",
            )
            .with_help(help),
        );
        None
    }

    pub(super) fn expr(&mut self, expr: &ast::Expr, scope: &Scope) -> Option<Typed> {
        let span = expr.span;
        let typed = |expr: ir::Expr, ty: Ty| Some(Typed { expr, ty, span });
        match &expr.kind {
            ExprKind::Bool(b) => typed(ir::Expr::Literal { value: Literal::Bool(*b) }, Ty::Bool),
            ExprKind::Number(text) => {
                let Some(value) = Decimal::parse(text) else {
                    self.diagnostics.push(Diagnostic::new(
                        Code::InvalidLiteral,
                        "number has too many digits",
                        span,
                        "too long",
                    ));
                    return None;
                };
                let integer = !text.contains('.');
                typed(ir::Expr::Literal { value: Literal::Number(value.to_string()) }, Ty::NumLit { integer })
            }
            ExprKind::Str(text) => {
                typed(ir::Expr::Literal { value: Literal::Text(text.clone()) }, Ty::StrLit(text.clone()))
            }
            ExprKind::Date(text) => typed(ir::Expr::Literal { value: Literal::Date(text.clone()) }, Ty::Date),
            ExprKind::Today => typed(ir::Expr::Today, Ty::Date),
            ExprKind::Duration { .. } => {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::TypeMismatch,
                        "a duration can only be added to or subtracted from a date",
                        span,
                        "duration",
                    )
                    .with_help("write e.g. `today - 18 years` or `beginn + 3 months`"),
                );
                None
            }
            ExprKind::Set(_) => {
                self.diagnostics.push(
                    Diagnostic::new(Code::InvalidOperator, "a list `[…]` can only follow `in`", span, "list")
                        .with_help("write `art in [\"A\", \"B\"]`"),
                );
                None
            }
            ExprKind::Path(path) => self.path_value(path, scope),
            ExprKind::Call { name, args } => self.call(name, args, span, scope),
            ExprKind::Unary { op: UnaryOp::Not, operand } => {
                let operand = self.expr(operand, scope)?;
                let operand = self.expect_bool(operand)?;
                typed(ir::Expr::Not { operand: Box::new(operand.expr) }, Ty::Bool)
            }
            ExprKind::Unary { op: UnaryOp::Neg, operand } => {
                let operand = self.expr(operand, scope)?;
                if !operand.ty.is_numeric() {
                    return self.invalid_operator("-", &operand, span);
                }
                if let ir::Expr::Literal { value: Literal::Number(n) } = &operand.expr {
                    let negated = n.strip_prefix('-').map_or_else(|| format!("-{n}"), str::to_string);
                    return typed(ir::Expr::Literal { value: Literal::Number(negated) }, operand.ty);
                }
                let ty = operand.ty.clone();
                typed(ir::Expr::Neg { operand: Box::new(operand.expr), ty: ty.value_type() }, ty)
            }
            ExprKind::Postfix { op, operand } => self.postfix(*op, operand, span, scope),
            ExprKind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs, span, scope),
        }
    }

    fn invalid_operator(&mut self, op: &str, operand: &Typed, span: Span) -> Option<Typed> {
        self.diagnostics.push(
            Diagnostic::new(
                Code::InvalidOperator,
                format!("`{op}` cannot be used with {}", operand.ty.describe()),
                span,
                format!("`{op}` on {}", operand.ty.describe()),
            )
            .with_note(operand.span, operand.ty.describe())
            .with_help(operator_help(op, &operand.ty)),
        );
        None
    }

    /// Resolves a path; `aggregate` allows entering repeats (the caller binds them).
    /// Returns the absolute path and the node.
    pub(super) fn resolve(&mut self, path: &ast::Path, scope: &Scope, aggregate: bool) -> Option<(ir::Path, &'t Item)> {
        let first = &path.segments[0];
        let mut start = None;
        for k in (scope.boundary..=scope.path.len()).rev() {
            let container = &scope.path[..k];
            if self.tree.children(container).iter().any(|i| i.name() == first.name && !matches!(i, Item::Info(_))) {
                start = Some(container.to_vec());
                break;
            }
        }
        let Some(mut abs) = start else {
            let mut candidates: Vec<&str> = Vec::new();
            for k in scope.boundary..=scope.path.len() {
                candidates.extend(
                    self.tree
                        .children(&scope.path[..k])
                        .iter()
                        .filter(|i| !matches!(i, Item::Info(_)))
                        .map(|i| i.name()),
                );
            }
            let mut diagnostic =
                Diagnostic::new(Code::UnknownName, format!("unknown name `{}`", first.name), first.span, "not found");
            if let Some(suggestion) = closest(&first.name, candidates) {
                diagnostic = diagnostic.with_help(format!("did you mean `{suggestion}`?"));
            } else if scope.boundary > 0 {
                diagnostic = diagnostic.with_help("a shared group type can refer only to its own fields");
            } else {
                diagnostic = diagnostic.with_help("refer to a field, group or repeat declared in this form");
            }
            self.diagnostics.push(diagnostic);
            return None;
        };
        for (index, segment) in path.segments.iter().enumerate() {
            if index > 0 {
                let parent = self.tree.node(&abs);
                if let Some(Item::Field(_)) = parent {
                    self.diagnostics.push(
                        Diagnostic::new(
                            Code::UnknownName,
                            format!(
                                "`{}` is a field; it has no member `{}`",
                                path.segments[index - 1].name,
                                segment.name
                            ),
                            segment.span,
                            "no such member",
                        )
                        .with_help("only groups and repeats have members"),
                    );
                    return None;
                }
            }
            let children = self.tree.children(&abs);
            if !children.iter().any(|i| i.name() == segment.name && !matches!(i, Item::Info(_))) {
                let names = children.iter().filter(|i| !matches!(i, Item::Info(_))).map(|i| i.name());
                let mut diagnostic = Diagnostic::new(
                    Code::UnknownName,
                    format!("`{}` has no member `{}`", path.segments[index - 1].name, segment.name),
                    segment.span,
                    "not found",
                );
                if let Some(suggestion) = closest(&segment.name, names) {
                    diagnostic = diagnostic.with_help(format!("did you mean `{suggestion}`?"));
                }
                self.diagnostics.push(diagnostic);
                return None;
            }
            abs.push(segment.name.clone());
        }
        if !aggregate {
            for repeat in self.tree.repeats_on(&abs) {
                if !scope.context.contains(&repeat) {
                    self.diagnostics.push(repeat_without_aggregate(path, &repeat));
                    return None;
                }
            }
        }
        let node = self.tree.node(&abs)?;
        Some((abs, node))
    }

    fn path_value(&mut self, path: &ast::Path, scope: &Scope) -> Option<Typed> {
        let (abs, node) = self.resolve(path, scope, false)?;
        let ty = match node {
            Item::Field(field) => Ty::of_field(&field.ty),
            Item::Group(_) => Ty::Group,
            Item::Repeat(_) => Ty::Repeat,
            Item::Info(_) => return None,
        };
        if matches!(ty, Ty::Group | Ty::Repeat) {
            let help = if ty == Ty::Repeat {
                format!("use `count({0})`, `any({0}, …)` or `{0} is set`", path.dotted())
            } else {
                format!("refer to a field inside it, e.g. `{}.…`, or test `{} is set`", path.dotted(), path.dotted())
            };
            self.diagnostics.push(
                Diagnostic::new(
                    Code::TypeMismatch,
                    format!("`{}` is {}, not a value", path.dotted(), ty.describe()),
                    path.span,
                    "not a value",
                )
                .with_help(help),
            );
            return None;
        }
        Some(Typed { expr: ir::Expr::Field { path: abs, ty: ty.value_type() }, ty, span: path.span })
    }

    fn postfix(&mut self, op: PostfixOp, operand: &ast::Expr, span: Span, scope: &Scope) -> Option<Typed> {
        let ExprKind::Path(path) = &operand.kind else {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::InvalidOperator,
                    format!("`{}` applies to a field, group or repeat, not to a computed value", op.as_str()),
                    span,
                    "needs a name",
                )
                .with_help(format!("write e.g. `telefon {}`", op.as_str())),
            );
            return None;
        };
        let (abs, _) = self.resolve(path, scope, false)?;
        let test = match op {
            PostfixOp::IsSet | PostfixOp::IsNotSet => ir::Expr::IsSet { path: abs },
            PostfixOp::IsEmpty | PostfixOp::IsNotEmpty => ir::Expr::IsEmpty { path: abs },
        };
        let expr = match op {
            PostfixOp::IsNotSet | PostfixOp::IsNotEmpty => ir::Expr::Not { operand: Box::new(test) },
            _ => test,
        };
        Some(Typed { expr, ty: Ty::Bool, span })
    }

    fn binary(&mut self, op: BinaryOp, lhs: &ast::Expr, rhs: &ast::Expr, span: Span, scope: &Scope) -> Option<Typed> {
        match op {
            BinaryOp::Implies => {
                let (l, r) = (self.expr(lhs, scope), self.expr(rhs, scope));
                let (l, r) = (self.expect_bool(l?)?, self.expect_bool(r?)?);
                Some(Typed { expr: implies(l.expr, r.expr), ty: Ty::Bool, span })
            }
            BinaryOp::And | BinaryOp::Or => {
                let (l, r) = (self.expr(lhs, scope), self.expr(rhs, scope));
                let (l, r) = (self.expect_bool(l?)?, self.expect_bool(r?)?);
                let mut operands = Vec::new();
                for side in [l.expr, r.expr] {
                    match (op, side) {
                        (BinaryOp::And, ir::Expr::And { operands: inner })
                        | (BinaryOp::Or, ir::Expr::Or { operands: inner }) => operands.extend(inner),
                        (_, other) => operands.push(other),
                    }
                }
                let expr = if op == BinaryOp::And { ir::Expr::And { operands } } else { ir::Expr::Or { operands } };
                Some(Typed { expr, ty: Ty::Bool, span })
            }
            BinaryOp::In | BinaryOp::NotIn => self.membership(op, lhs, rhs, span, scope),
            BinaryOp::Contains => {
                let (set, item) = (self.expr(lhs, scope)?, self.expr(rhs, scope)?);
                self.contains(set, item, span)
            }
            BinaryOp::Add | BinaryOp::Sub if matches!(rhs.kind, ExprKind::Duration { .. }) => {
                let ExprKind::Duration { amount, unit } = rhs.kind else { unreachable!("matched above") };
                let date = self.expr(lhs, scope)?;
                if date.ty != Ty::Date {
                    self.diagnostics.push(
                        Diagnostic::new(
                            Code::TypeMismatch,
                            format!("a duration can only be added to a date, not to {}", date.ty.describe()),
                            span,
                            "not a date",
                        )
                        .with_note(date.span, date.ty.describe())
                        .with_help("durations (`3 days`, `6 months`, `18 years`) shift dates"),
                    );
                    return None;
                }
                let amount = if op == BinaryOp::Sub { -(amount as i64) } else { amount as i64 };
                let unit = match unit {
                    ast::DurationUnit::Days => ir::DateUnit::Days,
                    ast::DurationUnit::Months => ir::DateUnit::Months,
                    ast::DurationUnit::Years => ir::DateUnit::Years,
                };
                Some(Typed {
                    expr: ir::Expr::ShiftDate { date: Box::new(date.expr), amount, unit },
                    ty: Ty::Date,
                    span,
                })
            }
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div => {
                let (l, r) = (self.expr(lhs, scope), self.expr(rhs, scope));
                let (l, r) = (l?, r?);
                self.arithmetic(op, l, r, span)
            }
            BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                let (l, r) = (self.expr(lhs, scope), self.expr(rhs, scope));
                let (l, r) = (l?, r?);
                self.compare(op, l, r, span)
            }
        }
    }

    fn arithmetic(&mut self, op: BinaryOp, l: Typed, r: Typed, span: Span) -> Option<Typed> {
        if l.ty == Ty::Date && r.ty == Ty::Date && op == BinaryOp::Sub {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::InvalidOperator,
                    "dates cannot be subtracted from each other",
                    span,
                    "date - date",
                )
                .with_help("compare the dates directly, shifting one by a duration: `ende <= beginn + 1 years`"),
            );
            return None;
        }
        for side in [&l, &r] {
            if !side.ty.is_numeric() {
                return self.invalid_operator(op.as_str(), side, span);
            }
        }
        let ty = match op {
            BinaryOp::Div if l.ty == Ty::Money && r.ty == Ty::Money => Ty::Decimal,
            BinaryOp::Div if numeric_join(&l.ty, &r.ty) != Ty::Money => Ty::Decimal,
            BinaryOp::Mul if l.ty == Ty::Money && r.ty == Ty::Money => {
                self.diagnostics.push(
                    Diagnostic::new(Code::TypeMismatch, "money cannot be multiplied by money", span, "money * money")
                        .with_note(l.span, "money")
                        .with_note(r.span, "money")
                        .with_help("multiply an amount by a number, e.g. `betrag * 12`"),
                );
                return None;
            }
            _ => numeric_join(&l.ty, &r.ty),
        };
        let arith = match op {
            BinaryOp::Add => ArithOp::Add,
            BinaryOp::Sub => ArithOp::Sub,
            BinaryOp::Mul => ArithOp::Mul,
            _ => ArithOp::Div,
        };
        let expr = ir::Expr::Arith { arith, ty: ty.value_type(), lhs: Box::new(l.expr), rhs: Box::new(r.expr) };
        Some(Typed { expr, ty, span })
    }

    /// Brings two operands to a common type for comparison, turning string literals into codes.
    fn unify(&mut self, op: &str, l: Typed, r: Typed, span: Span) -> Option<(ValueType, Typed, Typed)> {
        let ty = match (&l.ty, &r.ty) {
            (a, b) if a.is_numeric() && b.is_numeric() => numeric_join(a, b),
            (Ty::Text | Ty::StrLit(_), Ty::Text | Ty::StrLit(_)) => Ty::Text,
            (Ty::Date, Ty::Date) => Ty::Date,
            (Ty::Bool, Ty::Bool) => Ty::Bool,
            (Ty::Code(a), Ty::Code(b)) if a == b => Ty::Code(a.clone()),
            (Ty::Code(list), Ty::StrLit(code)) => {
                let (list, code) = (list.clone(), code.clone());
                let r = self.code_literal(&list, &code, r)?;
                return Some((ValueType::Code { codelist: list }, l, r));
            }
            (Ty::StrLit(code), Ty::Code(list)) => {
                let (list, code) = (list.clone(), code.clone());
                let l = self.code_literal(&list, &code, l)?;
                return Some((ValueType::Code { codelist: list }, l, r));
            }
            _ => {
                let help = match (&l.ty, &r.ty) {
                    (Ty::Date, t) | (t, Ty::Date) if t.is_numeric() => {
                        "to compare with an age or a period, shift a date: `geburtsdatum <= today - 18 years`"
                            .to_string()
                    }
                    (Ty::Codes(_), _) | (_, Ty::Codes(_)) => {
                        "test a multiple choice with `contains`: `sprachen contains \"de\"`".to_string()
                    }
                    _ => format!("both sides of `{op}` must be of the same kind"),
                };
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::TypeMismatch,
                        format!("cannot compare {} with {}", l.ty.describe(), r.ty.describe()),
                        span,
                        "mismatched types",
                    )
                    .with_note(l.span, l.ty.describe())
                    .with_note(r.span, r.ty.describe())
                    .with_help(help),
                );
                return None;
            }
        };
        Some((ty.value_type(), l, r))
    }

    /// Checks that `code` is in `list` and turns the literal into a code literal.
    pub(super) fn code_literal(&mut self, list: &str, code: &str, literal: Typed) -> Option<Typed> {
        let codes = self.codelists.get(list).map(|l| l.codes.as_slice()).unwrap_or_default();
        if codes.iter().any(|c| c.code == code) {
            return Some(Typed { expr: ir::Expr::Literal { value: Literal::Code(code.to_string()) }, ..literal });
        }
        self.diagnostics.push(crate::check::codelist::unknown_code(list, codes, code, literal.span));
        None
    }

    fn compare(&mut self, op: BinaryOp, l: Typed, r: Typed, span: Span) -> Option<Typed> {
        let ordering = matches!(op, BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge);
        let (ty, l, r) = self.unify(op.as_str(), l, r, span)?;
        if ordering && !matches!(ty, ValueType::Integer | ValueType::Decimal | ValueType::Money | ValueType::Date) {
            let operand =
                Typed { expr: l.expr, ty: if matches!(ty, ValueType::Bool) { Ty::Bool } else { l.ty }, span: l.span };
            return self.invalid_operator(op.as_str(), &operand, span);
        }
        let cmp = match op {
            BinaryOp::Eq => CompareOp::Eq,
            BinaryOp::Ne => CompareOp::Ne,
            BinaryOp::Lt => CompareOp::Lt,
            BinaryOp::Le => CompareOp::Le,
            BinaryOp::Gt => CompareOp::Gt,
            _ => CompareOp::Ge,
        };
        let expr = ir::Expr::Compare { cmp, ty, lhs: Box::new(l.expr), rhs: Box::new(r.expr) };
        Some(Typed { expr, ty: Ty::Bool, span })
    }

    fn membership(
        &mut self,
        op: BinaryOp,
        lhs: &ast::Expr,
        rhs: &ast::Expr,
        span: Span,
        scope: &Scope,
    ) -> Option<Typed> {
        let value = self.expr(lhs, scope)?;
        let expr = if let ExprKind::Set(items) = &rhs.kind {
            let mut set = Vec::new();
            let mut set_ty = None;
            for item in items {
                let item = self.expr(item, scope)?;
                let value_copy = Typed { expr: value.expr.clone(), ty: value.ty.clone(), span: value.span };
                let (ty, _, item) = self.unify(op.as_str(), value_copy, item, span)?;
                set_ty = Some(ty);
                set.push(item.expr);
            }
            let ty = set_ty.unwrap_or_else(|| value.ty.value_type());
            ir::Expr::In { value: Box::new(value.expr), set, ty }
        } else {
            // `"de" in sprachen` is `sprachen contains "de"`.
            let set = self.expr(rhs, scope)?;
            self.contains(set, value, span)?.expr
        };
        let expr = if op == BinaryOp::NotIn { ir::Expr::Not { operand: Box::new(expr) } } else { expr };
        Some(Typed { expr, ty: Ty::Bool, span })
    }

    fn contains(&mut self, set: Typed, item: Typed, span: Span) -> Option<Typed> {
        let Ty::Codes(list) = set.ty.clone() else {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::TypeMismatch,
                    format!("`contains` needs a multiple choice, found {}", set.ty.describe()),
                    set.span,
                    "not a multiple choice",
                )
                .with_help("for a single value, use `==` or `in [\"A\", \"B\"]`"),
            );
            return None;
        };
        let Ty::StrLit(code) = item.ty.clone() else {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::TypeMismatch,
                    format!("expected a code of `{list}`, found {}", item.ty.describe()),
                    item.span,
                    "not a code",
                )
                .with_help("write the code in quotes, e.g. `sprachen contains \"de\"`"),
            );
            return None;
        };
        self.code_literal(&list, &code, item)?;
        Some(Typed { expr: ir::Expr::Contains { set: Box::new(set.expr), code }, ty: Ty::Bool, span })
    }
}

pub(super) fn repeat_without_aggregate(path: &ast::Path, repeat: &ir::Path) -> Diagnostic {
    let repeat_name = repeat.join(".");
    Diagnostic::new(
        Code::RepeatWithoutAggregate,
        format!("`{}` is inside the repeat group `{repeat_name}`, which has many items", path.dotted()),
        path.span,
        "which item?",
    )
    .with_help(format!(
        "use an aggregate: `count({repeat_name})`, `any({repeat_name}, …)`, `all({repeat_name}, …)`, `sum(…)`, `min(…)` or `max(…)`"
    ))
}

fn operator_help(op: &str, ty: &Ty) -> String {
    match ty {
        Ty::Text | Ty::StrLit(_) => "texts can be compared with `==`, `!=` and `in [\"…\"]`".into(),
        Ty::Code(_) => "codes can be compared with `==`, `!=` and `in [\"…\"]`".into(),
        Ty::Bool => "yes/no values combine with `and`, `or` and `not`".into(),
        Ty::Date => "dates can be compared and shifted by a duration, e.g. `beginn + 3 months`".into(),
        _ => format!("`{op}` needs numbers"),
    }
}

/// `a implies b` as `not a or b`: in three-valued logic it fails only when `a` is true and `b`
/// false, which is also what a rule checked only `when a` means.
pub(crate) fn implies(condition: ir::Expr, then: ir::Expr) -> ir::Expr {
    let mut operands = vec![ir::Expr::Not { operand: Box::new(condition) }];
    match then {
        ir::Expr::Or { operands: inner } => operands.extend(inner),
        other => operands.push(other),
    }
    ir::Expr::Or { operands }
}
