//! The `formwerk` command line: `check`, `build`, `validate`, `examples` and `explain`.
//!
//! Exit codes: 0 success (warnings allowed), 1 the forms have errors, 2 usage or I/O failure.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

mod cli;

/// mimalloc instead of the system's allocator: a build of a catalogue allocates and frees
/// millions of small objects (tokens, JSON values, IR texts) on every core, and spent a third of
/// its time in glibc's malloc and free.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use formwerk::diag::render::{self, RenderOptions};
use formwerk::diag::{Code, Diagnostic};
use formwerk::driver::{self, FormLoad, Session};
use formwerk::validate;
use formwerk::value::Date;

#[derive(Parser)]
#[command(name = "formwerk", version, about = "Compiles administrative forms to JSON Schema, HTML and Rust")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Checks forms and modules and reports every problem.
    Check {
        /// Files or directories of `.form` files.
        #[arg(default_value = "forms")]
        paths: Vec<PathBuf>,
        /// Directory that `use a.b` resolves against (default: the nearest `forms` directory).
        #[arg(long)]
        root: Option<PathBuf>,
        /// Directory of genericode code lists for `codelist X from "urn" version "v"`
        /// (default: `codelists` next to the module root, when it exists).
        #[arg(long)]
        codelists: Option<PathBuf>,
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
    },
    /// Formats `.form` files in place; with `--check`, prints a diff of each unformatted file and exits with 1.
    Fmt {
        /// Files or directories of `.form` files.
        #[arg(default_value = "forms")]
        paths: Vec<PathBuf>,
        /// Change nothing: print a unified diff of every file that is not formatted.
        #[arg(long)]
        check: bool,
    },
    /// Runs the language server on standard input and output (for editors; see docs/EDITORS.md).
    Lsp,
    /// Checks every form and writes the generated artifacts.
    Build {
        /// Directory of `.form` files.
        #[arg(long, default_value = "forms")]
        forms: PathBuf,
        /// Output directory; each target replaces only its own subdirectory.
        #[arg(long, default_value = "generated")]
        out: PathBuf,
        /// Targets to emit, comma-separated (available: ir, json-schema, rust, html, html-fragment, xdf3).
        #[arg(long, value_delimiter = ',', default_value = "ir,json-schema,rust,html,xdf3")]
        emit: Vec<String>,
        /// Theme of the HTML pages: `default`, `kern`, or a directory of partials and CSS.
        #[arg(long, default_value = "default")]
        theme: String,
        /// Name of the generated Rust crate.
        #[arg(long, default_value = formwerk::emit::rust::DEFAULT_CRATE)]
        crate_name: String,
        /// Base URI of each JSON Schema's `$id` (`<base>/<form>/<version>/schema.json`).
        #[arg(long, default_value = "https://formwerk.example/schemas")]
        schema_base_uri: String,
        /// Directory of genericode code lists for `codelist X from "urn" version "v"`
        /// (default: `codelists` next to the forms directory, when it exists).
        #[arg(long)]
        codelists: Option<PathBuf>,
        /// Directory of project catalogues `<tag>.toml` for languages beyond the built-in de, en
        /// (default: `catalogues` next to the module root, when it exists).
        #[arg(long)]
        catalogues: Option<PathBuf>,
        /// Write nothing; exit 1 and list the files of `--out` that differ from what a build
        /// would write (for CI: is `generated/` up to date?).
        #[arg(long)]
        check: bool,
        /// Threads that make the files (default 0: one per core); output never depends on it.
        #[arg(long, short = 'j', default_value_t = 0)]
        jobs: usize,
        /// Check and make every form, without the build cache (`--out/.formwerk-cache.json`),
        /// which otherwise remakes only the forms whose sources changed.
        #[arg(long)]
        no_cache: bool,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Validates a JSON submission against a form.
    Validate {
        /// The `.form` file that declares the form.
        form: PathBuf,
        /// The submission as JSON (`-` for standard input).
        submission: PathBuf,
        /// Language of the messages (default: the form's first language).
        #[arg(long)]
        lang: Option<String>,
        /// `human` for people, `json` for programs.
        #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
        format: MessageFormat,
        /// The date to validate on (default: today in Germany), e.g. `2026-06-15`.
        #[arg(long)]
        today: Option<String>,
        /// Directory that `use a.b` resolves against (default: the nearest `forms` directory).
        #[arg(long)]
        root: Option<PathBuf>,
        /// Directory of genericode code lists for `codelist X from "urn" version "v"`
        /// (default: `codelists` next to the module root, when it exists).
        #[arg(long)]
        codelists: Option<PathBuf>,
    },
    /// Writes example submissions as NDJSON: valid ones, then invalid ones that each break
    /// exactly one constraint (`{"submission": …, "expect": {"pointer": …, "code": …}}`).
    Examples {
        /// The `.form` file that declares the form.
        form: PathBuf,
        /// How many valid submissions.
        #[arg(long, default_value_t = 10)]
        valid: usize,
        /// How many invalid submissions.
        #[arg(long, default_value_t = 10)]
        invalid: usize,
        /// Seed of the random generator; the same seed gives the same examples.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The date the examples must be valid on (default: today in Germany).
        #[arg(long)]
        today: Option<String>,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Directory that `use a.b` resolves against (default: the nearest `forms` directory).
        #[arg(long)]
        root: Option<PathBuf>,
        /// Directory of genericode code lists for `codelist X from "urn" version "v"`
        /// (default: `codelists` next to the module root, when it exists).
        #[arg(long)]
        codelists: Option<PathBuf>,
    },
    /// Imports a FIM XDatenfelder 2.0 or 3.0.0 Stammdatenschema as Formwerk source.
    ImportFim {
        /// The XDatenfelder file (`.xml`).
        file: PathBuf,
        /// Directory of genericode code lists that an XDF2 schema references (by id or URN).
        #[arg(long)]
        codelists: Option<PathBuf>,
        /// Write the source to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Print the import report (counts and every warning) to standard error.
        #[arg(long)]
        report: bool,
    },
    /// Reports breaking changes against an earlier version of the forms (exit 3 when breaking).
    Compat(cli::compat::Args),
    /// Serves the forms: the journey step by step, check your answers, submission into a
    /// SQLite intake; with `--watch`, a preview that reloads on every change.
    #[cfg(feature = "serve")]
    Serve(cli::serve::Args),
    /// Lists, shows and exports the submissions `formwerk serve` stored.
    #[cfg(feature = "serve")]
    Submissions(cli::submissions::Args),
    /// Explains a diagnostic code, e.g. `formwerk explain E0201`; lists all codes without one.
    Explain {
        /// A code (`E0201`) or its name (`unknown-name`).
        code: Option<String>,
    },
}

#[derive(clap::Args)]
struct OutputArgs {
    /// How to print diagnostics: for people, or one JSON object per line for pipelines.
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    message_format: MessageFormat,
    /// When to colour diagnostics (auto: only on a terminal, never with NO_COLOR set).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(Clone, Copy, ValueEnum)]
enum MessageFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Deeply nested input is bounded by the parser, but keep generous headroom anyway.
    let worker = std::thread::Builder::new().stack_size(64 * 1024 * 1024).spawn(move || run(cli));
    match worker.map(|handle| handle.join()) {
        Ok(Ok(code)) => code,
        _ => {
            eprintln!("error: internal failure; please report this with the input that caused it");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Check { paths, root, codelists, catalogues, watch: true, output } => {
            let first = paths.first().cloned().unwrap_or_else(|| PathBuf::from("forms"));
            let module_root = root.clone().unwrap_or_else(|| driver::default_root(&first));
            let mut watched_paths = paths.clone();
            watched_paths.push(module_root.clone());
            let watched = cli::watch::Watched {
                paths: watched_paths,
                directories: cli::watch::directories(&module_root, codelists.as_deref(), catalogues.as_deref()),
            };
            cli::watch::run(&watched, &mut || match driver::check_paths_in(
                &paths,
                root.as_deref(),
                codelists.as_deref(),
                catalogues.as_deref(),
            ) {
                Ok(session) => {
                    report(&session, &output);
                    eprint!("{}", render::summary(&session.checked.diagnostics));
                }
                Err(error) => eprintln!("error: {error}"),
            })
        }
        Command::Check { paths, root, codelists, catalogues, watch: false, output } => {
            match driver::check_paths_in(&paths, root.as_deref(), codelists.as_deref(), catalogues.as_deref()) {
                Ok(session) => {
                    report(&session, &output);
                    exit_for(&session.checked.diagnostics)
                }
                Err(error) => usage_failure(&error.to_string()),
            }
        }
        Command::Fmt { paths, check } => cli::fmt::run(&paths, check),
        Command::Lsp => cli::lsp::run(),
        Command::Build {
            forms,
            out,
            emit,
            schema_base_uri,
            crate_name,
            theme,
            codelists,
            catalogues,
            check,
            jobs,
            no_cache,
            output,
        } => cli::build::run(cli::build::Args {
            forms,
            out,
            emit,
            theme,
            crate_name,
            schema_base_uri,
            codelists,
            catalogues,
            check,
            jobs,
            no_cache,
            output,
        }),
        Command::Validate { form, submission, lang, format, today, root, codelists } => {
            let place = Place { root: root.as_deref(), codelists: codelists.as_deref() };
            validate_command(&form, &submission, lang.as_deref(), format, today.as_deref(), place)
        }
        Command::Examples { form, valid, invalid, seed, today, out, root, codelists } => {
            let place = Place { root: root.as_deref(), codelists: codelists.as_deref() };
            examples_command(&form, valid, invalid, seed, today.as_deref(), out.as_deref(), place)
        }
        Command::ImportFim { file, codelists, out, report } => {
            import_fim(&file, codelists.as_deref(), out.as_deref(), report)
        }
        Command::Compat(args) => cli::compat::run(args),
        #[cfg(feature = "serve")]
        Command::Serve(args) => cli::serve::run(args),
        #[cfg(feature = "serve")]
        Command::Submissions(args) => cli::submissions::run(args),
        Command::Explain { code: None } => {
            let mut out = String::new();
            for code in Code::ALL {
                let summary = code.explanation().lines().next().unwrap_or_default();
                out.push_str(&format!("{}  {:<26} {summary}\n", code.as_str(), code.slug()));
            }
            write_stdout(&out)
        }
        Command::Explain { code: Some(text) } => match Code::parse(&text) {
            Some(code) => write_stdout(&format!(
                "{} ({}, {})\n\n{}\n",
                code.as_str(),
                code.slug(),
                code.severity().as_str(),
                code.explanation()
            )),
            None => usage_failure(&format!("unknown diagnostic code `{text}`; `formwerk explain` lists them all")),
        },
    }
}

/// Writes `text` to standard output. A reader that has gone away (`formwerk explain | head`)
/// has seen enough: success, as for `examples`, not a panic about the closed pipe.
fn write_stdout(text: &str) -> ExitCode {
    match cli::stdout::write(text) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => usage_failure(&format!("cannot write standard output: {error}")),
    }
}

fn parse_today(today: Option<&str>) -> Result<Date, ExitCode> {
    match today {
        Some(text) => Date::parse(text)
            .ok_or_else(|| usage_failure(&format!("`--today {text}` is not a date (write YYYY-MM-DD)"))),
        None => Ok(Date::today_in_berlin()),
    }
}

/// Where a single form's modules and code lists are found.
#[derive(Clone, Copy)]
struct Place<'a> {
    root: Option<&'a Path>,
    codelists: Option<&'a Path>,
}

/// Loads the form in `path`, reporting its diagnostics if it has errors.
fn load_form_or_exit(path: &Path, place: Place) -> Result<Box<formwerk::ir::Form>, ExitCode> {
    match driver::load_form_with(path, place.root, place.codelists) {
        Ok(FormLoad::Loaded(_, form)) => Ok(form),
        Ok(FormLoad::Failed(session)) => {
            report(&session, &OutputArgs { message_format: MessageFormat::Human, color: ColorChoice::Auto });
            eprintln!("error: `{}` has errors; fix them first", path.display());
            Err(ExitCode::from(2))
        }
        Err(error) => Err(usage_failure(&error.to_string())),
    }
}

fn examples_command(
    form_path: &Path,
    n_valid: usize,
    n_invalid: usize,
    seed: u64,
    today: Option<&str>,
    out: Option<&Path>,
    place: Place,
) -> ExitCode {
    let today = match parse_today(today) {
        Ok(today) => today,
        Err(code) => return code,
    };
    let form = match load_form_or_exit(form_path, place) {
        Ok(form) => form,
        Err(code) => return code,
    };
    let compiled = validate::Compiled::new(&form);
    let sink: Box<dyn Write> = match out {
        Some(path) => match std::fs::File::create(path) {
            Ok(file) => Box::new(file),
            Err(error) => return usage_failure(&format!("cannot write `{}`: {error}", path.display())),
        },
        None => Box::new(std::io::stdout().lock()),
    };
    // Each example is written as soon as it is made, so memory does not grow with the count.
    let mut writer = std::io::BufWriter::new(sink);
    let mut failure: Option<std::io::Error> = None;
    let made = formwerk::examples::generate_each(
        &compiled,
        n_valid,
        n_invalid,
        seed,
        &validate::Options { today },
        &mut |example| {
            let line = serde_json::to_string(&example).unwrap_or_default();
            match writer.write_all(line.as_bytes()).and_then(|()| writer.write_all(b"\n")) {
                Ok(()) => std::ops::ControlFlow::Continue(()),
                Err(error) => {
                    failure = Some(error);
                    std::ops::ControlFlow::Break(())
                }
            }
        },
    );
    let flushed = match failure {
        Some(error) => Err(error),
        None => writer.flush(),
    };
    match flushed {
        Ok(()) => {}
        // The reader has seen enough (`formwerk examples … | head`): not a failure.
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => return ExitCode::SUCCESS,
        Err(error) => {
            let target = out.map_or("standard output".to_string(), |p| format!("`{}`", p.display()));
            return usage_failure(&format!("cannot write {target}: {error}"));
        }
    }
    let (n_asked, n_made) = (n_valid + n_invalid, made.valid + made.invalid);
    if n_asked > 0 && n_made == 0 {
        let why = if !made.any_valid {
            "no submission satisfies all its constraints, conditions and rules"
        } else {
            "none of its constraints can be broken on its own"
        };
        eprintln!("error: made none of the {n_asked} examples asked for: {why} (form `{}`)", form.id);
        return ExitCode::from(1);
    }
    if made.valid < n_valid || made.invalid < n_invalid {
        eprintln!(
            "warning: made {} valid and {} invalid examples of the {n_valid} and {n_invalid} asked for",
            made.valid, made.invalid
        );
    }
    ExitCode::SUCCESS
}

fn validate_command(
    form_path: &Path,
    submission_path: &Path,
    lang: Option<&str>,
    format: MessageFormat,
    today: Option<&str>,
    place: Place,
) -> ExitCode {
    let today = match parse_today(today) {
        Ok(today) => today,
        Err(code) => return code,
    };
    let form = match load_form_or_exit(form_path, place) {
        Ok(form) => form,
        Err(code) => return code,
    };
    let lang = lang.unwrap_or(&form.languages[0]).to_string();
    if !form.languages.contains(&lang) {
        return usage_failure(&format!("the form has no language `{lang}` (it has {})", form.languages.join(", ")));
    }
    let bytes = if submission_path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes).map(|_| bytes)
    } else {
        std::fs::read(submission_path)
    };
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err(error) => return usage_failure(&format!("cannot read `{}`: {error}", submission_path.display())),
    };
    // Read as the generated `from_json` reads it: at any depth, keeping only what the form
    // looks at (items past a repeat's maximum and unknown members' values are skipped).
    let submission = match validate::read(&form, &bytes) {
        Ok(value) => value,
        Err(validate::ReadError::Json(error)) => {
            return usage_failure(&format!(
                "`{}` is not valid JSON: {}:{}: {}",
                submission_path.display(),
                error.line(),
                error.column(),
                error.to_string().split(" at line").next().unwrap_or_default()
            ))
        }
        Err(error) => return usage_failure(&format!("`{}` is not valid JSON: {error}", submission_path.display())),
    };
    let report = validate::validate(&form, &submission, &validate::Options { today });
    let mut text = String::new();
    match format {
        MessageFormat::Json => {
            let entries = |list: &[validate::Violation]| -> Vec<serde_json::Value> {
                list.iter()
                    .map(|v| {
                        serde_json::json!({
                            "pointer": v.pointer,
                            "code": v.code,
                            "message": v.messages.get(&lang),
                            "messages": v.messages,
                        })
                    })
                    .collect()
            };
            let mut out = serde_json::json!({
                "form": form.id,
                "version": form.version,
                "today": today.to_string(),
                "valid": report.is_valid(),
                "violations": entries(&report.violations),
            });
            // Failing rules of `severity warning`: never violations, listed apart when there are any.
            if !report.warnings.is_empty() {
                out["warnings"] = serde_json::Value::Array(entries(&report.warnings));
            }
            text = format!("{}\n", serde_json::to_string_pretty(&out).unwrap_or_default());
        }
        MessageFormat::Human => {
            if report.is_valid() {
                text.push_str(&format!(
                    "valid: {} conforms to {} {} (today {today})\n",
                    submission_path.display(),
                    form.id,
                    form.version
                ));
            } else {
                let n = report.violations.len();
                text.push_str(&format!(
                    "invalid: {} has {n} violation{} of {} {} (today {today})\n",
                    submission_path.display(),
                    if n == 1 { "" } else { "s" },
                    form.id,
                    form.version
                ));
                for violation in &report.violations {
                    // A pointer names the submission's keys: never write its controls to a terminal.
                    let pointer =
                        if violation.pointer.is_empty() { "(form)".to_string() } else { printable(&violation.pointer) };
                    let message = violation.messages.get(&lang).map_or("", String::as_str);
                    text.push_str(&format!("  {pointer}  [{}]  {message}\n", violation.code));
                }
            }
            let n = report.warnings.len();
            if n > 0 {
                text.push_str(&format!(
                    "{n} warning{} (the citizen may confirm; not violations):\n",
                    if n == 1 { "" } else { "s" }
                ));
            }
            for warning in &report.warnings {
                let pointer =
                    if warning.pointer.is_empty() { "(form)".to_string() } else { printable(&warning.pointer) };
                let message = warning.messages.get(&lang).map_or("", String::as_str);
                text.push_str(&format!("  {pointer}  [{}]  {message}\n", warning.code));
            }
        }
    }
    // The verdict is the exit status, also when the reader stopped early (`| head`).
    if let Err(error) = cli::stdout::write(&text) {
        return usage_failure(&format!("cannot write standard output: {error}"));
    }
    if report.is_valid() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// `text` with every code point that a text may not contain (controls, bidi overrides, …)
/// written as `\u{…}`, so that printing it cannot change a terminal.
fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if !formwerk::validate::formats::text_allows(c, false) {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    out
}

fn report(session: &Session, output: &OutputArgs) {
    let diagnostics = &session.checked.diagnostics;
    match output.message_format {
        MessageFormat::Json => {
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            for diagnostic in diagnostics {
                let _ = writeln!(lock, "{}", render::to_json(&session.db, diagnostic));
            }
        }
        MessageFormat::Human => {
            let color = match output.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                }
            };
            let width = if color { terminal_width() } else { 100 };
            let text = render::render_all(&session.db, diagnostics, RenderOptions { color, width });
            eprint!("{text}");
        }
    }
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()).unwrap_or(100)
}

/// The largest XDatenfelder file `import-fim` reads (the largest real one has 1.4 MB).
const MAX_FIM_BYTES: u64 = 64 * 1024 * 1024;

/// `formwerk import-fim`: writes the source, then checks it like `formwerk check` would.
fn import_fim(file: &Path, codelists: Option<&Path>, out: Option<&Path>, show_report: bool) -> ExitCode {
    // A regular file only, not through a link, bounded, UTF-8: never a FIFO that blocks.
    let xml = match formwerk::files::read_text(file, MAX_FIM_BYTES) {
        Ok(xml) => xml,
        Err(error) => return usage_failure(&error),
    };
    let library = match codelists.map(formwerk::codelists::Library::load).transpose() {
        Ok(Some((library, skipped))) => {
            for skipped in skipped {
                eprintln!("warning: skipped: {skipped}");
            }
            library
        }
        Ok(None) => formwerk::codelists::Library::default(),
        Err(error) => return usage_failure(&error),
    };
    let imported = match formwerk::fim::import(&xml, &library) {
        Ok(imported) => imported,
        Err(error) => return usage_failure(&format!("{}: {error}", file.display())),
    };
    let written = match out {
        Some(path) => {
            std::fs::write(path, &imported.source).map_err(|e| format!("cannot write `{}`: {e}", path.display()))
        }
        None => std::io::stdout().write_all(imported.source.as_bytes()).map_err(|e| e.to_string()),
    };
    if let Err(error) = written {
        return usage_failure(&error);
    }
    if show_report {
        eprint!("{}: {}", file.display(), imported.report);
    } else if !imported.report.warnings.is_empty() {
        eprintln!("{}: {} warnings (see --report)", file.display(), imported.report.warnings.len());
    }
    let name = out.map(|p| p.display().to_string()).unwrap_or_else(|| format!("{}.form", imported.form_name));
    let (db, checked) = formwerk::fim::check_source_with(&name, &imported.source, &library);
    if !checked.diagnostics.is_empty() {
        eprint!("{}", render::render_all(&db, &checked.diagnostics, RenderOptions::plain()));
    }
    exit_for(&checked.diagnostics)
}

fn exit_for(diagnostics: &[Diagnostic]) -> ExitCode {
    if diagnostics.iter().any(Diagnostic::is_error) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn usage_failure(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}
