//! Per form: constants, one enum per code list and one struct per object of the submission
//! (the form, each group, each repeat item). Code lists and group types that several forms
//! share are emitted once, in `shared.rs`, and every form refers to that one type.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use sha2::{Digest, Sha256};

use super::names;
use crate::ir::{self, FieldType, Form, Item, Requirement};

/// Code lists and group types (as `(module, name)`) that more than one form uses.
pub struct Shared {
    defs: BTreeSet<(String, String)>,
}

impl Shared {
    pub fn of(bundle: &ir::Bundle) -> Shared {
        let mut uses: BTreeMap<(String, String), usize> = BTreeMap::new();
        for form in &bundle.forms {
            let lists = form.codelists.values().map(|l| (l.module.clone(), format!("list:{}", l.name)));
            let types = form.group_types.values().map(|t| (t.module.clone(), format!("type:{}", t.name)));
            for key in lists.chain(types) {
                *uses.entry(key).or_default() += 1;
            }
        }
        Shared { defs: uses.into_iter().filter(|(_, n)| *n > 1).map(|(key, _)| key).collect() }
    }

    /// The shared modules a form uses (names as in `shared.rs`).
    pub fn modules_of(&self, form: &Form) -> BTreeSet<String> {
        let lists = form.codelists.values().map(|l| (l.module.as_str(), format!("list:{}", l.name)));
        let types = form.group_types.values().map(|t| (t.module.as_str(), format!("type:{}", t.name)));
        lists.chain(types).filter_map(|(module, key)| self.module_of(module, key)).map(|m| m.to_string()).collect()
    }

    pub fn module_of(&self, module: &str, key: String) -> Option<Ident> {
        self.defs.contains(&(module.to_string(), key)).then(|| names::field(&module.replace('.', "_")))
    }
}

/// Where generated items go: the form's module, or `shared::<module>`.
#[derive(Clone)]
enum Place {
    Form,
    Shared(Ident),
}

/// Items of the form module, and items of each shared module, by name (deterministic order).
#[derive(Default)]
pub struct Items {
    pub form: BTreeMap<String, TokenStream>,
    pub shared: BTreeMap<String, BTreeMap<String, TokenStream>>,
}

impl Items {
    fn slot(&mut self, place: &Place) -> &mut BTreeMap<String, TokenStream> {
        match place {
            Place::Form => &mut self.form,
            Place::Shared(module) => self.shared.entry(module.to_string()).or_default(),
        }
    }
}

struct Cx<'a> {
    form: &'a Form,
    shared: &'a Shared,
}

/// The module of one form; shared items are added to `shared_items`.
pub fn form_module(
    form: &Form,
    shared: &Shared,
    shared_items: &mut BTreeMap<String, BTreeMap<String, TokenStream>>,
) -> TokenStream {
    let cx = Cx { form, shared };
    let id = &form.id;
    let version = &form.version;
    let ir_json = serde_json::to_vec(form).expect("the IR serialises");
    let hash: String = Sha256::digest(&ir_json).iter().map(|b| format!("{b:02x}")).collect();
    let languages = &form.languages;
    let title = doc_text(&form.title, form);
    let mut items = Items { form: BTreeMap::new(), shared: std::mem::take(shared_items) };
    for list in form.codelists.values() {
        let place = cx.codelist_place(list);
        let name = names::type_name(&[&list.name]);
        items.slot(&place).entry(name.to_string()).or_insert_with(|| codelist_enum(list, form));
    }
    let root_items: Vec<&Item> = form.items().collect();
    cx.object_struct(&names::type_name(&["submission"]), &title, &root_items, &[], &Place::Form, &mut items);
    *shared_items = items.shared;
    let local = items.form.into_values();
    quote! {
        /// The form's identifier.
        pub const ID: &str = #id;
        /// The form's version.
        pub const VERSION: &str = #version;
        /// SHA-256 of the form's IR: changes whenever anything about the form changes.
        pub const CONTENT_HASH: &str = #hash;
        /// The languages of the form's texts, the first one primary.
        pub const LANGUAGES: &[&str] = &[#(#languages),*];

        #(#local)*
    }
}

/// The path of the enum of the form's code list `name`: in the shared crate, or the form's
/// own, reached from where the path is written through `local` (`super::` in a submodule).
pub fn codelist_path(form: &Form, shared: &Shared, name: &str, local: TokenStream) -> TokenStream {
    let ident = names::type_name(&[name]);
    let place = form.codelists.get(name).and_then(|list| shared.module_of(&list.module, format!("list:{}", list.name)));
    match place {
        Some(module) => quote! { crate::shared::#module::#ident },
        None => quote! { #local #ident },
    }
}

impl Cx<'_> {
    fn codelist_place(&self, list: &ir::CodeList) -> Place {
        match self.shared.module_of(&list.module, format!("list:{}", list.name)) {
            Some(module) => Place::Shared(module),
            None => Place::Form,
        }
    }

    /// The path of a code list's enum, from anywhere in the crate's form modules.
    fn codelist_path(&self, name: &str) -> TokenStream {
        codelist_path(self.form, self.shared, name, quote! {})
    }

    /// Generates the struct `name` for an object with `items` into `place`, and recursively
    /// its parts; `naming` names nested structs (`AntragstellerAnschrift`).
    fn object_struct(
        &self,
        name: &Ident,
        doc: &str,
        items: &[&Item],
        naming: &[String],
        place: &Place,
        out: &mut Items,
    ) {
        if out.slot(place).contains_key(&name.to_string()) {
            return;
        }
        // Reserve the name first, so that recursion cannot generate it twice.
        out.slot(place).insert(name.to_string(), TokenStream::new());
        let form = self.form;
        let mut fields = Vec::new();
        let mut conversions = Vec::new();
        let mut slot = 0usize;
        // For the serde impls: member names, how each is written and read.
        let (mut member_names, mut writes, mut reads) = (Vec::<String>::new(), Vec::new(), Vec::new());
        for item in items {
            let (key, always, label) = match item {
                Item::Info(_) => continue,
                Item::Field(f) => (&f.name, f.required == Requirement::Always && f.visible.is_none(), &f.label),
                Item::Group(g) => (&g.name, g.required == Requirement::Always && g.visible.is_none(), &g.label),
                Item::Repeat(r) => (&r.name, r.min > 0 && r.visible.is_none(), &r.label),
            };
            let index = proc_macro2::Literal::usize_unsuffixed(slot);
            slot += 1;
            let (ty, convert) = match item {
                Item::Field(field) => (self.field_type(&field.ty), self.field_conversion(&field.ty)),
                Item::Group(group) => {
                    let children: Vec<&Item> = group.items.iter().collect();
                    let ty = self.part(
                        group.of.as_deref(),
                        key,
                        "",
                        &doc_text(&group.label, form),
                        &children,
                        naming,
                        place,
                        out,
                    );
                    let convert = (quote! { t::group }, Some(quote! { #ty::from_tree }));
                    (ty, convert)
                }
                Item::Repeat(repeat) => {
                    let children: Vec<&Item> = repeat.items.iter().collect();
                    let doc = doc_text(&repeat.item_label, form);
                    let item_type = self.part(repeat.of.as_deref(), key, "item", &doc, &children, naming, place, out);
                    let convert = (quote! { t::many }, Some(quote! { #item_type::from_tree }));
                    (quote! { ::std::vec::Vec<#item_type> }, convert)
                }
                Item::Info(_) => continue,
            };
            let ident = names::field(key);
            let mut doc = doc_text(label, form);
            if let Item::Field(ir::Field { unit: Some(unit), .. }) = item {
                doc = format!("{doc}, in{}", doc_text(unit, form));
            }
            let (function, argument) = convert;
            conversions.push(match (always, argument) {
                (true, None) => quote! { #ident: #function(&obj.slots[#index])? },
                (true, Some(argument)) => quote! { #ident: #function(&obj.slots[#index], #argument)? },
                (false, None) => quote! { #ident: t::optional(&obj.slots[#index], #function)? },
                (false, Some(argument)) => {
                    quote! { #ident: t::optional(&obj.slots[#index], |slot| #function(slot, #argument))? }
                }
            });
            let at = proc_macro2::Literal::usize_unsuffixed(member_names.len());
            member_names.push(key.clone());
            if always {
                writes.push(quote! { map.serialize_entry(#key, &self.#ident)?; });
                reads.push(quote! { #ident: members.required(#at)? });
                fields.push(quote! {
                    #[doc = #doc]
                    pub #ident: #ty
                });
            } else {
                writes.push(quote! {
                    if let ::std::option::Option::Some(value) = &self.#ident {
                        map.serialize_entry(#key, value)?;
                    }
                });
                reads.push(quote! { #ident: members.optional(#at)? });
                fields.push(quote! {
                    #[doc = #doc]
                    pub #ident: ::std::option::Option<#ty>
                });
            }
        }
        let tokens = quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, PartialEq)]
            pub struct #name {
                #(#fields,)*
            }

            /// Written as the submission's JSON object (absent members are left out).
            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                    use ::serde::ser::SerializeMap;
                    let mut map = serializer.serialize_map(::std::option::Option::None)?;
                    #(#writes)*
                    map.end()
                }
            }

            /// Read from the submission's JSON object; unknown and repeated members are errors.
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    let mut members = crate::runtime::json::Members::read(deserializer, &[#(#member_names),*])?;
                    ::std::result::Result::Ok(Self { #(#reads,)* })
                }
            }

            impl #name {
                /// The typed data of a valid submission's object, read from its tree: each
                /// member from its slot (`None` only if the submission was not valid).
                #[doc(hidden)]
                pub fn from_tree(obj: &crate::runtime::tree::Obj) -> ::std::option::Option<Self> {
                    #[allow(unused_imports)]
                    use crate::runtime::tree::typed as t;
                    ::std::option::Option::Some(Self { #(#conversions,)* })
                }
            }
        };
        out.slot(place).insert(name.to_string(), tokens);
    }

    /// The struct of a group or repeat item: a shared type's own struct (in `shared` when
    /// several forms use it), or one named by its place (`naming` + `key` + `suffix`).
    #[allow(clippy::too_many_arguments)]
    fn part(
        &self,
        of: Option<&str>,
        key: &str,
        suffix: &str,
        doc: &str,
        children: &[&Item],
        naming: &[String],
        place: &Place,
        out: &mut Items,
    ) -> TokenStream {
        if let Some(type_name) = of {
            let ident = names::type_name(&[type_name]);
            let group_type = self.form.group_types.get(type_name);
            let type_doc = group_type.map_or_else(|| doc.to_string(), |t| doc_text(&t.label, self.form));
            let shared = group_type.and_then(|t| self.shared.module_of(&t.module, format!("type:{}", t.name)));
            let type_place = shared.clone().map_or(Place::Form, Place::Shared);
            self.object_struct(&ident, &type_doc, children, &[type_name.to_string()], &type_place, out);
            return match shared {
                Some(module) => quote! { crate::shared::#module::#ident },
                None => quote! { #ident },
            };
        }
        let mut parts: Vec<String> = naming.to_vec();
        parts.push(key.to_string());
        let mut name_parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        if !suffix.is_empty() {
            name_parts.push(suffix);
        }
        let ident = names::type_name(&name_parts);
        self.object_struct(&ident, doc, children, &parts, place, out);
        match place {
            Place::Shared(module) => quote! { crate::shared::#module::#ident },
            Place::Form => quote! { #ident },
        }
    }

    /// The function from a field's slot to its typed value (`Option`) for `from_tree`, with
    /// its second argument if it takes one.
    fn field_conversion(&self, ty: &FieldType) -> (TokenStream, Option<TokenStream>) {
        match ty {
            FieldType::Integer => (quote! { t::integer }, None),
            FieldType::Boolean => (quote! { t::boolean }, None),
            FieldType::File => (quote! { crate::FileRef::from_tree }, None),
            FieldType::Choice { codelist } => {
                let path = self.codelist_path(codelist);
                (quote! { t::code }, Some(quote! { #path::from_code }))
            }
            FieldType::MultipleChoice { codelist } => {
                let path = self.codelist_path(codelist);
                (quote! { t::codes }, Some(quote! { #path::from_code }))
            }
            _ => (quote! { t::text }, None),
        }
    }

    fn field_type(&self, ty: &FieldType) -> TokenStream {
        match ty {
            FieldType::Text
            | FieldType::Multiline
            | FieldType::Email
            | FieldType::Phone
            | FieldType::Iban
            | FieldType::Postcode
            // Exact decimals and dates keep their submission text (`"12.50"`, `"2024-02-29"`).
            | FieldType::Decimal
            | FieldType::Money
            | FieldType::Date => quote! { ::std::string::String },
            FieldType::Integer => quote! { i64 },
            FieldType::Boolean => quote! { bool },
            FieldType::File => quote! { crate::FileRef },
            FieldType::Choice { codelist } => self.codelist_path(codelist),
            FieldType::MultipleChoice { codelist } => {
                let path = self.codelist_path(codelist);
                quote! { ::std::vec::Vec<#path> }
            }
        }
    }
}
fn primary(text: &ir::Text, form: &Form) -> String {
    text.get(&form.languages[0]).or_else(|| text.values().next()).cloned().unwrap_or_default()
}

/// A form text as one line of documentation: control characters become spaces, and
/// characters that change the direction or visibility of text are spelled as escapes, which
/// rustc rejects in comments (the exact text is in the literals).
fn doc_text(text: &ir::Text, form: &Form) -> String {
    let mut doc = String::from(" ");
    for c in primary(text, form).chars() {
        match c {
            c if c.is_control() => doc.push(' '),
            '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}' | '\u{FEFF}' => {
                doc.extend(c.escape_unicode())
            }
            c => doc.push(c),
        }
    }
    doc
}

fn codelist_enum(list: &ir::CodeList, form: &Form) -> TokenStream {
    let name = names::type_name(&[&list.name]);
    let mut used = BTreeSet::new();
    let variants: Vec<_> = list
        .codes
        .iter()
        .map(|code| {
            // Codes that map to the same identifier (`a` and `A`) keep apart by position.
            let mut variant = names::variant(&code.code);
            let mut n: usize = 2;
            while !used.insert(variant.to_string()) {
                variant = format_ident!("{}_{}", names::variant(&code.code), n);
                n += 1;
            }
            (variant, code)
        })
        .collect();
    let decls = variants.iter().map(|(variant, code)| {
        let doc = doc_text(&code.label, form);
        quote! {
            #[doc = #doc]
            #variant
        }
    });
    let all = variants.iter().map(|(variant, _)| quote! { #name::#variant });
    let codes = variants.iter().map(|(_, code)| &code.code);
    // Sorted by code (the first of equal codes), for `from_code`'s binary search; the plan's
    // choice check searches the same table.
    let mut sorted: Vec<_> = variants.iter().map(|(variant, code)| (code.code.as_str(), variant)).collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    sorted.dedup_by(|later, first| later.0 == first.0);
    let sorted_codes = sorted.iter().map(|(code, _)| code);
    let sorted_variants = sorted.iter().map(|(_, variant)| quote! { #name::#variant });
    let labels = variants.iter().map(|(_, code)| {
        let pairs = code.label.iter().map(|(lang, label)| quote! { (#lang, #label) });
        quote! { &[#(#pairs),*] }
    });
    let doc = list.label.as_ref().map_or_else(|| format!(" Code list `{}`.", list.name), |l| doc_text(l, form));
    let urn = list.urn.clone().unwrap_or_default();
    let list_version = list.version.clone().unwrap_or_default();
    // An external list says where its codes came from (URN, version, file and its hash).
    let source_doc = list.external.as_ref().map(|external| {
        let source = format!(
            "External genericode list {urn}, version {list_version}, read from `{}` (SHA-256 {}).",
            external.file, external.sha256
        );
        [String::from(" "), doc_text(&ir::Text::from([(form.languages[0].clone(), source)]), form)]
    });
    let source_doc = source_doc.iter().flatten();
    quote! {
        #[doc = #doc]
        #(#[doc = #source_doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        // Variants spell the codes (`BF`, `C001`), which need not be camel case.
        #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
        pub enum #name {
            #(#decls,)*
        }

        impl #name {
            /// Every entry, in the code list's order.
            pub const ALL: &'static [#name] = &[#(#all),*];
            /// The code list's URN (empty if it has none).
            pub const URN: &'static str = #urn;
            /// The code list's version (empty if it has none).
            pub const VERSION: &'static str = #list_version;

            /// The codes, in the order of the variants.
            const CODES: &'static [&'static str] = &[#(#codes),*];
            /// The labels by language, in the order of the variants.
            const LABELS: &'static [&'static [(&'static str, &'static str)]] = &[#(#labels),*];

            /// The code as it appears in a submission.
            pub fn code(self) -> &'static str {
                #name::CODES[self as usize]
            }

            /// The codes, sorted (each once).
            pub const SORTED_CODES: &'static [&'static str] = &[#(#sorted_codes),*];
            /// The entries in the order of [`Self::SORTED_CODES`].
            const SORTED: &'static [#name] = &[#(#sorted_variants),*];

            /// The entry with this code, if the list has it.
            pub fn from_code(code: &str) -> ::std::option::Option<#name> {
                #name::SORTED_CODES.binary_search(&code).ok().map(|i| #name::SORTED[i])
            }

            /// The label in a language of the form.
            pub fn label(self, lang: &str) -> ::std::option::Option<&'static str> {
                #name::LABELS[self as usize].iter().find(|(l, _)| *l == lang).map(|(_, label)| *label)
            }
        }

        /// Written as its code.
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.code())
            }
        }

        /// Read from its code; any other value is an error.
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                crate::runtime::json::code(deserializer, #name::from_code)
            }
        }
    }
}
