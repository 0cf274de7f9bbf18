//! Where a finding's declaration is in the sources: the IR has no spans, so the parsed files
//! of a checked run are searched by name path.
//!
//! An item is looked up through sections (which do not nest data) and into group and repeat
//! bodies; the member of a shared group type is found in the type's declaration. When the
//! exact declaration is not in the sources (a member of a type outside them, an item that is
//! not there), the nearest enclosing declaration is returned, and the form's name at worst.

use super::{Finding, Location, Target};
use crate::source::{SourceDb, Span};
use crate::syntax::{self, ast};

/// The parsed files of one run, to search.
pub struct Locator<'a> {
    db: &'a SourceDb,
    files: Vec<ast::File>,
}

impl<'a> Locator<'a> {
    /// Parses every file of `db` (a file that does not parse is skipped).
    pub fn new(db: &'a SourceDb) -> Locator<'a> {
        let files = db.ids().filter_map(|id| syntax::parse(db, id).0).collect();
        Locator { db, files }
    }

    /// Fills `new_at` (with `self` as the new sources) of every finding.
    pub fn locate_new(&self, findings: &mut [Finding]) {
        for finding in findings.iter_mut() {
            finding.new_at = self.find(&finding.form, &finding.target, finding.rule.ends_with("-removed"));
        }
    }

    /// Fills `old_at` (with `self` as the old sources) of every finding.
    pub fn locate_old(&self, findings: &mut [Finding]) {
        for finding in findings.iter_mut() {
            // A renamed item is declared under its old name; what is new has only a parent.
            // A moved item is declared at its old path.
            let target = match (&finding.target, finding.rule.ends_with("-renamed"), &finding.old) {
                (Target::Item(path), true, Some(old_name)) => {
                    let mut path = path.clone();
                    if let Some(last) = path.last_mut() {
                        *last = old_name.clone();
                    }
                    Target::Item(path)
                }
                (Target::Item(_), false, Some(old_path)) if finding.rule.ends_with("-moved") => {
                    Target::Item(old_path.split('.').map(str::to_string).collect())
                }
                (target, ..) => target.clone(),
            };
            finding.old_at = self.find(&finding.form, &target, finding.rule.ends_with("-added"));
        }
    }

    /// The location of `target` in form `form`. For a path that is not declared, the nearest
    /// enclosing declaration (`parent`: start from the parent, for what is gone).
    pub fn find(&self, form: &str, target: &Target, parent: bool) -> Option<Location> {
        let decl = self.files.iter().flat_map(|f| &f.forms).find(|f| f.name.name == form)?;
        let span = match target {
            Target::Form => decl
                .body
                .stmts
                .iter()
                .find_map(|s| match &s.kind {
                    ast::StmtKind::Version(version) => Some(version.span),
                    _ => None,
                })
                .unwrap_or(decl.name.span),
            Target::Item(path) => {
                let path = if parent { &path[..path.len().saturating_sub(1)] } else { &path[..] };
                self.item(&decl.body.stmts, path).unwrap_or(decl.name.span)
            }
            Target::Rule(name) => rule(&decl.body.stmts, name).unwrap_or(decl.name.span),
            Target::Code { list, code } => self.code(&decl.body.stmts, list, code.as_deref()).unwrap_or(decl.name.span),
        };
        Some(self.location(span))
    }

    fn location(&self, span: Span) -> Location {
        let file = self.db.get(span.file);
        let (line, column) = file.line_col(span.start);
        Location { file: file.name.clone(), line, column }
    }

    /// The declaration of `path` below `stmts`, or of its nearest ancestor there.
    fn item(&self, stmts: &[ast::Stmt], path: &[String]) -> Option<Span> {
        let (first, rest) = path.split_first()?;
        for stmt in stmts {
            let (name, ty, body) = match &stmt.kind {
                ast::StmtKind::Section { body: Some(body), .. } => {
                    if let Some(span) = self.item(&body.stmts, path) {
                        return Some(span);
                    }
                    continue;
                }
                ast::StmtKind::Field { name, body, .. } | ast::StmtKind::Info { name, body, .. } => (name, None, body),
                ast::StmtKind::Group { name, ty, body, .. } | ast::StmtKind::Repeat { name, ty, body, .. } => {
                    (name, ty.as_ref(), body)
                }
                _ => continue,
            };
            if name.name != *first {
                continue;
            }
            if rest.is_empty() {
                return Some(name.span);
            }
            let inner = body.as_ref().and_then(|b| self.item(&b.stmts, rest));
            let typed = || ty.and_then(|ty| self.group_type(&ty.name)).and_then(|b| self.item(&b.stmts, rest));
            return Some(inner.or_else(typed).unwrap_or(name.span));
        }
        None
    }

    /// The body of the shared group type `name`, in any file.
    fn group_type(&self, name: &str) -> Option<&ast::Block> {
        self.files.iter().flat_map(|f| &f.items).find_map(|s| match &s.kind {
            ast::StmtKind::Group { name: n, body: Some(body), .. } if n.name == name => Some(body),
            _ => None,
        })
    }

    /// A code list (in the form, else at the top of any file), or one of its codes.
    fn code(&self, stmts: &[ast::Stmt], list: &str, code: Option<&str>) -> Option<Span> {
        let found = codelist(stmts, list).or_else(|| self.files.iter().find_map(|f| codelist(&f.items, list)))?;
        let (name, body) = found;
        let code_span = code.and_then(|code| {
            body?.stmts.iter().find_map(|s| match &s.kind {
                ast::StmtKind::Code { code: c, .. } if c.value == code => Some(c.span),
                _ => None,
            })
        });
        Some(code_span.unwrap_or(name))
    }
}

/// Statements below `stmts`, depth first (sections, groups, repeats).
fn walk<'s>(stmts: &'s [ast::Stmt], visit: &mut dyn FnMut(&'s ast::Stmt) -> bool) -> bool {
    for stmt in stmts {
        if visit(stmt) {
            return true;
        }
        let body = match &stmt.kind {
            ast::StmtKind::Section { body, .. }
            | ast::StmtKind::Group { body, .. }
            | ast::StmtKind::Repeat { body, .. } => body.as_ref(),
            _ => None,
        };
        if let Some(body) = body {
            if walk(&body.stmts, visit) {
                return true;
            }
        }
    }
    false
}

fn rule(stmts: &[ast::Stmt], wanted: &str) -> Option<Span> {
    let mut found = None;
    walk(stmts, &mut |stmt| match &stmt.kind {
        ast::StmtKind::Rule { name, .. } if name.name == wanted => {
            found = Some(name.span);
            true
        }
        _ => false,
    });
    found
}

fn codelist<'s>(stmts: &'s [ast::Stmt], wanted: &str) -> Option<(Span, Option<&'s ast::Block>)> {
    let mut found = None;
    walk(stmts, &mut |stmt| match &stmt.kind {
        ast::StmtKind::Codelist { name, body, .. } if name.name == wanted => {
            found = Some((name.span, body.as_ref()));
            true
        }
        _ => false,
    });
    found
}
