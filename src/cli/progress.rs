//! A one-line progress bar on standard error, drawn at most every 100 ms from any thread and
//! cleared when the work is done (only used when standard error is a terminal).

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const WIDTH: usize = 30;
const EVERY: Duration = Duration::from_millis(100);

#[derive(Clone)]
pub struct Bar {
    last: Arc<Mutex<Option<Instant>>>,
}

impl Bar {
    pub fn new() -> Bar {
        Bar { last: Arc::new(Mutex::new(None)) }
    }

    /// Shows a phase without a count.
    pub fn say(&self, what: &str) {
        self.draw(what, true);
    }

    /// Shows `done` of `total`, unless the bar was drawn less than 100 ms ago.
    pub fn show(&self, what: &str, done: usize, total: usize) {
        let filled = (done * WIDTH).checked_div(total).unwrap_or(WIDTH).min(WIDTH);
        let line = format!("{what} [{}{}] {done}/{total}", "=".repeat(filled), " ".repeat(WIDTH - filled));
        self.draw(&line, done == total);
    }

    /// Removes the bar.
    pub fn clear(&self) {
        let _guard = self.last.lock();
        eprint!("\r\x1b[2K");
        let _ = std::io::stderr().flush();
    }

    fn draw(&self, line: &str, always: bool) {
        let mut last = self.last.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let now = Instant::now();
        if !always && last.is_some_and(|at| now.duration_since(at) < EVERY) {
            return;
        }
        *last = Some(now);
        eprint!("\r\x1b[2K{line}");
        let _ = std::io::stderr().flush();
    }
}
