//! What a partial may contain, checked on its handlebars AST, and the partial graph, checked for
//! renders without end. Both run on every theme before anything is rendered with it.
//!
//! A partial may use `{{value}}` (escaped), the block helpers `if`, `unless`, `each` and `with`,
//! the value helpers in [`VALUE_HELPERS`] and static partial calls `{{> name}}` of known partials.
//! Refused: `{{{…}}}` and `{{& …}}` (unescaped output), raw blocks `{{{{…}}}}`, decorators and
//! inline partials `{{* …}}`, partial blocks `{{#> …}}`, any other helper, and dynamic partial
//! names, except `{{> (lookup this "partial")}}`, with which `node` picks a node's partial from
//! [`NODE_PARTIALS`].
//!
//! Partials may call each other in a cycle only if every cycle goes down into the data: the
//! built-in `node` → `group` → `{{#each children}}{{> node}}` recursion descends into a child on
//! every round, so it ends with the data. Each call is classified by the context it passes on
//! ([`Step`]); a cycle in which no call goes down, or in which a call may go up (`@root`, `../`,
//! a literal, a computed value), is refused, so a theme can never render without end.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use handlebars::template::{DecoratorTemplate, HelperTemplate, Parameter, Template, TemplateElement};

/// The block helpers a partial may use.
pub const BLOCK_HELPERS: &[&str] = &["if", "unless", "each", "with"];

/// The helpers a partial may call with arguments, in `{{…}}` and subexpressions.
pub const VALUE_HELPERS: &[&str] = &["lookup", "eq", "ne", "gt", "gte", "lt", "lte", "and", "or", "not", "len"];

/// The partials a node's `partial` field names (`view::Node::partial`).
pub const NODE_PARTIALS: &[&str] = &[
    "text",
    "money",
    "output",
    "textarea",
    "date",
    "radios",
    "checkboxes",
    "checkbox",
    "select",
    "file",
    "group",
    "repeat",
    "info",
];

/// How the context of a partial call relates to the context of the calling partial.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    /// Strictly inside it (a member reached through `each`, `with` or a path).
    Down,
    /// The same value.
    Same,
    /// Possibly anywhere: `@root`, `../`, a literal or a computed value.
    Anywhere,
}

impl Step {
    /// `self`, then `next` relative to it.
    fn then(self, next: Step) -> Step {
        match (self, next) {
            (Step::Anywhere, _) | (_, Step::Anywhere) => Step::Anywhere,
            (Step::Down, _) | (_, Step::Down) => Step::Down,
            (Step::Same, Step::Same) => Step::Same,
        }
    }
}

/// One `{{> name}}` of a partial.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    pub to: String,
    pub step: Step,
    pub line: usize,
}

/// Why a partial was refused, at a 1-based line of its source (0 when unknown).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub message: String,
}

/// Checks the source of one partial; `known` are the partials that exist. Returns its calls.
pub fn check(source: &str, known: &[&str]) -> Result<Vec<Call>, Problem> {
    if let Some(at) = source.find("{{{{") {
        let line = 1 + source[..at].matches('\n').count();
        return Err(Problem { line, message: "raw blocks `{{{{…}}}}` are not allowed".to_string() });
    }
    let template = Template::compile(source).map_err(|error| Problem {
        line: error.pos().map_or(0, |(line, _)| line),
        message: format!("not a handlebars template: {}", error.reason()),
    })?;
    let mut walker = Walker { known, calls: Vec::new() };
    walker.template(&template, Step::Same, 0)?;
    Ok(walker.calls)
}

struct Walker<'k> {
    known: &'k [&'k str],
    calls: Vec<Call>,
}

fn problem<T>(line: usize, message: impl Into<String>) -> Result<T, Problem> {
    Err(Problem { line, message: message.into() })
}

impl Walker<'_> {
    fn template(&mut self, template: &Template, context: Step, outer_line: usize) -> Result<(), Problem> {
        for (index, element) in template.elements.iter().enumerate() {
            let line = template.mapping.get(index).map_or(outer_line, |mapping| mapping.0);
            match element {
                TemplateElement::RawString(_) | TemplateElement::Comment(_) => {}
                TemplateElement::HtmlExpression(_) => {
                    return problem(line, "`{{{…}}}` and `{{& …}}` write text unescaped; use `{{…}}`")
                }
                TemplateElement::Expression(helper) => self.expression(helper, line)?,
                TemplateElement::HelperBlock(helper) => self.block(helper, context, line)?,
                TemplateElement::DecoratorExpression(_) | TemplateElement::DecoratorBlock(_) => {
                    return problem(line, "decorators and inline partials (`{{* …}}`, `{{#* …}}`) are not allowed")
                }
                TemplateElement::PartialExpression(partial) => self.partial(partial, context, line)?,
                TemplateElement::PartialBlock(_) => {
                    return problem(line, "partial blocks (`{{#> …}}`) are not allowed")
                }
                _ => return problem(line, "a template element of an unknown kind"),
            }
        }
        Ok(())
    }

    /// `{{value}}` or `{{helper args}}`.
    fn expression(&mut self, helper: &HelperTemplate, line: usize) -> Result<(), Problem> {
        match &helper.name {
            Parameter::Name(name) if !helper.params.is_empty() || !helper.hash.is_empty() => {
                if !VALUE_HELPERS.contains(&name.as_str()) {
                    return problem(
                        line,
                        format!("helper `{name}` is not allowed (only {})", VALUE_HELPERS.join(", ")),
                    );
                }
            }
            Parameter::Subexpression(_) | Parameter::Name(_) | Parameter::Path(_) | Parameter::Literal(_) => {}
            #[allow(unreachable_patterns)]
            _ => return problem(line, "an expression of an unknown kind"),
        }
        self.parameter(&helper.name, line)?;
        for parameter in helper.params.iter().chain(helper.hash.values()) {
            self.parameter(parameter, line)?;
        }
        Ok(())
    }

    /// Subexpressions in parameters follow the rules of expressions.
    fn parameter(&mut self, parameter: &Parameter, line: usize) -> Result<(), Problem> {
        if let Parameter::Subexpression(sub) = parameter {
            match sub.as_element() {
                TemplateElement::Expression(helper) => self.expression(helper, line)?,
                _ => return problem(line, "a subexpression of an unknown kind"),
            }
        }
        Ok(())
    }

    fn block(&mut self, helper: &HelperTemplate, context: Step, line: usize) -> Result<(), Problem> {
        let name = match &helper.name {
            Parameter::Name(name) => name.as_str(),
            _ => return problem(line, "a block must name its helper"),
        };
        if !BLOCK_HELPERS.contains(&name) {
            return problem(line, format!("block helper `{name}` is not allowed (only {})", BLOCK_HELPERS.join(", ")));
        }
        for parameter in helper.params.iter().chain(helper.hash.values()) {
            self.parameter(parameter, line)?;
        }
        let inner = match name {
            "each" | "with" => context.then(step_of(helper.params.first(), name == "each")),
            _ => context,
        };
        if let Some(template) = &helper.template {
            self.template(template, inner, line)?;
        }
        if let Some(inverse) = &helper.inverse {
            self.template(inverse, context, line)?;
        }
        Ok(())
    }

    fn partial(&mut self, partial: &DecoratorTemplate, context: Step, line: usize) -> Result<(), Problem> {
        let targets: Vec<String> = match &partial.name {
            Parameter::Name(name) if self.known.contains(&name.as_str()) => vec![name.clone()],
            Parameter::Name(name) => return problem(line, format!("`{{{{> {name}}}}}` names no partial")),
            Parameter::Subexpression(sub) if is_node_lookup(sub.as_element()) => {
                NODE_PARTIALS.iter().map(|p| p.to_string()).collect()
            }
            _ => {
                return problem(
                    line,
                    "dynamic partial names are not allowed (only `{{> (lookup this \"partial\")}}`, which picks a node's partial)",
                )
            }
        };
        if partial.params.len() > 1 {
            return problem(line, "a partial call passes at most one context");
        }
        if partial.template.is_some() {
            return problem(line, "partial blocks (`{{#> …}}`) are not allowed");
        }
        for parameter in partial.params.iter().chain(partial.hash.values()) {
            self.parameter(parameter, line)?;
        }
        let mut step = context.then(match partial.params.first() {
            None => Step::Same,
            Some(parameter) => step_of(Some(parameter), false),
        });
        for value in partial.hash.values() {
            if !matches!(value, Parameter::Literal(_)) {
                step = step.max(context.then(step_of(Some(value), false)));
            }
        }
        self.calls.extend(targets.into_iter().map(|to| Call { to, step, line }));
        Ok(())
    }
}

/// `lookup this "partial"` (or `lookup . "partial"`).
fn is_node_lookup(element: &TemplateElement) -> bool {
    let TemplateElement::Expression(helper) = element else { return false };
    let is_this = |p: &Parameter| matches!(p, Parameter::Path(_)) && matches!(p.as_name(), Some("this" | "."));
    matches!(&helper.name, Parameter::Name(name) if name == "lookup")
        && helper.hash.is_empty()
        && helper.params.len() == 2
        && is_this(&helper.params[0])
        && matches!(&helper.params[1], Parameter::Literal(serde_json::Value::String(s)) if s == "partial")
}

/// Where a context parameter leads: a relative path without `..` goes down; `this` stays (or
/// goes down for `each`, which visits the members); anything else may go anywhere.
fn step_of(parameter: Option<&Parameter>, each: bool) -> Step {
    let Some(Parameter::Path(_)) = parameter else { return Step::Anywhere };
    let Some(raw) = parameter.and_then(Parameter::as_name) else { return Step::Anywhere };
    let raw = raw.trim();
    if matches!(raw, "this" | "." | "" | "./" | "this/") {
        return if each { Step::Down } else { Step::Same };
    }
    let rest = raw.strip_prefix("this.").or_else(|| raw.strip_prefix("this/")).or_else(|| raw.strip_prefix("./"));
    let rest = rest.unwrap_or(raw);
    if rest.contains("..") || rest.split(['.', '/']).any(|segment| segment.starts_with('@')) {
        return Step::Anywhere;
    }
    Step::Down
}

/// Refuses partial graphs that could render without end: a cycle with a call that may go
/// anywhere, or a cycle in which no call goes down. `origin` names a partial's file for messages.
pub fn check_graph(calls: &BTreeMap<String, Vec<Call>>, origin: &dyn Fn(&str) -> String) -> Result<(), String> {
    let edges = |filter: &dyn Fn(Step) -> bool| -> BTreeMap<&str, Vec<&str>> {
        let mut map: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (from, list) in calls {
            for call in list.iter().filter(|c| filter(c.step)) {
                map.entry(from.as_str()).or_default().push(call.to.as_str());
            }
        }
        map
    };
    let all = edges(&|_| true);
    let level = edges(&|step| step != Step::Down);
    for (from, list) in calls {
        for call in list {
            if call.step == Step::Down {
                continue;
            }
            let graph = if call.step == Step::Anywhere { &all } else { &level };
            if let Some(path) = path_between(graph, &call.to, from) {
                let cycle = std::iter::once(from.as_str()).chain(path).collect::<Vec<_>>().join("` → `");
                let why = if call.step == Step::Anywhere {
                    "passes a context that is not inside its own (`@root`, `../`, a literal or a computed value)"
                } else {
                    "and every other call of the cycle stay at the same data instead of going down into it"
                };
                return Err(format!(
                    "{} line {}: the partials `{cycle}` call each other, and this call {why}; they could render without end",
                    origin(from),
                    call.line
                ));
            }
        }
    }
    Ok(())
}

/// The partials from `from` to `to` (both included), if `to` can be reached.
fn path_between<'g>(graph: &BTreeMap<&'g str, Vec<&'g str>>, from: &'g str, to: &str) -> Option<Vec<&'g str>> {
    let mut previous: BTreeMap<&str, &str> = BTreeMap::new();
    let mut seen: BTreeSet<&str> = BTreeSet::from([from]);
    let mut queue = VecDeque::from([from]);
    while let Some(node) = queue.pop_front() {
        if node == to {
            let mut path = vec![node];
            let mut at = node;
            while let Some(before) = previous.get(at) {
                path.push(before);
                at = before;
            }
            path.reverse();
            return Some(path);
        }
        for next in graph.get(node).into_iter().flatten() {
            if seen.insert(next) {
                previous.insert(next, node);
                queue.push_back(next);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: &[&str] = &["node", "group", "info", "text", "a", "b"];

    fn refused(source: &str) -> String {
        check(source, KNOWN).unwrap_err().message
    }

    #[test]
    fn only_escaped_output_and_known_helpers() {
        assert!(refused("<p>{{{text}}}</p>").contains("unescaped"));
        assert!(refused("<p>{{& text}}</p>").contains("unescaped"));
        assert!(refused("{{{{raw}}}}<script>{{{{/raw}}}}").contains("raw blocks"));
        assert!(refused("{{#*inline \"x\"}}<b>{{/inline}}").contains("inline partials"));
        assert!(refused("{{#> info}}x{{/info}}").contains("partial blocks"));
        assert!(refused("{{log \"x\"}}").contains("helper `log`"));
        assert!(refused("{{#raw}}x{{/raw}}").contains("block helper `raw`"));
        assert!(refused("{{> (lookup this \"label\")}}").contains("dynamic partial"));
        assert!(refused("{{> kopf}}").contains("names no partial"));
        assert!(refused("{{#if x}}{{concat a b}}{{/if}}").contains("helper `concat`"));
        assert!(refused("{{#if (concat a b)}}{{/if}}").contains("helper `concat`"));
        let calls =
            check("{{#if (eq id \"x\")}}{{lookup @root.cls width}}{{/if}}{{> (lookup this \"partial\")}}", KNOWN)
                .unwrap();
        assert_eq!(calls.len(), NODE_PARTIALS.len());
    }

    #[test]
    fn line_numbers_point_at_the_element() {
        let refusal = check("<p>\n{{text}}\n{{{text}}}</p>", KNOWN).unwrap_err();
        assert_eq!(refusal.line, 3);
    }

    fn graph(partials: &[(&str, &str)]) -> Result<(), String> {
        let calls: BTreeMap<String, Vec<Call>> =
            partials.iter().map(|(name, source)| (name.to_string(), check(source, KNOWN).unwrap())).collect();
        check_graph(&calls, &|name| format!("`{name}.hbs`"))
    }

    #[test]
    fn cycles_must_go_down_into_the_data() {
        assert_eq!(graph(&[("node", "{{> group}}"), ("group", "{{#each children}}{{> node}}{{/each}}")]), Ok(()));
        assert_eq!(graph(&[("node", "{{> group}}"), ("group", "{{> node children}}")]), Ok(()));
        let same = graph(&[("a", "{{> b}}"), ("b", "{{#if x}}{{> a}}{{/if}}")]).unwrap_err();
        assert!(same.contains("`a` → `b` → `a`") && same.contains("same data"), "{same}");
        let root =
            graph(&[("node", "{{> group}}"), ("group", "{{#each @root.steps}}{{> node}}{{/each}}")]).unwrap_err();
        assert!(root.contains("`@root`"), "{root}");
        assert!(graph(&[("node", "{{> group}}"), ("group", "{{#each children}}{{> node ../this}}{{/each}}")]).is_err());
        assert!(graph(&[("node", "{{> group}}"), ("group", "{{#each children}}{{> node x=@root}}{{/each}}")]).is_err());
        assert!(graph(&[("node", "{{> group}}"), ("group", "{{> node \"x\"}}")]).is_err());
        assert!(graph(&[("a", "{{> a}}")]).is_err());
        // Going up is fine where nothing leads back.
        assert_eq!(graph(&[("a", "{{> b @root}}"), ("b", "x")]), Ok(()));
    }
}
