//! The `formwerk` command line: parses the arguments and runs the command's module in `cli/`;
//! what the commands share (diagnostics output, exit codes, standard output) is here.
//!
//! Exit codes: 0 success (warnings allowed), 1 the forms have errors, 2 usage or I/O failure.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

mod cli;

/// mimalloc instead of the system's allocator: a build of a catalogue allocates and frees
/// millions of small objects (tokens, JSON values, IR texts) on every core, and spent a third of
/// its time in glibc's malloc and free.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use formwerk::diag::render::{self, RenderOptions};
use formwerk::diag::Diagnostic;
use formwerk::driver::Session;

#[derive(Parser)]
#[command(name = "formwerk", version, about = "Compiles administrative forms to JSON Schema, HTML and Rust")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Checks forms and modules and reports every problem.
    Check(cli::check::Args),
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
    Build(cli::build::Args),
    /// Validates a JSON submission against a form.
    Validate(cli::validate::Args),
    /// Writes example submissions as NDJSON: valid ones, then invalid ones that each break
    /// exactly one constraint (`{"submission": …, "expect": {"pointer": …, "code": …}}`).
    Examples(cli::examples::Args),
    /// Imports a FIM XDatenfelder 2.0 or 3.0.0 Stammdatenschema as Formwerk source.
    ImportFim(cli::import_fim::Args),
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
    Explain(cli::explain::Args),
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
        Command::Check(args) => cli::check::run(args),
        Command::Fmt { paths, check } => cli::fmt::run(&paths, check),
        Command::Lsp => cli::lsp::run(),
        Command::Build(args) => cli::build::run(args),
        Command::Validate(args) => cli::validate::run(args),
        Command::Examples(args) => cli::examples::run(args),
        Command::ImportFim(args) => cli::import_fim::run(args),
        Command::Compat(args) => cli::compat::run(args),
        #[cfg(feature = "serve")]
        Command::Serve(args) => cli::serve::run(args),
        #[cfg(feature = "serve")]
        Command::Submissions(args) => cli::submissions::run(args),
        Command::Explain(args) => cli::explain::run(args),
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
