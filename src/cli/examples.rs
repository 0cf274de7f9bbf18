//! `formwerk examples`: example submissions of a form as NDJSON, valid ones and then invalid
//! ones that each break exactly one constraint, written as they are made.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use formwerk::validate;

use super::place::{self, FormPlace};
use crate::usage_failure;

#[derive(clap::Args)]
pub struct Args {
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
    #[command(flatten)]
    place: FormPlace,
}

pub fn run(args: Args) -> ExitCode {
    let today = match place::today(args.today.as_deref()) {
        Ok(today) => today,
        Err(code) => return code,
    };
    let form = match args.place.load(&args.form) {
        Ok(form) => form,
        Err(code) => return code,
    };
    let compiled = validate::Compiled::new(&form);
    let (n_valid, n_invalid, out) = (args.valid, args.invalid, args.out.as_deref());
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
        args.seed,
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
