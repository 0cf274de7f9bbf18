//! `formwerk lsp`: the language server on standard input and output (see `formwerk::lsp`).

use std::process::ExitCode;

/// Serves until the client sends `exit` or closes standard input.
pub fn run() -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match formwerk::lsp::run(std::io::stdin(), &mut stdout) {
        Ok(0) => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(1),
        Err(error) => {
            eprintln!("formwerk lsp: {error}");
            ExitCode::from(2)
        }
    }
}
