//! The neutral model → idiomatic `.form` source (see `docs/LANGUAGE.md`).
//!
//! Every decision of the import is made here: names from labels, multiplicities as
//! `required` / `optional` / `repeat`, FIM data types as Formwerk types, `praezisierung` as
//! constraints, code lists, rules as comments, choice groups as a rule. What cannot be
//! carried over stays visible: a comment at its place in the source and a warning.
//!
//! Text from the XML reaches the source only through [`source`](super::source): as string
//! literals, checked names and literals, or escaped comment text. Ids and versions that do
//! not have the FIM shape are not kept as `fim` statements, only quoted in a comment.
//!
//! This module walks the schema and prints the structure (form, groups, shared group types,
//! repeats, fields); `types` decides a field's type, constraints and code list, `decisions`
//! prints what the translated FIM rules decided (and choice groups), `meta` each `fim` block.

use std::collections::BTreeMap;

mod decisions;
mod meta;
mod types;

use meta::{field_extra, Extra};

use super::codelist::Library;
use super::model::*;
use super::names::{self, Scope};
use super::plan::Plan;
use super::rules::{self, Check, Cond, Decision, Decisions, Domain, Outcome, Require, Value};
use super::share::{self, Key};
use super::source::{self, Comment, Line, Literal, Name, Source};
use super::{Report, Warnings};

/// The most members of a choice group that get the rule "exactly one is given". The rule
/// has one term per pair of members (n² in all) and one alternative of 2n − 1 operators per
/// member, so larger groups would make large rules and reach the parser's bound on
/// operators per expression; their choice is kept as a comment.
pub const MAX_CHOICE_MEMBERS: usize = 32;

/// The printed file and the name of its form.
pub struct Printed {
    pub source: String,
    pub form_name: String,
}

/// Prints the whole file: a header comment, the code lists and shared group types, then the form.
///
/// A file with a group used more than once is printed twice: first everything inline, which
/// records what each use of such a group prints inside it, then, with the groups that can be
/// shared decided ([`share`]), the source itself. Warnings and counts come from the first pass
/// (per use, as the file has them).
pub fn file(schema: &Schema, library: &Library, warnings: &mut Warnings, report: &mut Report) -> Printed {
    let plan = Plan::new(schema);
    let reused = share::reused(&plan);
    let mut printer = Printer::new(library, &plan, warnings, report);
    printer.decisions = rules::decide(schema, &plan, library);
    printer.report.readings = rules::readings(&plan, &printer.decisions);
    printer.candidates = reused.values().flatten().copied().collect();
    printer.record = !reused.is_empty();
    form(&mut printer, schema);
    if reused.is_empty() {
        return assemble(schema, printer);
    }
    let bodies = std::mem::take(&mut printer.bodies);
    let decisions = std::mem::take(&mut printer.decisions);
    drop(printer);
    let sharing = share::decide(&plan, &decisions, &reused, &bodies);
    report.groups_inline = sharing
        .inline
        .iter()
        .map(|((id, version), uses, why)| {
            let version = version.as_deref().map(|v| format!(" {}", subject(v))).unwrap_or_default();
            format!("{}{version} ({uses} uses): {why}", subject(id))
        })
        .collect();
    let mut scratch_warnings = Warnings::new();
    let mut scratch_report = Report::default();
    let mut printer = Printer::new(library, &plan, &mut scratch_warnings, &mut scratch_report);
    printer.decisions = decisions;
    printer.rust_taken = share::rust_names(&plan, &sharing.shared);
    printer.shared = sharing.shared.into_iter().map(|key| (key, None)).collect();
    form(&mut printer, schema);
    let shared_types = printer.types.len();
    let printed = assemble(schema, printer);
    report.shared_types = shared_types;
    printed
}

/// Prints the form's statements and elements into `printer.out`.
fn form(printer: &mut Printer, schema: &Schema) {
    let version = schema.ident.version.clone().filter(|v| is_version(v));
    if schema.ident.version.is_some() && version.is_none() {
        printer.warn(&schema.ident.id, "the schema version is not `1.2.3`; the form gets version \"1.0.0\"".into());
    }
    let title = title(schema);
    printer.out.line(Line::new("title").string(&title));
    if let Some(description) = schema.description.as_deref().map(paragraphs).filter(|d| !d.is_empty()) {
        printer.out.line(Line::new("description").string(&description));
    }
    printer.out.line(Line::new("version").string(version.as_deref().unwrap_or("1.0.0")));
    printer.out.line(Line::new("languages").word("de"));
    // A schema has no output texts, element kind or prefill.
    let schema_meta =
        Meta { definition: schema.meta.definition.clone(), bezug: schema.meta.bezug.clone(), ..Meta::default() };
    printer.fim(
        &schema.ident,
        Extra {
            name: &schema.name,
            meta: &schema_meta,
            rules: &schema.rules,
            locked: false,
            document: schema.document.as_ref(),
            codelist: None,
            multiplicity: None,
        },
    );
    for (position, rule) in schema.rules.iter().enumerate() {
        printer.rule_comment(rule, None, position);
    }
    for child in &schema.children {
        printer.child(child, false);
    }
}

fn title(schema: &Schema) -> String {
    let title = schema.title.clone().unwrap_or_else(|| schema.name.clone());
    one_line(if title.is_empty() { &schema.ident.id } else { &title })
}

/// The file: header comment, code lists, shared group types, the form.
fn assemble(schema: &Schema, printer: Printer) -> Printed {
    let form_name = form_name(&schema.ident.id, &title(schema));
    let mut out = Source::new();
    let header = Comment::new("Imported from FIM XDatenfelder ").words(schema.xdf.label()).words(": Stammdatenschema ");
    let header = if schema.ident.id.is_empty() { header } else { id(header, &schema.ident.id).words(" ") };
    let header = match &schema.ident.version {
        Some(v) => version_words(header.words("version "), v).words(" "),
        None => header,
    };
    out.comment(header.quoted(&one_line(&schema.name)).words("."));
    out.comment(Comment::new(
        "FIM rules are German prose: those of a recognised shape with one meaning are translated (the rule id is named where), the others are kept as comments where they apply.",
    ));
    out.blank();
    for list in &printer.lists {
        out.append(list);
        out.blank();
    }
    if !printer.types.is_empty() {
        out.comment(Comment::new(
            "FIM groups used more than once, printed once as a group type; each use is an instance below.",
        ));
    }
    for ty in &printer.types {
        out.append(ty);
        out.blank();
    }
    out.open(Line::new("form").name(&form_name));
    out.append(&printer.out);
    out.close();
    Printed { source: out.finish(), form_name: form_name.to_string() }
}

/// The form's name: the schema id in lower case before the first words of the title
/// (`s00000000364_anzeige_erstmaligen_ausgabe`), so that the imports of different schemas never
/// share a name and the name of one schema stays the same from version to version. Without a
/// FIM id, only the title words.
fn form_name(id: &str, title: &str) -> Name {
    let words = names::snake(title, "formular");
    if !is_fim_id(id) {
        return words;
    }
    let id = Name::new(&id.to_ascii_lowercase()).expect("a FIM id in lower case is a name");
    if words.as_str() == "formular" || words == id {
        return id;
    }
    id.joined(&words)
}

/// A FIM id in a comment: as it is when it has the FIM shape, else quoted and escaped.
fn id(comment: Comment, id: &str) -> Comment {
    if is_fim_id(id) {
        comment.prose(id)
    } else {
        comment.quoted(id)
    }
}

/// A version in a comment: as it is when it is `1.2.3`, else quoted and escaped.
fn version_words(comment: Comment, version: &str) -> Comment {
    if is_version(version) {
        comment.prose(version)
    } else {
        comment.quoted(version)
    }
}

/// What a warning is about (an id or a name): as it is when it has the shape of one, else
/// quoted and escaped.
pub fn subject(at: &str) -> String {
    if at.bytes().all(|b| b.is_ascii_alphanumeric() || b"_-.:".contains(&b)) {
        at.to_string()
    } else {
        source::string(at)
    }
}

struct Printer<'a> {
    library: &'a Library,
    /// The names of every occurrence; `next` is the occurrence printed next.
    plan: &'a Plan<'a>,
    next: usize,
    /// FIM's multiplicity of the occurrence printed now (before a choice group makes it optional).
    original: Multiplicity,
    decisions: Decisions,
    warnings: &'a mut Warnings,
    report: &'a mut Report,
    /// Printed `codelist` definitions, in order of first use.
    lists: Vec<Source>,
    list_names: Scope,
    /// Content of a list → its name, so identical lists are printed once.
    list_keys: BTreeMap<String, Name>,
    /// A reference to a library list (URN, id) → its name, so a list referenced by many
    /// fields is read and compared once, not once per field.
    resolved: BTreeMap<(Option<String>, Option<String>), Name>,
    /// References that no library list resolves (URN or id, and version), counted once each.
    unresolved: std::collections::BTreeSet<String>,
    rule_names: Scope,
    out: Source,
    /// First pass: the occurrences of groups used more than once, and what each printed inside it.
    candidates: std::collections::BTreeSet<usize>,
    record: bool,
    bodies: BTreeMap<usize, share::Body>,
    /// Second pass: the groups printed as a shared type, with the type's name once printed.
    shared: BTreeMap<Key, Option<Name>>,
    /// Printed group types, in the order they were completed (inner types first).
    types: Vec<Source>,
    /// Rust type names (as the Rust backend derives them) that a group type's name, and the
    /// groups inside it, must not take: those of every group and repeat of the form, of the
    /// code lists and of the types named so far (the checker rejects a collision).
    rust_taken: std::collections::BTreeSet<String>,
    /// The group whose body is printed as a type's (paths in comments are from it, rule
    /// names are its own).
    type_root: Option<usize>,
    /// Library lists read (codes copied and compared), for the test that this happens once per list.
    #[cfg(test)]
    lists_read: usize,
}

/// A Formwerk field type.
enum Type {
    Simple(&'static str),
    Choice(Name),
}

/// What a FIM field becomes.
enum Kind {
    Field { ty: Type, constraints: Vec<Line> },
    Info(String),
}

impl<'a> Printer<'a> {
    fn new(
        library: &'a Library,
        plan: &'a Plan<'a>,
        warnings: &'a mut Warnings,
        report: &'a mut Report,
    ) -> Printer<'a> {
        Printer {
            library,
            plan,
            next: 0,
            original: Multiplicity { min: 0, max: Some(1) },
            decisions: Decisions::default(),
            warnings,
            report,
            lists: Vec::new(),
            list_names: Scope::default(),
            list_keys: BTreeMap::new(),
            resolved: BTreeMap::new(),
            unresolved: std::collections::BTreeSet::new(),
            rule_names: Scope::default(),
            out: Source::new(),
            candidates: std::collections::BTreeSet::new(),
            record: false,
            bodies: BTreeMap::new(),
            shared: BTreeMap::new(),
            types: Vec::new(),
            rust_taken: std::collections::BTreeSet::new(),
            type_root: None,
            #[cfg(test)]
            lists_read: 0,
        }
    }

    fn warn(&mut self, at: &str, message: String) {
        self.warnings.push(if at.is_empty() { message } else { format!("{}: {message}", subject(at)) });
    }

    /// One `struktur` entry; `in_choice` makes it optional (the choice rule says which one).
    /// Returns the name of the field, group or repeat it declares.
    fn child(&mut self, child: &Child, in_choice: bool) -> Option<Name> {
        let mut multiplicity = child.multiplicity;
        if in_choice {
            multiplicity.min = 0;
        }
        let index = self.next;
        self.next += 1;
        self.original = child.multiplicity;
        let name = self.plan.nodes[index].name.clone();
        match &child.element {
            Element::Field(field) => self.field(field, multiplicity, name, index),
            Element::Group(group) => self.group(group, multiplicity, name, index),
        }
    }

    fn group(&mut self, group: &GroupDef, multiplicity: Multiplicity, name: Name, index: usize) -> Option<Name> {
        self.report.groups += 1;
        let label = one_line(&group.label);
        self.out.blank();
        if group.children.is_empty() {
            self.warn(&group.ident.id, "the group has no elements; kept as a comment".into());
            let comment = id(Comment::new("FIM group "), &group.ident.id);
            self.out.comment(comment.words(" ").quoted(&label).words(" has no elements."));
            return None;
        }
        let original = self.original;
        // Formwerk requires a group that holds a required member; FIM may not.
        let printed_required = self.requirement(index, multiplicity.min >= 1) == Some(true);
        let differs = (original.min >= 1) != printed_required
            || (original.min == 0 && group.children.iter().any(|c| c.multiplicity.min >= 1));
        let fim_multiplicity = (original.is_single() && differs).then_some(original);
        let shared = share::key(self.plan, index).filter(|key| self.shared.contains_key(key));
        let ty = shared.map(|key| match self.shared[&key].clone() {
            Some(ty) => {
                // The type is printed: skip the members of this use.
                self.next = self.plan.nodes[index].end;
                ty
            }
            None => {
                let ty = self.type_name(group, index);
                self.shared.insert(key, Some(ty.clone()));
                self.type_def(group, index, &name, &ty, &label);
                ty
            }
        });
        let flag = self.requirement(index, multiplicity.min >= 1);
        match (&ty, multiplicity.is_single()) {
            (None, true) => {
                let head = Line::new("group").name(&name).template(&label);
                self.out.open(match flag {
                    Some(true) => head.word("required"),
                    Some(false) => head.word("optional"),
                    None => head,
                });
            }
            (None, false) => self.open_repeat(&name, &label, multiplicity),
            (Some(ty), true) => {
                let head = Line::new("group").name(&name).glue(":").name(ty).template(&label);
                self.out.open(match flag {
                    Some(true) => head.word("required"),
                    Some(false) => head.word("optional"),
                    None => head,
                });
            }
            (Some(ty), false) => self.out.open(
                Line::new("repeat")
                    .name(&name)
                    .glue(":")
                    .name(ty)
                    .template(&label)
                    .range(Some(multiplicity.min.into()), multiplicity.max.map(u64::from)),
            ),
        }
        if let Some(hint) = group.hint.as_deref().map(paragraphs).filter(|h| !h.is_empty()) {
            self.out.line(Line::new("hint").template(&hint));
        }
        self.fim(
            &group.ident,
            Extra {
                name: &group.name,
                meta: &group.meta,
                rules: &group.rules,
                locked: false,
                document: None,
                codelist: None,
                multiplicity: fim_multiplicity,
            },
        );
        self.decided(index);
        if ty.is_none() {
            let root = self.candidates.contains(&index).then_some(index);
            let start = self.out.len();
            self.body(group, index, &name, root);
            if self.record && root.is_some() {
                let body = share::Body { text: self.out.since(start) };
                self.bodies.insert(index, body);
            }
        }
        self.out.close();
        Some(name)
    }

    /// The name of a group type: from the group's label (or technical name), unique among the
    /// file's types and code lists, and such that neither it nor a group inside it becomes a
    /// Rust type that something else of the form already is.
    fn type_name(&mut self, group: &GroupDef, index: usize) -> Name {
        let base = names::camel(&one_line(names::naming_text(&group.label, &group.name)), "Gruppe");
        let inside = share::inner_paths(self.plan, index);
        loop {
            let name = self.list_names.claim(base.clone());
            // The name itself first: a scope resumes its suffixes, so skipping taken names
            // costs one look-up each, however many there are.
            let own = share::rust_name(&[name.as_str()]);
            if self.rust_taken.contains(&own) {
                continue;
            }
            let rust: Vec<String> = inside
                .iter()
                .map(|path| {
                    let mut parts = vec![name.as_str()];
                    parts.extend(path.iter().map(String::as_str));
                    share::rust_name(&parts)
                })
                .collect();
            if rust.iter().all(|r| !self.rust_taken.contains(r)) {
                self.rust_taken.insert(own);
                self.rust_taken.extend(rust);
                return name;
            }
        }
    }

    /// The shared type of a group used more than once, printed from its first use.
    fn type_def(&mut self, group: &GroupDef, index: usize, name: &Name, ty: &Name, label: &str) {
        let outer = std::mem::take(&mut self.out);
        let original = self.original;
        self.out.open(Line::new("group").name(ty).template(label));
        self.body(group, index, name, Some(index));
        self.out.close();
        self.original = original;
        let def = std::mem::replace(&mut self.out, outer);
        self.types.push(def);
    }

    /// What a group prints inside it after its own statements: its rules, members and choice
    /// rule. With `root`, as the body of a group type (rule names of its own, paths from it).
    fn body(&mut self, group: &GroupDef, index: usize, name: &Name, root: Option<usize>) {
        let saved_root = self.type_root;
        let saved_rules = root.map(|root| {
            self.type_root = Some(root);
            std::mem::take(&mut self.rule_names)
        });
        for (position, rule) in group.rules.iter().enumerate() {
            self.rule_comment(rule, Some(index), position);
        }
        let mut members = Vec::new();
        for child in &group.children {
            let declared = self.child(child, group.choice);
            if group.choice {
                members.push((declared, child_label(child)));
            }
        }
        if group.choice {
            // Inside a type, the rule is named after the group, not after one of its uses.
            let base = match root {
                Some(_) => names::snake(&one_line(names::naming_text(&group.label, &group.name)), "gruppe"),
                None => name.clone(),
            };
            self.choice_rule(name, &base, &members);
        }
        self.type_root = saved_root;
        if let Some(rules) = saved_rules {
            self.rule_names = rules;
        }
    }

    /// An "Auswahlgruppe": exactly one of the members is given.
    /// Opens a `repeat` for an element FIM allows several times, with its item label.
    fn open_repeat(&mut self, name: &Name, label: &str, multiplicity: Multiplicity) {
        self.out.open(
            Line::new("repeat")
                .name(name)
                .template(label)
                .range(Some(multiplicity.min.into()), multiplicity.max.map(u64::from)),
        );
        self.out.line(Line::new("item").string(label));
    }

    /// `count` of a file field that FIM lets take several files: its multiplicity, with the
    /// language's bound on the maximum (a server's work on one field is bounded by the form).
    fn file_count(&mut self, id: &str, multiplicity: Multiplicity) -> Line {
        let limit = crate::check::MAX_FILES;
        let max = match multiplicity.max.map(u64::from) {
            Some(max) if max <= limit => max,
            max => {
                let written = max.map_or("*".to_string(), |m| m.to_string());
                self.warn(
                    id,
                    format!(
                        "multiplicity {}:{written} of a file field: Formwerk takes at most {limit} files in one field (`count ..{limit}`)",
                        multiplicity.min
                    ),
                );
                limit
            }
        };
        // The minimum defaults to one file; absent or required is the field's requirement.
        let min = u64::from(multiplicity.min).min(max);
        Line::new("count").range((min > 1).then_some(min), Some(max))
    }

    fn field(&mut self, field: &FieldDef, multiplicity: Multiplicity, name: Name, index: usize) -> Option<Name> {
        self.report.fields += 1;
        let label = one_line(&field.label);
        let id = field.ident.id.clone();
        self.out.blank();
        for (position, rule) in field.rules.iter().enumerate() {
            self.rule_comment(rule, Some(index), position);
        }
        let mut notes: Vec<Comment> = Vec::new();
        let locked = match field.kind.as_str() {
            "hidden" => Some(("hidden", "FIM field kind \"hidden\": hidden in FIM; Formwerk has no such fields, so it is an input here.")),
            "locked" => Some(("locked", "FIM field kind \"locked\": locked (read-only) in FIM; Formwerk has no such fields, so it is an input here (`locked` in its fim block).")),
            _ => None,
        };
        if let Some((kind, note)) = locked {
            self.warn(&id, format!("field kind `{kind}` has no Formwerk equivalent; imported as an input field"));
            notes.push(Comment::new(note));
        }
        if field.kind != "label" {
            if let Some(content) = field.content.as_deref().map(one_line).filter(|c| !c.is_empty()) {
                self.warn(
                    &id,
                    format!("default value (inhalt) \"{content}\" not kept: Formwerk has no default values"),
                );
                notes.push(Comment::new("FIM default value (inhalt): ").prose(&content));
            }
        }
        let kind = self.kind(field, &label, &mut notes);
        match kind {
            Kind::Info(text) => {
                for note in notes {
                    self.out.comment(note);
                }
                let line = Line::new("info").name(&name).template(&text);
                if self.decisions.targets.contains_key(&index) || !field.ident.id.is_empty() {
                    self.out.open(line);
                    // The export writes a label as 0:1 unless FIM says otherwise.
                    let original = self.original;
                    let differs = original.is_single() && original.min >= 1;
                    self.fim(&field.ident, field_extra(field, differs.then_some(original)));
                    self.decided(index);
                    self.out.close();
                } else {
                    self.out.line(line);
                }
                None
            }
            Kind::Field { ty, mut constraints } => {
                // Several files are FIM's multiplicity of one file field, and Formwerk's `count`
                // (which the export writes back as the multiplicity), not a repeat of files.
                let files = matches!(ty, Type::Simple("file")) && !multiplicity.is_single();
                if files {
                    constraints.push(self.file_count(&id, multiplicity));
                }
                let repeated = !multiplicity.is_single() && !files;
                if repeated {
                    self.open_repeat(&name, &label, multiplicity);
                    self.decided(index);
                }
                for note in notes {
                    self.out.comment(note);
                }
                let head = Line::new("field").name(&name).glue(":");
                let head = match &ty {
                    Type::Simple(ty) => head.word(ty),
                    Type::Choice(list) => head.word("choice").word("of").name(list),
                };
                let head = head.template(&label);
                // One value per item of a repeated field.
                let required = repeated || self.requirement(index, multiplicity.min >= 1) == Some(true);
                let head = if required { head.word("required") } else { head };
                self.out.open(head);
                if let Some(hint) = field.hint.as_deref().map(paragraphs).filter(|h| !h.is_empty()) {
                    self.out.line(Line::new("hint").template(&hint));
                }
                let original = self.original;
                let differs = original.is_single() && (original.min >= 1) != required;
                let mut extra = field_extra(field, differs.then_some(original));
                if files && multiplicity.max.is_none() {
                    // FIM's unbounded number of files, which `count` bounds: the export writes it back.
                    extra.multiplicity = Some(multiplicity);
                }
                if matches!(ty, Type::Simple(_)) && field.values.is_empty() {
                    // A select whose list is not here: FIM's reference stays for the export.
                    extra.codelist = field.codelist.as_ref().filter(|r| r.urn.is_some());
                }
                self.fim(&field.ident, extra);
                if !repeated {
                    self.decided(index);
                }
                for constraint in constraints {
                    self.out.line(constraint);
                }
                self.out.close();
                if repeated {
                    self.out.close();
                }
                Some(name)
            }
        }
    }
}

fn child_label(child: &Child) -> String {
    one_line(match &child.element {
        Element::Field(f) => &f.label,
        Element::Group(g) => &g.label,
    })
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

/// Orders two bounds of the same kind (numbers or ISO dates).
fn compare(a: &str, b: &str) -> Option<std::cmp::Ordering> {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x.partial_cmp(&y),
        _ => Some(a.cmp(b)),
    }
}

#[cfg(test)]
mod tests {
    use super::super::codelist::Genericode;
    use super::*;

    fn select(id: &str, label: &str) -> Child {
        Child {
            multiplicity: Multiplicity { min: 0, max: Some(1) },
            element: Element::Field(FieldDef {
                ident: Ident { id: id.to_string(), version: None },
                name: label.to_string(),
                label: label.to_string(),
                hint: None,
                kind: "select".to_string(),
                datatype: "text".to_string(),
                precision: Precision::default(),
                content: None,
                codelist: Some(CodeListRef { id: Some("C00000001".to_string()), urn: None, version: None }),
                values: Vec::new(),
                max_size: None,
                media_types: Vec::new(),
                meta: Meta::default(),
                rules: Vec::new(),
            }),
        }
    }

    #[test]
    fn a_library_list_is_read_once_however_many_fields_use_it() {
        // 300 fields × 5,000 codes: reading the list per field copied and formatted 1.5 million codes.
        let codes = (0..5_000).map(|i| (format!("{i:05}"), format!("Wert {i}"))).collect();
        let list = Genericode { urn: Some("urn:x".to_string()), version: None, short_name: None, codes };
        let mut library = Library::default();
        library.add("C00000001", "", list).unwrap();
        let (mut warnings, mut report) = (Warnings::new(), Report::default());
        let children: Vec<Child> = (0..300).map(|i| select(&format!("F{i:08}"), "Auswahl")).collect();
        let schema = Schema {
            xdf: XdfVersion::V3,
            ident: Ident::default(),
            name: String::new(),
            title: None,
            meta: Meta::default(),
            document: None,
            description: None,
            rules: Vec::new(),
            children,
        };
        let plan = Plan::new(&schema);
        let mut printer = Printer::new(&library, &plan, &mut warnings, &mut report);
        let declared: Vec<Option<Name>> = schema.children.iter().map(|child| printer.child(child, false)).collect();
        assert_eq!(printer.lists_read, 1);
        assert_eq!(printer.lists.len(), 1);
        assert_eq!(declared.last().unwrap().as_ref().map(Name::as_str), Some("auswahl_300"));
        assert_eq!(printer.out.finish().matches("choice of Auswahl ").count(), 300);
    }
}
