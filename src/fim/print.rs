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

use std::collections::BTreeMap;

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

    /// The `fim` statement of an element, with its metadata block when FIM gives any.
    fn fim(&mut self, ident: &Ident, extra: Extra) {
        if ident.id.is_empty() {
            return;
        }
        if !is_fim_id(&ident.id) {
            self.warn(&ident.id, "not a FIM id (a letter and digits); not kept".into());
            self.out.comment(Comment::new("FIM id (refused, not a FIM id): ").quoted(&ident.id));
            return;
        }
        let fim = Line::new("fim").string(&ident.id);
        let fim = match ident.version.as_deref() {
            Some(v) if is_version(v) => fim.word("version").string(v),
            Some(v) => {
                self.warn(&ident.id, format!("version \"{v}\" is not `1.2.3`; the id is kept without it"));
                self.out.comment(Comment::new("FIM version (refused, not `1.2.3`): ").quoted(v));
                fim
            }
            None => fim,
        };
        let lines = meta_lines(&extra);
        if lines.is_empty() {
            self.out.line(fim);
            return;
        }
        self.out.open(fim);
        for entry in lines {
            match entry {
                Entry::Line(line) => self.out.line(line),
                Entry::Open(line) => self.out.open(line),
                Entry::Close => self.out.close(),
            }
        }
        self.out.close();
    }

    fn rule_comment(&mut self, rule: &RuleDoc, owner: Option<usize>, position: usize) {
        self.out.blank();
        let comment = id(Comment::new("FIM rule "), &rule.ident.id);
        let comment = match &rule.ident.version {
            Some(v) => version_words(comment.words(" "), v),
            None => comment,
        };
        let comment = comment.words(" ").quoted(&one_line(&rule.name));
        let (shape, outcome) = match self.decisions.rules.get(&(owner, position)) {
            Some((_, shape, outcome)) => (*shape, outcome.clone()),
            None => (rules::Shape::Other, Outcome::Kept("the text is not recognised", Vec::new())),
        };
        let translated = !matches!(outcome, Outcome::Kept(..));
        self.report.rule(shape, translated);
        match &outcome {
            Outcome::Conditions(targets) => {
                let comment = comment.words(", translated (").words(shape.label()).words(") at ");
                self.out.comment(self.paths(comment, targets).words(":"));
            }
            Outcome::Rule(..) => {
                self.out.comment(comment.words(", translated (").words(shape.label()).words(") into the rule below:"));
            }
            Outcome::Kept(why, concerns) => {
                let comment = comment.words(" (kept as a comment: ").words(why);
                let comment =
                    if concerns.is_empty() { comment } else { self.paths(comment.words("; concerns "), concerns) };
                self.out.comment(comment.words("):"));
            }
        }
        self.out.prose("   ", &paragraphs(&rule.text));
        if let Outcome::Rule(check, members) = outcome {
            self.members_rule(rule, check, &members);
        }
    }

    /// `a.b, c` — the paths of occurrences, from the form.
    fn paths(&self, mut comment: Comment, nodes: &[usize]) -> Comment {
        for (k, node) in nodes.iter().enumerate() {
            if k > 0 {
                comment = comment.words(", ");
            }
            let mut chain = self.plan.chain(*node);
            // Inside a group type, from the type.
            if let Some(at) =
                self.type_root.and_then(|root| chain.iter().position(|c| *c == root)).filter(|at| at + 1 < chain.len())
            {
                chain.drain(..=at);
            }
            for (j, part) in chain.into_iter().enumerate() {
                if j > 0 {
                    comment = comment.words(".");
                }
                comment = comment.name(&self.plan.nodes[part].name);
            }
        }
        comment
    }

    /// A rule over members of the rule's owner.
    fn members_rule(&mut self, rule: &RuleDoc, check: Check, members: &[(Vec<Name>, String, usize)]) {
        let base = Name::new(&format!("fim_{}", rule.ident.id.to_ascii_lowercase()))
            .unwrap_or_else(|| Name::fallback("fim_regel"));
        let name = self.rule_names.claim(base);
        let mut line = Line::new("check");
        for (i, (chosen, _, _)) in members.iter().enumerate() {
            if i > 0 {
                line = line.word("or");
            }
            match check {
                Check::AtLeastOne => line = line.path(chosen).word("is set"),
                Check::AtLeastOneTrue => {
                    line = line
                        .word("(")
                        .path(chosen)
                        .word("is set")
                        .word("and")
                        .path(chosen)
                        .word("==")
                        .word("true")
                        .glue(")")
                }
                Check::ExactlyOne => {
                    line = line.word("(");
                    for (j, (path, _, _)) in members.iter().enumerate() {
                        if j > 0 {
                            line = line.word("and");
                        }
                        line = line.path(path).word(if path == chosen { "is set" } else { "is not set" });
                    }
                    line = line.glue(")");
                }
            }
        }
        let labels: Vec<String> = members.iter().map(|(_, l, _)| format!("„{l}“")).collect();
        let message = match check {
            Check::AtLeastOne => format!("Bitte machen Sie mindestens eine dieser Angaben: {}.", labels.join(", ")),
            Check::AtLeastOneTrue => format!("Bitte wählen Sie mindestens eines aus: {}.", labels.join(", ")),
            Check::ExactlyOne => format!("Bitte machen Sie genau eine dieser Angaben: {}.", labels.join(", ")),
        };
        self.out.open(Line::new("rule").name(&name));
        self.out.line(line);
        self.out.line(Line::new("message").string(&message));
        // The origin: the export writes the FIM rule (kept in its element's `fim` block) instead.
        if rule.ident.id.starts_with('R') && is_fim_id(&rule.ident.id) {
            let fim = Line::new("fim").string(&rule.ident.id);
            self.out.line(match rule.ident.version.as_deref().filter(|v| is_version(v)) {
                Some(v) => fim.word("version").string(v),
                None => fim,
            });
        }
        self.out.close();
    }

    /// The statements a translated rule puts into an element's block.
    fn decided(&mut self, index: usize) {
        let Some(decision) = self.decisions.targets.get(&index).cloned() else { return };
        let Decision { rule, visible, required } = decision;
        self.out.comment(id(Comment::new("FIM rule "), &rule).words(":"));
        if let Some(cond) = &visible {
            self.out.line(condition(Line::new("visible").word("when"), cond));
        }
        if let Require::When(cond) = &required {
            self.out.line(condition(Line::new("required").word("when"), cond));
        }
    }

    /// The head flag of an element a rule may make required: `Some(true)` required,
    /// `Some(false)` optional, `None` none (a `required when` follows).
    fn requirement(&self, index: usize, fim_required: bool) -> Option<bool> {
        match self.decisions.targets.get(&index).map(|d| &d.required) {
            None | Some(Require::Keep) => Some(fim_required),
            Some(Require::Always) => Some(true),
            Some(Require::When(_)) => None,
        }
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

    fn choice_rule(&mut self, group: &Name, base: &Name, members: &[(Option<Name>, String)]) {
        let names: Vec<&Name> = members.iter().filter_map(|(n, _)| n.as_ref()).collect();
        if names.len() < 2 {
            self.warn(
                group.as_str(),
                "a choice group (Auswahlgruppe) with fewer than two data elements; no rule".into(),
            );
            return;
        }
        if names.len() > MAX_CHOICE_MEMBERS {
            self.warn(
                group.as_str(),
                format!(
                    "a choice group (Auswahlgruppe) with {} members; the rule that exactly one is given is written for at most {MAX_CHOICE_MEMBERS} and is kept as a comment",
                    names.len()
                ),
            );
            self.out.blank();
            self.out.comment(
                Comment::new("FIM choice group (Auswahlgruppe): exactly one of these ")
                    .int(names.len() as u64)
                    .words(" members is given (too many for a rule)."),
            );
            return;
        }
        let mut check = Line::new("check");
        for (i, chosen) in names.iter().enumerate() {
            if i > 0 {
                check = check.word("or");
            }
            check = check.word("(");
            for (j, name) in names.iter().enumerate() {
                if j > 0 {
                    check = check.word("and");
                }
                check = check.name(name).word(if name == chosen { "is set" } else { "is not set" });
            }
            check = check.glue(")");
        }
        let labels: Vec<String> = members.iter().map(|(_, l)| format!("„{l}“")).collect();
        let rule = self.rule_names.claim(base.suffixed("genau_eins"));
        self.out.blank();
        self.out.comment(Comment::new("FIM choice group (Auswahlgruppe): exactly one of these is given."));
        self.out.open(Line::new("rule").name(&rule));
        self.out.line(check);
        self.out.line(
            Line::new("message").string(&format!("Bitte machen Sie genau eine dieser Angaben: {}.", labels.join(", "))),
        );
        self.out.close();
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
            Kind::Field { ty, constraints } => {
                let repeated = !multiplicity.is_single();
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

    /// The Formwerk type and constraints of a field (or the text of a static label).
    fn kind(&mut self, field: &FieldDef, label: &str, notes: &mut Vec<Comment>) -> Kind {
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
                return Kind::Field { ty: Type::Choice(list), constraints: Vec::new() };
            }
        }
        let mut precision = field.precision.clone();
        if let Some((min, max)) = precision.unparsed.as_deref().and_then(|raw| raw.trim().split_once("..")) {
            // XDF2 files sometimes state a number range as `1..31`.
            if matches!(field.datatype.as_str(), "num" | "num_int" | "num_currency")
                && Literal::decimal(min.trim()).is_some()
                && Literal::decimal(max.trim()).is_some()
            {
                precision.min_value = Some(min.trim().to_string());
                precision.max_value = Some(max.trim().to_string());
                precision.unparsed = None;
            }
        }
        let p = &precision;
        if let Some(raw) = &p.unparsed {
            self.warn(id, format!("`praezisierung` \"{}\" is not understood; ignored", one_line(raw)));
            notes.push(Comment::new("FIM praezisierung (not understood): ").prose(&one_line(raw)));
        }
        let mut constraints = Vec::new();
        let ty: &'static str = match field.datatype.as_str() {
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
                constraints.push(Line::new("pattern").string(pattern));
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
                (true, Some(a), Some(b)) if a == b => constraints.push(Line::new("length").int(a)),
                (true, a, b) if a.is_some() || b.is_some() => constraints.push(Line::new("length").range(a, b)),
                _ => {}
            }
        }
        // Pattern.
        if let Some(pattern) = &p.pattern {
            if !texty {
                self.warn(id, format!("pattern on a {} field ignored", field.datatype));
                notes.push(
                    Comment::new("FIM pattern (ignored on a ").prose(&field.datatype).words(" field): ").prose(pattern),
                );
            } else if !pattern.chars().any(|c| "\\[](){}.*+?|^$".contains(c)) {
                self.warn(id, format!("pattern \"{pattern}\" is plain text, not a pattern; kept as a comment"));
                notes.push(Comment::new("FIM pattern (plain text, not a pattern): ").prose(pattern));
            } else {
                // The checker's own pattern validation: whatever it rejects stays a comment.
                match crate::check::portable_pattern(pattern) {
                    Ok(_) => constraints.push(Line::new("pattern").string(pattern)),
                    Err(why) => {
                        self.warn(id, format!("pattern \"{pattern}\" kept as a comment: {why}"));
                        notes.push(Comment::new("FIM pattern (not portable: ").prose(&why).words("): ").prose(pattern));
                    }
                }
            }
        }
        // Value bounds.
        if p.min_value.is_some() || p.max_value.is_some() {
            let parse = |v: &str| -> Option<Literal> {
                let v = v.trim();
                match ty {
                    "integer" => v.parse::<i64>().ok().and_then(|n| u64::try_from(n).ok()).map(Literal::integer),
                    "decimal" | "money" => Literal::decimal(v),
                    "date" => Literal::date(v),
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
                        let note =
                            if keyword == "min" { "FIM minValue (ignored): " } else { "FIM maxValue (ignored): " };
                        notes.push(Comment::new(note).prose(raw));
                    }
                    None => {}
                }
            }
            if let [(_, a), (_, b)] = bounds.as_slice() {
                if compare(a.as_str(), b.as_str()) == Some(std::cmp::Ordering::Greater) {
                    self.warn(
                        id,
                        format!("minValue {} is greater than maxValue {}; both ignored", a.as_str(), b.as_str()),
                    );
                    bounds.clear();
                }
            }
            constraints.extend(bounds.into_iter().map(|(keyword, value)| {
                let line = if keyword == "min" { Line::new("min") } else { Line::new("max") };
                line.literal(&value)
            }));
        }
        // Files.
        if ty == "file" {
            let mut accept: Option<Line> = None;
            for media_type in &field.media_types {
                let media_type = media_type.trim().to_ascii_lowercase();
                // The checker's own rule: a type it would reject stays a comment.
                if !crate::check::is_file_type(&media_type) {
                    self.warn(id, format!("\"{}\" is not a file type; kept as a comment", one_line(&media_type)));
                    notes.push(Comment::new("FIM file type (not a file type): ").prose(&media_type));
                    continue;
                }
                accept = Some(match accept {
                    None => Line::new("accept").string(&media_type),
                    Some(line) => line.glue(",").string(&media_type),
                });
            }
            constraints.extend(accept);
            if let Some(bytes) = field.max_size.filter(|b| *b > 0) {
                // Exact: MB or KB when the size is a whole number of them, else bytes.
                constraints.push(if bytes % (1024 * 1024) == 0 {
                    Line::new("max_size").int(bytes / (1024 * 1024)).word("MB")
                } else if bytes % 1024 == 0 {
                    Line::new("max_size").int(bytes / 1024).word("KB")
                } else {
                    Line::new("max_size").int(bytes).word("B")
                });
            }
        }
        Kind::Field { ty: Type::Simple(ty), constraints }
    }

    fn number<T: std::str::FromStr>(&mut self, id: &str, what: &str, value: &str) -> Option<T> {
        let parsed = value.trim().parse().ok();
        if parsed.is_none() {
            self.warn(id, format!("{what} \"{value}\" is not a number; ignored"));
        }
        parsed
    }

    /// The name of the code list of a select field, printing it on first use.
    fn codelist(&mut self, field: &FieldDef, label: &str, notes: &mut Vec<Comment>) -> Option<Name> {
        let id = field.ident.id.as_str();
        let reference_key = field.codelist.as_ref().map(|r| (r.urn.clone(), r.id.clone()));
        let (urn, version, short_name, values) = if !field.values.is_empty() {
            (None, None, None, field.values.clone())
        } else if let Some(reference) = &field.codelist {
            if let Some(name) = reference_key.as_ref().and_then(|key| self.resolved.get(key)) {
                return Some(name.clone());
            }
            #[cfg(test)]
            {
                self.lists_read += 1;
            }
            match super::codelist::lookup(self.library, reference) {
                super::codelist::Lookup::Found { entry, note } => {
                    if let Some(note) = note {
                        self.warn(id, note);
                    }
                    if let Some(name) = self.external_list(entry, label) {
                        if let Some(key) = reference_key {
                            self.resolved.insert(key, name.clone());
                        }
                        return Some(name);
                    }
                    let list = &entry.list;
                    (
                        list.urn.clone().or_else(|| reference.urn.clone()),
                        list.version.clone().or_else(|| reference.version.clone()),
                        list.short_name.clone(),
                        list.codes.clone(),
                    )
                }
                super::codelist::Lookup::Missing { why } => {
                    self.warn(id, format!("{why}; imported as a text field"));
                    let what = reference.urn.clone().or_else(|| reference.id.clone()).unwrap_or_default();
                    let version = reference.version.as_deref().map(|v| format!(" version {v}")).unwrap_or_default();
                    if self.unresolved.insert(format!("{what}{version}")) {
                        self.report.codelists_unresolved += 1;
                    }
                    notes.push(
                        Comment::new("FIM code list ")
                            .prose(&format!("{what}{version}"))
                            .words(": not available at import; a text field until it is."),
                    );
                    return None;
                }
            }
        } else {
            self.warn(id, "a select field without values or code list; imported as a text field".into());
            return None;
        };
        let inline = !field.values.is_empty();
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
        let name = match self.list_keys.get(&key) {
            Some(name) => name.clone(),
            None => {
                let base = short_name.as_deref().filter(|s| !s.is_empty()).unwrap_or(label);
                let name = self.list_names.claim(names::camel(base, "Liste"));
                self.rust_taken.insert(share::rust_name(&[name.as_str()]));
                self.list_keys.insert(key, name.clone());
                self.report.codelists += 1;
                let mut list = Source::new();
                list.open(Line::new("codelist").name(&name));
                match &urn {
                    Some(urn) if urn.starts_with("urn:") => list.line(Line::new("urn").string(urn)),
                    Some(urn) => self.warn(id, format!("code list identifier \"{urn}\" is not a URN; left out")),
                    None => {}
                }
                if let Some(version) = &version {
                    list.line(Line::new("version").string(version));
                }
                for (code, label) in &codes {
                    let label = if label.is_empty() { code } else { label };
                    list.line(Line::new("code").string(code).string(label));
                }
                list.close();
                self.lists.push(list);
                name
            }
        };
        if let (false, Some(key)) = (inline, reference_key) {
            self.resolved.insert(key, name.clone());
        }
        Some(name)
    }

    /// A library list whose URN and version name it exactly is printed as a reference
    /// (`codelist Staat from "urn:…" version "2023-02-24"`), once per list; the checker
    /// resolves it from the same library. `None` when the list cannot be named that way
    /// (no URN or version, or codes the checker would refuse): it is then printed inline.
    fn external_list(&mut self, entry: &crate::codelists::Entry, label: &str) -> Option<Name> {
        let list = &entry.list;
        let urn = list.urn.as_deref().filter(|u| u.starts_with("urn:"))?;
        let version = list.version.as_deref()?;
        if !matches!(self.library.resolve(urn, Some(version)), crate::codelists::Resolution::Exact(_))
            || crate::codelists::invalid_codes(&list.codes).is_some()
        {
            return None;
        }
        let key = format!("external|{urn}|{version}");
        if let Some(name) = self.list_keys.get(&key) {
            return Some(name.clone());
        }
        let base = list.short_name.as_deref().filter(|s| !s.is_empty()).unwrap_or(label);
        let name = self.list_names.claim(names::camel(base, "Liste"));
        self.rust_taken.insert(share::rust_name(&[name.as_str()]));
        self.list_keys.insert(key, name.clone());
        self.report.codelists += 1;
        self.report.codelists_external += 1;
        let mut printed = Source::new();
        printed.line(Line::new("codelist").name(&name).word("from").string(urn).word("version").string(version));
        self.lists.push(printed);
        Some(name)
    }
}

/// A condition as the printed form reads it (three-valued: an absent value is tested with
/// `is not set`, never compared).
fn field_extra(field: &FieldDef, multiplicity: Option<Multiplicity>) -> Extra<'_> {
    Extra {
        name: &field.name,
        meta: &field.meta,
        rules: &field.rules,
        locked: field.kind == "locked",
        document: None,
        codelist: None,
        multiplicity,
    }
}

/// What an element's `fim` block holds besides id and version.
struct Extra<'m> {
    /// The technical name (`name`).
    name: &'m str,
    meta: &'m Meta,
    rules: &'m [RuleDoc],
    locked: bool,
    document: Option<&'m Ident>,
    /// The code-list reference of a select field imported as a text field.
    codelist: Option<&'m CodeListRef>,
    /// FIM's `anzahl`, when the printed element does not say it by itself.
    multiplicity: Option<Multiplicity>,
}

enum Entry {
    Line(Line),
    Open(Line),
    Close,
}

/// The lines of a `fim` block: every text as an escaped string literal; ids and versions
/// without the FIM shape and values outside FIM's code lists are left out.
fn meta_lines(extra: &Extra) -> Vec<Entry> {
    let mut out = Vec::new();
    let meta = extra.meta;
    if !extra.name.is_empty() {
        out.push(Entry::Line(Line::new("name").string(extra.name)));
    }
    if let Some(definition) = &meta.definition {
        out.push(Entry::Line(Line::new("definition").string(definition)));
    }
    bezug_lines(&meta.bezug, &mut out);
    if let Some(label) = &meta.output_label {
        out.push(Entry::Line(Line::new("output").word("label").string(label)));
    }
    if let Some(hint) = &meta.output_hint {
        out.push(Entry::Line(Line::new("output").word("hint").string(hint)));
    }
    // `RNG` and `keine` are what the export writes when nothing is given.
    if let Some(element) = meta.element.as_deref().filter(|e| ["ABS", "HAR"].contains(e)) {
        out.push(Entry::Line(Line::new("element").string(element)));
    }
    if let Some(prefill) = meta.prefill.as_deref().filter(|p| ["optional", "verpflichtend"].contains(p)) {
        out.push(Entry::Line(Line::new("prefill").string(prefill)));
    }
    if let Some(m) = extra.multiplicity.filter(|m| m.is_single()) {
        out.push(Entry::Line(Line::new("multiplicity").word(if m.min >= 1 { "\"1:1\"" } else { "\"0:1\"" })));
    }
    if extra.locked {
        out.push(Entry::Line(Line::new("locked")));
    }
    if let Some((urn, version)) = extra.codelist.and_then(|r| Some((r.urn.as_deref()?, r.version.as_deref()))) {
        let line = Line::new("codelist").string(urn);
        out.push(Entry::Line(match version {
            Some(v) => line.word("version").string(v),
            None => line,
        }));
    }
    if let Some(document) = extra.document.filter(|d| d.id.starts_with('D') && is_fim_id(&d.id)) {
        let line = Line::new("document").string(&document.id);
        out.push(Entry::Line(match document.version.as_deref().filter(|v| is_version(v)) {
            Some(v) => line.word("version").string(v),
            None => line,
        }));
    }
    for rule in extra.rules.iter().filter(|r| r.ident.id.starts_with('R') && is_fim_id(&r.ident.id)) {
        let head = Line::new("rule").string(&rule.ident.id);
        let head = match rule.ident.version.as_deref().filter(|v| is_version(v)) {
            Some(v) => head.word("version").string(v),
            None => head,
        };
        let mut body = Vec::new();
        if !rule.name.is_empty() {
            body.push(Entry::Line(Line::new("name").string(&rule.name)));
        }
        if !rule.text.is_empty() {
            body.push(Entry::Line(Line::new("text").string(&rule.text)));
        }
        if let Some(script) = &rule.script {
            body.push(Entry::Line(Line::new("script").string(script)));
        }
        if let Some(kind) = rule.kind.as_deref().filter(|k| ["B", "K", "M", "V"].contains(k)) {
            body.push(Entry::Line(Line::new("kind").string(kind)));
        }
        bezug_lines(&rule.bezug, &mut body);
        if body.is_empty() {
            out.push(Entry::Line(head));
        } else {
            out.push(Entry::Open(head));
            out.extend(body);
            out.push(Entry::Close);
        }
    }
    out
}

fn bezug_lines(bezug: &[(String, Option<String>)], out: &mut Vec<Entry>) {
    for (text, link) in bezug {
        let line = Line::new("bezug").string(text);
        out.push(Entry::Line(match link {
            Some(link) => line.word("link").string(link),
            None => line,
        }));
    }
}

fn condition(mut line: Line, cond: &Cond) -> Line {
    let absent = cond.values.contains(&Value::Absent);
    let values: Vec<&Value> = cond.values.iter().filter(|v| **v != Value::Absent).collect();
    let every = match &cond.domain {
        Domain::Choice(codes) => codes.len(),
        Domain::Bool => 2,
        Domain::Presence => 1,
    };
    if absent {
        line = line.path(&cond.path).word("is not set");
        if values.is_empty() {
            return line;
        }
        line = line.word("or");
    }
    if values.len() == every {
        return line.path(&cond.path).word("is set");
    }
    line = line.path(&cond.path);
    match values.as_slice() {
        [Value::Bool(b)] => line.word("==").word(if *b { "true" } else { "false" }),
        [Value::Code(code)] => line.word("==").string(code),
        codes => {
            let mut line = line.word("in").word("[");
            for (k, v) in codes.iter().enumerate() {
                if let Value::Code(code) = v {
                    line = if k > 0 { line.glue(",").string(code) } else { line.string(code) };
                }
            }
            line.word("]")
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
