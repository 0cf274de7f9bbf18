//! Reads an XDatenfelder 2.0 or 3.0.0 Stammdatenschema (parsed by `roxmltree`) into the
//! neutral [`model`](super::model). The two versions share their structure (`struktur` /
//! `enthaelt` / `datenfeld` / `datenfeldgruppe`); they differ in the title element, the rule
//! text, `praezisierung` (XDF2: JSON-like text, XDF3: attributes) and value lists (XDF3 only).

use roxmltree::Node;

use super::model::*;
use super::print::subject;
use super::Warnings;

/// The schema element (`stammdatenschema`) of the message.
pub fn schema(root: Node, xdf: XdfVersion, warnings: &mut Warnings) -> Option<Schema> {
    let node = child(root, "stammdatenschema")?;
    let ident = ident(node);
    let title = match xdf {
        XdfVersion::V3 => text(node, "bezeichnung"),
        XdfVersion::V2 => text(node, "bezeichnungEingabe"),
    };
    Some(Schema {
        xdf,
        name: text(node, "name").unwrap_or_default(),
        title,
        description: text(node, "beschreibung"),
        meta: meta(node),
        document: child(node, "dokumentsteckbrief")
            .map(|d| Ident { id: text(d, "id").unwrap_or_default(), version: text(d, "version") }),
        rules: rules(node, xdf),
        children: structure(node, xdf, &ident.id, warnings),
        ident,
    })
}

fn structure(node: Node, xdf: XdfVersion, owner: &str, warnings: &mut Warnings) -> Vec<Child> {
    let mut out = Vec::new();
    for entry in children(node, "struktur") {
        let Some(contained) = child(entry, "enthaelt").and_then(|e| e.children().find(Node::is_element)) else {
            continue;
        };
        let element = match contained.tag_name().name() {
            "datenfeld" => Element::Field(field(contained, xdf, warnings)),
            "datenfeldgruppe" => Element::Group(group(contained, xdf, warnings)),
            other => {
                warnings.push(format!("{}: unknown element `{other}` in `enthaelt` skipped", subject(owner)));
                continue;
            }
        };
        let raw = text(entry, "anzahl").unwrap_or_default();
        let multiplicity = Multiplicity::parse(&raw).unwrap_or_else(|| {
            warnings.push(format!(
                "{}: multiplicity \"{raw}\" is not `min:max`; read as 0:1",
                subject(element_id(&element))
            ));
            Multiplicity { min: 0, max: Some(1) }
        });
        out.push(Child { multiplicity, element });
    }
    out
}

fn element_id(element: &Element) -> &str {
    match element {
        Element::Field(f) => &f.ident.id,
        Element::Group(g) => &g.ident.id,
    }
}

fn group(node: Node, xdf: XdfVersion, warnings: &mut Warnings) -> GroupDef {
    let ident = ident(node);
    let children = structure(node, xdf, &ident.id, warnings);
    GroupDef {
        name: text(node, "name").unwrap_or_default(),
        label: label(node),
        hint: text(node, "hilfetextEingabe"),
        choice: code(node, "art").as_deref() == Some("X"),
        meta: meta(node),
        rules: rules(node, xdf),
        children,
        ident,
    }
}

fn field(node: Node, xdf: XdfVersion, warnings: &mut Warnings) -> FieldDef {
    let ident = ident(node);
    let precision = match xdf {
        XdfVersion::V3 => child(node, "praezisierung").map(precision_attributes).unwrap_or_default(),
        XdfVersion::V2 => {
            text(node, "praezisierung").map(|t| precision_text(&t, &ident.id, warnings)).unwrap_or_default()
        }
    };
    let codelist = child(node, "codelisteReferenz").map(|r| {
        // XDF2 nests the genericode identification; XDF3 has it directly.
        let gc = child(r, "genericodeIdentification").unwrap_or(r);
        CodeListRef {
            id: child(r, "identifikation").and_then(|i| text(i, "id")),
            urn: text(gc, "canonicalIdentification"),
            version: text(gc, "version"),
        }
    });
    let values = child(node, "werte")
        .map(|w| {
            children(w, "wert")
                .map(|v| (text(v, "code").unwrap_or_default(), text(v, "name").unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    FieldDef {
        name: text(node, "name").unwrap_or_default(),
        label: label(node),
        hint: text(node, "hilfetextEingabe"),
        kind: code(node, "feldart").unwrap_or_else(|| "input".to_string()),
        datatype: code(node, "datentyp").unwrap_or_else(|| "text".to_string()),
        precision,
        content: text(node, "inhalt"),
        codelist,
        values,
        max_size: text(node, "maxSize").and_then(|s| s.parse().ok()),
        media_types: children(node, "mediaType").filter_map(|m| m.text().map(|t| t.trim().to_string())).collect(),
        meta: meta(node),
        rules: rules(node, xdf),
        ident,
    }
}

fn label(node: Node) -> String {
    text(node, "bezeichnungEingabe").or_else(|| text(node, "name")).unwrap_or_default()
}

fn rules(node: Node, xdf: XdfVersion) -> Vec<RuleDoc> {
    children(node, "regel")
        .map(|rule| {
            let prose = match xdf {
                XdfVersion::V3 => text(rule, "freitextRegel"),
                XdfVersion::V2 => text(rule, "definition"),
            };
            let prose = prose.or_else(|| text(rule, "beschreibung")).unwrap_or_default();
            RuleDoc {
                ident: ident(rule),
                name: super::text_of(rule, "name").unwrap_or_default(),
                text: prose,
                script: text(rule, "skript").or_else(|| text(rule, "script")),
                kind: code(rule, "typ"),
                bezug: bezug(rule),
            }
        })
        .collect()
}

/// The metadata every element may carry (both versions use the same element names).
fn meta(node: Node) -> Meta {
    Meta {
        definition: text(node, "definition"),
        bezug: bezug(node),
        output_label: text(node, "bezeichnungAusgabe"),
        output_hint: text(node, "hilfetextAusgabe"),
        element: code(node, "schemaelementart"),
        prefill: code(node, "vorbefuellung"),
    }
}

fn bezug(node: Node) -> Vec<(String, Option<String>)> {
    children(node, "bezug")
        .filter_map(|b| Some((super::node_text(b)?, b.attribute("link").and_then(super::line_ends))))
        .collect()
}

fn precision_attributes(node: Node) -> Precision {
    let attr = |name: &str| node.attribute(name).map(str::trim).filter(|v| !v.is_empty()).map(String::from);
    Precision {
        min_length: attr("minLength"),
        max_length: attr("maxLength"),
        min_value: attr("minValue"),
        max_value: attr("maxValue"),
        pattern: node.attribute("pattern").filter(|p| !p.is_empty()).map(String::from),
        unparsed: None,
    }
}

/// XDF2 `praezisierung`: a JSON object of strings such as `{"minLength":"1","maxLength":"50"}`.
fn precision_text(text: &str, owner: &str, warnings: &mut Warnings) -> Precision {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(text) else {
        return Precision { unparsed: Some(text.to_string()), ..Precision::default() };
    };
    let get = |key: &str| match map.get(key) {
        Some(serde_json::Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    for key in map.keys() {
        if !["minLength", "maxLength", "minValue", "maxValue", "pattern"].contains(&key.as_str()) {
            warnings.push(format!("{}: unknown `praezisierung` key \"{key}\" ignored", subject(owner)));
        }
    }
    Precision {
        min_length: get("minLength"),
        max_length: get("maxLength"),
        min_value: get("minValue"),
        max_value: get("maxValue"),
        pattern: match map.get("pattern") {
            Some(serde_json::Value::String(s)) if !s.is_empty() => Some(s.clone()),
            _ => None,
        },
        unparsed: None,
    }
}

fn ident(node: Node) -> Ident {
    match child(node, "identifikation") {
        Some(i) => Ident { id: text(i, "id").unwrap_or_default(), version: text(i, "version") },
        None => Ident::default(),
    }
}

/// The first child element with this local name.
pub fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| c.is_element() && c.tag_name().name() == name)
}

pub fn children<'a, 'i: 'a>(node: Node<'a, 'i>, name: &'a str) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    node.children().filter(move |c| c.is_element() && c.tag_name().name() == name)
}

/// The trimmed text of a child element; `None` when absent or blank.
fn text(node: Node, name: &str) -> Option<String> {
    super::text_of(node, name)
}

/// The `code` of a code-valued child such as `<feldart><code>input</code></feldart>`.
fn code(node: Node, name: &str) -> Option<String> {
    child(node, name).and_then(|c| text(c, "code"))
}
