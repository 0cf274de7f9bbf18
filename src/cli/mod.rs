//! The commands of the `formwerk` binary that have grown a module of their own (the others are
//! still in `main.rs`).

pub mod build;
pub mod compat;
pub mod fmt;
pub mod lsp;
mod progress;
#[cfg(feature = "serve")]
pub mod serve;
pub mod stdout;
#[cfg(feature = "serve")]
pub mod submissions;
pub mod watch;
