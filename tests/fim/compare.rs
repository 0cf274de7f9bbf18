//! A structural comparison of two XDatenfelder 3.0.0 Stammdatenschemata: both documents are
//! walked into a flat map from property path to value, and the paths whose values differ are
//! reported.
//!
//! A path names elements by their FIM id and their position among the `struktur` entries of
//! their parent (`S00000000364/F60000000319@0/praezisierung.maxLength`), so a reordering or
//! a lost element shows as a difference. Texts are compared with runs of white space folded
//! into one space (the language keeps line breaks of long texts, not indentation) and mapped
//! to the XSD's character set, as the export must write them.
//!
//! Compared: every property of the XSD that the language carries — ids and versions, `name`,
//! `definition`, `bezug` (with `link`), `bezeichnungEingabe`/`Ausgabe`,
//! `hilfetextEingabe`/`Ausgabe`, `schemaelementart`, `anzahl`, `feldart`, `datentyp`,
//! `praezisierung` (lengths, bounds, pattern), `inhalt` of label fields, inline `werte`, the
//! `codelisteReferenz` (URN, version, version URI),
//! `vorbefuellung`, `maxSize`, `mediaType`, group `art`, the `dokumentsteckbrief`, and every
//! `regel` with its id, version, name, text, script, type and `bezug`.
//!
//! Deliberately not compared (see [`NOT_COMPARED`]).

use std::collections::BTreeMap;

use roxmltree::{Document, Node};

/// What the comparison leaves out, and why.
pub const NOT_COMPARED: &[(&str, &str)] = &[
    ("header, letzteAenderung, statusGesetztAm, veroeffentlichungsdatum, gueltigAb/Bis", "timestamps and message data: the export is deterministic and writes fixed ones"),
    ("freigabestatus, statusGesetztDurch, versionshinweis, fachlicherErsteller", "workflow data of the FIM portal, not part of a form's meaning; an export is a draft (status 3)"),
    ("beschreibung of elements and rules", "editorial notes; the language carries the schema's description only (a rule without freitextRegel keeps its beschreibung as its text)"),
    ("stichwort, relation", "catalogue keywords and derivation links of the FIM portal"),
    ("bezug of a struktur entry", "the language has no place for a reference on one occurrence"),
    ("ableitungsmodifikationen, hilfetext of the schema, istAbstrakt", "derivation settings the export writes as fixed values"),
    ("param, ziel, fehler of a regel; codeKey, nameKey, helpKey", "not used by the samples' rules and fields"),
    ("praezisierung minLength 0", "no lower bound, the same as none"),
    ("inhalt of a field that is not a label", "default values: Formwerk has none (the import says so in a comment and a warning)"),
];

/// Property path → value of one document.
pub fn properties(xml: &str) -> BTreeMap<String, String> {
    let doc = Document::parse(xml).expect("well-formed XML");
    let mut out = BTreeMap::new();
    let schema = doc.root_element().children().find(|n| is(n, "stammdatenschema")).expect("a stammdatenschema");
    let id = ident(schema);
    let at = id.0.clone();
    out.insert(format!("{at}/version"), id.1);
    for key in ["name", "definition", "bezeichnung"] {
        text_of(schema, key, &format!("{at}/{key}"), &mut out);
    }
    bezug(schema, &format!("{at}/bezug"), &mut out);
    if let Some(document) = child(schema, "dokumentsteckbrief") {
        let (id, version) = ident_of(document);
        out.insert(format!("{at}/dokumentsteckbrief"), format!("{id} {version}"));
    }
    rules(schema, &at, &mut out);
    structure(schema, &at, &mut out);
    out
}

/// The paths where `a` and `b` differ, with both values (`—` for absent).
pub fn differences(a: &BTreeMap<String, String>, b: &BTreeMap<String, String>) -> Vec<String> {
    let mut out = Vec::new();
    for key in a.keys().chain(b.keys().filter(|k| !a.contains_key(*k))) {
        let (left, right) = (a.get(key), b.get(key));
        if left != right {
            let show = |v: Option<&String>| {
                v.map_or("—".to_string(), |v| format!("{:?}", v.chars().take(120).collect::<String>()))
            };
            out.push(format!("{key}: {} ≠ {}", show(left), show(right)));
        }
    }
    out
}

fn structure(node: Node, at: &str, out: &mut BTreeMap<String, String>) {
    for (position, entry) in node.children().filter(|n| is(n, "struktur")).enumerate() {
        let Some(element) = child(entry, "enthaelt").and_then(|e| e.children().find(Node::is_element)) else {
            continue;
        };
        let (id, version) = ident(element);
        let path = format!("{at}/{id}@{position}");
        out.insert(format!("{path}/version"), version);
        out.insert(format!("{path}/kind"), element.tag_name().name().to_string());
        text_of(entry, "anzahl", &format!("{path}/anzahl"), out);
        for key in
            ["name", "definition", "bezeichnungEingabe", "bezeichnungAusgabe", "hilfetextEingabe", "hilfetextAusgabe"]
        {
            text_of(element, key, &format!("{path}/{key}"), out);
        }
        bezug(element, &format!("{path}/bezug"), out);
        code_of(element, "schemaelementart", &format!("{path}/schemaelementart"), out);
        rules(element, &path, out);
        if is(&element, "datenfeldgruppe") {
            code_of(element, "art", &format!("{path}/art"), out);
            structure(element, &path, out);
            continue;
        }
        if let Some(reference) = child(element, "codelisteReferenz") {
            for key in ["canonicalIdentification", "version", "canonicalVersionUri"] {
                text_of(reference, key, &format!("{path}/codelisteReferenz.{key}"), out);
            }
        }
        for key in ["feldart", "datentyp", "vorbefuellung"] {
            code_of(element, key, &format!("{path}/{key}"), out);
        }
        if let Some(precision) = child(element, "praezisierung") {
            for attribute in precision.attributes().filter(|a| !(a.name() == "minLength" && a.value().trim() == "0")) {
                out.insert(format!("{path}/praezisierung.{}", attribute.name()), attribute.value().to_string());
            }
        }
        let label = child(element, "feldart").and_then(|f| child(f, "code")).and_then(|c| c.text()) == Some("label");
        if label {
            text_of(element, "inhalt", &format!("{path}/inhalt"), out);
        }
        let values: Vec<String> = child(element, "werte")
            .map(|w| {
                w.children()
                    .filter(|v| is(v, "wert"))
                    .map(|v| format!("{}={}", plain(child(v, "code")), plain(child(v, "name"))))
                    .collect()
            })
            .unwrap_or_default();
        if !values.is_empty() {
            out.insert(format!("{path}/werte"), values.join(" | "));
        }
        text_of(element, "maxSize", &format!("{path}/maxSize"), out);
        let media: Vec<String> = element.children().filter(|n| is(n, "mediaType")).map(|n| plain(Some(n))).collect();
        if !media.is_empty() {
            out.insert(format!("{path}/mediaType"), media.join(" | "));
        }
    }
}

fn rules(node: Node, at: &str, out: &mut BTreeMap<String, String>) {
    for rule in node.children().filter(|n| is(n, "regel")) {
        let (id, version) = ident(rule);
        let path = format!("{at}/regel:{id}");
        out.insert(format!("{path}/version"), version);
        text_of(rule, "name", &format!("{path}/name"), out);
        let prose = child(rule, "freitextRegel").or_else(|| child(rule, "beschreibung"));
        if prose.is_some() {
            out.insert(format!("{path}/freitextRegel"), plain(prose));
        }
        text_of(rule, "skript", &format!("{path}/skript"), out);
        code_of(rule, "typ", &format!("{path}/typ"), out);
        bezug(rule, &format!("{path}/bezug"), out);
    }
}

fn bezug(node: Node, at: &str, out: &mut BTreeMap<String, String>) {
    let entries: Vec<String> = node
        .children()
        .filter(|n| is(n, "bezug") && !plain(Some(*n)).is_empty())
        .map(|b| match b.attribute("link") {
            Some(link) => format!("{} <{}>", plain(Some(b)), link.trim()),
            None => plain(Some(b)),
        })
        .collect();
    if !entries.is_empty() {
        out.insert(at.to_string(), entries.join(" | "));
    }
}

fn ident(node: Node) -> (String, String) {
    child(node, "identifikation").map(ident_of).unwrap_or_default()
}

fn ident_of(node: Node) -> (String, String) {
    (plain(child(node, "id")), plain(child(node, "version")))
}

fn text_of(node: Node, key: &str, at: &str, out: &mut BTreeMap<String, String>) {
    if let Some(found) = child(node, key) {
        let text = plain(Some(found));
        if !text.is_empty() {
            out.insert(at.to_string(), text);
        }
    }
}

fn code_of(node: Node, key: &str, at: &str, out: &mut BTreeMap<String, String>) {
    if let Some(code) = child(node, key).and_then(|c| child(c, "code")) {
        out.insert(at.to_string(), plain(Some(code)));
    }
}

/// The text of an element with white space folded, in the XSD's character set (String.Latin,
/// to which the export must map every text; XDF 2.0 files may hold other characters).
fn plain(node: Option<Node>) -> String {
    let text: String =
        node.map(|n| n.descendants().filter(Node::is_text).filter_map(|t| t.text()).collect()).unwrap_or_default();
    let text = formwerk::emit::xdf3::latin::to_latin(&text);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|n| is(n, name))
}

fn is(node: &Node, name: &str) -> bool {
    node.is_element() && node.tag_name().name() == name
}
