//! The neutral model of one XDatenfelder Stammdatenschema: what the XDF 2.0 and 3.0.0 readers
//! produce and the printer turns into `.form` source. Texts are as in the file (trimmed); no
//! decisions about Formwerk names or types are made here.

/// The XDatenfelder version a file was written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum XdfVersion {
    V2,
    V3,
}

impl XdfVersion {
    pub fn label(self) -> &'static str {
        match self {
            XdfVersion::V2 => "2.0",
            XdfVersion::V3 => "3.0.0",
        }
    }
}

/// A FIM id with its version, e.g. `F60000000319` `1.3.0`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ident {
    pub id: String,
    pub version: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Schema {
    pub xdf: XdfVersion,
    pub ident: Ident,
    /// The technical name (`name`).
    pub name: String,
    /// The title shown to citizens (`bezeichnung` in XDF3, `bezeichnungEingabe` in XDF2).
    pub title: Option<String>,
    pub description: Option<String>,
    /// `definition` and `bezug` (the other entries are for elements).
    pub meta: Meta,
    /// The `dokumentsteckbrief` (XDF3 only).
    pub document: Option<Ident>,
    pub rules: Vec<RuleDoc>,
    pub children: Vec<Child>,
}

/// What FIM says about an element beyond its structure, carried into the `fim` block of the
/// printed element so that the XDF3 export can write it back.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Meta {
    pub definition: Option<String>,
    /// `bezug` texts with their `link`, in order.
    pub bezug: Vec<(String, Option<String>)>,
    /// `bezeichnungAusgabe`.
    pub output_label: Option<String>,
    /// `hilfetextAusgabe`.
    pub output_hint: Option<String>,
    /// `schemaelementart`.
    pub element: Option<String>,
    /// `vorbefuellung`.
    pub prefill: Option<String>,
}

/// One `struktur` entry: an element and how often it occurs.
#[derive(Clone, Debug)]
pub struct Child {
    pub multiplicity: Multiplicity,
    pub element: Element,
}

/// `anzahl` such as `0:1`, `1:*`, `2:5`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Multiplicity {
    pub min: u32,
    /// `None` is unbounded (`*`).
    pub max: Option<u32>,
}

impl Multiplicity {
    /// Parses `min:max`; `None` for anything else.
    pub fn parse(text: &str) -> Option<Multiplicity> {
        let (min, max) = text.trim().split_once(':')?;
        let min = min.trim().parse().ok()?;
        let max = match max.trim() {
            "*" => None,
            n => Some(n.parse().ok()?),
        };
        if max.is_some_and(|max| max < min || max == 0) {
            return None;
        }
        Some(Multiplicity { min, max })
    }

    /// At most one occurrence: a plain field or group, not a repeat.
    pub fn is_single(self) -> bool {
        self.max == Some(1)
    }
}

#[derive(Clone, Debug)]
#[allow(clippy::large_enum_variant)] // Built once per element; boxing would only complicate matching.
pub enum Element {
    Field(FieldDef),
    Group(GroupDef),
}

#[derive(Clone, Debug)]
pub struct GroupDef {
    pub ident: Ident,
    pub name: String,
    /// `bezeichnungEingabe`.
    pub label: String,
    /// `hilfetextEingabe`.
    pub hint: Option<String>,
    /// `art` X: an "Auswahlgruppe", exactly one of the children is given.
    pub choice: bool,
    pub meta: Meta,
    pub rules: Vec<RuleDoc>,
    pub children: Vec<Child>,
}

#[derive(Clone, Debug)]
pub struct FieldDef {
    pub ident: Ident,
    pub name: String,
    pub label: String,
    pub hint: Option<String>,
    /// `feldart`: input, select, label, hidden, locked.
    pub kind: String,
    /// `datentyp`: text, text_latin, date, time, datetime, bool, num, num_int, num_currency, file, obj.
    pub datatype: String,
    pub precision: Precision,
    /// `inhalt`: the static text of a label, or a default value.
    pub content: Option<String>,
    pub codelist: Option<CodeListRef>,
    /// XDF3 inline `werte`: code and name.
    pub values: Vec<(String, String)>,
    pub max_size: Option<u64>,
    pub media_types: Vec<String>,
    pub meta: Meta,
    pub rules: Vec<RuleDoc>,
}

/// `praezisierung`, still as text: the printer decides what each value means for the type.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Precision {
    pub min_length: Option<String>,
    pub max_length: Option<String>,
    pub min_value: Option<String>,
    pub max_value: Option<String>,
    pub pattern: Option<String>,
    /// XDF2 text that is not the JSON-like object (e.g. `1..31`, `5`), kept for a warning.
    pub unparsed: Option<String>,
}

/// A reference to an external code list (XDF2 `codelisteReferenz`, XDF3 `codelisteReferenz`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CodeListRef {
    /// The FIM id (`C00000020`), XDF2 only.
    pub id: Option<String>,
    pub urn: Option<String>,
    pub version: Option<String>,
}

/// A rule (`regel`): in real files German prose, kept as documentation.
#[derive(Clone, Debug)]
pub struct RuleDoc {
    pub ident: Ident,
    pub name: String,
    pub text: String,
    /// `skript` (XDF3).
    pub script: Option<String>,
    /// `typ` (XDF3): `B`, `K`, `M` or `V`.
    pub kind: Option<String>,
    pub bezug: Vec<(String, Option<String>)>,
}
