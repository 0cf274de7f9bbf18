//! Standard output of the commands: a reader that has gone away (`formwerk validate … | head`)
//! has seen enough, which is not a failure and never a panic (Rust ignores SIGPIPE, so a plain
//! `println!` into a closed pipe panics).

use std::io::Write;

/// Writes `text` to standard output and flushes it. A closed pipe is `Ok`: the command keeps
/// its own exit status (a verdict, for `validate` and `compat`). Other errors are returned.
pub fn write(text: &str) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}
