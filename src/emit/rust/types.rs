//! Per form: constants, one enum per code list and one struct per object of the submission
//! (the form, each group, each repeat item). Code lists and group types that several forms
//! share are emitted once, in `shared.rs`, and every form refers to that one type.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::names;
use super::verbatim::{self, Verbatim};
use crate::ir::{self, FieldType, Form, Item, Requirement};

/// Code lists and group types (as `(module, name)`) that more than one form uses.
pub struct Shared {
    defs: BTreeSet<(String, String)>,
}

impl Shared {
    /// From each form's [`candidates`].
    pub fn of<'c>(forms: impl Iterator<Item = &'c [(String, String)]>) -> Shared {
        let mut uses: BTreeMap<&(String, String), usize> = BTreeMap::new();
        for candidates in forms {
            for key in candidates {
                *uses.entry(key).or_default() += 1;
            }
        }
        Shared { defs: uses.into_iter().filter(|(_, n)| *n > 1).map(|(key, _)| key.clone()).collect() }
    }

    /// The shared items as (module, key), as [`Shared::from_keys`] takes them back.
    pub fn keys(&self) -> &BTreeSet<(String, String)> {
        &self.defs
    }

    pub fn from_keys(defs: BTreeSet<(String, String)>) -> Shared {
        Shared { defs }
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

/// The code lists and group types of a form that could be shared, as (module, key): what
/// several forms use goes into the shared crate.
pub fn candidates(form: &Form) -> impl Iterator<Item = (String, String)> + '_ {
    let lists = form.codelists.values().map(|l| (l.module.clone(), format!("list:{}", l.name)));
    let types = form.group_types.values().map(|t| (t.module.clone(), format!("type:{}", t.name)));
    lists.chain(types)
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
    verbatim: &'a Verbatim,
}

/// The module of one form (`ir_sha256`: the hash of its IR, [`crate::emit::ir_sha256`]); shared
/// items are added to `shared_items`.
pub fn form_module(
    form: &Form,
    shared: &Shared,
    shared_items: &mut BTreeMap<String, BTreeMap<String, TokenStream>>,
    verbatim: &Verbatim,
    ir_sha256: &str,
) -> TokenStream {
    let cx = Cx { form, shared, verbatim };
    let id = &form.id;
    let version = &form.version;
    let hash = ir_sha256;
    let languages = &form.languages;
    let title = doc_text(&form.title, form);
    let mut items = Items { form: BTreeMap::new(), shared: std::mem::take(shared_items) };
    for list in form.codelists.values() {
        let place = cx.codelist_place(list);
        let name = names::type_name(&[&list.name]);
        items.slot(&place).entry(name.to_string()).or_insert_with(|| codelist_enum(list, form, verbatim));
    }
    let root_items: Vec<&Item> = form.items().collect();
    cx.object_struct(&names::type_name(&["submission"]), &title, &root_items, &[], &Place::Form, &mut items);
    *shared_items = items.shared;
    let local = items.form.into_values();
    let overlay = form.extends.as_ref().map(overlay_items);
    quote! {
        /// The form's identifier.
        pub const ID: &str = #id;
        /// The form's version.
        pub const VERSION: &str = #version;
        /// SHA-256 of the form's IR: changes whenever anything about the form changes.
        pub const CONTENT_HASH: &str = #hash;
        /// The languages of the form's texts, the first one primary.
        pub const LANGUAGES: &[&str] = &[#(#languages),*];
        #overlay

        #(#local)*
    }
}

/// What an overlay's crate says about its base: the base's id and version, the additions, and
/// the projection of a submission onto the base.
fn overlay_items(extends: &ir::Extends) -> TokenStream {
    let base_id = &extends.id;
    let base_version = &extends.version;
    let additions = extends.additions.iter().map(|path| quote! { &[#(#path),*] });
    quote! {
        /// This form is an overlay: the id of the form it extends. Every submission it accepts
        /// is, without [`ADDITIONS`], one the base accepts ([`project_to_base`]).
        pub const BASE_ID: &str = #base_id;
        /// The version of the base form this overlay was built on.
        pub const BASE_VERSION: &str = #base_version;
        /// The paths (from the root) of the members this overlay adds to its base; a path
        /// through a repeat names the member in every item.
        pub const ADDITIONS: &[&[&str]] = &[#(#additions),*];
        /// An overlay submission as its base's submission: the JSON with exactly the
        /// [`ADDITIONS`] removed, or why the text is not JSON.
        pub fn project_to_base(json: &str) -> Result<String, String> {
            crate::runtime::project::project_json(json, ADDITIONS)
        }
        /// [`project_to_base`] on a parsed submission, in place.
        pub fn project_value_to_base(submission: &mut serde_json::Value) {
            crate::runtime::project::remove_additions(submission, ADDITIONS)
        }
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

    /// Whether newer versions of the list may add codes (`extensible`).
    fn extensible(&self, name: &str) -> bool {
        self.form.codelists.get(name).is_some_and(|list| list.extensible)
    }

    /// The typed value of one chosen code: the list's enum, or for an `extensible` list the
    /// enum or a code a newer version added (`Open`, which only `read_tolerant` fills).
    fn code_type(&self, name: &str) -> TokenStream {
        let path = self.codelist_path(name);
        if self.extensible(name) {
            quote! { crate::runtime::json::Open<#path> }
        } else {
            path
        }
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
        let mut members = Vec::new();
        let mut slot = 0usize;
        for item in items {
            let (key, always, label) = match item {
                Item::Info(_) => continue,
                Item::Field(f) => (&f.name, f.required == Requirement::Always && f.visible.is_none(), &f.label),
                Item::Group(g) => (&g.name, g.required == Requirement::Always && g.visible.is_none(), &g.label),
                Item::Repeat(r) => (&r.name, r.min > 0 && r.visible.is_none(), &r.label),
            };
            // The member's slot in the tree (`runtime::tree::Obj::slots`) and its index among
            // the serde impl's member names: both count the members that hold data.
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
                    let convert = (quote! { group }, Some(quote! { #ty::from_tree }));
                    (ty, convert)
                }
                Item::Repeat(repeat) => {
                    let children: Vec<&Item> = repeat.items.iter().collect();
                    let doc = doc_text(&repeat.item_label, form);
                    let item_type = self.part(repeat.of.as_deref(), key, "item", &doc, &children, naming, place, out);
                    let convert = (quote! { many }, Some(quote! { #item_type::from_tree }));
                    (quote! { ::std::vec::Vec<#item_type> }, convert)
                }
                Item::Info(_) => continue,
            };
            let ident = names::field(key);
            let mut doc = doc_text(label, form);
            if let Item::Field(ir::Field { unit: Some(unit), .. }) = item {
                doc = format!("{doc}, in{}", doc_text(unit, form));
            }
            // The function of the shared crate's `__conv` that reads the member's slot.
            let (function, argument) = convert;
            let conversion = quote! { #function(#argument) };
            let (ty, presence) =
                if always { (ty, quote! { req }) } else { (quote! { ::std::option::Option<#ty> }, quote! { opt }) };
            members.push(verbatim::doc(&doc));
            members.push(format!(
                "{ident}: {} = {index} {} {presence} {},",
                verbatim::text(&ty),
                verbatim::string(key),
                verbatim::text(&conversion)
            ));
        }
        // The struct, its serde impls and `from_tree`: `object!` of the shared crate.
        let mut lines = vec![verbatim::doc(doc), format!("{name} {{")];
        lines.extend(members.into_iter().map(|line| format!("    {line}")));
        lines.push("}".to_string());
        let tokens = self.verbatim.invocation(quote! { crate::shared::object }, lines);
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

    /// The function of `__conv` from a field's slot to its typed value (`Option`) for
    /// `from_tree`, with its second argument if it takes one.
    fn field_conversion(&self, ty: &FieldType) -> (TokenStream, Option<TokenStream>) {
        match ty {
            FieldType::Integer => (quote! { integer }, None),
            FieldType::Boolean => (quote! { boolean }, None),
            FieldType::File => (quote! { file }, None),
            FieldType::Files => (quote! { files }, None),
            FieldType::Choice { codelist } => {
                let path = self.codelist_path(codelist);
                let read = if self.extensible(codelist) {
                    quote! { open_code }
                } else {
                    quote! { code }
                };
                (read, Some(quote! { #path::from_code }))
            }
            FieldType::MultipleChoice { codelist } => {
                let path = self.codelist_path(codelist);
                let read = if self.extensible(codelist) {
                    quote! { open_codes }
                } else {
                    quote! { codes }
                };
                (read, Some(quote! { #path::from_code }))
            }
            _ => (quote! { text }, None),
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
            FieldType::File => quote! { crate::shared::FileRef },
            FieldType::Files => quote! { ::std::vec::Vec<crate::shared::FileRef> },
            FieldType::Choice { codelist } => self.code_type(codelist),
            FieldType::MultipleChoice { codelist } => {
                let entry = self.code_type(codelist);
                quote! { ::std::vec::Vec<#entry> }
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

fn codelist_enum(list: &ir::CodeList, form: &Form, verbatim: &Verbatim) -> TokenStream {
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
    let mut lines = Vec::new();
    let mut entries = Vec::new();
    for (variant, code) in &variants {
        entries.push(format!("    {}", verbatim::doc(&doc_text(&code.label, form))));
        let labels: Vec<String> = code
            .label
            .iter()
            .map(|(lang, label)| format!("({}, {})", verbatim::string(lang), verbatim::string(label)))
            .collect();
        entries.push(format!("    {variant} = {} [{}],", verbatim::string(&code.code), labels.join(", ")));
    }
    // Sorted by code (the first of equal codes), for `from_code`'s binary search; the plan's
    // choice check searches the same table.
    let mut sorted: Vec<_> = variants.iter().map(|(variant, code)| (code.code.as_str(), variant)).collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    sorted.dedup_by(|later, first| later.0 == first.0);
    let sorted: Vec<String> =
        sorted.iter().map(|(code, variant)| format!("    {variant} {},", verbatim::string(code))).collect();
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
    // The enum, its tables, `code`, `from_code`, `label` and serde impls: `code_list!`.
    lines.push(verbatim::doc(&doc));
    lines.extend(source_doc.map(|doc| verbatim::doc(doc)));
    lines.push(format!("{name}, {}, {},", verbatim::string(&urn), verbatim::string(&list_version)));
    lines.push("[".to_string());
    lines.extend(entries);
    lines.push("]".to_string());
    lines.push("sorted [".to_string());
    lines.extend(sorted);
    lines.push("]".to_string());
    verbatim.invocation(quote! { crate::shared::code_list }, lines)
}
