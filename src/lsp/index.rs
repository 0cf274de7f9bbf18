//! What each name in the source stands for: every declaration and every reference of a checked
//! program, found by walking the checker's ASTs with the checker's scoping rules.
//!
//! - Group types and code lists are looked up as `check::Defs` looks them up (the file's own
//!   definitions, then its imports'): through `Defs::visible`, not a second resolver.
//! - A path in an expression resolves as `check/expr` resolves it: its first segment in the
//!   innermost enclosing group or repeat that has a member of that name, then outwards up to
//!   the form (or the shared group type the expression is in); sections are transparent, info
//!   texts are not values; further segments are members, through a shared type's definition.
//!
//! Every walk is bounded by the AST (whose nesting the parser bounds) and the length of paths.

use crate::check::{DefKind, Defs, Program};
use crate::source::{FileId, SourceDb, Span};
use crate::syntax::ast::{self, BinaryOp, Expr, ExprKind, Ident, Stmt, StmtKind};

/// What kind of thing a declaration declares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Form,
    Field,
    Group,
    Repeat,
    Section,
    Info,
    Rule,
    GroupType,
    Codelist,
    Code,
    Module,
}

/// A declaration, identified by the span of its name (a module: the start of its file).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Target {
    pub kind: Kind,
    pub name: Span,
}

/// A name in the source and the declaration it stands for (a declaration's own name included).
#[derive(Clone, Copy, Debug)]
pub struct Occurrence {
    pub span: Span,
    pub target: Target,
}

/// A block whose members are looked up: a form's body, a group's or repeat's, a group type's.
#[derive(Clone, Copy)]
pub struct Container<'a> {
    pub file: FileId,
    pub stmts: &'a [Stmt],
}

/// The program's declarations and names, over the checker's ASTs.
pub struct Index<'a> {
    pub db: &'a SourceDb,
    pub program: &'a Program,
    pub defs: Defs<'a>,
}

impl<'a> Index<'a> {
    pub fn new(db: &'a SourceDb, program: &'a Program) -> Index<'a> {
        // The checker already reported what collecting finds; here only the lookups count.
        let defs = Defs::collect(program, &mut Vec::new());
        Index { db, program, defs }
    }

    pub fn ast(&self, file: FileId) -> Option<&'a ast::File> {
        self.program.units.get(&file)?.ast.as_ref()
    }

    /// The group type or code list `name` stands for in `file` (none when unknown or ambiguous).
    pub fn definition(&self, file: FileId, name: &str, kind: DefKind) -> Option<crate::check::Def<'a>> {
        match self.defs.visible(file, name).as_slice() {
            [def] if def.kind == kind => Some(*def),
            _ => None,
        }
    }

    /// The members of a container, sections looked through; info texts only with `infos`.
    pub fn members(&self, container: Container<'a>, infos: bool) -> Vec<&'a Stmt> {
        let mut out = Vec::new();
        collect_members(container.stmts, infos, &mut out);
        out
    }

    /// The member `name` of a container.
    pub fn member(&self, container: Container<'a>, name: &str) -> Option<&'a Stmt> {
        self.members(container, false).into_iter().find(|s| decl_name(s).is_some_and(|n| n.name == name))
    }

    /// The container a group or repeat declares: its own body, or its type's definition.
    pub fn container_of(&self, file: FileId, stmt: &'a Stmt) -> Option<Container<'a>> {
        let (ty, body) = match &stmt.kind {
            StmtKind::Group { ty, body, .. } | StmtKind::Repeat { ty, body, .. } => (ty, body),
            _ => return None,
        };
        match ty {
            Some(ty) => {
                let def = self.definition(file, &ty.name, DefKind::GroupType)?;
                match &def.stmt.kind {
                    StmtKind::Group { body: Some(body), .. } => Some(Container { file: def.file, stmts: &body.stmts }),
                    _ => None,
                }
            }
            None => body.as_ref().map(|b| Container { file, stmts: &b.stmts }),
        }
    }

    /// Resolves a path in the scope `stack` (outermost first): for each segment, the member it
    /// names with the file it is declared in, as far as the path resolves.
    pub fn resolve_path(&self, stack: &[Container<'a>], segments: &[Ident]) -> Vec<(FileId, &'a Stmt)> {
        let mut out = Vec::new();
        let Some(first) = segments.first() else {
            return out;
        };
        let Some((mut file, mut stmt)) =
            stack.iter().rev().find_map(|c| self.member(*c, &first.name).map(|s| (c.file, s)))
        else {
            return out;
        };
        out.push((file, stmt));
        for segment in &segments[1..] {
            let Some(container) = self.container_of(file, stmt) else {
                break;
            };
            let Some(next) = self.member(container, &segment.name) else {
                break;
            };
            file = container.file;
            stmt = next;
            out.push((file, stmt));
        }
        out
    }

    /// Every occurrence of a name in `file`, in no particular order.
    pub fn occurrences(&self, file: FileId) -> Vec<Occurrence> {
        let mut walk = Walk { index: self, file, out: Vec::new() };
        let Some(ast) = self.ast(file) else {
            return walk.out;
        };
        if let Some(unit) = self.program.units.get(&file) {
            for (use_, target) in &unit.imports {
                if let Some(target) = target {
                    let name = Span::new(*target, 0, 0);
                    walk.out.push(Occurrence { span: use_.span, target: Target { kind: Kind::Module, name } });
                }
            }
        }
        for form in &ast.forms {
            walk.declare(Kind::Form, &form.name);
            let root = Container { file, stmts: &form.body.stmts };
            walk.stmts(&form.body.stmts, &[root]);
        }
        for item in &ast.items {
            match &item.kind {
                StmtKind::Group { name, body, .. } => {
                    walk.declare(Kind::GroupType, name);
                    if let Some(body) = body {
                        // A group type is self-contained: its root is the only scope.
                        let root = Container { file, stmts: &body.stmts };
                        walk.stmts(&body.stmts, &[root]);
                    }
                }
                _ => walk.stmts(std::slice::from_ref(item), &[]),
            }
        }
        walk.out
    }

    /// The scope stack and the innermost statement at a byte offset of `file`.
    pub fn scope_at(&self, file: FileId, offset: u32) -> Scope<'a> {
        let mut scope = Scope { stack: Vec::new(), stmts: Vec::new(), top_level: true };
        let Some(ast) = self.ast(file) else {
            return scope;
        };
        let contains = |span: Span| span.start <= offset && offset <= span.end;
        let mut stmts: &'a [Stmt] = &[];
        if let Some(form) = ast.forms.iter().find(|f| contains(f.span)) {
            scope.top_level = false;
            if contains(form.body.span) {
                scope.stack.push(Container { file, stmts: &form.body.stmts });
                stmts = &form.body.stmts;
            }
        } else if let Some(item) = ast.items.iter().find(|s| contains(s.span)) {
            scope.top_level = false;
            scope.stmts.push(item);
            if let StmtKind::Group { body: Some(body), .. } = &item.kind {
                if contains(body.span) {
                    scope.stack.push(Container { file, stmts: &body.stmts });
                    stmts = &body.stmts;
                }
            } else if let Some(body) = body_of(item) {
                stmts = &body.stmts;
            }
        }
        // Descend into the statement whose block holds the offset, at most as deep as the AST.
        while let Some(stmt) = stmts.iter().find(|s| contains(s.span)) {
            scope.stmts.push(stmt);
            let Some(body) = body_of(stmt).filter(|b| contains(b.span)) else {
                break;
            };
            if matches!(stmt.kind, StmtKind::Group { ty: None, .. } | StmtKind::Repeat { ty: None, .. }) {
                scope.stack.push(Container { file, stmts: &body.stmts });
            }
            stmts = &body.stmts;
        }
        scope
    }
}

/// Where an offset is: the containers whose members are in scope (outermost first) and the
/// statements around it (outermost first).
pub struct Scope<'a> {
    pub stack: Vec<Container<'a>>,
    pub stmts: Vec<&'a Stmt>,
    /// Outside every form and top-level definition.
    pub top_level: bool,
}

/// The name a statement declares, if it declares a member or definition.
pub fn decl_name(stmt: &Stmt) -> Option<&Ident> {
    match &stmt.kind {
        StmtKind::Field { name, .. }
        | StmtKind::Group { name, .. }
        | StmtKind::Repeat { name, .. }
        | StmtKind::Section { name, .. }
        | StmtKind::Info { name, .. }
        | StmtKind::Rule { name, .. }
        | StmtKind::Codelist { name, .. } => Some(name),
        _ => None,
    }
}

/// The block of a statement that has one.
pub fn body_of(stmt: &Stmt) -> Option<&ast::Block> {
    match &stmt.kind {
        StmtKind::Field { body, .. }
        | StmtKind::Group { body, .. }
        | StmtKind::Repeat { body, .. }
        | StmtKind::Section { body, .. }
        | StmtKind::Info { body, .. }
        | StmtKind::Codelist { body, .. }
        | StmtKind::Fim { body, .. }
        | StmtKind::FimRule { body, .. } => body.as_ref(),
        StmtKind::Rule { body, .. } | StmtKind::Member { body, .. } => Some(body),
        _ => None,
    }
}

/// The kind of declaration a member statement is (`top` for file-level definitions).
pub fn kind_of(stmt: &Stmt, top: bool) -> Option<Kind> {
    Some(match &stmt.kind {
        StmtKind::Field { .. } => Kind::Field,
        StmtKind::Group { .. } if top => Kind::GroupType,
        StmtKind::Group { .. } => Kind::Group,
        StmtKind::Repeat { .. } => Kind::Repeat,
        StmtKind::Section { .. } => Kind::Section,
        StmtKind::Info { .. } => Kind::Info,
        StmtKind::Rule { .. } => Kind::Rule,
        StmtKind::Codelist { .. } => Kind::Codelist,
        _ => return None,
    })
}

fn collect_members<'a>(stmts: &'a [Stmt], infos: bool, out: &mut Vec<&'a Stmt>) {
    for stmt in stmts {
        match &stmt.kind {
            StmtKind::Section { body: Some(body), .. } => collect_members(&body.stmts, infos, out),
            StmtKind::Field { .. } | StmtKind::Group { .. } | StmtKind::Repeat { .. } => out.push(stmt),
            StmtKind::Info { .. } if infos => out.push(stmt),
            _ => {}
        }
    }
}

/// The walk that collects occurrences.
struct Walk<'i, 'a> {
    index: &'i Index<'a>,
    file: FileId,
    out: Vec<Occurrence>,
}

impl<'a> Walk<'_, 'a> {
    fn declare(&mut self, kind: Kind, name: &Ident) {
        self.out.push(Occurrence { span: name.span, target: Target { kind, name: name.span } });
    }

    fn refer(&mut self, span: Span, kind: Kind, name: &Ident) {
        self.out.push(Occurrence { span, target: Target { kind, name: name.span } });
    }

    fn type_ref(&mut self, ident: &Ident, kind: DefKind) {
        if let Some(def) = self.index.definition(self.file, &ident.name, kind) {
            let target = if kind == DefKind::GroupType { Kind::GroupType } else { Kind::Codelist };
            self.refer(ident.span, target, def.name);
        }
    }

    fn path(&mut self, stack: &[Container<'a>], segments: &[Ident]) {
        for (segment, (_, stmt)) in segments.iter().zip(self.index.resolve_path(stack, segments)) {
            if let (Some(kind), Some(name)) = (kind_of(stmt, false), decl_name(stmt)) {
                self.refer(segment.span, kind, name);
            }
        }
    }

    fn stmts(&mut self, stmts: &'a [Stmt], stack: &[Container<'a>]) {
        for stmt in stmts {
            self.stmt(stmt, stack);
        }
    }

    fn stmt(&mut self, stmt: &'a Stmt, stack: &[Container<'a>]) {
        match &stmt.kind {
            StmtKind::Field { name, ty, body, .. } => {
                self.declare(Kind::Field, name);
                if let ast::FieldTypeAst::Choice { list, .. } = ty {
                    self.type_ref(list, DefKind::Codelist);
                }
                for inner in body.iter().flat_map(|b| b.stmts.iter()) {
                    match &inner.kind {
                        // `exclusive "KEINE"`: codes of the field's own list.
                        StmtKind::Exclusive(codes) => {
                            for code in codes {
                                self.code_ref(self.file, stmt, &code.value, code.span);
                            }
                        }
                        _ => self.stmt(inner, stack),
                    }
                }
            }
            StmtKind::Group { name, ty, body, .. } | StmtKind::Repeat { name, ty, body, .. } => {
                let kind = if matches!(stmt.kind, StmtKind::Group { .. }) { Kind::Group } else { Kind::Repeat };
                self.declare(kind, name);
                match (ty, body) {
                    (Some(ty), body) => {
                        self.type_ref(ty, DefKind::GroupType);
                        let inner = self.index.container_of(self.file, stmt);
                        for member in body.iter().flat_map(|b| b.stmts.iter()) {
                            match (&member.kind, inner) {
                                (StmtKind::Member { path, body }, Some(inner)) => {
                                    self.path(&[inner], &path.segments);
                                    self.stmts(&body.stmts, &[inner]);
                                }
                                _ => self.stmt(member, stack),
                            }
                        }
                    }
                    (None, Some(body)) => {
                        let mut inner = stack.to_vec();
                        inner.push(Container { file: self.file, stmts: &body.stmts });
                        self.stmts(&body.stmts, &inner);
                    }
                    (None, None) => {}
                }
            }
            StmtKind::Section { name, body, .. } => {
                self.declare(Kind::Section, name);
                if let Some(body) = body {
                    self.stmts(&body.stmts, stack);
                }
            }
            StmtKind::Info { name, body, .. } => {
                self.declare(Kind::Info, name);
                if let Some(body) = body {
                    self.stmts(&body.stmts, stack);
                }
            }
            StmtKind::Rule { name, when, body } => {
                self.declare(Kind::Rule, name);
                if let Some(when) = when {
                    self.expr(when, stack);
                }
                self.stmts(&body.stmts, stack);
            }
            StmtKind::Codelist { name, body, .. } => {
                self.declare(Kind::Codelist, name);
                for code in body.iter().flat_map(|b| b.stmts.iter()) {
                    if let StmtKind::Code { code, .. } = &code.kind {
                        let target = Target { kind: Kind::Code, name: code.span };
                        self.out.push(Occurrence { span: code.span, target });
                    }
                }
            }
            StmtKind::Required { when: Some(expr), .. }
            | StmtKind::Visible(expr)
            | StmtKind::Bound { value: expr, .. }
            | StmtKind::Check(expr)
            | StmtKind::Default(expr) => self.expr(expr, stack),
            StmtKind::At(path) => self.path(stack, &path.segments),
            _ => {}
        }
    }

    fn expr(&mut self, expr: &Expr, stack: &[Container<'a>]) {
        match &expr.kind {
            ExprKind::Path(path) => self.path(stack, &path.segments),
            ExprKind::Set(items) => items.iter().for_each(|e| self.expr(e, stack)),
            ExprKind::Call { args, .. } => args.iter().for_each(|e| self.expr(e, stack)),
            ExprKind::Unary { operand, .. } | ExprKind::Postfix { operand, .. } => self.expr(operand, stack),
            ExprKind::Binary { op, lhs, rhs } => {
                self.expr(lhs, stack);
                self.expr(rhs, stack);
                // `art == "A"`, `art in ["A", "B"]`, `arten contains "A"`: codes of the field's list.
                let compares =
                    matches!(op, BinaryOp::Eq | BinaryOp::Ne | BinaryOp::In | BinaryOp::NotIn | BinaryOp::Contains);
                if let (true, ExprKind::Path(path)) = (compares, &lhs.kind) {
                    let resolved = self.index.resolve_path(stack, &path.segments);
                    if let (true, Some(&(file, field))) = (resolved.len() == path.segments.len(), resolved.last()) {
                        let strings = match &rhs.kind {
                            ExprKind::Set(items) => items.iter().collect(),
                            _ => vec![&**rhs],
                        };
                        for string in strings {
                            if let ExprKind::Str(value) = &string.kind {
                                self.code_ref(file, field, value, string.span);
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// `value` written at `span` as a code of the list of the choice field `field` (declared in `file`).
    fn code_ref(&mut self, file: FileId, field: &Stmt, value: &str, span: Span) {
        let StmtKind::Field { ty: ast::FieldTypeAst::Choice { list, .. }, .. } = &field.kind else {
            return;
        };
        let Some(def) = self.index.definition(file, &list.name, DefKind::Codelist) else {
            return;
        };
        let code = body_of(def.stmt).into_iter().flat_map(|b| b.stmts.iter()).find_map(|s| match &s.kind {
            StmtKind::Code { code, .. } if code.value == value => Some(code.span),
            _ => None,
        });
        if let Some(name) = code {
            self.out.push(Occurrence { span, target: Target { kind: Kind::Code, name } });
        }
    }
}

impl<'a> Index<'a> {
    /// The statement that declares `target` (a code: its `code` statement), if any.
    pub fn declaration(&self, target: Target) -> Option<(FileId, &'a Stmt)> {
        let ast = self.ast(target.name.file)?;
        let mut stack: Vec<&'a Stmt> =
            ast.items.iter().chain(ast.forms.iter().flat_map(|f| f.body.stmts.iter())).collect();
        while let Some(stmt) = stack.pop() {
            let found = match &stmt.kind {
                StmtKind::Code { code, .. } => code.span == target.name,
                _ => decl_name(stmt).is_some_and(|n| n.span == target.name),
            };
            if found {
                return Some((target.name.file, stmt));
            }
            stack.extend(body_of(stmt).into_iter().flat_map(|b| b.stmts.iter()));
        }
        None
    }
}
