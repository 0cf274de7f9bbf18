//! The `fim "…" { … }` block of an imported element: its FIM id and version, and FIM's
//! metadata (technical name, definition, bezug, output texts, element kind, prefill, FIM's
//! multiplicity, locked, document profile, code-list reference, rules) as source lines.

use super::*;

impl Printer<'_> {
    /// The `fim` statement of an element, with its metadata block when FIM gives any.
    pub(super) fn fim(&mut self, ident: &Ident, extra: Extra) {
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
}

/// What a field's `fim` block holds, with FIM's multiplicity where the field does not say it.
pub(super) fn field_extra(field: &FieldDef, multiplicity: Option<Multiplicity>) -> Extra<'_> {
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
pub(super) struct Extra<'m> {
    /// The technical name (`name`).
    pub(super) name: &'m str,
    pub(super) meta: &'m Meta,
    pub(super) rules: &'m [RuleDoc],
    pub(super) locked: bool,
    pub(super) document: Option<&'m Ident>,
    /// The code-list reference of a select field imported as a text field.
    pub(super) codelist: Option<&'m CodeListRef>,
    /// FIM's `anzahl`, when the printed element does not say it by itself.
    pub(super) multiplicity: Option<Multiplicity>,
}

pub(super) enum Entry {
    Line(Line),
    Open(Line),
    Close,
}

/// The lines of a `fim` block: every text as an escaped string literal; ids and versions
/// without the FIM shape and values outside FIM's code lists are left out.
pub(super) fn meta_lines(extra: &Extra) -> Vec<Entry> {
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
    } else if let Some(m) = extra.multiplicity.filter(|m| m.max.is_none()) {
        // A file field of FIM's unbounded number of files (`count ..100` in the source).
        out.push(Entry::Line(Line::new("multiplicity").word(if m.min >= 1 { "\"1:*\"" } else { "\"0:*\"" })));
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

pub(super) fn bezug_lines(bezug: &[(String, Option<String>)], out: &mut Vec<Entry>) {
    for (text, link) in bezug {
        let line = Line::new("bezug").string(text);
        out.push(Entry::Line(match link {
            Some(link) => line.word("link").string(link),
            None => line,
        }));
    }
}
