//! Read access to the data tree being built: children of a path, and the node at a path.
//!
//! Sections are transparent here: the root object holds the items of every page.

use crate::ir::{self, Item, Page};

#[derive(Clone, Copy)]
pub struct Tree<'t> {
    pub pages: &'t [Page],
}

impl<'t> Tree<'t> {
    /// The items of the object at `path` (the root for an empty path).
    pub fn children(&self, path: &[String]) -> Vec<&'t Item> {
        match path.split_last() {
            None => self.pages.iter().flat_map(|p| p.items.iter()).collect(),
            Some(_) => self.node(path).map(|n| n.children().iter().collect()).unwrap_or_default(),
        }
    }

    /// The node at `path`.
    pub fn node(&self, path: &[String]) -> Option<&'t Item> {
        let (first, rest) = path.split_first()?;
        let mut node = self.pages.iter().flat_map(|p| p.items.iter()).find(|i| i.name() == first)?;
        for name in rest {
            node = node.children().iter().find(|i| i.name() == name)?;
        }
        Some(node)
    }

    /// The repeats along `path` (each as the path to it), outermost first, excluding the node itself.
    pub fn repeats_on(&self, path: &[String]) -> Vec<ir::Path> {
        (1..path.len())
            .filter(|&n| matches!(self.node(&path[..n]), Some(Item::Repeat(_))))
            .map(|n| path[..n].to_vec())
            .collect()
    }
}

/// Mutable access to the node at `path`.
pub fn node_mut<'t>(pages: &'t mut [Page], path: &[String]) -> Option<&'t mut Item> {
    let (first, rest) = path.split_first()?;
    let mut node = pages.iter_mut().flat_map(|p| p.items.iter_mut()).find(|i| i.name() == first)?;
    for name in rest {
        node = node.children_mut()?.iter_mut().find(|i| i.name() == name)?;
    }
    Some(node)
}
