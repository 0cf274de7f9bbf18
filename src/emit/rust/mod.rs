//! The Rust target: `generated/rust/`, a Cargo workspace that compiles on its own and depends
//! only on serde, serde_json and (for patterns) regex: the runtime crate (copied verbatim from
//! `src/runtime/`, the same code the reference validator uses), a shared crate, one crate per
//! form (its constants, typed submission structs and validators `validate_on`, `from_json_on`)
//! and the facade crate that re-exports each form as a module, by feature ([`cargo`] says why).
//!
//! Code is built as tokens (`quote!`) and formatted with prettyplease, then packed denser
//! ([`dense`]: lists share lines); form text only ever
//! appears as literals, so no label can inject code.

mod cargo;
mod dense;
pub mod names;
mod plan;
mod types;
mod verbatim;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use proc_macro2::TokenStream;
use quote::quote;

use super::OutputFile;
use crate::ir;

/// The runtime files, embedded from `src/runtime/` so that the generated crate computes with
/// exactly the reference validator's code.
const RUNTIME: &[(&str, &str)] = &[
    ("mod.rs", include_str!("../../runtime/mod.rs")),
    ("date.rs", include_str!("../../runtime/date.rs")),
    ("decimal.rs", include_str!("../../runtime/decimal.rs")),
    ("check.rs", include_str!("../../runtime/check.rs")),
    ("formats.rs", include_str!("../../runtime/formats.rs")),
    ("json.rs", include_str!("../../runtime/json.rs")),
    ("logic.rs", include_str!("../../runtime/logic.rs")),
    ("messages.rs", include_str!("../../runtime/messages.rs")),
    ("plan.rs", include_str!("../../runtime/plan.rs")),
    ("project.rs", include_str!("../../runtime/project.rs")),
    ("tree.rs", include_str!("../../runtime/tree.rs")),
    ("walk.rs", include_str!("../../runtime/walk.rs")),
];

/// The macros of the shared crate, which write a typed struct or code-list enum out of one
/// line per member or entry (copied verbatim, like the runtime).
const SHARED_MACROS: &str = include_str!("shared_macros.rs");

/// The C ABI of the WebAssembly module and its JavaScript wrapper (copied verbatim).
const WASM_EXPORTS: &str = include_str!("wasm_exports.rs");
const WASM_WRAPPER: &str = include_str!("formwerk.mjs");

/// The default name of the generated crate.
pub const DEFAULT_CRATE: &str = "formwerk_forms";

/// Names a generated crate cannot have: Rust keywords (as the library's identifier), the
/// standard crates, the crates it depends on, Cargo's own directory names and names that
/// Windows reserves for devices.
#[rustfmt::skip]
const RESERVED_CRATE_NAMES: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match",
    "mod", "move", "mut", "override", "priv", "pub", "ref", "return", "self", "static", "struct", "super", "trait",
    "true", "try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield", "std",
    "core", "alloc", "proc_macro", "test", "serde", "serde_json", "regex", "runtime", "shared", "build", "deps", "examples",
    "incremental", "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// Checks a name for the generated crate: 1 to 64 ASCII letters, digits, `_` and `-`,
/// starting with a letter, and not reserved (a keyword, `std`, `core`, …). It is written
/// into `Cargo.toml` and used as an identifier by whoever depends on the crate.
pub fn check_crate_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > 64 {
        return Err("a crate name has 1 to 64 characters".to_string());
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err("a crate name starts with an ASCII letter".to_string());
    }
    if let Some(c) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-')) {
        return Err(format!("a crate name has only ASCII letters, digits, `_` and `-`, not {c:?}"));
    }
    let identifier = name.replace('-', "_").to_ascii_lowercase();
    if RESERVED_CRATE_NAMES.contains(&identifier.as_str()) {
        return Err(format!("`{name}` is reserved (a Rust keyword, a standard or dependency crate, or a name Cargo or Windows reserves)"));
    }
    Ok(())
}

/// Emits the crate for every form of the bundle: a workspace of the facade crate
/// (`crate_name`, one feature per form), the runtime crate, the shared crate (catalogues,
/// shared code lists and group types, `FileRef`) and one crate per form (see [`cargo`]).
pub fn emit(bundle: &ir::Bundle, crate_name: &str, pool: &crate::parallel::Pool) -> Vec<OutputFile> {
    emit_recorded(bundle, crate_name, pool).files
}

/// What the crate decided for the whole catalogue that each form's crate depends on: which
/// code lists and group types go into the shared crate (as (module, key)), and which catalogue
/// constant each of a form's languages reads (by form id). An incremental build keeps it to
/// make one form's crate alone ([`form_files`]).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Decisions {
    pub shared: BTreeSet<(String, String)>,
    pub catalogues: BTreeMap<String, Vec<(String, String)>>,
}

/// The crate's files, its [`Decisions`], and per form id a hash of everything the files of
/// the whole crate (facade, shared and WebAssembly crates, README) read from that form: while
/// a form's hash stays the same, only the form's own crate can change.
pub struct Recorded {
    pub files: Vec<OutputFile>,
    pub decisions: Decisions,
    pub contributions: BTreeMap<String, String>,
}

/// [`emit`], with what an incremental build keeps.
pub fn emit_recorded(bundle: &ir::Bundle, crate_name: &str, pool: &crate::parallel::Pool) -> Recorded {
    let stream = Stream::new(bundle, crate_name);
    let mut files = stream.head();
    let indexed: Vec<(usize, &ir::Form)> = bundle.forms.iter().enumerate().collect();
    for made in pool.map(&indexed, |(index, form)| stream.form(*index, form, &super::ir_sha256(form))) {
        files.extend(made);
    }
    let mut recorded = stream.finish();
    files.append(&mut recorded.files);
    recorded.files = files;
    recorded
}

/// The crate of a bundle made form by form: the files before the forms' crates
/// ([`Stream::head`]), each form's crate on any thread ([`Stream::form`], which keeps what the
/// crate's other files need of it), and the files after them ([`Stream::finish`]). The files
/// and their order are those of [`emit_recorded`], on any number of threads.
pub struct Stream<'b> {
    /// Each form's id and version, in the bundle's order.
    forms: Vec<(String, String)>,
    crate_name: &'b str,
    crates: cargo::Crates,
    features: Vec<String>,
    shared: types::Shared,
    catalogues: Catalogues,
    /// Per form (by index), the catalogue constant each of its languages reads.
    constants: Vec<Vec<(String, String)>>,
    made: std::sync::Mutex<Made>,
}

/// A shared item as a form made it: the form's index, the item's text, the bodies it names.
type SharedItem = (usize, String, Vec<Vec<String>>);

/// What the forms' crates left for the crate's other files.
#[derive(Default)]
struct Made {
    contributions: BTreeMap<String, String>,
    /// Per shared module and item: the item's text with the bodies of its invocations, from the
    /// first form (by index) that made it.
    shared: BTreeMap<String, BTreeMap<String, SharedItem>>,
}

impl<'b> Stream<'b> {
    pub fn new(bundle: &ir::Bundle, crate_name: &'b str) -> Stream<'b> {
        let mut interner = Interner::default();
        let outlines: Vec<Outline> = bundle.forms.iter().map(|form| Outline::of(form, &mut interner)).collect();
        Stream::of_outlines(&outlines, crate_name)
    }

    /// The crate of the forms of `outlines` (in the bundle's order), whose crates are made
    /// later from the forms themselves ([`Stream::form`], with the same index): what the
    /// crate decides for the whole catalogue needs only the outlines.
    pub fn of_outlines(outlines: &[Outline], crate_name: &'b str) -> Stream<'b> {
        // Which catalogue constant each form's languages read is decided in the forms' order.
        let mut catalogues = Catalogues::default();
        let constants = outlines.iter().map(|outline| catalogues.of_form(outline)).collect();
        Stream {
            forms: outlines.iter().map(|outline| (outline.id.clone(), outline.version.clone())).collect(),
            crate_name,
            crates: cargo::Crates::new(crate_name),
            features: outlines.iter().map(|outline| feature(&outline.id)).collect(),
            shared: types::Shared::of(outlines.iter().map(|outline| outline.candidates.as_slice())),
            catalogues,
            constants,
            made: std::sync::Mutex::new(Made::default()),
        }
    }

    /// The files before the forms' crates: the README and the runtime crate.
    pub fn head(&self) -> Vec<OutputFile> {
        let mut files = vec![text("rust/README.md", &readme(&self.forms, self.crate_name))];
        for (name, source) in RUNTIME {
            let name = if *name == "mod.rs" { "lib.rs" } else { name };
            files.push(text(&format!("rust/runtime/src/{name}"), source));
        }
        files.push(text("rust/runtime/Cargo.toml", &self.crates.runtime_manifest()));
        files
    }

    /// The crate of the form `index` of the bundle (`ir_sha256`: the hash of its IR).
    pub fn form(&self, index: usize, form: &ir::Form, ir_sha256: &str) -> Vec<OutputFile> {
        let made =
            form_crate(form, &self.features[index], &self.constants[index], &self.shared, &self.crates, ir_sha256);
        // Of the bodies, each shared item keeps those it names (the others are left empty).
        let mut shared = Vec::new();
        for (module, items) in made.shared {
            for (name, item) in items {
                let bodies = verbatim::named_bodies(&item, &made.bodies);
                shared.push((module.clone(), name, item, bodies));
            }
        }
        let mut kept = self.made.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        kept.contributions.insert(made.id, made.contribution);
        // What several forms share is the same whichever form made it: the first one's is kept.
        for (module, name, item, bodies) in shared {
            let slot = kept.shared.entry(module).or_default().entry(name);
            match slot {
                std::collections::btree_map::Entry::Vacant(vacant) => {
                    vacant.insert((index, item, bodies));
                }
                std::collections::btree_map::Entry::Occupied(mut occupied) => {
                    if occupied.get().0 > index {
                        occupied.insert((index, item, bodies));
                    }
                }
            }
        }
        made.files
    }

    /// The files after the forms' crates (catalogues, shared crate, facade, WebAssembly crate),
    /// with the crate's decisions and the forms' contributions.
    pub fn finish(self) -> Recorded {
        let made = self.made.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
        let decisions = Decisions {
            shared: self.shared.keys().clone(),
            catalogues: self.forms.iter().map(|(id, _)| id.clone()).zip(self.constants).collect(),
        };
        let verbatim = verbatim::Verbatim::default();
        let reexports = self.forms.iter().zip(&self.features).map(|((id, _), feature)| {
            let module = names::module(id);
            let dependency = proc_macro2::Ident::new(&cargo::dependency(feature), proc_macro2::Span::call_site());
            quote! {
                #[cfg(feature = #feature)]
                pub use ::#dependency as #module;
            }
        });
        let reexports: Vec<TokenStream> = reexports.collect();
        // Adopted in the order the forms made them, as one thread would.
        let mut kept: Vec<((String, String), SharedItem)> = made
            .shared
            .into_iter()
            .flat_map(|(module, items)| items.into_iter().map(move |(name, item)| ((module.clone(), name), item)))
            .collect();
        kept.sort_by(|(a_key, a), (b_key, b)| (a.0, a_key).cmp(&(b.0, b_key)));
        let mut shared_items: BTreeMap<String, BTreeMap<String, TokenStream>> = BTreeMap::new();
        for ((module, name), (_, item, bodies)) in kept {
            let tokens = item.parse().expect("generated tokens parse again");
            shared_items.entry(module).or_default().insert(name, verbatim.adopt(tokens, &bodies));
        }
        let crates = &self.crates;
        let features = &self.features;
        let crate_name = self.crate_name;
        let forms = &self.forms;
        let catalogues = &self.catalogues;
        let mut files = Vec::new();
        let shared_modules: Vec<String> = shared_items.keys().cloned().collect();
        let shared_modules_tokens = shared_items.into_iter().map(|(module, items)| {
            let feature = module.clone();
            let module = proc_macro2::Ident::new(&module, proc_macro2::Span::call_site());
            let items = items.into_values();
            quote! {
                #[cfg(feature = #feature)]
                pub mod #module { #(#items)* }
            }
        });
        let header = "The texts of each language's catalogue, for the messages of the validators";
        files.push(text("rust/shared/src/catalogues.rs", &generated_file(header, catalogues.module())));
        files.push(text("rust/shared/src/macros.rs", SHARED_MACROS));
        let shared_lib = quote! {
            // The paths of the generated code (`crate::runtime::…`, `crate::shared::…`) as in one crate.
            #[allow(unused_imports)]
            use ::runtime;
            #[allow(unused_imports)]
            use crate as shared;
            #[doc(hidden)]
            pub use ::runtime as __runtime;

            #[rustfmt::skip]
            pub mod catalogues;
            mod macros;

            /// What `object!` reads each member with: `runtime::tree::typed`, and `FileRef`.
            #[doc(hidden)]
            pub mod __conv {
                pub use ::runtime::tree::typed::{boolean, code, codes, group, integer, many, open_code, open_codes, text};

                /// A valid file reference read from a submission's tree.
                pub fn file(slot: &::runtime::tree::Slot) -> ::std::option::Option<super::FileRef> {
                    let (name, media_type, size) = ::runtime::tree::typed::file(slot)?;
                    ::std::option::Option::Some(super::FileRef { name, media_type, size })
                }

                /// Valid file references read from a submission's tree.
                pub fn files(slot: &::runtime::tree::Slot) -> ::std::option::Option<::std::vec::Vec<super::FileRef>> {
                    let files = ::runtime::tree::typed::files(slot)?;
                    ::std::option::Option::Some(
                        files.into_iter().map(|(name, media_type, size)| super::FileRef { name, media_type, size }).collect(),
                    )
                }
            }

            /// A reference to an uploaded file, as it appears in a submission.
            #[derive(Debug, Clone, PartialEq, Eq, ::serde::Serialize, ::serde::Deserialize)]
            #[serde(deny_unknown_fields)]
            pub struct FileRef {
                pub name: ::std::string::String,
                pub media_type: ::std::string::String,
                pub size: u64,
            }

            /// Read as its `Deserialize` reads it (once, here), for the tolerant read.
            impl ::runtime::json::FromValue for FileRef {
                fn from_value(value: ::serde_json::Value) -> ::std::result::Result<FileRef, ::serde_json::Error> {
                    <FileRef as ::serde::Deserialize>::deserialize(value)
                }
            }

            #(#shared_modules_tokens)*
        };
        let header = "Catalogue texts, `FileRef`, and the code lists and group types that several forms share (a feature per module)";
        files.push(text("rust/shared/src/lib.rs", &generated_file_with(header, shared_lib, &verbatim)));
        files.push(text("rust/shared/Cargo.toml", &crates.shared_manifest(&shared_modules)));
        let lib = quote! {
            pub use ::runtime;
            pub use ::shared::{self, catalogues, FileRef};
            #(#reexports)*
        };
        let header = "Validation and typed data for the forms of this project: one module per form (a feature each)";
        files.push(text("rust/src/lib.rs", &generated_file(header, lib)));
        files.push(text("rust/Cargo.toml", &crates.facade_manifest(features)));
        files.extend(wasm_crate(forms, crates, features, crate_name));
        Recorded { files, decisions, contributions: made.contributions }
    }
}

/// The files of one form's crate (`rust/forms/<form>/`) made alone, under the `decisions` of
/// an earlier [`emit_recorded`], with the form's hash for the crate's other files; `None` if
/// the decisions do not know the form.
pub fn form_files(
    form: &ir::Form,
    crate_name: &str,
    decisions: &Decisions,
    ir_sha256: &str,
) -> Option<(Vec<OutputFile>, String)> {
    // Decisions are read back from a file: only what fits this form is used, and constants
    // must be the identifiers `Catalogues` makes.
    let catalogue = decisions.catalogues.get(&form.id)?;
    let languages_fit = catalogue.len() == form.languages.len()
        && catalogue.iter().zip(&form.languages).all(|((lang, constant), own)| {
            lang == own
                && constant.starts_with(|c: char| c.is_ascii_uppercase())
                && constant.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        });
    if !languages_fit {
        return None;
    }
    let candidates: BTreeSet<(String, String)> = types::candidates(form).collect();
    let shared = types::Shared::from_keys(decisions.shared.intersection(&candidates).cloned().collect());
    let made = form_crate(form, &feature(&form.id), catalogue, &shared, &cargo::Crates::new(crate_name), ir_sha256);
    Some((made.files, made.contribution))
}

/// What one form's thread made: its crate's files, and the shared items it made (as text, since
/// tokens stay on their thread) with their invocations' bodies.
struct FormCrate {
    id: String,
    files: Vec<OutputFile>,
    shared: BTreeMap<String, BTreeMap<String, String>>,
    bodies: Vec<Vec<String>>,
    /// What the crate's other files read from the form, hashed (see [`Recorded`]).
    contribution: String,
}

/// The crate of one form (`rust/forms/<feature>/`), whose `CATALOGUES` read the constants
/// named in `catalogue` (language, constant); `ir_sha256` is the hash of its IR.
fn form_crate(
    form: &ir::Form,
    feature: &str,
    catalogue: &[(String, String)],
    shared: &types::Shared,
    crates: &cargo::Crates,
    ir_sha256: &str,
) -> FormCrate {
    let verbatim = verbatim::Verbatim::default();
    let mut shared_items = BTreeMap::new();
    let mut tokens = quote! {
        // The paths of the generated code (`crate::runtime::…`, `crate::shared::…`) as in
        // one crate; only these two lowercase names, which no form type can take.
        #[allow(unused_imports)]
        use ::runtime;
        #[allow(unused_imports)]
        use ::shared;
    };
    tokens.extend(types::form_module(form, shared, &mut shared_items, &verbatim, ir_sha256));
    tokens.extend(catalogue_constant(catalogue));
    tokens.extend(plan::form_validator(form, shared));
    let header = format!("Form `{}` {}: constants, typed submission data and validators", form.id, form.version);
    // The form's crate lives in `forms/<feature>/`.
    let lib = text(&format!("rust/forms/{feature}/src/lib.rs"), &generated_file_with(&header, tokens, &verbatim));
    let manifest = crates.form_manifest(feature, &shared.modules_of(form), uses_patterns(form));
    let manifest = text(&format!("rust/forms/{feature}/Cargo.toml"), &manifest);
    let shared_items = shared_items
        .into_iter()
        .map(|(module, items)| (module, items.into_iter().map(|(name, item)| (name, item.to_string())).collect()))
        .collect();
    let bodies = verbatim.into_bodies();
    let contribution = contribution(form, feature, catalogue, &shared_items, &bodies);
    FormCrate { id: form.id.clone(), files: vec![lib, manifest], shared: shared_items, bodies, contribution }
}

/// A hash of everything the crate's files other than the form's own read from it: its id,
/// version, feature and languages with their catalogue texts and constants (catalogues,
/// facade, WebAssembly crate, README), which of its items could be shared (the decision
/// counts the forms using each) and the text of the shared items it made (the shared crate).
fn contribution(
    form: &ir::Form,
    feature: &str,
    catalogue: &[(String, String)],
    shared_items: &BTreeMap<String, BTreeMap<String, String>>,
    bodies: &[Vec<String>],
) -> String {
    use sha2::Digest;
    let languages: Vec<(&String, Vec<(&String, &String)>)> =
        form.languages.iter().map(|lang| (lang, crate::catalogue::texts(form, lang).iter().collect())).collect();
    let shared: BTreeMap<&String, BTreeMap<&String, String>> = shared_items
        .iter()
        .map(|(module, items)| {
            (module, items.iter().map(|(name, item)| (name, verbatim::expand(item, bodies))).collect())
        })
        .collect();
    let candidates: Vec<(String, String)> = types::candidates(form).collect();
    let summary = serde_json::json!({
        "id": form.id,
        "version": form.version,
        "feature": feature,
        "languages": languages,
        "catalogue": catalogue,
        "candidates": candidates,
        "shared": shared,
    });
    let digest = sha2::Sha256::digest(serde_json::to_vec(&summary).expect("JSON values serialise"));
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The WebAssembly module's crate (`rust/wasm/`): the C ABI (copied verbatim), which form ids
/// it has (generated), the JavaScript wrapper and how to build it.
fn wasm_crate(
    forms: &[(String, String)],
    crates: &cargo::Crates,
    features: &[String],
    crate_name: &str,
) -> Vec<OutputFile> {
    let (ids, plans): (Vec<TokenStream>, Vec<TokenStream>) = forms
        .iter()
        .zip(features)
        .map(|((id, _), feature)| {
            let module = names::module(id);
            let ids = quote! {
                #[cfg(feature = #feature)]
                ::forms::#module::ID,
            };
            let plans = quote! {
                #[cfg(feature = #feature)]
                ::forms::#module::ID => ::std::option::Option::Some(::forms::#module::plan()),
            };
            (ids, plans)
        })
        .unzip();
    let lib = quote! {
        mod exports;

        /// The ids of the forms this module validates: those whose features are on.
        pub const FORMS: &[&str] = &[#(#ids)*];

        /// The plan of the form `id`, if this module has it.
        pub fn plan(id: &str) -> ::std::option::Option<&'static ::forms::runtime::plan::Form> {
            match id {
                #(#plans)*
                _ => ::std::option::Option::None,
            }
        }
    };
    let header = "The forms' validators as a WebAssembly module (`wasm32-unknown-unknown`, C ABI in `exports.rs`)";
    vec![
        text("rust/wasm/src/lib.rs", &generated_file(header, lib)),
        text("rust/wasm/src/exports.rs", WASM_EXPORTS),
        text("rust/wasm/formwerk.mjs", WASM_WRAPPER),
        text("rust/wasm/Cargo.toml", &crates.wasm_manifest(features)),
        text("rust/wasm/README.md", &wasm_readme(crate_name)),
    ]
}

fn wasm_readme(crate_name: &str) -> String {
    format!(
        "# {crate_name}_wasm\n\nThe validators of the forms as a WebAssembly module, so that a browser (or Node.js) \
         checks a submission with the server's own code. Build it (once: `rustup target add wasm32-unknown-unknown`) \
         from the workspace's directory (`generated/rust/`):\n\n\
         ```sh\n\
         # every form in one module\n\
         cargo build -p {crate_name}_wasm --profile wasm --target wasm32-unknown-unknown\n\
         # one form per module\n\
         cargo build -p {crate_name}_wasm --profile wasm --target wasm32-unknown-unknown --no-default-features --features <form>\n\
         ```\n\n\
         The module is `target/wasm32-unknown-unknown/wasm/{}_wasm.wasm`. It imports nothing; `formwerk.mjs` loads \
         it and validates:\n\n\
         ```js\n\
         import {{ load }} from \"./formwerk.mjs\";\n\
         const validator = await load(fetch(\"forms.wasm\"));\n\
         const report = validator.validate(\"<form>\", submission, {{ today: \"2026-06-15\" }});\n\
         ```\n\n\
         `report` is the server's report (`{{ violations: [{{ pointer, code, messages }}] }}`, empty when valid). \
         `today` defaults to today in Europe/Berlin. The C ABI (`src/exports.rs`): `formwerk_alloc`, \
         `formwerk_free`, `formwerk_validate(form, form_len, bytes, bytes_len, yyyymmdd)`, `formwerk_forms`, \
         and the output of the last call at `formwerk_output_ptr`/`formwerk_output_len`.\n",
        crate_name.replace('-', "_")
    )
}

/// The directory of a form's crate below `rust/forms/`: its feature's name (see `emit`).
pub fn form_dir(form_id: &str) -> String {
    feature(form_id)
}

/// What the crate's catalogue-wide files and decisions read of one form (see
/// [`Stream::of_outlines`]): a build that makes a catalogue's forms a batch at a time keeps
/// these, not the forms.
pub struct Outline {
    id: String,
    version: String,
    /// The code lists and group types that could be shared (see [`types::candidates`]).
    candidates: Vec<(String, String)>,
    /// Per language of the form, in its order, the catalogue texts it reads (one `Arc` for
    /// equal texts: see [`Interner`]).
    catalogues: Vec<(String, Arc<crate::catalogue::Texts>)>,
}

impl Outline {
    pub fn of(form: &ir::Form, interner: &mut Interner) -> Outline {
        let catalogues = form
            .languages
            .iter()
            .map(|lang| (lang.clone(), interner.intern(crate::catalogue::texts(form, lang))))
            .collect();
        Outline {
            id: form.id.clone(),
            version: form.version.clone(),
            candidates: types::candidates(form).collect(),
            catalogues,
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }
}

/// Equal catalogue texts held once: every form of a catalogue reads the same few.
#[derive(Default)]
pub struct Interner {
    known: Vec<Arc<crate::catalogue::Texts>>,
}

impl Interner {
    fn intern(&mut self, texts: &crate::catalogue::Texts) -> Arc<crate::catalogue::Texts> {
        if let Some(known) = self.known.iter().find(|known| known.as_ref() == texts) {
            return known.clone();
        }
        let texts = Arc::new(texts.clone());
        self.known.push(texts.clone());
        texts
    }
}

/// The catalogues of a crate's forms as constants (`catalogues::DE`), each text once: one
/// constant per language, or more if forms of one bundle have different texts for it.
#[derive(Default)]
struct Catalogues {
    /// Each constant's texts and name (names, not `Ident`s, which cannot cross threads).
    constants: Vec<(Arc<crate::catalogue::Texts>, String)>,
}

impl Catalogues {
    /// The constant that each of the form's languages reads (language, constant), in the
    /// form's order; a text seen first makes a new constant.
    fn of_form(&mut self, outline: &Outline) -> Vec<(String, String)> {
        outline
            .catalogues
            .iter()
            .map(|(lang, texts)| {
                let ident = match self.constants.iter().find(|(known, _)| known == texts) {
                    Some((_, name)) => name.clone(),
                    None => {
                        let base = lang.to_ascii_uppercase().replace('-', "_");
                        let n_same = self.constants.iter().filter(|(_, name)| name.starts_with(&base)).count();
                        let name = if n_same == 0 { base } else { format!("{base}_{}", n_same + 1) };
                        self.constants.push((texts.clone(), name.clone()));
                        name
                    }
                };
                (lang.clone(), ident)
            })
            .collect()
    }

    fn module(&self) -> TokenStream {
        let constants = self.constants.iter().map(|(texts, name)| {
            let ident = proc_macro2::Ident::new(name, proc_macro2::Span::call_site());
            let lang = texts.get("language.name").cloned().unwrap_or_default();
            let doc = format!(" {lang}: `key → template`, sorted by key.");
            let keys = texts.keys();
            let values = texts.values();
            quote! {
                #[doc = #doc]
                pub const #ident: &[(&str, &str)] = &[#((#keys, #values)),*];
            }
        });
        quote! { #(#constants)* }
    }
}

/// `CATALOGUES` of a form: the texts of each of its languages, in the form's order.
fn catalogue_constant(catalogue: &[(String, String)]) -> TokenStream {
    let entries = catalogue.iter().map(|(lang, constant)| {
        let ident = proc_macro2::Ident::new(constant, proc_macro2::Span::call_site());
        quote! { crate::runtime::messages::Catalogue { lang: #lang, entries: crate::shared::catalogues::#ident } }
    });
    quote! {
        /// The catalogue texts of the form's languages, in the order of [`LANGUAGES`].
        pub const CATALOGUES: &[crate::runtime::messages::Catalogue<'static>] = &[#(#entries),*];
    }
}

/// Whether a field of the form has a pattern (which needs the regex crate).
fn uses_patterns(form: &ir::Form) -> bool {
    let mut any = false;
    crate::validate::for_each_field(form, &mut |field| any |= field.constraints.pattern.is_some());
    any
}

/// The Cargo feature that selects a form: its module's name (`default` and `all` are
/// Cargo's and the crate's own, so such a form's feature is `default_form`, `all_form`).
fn feature(form_id: &str) -> String {
    let module = names::module_text(form_id);
    let module = module.trim_start_matches("r#");
    match module {
        "default" | "all" => format!("{module}_form"),
        _ => module.to_string(),
    }
}

/// A formatted source file with its `//!` header.
fn generated_file(header: &str, tokens: TokenStream) -> String {
    generated_file_with(header, tokens, &verbatim::Verbatim::default())
}

/// [`generated_file`] with the bodies of the macro invocations that `verbatim` laid out.
fn generated_file_with(header: &str, tokens: TokenStream, verbatim: &verbatim::Verbatim) -> String {
    let code = dense::densify(&verbatim.fill(&format_tokens(tokens)));
    format!("//! {header}, generated by Formwerk.\n//! Do not edit: run `formwerk build`.\n\n{code}")
}

fn text(path: &str, contents: &str) -> OutputFile {
    OutputFile { path: path.to_string(), contents: contents.as_bytes().to_vec() }
}

/// Formats generated tokens; a failure here is a bug in the emitter, reported in the output.
fn format_tokens(tokens: TokenStream) -> String {
    match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(file) => prettyplease::unparse(&file),
        Err(error) => format!("compile_error!({:?});\n// {tokens}\n", error.to_string()),
    }
}

fn readme(forms: &[(String, String)], crate_name: &str) -> String {
    let mut out = format!(
        "# {crate_name}\n\nGenerated by Formwerk from the forms below. The crate depends only on serde, serde_json \
         and (for patterns) regex; copy this directory anywhere and build it with `cargo build`. It is a Cargo \
         workspace: this crate re-exports one crate per form (`forms/<form>/`), with the runtime (`runtime/`) \
         and what forms share (`shared/`).\n\n\
         Per form: `validate(&serde_json::Value) -> Report` (every violation, as Formwerk's reference validator \
         reports them), `from_json(&[u8]) -> Result<Submission, Report>` (one pass over the bytes, typed data \
         when valid), `validate_on`/`from_json_on` with an explicit `today`, `read_tolerant(&[u8])` (typed data of \
         this or a newer version of the form, without validation: unknown members skipped, unknown codes of \
         `extensible` lists kept as `Open::Other`), the constants `ID`, `VERSION`, `CONTENT_HASH`, `LANGUAGES`, \
         and one enum per code list.\n\n\
         Every form is a Cargo feature (all are on by default): a service that needs some forms depends on \
         the crate with `default-features = false, features = [...]` and compiles only those. A form's \
         validator is data (`plan()`, a static description of its checks) interpreted by the runtime.\n\n\
         `wasm/` builds the same validators as a WebAssembly module for browsers and Node.js, with its \
         JavaScript wrapper `wasm/formwerk.mjs` (see `wasm/README.md`).\n\n"
    );
    for (id, version) in forms {
        out.push_str(&format!("- `{}`: {id} (version {version})\n", names::module(id)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names_are_checked() {
        for good in ["formwerk_forms", "my-forms", "Antraege2", "a"] {
            assert_eq!(check_crate_name(good), Ok(()), "{good}");
        }
        let long = "a".repeat(65);
        for bad in [
            "",
            "2forms",
            "_x",
            "-x",
            "a b",
            "x\nbuild = \"evil.rs\"",
            "f\u{f6}rms",
            "self",
            "std",
            "Core",
            "fn",
            "proc-macro",
            "serde",
            "con",
            &long,
        ] {
            assert!(check_crate_name(bad).is_err(), "{bad:?} is refused");
        }
    }

    #[test]
    fn forms_named_like_cargo_features_get_a_suffix() {
        assert_eq!(feature("default"), "default_form");
        assert_eq!(feature("all"), "all_form");
        assert_eq!(feature("hundesteuer"), "hundesteuer");
    }
}
