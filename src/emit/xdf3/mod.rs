//! FIM export: each form as an XDatenfelder 3.0.0 Stammdatenschema (`xdf3/<form>.xdf3.xml`)
//! that validates against the official XSD.
//!
//! FIM ids, versions and metadata (`fim "…" { … }`: technical name, definition, `bezug`,
//! output texts, `schemaelementart`, `vorbefuellung`, `locked`, `dokumentsteckbrief`, FIM's
//! multiplicity, and the FIM rules verbatim, instead of the rules translated from them) of
//! forms, groups, fields and infos are kept; elements without one get a
//! generated id (`F`/`G`/`R` + 11 digits from a hash of the form id and the element's path,
//! so ids survive unrelated edits). Versions are written as `x.y.z` (the XSD's pattern).
//! Mapping: groups → `datenfeldgruppe` (`anzahl` 1:1 if required, else 0:1); repeats →
//! `datenfeldgruppe` with `min:max`, except a repeat without FIM id holding one field of the
//! same label (how the import writes a repeated FIM field), which becomes that field with
//! `min:max`; infos → `feldart` label (first line as label, the rest as `inhalt`); choices
//! → `select` with inline `werte`; email, phone, IBAN and postcode → text with their
//! format's pattern; a group with a rule that exactly one of its members is given → a choice
//! group (`art` X); other rules → `regel` of type V whose text is the message, and so is a
//! declaration that must be confirmed (`must be true`), inside its `datenfeld`. Not expressible
//! in XDF3 and left out: `visible when`/`required when` conditions and pages. Texts are
//! mapped to the XSD's character set (see `latin`). Timestamps are fixed, so the output is
//! deterministic.

pub mod latin;

use std::collections::BTreeSet;

use sha2::{Digest, Sha256};

use super::OutputFile;
use crate::ir::{self, Bound, Expr, FieldType, Item, Requirement};
use crate::validate::formats::patterns;

const NAMESPACE: &str = "urn:xoev-de:fim:standard:xdatenfelder_3.0.0";
/// Every timestamp of the output: the export is deterministic, so it carries no clock time.
const TIMESTAMP: &str = "2000-01-01T00:00:00Z";
/// `freigabestatus` 3: "Entwurf" (draft) in the FIM status list of 2022-07-12.
const STATUS_DRAFT: &str = "3";

pub fn emit(bundle: &ir::Bundle, pool: &crate::parallel::Pool) -> Vec<OutputFile> {
    pool.map(&bundle.forms, form_file)
}

/// `xdf3/<form>.xdf3.xml`.
pub fn form_file(form: &ir::Form) -> OutputFile {
    OutputFile { path: format!("xdf3/{}.xdf3.xml", form.id), contents: document(form).into_bytes() }
}

/// The XDatenfelder 3.0.0 message for one form.
pub fn document(form: &ir::Form) -> String {
    let mut x = Xml::default();
    x.out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.open_attrs("xdatenfelder.stammdatenschema.0102", &format!(" xmlns:xdf=\"{NAMESPACE}\""));
    x.open("header");
    x.leaf("nachrichtID", &format!("formwerk-{}", form.id));
    x.leaf("erstellungszeitpunkt", TIMESTAMP);
    x.leaf("produktbezeichnung", "Formwerk");
    x.close("header");

    let export = Export { form, kept: kept_rules(form) };
    x.open("stammdatenschema");
    let schema_id = form.fim.as_ref().filter(|f| f.id.starts_with('S'));
    let title = form.title.get(primary(form)).cloned().unwrap_or_else(|| form.id.clone());
    match schema_id {
        Some(fim) => x.identification(&fim.id, fim.version.as_deref().or(Some(&form.version))),
        None => x.identification(&export.generated_id('S', &[]), Some(&form.version)),
    }
    let meta = schema_id.and_then(|f| f.meta.as_deref());
    x.leaf("name", meta.and_then(|m| m.name.as_deref()).unwrap_or(&title));
    if let Some(description) = form.description.as_ref().and_then(|d| d.get(primary(form))) {
        x.leaf("beschreibung", description);
    }
    x.general(meta);
    x.code("freigabestatus", "urn:xoev-de:xprozess:codeliste:status", Some("2022-07-12"), STATUS_DRAFT);
    x.leaf("letzteAenderung", TIMESTAMP);
    x.leaf("bezeichnung", &title);
    x.code(
        "ableitungsmodifikationenStruktur",
        "urn:xoev-de:fim:codeliste:xdatenfelder.ableitungsmodifikationenStruktur",
        Some("1.0"),
        "3",
    );
    x.code(
        "ableitungsmodifikationenRepraesentation",
        "urn:xoev-de:fim:codeliste:xdatenfelder.ableitungsmodifikationenRepraesentation",
        Some("1.0"),
        "1",
    );
    match meta.and_then(|m| m.document.as_ref()) {
        Some(document) => {
            x.open("dokumentsteckbrief");
            x.leaf("id", &document.id);
            if let Some(version) = &document.version {
                x.leaf("version", &version3(version));
            }
            x.close("dokumentsteckbrief");
        }
        None => {
            x.open("dokumentsteckbrief");
            x.leaf("id", &export.generated_id('D', &[]));
            x.close("dokumentsteckbrief");
        }
    }
    x.fim_rules(meta);
    export.rules(&mut x, &[]);
    let items: Vec<&Item> = form.items().collect();
    for item in items {
        export.structure(&mut x, item, &[]);
    }
    x.close("stammdatenschema");
    x.close("xdatenfelder.stammdatenschema.0102");
    x.out
}

fn primary(form: &ir::Form) -> &str {
    form.languages.first().map(String::as_str).unwrap_or("de")
}

struct Export<'f> {
    form: &'f ir::Form,
    /// The ids of the FIM rules kept verbatim in some element's `fim` block: a Formwerk rule
    /// translated from one of them is not written again.
    kept: BTreeSet<String>,
}

/// The ids of every FIM rule kept in the metadata of the form or one of its elements.
fn kept_rules(form: &ir::Form) -> BTreeSet<String> {
    fn walk(items: &[Item], out: &mut BTreeSet<String>) {
        for item in items {
            let fim = match item {
                Item::Field(f) => f.fim.as_ref(),
                Item::Group(g) => g.fim.as_ref(),
                Item::Repeat(r) => r.fim.as_ref(),
                Item::Info(i) => i.fim.as_ref(),
            };
            add(fim, out);
            walk(item.children(), out);
        }
    }
    fn add(fim: Option<&ir::FimRef>, out: &mut BTreeSet<String>) {
        if let Some(meta) = fim.and_then(|f| f.meta.as_deref()) {
            out.extend(meta.rules.iter().map(|r| r.id.clone()));
        }
    }
    let mut out = BTreeSet::new();
    add(form.fim.as_ref(), &mut out);
    for page in &form.pages {
        walk(&page.items, &mut out);
    }
    out
}

impl Export<'_> {
    fn text<'t>(&self, text: &'t ir::Text) -> &'t str {
        text.get(primary(self.form)).or_else(|| text.values().next()).map(String::as_str).unwrap_or_default()
    }

    /// A label, hint or info: XDatenfelder has no placeholders, so they show as `…`.
    fn template(&self, text: &ir::Text) -> String {
        ir::template::render(self.text(text), |_| None)
    }

    /// A well-formed id for an element without FIM id: the kind letter and 11 digits.
    fn generated_id(&self, kind: char, path: &[String]) -> String {
        let digest = Sha256::digest(format!("{}/{}/{kind}", self.form.id, path.join("/")).as_bytes());
        let number = digest.iter().take(8).fold(0u64, |n, b| n << 8 | u64::from(*b)) % 100_000_000_000;
        format!("{kind}{number:011}")
    }

    fn ident(&self, x: &mut Xml, kind: char, fim: Option<&ir::FimRef>, path: &[String]) {
        match fim {
            Some(fim) => x.identification(&fim.id, fim.version.as_deref()),
            None => x.identification(&self.generated_id(kind, path), Some(&self.form.version)),
        }
    }

    /// One `struktur` entry for an item.
    fn structure(&self, x: &mut Xml, item: &Item, parent: &[String]) {
        if item.never_shown() {
            return;
        }
        let mut path = parent.to_vec();
        path.push(item.name().to_string());
        let anzahl = match item {
            Item::Field(f) if matches!(f.ty, FieldType::MultipleChoice { .. }) => {
                if f.required == Requirement::Always {
                    "1:*".to_string()
                } else {
                    "0:*".to_string()
                }
            }
            // Several files are FIM's multiplicity of one file field; FIM has no total size.
            Item::Field(f) if f.ty == FieldType::Files => {
                let min =
                    if f.required == Requirement::Always { f.constraints.min_count.unwrap_or(1).max(1) } else { 0 };
                // FIM's unbounded number, kept in the `fim` block (`count ..100` here), goes back.
                let unbounded = fim_multiplicity(f.fim.as_ref()).is_some_and(|m| m.ends_with(":*"));
                match f.constraints.max_count {
                    Some(max) if !unbounded => format!("{min}:{max}"),
                    _ => format!("{min}:*"),
                }
            }
            Item::Field(f) => fim_multiplicity(f.fim.as_ref()).unwrap_or_else(|| one(&f.required)),
            Item::Group(g) => fim_multiplicity(g.fim.as_ref()).unwrap_or_else(|| one(&g.required)),
            Item::Repeat(r) => format!("{}:{}", r.min, r.max.map(|m| m.to_string()).unwrap_or_else(|| "*".into())),
            Item::Info(i) => fim_multiplicity(i.fim.as_ref()).unwrap_or_else(|| "0:1".to_string()),
        };
        x.open("struktur");
        x.leaf("anzahl", &anzahl);
        x.open("enthaelt");
        match item {
            Item::Field(field) => self.field(x, field, &path),
            Item::Info(info) => self.info(x, info, &path),
            Item::Group(group) => {
                self.group(x, group.fim.as_ref(), &group.name, &group.label, group.hint.as_ref(), &group.items, &path)
            }
            Item::Repeat(repeat) => match collapsed_field(repeat) {
                Some(field) => self.field(x, field, &path),
                None => self.group(
                    x,
                    repeat.fim.as_ref(),
                    &repeat.name,
                    &repeat.label,
                    repeat.hint.as_ref(),
                    &repeat.items,
                    &path,
                ),
            },
        }
        x.close("enthaelt");
        x.close("struktur");
    }

    #[allow(clippy::too_many_arguments)]
    fn group(
        &self,
        x: &mut Xml,
        fim: Option<&ir::FimRef>,
        name: &str,
        label: &ir::Text,
        hint: Option<&ir::Text>,
        items: &[Item],
        path: &[String],
    ) {
        x.open("datenfeldgruppe");
        let meta = fim.and_then(|f| f.meta.as_deref());
        self.element_head(x, 'G', fim, name, &self.template(label), path);
        if let Some(hint) = hint {
            x.leaf("hilfetextEingabe", &self.template(hint));
        }
        if let Some(hint) = meta.and_then(|m| m.output_hint.as_deref()) {
            x.leaf("hilfetextAusgabe", hint);
        }
        let choice = self.choice_rule(path, items);
        if choice.is_some() {
            x.code("art", "urn:xoev-de:fim:codeliste:datenfelder.gruppenart", Some("1.0"), "X");
        }
        x.fim_rules(meta);
        self.rules_except(x, path, choice);
        for item in items {
            self.structure(x, item, path);
        }
        x.close("datenfeldgruppe");
    }

    /// Identification, the general data and the labels of a group or field, up to
    /// `schemaelementart`; FIM metadata where the element has it, generated values elsewhere.
    fn element_head(
        &self,
        x: &mut Xml,
        kind: char,
        fim: Option<&ir::FimRef>,
        name: &str,
        label: &str,
        path: &[String],
    ) {
        let meta = fim.and_then(|f| f.meta.as_deref());
        self.ident(x, kind, fim, path);
        x.leaf("name", meta.and_then(|m| m.name.as_deref()).unwrap_or(name));
        x.general(meta);
        x.code("freigabestatus", "urn:xoev-de:xprozess:codeliste:status", Some("2022-07-12"), STATUS_DRAFT);
        x.leaf("letzteAenderung", TIMESTAMP);
        x.leaf("bezeichnungEingabe", label);
        if let Some(output) = meta.and_then(|m| m.output_label.as_deref()) {
            x.leaf("bezeichnungAusgabe", output);
        }
        let element = meta.and_then(|m| m.element.as_deref()).unwrap_or("RNG");
        x.code("schemaelementart", "urn:xoev-de:fim:codeliste:xdatenfelder.schemaelementart", Some("1.0"), element);
    }

    fn field_head(&self, x: &mut Xml, fim: Option<&ir::FimRef>, name: &str, label: &str, path: &[String]) {
        x.open("datenfeld");
        self.element_head(x, 'F', fim, name, label, path);
    }

    fn info(&self, x: &mut Xml, info: &ir::Info, path: &[String]) {
        let text = &self.template(&info.text);
        let (label, rest) = text.split_once('\n').unwrap_or((text, ""));
        let meta = info.fim.as_ref().and_then(|f| f.meta.as_deref());
        self.field_head(x, info.fim.as_ref(), &info.name, label, path);
        if let Some(hint) = meta.and_then(|m| m.output_hint.as_deref()) {
            x.leaf("hilfetextAusgabe", hint);
        }
        x.code("feldart", "urn:xoev-de:fim:codeliste:xdatenfelder.feldart", Some("2.0"), "label");
        x.code("datentyp", "urn:xoev-de:fim:codeliste:xdatenfelder.datentyp", Some("2.0"), "text");
        if !rest.is_empty() {
            x.leaf("inhalt", rest);
        }
        x.code(
            "vorbefuellung",
            "urn:xoev-de:fim:codeliste:xdatenfelder.vorbefuellung",
            Some("1.0"),
            prefill(meta, None),
        );
        x.fim_rules(meta);
        x.close("datenfeld");
    }

    fn field(&self, x: &mut Xml, field: &ir::Field, path: &[String]) {
        // XDatenfelder has no unit: it becomes part of the label ("Gewicht in kg").
        let label = match &field.unit {
            Some(unit) => format!("{} in {}", self.template(&field.label), self.text(unit)),
            None => self.template(&field.label),
        };
        let meta = field.fim.as_ref().and_then(|f| f.meta.as_deref());
        self.field_head(x, field.fim.as_ref(), &field.name, &label, path);
        if let Some(hint) = &field.hint {
            x.leaf("hilfetextEingabe", &self.template(hint));
        }
        if let Some(hint) = meta.and_then(|m| m.output_hint.as_deref()) {
            x.leaf("hilfetextAusgabe", hint);
        }
        let c = &field.constraints;
        let (kind, datatype, format) = match &field.ty {
            FieldType::Text | FieldType::Multiline => ("input", "text", None),
            FieldType::Email => ("input", "text", Some(patterns::EMAIL)),
            FieldType::Phone => ("input", "text", Some(patterns::PHONE)),
            FieldType::Iban => ("input", "text", Some(patterns::IBAN)),
            FieldType::Postcode => ("input", "text", Some(patterns::POSTCODE)),
            FieldType::Integer => ("input", "num_int", None),
            FieldType::Decimal => ("input", "num", None),
            FieldType::Money => ("input", "num_currency", None),
            FieldType::Boolean => ("input", "bool", None),
            FieldType::Date => ("input", "date", None),
            FieldType::File | FieldType::Files => ("input", "file", None),
            FieldType::Choice { .. } | FieldType::MultipleChoice { .. } => ("select", "text", None),
        };
        // A field whose FIM code list was not available at import is FIM's select again.
        let unresolved = meta.and_then(|m| m.codelist.as_ref()).filter(|_| kind == "input" && datatype == "text");
        // A computed field is read-only: FIM's `gesperrt`, with a calculation rule (`B`) below.
        let kind = if meta.is_some_and(|m| m.locked) || field.computed.is_some() {
            "locked"
        } else if unresolved.is_some() {
            "select"
        } else {
            kind
        };
        x.code("feldart", "urn:xoev-de:fim:codeliste:xdatenfelder.feldart", Some("2.0"), kind);
        x.code("datentyp", "urn:xoev-de:fim:codeliste:xdatenfelder.datentyp", Some("2.0"), datatype);
        let mut attrs = String::new();
        let pattern = c.pattern.as_ref().map(|p| p.source.as_str()).or(format);
        if let Some(n) = c.min_length.filter(|n| *n > 0) {
            attrs.push_str(&format!(" minLength=\"{n}\""));
        }
        if let Some(n) = c.max_length.filter(|n| *n > 0) {
            attrs.push_str(&format!(" maxLength=\"{n}\""));
        }
        for (name, bound) in [("minValue", &c.min), ("maxValue", &c.max)] {
            if let Some(Bound::Number { value } | Bound::Date { value }) = bound {
                attrs.push_str(&format!(" {name}=\"{}\"", escape(value, true)));
            }
        }
        if let Some(pattern) = pattern {
            attrs.push_str(&format!(" pattern=\"{}\"", escape(pattern, true)));
        }
        if !attrs.is_empty() {
            x.empty("praezisierung", &attrs);
        }
        let prefilled = prefill(meta, field.prefill.as_ref());
        x.code("vorbefuellung", "urn:xoev-de:fim:codeliste:xdatenfelder.vorbefuellung", Some("1.0"), prefilled);
        if let Some(reference) = unresolved {
            codelist_reference(x, &reference.urn, reference.version.as_deref());
        }
        if let FieldType::Choice { codelist } | FieldType::MultipleChoice { codelist } = &field.ty {
            if let Some((urn, version)) = self.form.codelists.get(codelist).and_then(|list| {
                let (urn, version) = (list.urn.as_deref()?, list.version.as_deref()?);
                list.external.is_some().then_some((urn, version))
            }) {
                // An external list is referenced by URN and version, as FIM publishes it.
                codelist_reference(x, urn, Some(version));
            } else if let Some(list) = self.form.codelists.get(codelist) {
                x.open("werte");
                for code in &list.codes {
                    x.open("wert");
                    x.leaf("code", &code.code);
                    x.leaf("name", self.text(&code.label));
                    x.close("wert");
                }
                x.close("werte");
            }
        }
        x.fim_rules(meta);
        if c.must_be_true {
            // A declaration: XDF3 has no constant, so it is the field's own rule.
            let mut rule_path = path.to_vec();
            rule_path.push("must_be_true".to_string());
            x.open("regel");
            x.identification(&self.generated_id('R', &rule_path), Some(&self.form.version));
            x.leaf("name", &format!("{}_bestaetigt", field.name));
            x.leaf("freitextRegel", "Die Erklärung muss bestätigt werden: zulässig ist nur der Wert „wahr“.");
            x.leaf("letzteAenderung", TIMESTAMP);
            x.code("typ", "urn:xoev-de:fim:codeliste:xdatenfelder.regeltyp", Some("1.0"), "V");
            x.close("regel");
        }
        if field.computed.is_some() {
            // XDF3 names calculation rules (`Berechnungsregel`) but has no language for them:
            // the rule says in prose that the value is computed; the expression is in the IR.
            let mut rule_path = path.to_vec();
            rule_path.push("computed".to_string());
            x.open("regel");
            x.identification(&self.generated_id('R', &rule_path), Some(&self.form.version));
            x.leaf("name", &format!("{}_berechnet", field.name));
            x.leaf(
                "freitextRegel",
                "Der Wert wird aus anderen Angaben des Antrags berechnet und nicht von der antragstellenden Person eingegeben.",
            );
            x.leaf("letzteAenderung", TIMESTAMP);
            x.code("typ", "urn:xoev-de:fim:codeliste:xdatenfelder.regeltyp", Some("1.0"), "B");
            x.close("regel");
        }
        if let Some(size) = c.max_size.filter(|s| *s > 0) {
            x.leaf("maxSize", &size.to_string());
        }
        for media_type in c.accept.iter().filter_map(|a| media_type(a)) {
            x.leaf("mediaType", media_type);
        }
        x.close("datenfeld");
    }

    /// The rule of the group at `path` that says exactly one of its members is given: the
    /// group is then a choice group (`art` X, "Auswahlgruppe") and the rule is not a `regel`.
    fn choice_rule(&self, path: &[String], items: &[Item]) -> Option<&str> {
        let members: BTreeSet<ir::Path> = items
            .iter()
            .filter(|item| !matches!(item, Item::Info(_)))
            .map(|item| [path, &[item.name().to_string()]].concat())
            .collect();
        self.form
            .rules
            .iter()
            .filter(|rule| !rule.fim.as_ref().is_some_and(|f| self.kept.contains(&f.id)))
            .find(|rule| rule.scope == path && is_exactly_one_of(&rule.check, &members))
            .map(|rule| rule.name.as_str())
    }

    /// The form's rules declared in the scope `path`, as `regel` elements.
    fn rules(&self, x: &mut Xml, path: &[String]) {
        self.rules_except(x, path, None);
    }

    fn rules_except(&self, x: &mut Xml, path: &[String], except: Option<&str>) {
        for rule in self.form.rules.iter().filter(|r| r.scope == path && Some(r.name.as_str()) != except) {
            if rule.fim.as_ref().is_some_and(|f| self.kept.contains(&f.id)) {
                continue;
            }
            let mut rule_path = path.to_vec();
            rule_path.push(format!("rule:{}", rule.name));
            x.open("regel");
            match &rule.fim {
                Some(fim) => x.identification(&fim.id, fim.version.as_deref()),
                None => x.identification(&self.generated_id('R', &rule_path), Some(&self.form.version)),
            }
            x.leaf("name", &rule.name);
            x.leaf("freitextRegel", self.text(&rule.message));
            x.leaf("letzteAenderung", TIMESTAMP);
            x.code("typ", "urn:xoev-de:fim:codeliste:xdatenfelder.regeltyp", Some("1.0"), "V");
            x.close("regel");
        }
    }
}

/// `(a is set and b is not set) or (a is not set and b is set)` over exactly `members`.
fn is_exactly_one_of(check: &Expr, members: &BTreeSet<ir::Path>) -> bool {
    let alternatives = flatten(check, true);
    if members.len() < 2 || alternatives.len() != members.len() {
        return false;
    }
    let mut chosen = BTreeSet::new();
    for alternative in alternatives {
        let mut set = None;
        let mut all = BTreeSet::new();
        for term in flatten(alternative, false) {
            let path = match term {
                Expr::IsSet { path } if set.is_none() => {
                    set = Some(path.clone());
                    path
                }
                Expr::Not { operand } => match operand.as_ref() {
                    Expr::IsSet { path } => path,
                    _ => return false,
                },
                _ => return false,
            };
            if !all.insert(path.clone()) {
                return false;
            }
        }
        match set {
            Some(set) if all == *members => {
                chosen.insert(set);
            }
            _ => return false,
        }
    }
    chosen == *members
}

/// The operands of nested `or`s (`any`) or `and`s.
fn flatten(expr: &Expr, any: bool) -> Vec<&Expr> {
    match (expr, any) {
        (Expr::Or { operands }, true) | (Expr::And { operands }, false) => {
            operands.iter().flat_map(|o| flatten(o, any)).collect()
        }
        _ => vec![expr],
    }
}

/// FIM's own `anzahl` of a single element, where the metadata keeps it.
fn fim_multiplicity(fim: Option<&ir::FimRef>) -> Option<String> {
    fim.and_then(|f| f.meta.as_deref()).and_then(|m| m.multiplicity.clone())
}

/// `vorbefuellung`: FIM's value where the element has one, else `keine`.
/// `codelisteReferenz`: an external list by URN and, when known, version.
fn codelist_reference(x: &mut Xml, urn: &str, version: Option<&str>) {
    x.open("codelisteReferenz");
    x.leaf("canonicalIdentification", urn);
    if let Some(version) = version {
        x.leaf("version", version);
        x.leaf("canonicalVersionUri", &format!("{urn}_{version}"));
    }
    x.close("codelisteReferenz");
}

/// `vorbefuellung`: FIM's own value when the element has one, else `optional` for a field a
/// portal may prefill (`prefill from`), else `keine`.
fn prefill<'m>(meta: Option<&'m ir::FimMeta>, field: Option<&ir::Prefill>) -> &'m str {
    match (meta.and_then(|m| m.prefill.as_deref()), field) {
        (Some(given), _) => given,
        (None, Some(_)) => "optional",
        (None, None) => "keine",
    }
}

fn one(required: &Requirement) -> String {
    if *required == Requirement::Always { "1:1" } else { "0:1" }.to_string()
}

/// A repeat written for one repeated FIM field: no FIM id of its own, one field, same label.
fn collapsed_field(repeat: &ir::Repeat) -> Option<&ir::Field> {
    match repeat.items.as_slice() {
        [Item::Field(field)] if repeat.fim.is_none() && field.label == repeat.label && repeat.hint.is_none() => {
            Some(field)
        }
        _ => None,
    }
}

/// The media type of an `accept` entry (`image/png` as it is, `.pdf` as `application/pdf`).
fn media_type(accept: &str) -> Option<&str> {
    if accept.contains('/') {
        let valid = accept.split_once('/').is_some_and(|(a, b)| {
            !a.is_empty()
                && !b.is_empty()
                && a.chars().all(|c| c.is_alphanumeric() || c == '_')
                && b.chars().all(|c| c.is_alphanumeric() || "_-+.".contains(c))
        });
        return valid.then_some(accept);
    }
    Some(match accept {
        ".pdf" => "application/pdf",
        ".jpg" | ".jpeg" => "image/jpeg",
        ".png" => "image/png",
        ".gif" => "image/gif",
        ".tif" | ".tiff" => "image/tiff",
        ".txt" => "text/plain",
        ".xml" => "application/xml",
        ".doc" => "application/msword",
        ".docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".odt" => "application/vnd.oasis.opendocument.text",
        _ => return None,
    })
}

/// A version as the XSD wants it: `1` → `1.0.0`, `1.2` → `1.2.0`.
fn version3(version: &str) -> String {
    let mut parts: Vec<&str> = version.split('.').collect();
    while parts.len() < 3 {
        parts.push("0");
    }
    parts.join(".")
}

/// Escapes text for XML content (or, with `attribute`, an attribute value).
fn escape(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
    out
}

/// A tiny indenting XML writer; every element is in the `xdf` namespace except `code`.
#[derive(Default)]
struct Xml {
    out: String,
    depth: usize,
}

impl Xml {
    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }

    fn open(&mut self, tag: &str) {
        self.open_attrs(tag, "");
    }

    fn open_attrs(&mut self, tag: &str, attrs: &str) {
        self.indent();
        self.out.push_str(&format!("<xdf:{tag}{attrs}>\n"));
        self.depth += 1;
    }

    fn close(&mut self, tag: &str) {
        self.depth -= 1;
        self.indent();
        self.out.push_str(&format!("</xdf:{tag}>\n"));
    }

    fn empty(&mut self, tag: &str, attrs: &str) {
        self.indent();
        self.out.push_str(&format!("<xdf:{tag}{attrs}/>\n"));
    }

    /// A text element; the text is mapped to the XSD's character set.
    fn leaf(&mut self, tag: &str, text: &str) {
        self.indent();
        let text = escape(&latin::to_latin(text), false);
        self.out.push_str(&format!("<xdf:{tag}>{text}</xdf:{tag}>\n"));
    }

    fn code(&mut self, tag: &str, list_uri: &str, list_version: Option<&str>, code: &str) {
        self.indent();
        let version = list_version.map(|v| format!(" listVersionID=\"{v}\"")).unwrap_or_default();
        self.out.push_str(&format!("<xdf:{tag} listURI=\"{list_uri}\"{version}><code>{code}</code></xdf:{tag}>\n"));
    }

    /// `definition` and `bezug` of the general data (`AllgemeineAngaben`).
    fn general(&mut self, meta: Option<&ir::FimMeta>) {
        let Some(meta) = meta else { return };
        if let Some(definition) = &meta.definition {
            self.leaf("definition", definition);
        }
        self.bezug(&meta.bezug);
    }

    fn bezug(&mut self, bezug: &[ir::FimBezug]) {
        for entry in bezug {
            self.indent();
            let text = escape(&latin::to_latin(&entry.text), false);
            let link = entry.link.as_ref().map(|l| format!(" link=\"{}\"", escape(l, true))).unwrap_or_default();
            self.out.push_str(&format!("<xdf:bezug{link}>{text}</xdf:bezug>\n"));
        }
    }

    /// The FIM rules kept in an element's metadata, as FIM wrote them.
    fn fim_rules(&mut self, meta: Option<&ir::FimMeta>) {
        for rule in meta.map(|m| m.rules.as_slice()).unwrap_or_default() {
            self.open("regel");
            self.identification(&rule.id, rule.version.as_deref());
            self.leaf("name", rule.name.as_deref().unwrap_or(&rule.id));
            if let Some(text) = &rule.text {
                self.leaf("freitextRegel", text);
            }
            self.bezug(&rule.bezug);
            self.leaf("letzteAenderung", TIMESTAMP);
            let kind = rule.kind.as_deref().unwrap_or("K");
            self.code("typ", "urn:xoev-de:fim:codeliste:xdatenfelder.regeltyp", Some("1.0"), kind);
            if let Some(script) = &rule.script {
                self.leaf("skript", script);
            }
            self.close("regel");
        }
    }

    fn identification(&mut self, id: &str, version: Option<&str>) {
        self.open("identifikation");
        self.leaf("id", id);
        if let Some(version) = version {
            self.leaf("version", &version3(version));
        }
        self.close("identifikation");
    }
}
