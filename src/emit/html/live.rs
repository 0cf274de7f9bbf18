//! The optional enhancement bundle: live values of computed fields (`value <expr>`) while a
//! citizen types, where the page runs JavaScript. Without it (or with JavaScript off) a page
//! is exactly what it is without: the `<output>` shows what the server computed.
//!
//! [`plan`] translates each computed field whose expression lies in the covered subset (exact
//! numbers, `+ - * /`, unary minus, number, decimal and money fields, `sum`/`min`/`max` over a
//! repeat, `count` of a repeat's items, computed fields read by others) into JSON data; a
//! field outside it is left out, so its output stays the server's (never a wrong value).
//! [`script`] is one external file per form (`html/<form>.live.js`): the evaluator `live.js`
//! followed by the form's data, JSON written so that no text can end a script or a string
//! (`<`, U+2028 and U+2029 as `\u` escapes). [`with_script`] places the one `<script src>`
//! into a page after the allowlist scan (which a theme's output must still pass, with no
//! script at all): no inline script, no handlers, so `script-src 'self'` holds.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::strings;
use super::view::id_segment;
use crate::ir::{AggregateFunc, ArithOp, Expr, Field, FieldType, Form, Item, Literal, Path, ValueType};

/// The evaluator of the bundle (the same for every form).
const EVALUATOR: &str = include_str!("live.js");

/// Where the bundle of `form` is written, next to its pages (`html/<form>.live.js`).
pub fn file_name(form: &Form) -> String {
    format!("{}.live.js", form.id)
}

/// The bundle of `form`, or `None` when no computed field of the form is covered.
pub fn script(form: &Form) -> Option<String> {
    let plan = plan(form)?;
    Some(format!("{EVALUATOR}\nformwerkLive({});\n", script_json(&plan)))
}

/// `value` as JSON that is also safe inside a script: `<` (no `</script>` or `<!--`), `>`,
/// `&`, U+2028 and U+2029 are written as `\u` escapes (they only occur inside strings).
pub fn script_json(value: &Value) -> String {
    let text = value.to_string();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// The element that loads the bundle at `src` (a URL Formwerk built, never form text).
pub fn element(src: &str) -> String {
    let src: String = src
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'/' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect();
    format!("<script src=\"{src}\" defer></script>")
}

/// Inserts the bundle's element into a scanned page, before its `</head>` (a page without one
/// is left as it is: it works without the bundle).
pub fn with_script(mut html: String, src: &str) -> String {
    if let Some(at) = html.find("</head>") {
        html.insert_str(at, &element(src));
    }
    html
}

/// Whether each computed field of `form` is evaluated live (`Ok`) or left to the server, and
/// why (`Err`), in field order: what the tests and `formwerk` users can read.
pub fn coverage(form: &Form) -> Vec<(String, Result<(), String>)> {
    let index = Index::of(form);
    index.computed.iter().map(|path| (path.join("."), index.output(path, &mut Vec::new()).map(|_| ()))).collect()
}

/// The data of the bundle: the covered outputs, the repeats they count, and each language's
/// decimal separator and suffixes. `None` when nothing is covered.
pub fn plan(form: &Form) -> Option<Value> {
    let index = Index::of(form);
    let mut outputs = Vec::new();
    for path in &index.computed {
        if let Ok(output) = index.output(path, &mut Vec::new()) {
            outputs.push(output);
        }
    }
    if outputs.is_empty() {
        return None;
    }
    let repeats: Vec<Value> = index
        .repeats
        .iter()
        .filter(|(_, info)| info.countable)
        .map(|(path, info)| json!({ "path": path, "id": id_of(path), "max": info.max }))
        .collect();
    let langs: serde_json::Map<String, Value> = form
        .languages
        .iter()
        .map(|lang| {
            let s = strings::for_language(form, lang);
            let suffixes: serde_json::Map<String, Value> = index
                .computed
                .iter()
                .filter_map(|path| {
                    let field = index.fields.get(path)?.field;
                    let suffix = match &field.unit {
                        _ if field.ty == FieldType::Money => Some(s.euro_suffix.to_string()),
                        Some(unit) => {
                            Some(unit.get(lang).or_else(|| unit.values().next()).cloned().unwrap_or_default())
                        }
                        None => None,
                    }?;
                    Some((id_of(path), Value::String(suffix)))
                })
                .collect();
            (lang.clone(), json!({ "separator": s.decimal_separator, "suffixes": suffixes }))
        })
        .collect();
    Some(json!({ "version": 1, "outputs": outputs, "repeats": repeats, "languages": langs }))
}

/// The id of the node at a path outside repeats (as the view builds it).
fn id_of(path: &[String]) -> String {
    path.iter().map(|s| id_segment(s)).collect::<Vec<_>>().join("-")
}

struct FieldInfo<'f> {
    field: &'f Field,
    /// The field, an enclosing group or its page has a visibility condition.
    conditional: bool,
    /// The repeats the field is inside, outermost first.
    repeats: Vec<Path>,
}

struct RepeatInfo {
    conditional: bool,
    nested: bool,
    max: Option<u32>,
    /// Its items can be counted from the page: every item has a posted input (it holds a
    /// field that is not computed, and nothing computed).
    countable: bool,
}

struct Index<'f> {
    fields: BTreeMap<Path, FieldInfo<'f>>,
    repeats: BTreeMap<Path, RepeatInfo>,
    /// The computed fields, in form order.
    computed: Vec<Path>,
}

impl<'f> Index<'f> {
    fn of(form: &'f Form) -> Index<'f> {
        let mut index = Index { fields: BTreeMap::new(), repeats: BTreeMap::new(), computed: Vec::new() };
        for page in &form.pages {
            let items: Vec<&Item> = page.items.iter().collect();
            index.walk(&items, &mut Vec::new(), page.visible.is_some(), &mut Vec::new());
        }
        index
    }

    fn walk(&mut self, items: &[&'f Item], path: &mut Path, conditional: bool, repeats: &mut Vec<Path>) {
        for item in items {
            if item.never_shown() || matches!(item, Item::Info(_)) {
                continue;
            }
            path.push(item.name().to_string());
            let conditional = conditional || item.visible().is_some();
            match item {
                Item::Field(field) => {
                    if field.computed.is_some() {
                        self.computed.push(path.clone());
                    }
                    self.fields.insert(path.clone(), FieldInfo { field, conditional, repeats: repeats.clone() });
                }
                Item::Group(group) => {
                    let children: Vec<&Item> = group.items.iter().collect();
                    self.walk(&children, path, conditional, repeats);
                }
                Item::Repeat(repeat) => {
                    let mut inputs = false;
                    let mut computed = false;
                    let mut visit = |field: &Field| {
                        inputs |= field.computed.is_none();
                        computed |= field.computed.is_some();
                    };
                    fields_of(&repeat.items, &mut visit);
                    self.repeats.insert(
                        path.clone(),
                        RepeatInfo {
                            conditional,
                            nested: !repeats.is_empty(),
                            max: repeat.max,
                            countable: inputs && !computed,
                        },
                    );
                    repeats.push(path.clone());
                    let children: Vec<&Item> = repeat.items.iter().collect();
                    self.walk(&children, path, conditional, repeats);
                    repeats.pop();
                }
                Item::Info(_) => {}
            }
            path.pop();
        }
    }

    /// The output of the computed field at `path`, or why it is left to the server. `active`
    /// holds the computed fields being translated (the checker refuses circles; this only
    /// bounds the recursion).
    fn output(&self, path: &Path, active: &mut Vec<Path>) -> Result<Value, String> {
        let info = self.fields.get(path).ok_or("not a field")?;
        let field = info.field;
        let expr = field.computed.as_ref().ok_or("not computed")?;
        if !info.repeats.is_empty() {
            return Err("a computed field inside a repeat".into());
        }
        if info.conditional {
            return Err("a computed field with a visibility condition (on itself, a group or its page)".into());
        }
        let kind = match field.ty {
            FieldType::Integer => "integer",
            FieldType::Decimal => "decimal",
            FieldType::Money => "money",
            _ => return Err("a computed field that is not a number".into()),
        };
        if active.contains(path) || active.len() > 64 {
            return Err("computed fields that read each other in a circle".into());
        }
        active.push(path.clone());
        let expr = self.expr(expr, None, active);
        active.pop();
        Ok(json!({
            "path": path,
            "id": id_of(path),
            "type": kind,
            "scale": field.computed_scale(),
            "expr": expr?,
        }))
    }

    /// An expression in the bundle's terms; `item` is the repeat whose item is current.
    fn expr(&self, expr: &Expr, item: Option<&Path>, active: &mut Vec<Path>) -> Result<Value, String> {
        Ok(match expr {
            Expr::Literal { value: Literal::Number(n) } => {
                if crate::runtime::decimal::Decimal::parse(n).is_none() {
                    return Err("a number literal the evaluator cannot read".into());
                }
                json!({ "op": "number", "value": n })
            }
            Expr::Field { path, ty } => {
                let ty = match ty {
                    ValueType::Integer => "integer",
                    ValueType::Decimal => "decimal",
                    ValueType::Money => "money",
                    _ => return Err("a field that is not a number".into()),
                };
                let info = self.fields.get(path).ok_or("a path that is not a field")?;
                if info.conditional {
                    return Err("a field with a visibility condition (on itself, a group or its page)".into());
                }
                match (info.repeats.as_slice(), item) {
                    ([], _) => {}
                    ([repeat], Some(current)) if repeat == current => {}
                    _ => return Err("a field of a repeat outside an aggregate over that repeat".into()),
                }
                if info.field.computed.is_some() {
                    let output = self.output(path, active)?;
                    return Ok(json!({ "op": "computed", "id": output["id"].clone() }));
                }
                if !matches!(info.field.ty, FieldType::Integer | FieldType::Decimal | FieldType::Money) {
                    return Err("a field whose input is not a number".into());
                }
                let kind = match info.field.ty {
                    FieldType::Integer => "integer",
                    FieldType::Decimal => "decimal",
                    _ => "money",
                };
                json!({ "op": "field", "path": path, "repeat": info.repeats.first(), "input": kind, "type": ty })
            }
            Expr::Neg { operand, .. } => json!({ "op": "neg", "operand": self.expr(operand, item, active)? }),
            Expr::Arith { arith, lhs, rhs, .. } => {
                let op = match arith {
                    ArithOp::Add => "add",
                    ArithOp::Sub => "sub",
                    ArithOp::Mul => "mul",
                    ArithOp::Div => "div",
                };
                json!({ "op": op, "lhs": self.expr(lhs, item, active)?, "rhs": self.expr(rhs, item, active)? })
            }
            Expr::Aggregate { func, repeat, value, .. } => {
                self.countable(repeat, item)?;
                let func = match func {
                    AggregateFunc::Sum => "sum",
                    AggregateFunc::Min => "min",
                    AggregateFunc::Max => "max",
                };
                json!({ "op": func, "repeat": repeat, "value": self.expr(value, Some(repeat), active)? })
            }
            Expr::Count { path, filter: None } if self.repeats.contains_key(path) => {
                self.countable(path, item)?;
                json!({ "op": "count", "repeat": path })
            }
            Expr::Count { .. } => return Err("`count` with a condition or of a multiple choice".into()),
            Expr::Today => return Err("`today`".into()),
            Expr::ShiftDate { .. } | Expr::DaysBetween { .. } | Expr::Age { .. } => {
                return Err("date arithmetic".into())
            }
            Expr::Length { .. } => return Err("`length`".into()),
            Expr::Literal { .. } => return Err("a literal that is not a number".into()),
            _ => return Err("a condition".into()),
        })
    }

    fn countable(&self, repeat: &Path, item: Option<&Path>) -> Result<(), String> {
        let info = self.repeats.get(repeat).ok_or("a path that is not a repeat")?;
        if item.is_some() || info.nested {
            return Err("an aggregate over a nested repeat".into());
        }
        if info.conditional {
            return Err("a repeat with a visibility condition".into());
        }
        if !info.countable {
            return Err("a repeat whose items hold computed fields or no input".into());
        }
        Ok(())
    }
}

fn fields_of<'f>(items: &'f [Item], f: &mut dyn FnMut(&'f Field)) {
    for item in items {
        match item {
            Item::Field(field) => f(field),
            Item::Group(group) => fields_of(&group.items, f),
            Item::Repeat(repeat) => fields_of(&repeat.items, f),
            Item::Info(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_end_a_script_or_a_string() {
        let value = json!({ "text": "</script><!-- \u{2028}\u{2029} & \"quoted\" 'x' \\" });
        let text = script_json(&value);
        for bad in ["<", ">", "\u{2028}", "\u{2029}", "&"] {
            assert!(!text.contains(bad), "{text}");
        }
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), value);
    }

    #[test]
    fn the_element_names_only_a_safe_url() {
        assert_eq!(element("wohngeld.live.js"), "<script src=\"wohngeld.live.js\" defer></script>");
        assert_eq!(element("a\"b<c>.js"), "<script src=\"a%22b%3Cc%3E.js\" defer></script>");
        let page = with_script("<html><head><title>t</title></head><body></body></html>".into(), "f.live.js");
        assert_eq!(
            page,
            "<html><head><title>t</title><script src=\"f.live.js\" defer></script></head><body></body></html>"
        );
    }
}
