//! The `formwerk` command line: `check`, `build` and `explain`.
//!
//! Exit codes: 0 success (warnings allowed), 1 the forms have errors, 2 usage or I/O failure.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use formwerk::diag::render::{self, RenderOptions};
use formwerk::diag::{Code, Diagnostic};
use formwerk::driver::{self, BuildOutcome, Session};
use formwerk::emit::Target;

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
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Checks every form and writes the generated artifacts.
    Build {
        /// Directory of `.form` files.
        #[arg(long, default_value = "forms")]
        forms: PathBuf,
        /// Output directory; each target replaces only its own subdirectory.
        #[arg(long, default_value = "generated")]
        out: PathBuf,
        /// Targets to emit, comma-separated (available: ir).
        #[arg(long, value_delimiter = ',', default_value = "ir")]
        emit: Vec<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
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
        Command::Check { paths, root, output } => match driver::check_paths(&paths, root.as_deref()) {
            Ok(session) => {
                report(&session, &output);
                exit_for(&session.checked.diagnostics)
            }
            Err(error) => usage_failure(&error.to_string()),
        },
        Command::Build { forms, out, emit, output } => {
            let mut targets = Vec::new();
            for name in &emit {
                match Target::parse(name.trim()) {
                    Some(target) if !targets.contains(&target) => targets.push(target),
                    Some(_) => {}
                    None => {
                        let known: Vec<&str> = Target::ALL.iter().map(|t| t.name()).collect();
                        return usage_failure(&format!("unknown target `{name}`; available: {}", known.join(", ")));
                    }
                }
            }
            match driver::build(&forms, &out, &targets) {
                Ok(BuildOutcome::Failed(session)) => {
                    report(&session, &output);
                    eprintln!("build failed: `{}` was not changed", out.display());
                    ExitCode::from(1)
                }
                Ok(BuildOutcome::Built { session, n_forms, n_files }) => {
                    report(&session, &output);
                    if matches!(output.message_format, MessageFormat::Human) {
                        eprintln!(
                            "built {n_forms} form{} into `{}` ({n_files} files)",
                            if n_forms == 1 { "" } else { "s" },
                            out.display()
                        );
                    }
                    ExitCode::SUCCESS
                }
                Err(error) => usage_failure(&error.to_string()),
            }
        }
        Command::Explain { code: None } => {
            let mut out = String::new();
            for code in Code::ALL {
                let summary = code.explanation().lines().next().unwrap_or_default();
                out.push_str(&format!("{}  {:<26} {summary}\n", code.as_str(), code.slug()));
            }
            print!("{out}");
            ExitCode::SUCCESS
        }
        Command::Explain { code: Some(text) } => match Code::parse(&text) {
            Some(code) => {
                println!("{} ({}, {})\n\n{}", code.as_str(), code.slug(), code.severity().as_str(), code.explanation());
                ExitCode::SUCCESS
            }
            None => usage_failure(&format!("unknown diagnostic code `{text}`; `formwerk explain` lists them all")),
        },
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
