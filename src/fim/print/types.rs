//! A FIM field as a Formwerk type: data type, field kind and `praezisierung` as type and
//! constraints, inline values and code lists (inline, from the code-list directory, or
//! not available) as `codelist` declarations, and static labels as infos.

use super::*;

impl Printer<'_> {
    /// The Formwerk type and constraints of a field (or the text of a static label).
    pub(super) fn kind(&mut self, field: &FieldDef, label: &str, notes: &mut Vec<Comment>) -> Kind {
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

    pub(super) fn number<T: std::str::FromStr>(&mut self, id: &str, what: &str, value: &str) -> Option<T> {
        let parsed = value.trim().parse().ok();
        if parsed.is_none() {
            self.warn(id, format!("{what} \"{value}\" is not a number; ignored"));
        }
        parsed
    }

    /// The name of the code list of a select field, printing it on first use.
    pub(super) fn codelist(&mut self, field: &FieldDef, label: &str, notes: &mut Vec<Comment>) -> Option<Name> {
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
            match crate::fim::codelist::lookup(self.library, reference) {
                crate::fim::codelist::Lookup::Found { entry, note } => {
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
                crate::fim::codelist::Lookup::Missing { why } => {
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
    pub(super) fn external_list(&mut self, entry: &crate::codelists::Entry, label: &str) -> Option<Name> {
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
