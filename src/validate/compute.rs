//! Computing the values of computed fields (`value <expr>`) into a submission: what a server
//! does with posted form data (a browser's value of a read-only field is not trusted), what
//! a page shows, and what a valid example holds. The values are the ones the validators
//! require (`ir::Field::computed`): shown and known, the expression's value rounded to the
//! field's decimals; unknown or hidden, absent. Nothing inside an absent group or past a
//! repeat's maximum is computed, as nothing there is checked.

use serde_json::Value;

use super::{Compiled, Options};
use crate::ir::{Field, FieldType, Item};
use crate::runtime::logic::{self, V};

impl Compiled<'_> {
    /// Writes every computed field of `submission` (a JSON object) as the validators require
    /// it. Computed fields may read each other (never in a circle, the checker makes sure),
    /// so this repeats until nothing changes, at most once per computed field and once more.
    pub fn fill_computed(&self, submission: &mut Value, options: &Options) {
        let mut computed = 0usize;
        super::for_each_field(self.form, &mut |field| computed += usize::from(field.computed.is_some()));
        if computed == 0 {
            return;
        }
        let items: Vec<&Item> = self.form.items().collect();
        for _ in 0..=computed {
            let mut writes = Vec::new();
            let mut path = Vec::new();
            let mut indices = Vec::new();
            self.collect(
                &items,
                submission,
                submission,
                &mut path,
                &mut Vec::new(),
                &mut indices,
                options,
                &mut writes,
            );
            let mut changed = false;
            for (steps, value) in writes {
                changed |= write(submission, &steps, value);
            }
            if !changed {
                return;
            }
        }
    }

    /// The value every shown computed field of the object `value` (at `path`) must have.
    #[allow(clippy::too_many_arguments)]
    fn collect(
        &self,
        items: &[&Item],
        root: &Value,
        value: &Value,
        path: &mut Vec<String>,
        steps: &mut Vec<Step>,
        indices: &mut Vec<(Vec<String>, usize)>,
        options: &Options,
        writes: &mut Vec<(Vec<Step>, Option<Value>)>,
    ) {
        let Some(object) = value.as_object() else { return };
        for item in items {
            if matches!(item, Item::Info(_)) {
                continue;
            }
            let shown = item.visible().is_none_or(|c| self.eval(c, root, options, indices).is_true());
            path.push(item.name().to_string());
            steps.push(Step::Key(item.name().to_string()));
            match item {
                Item::Field(field @ Field { computed: Some(expr), .. }) => {
                    let wanted = if shown {
                        let value = logic::computed(self.eval(expr, root, options, indices), field.computed_scale());
                        json_of(field, &value)
                    } else {
                        None
                    };
                    if object.get(item.name()) != wanted.as_ref() {
                        writes.push((steps.clone(), wanted));
                    }
                }
                Item::Group(group) if shown => {
                    if let Some(inner) = object.get(item.name()) {
                        let children: Vec<&Item> = group.items.iter().collect();
                        self.collect(&children, root, inner, path, steps, indices, options, writes);
                    }
                }
                Item::Repeat(repeat) if shown => {
                    let entries = object.get(item.name()).and_then(Value::as_array).map(Vec::as_slice);
                    let counted = entries.unwrap_or_default();
                    let counted = &counted[..repeat.max.map_or(counted.len(), |max| counted.len().min(max as usize))];
                    let children: Vec<&Item> = repeat.items.iter().collect();
                    for (index, entry) in counted.iter().enumerate() {
                        steps.push(Step::Index(index));
                        indices.push((path.clone(), index));
                        self.collect(&children, root, entry, path, steps, indices, options, writes);
                        indices.pop();
                        steps.pop();
                    }
                }
                _ => {}
            }
            steps.pop();
            path.pop();
        }
    }
}

/// One step from the root to a value: a member's key or an item's index.
#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

/// Sets (or, with `None`, removes) the member at `steps`; whether anything changed.
fn write(root: &mut Value, steps: &[Step], value: Option<Value>) -> bool {
    let Some((Step::Key(last), parents)) = steps.split_last() else { return false };
    let mut current = root;
    for step in parents {
        current = match (step, current) {
            (Step::Key(key), Value::Object(map)) => match map.get_mut(key) {
                Some(next) => next,
                None => return false,
            },
            (Step::Index(index), Value::Array(items)) => match items.get_mut(*index) {
                Some(next) => next,
                None => return false,
            },
            _ => return false,
        };
    }
    let Value::Object(map) = current else { return false };
    match value {
        Some(value) if map.get(last) != Some(&value) => {
            map.insert(last.clone(), value);
            true
        }
        None => map.remove(last).is_some(),
        Some(_) => false,
    }
}

/// A computed value as a submission holds it: an integer as a JSON number, money with its
/// decimals written out (`12.50`), a decimal as exact as computed, a date `YYYY-MM-DD`.
pub fn json_of(field: &Field, value: &V) -> Option<Value> {
    match (value, &field.ty) {
        (V::Num(n), FieldType::Integer) => n.to_string().parse::<i64>().ok().map(Value::from),
        (V::Num(n), FieldType::Money) => {
            let scale = field.computed_scale().unwrap_or(2);
            let text = n.to_string();
            let (int_part, frac) = text.split_once('.').unwrap_or((&text, ""));
            let text = if scale == 0 {
                int_part.to_string()
            } else {
                format!("{int_part}.{frac:0<width$}", width = scale as usize)
            };
            Some(Value::String(text))
        }
        (V::Num(n), FieldType::Decimal) => Some(Value::String(n.to_string())),
        (V::Bool(b), FieldType::Boolean) => Some(Value::Bool(*b)),
        (V::Date(d), FieldType::Date) => Some(Value::String(d.to_string())),
        _ => None,
    }
}

/// A copy of `submission` with its computed fields filled in (an object; anything else is
/// returned as it is).
pub fn filled(compiled: &Compiled, submission: &Value, options: &Options) -> Value {
    let mut out = submission.clone();
    if out.is_object() {
        compiled.fill_computed(&mut out, options);
    }
    out
}
