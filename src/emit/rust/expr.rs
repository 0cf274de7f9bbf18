//! Form expressions compiled to Rust expressions of type `runtime::logic::V`, over the raw
//! submission (`root`) and the current item of each repeat in scope. The operators are the
//! runtime's, so they mean what the reference evaluator's mean; what is generated here is
//! only the navigation: which value a path names in the current context.

use std::collections::BTreeSet;

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::names;
use crate::ir::{AggregateFunc, ArithOp, CompareOp, DateUnit, Expr, Form, Item, Literal, ValueType};

/// The repeats whose current item is known, each with the variable holding its index.
#[derive(Clone)]
pub struct Scope {
    indices: Vec<(Vec<String>, Ident)>,
    /// How many iteration variables expressions have introduced (for fresh names).
    depth: usize,
}

impl Scope {
    /// The scope of an object's check function: the items of its enclosing repeats.
    pub fn of(enclosing: &[Vec<String>]) -> Scope {
        let indices = enclosing.iter().enumerate().map(|(depth, path)| (path.clone(), Scope::index(depth))).collect();
        Scope { indices, depth: 0 }
    }

    /// The index parameter of the `depth`-th enclosing repeat.
    pub fn index(depth: usize) -> Ident {
        format_ident!("i{depth}")
    }

    /// The variable of the current item of `repeat`, innermost first.
    pub fn get(&self, repeat: &[String]) -> Option<&Ident> {
        self.indices.iter().rev().find(|(path, _)| path == repeat).map(|(_, index)| index)
    }

    /// This scope with a fresh iteration variable for `repeat`.
    fn with(&self, repeat: &[String]) -> (Scope, Ident) {
        let index = format_ident!("j{}", self.depth);
        let mut inner = self.clone();
        inner.indices.push((repeat.to_vec(), index.clone()));
        inner.depth += 1;
        (inner, index)
    }
}

pub struct ExprCx<'a> {
    form: &'a Form,
    repeats: &'a BTreeSet<Vec<String>>,
}

/// What a path names.
enum Node {
    Field,
    Group,
    Repeat,
}

impl<'a> ExprCx<'a> {
    pub fn new(form: &'a Form, repeats: &'a BTreeSet<Vec<String>>) -> ExprCx<'a> {
        ExprCx { form, repeats }
    }

    /// The kind of each item along `path`.
    fn nodes(&self, path: &[String]) -> Vec<Node> {
        let mut items: Vec<&Item> = self.form.items().collect();
        let mut nodes = Vec::new();
        for name in path {
            let Some(item) = items.iter().find(|i| i.name() == name) else { break };
            nodes.push(match item {
                Item::Group(_) => Node::Group,
                Item::Repeat(_) => Node::Repeat,
                _ => Node::Field,
            });
            items = item.children().iter().collect();
        }
        nodes
    }

    /// An `Option<&…>` expression for the slot at `path` (`Leaf`, `Group` or `Many`), or
    /// `None` when the path goes through a repeat whose current item is not in scope.
    fn lookup(&self, path: &[String], scope: &Scope) -> Option<TokenStream> {
        let nodes = self.nodes(path);
        if nodes.len() != path.len() {
            return None;
        }
        let mut tokens = quote! { Some(root) };
        for (depth, (name, node)) in path.iter().zip(&nodes).enumerate() {
            let member = names::field(name);
            tokens = quote! { #tokens.and_then(|o| o.#member.as_ref()) };
            if depth + 1 == path.len() {
                break;
            }
            match node {
                Node::Group => tokens = quote! { #tokens.and_then(|g| g.object()) },
                Node::Repeat => {
                    let index = scope.get(&path[..=depth])?;
                    tokens = quote! { #tokens.and_then(|m| m.item(#index)).and_then(|g| g.object()) };
                }
                Node::Field => return None,
            }
        }
        Some(tokens)
    }

    /// The `Option<&Leaf>` of a field, `None` when its path is not in scope (or not given).
    fn field_lookup(&self, path: Option<&[String]>, scope: &Scope) -> TokenStream {
        path.and_then(|path| self.lookup(path, scope)).unwrap_or_else(|| quote! { None })
    }

    /// The number of items of the repeat at `path` (0 when absent or malformed).
    fn items(&self, path: &[String], scope: &Scope) -> TokenStream {
        match self.lookup(path, scope) {
            Some(lookup) => quote! { #lookup.map_or(0, |m| m.len()) },
            None => quote! { 0usize },
        }
    }

    pub fn expr(&self, expr: &Expr, scope: &Scope) -> TokenStream {
        let logic = quote! { logic };
        let v = quote! { V };
        match expr {
            Expr::Literal { value } => match value {
                Literal::Bool(b) => quote! { #v::Bool(#b) },
                Literal::Number(n) => quote! { #logic::number_literal(#n) },
                Literal::Text(t) | Literal::Code(t) => quote! { #v::Text(String::from(#t)) },
                Literal::Date(d) => quote! { #logic::date_literal(#d) },
            },
            Expr::Today => quote! { #v::Date(sink.today) },
            Expr::Field { path, ty } => {
                let read = match ty {
                    ValueType::Bool => quote! { read_bool },
                    ValueType::Integer => quote! { read_integer },
                    ValueType::Decimal | ValueType::Money => quote! { read_decimal },
                    ValueType::Text | ValueType::Code { .. } => quote! { read_text },
                    ValueType::Date => quote! { read_date },
                    ValueType::Codes { .. } => quote! { read_codes },
                    ValueType::File => return quote! { #v::Unknown },
                };
                let lookup = self.field_lookup(Some(path), scope);
                quote! { #logic::#read(#lookup) }
            }
            Expr::Not { operand } => {
                let operand = self.expr(operand, scope);
                quote! { #logic::not(#operand) }
            }
            Expr::Neg { operand, .. } => {
                let operand = self.expr(operand, scope);
                quote! { #logic::neg(#operand) }
            }
            Expr::And { operands } | Expr::Or { operands } => {
                let operands = operands.iter().map(|o| self.expr(o, scope));
                let op = if matches!(expr, Expr::And { .. }) {
                    quote! { and }
                } else {
                    quote! { or }
                };
                quote! { #logic::#op([#(#operands),*]) }
            }
            Expr::In { value, set, .. }
                if text_field(value).is_some() && set.iter().all(|c| text_literal(c).is_some()) =>
            {
                let lookup = self.field_lookup(text_field(value), scope);
                let literals = set.iter().filter_map(text_literal);
                quote! { #logic::text_in(#lookup, &[#(#literals),*]) }
            }
            Expr::Compare { cmp, lhs, rhs, .. } => {
                // `field == "literal"` needs no values built.
                if let (CompareOp::Eq | CompareOp::Ne, Some(path), Some(literal)) =
                    (cmp, text_field(lhs), text_literal(rhs))
                {
                    let lookup = self.field_lookup(Some(path), scope);
                    let equal = *cmp == CompareOp::Eq;
                    return quote! { #logic::text_is(#lookup, #literal, #equal) };
                }
                let (lhs, rhs) = (self.expr(lhs, scope), self.expr(rhs, scope));
                let cmp = compare_op(*cmp);
                quote! { #logic::compare(#logic::Cmp::#cmp, &#lhs, &#rhs) }
            }
            Expr::Arith { arith, lhs, rhs, .. } => {
                let (lhs, rhs) = (self.expr(lhs, scope), self.expr(rhs, scope));
                let op = arith_op(*arith);
                quote! { #logic::arith(#logic::Arith::#op, #lhs, #rhs) }
            }
            Expr::ShiftDate { date, amount, unit: u } => {
                let date = self.expr(date, scope);
                let u = unit(*u);
                quote! { #logic::shift(#date, #amount, #u) }
            }
            Expr::Unique { repeat, keys } => {
                let items = self.items(repeat, scope);
                let (inner, index) = scope.with(repeat);
                let keys = keys.iter().map(|key| self.expr(key, &inner));
                quote! { #logic::unique((0..#items).map(|#index| vec![#(#keys),*])) }
            }
            Expr::Length { text } => {
                let text = self.expr(text, scope);
                quote! { #logic::length(#text) }
            }
            Expr::DaysBetween { from, to } => {
                let (from, to) = (self.expr(from, scope), self.expr(to, scope));
                quote! { #logic::days_between(#from, #to) }
            }
            Expr::Age { birth, at } => {
                let (birth, at) = (self.expr(birth, scope), self.expr(at, scope));
                quote! { #logic::age(#birth, #at) }
            }
            Expr::In { value, set, .. } => {
                let value = self.expr(value, scope);
                let set = set.iter().map(|candidate| self.expr(candidate, scope));
                quote! { #logic::one_of(#value, [#(#set),*]) }
            }
            Expr::Contains { set, code } => {
                let set = self.expr(set, scope);
                quote! { #logic::contains(#set, #code) }
            }
            Expr::IsSet { path } | Expr::IsEmpty { path } => {
                let given = match self.lookup(path, scope) {
                    Some(lookup) => quote! { Given::given(&#lookup) },
                    None => quote! { false },
                };
                if matches!(expr, Expr::IsSet { .. }) {
                    quote! { #v::Bool(#given) }
                } else {
                    quote! { #v::Bool(!#given) }
                }
            }
            Expr::Count { path, filter } => {
                if !self.repeats.contains(path) {
                    let lookup = self.field_lookup(Some(path), scope);
                    return quote! { #logic::count_codes(#lookup) };
                }
                let items = self.items(path, scope);
                let Some(filter) = filter else { return quote! { #logic::count(#items) } };
                let (inner, index) = scope.with(path);
                let filter = self.expr(filter, &inner);
                quote! {
                    (0..#items)
                        .try_fold(0usize, |count, #index| #logic::count_where(count, #filter))
                        .map_or(#v::Unknown, #logic::count)
                }
            }
            Expr::Aggregate { func, repeat, value, .. } => {
                let items = self.items(repeat, scope);
                let (inner, index) = scope.with(repeat);
                let value = self.expr(value, &inner);
                let func = aggregate_func(*func);
                quote! { #logic::aggregate(#logic::Agg::#func, (0..#items).map(|#index| #value)) }
            }
            Expr::Any { repeat, condition } | Expr::All { repeat, condition } => {
                let items = self.items(repeat, scope);
                let (inner, index) = scope.with(repeat);
                let condition = self.expr(condition, &inner);
                let op = if matches!(expr, Expr::Any { .. }) {
                    quote! { or }
                } else {
                    quote! { and }
                };
                quote! { #logic::#op((0..#items).map(|#index| #condition)) }
            }
        }
    }
}

fn compare_op(op: CompareOp) -> Ident {
    format_ident!(
        "{}",
        match op {
            CompareOp::Eq => "Eq",
            CompareOp::Ne => "Ne",
            CompareOp::Lt => "Lt",
            CompareOp::Le => "Le",
            CompareOp::Gt => "Gt",
            CompareOp::Ge => "Ge",
        }
    )
}

fn arith_op(op: ArithOp) -> Ident {
    format_ident!(
        "{}",
        match op {
            ArithOp::Add => "Add",
            ArithOp::Sub => "Sub",
            ArithOp::Mul => "Mul",
            ArithOp::Div => "Div",
        }
    )
}

fn aggregate_func(func: AggregateFunc) -> Ident {
    format_ident!(
        "{}",
        match func {
            AggregateFunc::Sum => "Sum",
            AggregateFunc::Min => "Min",
            AggregateFunc::Max => "Max",
        }
    )
}

/// A date unit as a `runtime::date::DurationUnit` path.
pub fn unit(unit: DateUnit) -> TokenStream {
    let variant = format_ident!(
        "{}",
        match unit {
            DateUnit::Days => "Days",
            DateUnit::Months => "Months",
            DateUnit::Years => "Years",
        }
    );
    quote! { DurationUnit::#variant }
}

/// The path of a text or code field read in an expression.
fn text_field(expr: &Expr) -> Option<&[String]> {
    match expr {
        Expr::Field { path, ty: ValueType::Text | ValueType::Code { .. } } => Some(path),
        _ => None,
    }
}

/// A text or code literal.
fn text_literal(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Literal { value: Literal::Text(text) | Literal::Code(text) } => Some(text),
        _ => None,
    }
}
