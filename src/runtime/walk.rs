//! Checking a submission read by a plan ([`super::tree`]): the walk of the reference
//! validator over static data. Objects, members, conditions and rules come in the reference's
//! order (members in the form's order, a member's visibility before its requirement, rules
//! after an object's members), so a generated validator reports the same violations in the
//! same order; what a field's value means is decided by [`super::check`], what an operator
//! means by [`super::logic`].
//!
//! Recursion follows the plan (whose depth the checker bounds), never the submission.

use super::check::{self, FieldKind, Report, Sink};
use super::date::Date;
use super::json::{push_index, Group, Leaf, Many};
use super::logic::{self, Cmp, V};
use super::messages::Kind;
use super::plan::{self, Expr, Form, Node, Path, Read, Required};
use super::tree::{self, Obj, Slot};

/// Validates the submission `bytes` by `form`: the typed data when it is valid (read from
/// the tree by `typed`), else every violation.
pub fn from_json<T>(form: &'static Form, bytes: &[u8], today: Date, typed: fn(&Obj) -> Option<T>) -> Result<T, Report> {
    let mut sink = Sink::new(form.catalogues, today);
    let Some(root) = read_checked(form, bytes, &mut sink) else { return Err(sink.report()) };
    if !sink.violations.is_empty() {
        return Err(sink.report());
    }
    typed(&root).ok_or_else(|| {
        let detail = String::from("a valid submission could not be converted");
        sink.push("", Kind::Malformed(detail), form.title);
        sink.report()
    })
}

/// Reads and checks a submission's bytes by `form`: the whole report, with the warnings of a
/// valid one too (what the WebAssembly export returns; `from_json` keeps only the typed data
/// of a valid submission).
pub fn report(form: &'static Form, bytes: &[u8], today: Date) -> Report {
    let mut sink = Sink::new(form.catalogues, today);
    read_checked(form, bytes, &mut sink);
    sink.report()
}

/// Reads the bytes and checks the submission into `sink`; its tree when it is an object (a
/// value of another type or bytes that are not JSON are reported, and there is no tree).
fn read_checked<'de>(form: &'static Form, bytes: &'de [u8], sink: &mut Sink) -> Option<Obj<'de>> {
    match tree::read(form, bytes) {
        Ok(Group::Object(root)) => {
            check(form, &root, sink);
            Some(root)
        }
        Ok(Group::Other { .. }) => {
            sink.push("", Kind::Type("object"), form.title);
            None
        }
        Err(error) => {
            sink.push("", Kind::Malformed(error.to_string()), form.title);
            None
        }
    }
}

/// Validates a submission that is already a `serde_json::Value` by `form`.
pub fn validate(form: &'static Form, submission: &serde_json::Value, today: Date) -> Report {
    let mut sink = Sink::new(form.catalogues, today);
    match tree::read_value(form, submission) {
        Group::Object(root) => check(form, &root, &mut sink),
        Group::Other { .. } => sink.push("", Kind::Type("object"), form.title),
    }
    sink.report()
}

/// Checks a submission's tree into `sink`.
pub fn check<'a>(form: &'static Form, root: &'a Obj<'a>, sink: &mut Sink) {
    let mut walk = Walk { form, root, today: sink.today, indices: Vec::new() };
    walk.object(sink, root, &mut String::new());
}

/// What the checks and expressions see: the submission, today, and the current item of
/// each repeat in context (by the repeat's item object), innermost last.
struct Walk<'a> {
    form: &'static Form,
    root: &'a Obj<'a>,
    today: Date,
    indices: Vec<(u16, usize)>,
}

impl<'a> Walk<'a> {
    fn holds(&self, condition: Option<&Expr>) -> bool {
        condition.is_none_or(|expr| self.eval(expr).is_true())
    }

    fn required(&self, required: &Required) -> bool {
        match required {
            Required::Always => true,
            Required::Never => false,
            Required::When(condition) => self.eval(condition).is_true(),
        }
    }

    /// Checks the object `obj` at `ptr`: its first unknown member, its members, its rules.
    fn object(&mut self, sink: &mut Sink, obj: &'a Obj<'a>, ptr: &mut String) {
        let plan = &self.form.objects[obj.object as usize];
        if let Some(key) = obj.unknown.first() {
            sink.unknown(ptr, key);
        }
        for (member, slot) in plan.members.iter().zip(&obj.slots) {
            let mark = ptr.len();
            ptr.push_str(member.segment);
            self.member(sink, member, slot, ptr);
            ptr.truncate(mark);
        }
        for rule in plan.rules {
            if self.eval(rule.check).is_false() {
                let pointer = self.pointer(rule.at);
                let text = rule.message.iter().map(|(l, t)| (l.to_string(), t.to_string())).collect();
                let kind = Kind::Rule(rule.name.to_string(), text);
                if rule.warning {
                    sink.warn(&pointer, kind, rule.message);
                } else {
                    sink.push(&pointer, kind, rule.message);
                }
            }
        }
    }

    fn member(&mut self, sink: &mut Sink, member: &plan::Member, slot: &'a Slot<'a>, ptr: &mut String) {
        let present = !matches!(slot, Slot::Absent);
        if !self.holds(member.visible) {
            if present {
                sink.push(ptr, Kind::Hidden, member.label);
            }
            return;
        }
        match (&member.node, slot) {
            (Node::Field { spec: spec @ plan::Spec { computed: Some(expr), .. }, .. }, slot) => {
                let expected = logic::computed(self.eval(expr), spec.computed_scale);
                let wrong = match slot {
                    Slot::Leaf(value) => {
                        let before = sink.violations.len();
                        field(sink, spec, value, ptr, member.label);
                        sink.violations.len() == before
                            && logic::computed_mismatch(&expected, Some(&given(spec, value)))
                    }
                    _ => logic::computed_mismatch(&expected, None),
                };
                if wrong {
                    sink.push(ptr, Kind::Computed, member.label);
                }
            }
            (Node::Field { required, spec }, Slot::Absent) if self.required(required) => {
                let message = check::text(spec.required_message);
                let kind = if spec.must_be_true { Kind::NotConfirmed(message) } else { Kind::Required(message) };
                sink.push(ptr, kind, member.label);
            }
            (Node::Field { spec, .. }, Slot::Leaf(value)) => {
                let before = sink.violations.len();
                field(sink, spec, value, ptr, member.label);
                if let (Some(within), true) = (spec.within, sink.violations.len() == before) {
                    self.within(sink, within, value, ptr, member.label);
                }
            }
            (Node::Group { required, required_message, .. }, Slot::Absent) if self.required(required) => {
                sink.push(ptr, Kind::Required(check::text(required_message)), member.label);
            }
            (Node::Group { .. }, Slot::Group(Group::Object(inner))) => self.object(sink, inner, ptr),
            (Node::Group { .. }, Slot::Group(Group::Other { .. })) => {
                sink.push(ptr, Kind::Type("object"), member.label)
            }
            (Node::Repeat { min, .. }, Slot::Absent) if *min > 0 => sink.push(ptr, Kind::Required(None), member.label),
            (Node::Repeat { .. }, Slot::Many(Many::Other { .. })) => sink.push(ptr, Kind::Type("list"), member.label),
            (Node::Repeat { min, max, object, item_label }, Slot::Many(Many::Items { items, more })) => {
                if items.len() < *min as usize {
                    sink.push(ptr, Kind::MinItems(*min), member.label);
                } else if let (Some(max), true) = (max, *more) {
                    sink.push(ptr, Kind::MaxItems(*max), member.label);
                }
                for (index, item) in items.iter().enumerate() {
                    let mark = ptr.len();
                    push_index(ptr, index);
                    self.indices.push((*object, index));
                    match item {
                        Group::Object(inner) => self.object(sink, inner, ptr),
                        Group::Other { .. } => sink.push(ptr, Kind::Type("object"), item_label),
                    }
                    self.indices.pop();
                    ptr.truncate(mark);
                }
            }
            // Absent and not required; a slot is read by its member's node, so no other pair occurs.
            _ => {}
        }
    }

    /// `within`: a valid code whose parent is not the (valid) answer that filters its list.
    fn within(&self, sink: &mut Sink, within: &plan::Within, value: &Leaf, ptr: &str, label: check::Label) {
        let Some(code) = value.as_str() else { return };
        let Ok(at) = within.codes.binary_search_by(|(c, _, _)| (*c).cmp(code)) else { return };
        let (_, parent_of_code, option) = within.codes[at];
        let answer = self.leaf(within.parent).and_then(Leaf::as_str);
        let answer = answer.and_then(|a| within.parents.binary_search_by(|(c, _)| (*c).cmp(a)).ok());
        if check::not_within(Some(parent_of_code), answer.map(|at| within.parents[at].0)) {
            let parent = answer.map_or(&[][..], |at| within.parents[at].1);
            sink.push(
                ptr,
                Kind::NotWithin(check::text(option).unwrap_or_default(), check::text(parent).unwrap_or_default()),
                label,
            );
        }
    }

    /// The current item of the repeat whose items are `object`.
    fn index_of(&self, object: u16) -> Option<usize> {
        self.indices.iter().rev().find(|(o, _)| *o == object).map(|(_, index)| *index)
    }

    /// The JSON pointer of a path, with the current item of each repeat on it.
    fn pointer(&self, path: Path) -> String {
        let mut pointer = String::new();
        let mut object = 0u16;
        for (depth, &index) in path.iter().enumerate() {
            let member = &self.form.objects[object as usize].members[index as usize];
            pointer.push_str(member.segment);
            match member.node {
                Node::Group { object: inner, .. } => object = inner,
                Node::Repeat { object: inner, .. } => {
                    if depth + 1 < path.len() {
                        if let Some(item) = self.index_of(inner) {
                            push_index(&mut pointer, item);
                        }
                    }
                    object = inner;
                }
                Node::Field { .. } => {}
            }
        }
        pointer
    }

    /// What a submission holds at `path`, following the current item through repeats.
    fn lookup(&self, path: Path) -> Option<&'a Slot<'a>> {
        let mut obj: &'a Obj<'a> = self.root;
        let (last, steps) = path.split_last()?;
        for &index in steps {
            let member = &self.form.objects[obj.object as usize].members[index as usize];
            obj = match (&member.node, &obj.slots[index as usize]) {
                (Node::Group { .. }, Slot::Group(Group::Object(inner))) => inner,
                (Node::Repeat { object, .. }, Slot::Many(many)) => many.item(self.index_of(*object)?)?.object()?,
                _ => return None,
            };
        }
        Some(&obj.slots[*last as usize]).filter(|slot| !matches!(slot, Slot::Absent))
    }

    fn leaf(&self, path: Path) -> Option<&'a Leaf<'a>> {
        match self.lookup(path) {
            Some(Slot::Leaf(leaf)) => Some(leaf),
            _ => None,
        }
    }

    /// The repeat at `path` and the number of its items that expressions see.
    fn items(&self, path: Path) -> (u16, usize) {
        let object = self.repeat_object(path);
        let n_items = match self.lookup(path) {
            Some(Slot::Many(many)) => many.len(),
            _ => 0,
        };
        (object, n_items)
    }

    /// The item object of the repeat at `path`.
    fn repeat_object(&self, path: Path) -> u16 {
        let mut object = 0u16;
        for &index in path {
            match self.form.objects[object as usize].members[index as usize].node {
                Node::Group { object: inner, .. } | Node::Repeat { object: inner, .. } => object = inner,
                Node::Field { .. } => {}
            }
        }
        object
    }

    /// Evaluates `f` once per item of the repeat at `path`, with that item current.
    fn per_item<T>(&self, path: Path, mut f: impl FnMut(&Walk<'a>) -> T) -> Vec<T> {
        let (object, n_items) = self.items(path);
        let mut inner = Walk { form: self.form, root: self.root, today: self.today, indices: self.indices.clone() };
        (0..n_items)
            .map(|index| {
                inner.indices.push((object, index));
                let out = f(&inner);
                inner.indices.pop();
                out
            })
            .collect()
    }

    fn eval(&self, expr: &Expr) -> V {
        match expr {
            Expr::Unknown => V::Unknown,
            Expr::Bool(b) => V::Bool(*b),
            Expr::Number(n) => V::Num(*n),
            Expr::Text(t) => V::Text(t.to_string()),
            Expr::Date(d) => logic::date_literal(d),
            Expr::Today => V::Date(self.today),
            Expr::Field(path, read) => {
                let leaf = self.leaf(path);
                match read {
                    Read::Bool => logic::read_bool(leaf),
                    Read::Integer => logic::read_integer(leaf),
                    Read::Decimal => logic::read_decimal(leaf),
                    Read::Text => logic::read_text(leaf),
                    Read::Date => logic::read_date(leaf),
                    Read::Codes => logic::read_codes(leaf),
                    Read::Unknown => V::Unknown,
                }
            }
            Expr::Not(operand) => logic::not(self.eval(operand)),
            Expr::Neg(operand) => logic::neg(self.eval(operand)),
            Expr::And(operands) => logic::and(operands.iter().map(|o| self.eval(o))),
            Expr::Or(operands) => logic::or(operands.iter().map(|o| self.eval(o))),
            // A text or code field against a text: compared in place, no values built.
            Expr::Compare(cmp @ (Cmp::Eq | Cmp::Ne), Expr::Field(path, Read::Text), Expr::Text(text))
            | Expr::Compare(cmp @ (Cmp::Eq | Cmp::Ne), Expr::Text(text), Expr::Field(path, Read::Text)) => {
                logic::text_is(self.leaf(path), text, *cmp == Cmp::Eq)
            }
            Expr::Compare(cmp, lhs, rhs) => logic::compare(*cmp, &self.eval(lhs), &self.eval(rhs)),
            Expr::Arith(op, lhs, rhs) => logic::arith(*op, self.eval(lhs), self.eval(rhs)),
            Expr::Shift(date, amount, unit) => logic::shift(self.eval(date), *amount, *unit),
            Expr::Length(text) => logic::length(self.eval(text)),
            Expr::Unique(repeat, keys) => {
                logic::unique(self.per_item(repeat, |walk| keys.iter().map(|key| walk.eval(key)).collect()))
            }
            Expr::DaysBetween(from, to) => logic::days_between(self.eval(from), self.eval(to)),
            Expr::Age(birth, at) => logic::age(self.eval(birth), self.eval(at)),
            Expr::In(Expr::Field(path, Read::Text), set) if set.iter().all(|c| matches!(c, Expr::Text(_))) => {
                match self.leaf(path).and_then(Leaf::as_str) {
                    Some(s) if !s.is_empty() => V::Bool(set.iter().any(|c| matches!(c, Expr::Text(t) if *t == s))),
                    _ => V::Unknown,
                }
            }
            Expr::In(value, set) => {
                let value = self.eval(value);
                if value == V::Unknown {
                    return V::Unknown;
                }
                logic::one_of(value, set.iter().map(|candidate| self.eval(candidate)))
            }
            Expr::Contains(set, code) => logic::contains(self.eval(set), code),
            Expr::IsSet(path) => V::Bool(self.lookup(path).is_some_and(Slot::given)),
            Expr::IsEmpty(path) => V::Bool(!self.lookup(path).is_some_and(Slot::given)),
            Expr::CountCodes(path) => logic::count_codes(self.leaf(path)),
            Expr::Count(path, None) => logic::count(self.items(path).1),
            Expr::Count(path, Some(filter)) => self
                .per_item(path, |walk| walk.eval(filter))
                .into_iter()
                .try_fold(0, logic::count_where)
                .map_or(V::Unknown, logic::count),
            Expr::Aggregate(func, repeat, value) => {
                logic::aggregate(*func, self.per_item(repeat, |walk| walk.eval(value)))
            }
            Expr::Any(repeat, condition) => logic::or(self.per_item(repeat, |walk| walk.eval(condition))),
            Expr::All(repeat, condition) => logic::and(self.per_item(repeat, |walk| walk.eval(condition))),
        }
    }
}

/// Checks a field's (present) value with the runtime's field checks.
fn field(sink: &mut Sink, spec: &plan::Spec, value: &Leaf, ptr: &str, label: check::Label) {
    let is_code = |codes: &[&str], code: &str| codes.binary_search(&code).is_ok();
    let (choice, multiple);
    let kind = match spec.kind {
        plan::Kind::Text => FieldKind::Text,
        plan::Kind::Multiline => FieldKind::Multiline,
        plan::Kind::Email => FieldKind::Email,
        plan::Kind::Phone => FieldKind::Phone,
        plan::Kind::Iban => FieldKind::Iban,
        plan::Kind::Postcode => FieldKind::Postcode,
        plan::Kind::Integer => FieldKind::Integer,
        plan::Kind::Decimal => FieldKind::Decimal,
        plan::Kind::Money => FieldKind::Money,
        plan::Kind::Boolean => FieldKind::Boolean,
        plan::Kind::Date => FieldKind::Date,
        plan::Kind::Choice(codes) => {
            choice = move |code: &str| is_code(codes, code);
            FieldKind::Choice(&choice)
        }
        plan::Kind::MultipleChoice(codes) => {
            multiple = move |code: &str| is_code(codes, code);
            FieldKind::MultipleChoice(&multiple)
        }
        plan::Kind::File => FieldKind::File,
        plan::Kind::Files => FieldKind::Files,
    };
    let pattern = spec.pattern;
    let matches = |text: &str| pattern.is_some_and(|pattern| pattern(text));
    let spec = check::Spec {
        kind,
        min_length: spec.min_length,
        max_length: spec.max_length,
        pattern: pattern.map(|_| &matches as &dyn Fn(&str) -> bool),
        pattern_message: spec.pattern_message,
        decimals: spec.decimals,
        min: spec.min,
        max: spec.max,
        accept: spec.accept,
        max_size: spec.max_size,
        min_count: spec.min_count,
        max_count: spec.max_count,
        max_total: spec.max_total,
        must_be_true: spec.must_be_true,
        required_message: spec.required_message,
        unit: spec.unit,
        exclusive: spec.exclusive,
    };
    sink.field(ptr, value, &spec, label);
}

/// A computed field's submitted value, read to compare it with the computed one.
fn given(spec: &plan::Spec, value: &Leaf) -> V {
    let leaf = Some(value);
    match spec.kind {
        plan::Kind::Integer => logic::read_integer(leaf),
        plan::Kind::Decimal | plan::Kind::Money => logic::read_decimal(leaf),
        plan::Kind::Boolean => logic::read_bool(leaf),
        plan::Kind::Date => logic::read_date(leaf),
        // The checker admits only the kinds above; a text is read as text.
        _ => logic::read_text(leaf),
    }
}
