//! Bounds group nesting before anything recurses over the XML.
//!
//! The reader, the model (its `Drop` and `Clone` too) and the printer recurse once per
//! nested `datenfeldgruppe`, and the printed source nests one block per group. So the
//! nesting is checked first, in one pass over the document that does not recurse
//! (`roxmltree` keeps nodes in a flat list, in document order), and a file nested
//! deeper than the language accepts is refused with the line of the first group too deep.

use roxmltree::Document;

use super::ImportError;

/// The deepest group nesting imported. The printed source puts the groups inside the form's
/// block, and inside the innermost group at most four more blocks (a repeated field with a
/// FIM rule in its metadata, `repeat { field { fim { rule { } } } }`), and the parser accepts
/// [`MAX_NESTING`](crate::syntax::MAX_NESTING) brackets.
pub const MAX_GROUP_DEPTH: usize = crate::syntax::MAX_NESTING - 5;

/// `Err` at the first `datenfeldgruppe` nested deeper than [`MAX_GROUP_DEPTH`].
pub fn check_depth(doc: &Document) -> Result<(), ImportError> {
    // Groups enclosing each node (itself included), by node id; a parent comes before its
    // children in document order, so one pass computes it.
    let mut depth: Vec<u32> = Vec::new();
    for node in doc.descendants() {
        let index = node.id().get_usize();
        let parent = node.parent().map_or(0, |p| depth.get(p.id().get_usize()).copied().unwrap_or(0));
        let is_group = node.is_element() && node.tag_name().name() == "datenfeldgruppe";
        let own = parent + u32::from(is_group);
        if own as usize > MAX_GROUP_DEPTH {
            let position = doc.text_pos_at(node.range().start);
            return Err(ImportError::TooDeep { line: position.row, column: position.col, limit: MAX_GROUP_DEPTH });
        }
        if depth.len() <= index {
            depth.resize(index + 1, 0);
        }
        depth[index] = own;
    }
    Ok(())
}
