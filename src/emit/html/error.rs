//! The one error of the HTML backend: a theme that was refused, or a page that could not be
//! rendered or did not pass the allowlist scan. A theme is input from outside Formwerk, checked
//! when it is loaded; a checked IR never causes this error, and a failure is always reported,
//! never turned into a page.

use std::fmt;

/// A theme was refused or a page could not be rendered with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// The theme: a built-in name or the directory as given.
    pub theme: String,
    /// What was refused and why, naming the theme's file and line where there is one.
    pub message: String,
}

impl Error {
    pub(crate) fn new(theme: &str, message: impl Into<String>) -> Error {
        Error { theme: theme.to_string(), message: message.into() }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "theme `{}`: {}", self.theme, self.message)
    }
}

impl std::error::Error for Error {}
