//! Catalogues: the citizen-facing texts Formwerk writes itself (built-in validation
//! messages and HTML interface texts), one TOML file per language. `de` and `en` are built
//! in; a project adds a language with `catalogues/<tag>.toml` next to its forms.
//! `tag.rs` owns which language tags are accepted.

pub mod tag;
