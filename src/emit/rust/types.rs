//! Per form: constants, one enum per code list and one struct per object of the submission
//! (the form, each group, each repeat item; shared group types once).

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use sha2::{Digest, Sha256};

use super::names;
use crate::ir::{self, FieldType, Form, Item, Requirement};

pub fn form_module(form: &Form) -> TokenStream {
    let id = &form.id;
    let version = &form.version;
    let ir_json = serde_json::to_vec(form).expect("the IR serialises");
    let hash: String = Sha256::digest(&ir_json).iter().map(|b| format!("{b:02x}")).collect();
    let languages = &form.languages;
    let title = doc_text(&form.title, form);
    let enums: Vec<TokenStream> = form.codelists.values().map(|list| codelist_enum(list, form)).collect();
    let mut structs = BTreeMap::new();
    let root_items: Vec<&Item> = form.items().collect();
    object_struct(form, &names::type_name(&["submission"]), &title, &root_items, &[], &mut structs);
    let structs = structs.into_values();
    quote! {
        /// The form's identifier.
        pub const ID: &str = #id;
        /// The form's version.
        pub const VERSION: &str = #version;
        /// SHA-256 of the form's IR: changes whenever anything about the form changes.
        pub const CONTENT_HASH: &str = #hash;
        /// The languages of the form's texts, the first one primary.
        pub const LANGUAGES: &[&str] = &[#(#languages),*];

        #(#enums)*
        #(#structs)*
    }
}

fn primary(text: &ir::Text, form: &Form) -> String {
    text.get(&form.languages[0]).or_else(|| text.values().next()).cloned().unwrap_or_default()
}

fn doc_text(text: &ir::Text, form: &Form) -> String {
    format!(" {}", primary(text, form))
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
        let code = &code.code;
        quote! {
            #[doc = #doc]
            #[serde(rename = #code)]
            #variant
        }
    });
    let all = variants.iter().map(|(variant, _)| quote! { #name::#variant });
    let codes = variants.iter().map(|(variant, code)| {
        let code = &code.code;
        quote! { #name::#variant => #code }
    });
    let labels = variants.iter().map(|(variant, code)| {
        let arms = code.label.iter().map(|(lang, label)| quote! { #lang => ::std::option::Option::Some(#label) });
        quote! { #name::#variant => match lang { #(#arms,)* _ => ::std::option::Option::None } }
    });
    let doc = list.label.as_ref().map_or_else(|| format!(" Code list `{}`.", list.name), |l| doc_text(l, form));
    let urn = list.urn.clone().unwrap_or_default();
    let list_version = list.version.clone().unwrap_or_default();
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
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

            /// The code as it appears in a submission.
            pub fn code(self) -> &'static str {
                match self { #(#codes,)* }
            }

            /// The label in a language of the form.
            pub fn label(self, lang: &str) -> ::std::option::Option<&'static str> {
                match self { #(#labels,)* }
            }
        }
    }
}

/// Generates the struct `name` for an object with `items` (and, recursively, its parts).
fn object_struct(
    form: &Form,
    name: &proc_macro2::Ident,
    doc: &str,
    items: &[&Item],
    path: &[String],
    out: &mut BTreeMap<String, TokenStream>,
) {
    if out.contains_key(&name.to_string()) {
        return;
    }
    // Reserve the name first, so that recursion cannot generate it twice.
    out.insert(name.to_string(), TokenStream::new());
    let mut fields = Vec::new();
    for item in items {
        let (key, always, label) = match item {
            Item::Info(_) => continue,
            Item::Field(f) => (&f.name, f.required == Requirement::Always && f.visible.is_none(), &f.label),
            Item::Group(g) => (&g.name, g.required == Requirement::Always && g.visible.is_none(), &g.label),
            Item::Repeat(r) => (&r.name, r.min > 0 && r.visible.is_none(), &r.label),
        };
        let mut child_path = path.to_vec();
        child_path.push(key.clone());
        let ty = match item {
            Item::Field(field) => field_type(&field.ty),
            Item::Group(group) => {
                let type_name = group_type_name(group.of.as_deref(), &child_path, "");
                let children: Vec<&Item> = group.items.iter().collect();
                object_struct(form, &type_name, &doc_text(&group.label, form), &children, &child_path, out);
                quote! { #type_name }
            }
            Item::Repeat(repeat) => {
                let type_name = group_type_name(repeat.of.as_deref(), &child_path, "item");
                let children: Vec<&Item> = repeat.items.iter().collect();
                object_struct(form, &type_name, &doc_text(&repeat.item_label, form), &children, &child_path, out);
                quote! { ::std::vec::Vec<#type_name> }
            }
            Item::Info(_) => continue,
        };
        let ident = names::field(key);
        let doc = doc_text(label, form);
        fields.push(if always {
            quote! {
                #[doc = #doc]
                #[serde(rename = #key)]
                pub #ident: #ty
            }
        } else {
            quote! {
                #[doc = #doc]
                #[serde(rename = #key, default, skip_serializing_if = "::std::option::Option::is_none")]
                pub #ident: ::std::option::Option<#ty>
            }
        });
    }
    let tokens = quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct #name {
            #(#fields,)*
        }
    };
    out.insert(name.to_string(), tokens);
}

/// A shared type keeps its own name; other groups are named by their path.
fn group_type_name(of: Option<&str>, path: &[String], suffix: &str) -> proc_macro2::Ident {
    match of {
        Some(type_name) => names::type_name(&[type_name]),
        None => {
            let mut parts: Vec<&str> = path.iter().map(String::as_str).collect();
            if !suffix.is_empty() {
                parts.push(suffix);
            }
            names::type_name(&parts)
        }
    }
}

fn field_type(ty: &FieldType) -> TokenStream {
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
        FieldType::Choice { codelist } => {
            let name = names::type_name(&[codelist]);
            quote! { #name }
        }
        FieldType::MultipleChoice { codelist } => {
            let name = names::type_name(&[codelist]);
            quote! { ::std::vec::Vec<#name> }
        }
    }
}
