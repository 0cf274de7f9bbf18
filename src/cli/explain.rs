//! `formwerk explain`: what a diagnostic code means and what to do (`formwerk explain E0201`),
//! or the list of every code with its name and first line.

use std::process::ExitCode;

use formwerk::diag::Code;

use crate::{usage_failure, write_stdout};

#[derive(clap::Args)]
pub struct Args {
    /// A code (`E0201`) or its name (`unknown-name`).
    code: Option<String>,
}

pub fn run(args: Args) -> ExitCode {
    match args.code {
        None => {
            let mut out = String::new();
            for code in Code::ALL {
                let summary = code.explanation().lines().next().unwrap_or_default();
                out.push_str(&format!("{}  {:<26} {summary}\n", code.as_str(), code.slug()));
            }
            write_stdout(&out)
        }
        Some(text) => match Code::parse(&text) {
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
