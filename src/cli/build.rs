//! `formwerk build`: the command line over `formwerk::Build` — targets by name, `--check`
//! (exit 1 with the stale files listed), `--jobs`, and a progress bar on a terminal.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use formwerk::build::{Error, Progress};
use formwerk::emit::Target;
use formwerk::Build;

use super::progress::Bar;
use crate::{report, usage_failure, MessageFormat, OutputArgs};

#[derive(clap::Args)]
pub struct Args {
    /// Directory of `.form` files.
    #[arg(long, default_value = "forms")]
    pub forms: PathBuf,
    /// Output directory; each target replaces only its own subdirectory.
    #[arg(long, default_value = "generated")]
    pub out: PathBuf,
    /// Targets to emit, comma-separated (available: ir, json-schema, rust, html, html-fragment, xdf3).
    #[arg(long, value_delimiter = ',', default_value = "ir,json-schema,rust,html,xdf3")]
    pub emit: Vec<String>,
    /// Theme of the HTML pages: `default`, `kern`, or a directory of partials and CSS.
    #[arg(long, default_value = "default")]
    pub theme: String,
    /// Name of the generated Rust crate.
    #[arg(long, default_value = formwerk::emit::rust::DEFAULT_CRATE)]
    pub crate_name: String,
    /// Base URI of each JSON Schema's `$id` (`<base>/<form>/<version>/schema.json`).
    #[arg(long, default_value = "https://formwerk.example/schemas")]
    pub schema_base_uri: String,
    /// Directory of genericode code lists for `codelist X from "urn" version "v"`
    /// (default: `codelists` next to the forms directory, when it exists).
    #[arg(long)]
    pub codelists: Option<PathBuf>,
    /// Directory of project catalogues `<tag>.toml` for languages beyond the built-in de, en
    /// (default: `catalogues` next to the module root, when it exists).
    #[arg(long)]
    pub catalogues: Option<PathBuf>,
    /// Write nothing; exit 1 and list the files of `--out` that differ from what a build
    /// would write (for CI: is `generated/` up to date?).
    #[arg(long)]
    pub check: bool,
    /// Threads that make the files (default 0: one per core); output never depends on it.
    #[arg(long, short = 'j', default_value_t = 0)]
    pub jobs: usize,
    /// Check and make every form, without the build cache (`--out/.formwerk-cache.json`),
    /// which otherwise remakes only the forms whose sources changed.
    #[arg(long)]
    pub no_cache: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(args: Args) -> ExitCode {
    let mut targets = Vec::new();
    for name in &args.emit {
        match Target::parse(name.trim()) {
            Some(target) => targets.push(target),
            None => {
                let known: Vec<&str> = Target::ALL.iter().chain(Target::EXTRA).map(|t| t.name()).collect();
                return usage_failure(&format!("unknown target `{name}`; available: {}", known.join(", ")));
            }
        }
    }
    // Checking has no pool of its own: it parses and lowers with the process's default.
    formwerk::parallel::set_default_jobs(args.jobs);
    let mut build = Build::new()
        .forms(&args.forms)
        .out(&args.out)
        .emit(targets)
        .theme(&args.theme)
        .crate_name(&args.crate_name)
        .schema_base_uri(&args.schema_base_uri)
        .jobs(args.jobs)
        .cache(!args.no_cache);
    if let Some(dir) = &args.codelists {
        build = build.codelists(dir);
    }
    if let Some(dir) = &args.catalogues {
        build = build.catalogues(dir);
    }
    let human = matches!(args.output.message_format, MessageFormat::Human);
    // The bar only where a person watches: a terminal, human messages.
    let bar = (human && std::io::stderr().is_terminal()).then(Bar::new);
    if let Some(bar) = &bar {
        let bar = bar.clone();
        build = build.on_progress(move |progress| match progress {
            Progress::Checking => bar.say("checking forms"),
            Progress::Emitting { done, total } => bar.show("making files", done, total),
            Progress::Writing { files } => {
                bar.say(&format!("{} {files} files", if args.check { "comparing" } else { "writing" }))
            }
        });
    }
    let out = args.out.display();
    if args.check {
        let result = build.check();
        if let Some(bar) = &bar {
            bar.clear();
        }
        match result {
            Ok(checked) => {
                report(checked.built.session(), &args.output);
                if checked.stale.is_empty() {
                    if human {
                        eprintln!(
                            "`{out}` is up to date ({} forms, {} files)",
                            checked.built.forms, checked.built.files
                        );
                    }
                    return ExitCode::SUCCESS;
                }
                let mut list = String::new();
                for stale in &checked.stale {
                    if human {
                        list.push_str(&format!("{}: {}\n", stale.path, stale.why));
                    } else {
                        // One JSON object per line, like the diagnostics on the same stream.
                        let line = serde_json::json!({ "stale": stale.path, "why": stale.why.to_string() });
                        list.push_str(&format!("{line}\n"));
                    }
                }
                // A reader that stopped early (`| head`) still gets the verdict as exit status.
                let _ = super::stdout::write(&list);
                eprintln!(
                    "`{out}` is out of date: {} file{} differ from a build; run `formwerk build`",
                    checked.stale.len(),
                    if checked.stale.len() == 1 { "" } else { "s" }
                );
                ExitCode::from(1)
            }
            Err(error) => failed(error, &args.output, &format!("check failed: `{out}` was not compared")),
        }
    } else {
        let result = build.run();
        if let Some(bar) = &bar {
            bar.clear();
        }
        match result {
            Ok(built) => {
                report(built.session(), &args.output);
                if human {
                    let n = built.forms;
                    let remade = if built.remade == n {
                        String::new()
                    } else {
                        format!(", {} remade, the others unchanged", built.remade)
                    };
                    eprintln!(
                        "built {n} form{} into `{out}` ({} files{remade})",
                        if n == 1 { "" } else { "s" },
                        built.files
                    );
                }
                ExitCode::SUCCESS
            }
            Err(error) => failed(error, &args.output, &format!("build failed: `{out}` was not changed")),
        }
    }
}

/// Reports why a build or check did not finish: the forms' diagnostics (exit 1) or a usage
/// or I/O failure (exit 2).
fn failed(error: Error, output: &OutputArgs, what: &str) -> ExitCode {
    match error {
        Error::Forms(session) => {
            report(&session, output);
            eprintln!("{what}");
            ExitCode::from(1)
        }
        other => usage_failure(&other.to_string()),
    }
}
