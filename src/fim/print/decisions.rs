//! What the translated FIM rules decided, as source: the comment that quotes each FIM rule
//! (translated or kept, with the paths it concerns), `visible when` / `required when` in the
//! block of each element a rule decides about, rules over several members, and the rule
//! "exactly one" of a choice group.

use super::*;

impl Printer<'_> {
    pub(super) fn rule_comment(&mut self, rule: &RuleDoc, owner: Option<usize>, position: usize) {
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
    pub(super) fn paths(&self, mut comment: Comment, nodes: &[usize]) -> Comment {
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
    pub(super) fn members_rule(&mut self, rule: &RuleDoc, check: Check, members: &[(Vec<Name>, String, usize)]) {
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
    pub(super) fn decided(&mut self, index: usize) {
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
    pub(super) fn requirement(&self, index: usize, fim_required: bool) -> Option<bool> {
        match self.decisions.targets.get(&index).map(|d| &d.required) {
            None | Some(Require::Keep) => Some(fim_required),
            Some(Require::Always) => Some(true),
            Some(Require::When(_)) => None,
        }
    }

    pub(super) fn choice_rule(&mut self, group: &Name, base: &Name, members: &[(Option<Name>, String)]) {
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
}

/// A condition as the printed form reads it (three-valued: an absent value is tested with
/// `is not set`, never compared).
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
