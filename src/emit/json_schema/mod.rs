//! The JSON Schema target (draft 2020-12): `json-schema/<form>.schema.json` per form.
//!
//! Representation, chosen so that generic validators cannot disagree with the reference
//! validator: decimals and money are strings with a pattern (no `multipleOf` on floats);
//! formats are stated as portable patterns (`format` only as an annotation, except `date`,
//! which consumers must assert, see `docs/JSON-SCHEMA.md`); code lists are `$defs` with
//! `oneOf` of `const` + `title`; groups are nested objects and repeats arrays; every object
//! has `additionalProperties: false`.
//!
//! Conditions become `if`/`then`/`else` in three-valued logic (see `condition.rs`). What
//! JSON Schema cannot state — rules, bounds on decimal strings and dates, bounds relative to
//! today, IBAN checksums, conditions with aggregates or arithmetic — is carried in
//! `x-formwerk-*` annotations and listed in `x-formwerk-not-expressed`, so the schema is an
//! honest approximation, never a silent one.

mod condition;

use serde_json::{json, Map, Value};

use super::OutputFile;
use crate::ir::{self, Bound, Field, FieldType, Form, Item, Requirement};
use crate::validate::formats::patterns;

/// The JSON Schema dialect of every generated schema.
pub const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// Emits one schema per form.
pub fn emit(bundle: &ir::Bundle, base_uri: &str) -> Vec<OutputFile> {
    bundle
        .forms
        .iter()
        .map(|form| {
            let schema = form_schema(form, base_uri);
            OutputFile {
                path: format!("json-schema/{}.schema.json", form.id),
                contents: super::ir_json_pretty(&schema),
            }
        })
        .collect()
}

/// Everything the schema of one form could not state, for `x-formwerk-not-expressed`.
struct Gaps {
    entries: Vec<Value>,
    repeats: std::collections::BTreeSet<Vec<String>>,
}

impl Gaps {
    fn add(&mut self, pointer: &str, kind: &str, detail: Value) {
        self.entries.push(json!({ "at": pointer, "kind": kind, "detail": detail }));
    }
}

fn primary(text: &ir::Text, form: &Form) -> String {
    text.get(&form.languages[0]).or_else(|| text.values().next()).cloned().unwrap_or_default()
}

/// The schema of one form.
pub fn form_schema(form: &Form, base_uri: &str) -> Value {
    let mut gaps = Gaps { entries: Vec::new(), repeats: crate::validate::repeat_paths(form) };
    let items: Vec<&Item> = form.items().collect();
    let mut root = object_schema(form, &items, &[], "", &mut gaps);
    let object = root.as_object_mut().expect("an object schema");
    let mut head = Map::new();
    head.insert("$schema".into(), json!(DIALECT));
    head.insert(
        "$id".into(),
        json!(format!("{}/{}/{}/schema.json", base_uri.trim_end_matches('/'), form.id, form.version)),
    );
    head.insert("title".into(), json!(primary(&form.title, form)));
    if let Some(description) = &form.description {
        head.insert("description".into(), json!(primary(description, form)));
    }
    head.insert(
        "x-formwerk-form".into(),
        json!({ "id": form.id, "version": form.version, "languages": form.languages }),
    );
    head.insert("x-formwerk-title".into(), json!(form.title));
    if let Some(fim) = &form.fim {
        head.insert("x-formwerk-fim".into(), json!(fim));
    }
    for (key, value) in std::mem::take(object) {
        head.insert(key, value);
    }
    if !form.rules.is_empty() {
        let rules: Vec<Value> = form
            .rules
            .iter()
            .map(|rule| json!({ "name": rule.name, "scope": rule.scope, "at": rule.at, "check": rule.check, "message": rule.message }))
            .collect();
        head.insert("x-formwerk-rules".into(), Value::Array(rules));
        for rule in &form.rules {
            gaps.add(&path_pointer(&rule.at), "rule", json!(rule.name));
        }
    }
    let defs: Map<String, Value> =
        form.codelists.values().map(|list| (def_name(&list.name), codelist_schema(list, form))).collect();
    if !defs.is_empty() {
        head.insert("$defs".into(), Value::Object(defs));
    }
    if !gaps.entries.is_empty() {
        head.insert("x-formwerk-not-expressed".into(), Value::Array(gaps.entries));
    }
    Value::Object(head)
}

/// `$defs` key of a code list.
pub fn def_name(codelist: &str) -> String {
    format!("codelist.{codelist}")
}

/// A JSON pointer pattern for an IR path (`*` stands for every item of a repeat).
fn path_pointer(path: &[String]) -> String {
    path.iter().map(|p| format!("/{p}")).collect()
}

fn codelist_schema(list: &ir::CodeList, form: &Form) -> Value {
    let one_of: Vec<Value> = list
        .codes
        .iter()
        .map(|code| json!({ "const": code.code, "title": primary(&code.label, form), "x-formwerk-title": code.label }))
        .collect();
    let mut schema = Map::new();
    schema.insert("type".into(), json!("string"));
    if let Some(label) = &list.label {
        schema.insert("title".into(), json!(primary(label, form)));
    }
    schema.insert("oneOf".into(), Value::Array(one_of));
    schema.insert(
        "x-formwerk-codelist".into(),
        json!({ "name": list.name, "module": list.module, "urn": list.urn, "version": list.version }),
    );
    Value::Object(schema)
}

/// The schema of an object holding `items`; `path` names the object in the IR, `pointer`
/// is its JSON pointer pattern (for annotations).
fn object_schema(form: &Form, items: &[&Item], path: &[String], pointer: &str, gaps: &mut Gaps) -> Value {
    let repeats = &gaps.repeats.clone();
    let mut properties = Map::new();
    let mut required = Vec::new();
    let mut conditionals = Vec::new();
    for item in items {
        let (name, visible, requirement) = match item {
            Item::Info(_) => continue,
            Item::Field(f) => (&f.name, f.visible.as_ref(), f.required.clone()),
            Item::Group(g) => (&g.name, g.visible.as_ref(), g.required.clone()),
            Item::Repeat(r) => {
                (&r.name, r.visible.as_ref(), if r.min > 0 { Requirement::Always } else { Requirement::Never })
            }
        };
        let mut child_path = path.to_vec();
        child_path.push(name.clone());
        let child_pointer = format!("{pointer}/{name}");
        let schema = node_schema(form, item, &child_path, &child_pointer, gaps);
        match (visible, &requirement) {
            (None, Requirement::Always) => required.push(json!(name)),
            (None, Requirement::Never) => {}
            _ => match condition::node_conditional(name, &schema, visible, &requirement, path, repeats) {
                Some(conditional) => conditionals.push(conditional),
                None => gaps.add(&child_pointer, "condition", json!({ "visible": visible, "required": requirement })),
            },
        }
        // A node with a visibility condition gets its schema inside the conditional, so that
        // a hidden node reports only that it is present.
        properties.insert(name.clone(), if visible.is_some() { json!(true) } else { schema });
    }
    let mut schema = Map::new();
    schema.insert("type".into(), json!("object"));
    schema.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        schema.insert("required".into(), Value::Array(required));
    }
    schema.insert("additionalProperties".into(), json!(false));
    if !conditionals.is_empty() {
        schema.insert("allOf".into(), Value::Array(conditionals));
    }
    Value::Object(schema)
}

fn node_schema(form: &Form, item: &Item, path: &[String], pointer: &str, gaps: &mut Gaps) -> Value {
    match item {
        Item::Field(field) => field_schema(form, field, pointer, gaps),
        Item::Group(group) => {
            let children: Vec<&Item> = group.items.iter().collect();
            let mut schema = object_schema(form, &children, path, pointer, gaps);
            annotate(&mut schema, &group.label, group.hint.as_ref(), group.fim.as_ref(), form);
            if let Some(of) = &group.of {
                schema["x-formwerk-group-type"] = json!(of);
            }
            schema
        }
        Item::Repeat(repeat) => {
            let children: Vec<&Item> = repeat.items.iter().collect();
            let item_schema = object_schema(form, &children, path, &format!("{pointer}/*"), gaps);
            let mut schema = json!({ "type": "array", "items": item_schema });
            if repeat.min > 0 {
                schema["minItems"] = json!(repeat.min);
            }
            if let Some(max) = repeat.max {
                schema["maxItems"] = json!(max);
            }
            annotate(&mut schema, &repeat.label, repeat.hint.as_ref(), repeat.fim.as_ref(), form);
            schema["x-formwerk-item-title"] = json!(repeat.item_label);
            schema
        }
        Item::Info(_) => json!(true),
    }
}

fn annotate(schema: &mut Value, label: &ir::Text, hint: Option<&ir::Text>, fim: Option<&ir::FimRef>, form: &Form) {
    schema["title"] = json!(primary(label, form));
    schema["x-formwerk-title"] = json!(label);
    if let Some(hint) = hint {
        schema["description"] = json!(primary(hint, form));
        schema["x-formwerk-description"] = json!(hint);
    }
    if let Some(fim) = fim {
        schema["x-formwerk-fim"] = json!(fim);
    }
}

fn anchored(regex: &str) -> String {
    format!("^(?:{regex})$")
}

fn field_schema(form: &Form, field: &Field, pointer: &str, gaps: &mut Gaps) -> Value {
    let c = &field.constraints;
    let mut schema = match &field.ty {
        FieldType::Text => json!({ "type": "string", "minLength": 1, "pattern": "^[^\\n\\r]*$" }),
        FieldType::Multiline => json!({ "type": "string", "minLength": 1 }),
        FieldType::Email => {
            json!({ "type": "string", "pattern": anchored(patterns::EMAIL), "x-formwerk-format": "email" })
        }
        FieldType::Phone => {
            json!({ "type": "string", "pattern": anchored(patterns::PHONE), "x-formwerk-format": "phone" })
        }
        FieldType::Iban => {
            gaps.add(pointer, "iban-checksum", json!("country length and mod 97"));
            json!({ "type": "string", "pattern": anchored(patterns::IBAN), "x-formwerk-format": "iban" })
        }
        FieldType::Postcode => {
            json!({ "type": "string", "pattern": anchored(patterns::POSTCODE), "x-formwerk-format": "postcode-de" })
        }
        FieldType::Integer => json!({ "type": "integer" }),
        FieldType::Decimal => {
            let places = c.decimals.map_or("+".to_string(), |d| format!("{{1,{d}}}"));
            let pattern =
                if c.decimals == Some(0) { "^-?[0-9]+$".to_string() } else { format!("^-?[0-9]+(\\.[0-9]{places})?$") };
            json!({ "type": "string", "pattern": pattern, "x-formwerk-format": "decimal" })
        }
        FieldType::Money => {
            json!({ "type": "string", "pattern": anchored(patterns::MONEY), "x-formwerk-format": "money-eur" })
        }
        FieldType::Boolean => json!({ "type": "boolean" }),
        FieldType::Date => json!({ "type": "string", "format": "date", "pattern": anchored(patterns::DATE) }),
        FieldType::Choice { codelist } => json!({ "$ref": format!("#/$defs/{}", def_name(codelist)) }),
        FieldType::MultipleChoice { codelist } => json!({
            "type": "array",
            "minItems": 1,
            "uniqueItems": true,
            "items": { "$ref": format!("#/$defs/{}", def_name(codelist)) }
        }),
        FieldType::File => file_schema(field),
    };
    if let Some(min) = c.min_length {
        schema["minLength"] = json!(min);
    }
    if let Some(max) = c.max_length {
        schema["maxLength"] = json!(max);
    }
    if let Some(pattern) = &c.pattern {
        let own = anchored(&pattern.regex);
        // A type's own pattern (line breaks) and the author's must both hold.
        match schema.get("pattern").cloned() {
            Some(existing) => {
                schema["allOf"] = json!([{ "pattern": existing }, { "pattern": own }]);
                schema.as_object_mut().expect("object").remove("pattern");
            }
            None => schema["pattern"] = json!(own),
        }
        if let Some(message) = &pattern.message {
            schema["x-formwerk-pattern-message"] = json!(message);
        }
    }
    for (bound, keyword) in [(&c.min, "minimum"), (&c.max, "maximum")] {
        match (bound, &field.ty) {
            (Some(Bound::Number { value }), FieldType::Integer) => {
                schema[keyword] = value.parse::<i64>().map_or(json!(null), |n| json!(n));
            }
            (Some(bound), _) => {
                schema[format!("x-formwerk-{keyword}")] = json!(bound);
                gaps.add(pointer, keyword, json!(bound));
            }
            (None, _) => {}
        }
    }
    let mut annotated = schema;
    annotate(&mut annotated, &field.label, field.hint.as_ref(), field.fim.as_ref(), form);
    annotated
}

fn file_schema(field: &Field) -> Value {
    let c = &field.constraints;
    let mut size = json!({ "type": "integer", "minimum": 0 });
    if let Some(max) = c.max_size {
        size["maximum"] = json!(max);
    }
    let mut schema = json!({
        "type": "object",
        "properties": {
            "name": { "type": "string", "minLength": 1 },
            "media_type": { "type": "string", "pattern": "/" },
            "size": size
        },
        "required": ["name", "media_type", "size"],
        "additionalProperties": false
    });
    if !c.accept.is_empty() {
        let mut alternatives = Vec::new();
        let extensions: Vec<String> =
            c.accept.iter().filter_map(|a| a.strip_prefix('.')).map(case_insensitive).collect();
        if !extensions.is_empty() {
            alternatives
                .push(json!({ "properties": { "name": { "pattern": format!("\\.({})$", extensions.join("|")) } } }));
        }
        let media: Vec<&String> = c.accept.iter().filter(|a| !a.starts_with('.')).collect();
        for entry in media {
            let pattern = match entry.strip_suffix("/*") {
                Some(major) => format!("^{}\\/", case_insensitive(major)),
                None => format!("^{}$", case_insensitive(entry)),
            };
            alternatives.push(json!({ "properties": { "media_type": { "pattern": pattern } } }));
        }
        schema["anyOf"] = Value::Array(alternatives);
        schema["x-formwerk-accept"] = json!(c.accept);
    }
    schema
}

/// `pdf` → `[Pp][Dd][Ff]`; other characters escaped for a regex.
fn case_insensitive(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphabetic() {
                format!("[{}{}]", c.to_ascii_uppercase(), c.to_ascii_lowercase())
            } else if c.is_ascii_alphanumeric() {
                c.to_string()
            } else {
                // `[-]` and friends: valid in ECMA-262's `u` mode, where `\-` is not.
                format!("[{c}]")
            }
        })
        .collect()
}
