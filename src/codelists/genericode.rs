//! Reading one genericode list (OASIS Code List Representation, genericode 1.0).
//!
//! The code column is the column of the list's first key (`ColumnSet/Key/ColumnRef`), else
//! the first column; the label column is `name` if there is one, else the first other column
//! whose id contains `name`, else the next column. Elements are matched by local name, so any
//! namespace prefix works (`gc:`, `ns2:`, none). A document type declaration is refused, so
//! entity expansion ("billion laughs") cannot happen; work is linear in the file.

use roxmltree::{Document, Node, ParsingOptions};

/// One genericode list as read, codes in file order (not yet checked for duplicates).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Genericode {
    /// `Identification/CanonicalUri`, e.g. `urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staat`.
    pub urn: Option<String>,
    /// `Identification/Version`, e.g. `2023-02-24`.
    pub version: Option<String>,
    /// `Identification/ShortName`.
    pub short_name: Option<String>,
    /// `(code, label)` per row that has a code.
    pub codes: Vec<(String, String)>,
}

/// Parses one genericode document; `Err` says why it is not one (never quoting its text).
pub fn parse(xml: &str) -> Result<Genericode, String> {
    let options = ParsingOptions { allow_dtd: false, ..ParsingOptions::default() };
    let doc = Document::parse_with_options(xml, options).map_err(|e| format!("not well-formed XML: {e}"))?;
    let root = doc.root_element();
    if root.tag_name().name() != "CodeList" {
        return Err("the root element is not a genericode `CodeList`".to_string());
    }
    let identification = child(root, "Identification");
    let id_text = |name: &str| identification.and_then(|i| text_of(i, name));
    let column_set = child(root, "ColumnSet");
    let columns: Vec<String> = column_set
        .map(|set| children(set, "Column").filter_map(|c| c.attribute("Id").map(String::from)).collect())
        .unwrap_or_default();
    let key_column = column_set
        .and_then(|set| child(set, "Key"))
        .and_then(|key| child(key, "ColumnRef"))
        .and_then(|r| r.attribute("Ref"))
        .map(String::from)
        .or_else(|| columns.first().cloned())
        .ok_or("the list has no columns")?;
    let label_column = columns
        .iter()
        .find(|c| c.as_str() == "name")
        .or_else(|| columns.iter().find(|c| **c != key_column && c.contains("name")))
        .or_else(|| columns.iter().find(|c| **c != key_column))
        .cloned()
        .unwrap_or_else(|| key_column.clone());
    let mut codes = Vec::new();
    for row in child(root, "SimpleCodeList").into_iter().flat_map(|l| children(l, "Row")) {
        let (mut code, mut label) = (None, None);
        for value in children(row, "Value") {
            let column = value.attribute("ColumnRef");
            if code.is_none() && column == Some(key_column.as_str()) {
                code = text_of(value, "SimpleValue");
            }
            if label.is_none() && column == Some(label_column.as_str()) {
                label = text_of(value, "SimpleValue");
            }
        }
        if let Some(code) = code {
            let label = label.unwrap_or_else(|| code.clone());
            codes.push((code, label));
        }
    }
    Ok(Genericode {
        urn: id_text("CanonicalUri"),
        version: id_text("Version"),
        short_name: id_text("ShortName"),
        codes,
    })
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| c.is_element() && c.tag_name().name() == name)
}

fn children<'a, 'i: 'a>(node: Node<'a, 'i>, name: &'a str) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    node.children().filter(move |c| c.is_element() && c.tag_name().name() == name)
}

/// The trimmed text of the child element `name` on one line; `None` when absent or blank.
fn text_of(node: Node, name: &str) -> Option<String> {
    let child = child(node, name)?;
    let text: String = child.children().filter(|c| c.is_text()).filter_map(|c| c.text()).collect();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_key_and_name_columns_with_any_prefix() {
        let xml = r#"<ns2:CodeList xmlns:ns2="http://docs.oasis-open.org/codelist/ns/genericode/1.0/">
          <Identification><ShortName>x</ShortName><Version>1</Version><CanonicalUri>urn:x</CanonicalUri></Identification>
          <ColumnSet><Column Id="schluessel"/><Column Id="wert"/><Key Id="k"><ColumnRef Ref="schluessel"/></Key></ColumnSet>
          <SimpleCodeList><Row><Value ColumnRef="wert"><SimpleValue>Eins</SimpleValue></Value><Value ColumnRef="schluessel"><SimpleValue> 1 </SimpleValue></Value></Row></SimpleCodeList>
        </ns2:CodeList>"#;
        let list = parse(xml).unwrap();
        assert_eq!(list.urn.as_deref(), Some("urn:x"));
        assert_eq!(list.version.as_deref(), Some("1"));
        assert_eq!(list.codes, [("1".to_string(), "Eins".to_string())]);
    }

    #[test]
    fn refuses_a_document_type_declaration() {
        let xml = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><CodeList>&lol2;</CodeList>"#;
        assert!(parse(xml).unwrap_err().starts_with("not well-formed XML"));
    }
}
