//! The commands of the `formwerk` binary, one module each (`main.rs` parses the command line
//! and dispatches), and what several of them share (`place`, `progress`, `stdout`).

pub mod build;
pub mod check;
pub mod compat;
pub mod examples;
pub mod explain;
pub mod fmt;
pub mod import_fim;
pub mod lsp;
mod place;
mod progress;
#[cfg(feature = "serve")]
pub mod serve;
pub mod stdout;
#[cfg(feature = "serve")]
pub mod submissions;
pub mod validate;
pub mod watch;
