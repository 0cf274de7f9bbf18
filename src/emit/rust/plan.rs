//! Per form, the generated validator as data: a private module `plan` with one `static`
//! `runtime::plan::Form` (objects, members, field specs, conditions and rules, names and
//! paths resolved to indices), the form's code sets and pattern functions, and the public
//! `validate` and `from_json` functions, which hand the plan to the runtime's shared
//! routines (`runtime::tree` reads, `runtime::walk` checks). So a form costs data, not
//! functions: compile time and code size per form stay small however many forms share the
//! crate.
//!
//! The order of members, rules and checks is the reference validator's (members in the
//! form's order, rules after their object's members); labels in messages are the neutral
//! templates (`ir::template::neutral`), as the reference quotes them.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use super::names;
use crate::ir::{self, AggregateFunc, ArithOp, Bound, CompareOp, DateUnit, Expr, Field, FieldType, Form, Item};

/// The plan module and the public validation functions of one form.
pub fn form_validator(form: &Form, shared: &super::types::Shared) -> TokenStream {
    let mut gen = Gen {
        form,
        layout: Layout::of(form),
        repeats: crate::validate::repeat_paths(form),
        patterns: BTreeMap::new(),
        objects: BTreeMap::new(),
    };
    let root: Vec<&Item> = form.items().collect();
    gen.object(0, &root, &mut Vec::new());
    // A choice's codes, sorted: the table of the code list's enum.
    let code_sets = form.codelists.values().map(|list| {
        let ident = code_set(&list.name);
        let path = super::types::codelist_path(form, shared, &list.name, quote! { super:: });
        // An overlay that narrows a list keeps the base's list for the base's conditions, which
        // may not read it.
        quote! { #[allow(dead_code)] static #ident: &[&str] = #path::SORTED_CODES; }
    });
    let patterns = gen.patterns.iter().map(|(regex, ident)| {
        let anchored = format!("^(?:{regex})$");
        quote! {
            fn #ident(text: &str) -> bool {
                static REGEX: ::std::sync::OnceLock<Option<::regex::Regex>> = ::std::sync::OnceLock::new();
                REGEX.get_or_init(|| ::regex::Regex::new(#anchored).ok()).as_ref().is_some_and(|r| r.is_match(text))
            }
        }
    });
    // Each object a `const` of its own, so that members sit two levels deep, not four.
    let object_names: Vec<Ident> = gen.objects.keys().map(|n| format_ident!("OBJECT_{}", n)).collect();
    let objects = gen.objects.values();
    let title = label(&form.title);
    let submission = names::type_name(&["submission"]);
    quote! {
        /// Validates a submission: every violation, with the same pointers, codes and messages
        /// as the reference validator. `today` is the current date in Europe/Berlin.
        pub fn validate_on(
            submission: &::serde_json::Value,
            today: crate::runtime::date::Date,
        ) -> crate::runtime::check::Report {
            crate::runtime::walk::validate(&plan::FORM, submission, today)
        }

        /// [`validate_on`] for today in Germany.
        pub fn validate(submission: &::serde_json::Value) -> crate::runtime::check::Report {
            validate_on(submission, crate::runtime::date::Date::today_in_berlin())
        }

        /// Reads and validates a submission in one pass over its bytes, without building a
        /// `serde_json::Value`; the typed data when it is valid, else every violation (as
        /// [`validate_on`] reports them). Bytes that are not JSON are one `malformed` violation.
        pub fn from_json_on(
            bytes: &[u8],
            today: crate::runtime::date::Date,
        ) -> ::std::result::Result<#submission, crate::runtime::check::Report> {
            crate::runtime::walk::from_json(&plan::FORM, bytes, today, #submission::from_tree)
        }

        /// [`from_json_on`] for today in Germany.
        pub fn from_json(bytes: &[u8]) -> ::std::result::Result<#submission, crate::runtime::check::Report> {
            from_json_on(bytes, crate::runtime::date::Date::today_in_berlin())
        }

        /// Reads typed data of this form as a reader that must accept data of newer versions
        /// of the form: members this version does not have are skipped, and a code that an
        /// `extensible` list does not have reads as `Open::Other`. It does not validate: the
        /// intake uses [`from_json`], which stays strict.
        pub fn read_tolerant(bytes: &[u8]) -> ::std::result::Result<#submission, ::serde_json::Error> {
            crate::runtime::json::tolerant(|| {
                #submission::from_members(crate::runtime::json::Members::from_slice(bytes, #submission::NAMES)?)
            })
        }

        /// The form as the runtime's validator reads it.
        pub fn plan() -> &'static crate::runtime::plan::Form {
            &plan::FORM
        }

        /// The form as data for the runtime's validator. Generated; members and paths are
        /// indices into the objects, in the form's order.
        #[allow(non_upper_case_globals, unused_imports)]
        mod plan {
            use crate::runtime::check::Bound;
            use crate::runtime::date::DurationUnit;
            use crate::runtime::decimal::Decimal;
            use crate::runtime::logic::{Agg, Arith, Cmp};
            use crate::runtime::plan::{Expr, Form, Kind, Member, Node, Object, Read, Required, Rule, Spec, Within};

            #(#code_sets)*
            #(#patterns)*

            pub static FORM: Form = Form {
                title: #title,
                catalogues: super::CATALOGUES,
                objects: &[#(#object_names),*],
            };
            #(const #object_names: Object = #objects;)*
        }
    }
}

/// Where each object and member of a form is: objects numbered in document order (the
/// submission is 0), members by their index in their object.
struct Layout {
    /// The object of a group's or repeat's path.
    objects: BTreeMap<Vec<String>, u16>,
    /// The index of an item's path in its object.
    members: BTreeMap<Vec<String>, u16>,
}

impl Layout {
    fn of(form: &Form) -> Layout {
        fn walk<'f>(items: impl Iterator<Item = &'f Item>, path: &mut Vec<String>, layout: &mut Layout) {
            let members = items.filter(|item| !matches!(item, Item::Info(_)));
            for (index, item) in members.enumerate() {
                path.push(item.name().to_string());
                layout.members.insert(path.clone(), index as u16);
                if let Item::Group(_) | Item::Repeat(_) = item {
                    let id = layout.objects.len() as u16 + 1;
                    layout.objects.insert(path.clone(), id);
                    walk(item.children().iter(), path, layout);
                }
                path.pop();
            }
        }
        let mut layout = Layout { objects: BTreeMap::new(), members: BTreeMap::new() };
        walk(form.items(), &mut Vec::new(), &mut layout);
        layout
    }

    /// A path as member indices from the root.
    fn path(&self, path: &[String]) -> TokenStream {
        let steps = (1..=path.len()).map(|n| Literal::u16_unsuffixed(self.members[&path[..n]]));
        quote! { &[#(#steps),*] }
    }
}

struct Gen<'a> {
    form: &'a Form,
    layout: Layout,
    /// The paths of the form's repeats (a `count` of anything else counts chosen codes).
    repeats: BTreeSet<Vec<String>>,
    /// Pattern regex → the function that matches it.
    patterns: BTreeMap<String, Ident>,
    /// Each object's `Object` literal, by its number.
    objects: BTreeMap<u16, TokenStream>,
}

impl Gen<'_> {
    /// The object `id` with `items` at `path`, and recursively its groups and repeats.
    fn object(&mut self, id: u16, items: &[&Item], path: &mut Vec<String>) {
        let mut members = Vec::new();
        let mut by_name = Vec::new();
        for item in items {
            if let Item::Info(_) = item {
                continue;
            }
            let name = item.name();
            path.push(name.to_string());
            by_name.push((name, members.len() as u16));
            members.push(self.member(item, path));
            path.pop();
        }
        by_name.sort_unstable();
        let by_name = by_name.iter().map(|(name, index)| quote! { (#name, #index) });
        let rules = self.form.rules.iter().filter(|rule| rule.scope == *path).map(|rule| {
            let name = &rule.name;
            let message = label(&rule.message);
            let check = self.expr(&rule.check);
            let at = self.layout.path(&rule.at);
            let warning = rule.severity == ir::Severity::Warning;
            quote! { Rule { name: #name, warning: #warning, message: #message, check: #check, at: #at } }
        });
        let rules: Vec<TokenStream> = rules.collect();
        self.objects.insert(
            id,
            quote! {
                Object { members: &[#(#members),*], by_name: &[#(#by_name),*], rules: &[#(#rules),*] }
            },
        );
    }

    fn member(&mut self, item: &Item, path: &mut Vec<String>) -> TokenStream {
        let name = item.name();
        let segment = format!("/{}", crate::validate::pointer_segment(name));
        let (visible, item_label) = match item {
            Item::Field(f) => (f.visible.as_ref(), &f.label),
            Item::Group(g) => (g.visible.as_ref(), &g.label),
            Item::Repeat(r) => (r.visible.as_ref(), &r.label),
            Item::Info(_) => unreachable!("infos are not members"),
        };
        let item_label = label(&ir::template::neutral(item_label));
        let visible = match visible {
            Some(condition) => {
                let condition = self.expr(condition);
                quote! { Some(#condition) }
            }
            None => quote! { None },
        };
        let node = match item {
            Item::Field(field) => {
                let required = self.required(&field.required);
                let spec = self.spec(field);
                quote! { Node::Field { required: #required, spec: #spec } }
            }
            Item::Group(group) => {
                let required = self.required(&group.required);
                let object = self.layout.objects[path.as_slice()];
                let children: Vec<&Item> = group.items.iter().collect();
                self.object(object, &children, path);
                let message = group.required_message.as_ref().map_or(quote! { &[] }, label);
                quote! { Node::Group { required: #required, required_message: #message, object: #object } }
            }
            Item::Repeat(repeat) => {
                let object = self.layout.objects[path.as_slice()];
                let children: Vec<&Item> = repeat.items.iter().collect();
                self.object(object, &children, path);
                let min = repeat.min;
                let max = match repeat.max {
                    Some(max) => quote! { Some(#max) },
                    None => quote! { None },
                };
                let entry = label(&ir::template::neutral(&repeat.item_label));
                quote! { Node::Repeat { min: #min, max: #max, object: #object, item_label: #entry } }
            }
            Item::Info(_) => unreachable!("infos are not members"),
        };
        quote! {
            Member { name: #name, segment: #segment, label: #item_label, visible: #visible, node: #node }
        }
    }

    fn required(&self, requirement: &ir::Requirement) -> TokenStream {
        match requirement {
            ir::Requirement::Always => quote! { Required::Always },
            ir::Requirement::Never => quote! { Required::Never },
            ir::Requirement::When(condition) => {
                let condition = self.expr(condition);
                quote! { Required::When(#condition) }
            }
        }
    }

    /// A field's `plan::Spec`, as a reference to a constant.
    fn spec(&mut self, field: &Field) -> TokenStream {
        let kind = match &field.ty {
            FieldType::Text => quote! { Text },
            FieldType::Multiline => quote! { Multiline },
            FieldType::Email => quote! { Email },
            FieldType::Phone => quote! { Phone },
            FieldType::Iban => quote! { Iban },
            FieldType::Postcode => quote! { Postcode },
            FieldType::Integer => quote! { Integer },
            FieldType::Decimal => quote! { Decimal },
            FieldType::Money => quote! { Money },
            FieldType::Boolean => quote! { Boolean },
            FieldType::Date => quote! { Date },
            FieldType::Choice { codelist } => {
                let set = code_set(codelist);
                quote! { Choice(#set) }
            }
            FieldType::MultipleChoice { codelist } => {
                let set = code_set(codelist);
                quote! { MultipleChoice(#set) }
            }
            FieldType::File => quote! { File },
            FieldType::Files => quote! { Files },
        };
        let c = &field.constraints;
        let mut members = Vec::new();
        let mut member = |name: &str, value: TokenStream| {
            let name = format_ident!("{name}");
            members.push(quote! { #name: #value });
        };
        if let Some(n) = c.min_length {
            member("min_length", quote! { Some(#n) });
        }
        if let Some(n) = c.max_length {
            member("max_length", quote! { Some(#n) });
        }
        if let Some(p) = &c.pattern {
            let next = format_ident!("pattern_{}", self.patterns.len());
            let ident = self.patterns.entry(p.regex.clone()).or_insert(next);
            member("pattern", quote! { Some(#ident) });
            if let Some(message) = &p.message {
                member("pattern_message", label(message));
            }
        }
        if let Some(n) = c.decimals {
            member("decimals", quote! { Some(#n) });
        }
        if let Some(b) = &c.min {
            let b = bound(b);
            member("min", quote! { Some(#b) });
        }
        if let Some(b) = &c.max {
            let b = bound(b);
            member("max", quote! { Some(#b) });
        }
        if !c.accept.is_empty() {
            let accept = &c.accept;
            member("accept", quote! { &[#(#accept),*] });
        }
        if let Some(n) = c.max_size {
            member("max_size", quote! { Some(#n) });
        }
        if let Some(n) = c.min_count {
            member("min_count", quote! { Some(#n) });
        }
        if let Some(n) = c.max_count {
            member("max_count", quote! { Some(#n) });
        }
        if let Some(n) = c.max_total {
            member("max_total", quote! { Some(#n) });
        }
        if c.must_be_true {
            member("must_be_true", quote! { true });
        }
        if let Some(message) = &field.required_message {
            member("required_message", label(message));
        }
        if let Some(unit) = &field.unit {
            member("unit", label(unit));
        }
        if let (false, FieldType::MultipleChoice { codelist }) = (c.exclusive.is_empty(), &field.ty) {
            let codes = self.form.codelists.get(codelist).map_or(&[][..], |list| list.codes.as_slice());
            let entries = c.exclusive.iter().map(|code| {
                let text = codes.iter().find(|c| &c.code == code).map(|c| label(&c.label)).unwrap_or(quote! { &[] });
                quote! { (#code, #text) }
            });
            member("exclusive", quote! { &[#(#entries),*] });
        }
        if let (Some(parent), FieldType::Choice { codelist }) = (&c.within, &field.ty) {
            let list = self.form.codelists.get(codelist);
            let parents = list.and_then(|l| l.within.as_ref()).and_then(|name| self.form.codelists.get(name));
            if let (Some(list), Some(parents)) = (list, parents) {
                let mut codes: Vec<&ir::Code> = list.codes.iter().collect();
                codes.sort_by(|a, b| a.code.cmp(&b.code));
                let codes = codes.iter().map(|c| {
                    let (code, of, text) = (&c.code, c.within.as_deref().unwrap_or_default(), label(&c.label));
                    quote! { (#code, #of, #text) }
                });
                let mut parent_codes: Vec<&ir::Code> = parents.codes.iter().collect();
                parent_codes.sort_by(|a, b| a.code.cmp(&b.code));
                let parent_codes = parent_codes.iter().map(|c| {
                    let (code, text) = (&c.code, label(&c.label));
                    quote! { (#code, #text) }
                });
                let path = self.layout.path(parent);
                member(
                    "within",
                    quote! { Some(&Within { parent: #path, parents: &[#(#parent_codes),*], codes: &[#(#codes),*] }) },
                );
            }
        }
        if let Some(expr) = &field.computed {
            let expr = self.expr(expr);
            member("computed", quote! { Some(#expr) });
            if let Some(scale) = field.computed_scale() {
                member("computed_scale", quote! { Some(#scale) });
            }
        }
        if members.is_empty() {
            quote! { &Spec::of(Kind::#kind) }
        } else {
            quote! { &Spec { #(#members,)* ..Spec::of(Kind::#kind) } }
        }
    }

    /// An expression as a reference to a constant `plan::Expr`.
    fn expr(&self, expr: &Expr) -> TokenStream {
        let inner = self.expr_value(expr);
        quote! { &#inner }
    }

    fn exprs(&self, exprs: &[Expr]) -> TokenStream {
        let exprs = exprs.iter().map(|expr| self.expr_value(expr));
        quote! { &[#(#exprs),*] }
    }

    /// An expression as a `plan::Expr` value.
    fn expr_value(&self, expr: &Expr) -> TokenStream {
        let path = |path: &[String]| self.layout.path(path);
        match expr {
            Expr::Literal { value } => match value {
                ir::Literal::Bool(b) => quote! { Expr::Bool(#b) },
                ir::Literal::Number(n) => match crate::value::Decimal::parse(n) {
                    Some(decimal) => {
                        let (mantissa, scale) = (decimal.mantissa(), decimal.scale());
                        quote! { Expr::Number(Decimal::from_parts(#mantissa, #scale)) }
                    }
                    None => quote! { Expr::Unknown },
                },
                ir::Literal::Text(t) | ir::Literal::Code(t) => quote! { Expr::Text(#t) },
                ir::Literal::Date(d) => quote! { Expr::Date(#d) },
            },
            Expr::Today => quote! { Expr::Today },
            Expr::Field { path: p, ty } => {
                let read = match ty {
                    ir::ValueType::Bool => quote! { Bool },
                    ir::ValueType::Integer => quote! { Integer },
                    ir::ValueType::Decimal | ir::ValueType::Money => quote! { Decimal },
                    ir::ValueType::Text | ir::ValueType::Code { .. } => quote! { Text },
                    ir::ValueType::Date => quote! { Date },
                    ir::ValueType::Codes { .. } => quote! { Codes },
                    ir::ValueType::File => quote! { Unknown },
                };
                let p = path(p);
                quote! { Expr::Field(#p, Read::#read) }
            }
            Expr::Not { operand } => {
                let operand = self.expr(operand);
                quote! { Expr::Not(#operand) }
            }
            Expr::Neg { operand, .. } => {
                let operand = self.expr(operand);
                quote! { Expr::Neg(#operand) }
            }
            Expr::And { operands } => {
                let operands = self.exprs(operands);
                quote! { Expr::And(#operands) }
            }
            Expr::Or { operands } => {
                let operands = self.exprs(operands);
                quote! { Expr::Or(#operands) }
            }
            Expr::Compare { cmp, lhs, rhs, .. } => {
                let cmp = compare_op(*cmp);
                let (lhs, rhs) = (self.expr(lhs), self.expr(rhs));
                quote! { Expr::Compare(Cmp::#cmp, #lhs, #rhs) }
            }
            Expr::Arith { arith, lhs, rhs, .. } => {
                let op = arith_op(*arith);
                let (lhs, rhs) = (self.expr(lhs), self.expr(rhs));
                quote! { Expr::Arith(Arith::#op, #lhs, #rhs) }
            }
            Expr::ShiftDate { date, amount, unit: u } => {
                let date = self.expr(date);
                let u = unit(*u);
                quote! { Expr::Shift(#date, #amount, #u) }
            }
            Expr::Length { text } => {
                let text = self.expr(text);
                quote! { Expr::Length(#text) }
            }
            Expr::Unique { repeat, keys } => {
                let (repeat, keys) = (path(repeat), self.exprs(keys));
                quote! { Expr::Unique(#repeat, #keys) }
            }
            Expr::DaysBetween { from, to } => {
                let (from, to) = (self.expr(from), self.expr(to));
                quote! { Expr::DaysBetween(#from, #to) }
            }
            Expr::Age { birth, at } => {
                let (birth, at) = (self.expr(birth), self.expr(at));
                quote! { Expr::Age(#birth, #at) }
            }
            Expr::In { value, set, .. } => {
                let (value, set) = (self.expr(value), self.exprs(set));
                quote! { Expr::In(#value, #set) }
            }
            Expr::Contains { set, code } => {
                let set = self.expr(set);
                quote! { Expr::Contains(#set, #code) }
            }
            Expr::IsSet { path: p } => {
                let p = path(p);
                quote! { Expr::IsSet(#p) }
            }
            Expr::IsEmpty { path: p } => {
                let p = path(p);
                quote! { Expr::IsEmpty(#p) }
            }
            Expr::Count { path: p, filter } => {
                if !self.repeats.contains(p) {
                    // A multiple choice: the number of chosen codes.
                    let p = path(p);
                    return quote! { Expr::CountCodes(#p) };
                }
                let filter = match filter {
                    Some(filter) => {
                        let filter = self.expr(filter);
                        quote! { Some(#filter) }
                    }
                    None => quote! { None },
                };
                let p = path(p);
                quote! { Expr::Count(#p, #filter) }
            }
            Expr::Aggregate { func, repeat, value, .. } => {
                let func = aggregate_func(*func);
                let (repeat, value) = (path(repeat), self.expr(value));
                quote! { Expr::Aggregate(Agg::#func, #repeat, #value) }
            }
            Expr::Any { repeat, condition } => {
                let (repeat, condition) = (path(repeat), self.expr(condition));
                quote! { Expr::Any(#repeat, #condition) }
            }
            Expr::All { repeat, condition } => {
                let (repeat, condition) = (path(repeat), self.expr(condition));
                quote! { Expr::All(#repeat, #condition) }
            }
        }
    }
}

/// The static with the sorted codes of a code list.
fn code_set(list: &str) -> Ident {
    format_ident!("codes_{list}")
}

/// A form text as a `check::Label` literal.
fn label(text: &ir::Text) -> TokenStream {
    let pairs = text.iter().map(|(lang, text)| quote! { (#lang, #text) });
    quote! { &[#(#pairs),*] }
}

/// A bound as a `check::Bound` constant; a number is parsed here rather than at every check.
fn bound(bound: &Bound) -> TokenStream {
    match bound {
        Bound::Number { value } => match crate::value::Decimal::parse(value) {
            Some(decimal) => {
                let (mantissa, scale) = (decimal.mantissa(), decimal.scale());
                quote! { Bound::Exact(Decimal::from_parts(#mantissa, #scale), #value) }
            }
            None => quote! { Bound::Number(#value) },
        },
        Bound::Date { value } => quote! { Bound::Date(#value) },
        Bound::Today { amount, unit: u } => {
            let u = unit(*u);
            quote! { Bound::Today(#amount, #u) }
        }
    }
}

fn unit(unit: DateUnit) -> TokenStream {
    match unit {
        DateUnit::Days => quote! { DurationUnit::Days },
        DateUnit::Months => quote! { DurationUnit::Months },
        DateUnit::Years => quote! { DurationUnit::Years },
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
