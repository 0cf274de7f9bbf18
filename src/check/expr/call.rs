//! Calls of the built-in functions: `count`, `sum`, `min`, `max`, `any` and `all`, which are
//! the only way to reach into a repeat group from outside (with `unique`), and `length`,
//! `days_between` and `age` on single values.

use super::{repeat_without_aggregate, Lowerer, Scope, Ty, Typed, FUNCTIONS};
use crate::diag::{closest, Code, Diagnostic};
use crate::ir::{self, AggregateFunc, FieldType, Item};
use crate::source::Span;
use crate::syntax::ast::{self, ExprKind};

impl<'t> Lowerer<'t, '_> {
    pub(super) fn call(&mut self, name: &ast::Ident, args: &[ast::Expr], span: Span, scope: &Scope) -> Option<Typed> {
        if !FUNCTIONS.contains(&name.name.as_str()) {
            let mut diagnostic = Diagnostic::new(
                Code::UnknownFunction,
                format!("unknown function `{}`", name.name),
                name.span,
                "not a built-in function",
            );
            diagnostic = match closest(&name.name, FUNCTIONS) {
                Some(s) => diagnostic.with_help(format!("did you mean `{s}`? The functions are {}", FUNCTION_LIST)),
                None => diagnostic.with_help(format!("the functions are {FUNCTION_LIST}")),
            };
            self.diagnostics.push(diagnostic);
            return None;
        }
        let wrong = |this: &mut Self, message: String| -> Option<Typed> {
            this.diagnostics.push(
                Diagnostic::new(Code::WrongArguments, message, span, "wrong arguments")
                    .with_help(format!("write `{}`", usage(&name.name))),
            );
            None
        };
        let path_arg = |arg: &ast::Expr| match &arg.kind {
            ExprKind::Path(path) => Some(path.clone()),
            _ => None,
        };
        match name.name.as_str() {
            "length" | "days_between" | "age" => self.scalar_call(&name.name, args, span, scope, wrong),
            "count" => {
                if args.is_empty() || args.len() > 2 {
                    return wrong(self, format!("`count` takes one or two arguments, found {}", args.len()));
                }
                let Some(path) = path_arg(&args[0]) else {
                    return wrong(
                        self,
                        "the first argument of `count` must name a repeat group or a multiple choice".into(),
                    );
                };
                let (abs, node) = self.resolve(&path, scope, true)?;
                let abs = self.only_own_repeat(&path, &abs, scope)?;
                match node {
                    Item::Repeat(_) => {
                        let filter = match args.get(1) {
                            Some(condition) => Some(Box::new(self.condition(condition, &scope.inside(&abs))?)),
                            None => None,
                        };
                        Some(Typed { expr: ir::Expr::Count { path: abs, filter }, ty: Ty::Integer, span })
                    }
                    Item::Field(field) if matches!(field.ty, FieldType::MultipleChoice { .. }) && args.len() == 1 => {
                        Some(Typed { expr: ir::Expr::Count { path: abs, filter: None }, ty: Ty::Integer, span })
                    }
                    _ => wrong(self, format!("`{}` is neither a repeat group nor a multiple choice", path.dotted())),
                }
            }
            "unique" => {
                if args.len() < 2 {
                    return wrong(
                        self,
                        format!("`unique` takes a repeat group and at least one key, found {} argument(s)", args.len()),
                    );
                }
                let Some(path) = path_arg(&args[0]) else {
                    return wrong(self, "the first argument of `unique` must name a repeat group".into());
                };
                let (abs, node) = self.resolve(&path, scope, true)?;
                let abs = self.only_own_repeat(&path, &abs, scope)?;
                if !matches!(node, Item::Repeat(_)) {
                    return wrong(self, format!("`{}` is not a repeat group", path.dotted()));
                }
                let inner = scope.inside(&abs);
                let mut keys = Vec::new();
                for arg in &args[1..] {
                    let key = self.expr(arg, &inner)?;
                    if matches!(key.ty, Ty::Bool | Ty::File | Ty::Group | Ty::Repeat) {
                        return wrong(
                            self,
                            format!(
                                "a key of `unique` must be a value that identifies an item, not {}",
                                key.ty.describe()
                            ),
                        );
                    }
                    keys.push(key.expr);
                }
                Some(Typed { expr: ir::Expr::Unique { repeat: abs, keys }, ty: Ty::Bool, span })
            }
            "any" | "all" => {
                if args.len() != 2 {
                    return wrong(self, format!("`{}` takes two arguments, found {}", name.name, args.len()));
                }
                let Some(path) = path_arg(&args[0]) else {
                    return wrong(self, format!("the first argument of `{}` must name a repeat group", name.name));
                };
                let (abs, node) = self.resolve(&path, scope, true)?;
                let abs = self.only_own_repeat(&path, &abs, scope)?;
                if !matches!(node, Item::Repeat(_)) {
                    return wrong(self, format!("`{}` is not a repeat group", path.dotted()));
                }
                let condition = Box::new(self.condition(&args[1], &scope.inside(&abs))?);
                let expr = if name.name == "any" {
                    ir::Expr::Any { repeat: abs, condition }
                } else {
                    ir::Expr::All { repeat: abs, condition }
                };
                Some(Typed { expr, ty: Ty::Bool, span })
            }
            _ => {
                // sum, min, max over `repeat.field`.
                if args.len() != 1 {
                    return wrong(self, format!("`{}` takes one argument, found {}", name.name, args.len()));
                }
                let Some(path) = path_arg(&args[0]) else {
                    return wrong(
                        self,
                        format!("the argument of `{}` must be a field inside a repeat group", name.name),
                    );
                };
                let (abs, node) = self.resolve(&path, scope, true)?;
                let open: Vec<ir::Path> =
                    self.tree.repeats_on(&abs).into_iter().filter(|r| !scope.context.contains(r)).collect();
                let [repeat] = open.as_slice() else {
                    if open.is_empty() {
                        return wrong(self, format!("`{}` is not inside a repeat group", path.dotted()));
                    }
                    return wrong(
                        self,
                        format!("`{}` is inside several repeat groups; aggregate one level at a time", path.dotted()),
                    );
                };
                let Item::Field(field) = node else {
                    return wrong(self, format!("`{}` is not a field", path.dotted()));
                };
                let ty = Ty::of_field(&field.ty);
                let func = match name.name.as_str() {
                    "sum" => AggregateFunc::Sum,
                    "min" => AggregateFunc::Min,
                    _ => AggregateFunc::Max,
                };
                let fits = ty.is_numeric() || (ty == Ty::Date && func != AggregateFunc::Sum);
                if !fits {
                    return wrong(self, format!("`{}` cannot be applied to {}", name.name, ty.describe()));
                }
                let value = Box::new(ir::Expr::Field { path: abs, ty: ty.value_type() });
                let expr = ir::Expr::Aggregate { func, repeat: repeat.clone(), value, ty: ty.value_type() };
                Some(Typed { expr, ty, span })
            }
        }
    }

    /// `length`, `days_between` and `age`: functions of single values.
    fn scalar_call(
        &mut self,
        function: &str,
        args: &[ast::Expr],
        span: Span,
        scope: &Scope,
        wrong: impl Fn(&mut Self, String) -> Option<Typed>,
    ) -> Option<Typed> {
        let (arity, takes) = match function {
            "length" => (1..=1, "one argument"),
            "days_between" => (2..=2, "two arguments"),
            _ => (1..=2, "one or two arguments"),
        };
        if !arity.contains(&args.len()) {
            return wrong(self, format!("`{function}` takes {takes}, found {}", args.len()));
        }
        let mut typed = Vec::new();
        for arg in args {
            typed.push(self.expr(arg, scope));
        }
        let typed: Vec<Typed> = typed.into_iter().collect::<Option<_>>()?;
        let wanted = if function == "length" { Ty::Text } else { Ty::Date };
        for arg in &typed {
            let fits = match wanted {
                Ty::Text => matches!(arg.ty, Ty::Text | Ty::StrLit(_)),
                _ => arg.ty == Ty::Date,
            };
            if !fits {
                return wrong(self, format!("`{function}` needs {}, not {}", wanted.describe(), arg.ty.describe()));
            }
        }
        let mut typed = typed.into_iter().map(|t| Box::new(t.expr));
        let mut next = || typed.next().unwrap_or_else(|| Box::new(ir::Expr::Today));
        let expr = match function {
            "length" => ir::Expr::Length { text: next() },
            "days_between" => ir::Expr::DaysBetween { from: next(), to: next() },
            _ => ir::Expr::Age { birth: next(), at: next() },
        };
        Some(Typed { expr, ty: Ty::Integer, span })
    }

    /// For `count`/`any`/`all`: the repeat itself may be new, but the path must not enter
    /// another repeat on the way.
    fn only_own_repeat(&mut self, path: &ast::Path, abs: &ir::Path, scope: &Scope) -> Option<ir::Path> {
        for repeat in self.tree.repeats_on(abs) {
            if !scope.context.contains(&repeat) {
                self.diagnostics.push(repeat_without_aggregate(path, &repeat));
                return None;
            }
        }
        Some(abs.clone())
    }
}

pub const FUNCTION_LIST: &str = "count, sum, min, max, any, all, unique, length, days_between and age";

fn usage(function: &str) -> &'static str {
    match function {
        "unique" => {
            "unique(repeat, key, …)` with the fields that identify an item, e.g. `unique(kinder, vorname, geburtsdatum)"
        }
        "length" => "length(text)",
        "days_between" => "days_between(from_date, to_date)",
        "age" => "age(birth_date)` or `age(birth_date, at_date)",
        "count" => "count(repeat)` or `count(repeat, condition)",
        "sum" => "sum(repeat.field)",
        "min" => "min(repeat.field)",
        "max" => "max(repeat.field)",
        "any" => "any(repeat, condition)",
        _ => "all(repeat, condition)",
    }
}
