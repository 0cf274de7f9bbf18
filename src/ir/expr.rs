//! Typed expressions of the IR: conditions, rule checks and their operands.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{DateUnit, Path};

/// The type of a value in an expression; comparisons carry the type of their operands
/// so that every evaluator compares the same way (exactly for numbers, by day for dates).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ValueType {
    Bool,
    Integer,
    Decimal,
    Money,
    Text,
    Date,
    Code { codelist: String },
    Codes { codelist: String },
    File,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Literal {
    Bool(bool),
    /// An exact number as a decimal string.
    Number(String),
    Text(String),
    /// `YYYY-MM-DD`.
    Date(String),
    /// A code of a code list (checked to exist).
    Code(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AggregateFunc {
    Sum,
    Min,
    Max,
}

/// A typed expression. Evaluation semantics are described in the module docs of `ir`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Expr {
    Literal {
        value: Literal,
    },
    /// The current date in Europe/Berlin, supplied by the caller of a validator.
    Today,
    /// The value of a field (unknown when absent).
    Field {
        path: Path,
        ty: ValueType,
    },
    Not {
        operand: Box<Expr>,
    },
    Neg {
        operand: Box<Expr>,
        ty: ValueType,
    },
    And {
        operands: Vec<Expr>,
    },
    Or {
        operands: Vec<Expr>,
    },
    Compare {
        cmp: CompareOp,
        ty: ValueType,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// Exact arithmetic; `ty` is the result type. Division by zero is unknown.
    Arith {
        arith: ArithOp,
        ty: ValueType,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// A date shifted by a signed amount (months and years clamp to the month's end).
    ShiftDate {
        date: Box<Expr>,
        amount: i64,
        unit: DateUnit,
    },
    /// The value equals one of the listed values.
    In {
        value: Box<Expr>,
        set: Vec<Expr>,
        ty: ValueType,
    },
    /// A multiple-choice field has this code among its chosen codes.
    Contains {
        set: Box<Expr>,
        code: String,
    },
    /// The node is present in the submission (for repeats: has at least one item).
    IsSet {
        path: Path,
    },
    /// The value is absent or empty: an empty string, no chosen codes, no items.
    IsEmpty {
        path: Path,
    },
    /// The number of items of a repeat, or of chosen codes of a multiple choice, for which
    /// `filter` (evaluated per item) is true.
    Count {
        path: Path,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        filter: Option<Box<Expr>>,
    },
    /// `sum`/`min`/`max` of `value` over the items of the repeat at `repeat`; absent values
    /// are skipped; `min`/`max` of no values are unknown, `sum` of no values is 0.
    Aggregate {
        func: AggregateFunc,
        repeat: Path,
        value: Box<Expr>,
        ty: ValueType,
    },
    /// Some item of the repeat satisfies the condition (false for no items).
    Any {
        repeat: Path,
        condition: Box<Expr>,
    },
    /// Every item of the repeat satisfies the condition (true for no items).
    All {
        repeat: Path,
        condition: Box<Expr>,
    },
    /// `unique(repeat, key, …)`: false when two items of the repeat have equal keys (every part
    /// given, each equal as `==` compares), true otherwise; an item with an absent key part is
    /// not compared. The keys are evaluated per item.
    Unique {
        repeat: Path,
        keys: Vec<Expr>,
    },
    /// `length(text)`: the number of code points of a text (unknown when absent or empty).
    Length {
        text: Box<Expr>,
    },
    /// `days_between(from, to)`: the days from `from` to `to`, negative when `to` is earlier.
    DaysBetween {
        from: Box<Expr>,
        to: Box<Expr>,
    },
    /// `age(birth)` or `age(birth, at)`: the full years from `birth` to `at` (`today` when not
    /// given), counted as German law counts ages (§ 187 Abs. 2 BGB): a year is complete on the
    /// day of the month and month of the birth, and someone born on 29 February is a year older
    /// on 1 March in other years.
    Age {
        birth: Box<Expr>,
        at: Box<Expr>,
    },
}

impl Expr {
    /// Every path the expression reads (fields, `is set`/`is empty`, counted and aggregated
    /// repeats), at any depth, in order.
    pub fn read_paths<'e>(&'e self, out: &mut Vec<&'e Path>) {
        match self {
            Expr::Literal { .. } | Expr::Today => {}
            Expr::Field { path, .. } | Expr::IsSet { path } | Expr::IsEmpty { path } => out.push(path),
            Expr::Not { operand } | Expr::Neg { operand, .. } => operand.read_paths(out),
            Expr::And { operands } | Expr::Or { operands } => operands.iter().for_each(|o| o.read_paths(out)),
            Expr::Compare { lhs, rhs, .. } | Expr::Arith { lhs, rhs, .. } => {
                lhs.read_paths(out);
                rhs.read_paths(out);
            }
            Expr::ShiftDate { date, .. } => date.read_paths(out),
            Expr::In { value, set, .. } => {
                value.read_paths(out);
                set.iter().for_each(|e| e.read_paths(out));
            }
            Expr::Contains { set, .. } => set.read_paths(out),
            Expr::Count { path, filter } => {
                out.push(path);
                if let Some(filter) = filter {
                    filter.read_paths(out);
                }
            }
            Expr::Aggregate { repeat, value, .. } => {
                out.push(repeat);
                value.read_paths(out);
            }
            Expr::Any { repeat, condition } | Expr::All { repeat, condition } => {
                out.push(repeat);
                condition.read_paths(out);
            }
            Expr::Unique { repeat, keys } => {
                out.push(repeat);
                keys.iter().for_each(|k| k.read_paths(out));
            }
            Expr::Length { text } => text.read_paths(out),
            Expr::DaysBetween { from, to } => {
                from.read_paths(out);
                to.read_paths(out);
            }
            Expr::Age { birth, at } => {
                birth.read_paths(out);
                at.read_paths(out);
            }
        }
    }

    /// The constant `false`: the visibility of a member a use of a shared group type hides
    /// (`member x { hidden }`), which is never shown.
    pub fn is_false(&self) -> bool {
        matches!(self, Expr::Literal { value: Literal::Bool(false) })
    }
}
