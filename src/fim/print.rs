//! The neutral model → idiomatic `.form` source (see `docs/LANGUAGE.md`).
//!
//! Every decision of the import is made here: names from labels, multiplicities as
//! `required` / `optional` / `repeat`, FIM data types as Formwerk types, `praezisierung` as
//! constraints, code lists, rules as comments, choice groups as a rule. What cannot be
//! carried over stays visible: a comment at its place in the source and a warning.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::codelist::Library;
use super::model::*;
use super::names::{self, Scope};
use super::{Report, Warnings};

/// Prints the whole file: a header comment, the code lists, then the form.
pub fn file(schema: &Schema, library: &Library, warnings: &mut Warnings, report: &mut Report) -> String {
    let mut printer = Printer {
        library,
        warnings,
        report,
        lists: Vec::new(),
        list_names: Scope::default(),
        list_keys: BTreeMap::new(),
        rule_names: Scope::default(),
        out: String::new(),
        depth: 1,
    };
    let title = schema.title.clone().unwrap_or_else(|| schema.name.clone());
    let title = one_line(if title.is_empty() { &schema.ident.id } else { &title });
    let form_name = names::snake(&title, "formular");
    let version = schema.ident.version.clone().filter(|v| is_version(v));
    if schema.ident.version.is_some() && version.is_none() {
        printer.warn(&schema.ident.id, "the schema version is not `1.2.3`; the form gets version \"1.0.0\"".into());
    }

    printer.line(&format!("title {}", string(&title)));
    if let Some(description) = schema.description.as_deref().map(paragraphs).filter(|d| !d.is_empty()) {
        printer.line(&format!("description {}", string(&description)));
    }
    printer.line(&format!("version {}", string(version.as_deref().unwrap_or("1.0.0"))));
    printer.line("languages de");
    printer.fim(&schema.ident);
    for rule in &schema.rules {
        printer.rule_comment(rule);
    }
    let mut scope = Scope::default();
    for child in &schema.children {
        printer.child(child, &mut scope, false);
    }
    let body = std::mem::take(&mut printer.out);

    let mut out = String::new();
    let _ = writeln!(
        out,
        "// Imported from FIM XDatenfelder {}: Stammdatenschema {}{} \"{}\".",
        schema.xdf.label(),
        schema.ident.id,
        schema.ident.version.as_deref().map(|v| format!(" version {v}")).unwrap_or_default(),
        one_line(&schema.name).replace('\n', " "),
    );
    out.push_str(
        "// FIM rules are German prose: each is kept as a comment where it applies and is not executable yet.\n\n",
    );
    for list in &printer.lists {
        out.push_str(list);
        out.push('\n');
    }
    let _ = writeln!(out, "form {form_name} {{");
    out.push_str(&body);
    out.push_str("}\n");
    out
}

struct Printer<'a> {
    library: &'a Library,
    warnings: &'a mut Warnings,
    report: &'a mut Report,
    /// Printed `codelist` definitions, in order of first use.
    lists: Vec<String>,
    list_names: Scope,
    /// Content of a list → its name, so identical lists are printed once.
    list_keys: BTreeMap<String, String>,
    rule_names: Scope,
    out: String,
    depth: usize,
}

/// What a FIM field becomes.
enum Kind {
    Field { ty: String, constraints: Vec<String> },
    Info(String),
}

impl Printer<'_> {
    fn warn(&mut self, at: &str, message: String) {
        self.warnings.push(if at.is_empty() { message } else { format!("{at}: {message}") });
    }

    fn line(&mut self, text: &str) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn blank(&mut self) {
        if !self.out.ends_with("{\n") && !self.out.ends_with("\n\n") && !self.out.is_empty() {
            self.out.push('\n');
        }
    }

    fn comment(&mut self, text: &str) {
        for line in text.lines() {
            let line = line.trim_end();
            self.line(&if line.is_empty() { "//".to_string() } else { format!("// {line}") });
        }
    }

    fn fim(&mut self, ident: &Ident) {
        if ident.id.is_empty() {
            return;
        }
        if !is_fim_id(&ident.id) {
            self.warn(&ident.id, "not a FIM id (a letter and digits); not kept".into());
            return;
        }
        match ident.version.as_deref() {
            Some(v) if is_version(v) => self.line(&format!("fim {} version {}", string(&ident.id), string(v))),
            Some(v) => {
                self.warn(&ident.id, format!("version \"{v}\" is not `1.2.3`; the id is kept without it"));
                self.line(&format!("fim {}", string(&ident.id)));
            }
            None => self.line(&format!("fim {}", string(&ident.id))),
        }
    }

    fn rule_comment(&mut self, rule: &RuleDoc) {
        self.report.rules += 1;
        self.blank();
        let version = rule.ident.version.as_deref().map(|v| format!(" {v}")).unwrap_or_default();
        self.line(&format!(
            "// FIM rule {}{version} \"{}\" (not executable yet):",
            rule.ident.id,
            one_line(&rule.name).replace('\n', " ")
        ));
        let text = paragraphs(&rule.text);
        for line in text.lines() {
            self.line(format!("//   {}", line.trim_end()).trim_end());
        }
    }

    /// One `struktur` entry; `in_choice` makes it optional (the choice rule says which one).
    fn child(&mut self, child: &Child, scope: &mut Scope, in_choice: bool) {
        let mut multiplicity = child.multiplicity;
        if in_choice {
            multiplicity.min = 0;
        }
        match &child.element {
            Element::Field(field) => self.field(field, multiplicity, scope),
            Element::Group(group) => self.group(group, multiplicity, scope),
        }
    }

    fn group(&mut self, group: &GroupDef, multiplicity: Multiplicity, scope: &mut Scope) {
        self.report.groups += 1;
        let label = one_line(&group.label);
        let name = scope.claim(names::snake(&label, "gruppe"));
        self.blank();
        if group.children.is_empty() {
            self.warn(&group.ident.id, "the group has no elements; kept as a comment".into());
            self.line(&format!("// FIM group {} \"{}\" has no elements.", group.ident.id, label));
            return;
        }
        let head = if multiplicity.is_single() {
            let flag = if multiplicity.min >= 1 { "required" } else { "optional" };
            format!("group {name} {} {flag} {{", string(&label))
        } else {
            format!("repeat {name} {} {} {{", string(&label), range(multiplicity))
        };
        self.line(&head);
        self.depth += 1;
        if !multiplicity.is_single() {
            self.line(&format!("item {}", string(&label)));
        }
        if let Some(hint) = group.hint.as_deref().map(paragraphs).filter(|h| !h.is_empty()) {
            self.line(&format!("hint {}", string(&hint)));
        }
        self.fim(&group.ident);
        for rule in &group.rules {
            self.rule_comment(rule);
        }
        let mut inner = Scope::default();
        let mut member_names = Vec::new();
        for child in &group.children {
            let before = self.out.len();
            self.child(child, &mut inner, group.choice);
            if group.choice {
                member_names.push((self.last_declared(before), child_label(child)));
            }
        }
        if group.choice {
            self.choice_rule(&name, &member_names);
        }
        self.depth -= 1;
        self.line("}");
    }

    /// The name of the member declared in `self.out[from..]` (for the choice rule).
    fn last_declared(&self, from: usize) -> Option<String> {
        self.out[from..].lines().map(str::trim_start).find_map(|line| {
            let rest = ["field ", "group ", "repeat "].iter().find_map(|kw| line.strip_prefix(kw))?;
            Some(rest.split([':', ' ']).next()?.to_string())
        })
    }

    /// An "Auswahlgruppe": exactly one of the members is given.
    fn choice_rule(&mut self, group: &str, members: &[(Option<String>, String)]) {
        let names: Vec<&String> = members.iter().filter_map(|(n, _)| n.as_ref()).collect();
        if names.len() < 2 {
            self.warn(group, "a choice group (Auswahlgruppe) with fewer than two data elements; no rule".into());
            return;
        }
        let alternatives: Vec<String> = names
            .iter()
            .map(|chosen| {
                let terms: Vec<String> = names
                    .iter()
                    .map(|n| if n == chosen { format!("{n} is set") } else { format!("{n} is not set") })
                    .collect();
                format!("({})", terms.join(" and "))
            })
            .collect();
        let labels: Vec<String> = members.iter().map(|(_, l)| format!("„{l}“")).collect();
        let rule = self.rule_names.claim(format!("{group}_genau_eins"));
        self.blank();
        self.line("// FIM choice group (Auswahlgruppe): exactly one of these is given.");
        self.line(&format!("rule {rule} {{"));
        self.depth += 1;
        self.line(&format!("check {}", alternatives.join(" or ")));
        self.line(&format!(
            "message {}",
            string(&format!("Bitte machen Sie genau eine dieser Angaben: {}.", labels.join(", ")))
        ));
        self.depth -= 1;
        self.line("}");
    }

    fn field(&mut self, field: &FieldDef, multiplicity: Multiplicity, scope: &mut Scope) {
        self.report.fields += 1;
        let label = one_line(&field.label);
        let id = field.ident.id.clone();
        self.blank();
        for rule in &field.rules {
            self.rule_comment(rule);
        }
        let mut notes: Vec<String> = Vec::new();
        if matches!(field.kind.as_str(), "hidden" | "locked") {
            let what = if field.kind == "hidden" { "hidden" } else { "locked (read-only)" };
            self.warn(
                &id,
                format!("field kind `{}` has no Formwerk equivalent; imported as an input field", field.kind),
            );
            notes.push(format!(
                "FIM field kind \"{}\": {what} in FIM; Formwerk has no such fields, so it is an input here.",
                field.kind
            ));
        }
        if field.kind != "label" {
            if let Some(content) = field.content.as_deref().map(one_line).filter(|c| !c.is_empty()) {
                self.warn(
                    &id,
                    format!("default value (inhalt) \"{content}\" not kept: Formwerk has no default values"),
                );
                notes.push(format!("FIM default value (inhalt): {content}"));
            }
        }
        let kind = self.kind(field, &label, &mut notes);
        match kind {
            Kind::Info(text) => {
                let name = scope.claim(names::snake(&label, "hinweis"));
                for note in &notes {
                    self.comment(note);
                }
                self.line(&format!("info {name} {}", string(&text)));
            }
            Kind::Field { ty, constraints } => {
                let name = scope.claim(names::snake(&label, "feld"));
                let repeated = !multiplicity.is_single();
                if repeated {
                    self.line(&format!("repeat {name} {} {} {{", string(&label), range(multiplicity)));
                    self.depth += 1;
                    self.line(&format!("item {}", string(&label)));
                }
                // One value per item of a repeated field.
                let flag = if multiplicity.min >= 1 || repeated { " required" } else { "" };
                for note in &notes {
                    self.comment(note);
                }
                self.line(&format!("field {name}: {ty} {}{flag} {{", string(&label)));
                self.depth += 1;
                if let Some(hint) = field.hint.as_deref().map(paragraphs).filter(|h| !h.is_empty()) {
                    self.line(&format!("hint {}", string(&hint)));
                }
                self.fim(&field.ident);
                for constraint in constraints {
                    self.line(&constraint);
                }
                self.depth -= 1;
                self.line("}");
                if repeated {
                    self.depth -= 1;
                    self.line("}");
                }
            }
        }
    }

    /// The Formwerk type and constraints of a field (or the text of a static label).
    fn kind(&mut self, field: &FieldDef, label: &str, notes: &mut Vec<String>) -> Kind {
        let id = field.ident.id.as_str();
        if field.kind == "label" {
            let body = field.content.as_deref().or(field.hint.as_deref()).map(paragraphs).filter(|t| !t.is_empty());
            return Kind::Info(match body {
                Some(body) if body != label => format!("{label}\n{body}"),
                _ => label.to_string(),
            });
        }
        if field.kind == "select" || !field.values.is_empty() || field.codelist.is_some() {
            if let Some(list) = self.codelist(field, label, notes) {
                return Kind::Field { ty: format!("choice of {list}"), constraints: Vec::new() };
            }
        }
        let mut precision = field.precision.clone();
        if let Some((min, max)) = precision.unparsed.as_deref().and_then(|raw| raw.trim().split_once("..")) {
            // XDF2 files sometimes state a number range as `1..31`.
            if matches!(field.datatype.as_str(), "num" | "num_int" | "num_currency")
                && is_decimal(min.trim())
                && is_decimal(max.trim())
            {
                precision.min_value = Some(min.trim().to_string());
                precision.max_value = Some(max.trim().to_string());
                precision.unparsed = None;
            }
        }
        let p = &precision;
        if let Some(raw) = &p.unparsed {
            self.warn(id, format!("`praezisierung` \"{}\" is not understood; ignored", one_line(raw)));
            notes.push(format!("FIM praezisierung (not understood): {}", one_line(raw)));
        }
        let mut constraints = Vec::new();
        let ty = match field.datatype.as_str() {
            "text" | "text_latin" => "text",
            "bool" => "boolean",
            "date" => "date",
            "num" => "decimal",
            "num_int" => "integer",
            "num_currency" => "money",
            "file" | "obj" => {
                if field.datatype == "obj" {
                    self.warn(id, "data type `obj` (blob) imported as a file upload".into());
                }
                "file"
            }
            "time" | "datetime" => {
                let (pattern, what) = if field.datatype == "time" {
                    ("([01][0-9]|2[0-3]):[0-5][0-9]", "HH:MM")
                } else {
                    ("[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?", "YYYY-MM-DDTHH:MM")
                };
                self.warn(id, format!("data type `{}` imported as text with the pattern {what}", field.datatype));
                constraints.push(format!("pattern {}", string(pattern)));
                "text"
            }
            other => {
                self.warn(id, format!("unknown data type `{other}` imported as text"));
                "text"
            }
        };
        let texty = ty == "text";
        // Lengths.
        let min_len = p.min_length.as_deref().and_then(|v| self.number::<u64>(id, "minLength", v));
        let max_len = p.max_length.as_deref().and_then(|v| self.number::<u64>(id, "maxLength", v));
        if min_len.is_some() || max_len.is_some() {
            let min_len = min_len.filter(|m| *m > 0);
            match (texty, min_len, max_len) {
                (false, _, _) => {
                    self.warn(id, format!("length bounds on a {} field ignored", field.datatype));
                }
                (true, Some(a), Some(b)) if a > b => {
                    self.warn(id, format!("minLength {a} is greater than maxLength {b}; both ignored"));
                }
                (true, Some(a), Some(b)) if a == b => constraints.push(format!("length {a}")),
                (true, a, b) if a.is_some() || b.is_some() => constraints.push(format!(
                    "length {}..{}",
                    a.map(|a| a.to_string()).unwrap_or_default(),
                    b.map(|b| b.to_string()).unwrap_or_default()
                )),
                _ => {}
            }
        }
        // Pattern.
        if let Some(pattern) = &p.pattern {
            if !texty {
                self.warn(id, format!("pattern on a {} field ignored", field.datatype));
                notes.push(format!("FIM pattern (ignored on a {} field): {pattern}", field.datatype));
            } else if !pattern.chars().any(|c| "\\[](){}.*+?|^$".contains(c)) {
                self.warn(id, format!("pattern \"{pattern}\" is plain text, not a pattern; kept as a comment"));
                notes.push(format!("FIM pattern (plain text, not a pattern): {pattern}"));
            } else {
                match crate::check::portable_pattern(pattern) {
                    Ok(_) => constraints.push(format!("pattern {}", string(pattern))),
                    Err(why) => {
                        self.warn(id, format!("pattern \"{pattern}\" kept as a comment: {why}"));
                        notes.push(format!("FIM pattern (not portable: {why}): {pattern}"));
                    }
                }
            }
        }
        // Value bounds.
        if p.min_value.is_some() || p.max_value.is_some() {
            let parse = |v: &str| -> Option<String> {
                let v = v.trim();
                match ty {
                    "integer" => v.parse::<i64>().ok().filter(|n| *n >= 0).map(|n| n.to_string()),
                    "decimal" | "money" => is_decimal(v).then(|| v.to_string()),
                    "date" => is_date(v).then(|| v.to_string()),
                    _ => None,
                }
            };
            let min = p.min_value.as_deref().map(|v| (v, parse(v)));
            let max = p.max_value.as_deref().map(|v| (v, parse(v)));
            let mut bounds = Vec::new();
            for (keyword, bound) in [("min", min), ("max", max)] {
                match bound {
                    Some((_, Some(value))) => bounds.push((keyword, value)),
                    Some((raw, None)) => {
                        self.warn(
                            id,
                            format!("{keyword}Value \"{raw}\" does not fit a {} field; ignored", field.datatype),
                        );
                        notes.push(format!("FIM {keyword}Value (ignored): {raw}"));
                    }
                    None => {}
                }
            }
            if let [(_, a), (_, b)] = bounds.as_slice() {
                if compare(a, b) == Some(std::cmp::Ordering::Greater) {
                    self.warn(id, format!("minValue {a} is greater than maxValue {b}; both ignored"));
                    bounds.clear();
                }
            }
            constraints.extend(bounds.into_iter().map(|(k, v)| format!("{k} {v}")));
        }
        // Files.
        if ty == "file" {
            let accepted: Vec<String> = field.media_types.iter().map(|m| string(&m.to_ascii_lowercase())).collect();
            if !accepted.is_empty() {
                constraints.push(format!("accept {}", accepted.join(", ")));
            }
            if let Some(bytes) = field.max_size {
                // Formwerk states sizes in KB or MB; round down so the limit never grows.
                let kb = (bytes / 1024).max(1);
                if kb * 1024 != bytes {
                    self.warn(id, format!("maxSize {bytes} bytes rounded down to {kb} KB"));
                }
                constraints.push(if kb % 1024 == 0 {
                    format!("max_size {} MB", kb / 1024)
                } else {
                    format!("max_size {kb} KB")
                });
            }
        }
        Kind::Field { ty: ty.to_string(), constraints }
    }

    fn number<T: std::str::FromStr>(&mut self, id: &str, what: &str, value: &str) -> Option<T> {
        let parsed = value.trim().parse().ok();
        if parsed.is_none() {
            self.warn(id, format!("{what} \"{value}\" is not a number; ignored"));
        }
        parsed
    }

    /// The name of the code list of a select field, printing it on first use.
    fn codelist(&mut self, field: &FieldDef, label: &str, notes: &mut Vec<String>) -> Option<String> {
        let id = field.ident.id.as_str();
        let (urn, version, short_name, values) = if !field.values.is_empty() {
            (None, None, None, field.values.clone())
        } else if let Some(reference) = &field.codelist {
            match self.library.find(reference.urn.as_deref(), reference.id.as_deref()) {
                Some(list) => (
                    list.urn.clone().or_else(|| reference.urn.clone()),
                    list.version.clone().or_else(|| reference.version.clone()),
                    list.short_name.clone(),
                    list.codes.clone(),
                ),
                None => {
                    let what = reference.urn.clone().or_else(|| reference.id.clone()).unwrap_or_default();
                    let version = reference.version.as_deref().map(|v| format!(" version {v}")).unwrap_or_default();
                    self.warn(
                        id,
                        format!("code list {what}{version} not available (see --codelists); imported as a text field"),
                    );
                    notes.push(format!(
                        "FIM code list {what}{version}: not available at import; a text field until it is."
                    ));
                    return None;
                }
            }
        } else {
            self.warn(id, "a select field without values or code list; imported as a text field".into());
            return None;
        };
        let mut seen = std::collections::BTreeSet::new();
        let mut codes = Vec::new();
        for (code, name) in values {
            let code = code.trim().to_string();
            if code.is_empty() || !seen.insert(code.clone()) {
                self.warn(id, format!("code \"{code}\" is empty or repeated; skipped"));
                continue;
            }
            codes.push((code, one_line(&name)));
        }
        if codes.is_empty() {
            self.warn(id, "the code list has no codes; imported as a text field".into());
            return None;
        }
        let key = format!("{urn:?}|{version:?}|{codes:?}");
        if let Some(name) = self.list_keys.get(&key) {
            return Some(name.clone());
        }
        let base = short_name.as_deref().filter(|s| !s.is_empty()).unwrap_or(label);
        let name = self.list_names.claim(names::camel(base, "Liste"));
        self.list_keys.insert(key, name.clone());
        self.report.codelists += 1;
        let mut text = format!("codelist {name} {{\n");
        match &urn {
            Some(urn) if urn.starts_with("urn:") => {
                let _ = writeln!(text, "  urn {}", string(urn));
            }
            Some(urn) => self.warn(id, format!("code list identifier \"{urn}\" is not a URN; left out")),
            None => {}
        }
        if let Some(version) = &version {
            let _ = writeln!(text, "  version {}", string(version));
        }
        for (code, label) in &codes {
            let label = if label.is_empty() { code } else { label };
            let _ = writeln!(text, "  code {} {}", string(code), string(label));
        }
        text.push_str("}\n");
        self.lists.push(text);
        Some(name)
    }
}

fn child_label(child: &Child) -> String {
    one_line(match &child.element {
        Element::Field(f) => &f.label,
        Element::Group(g) => &g.label,
    })
}

/// `0..5`, `1..` for a repeat.
fn range(m: Multiplicity) -> String {
    format!("{}..{}", m.min, m.max.map(|m| m.to_string()).unwrap_or_default())
}

/// A string literal with the language's escapes.
pub fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// All whitespace runs as one space (labels).
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Lines trimmed, runs of blank lines as one (hints, descriptions, rule texts).
pub fn paragraphs(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        let line = one_line(line);
        if line.is_empty() && out.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        out.push(line);
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out.join("\n")
}

fn is_version(v: &str) -> bool {
    let parts: Vec<&str> = v.split('.').collect();
    (1..=3).contains(&parts.len()) && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

fn is_fim_id(id: &str) -> bool {
    let mut chars = id.chars();
    matches!(chars.next(), Some('S' | 'G' | 'F' | 'C' | 'D' | 'R' | 'V'))
        && id.len() >= 6
        && chars.all(|c| c.is_ascii_digit())
}

fn is_decimal(v: &str) -> bool {
    let (int, frac) = v.split_once('.').unwrap_or((v, "0"));
    !int.is_empty()
        && !frac.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
}

fn is_date(v: &str) -> bool {
    v.len() == 10 && crate::value::Date::parse(v).is_some()
}

/// Orders two bounds of the same kind (numbers or ISO dates).
fn compare(a: &str, b: &str) -> Option<std::cmp::Ordering> {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x.partial_cmp(&y),
        _ => Some(a.cmp(b)),
    }
}
