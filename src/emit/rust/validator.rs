//! Per form, the generated validator: a private module `raw` with one struct per object of
//! the submission (what the checks need of it, read straight from the bytes or from a
//! `serde_json::Value` by serde), a check function per object that reports exactly what the
//! reference validator reports, in the same order, and the conversion of a valid submission
//! into the typed structs; plus the public `validate` and `from_json` functions.
//!
//! Recursion in the generated code follows the form (one function per object), never the
//! submission; what a field's value means is decided by `runtime::check`, shared with the
//! reference validator. A repeat is read with `runtime::json::ManySeed`, so its items past
//! the maximum are consumed but never kept; of unknown members only the first is kept.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use super::expr::{ExprCx, Scope};
use super::names;
use super::types::{self, Shared};
use crate::ir::{self, Bound, Field, FieldType, Form, Item, Requirement};

/// The validator of one form: the `raw` module and the public functions.
pub fn form_validator(form: &Form, shared: &Shared) -> TokenStream {
    let mut gen = Gen {
        form,
        shared,
        typed: types::struct_paths(form, shared),
        repeats: crate::validate::repeat_paths(form),
        rules: rules_by_scope(form),
        patterns: BTreeMap::new(),
        names: BTreeMap::new(),
        used: BTreeSet::new(),
        items: Vec::new(),
    };
    let root_items: Vec<Item> = form.items().cloned().collect();
    gen.object(&root_items, &mut Vec::new(), &[]);
    let code_sets = form.codelists.values().map(|list| {
        let ident = code_set_fn(&list.name);
        let codes = list.codes.iter().map(|c| &c.code);
        quote! {
            fn #ident(code: &str) -> bool {
                matches!(code, #(#codes)|*)
            }
        }
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
    let items = &gen.items;
    let title = label(&form.title);
    let submission = names::type_name(&["submission"]);
    quote! {
        /// Validates a submission: every violation, with the same pointers, codes and messages
        /// as the reference validator. `today` is the current date in Europe/Berlin.
        pub fn validate_on(
            submission: &::serde_json::Value,
            today: crate::runtime::date::Date,
        ) -> crate::runtime::check::Report {
            let mut sink = crate::runtime::check::Sink::new(CATALOGUES, today);
            match <crate::runtime::json::Group<raw::Form<'_>> as ::serde::Deserialize>::deserialize(submission) {
                ::std::result::Result::Ok(crate::runtime::json::Group::Object(form)) => {
                    raw::check_form(&mut sink, &form, &form, &mut ::std::string::String::new());
                }
                _ => sink.push("", crate::runtime::messages::Kind::Type("object"), #title),
            }
            sink.report()
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
            let mut sink = crate::runtime::check::Sink::new(CATALOGUES, today);
            let form = match crate::runtime::json::read::<raw::Form<'_>>(bytes) {
                ::std::result::Result::Ok(crate::runtime::json::Group::Object(form)) => form,
                ::std::result::Result::Ok(crate::runtime::json::Group::Other { .. }) => {
                    sink.push("", crate::runtime::messages::Kind::Type("object"), #title);
                    return ::std::result::Result::Err(sink.report());
                }
                ::std::result::Result::Err(detail) => {
                    sink.push("", crate::runtime::messages::Kind::Malformed(detail), #title);
                    return ::std::result::Result::Err(sink.report());
                }
            };
            raw::check_form(&mut sink, &form, &form, &mut ::std::string::String::new());
            if !sink.violations.is_empty() {
                return ::std::result::Result::Err(sink.report());
            }
            match raw::typed_form(form) {
                ::std::option::Option::Some(typed) => ::std::result::Result::Ok(typed),
                ::std::option::Option::None => {
                    let detail = ::std::string::String::from("a valid submission could not be converted");
                    sink.push("", crate::runtime::messages::Kind::Malformed(detail), #title);
                    ::std::result::Result::Err(sink.report())
                }
            }
        }

        /// [`from_json_on`] for today in Germany.
        pub fn from_json(bytes: &[u8]) -> ::std::result::Result<#submission, crate::runtime::check::Report> {
            from_json_on(bytes, crate::runtime::date::Date::today_in_berlin())
        }

        /// The submission as the checks read it, their functions, and the conversion into the
        /// typed structs. Generated; every name is derived from the form's names.
        #[allow(unused_imports, unused_variables, unused_mut, unused_labels, non_snake_case)]
        mod raw {
            use crate::runtime::check::{self, Bound, FieldKind, Label, Sink, Spec};
            use crate::runtime::date::DurationUnit;
            use crate::runtime::json::{push_index, Given, Group, Leaf, Many, ManySeed, Str, Unknown};
            use crate::runtime::logic::{self, V};
            use crate::runtime::messages::Kind;

            #(#code_sets)*
            #(#patterns)*
            #(#items)*
        }
    }
}

fn rules_by_scope(form: &Form) -> BTreeMap<Vec<String>, Vec<&ir::Rule>> {
    let mut out: BTreeMap<Vec<String>, Vec<&ir::Rule>> = BTreeMap::new();
    for rule in &form.rules {
        out.entry(rule.scope.clone()).or_default().push(rule);
    }
    out
}

fn code_set_fn(list: &str) -> Ident {
    format_ident!("is_code_{list}")
}

/// The names of an object's raw struct and of its functions.
#[derive(Clone)]
struct ObjectNames {
    raw: Ident,
    /// `form`, or the path joined by `__` (`antragsteller__anschrift`).
    suffix: String,
}

impl ObjectNames {
    fn function(&self, prefix: &str) -> Ident {
        format_ident!("{prefix}_{}", self.suffix)
    }
}

/// A form text as a `check::Label` literal.
fn label(text: &ir::Text) -> TokenStream {
    let pairs = text.iter().map(|(lang, text)| quote! { (#lang, #text) });
    quote! { &[#(#pairs),*] }
}

struct Gen<'a> {
    form: &'a Form,
    shared: &'a Shared,
    typed: BTreeMap<Vec<String>, TokenStream>,
    repeats: BTreeSet<Vec<String>>,
    rules: BTreeMap<Vec<String>, Vec<&'a ir::Rule>>,
    /// Pattern regex → the function that matches it.
    patterns: BTreeMap<String, Ident>,
    /// The names of each object by path, unique even where paths spell alike
    /// (`a_b` and `a.b` both read `AB`).
    names: BTreeMap<Vec<String>, ObjectNames>,
    used: BTreeSet<String>,
    items: Vec<TokenStream>,
}

impl Gen<'_> {
    /// Names the object at `path` (once; later calls return the same names).
    fn name(&mut self, path: &[String]) -> ObjectNames {
        if let Some(names) = self.names.get(path) {
            return names.clone();
        }
        let (raw, suffix) = if path.is_empty() {
            ("Form".to_string(), "form".to_string())
        } else {
            let parts: Vec<&str> = path.iter().map(String::as_str).collect();
            let camel = names::type_name(&parts).to_string();
            (format!("At{}", camel.trim_start_matches("r#")), format!("at_{}", path.join("__")))
        };
        let (mut unique_raw, mut unique_suffix, mut n) = (raw.clone(), suffix.clone(), 1);
        while self.used.contains(&unique_raw) || self.used.contains(&unique_suffix) {
            n += 1;
            unique_raw = format!("{raw}{n}");
            unique_suffix = format!("{suffix}_{n}");
        }
        self.used.insert(unique_raw.clone());
        self.used.insert(unique_suffix.clone());
        let names = ObjectNames { raw: format_ident!("{unique_raw}"), suffix: unique_suffix };
        self.names.insert(path.to_vec(), names.clone());
        names
    }

    /// Generates the raw struct, check and conversion of the object at `path` (an item of
    /// each repeat in `enclosing`), and recursively of its groups and repeats.
    fn object(&mut self, items: &[Item], path: &mut Vec<String>, enclosing: &[Vec<String>]) {
        let own = self.name(path);
        let raw = own.raw.clone();
        let mut fields = Vec::new();
        let mut arms = Vec::new();
        let mut checks = Vec::new();
        let mut conversions = Vec::new();
        let scope = Scope::of(enclosing);
        for item in items {
            if let Item::Info(_) = item {
                continue;
            }
            let name = item.name();
            let ident = names::field(name);
            path.push(name.to_string());
            let (slot, read) = match item {
                Item::Field(_) => (quote! { Leaf<'de> }, quote! { map.next_value()? }),
                Item::Group(group) => {
                    self.object(&group.items, path, enclosing);
                    let inner = self.name(path).raw;
                    (quote! { Group<#inner<'de>> }, quote! { map.next_value()? })
                }
                Item::Repeat(repeat) => {
                    let mut inner_enclosing = enclosing.to_vec();
                    inner_enclosing.push(path.clone());
                    self.object(&repeat.items, path, &inner_enclosing);
                    let inner = self.name(path).raw;
                    // Items past the maximum are only consumed, never kept.
                    let max = match repeat.max {
                        Some(max) => {
                            let max = Literal::usize_unsuffixed(max as usize);
                            quote! { Some(#max) }
                        }
                        None => quote! { None },
                    };
                    let seed = quote! { ManySeed { max: #max, item: ::std::marker::PhantomData::<#inner<'de>> } };
                    (quote! { Many<#inner<'de>> }, quote! { map.next_value_seed(#seed)? })
                }
                Item::Info(_) => unreachable!("skipped above"),
            };
            fields.push(quote! { pub #ident: Option<#slot> });
            arms.push(quote! { #name => out.#ident = Some(#read) });
            checks.push(self.item_check(item, &ident, path, enclosing, &scope));
            conversions.push(self.item_conversion(item, &ident, path));
            path.pop();
        }
        let rules = self.rules_check(path, &scope);
        let check_fn = own.function("check");
        let typed_fn = own.function("typed");
        let typed = &self.typed[path.as_slice()];
        let index_params = (0..enclosing.len()).map(|depth| {
            let index = Scope::index(depth);
            quote! { #index: usize }
        });
        let expecting = format!("the object `{}`", if path.is_empty() { "form".to_string() } else { path.join(".") });
        self.items.push(quote! {
            #[derive(Default)]
            pub struct #raw<'de> {
                #(#fields,)*
                pub __unknown: Unknown<'de>,
            }

            impl<'de> ::serde::Deserialize<'de> for #raw<'de> {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    struct Visit;
                    impl<'de> ::serde::de::Visitor<'de> for Visit {
                        type Value = #raw<'de>;
                        fn expecting(&self, f: &mut ::std::fmt::Formatter) -> ::std::fmt::Result {
                            f.write_str(#expecting)
                        }
                        fn visit_map<A: ::serde::de::MapAccess<'de>>(
                            self,
                            mut map: A,
                        ) -> Result<#raw<'de>, A::Error> {
                            let mut out = #raw::default();
                            while let Some(Str(key)) = map.next_key()? {
                                match &*key {
                                    #(#arms,)*
                                    _ => {
                                        map.next_value::<::serde::de::IgnoredAny>()?;
                                        out.__unknown.add(key);
                                    }
                                }
                            }
                            Ok(out)
                        }
                    }
                    deserializer.deserialize_map(Visit)
                }
            }

            pub fn #check_fn(
                sink: &mut Sink,
                root: &Form<'_>,
                obj: &#raw<'_>,
                ptr: &mut String,
                #(#index_params),*
            ) {
                if let Some(key) = obj.__unknown.first() {
                    sink.unknown(ptr, key);
                }
                #(#checks)*
                #rules
            }

            pub fn #typed_fn(obj: #raw<'_>) -> Option<#typed> {
                Some(#typed {
                    #(#conversions,)*
                })
            }
        });
    }

    fn item_check(
        &mut self,
        item: &Item,
        ident: &Ident,
        path: &[String],
        enclosing: &[Vec<String>],
        scope: &Scope,
    ) -> TokenStream {
        let segment = format!("/{}", crate::validate::pointer_segment(item.name()));
        let (visible, item_label) = match item {
            Item::Field(f) => (f.visible.as_ref(), &f.label),
            Item::Group(g) => (g.visible.as_ref(), &g.label),
            Item::Repeat(r) => (r.visible.as_ref(), &r.label),
            Item::Info(_) => return TokenStream::new(),
        };
        // Messages quote a label that names other answers without them, as the reference
        // validator does (`ir::template::neutral`).
        let item_label = label(&ir::template::neutral(item_label));
        let cx = ExprCx::new(self.form, &self.repeats);
        let hidden = visible.map(|condition| {
            let condition = cx.expr(condition, scope);
            quote! {
                let shown = (#condition).is_true();
                if !shown {
                    if obj.#ident.is_some() {
                        sink.push(ptr, Kind::Hidden, #item_label);
                    }
                    ptr.truncate(mark);
                    break 'item;
                }
            }
        });
        let body = match item {
            Item::Field(field) => {
                let kind = if field.constraints.must_be_true {
                    quote! { NotConfirmed }
                } else {
                    quote! { Required }
                };
                let required = self.requirement(&field.required, scope, &item_label, kind);
                let spec = self.spec(field);
                quote! {
                    match &obj.#ident {
                        None => { #required }
                        Some(value) => sink.field(ptr, value, #spec, #item_label),
                    }
                }
            }
            Item::Group(group) => {
                let required = self.requirement(&group.required, scope, &item_label, quote! { Required });
                let check = self.name(path).function("check");
                let indices = (0..enclosing.len()).map(Scope::index);
                quote! {
                    match &obj.#ident {
                        None => { #required }
                        Some(Group::Object(inner)) => {
                            #check(sink, root, inner, ptr, #(#indices),*)
                        }
                        Some(Group::Other { .. }) => {
                            sink.push(ptr, Kind::Type("object"), #item_label)
                        }
                    }
                }
            }
            Item::Repeat(repeat) => {
                let check = self.name(path).function("check");
                let indices = (0..enclosing.len()).map(Scope::index);
                let item_index = Scope::index(enclosing.len());
                let min = repeat.min;
                let min_usize = Literal::usize_unsuffixed(repeat.min as usize);
                let required = (repeat.min > 0).then(|| {
                    quote! { sink.push(ptr, Kind::Required, #item_label); }
                });
                let too_many = repeat.max.map(|max| {
                    quote! {
                        if *more {
                            sink.push(ptr, Kind::MaxItems(#max), #item_label);
                        }
                    }
                });
                let counts = match (repeat.min > 0, too_many) {
                    (true, too_many) => {
                        let too_many = too_many.map(|t| quote! { else #t });
                        let too_few = if repeat.min == 1 {
                            quote! { items.is_empty() }
                        } else {
                            quote! { items.len() < #min_usize }
                        };
                        quote! {
                            if #too_few {
                                sink.push(ptr, Kind::MinItems(#min), #item_label);
                            } #too_many
                        }
                    }
                    (false, too_many) => quote! { #too_many },
                };
                let entry_label = label(&repeat.item_label);
                quote! {
                    match &obj.#ident {
                        None => { #required }
                        Some(Many::Other { .. }) => {
                            sink.push(ptr, Kind::Type("list"), #item_label)
                        }
                        Some(Many::Items { items, more }) => {
                            #counts
                            for (#item_index, entry) in items.iter().enumerate() {
                                let entry_mark = ptr.len();
                                push_index(ptr, #item_index);
                                match entry {
                                    Group::Object(inner) => {
                                        #check(sink, root, inner, ptr, #(#indices,)* #item_index)
                                    }
                                    Group::Other { .. } => {
                                        sink.push(ptr, Kind::Type("object"), #entry_label)
                                    }
                                }
                                ptr.truncate(entry_mark);
                            }
                        }
                    }
                }
            }
            Item::Info(_) => TokenStream::new(),
        };
        quote! {
            'item: {
                let mark = ptr.len();
                ptr.push_str(#segment);
                #hidden
                #body
                ptr.truncate(mark);
            }
        }
    }

    /// What to do when a visible field or group is absent: a violation of `kind` if required.
    fn requirement(
        &self,
        requirement: &Requirement,
        scope: &Scope,
        item_label: &TokenStream,
        kind: TokenStream,
    ) -> TokenStream {
        let push = quote! { sink.push(ptr, Kind::#kind, #item_label); };
        match requirement {
            Requirement::Always => push,
            Requirement::Never => TokenStream::new(),
            Requirement::When(condition) => {
                let condition = ExprCx::new(self.form, &self.repeats).expr(condition, scope);
                quote! {
                    if (#condition).is_true() {
                        #push
                    }
                }
            }
        }
    }

    /// The `check::Spec` of a field, as a constant expression.
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
                let set = code_set_fn(codelist);
                quote! { Choice(&#set) }
            }
            FieldType::MultipleChoice { codelist } => {
                let set = code_set_fn(codelist);
                quote! { MultipleChoice(&#set) }
            }
            FieldType::File => quote! { File },
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
            member("pattern", quote! { Some(&#ident) });
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
        if c.must_be_true {
            member("must_be_true", quote! { true });
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
        quote! {
            &Spec { #(#members,)* ..Spec::of(FieldKind::#kind) }
        }
    }

    /// The rules declared for the object at `path`, after its members.
    fn rules_check(&self, path: &[String], scope: &Scope) -> TokenStream {
        let Some(rules) = self.rules.get(path) else { return TokenStream::new() };
        let cx = ExprCx::new(self.form, &self.repeats);
        let checks = rules.iter().map(|rule| {
            let check = cx.expr(&rule.check, scope);
            let pointer = self.rule_pointer(&rule.at, scope);
            let name = &rule.name;
            let message = label(&rule.message);
            quote! {
                if (#check).is_false() {
                    let pointer = #pointer;
                    let message: Label = #message;
                    let text = message.iter().map(|(l, t)| (l.to_string(), t.to_string())).collect();
                    sink.push(&pointer, Kind::Rule(String::from(#name), text), message);
                }
            }
        });
        quote! { #(#checks)* }
    }

    /// The pointer of a rule's node, with the current item of each repeat on the way.
    fn rule_pointer(&self, at: &[String], scope: &Scope) -> TokenStream {
        let mut steps = Vec::new();
        for depth in 0..at.len() {
            let segment = format!("/{}", crate::validate::pointer_segment(&at[depth]));
            steps.push(quote! { pointer.push_str(#segment); });
            let prefix = &at[..=depth];
            if depth + 1 < at.len() && self.repeats.contains(prefix) {
                if let Some(index) = scope.get(prefix) {
                    steps.push(quote! { push_index(&mut pointer, #index); });
                }
            }
        }
        quote! {{
            let mut pointer = String::new();
            #(#steps)*
            pointer
        }}
    }

    /// The member of the typed struct for an item of a valid submission.
    fn item_conversion(&mut self, item: &Item, ident: &Ident, path: &[String]) -> TokenStream {
        let always = match item {
            Item::Field(f) => f.required == Requirement::Always && f.visible.is_none(),
            Item::Group(g) => g.required == Requirement::Always && g.visible.is_none(),
            Item::Repeat(r) => r.min > 0 && r.visible.is_none(),
            Item::Info(_) => false,
        };
        let convert = match item {
            Item::Field(field) => self.field_conversion(field),
            Item::Group(_) => {
                let typed = self.name(path).function("typed");
                quote! {
                    match value {
                        Group::Object(inner) => #typed(inner),
                        Group::Other { .. } => None,
                    }
                }
            }
            Item::Repeat(_) => {
                let typed = self.name(path).function("typed");
                quote! {
                    match value {
                        Many::Items { items, .. } => items
                            .into_iter()
                            .map(|entry| match entry {
                                Group::Object(inner) => #typed(inner),
                                Group::Other { .. } => None,
                            })
                            .collect::<Option<Vec<_>>>(),
                        Many::Other { .. } => None,
                    }
                }
            }
            Item::Info(_) => TokenStream::new(),
        };
        if always {
            quote! { #ident: { let value = obj.#ident?; #convert? } }
        } else {
            quote! {
                #ident: match obj.#ident {
                    Some(value) => Some(#convert?),
                    None => None,
                }
            }
        }
    }

    /// Converts `value: Leaf` of a field into its typed value (`None` if it does not fit).
    fn field_conversion(&self, field: &Field) -> TokenStream {
        match &field.ty {
            FieldType::Integer => quote! { value.into_i64() },
            FieldType::Boolean => quote! { value.into_bool() },
            FieldType::File => quote! {
                check::file_ref(&value).map(|file| crate::FileRef {
                    name: file.name.to_string(),
                    media_type: file.media_type.to_string(),
                    size: file.size,
                })
            },
            FieldType::Choice { codelist } => {
                let list = types::codelist_path(self.form, self.shared, codelist);
                quote! { value.into_code(#list::from_code) }
            }
            FieldType::MultipleChoice { codelist } => {
                let list = types::codelist_path(self.form, self.shared, codelist);
                quote! { value.into_codes(#list::from_code) }
            }
            _ => quote! { value.into_string() },
        }
    }
}

/// A bound as a `check::Bound` constant.
fn bound(bound: &Bound) -> TokenStream {
    match bound {
        Bound::Number { value } => match crate::value::Decimal::parse(value) {
            // Parsed once here rather than at every check.
            Some(decimal) => {
                let (mantissa, scale) = (decimal.mantissa(), decimal.scale());
                quote! { Bound::Exact(crate::runtime::decimal::Decimal::from_parts(#mantissa, #scale), #value) }
            }
            None => quote! { Bound::Number(#value) },
        },
        Bound::Date { value } => quote! { Bound::Date(#value) },
        Bound::Today { amount, unit } => {
            let unit = super::expr::unit(*unit);
            quote! { Bound::Today(#amount, #unit) }
        }
    }
}
