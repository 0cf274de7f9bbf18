//! `formwerk check`: checks forms and modules and reports every problem; with `--watch`, again
//! on every change (`super::watch`).

use std::path::PathBuf;
use std::process::ExitCode;

use formwerk::diag::render;
use formwerk::driver;

use super::place::FormPlace;
use crate::{exit_for, report, usage_failure, OutputArgs};

#[derive(clap::Args)]
pub struct Args {
    /// Files or directories of `.form` files.
    #[arg(default_value = "forms")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    place: FormPlace,
    /// Directory of project catalogues `<tag>.toml` for languages beyond the built-in de, en
    /// (default: `catalogues` next to the module root, when it exists).
    #[arg(long)]
    catalogues: Option<PathBuf>,
    /// Keep running: check again whenever a form, module, code list or catalogue changes
    /// (clearing the screen on a terminal); Ctrl-C ends it.
    #[arg(long)]
    watch: bool,
    #[command(flatten)]
    output: OutputArgs,
}

pub fn run(args: Args) -> ExitCode {
    let check = || {
        driver::check_paths_in(
            &args.paths,
            args.place.root.as_deref(),
            args.place.codelists.as_deref(),
            args.catalogues.as_deref(),
        )
    };
    if !args.watch {
        return match check() {
            Ok(session) => {
                report(&session, &args.output);
                exit_for(&session.checked.diagnostics)
            }
            Err(error) => usage_failure(&error.to_string()),
        };
    }
    let first = args.paths.first().cloned().unwrap_or_else(|| PathBuf::from("forms"));
    let module_root = args.place.root.clone().unwrap_or_else(|| driver::default_root(&first));
    let mut watched_paths = args.paths.clone();
    watched_paths.push(module_root.clone());
    let watched = super::watch::Watched {
        paths: watched_paths,
        directories: super::watch::directories(
            &module_root,
            args.place.codelists.as_deref(),
            args.catalogues.as_deref(),
        ),
    };
    super::watch::run(&watched, &mut || match check() {
        Ok(session) => {
            report(&session, &args.output);
            eprint!("{}", render::summary(&session.checked.diagnostics));
        }
        Err(error) => eprintln!("error: {error}"),
    })
}
