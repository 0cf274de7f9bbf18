//! Groups and repeats: written-out ones and instances of shared group types (with recursion
//! detection), their labels, required-ness and item counts.

use std::collections::BTreeMap;

use super::{child, contains_always_required, FormLowering, Slot, TextSlot};
use crate::check::defs::DefKind;
use crate::check::fim;
use crate::check::props::{self, Context, Props};
use crate::diag::{Code, Diagnostic};
use crate::ir::{self, Item, Requirement};
use crate::source::{FileId, Span};
use crate::syntax::ast::{self, Flag, StmtKind};

/// A group or repeat as declared: what `group` needs besides the place it goes.
pub(super) struct GroupDecl<'a, 'p> {
    pub name: &'p ast::Ident,
    pub label: Option<&'p ast::Text>,
    pub flag: Option<(Flag, Span)>,
    pub context: Context,
    /// The block's properties (for an instance: the instance's, not the type's).
    pub props: &'p Props<'a>,
    /// For an instance: the type's body, label and name.
    pub type_def: Option<(&'a ast::Block, Option<ir::Text>, String)>,
}

impl<'a> FormLowering<'a, '_> {
    /// A group or repeat written out with its members; with `type_def`, the body of a group type.
    pub(super) fn group(
        &mut self,
        file: FileId,
        decl: GroupDecl<'a, '_>,
        path: &[String],
        boundary: usize,
    ) -> Option<Item> {
        let GroupDecl { name, label, flag, context, props, type_def } = decl;
        let node = child(path, &name.name);
        let (members, type_label, of, member_boundary) = match &type_def {
            Some((def_body, def_label, of)) => {
                let def_props = props::collect(&def_body.stmts, Context::Group, &mut self.diagnostics);
                (def_props.members, def_label.clone(), Some(of.clone()), node.len())
            }
            None => (props.members.clone(), None, None, boundary),
        };
        let is_repeat = matches!(context, Context::Repeat | Context::RepeatInstance);
        // For a repeat of a shared type, the type's label names one item ("Kind").
        let label_text = label.or(props.label);
        let label = if is_repeat {
            self.label(label, props, None, name)
        } else {
            self.label(label, props, type_label.clone(), name)
        };
        let label = self.template(label_text, label, &node, TextSlot::Label, path, boundary);
        let hint = props.hint.map(|h| {
            let lowered = self.langs.lower(h, &mut self.diagnostics);
            self.template(Some(h), lowered, &node, TextSlot::Hint, path, boundary)
        });
        let fim = props.fim.and_then(|f| self.fim(f, fim::Place::Element));
        let visible = self.defer(props.visible, &node, Slot::Visible, path, boundary);
        let items = self.members(file, &members, &node, member_boundary, &mut BTreeMap::new());
        if is_repeat {
            let item_label = match (props.item, type_label) {
                (Some(item), _) => self.langs.lower(item, &mut self.diagnostics),
                (None, Some(type_label)) => type_label,
                (None, None) => {
                    self.missing(
                        name.span,
                        &format!("repeat `{}` has no `item` label", name.name),
                        "name one item, e.g. `item \"Kind\" en \"Child\"`; it is shown as \"Kind 1\", \"Kind 2\", …",
                    );
                    ir::Text::new()
                }
            };
            return Some(Item::Repeat(ir::Repeat {
                name: name.name.clone(),
                label,
                item_label,
                hint,
                of,
                adapts: None,
                min: 0,
                max: None,
                visible,
                fim,
                items,
            }));
        }
        let required = match self.requirement(flag, props, &node, path, boundary) {
            Requirement::Never if props.optional.is_none() && flag.is_none() && contains_always_required(&items) => {
                Requirement::Always
            }
            other => other,
        };
        let required_message = props.required_message.map(|m| self.langs.lower(m, &mut self.diagnostics));
        Some(Item::Group(ir::Group {
            name: name.name.clone(),
            label,
            hint,
            of,
            adapts: None,
            required,
            required_message,
            visible,
            fim,
            items,
        }))
    }

    /// A group or repeat that is an instance of a shared group type.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn instance(
        &mut self,
        file: FileId,
        name: &ast::Ident,
        ty: &ast::Ident,
        label: Option<&'a ast::Text>,
        flag: Option<(Flag, Span)>,
        body: Option<&'a ast::Block>,
        path: &[String],
        boundary: usize,
        is_repeat: bool,
    ) -> Option<Item> {
        let def = self.defs.lookup(file, ty, DefKind::GroupType, &mut self.diagnostics)?;
        let key = (def.file, def.name.name.clone());
        if self.type_stack.contains(&key) {
            let chain: Vec<&str> = self.type_stack.iter().map(|(_, n)| n.as_str()).collect();
            self.diagnostics.push(
                Diagnostic::new(
                    Code::RecursiveGroup,
                    format!(
                        "group type `{}` contains itself ({} → {})",
                        def.name.name,
                        chain.join(" → "),
                        def.name.name
                    ),
                    ty.span,
                    "recursive use",
                )
                .with_note(def.name.span, "type defined here")
                .with_help("define a separate, smaller type for the inner group"),
            );
            return None;
        }
        let StmtKind::Group { label: def_label, body: def_body, flag: def_flag, .. } = &def.stmt.kind else {
            return None;
        };
        if let Some((_, span)) = def_flag {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::MisplacedStatement,
                    "a group type cannot be required or optional",
                    *span,
                    "on the type",
                )
                .with_help("write `required` or `optional` on each group that uses the type"),
            );
        }
        let empty_block: &'a ast::Block = match def_body {
            Some(b) => b,
            None => {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::MissingProperty,
                        format!("group type `{}` has no members", def.name.name),
                        def.name.span,
                        "empty type",
                    )
                    .with_help("write its fields in a block: `group Person \"Person\" { field … }`"),
                );
                return None;
            }
        };
        let def_label_text = def_label.as_ref().map(|t| self.langs.lower(t, &mut self.diagnostics));
        let def_props = props::collect(&empty_block.stmts, Context::Group, &mut Vec::new());
        let def_fim = def_props.fim.and_then(|f| self.fim(f, fim::Place::Element));
        if def_label_text.is_none() {
            self.missing(
                def.name.span,
                &format!("group type `{}` has no label", def.name.name),
                "write the label after the name",
            );
        }
        let module = self.db.get(def.file).module.clone();
        self.spans.group_types.insert(def.name.name.clone(), def.name.span);
        self.group_types.insert(
            def.name.name.clone(),
            ir::GroupType {
                name: def.name.name.clone(),
                module,
                label: def_label_text.clone().unwrap_or_default(),
                fim: def_fim.clone(),
            },
        );
        let context = if is_repeat { Context::RepeatInstance } else { Context::GroupInstance };
        let stmts = body.map(|b| b.stmts.as_slice()).unwrap_or_default();
        let instance_props = props::collect(stmts, context, &mut self.diagnostics);
        self.type_stack.push(key);
        let decl = GroupDecl {
            name,
            label,
            flag,
            context,
            props: &instance_props,
            type_def: Some((empty_block, def_label_text, def.name.name.clone())),
        };
        let mut item = self.group(def.file, decl, path, boundary);
        self.type_stack.pop();
        if let Some(item) = &mut item {
            let node = child(path, &name.name);
            self.tighten(item, &node, &instance_props.member_tightenings, &def.name.name);
        }
        // The type's own FIM id applies unless the instance names one.
        match &mut item {
            Some(Item::Group(g)) if g.fim.is_none() => g.fim = def_fim,
            Some(Item::Repeat(r)) if r.fim.is_none() => r.fim = def_fim,
            _ => {}
        }
        item
    }

    pub(super) fn count(&mut self, repeat: &mut ir::Repeat, range: Option<&ast::IntRange>) {
        let Some(range) = range else { return };
        let to_u32 = |value: u64| u32::try_from(value).unwrap_or(u32::MAX);
        repeat.min = range.min.map_or(0, |m| to_u32(m.value));
        repeat.max = range.max.map(|m| to_u32(m.value));
        match repeat.max {
            Some(max) if repeat.min > max => self.diagnostics.push(
                Diagnostic::new(
                    Code::ContradictoryBounds,
                    format!("repeat `{}` needs at least {} but at most {max} items", repeat.name, repeat.min),
                    range.span,
                    "no count fits",
                )
                .with_help(format!("write `{max}..{}`", repeat.min)),
            ),
            Some(0) => self.diagnostics.push(
                Diagnostic::new(
                    Code::ContradictoryBounds,
                    format!("repeat `{}` allows no items", repeat.name),
                    range.span,
                    "at most 0",
                )
                .with_help("a repeat group needs a maximum of at least 1"),
            ),
            _ => {}
        }
    }
}
