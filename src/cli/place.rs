//! What `check`, `validate` and `examples` share: where forms find their modules and code lists
//! (`--root`, `--codelists`), loading a single form, and `--today`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use formwerk::driver::{self, FormLoad};
use formwerk::value::Date;

use crate::{report, usage_failure, ColorChoice, MessageFormat, OutputArgs};

/// Where forms find their modules and code lists (`check`, `validate`, `examples`).
#[derive(clap::Args)]
pub struct FormPlace {
    /// Directory that `use a.b` resolves against (default: the nearest `forms` directory).
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Directory of genericode code lists for `codelist X from "urn" version "v"`
    /// (default: `codelists` next to the module root, when it exists).
    #[arg(long)]
    pub codelists: Option<PathBuf>,
}

impl FormPlace {
    /// Loads the form in `path`, reporting its diagnostics if it has errors (exit 2).
    pub fn load(&self, path: &Path) -> Result<Box<formwerk::ir::Form>, ExitCode> {
        match driver::load_form_with(path, self.root.as_deref(), self.codelists.as_deref()) {
            Ok(FormLoad::Loaded(_, form)) => Ok(form),
            Ok(FormLoad::Failed(session)) => {
                report(&session, &OutputArgs { message_format: MessageFormat::Human, color: ColorChoice::Auto });
                eprintln!("error: `{}` has errors; fix them first", path.display());
                Err(ExitCode::from(2))
            }
            Err(error) => Err(usage_failure(&error.to_string())),
        }
    }
}

/// `--today`, or today in Germany.
pub fn today(today: Option<&str>) -> Result<Date, ExitCode> {
    match today {
        Some(text) => Date::parse(text)
            .ok_or_else(|| usage_failure(&format!("`--today {text}` is not a date (write YYYY-MM-DD)"))),
        None => Ok(Date::today_in_berlin()),
    }
}
