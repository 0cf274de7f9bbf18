//! `cargo bench --bench check`: how long checking 1 MB of form source takes.
//!
//! Builds about 1 MB of distinct forms by repeating the corpus under new form names (the
//! shared modules once), then runs the whole front end (parse, check, lower to IR) on it
//! several times and prints the median. A measurement, not a test: nothing here can fail.

use std::path::Path;
use std::time::{Duration, Instant};

use formwerk::source::{MemoryLoader, SourceDb};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("forms");
    let files = formwerk::driver::find_forms(&root).expect("forms/ exists");
    let mut modules = Vec::new();
    let mut forms = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let rel = file.strip_prefix(&root).unwrap().with_extension("");
        let module = rel.to_string_lossy().replace('/', ".");
        if text.contains("form ") && !module.starts_with("common.") {
            forms.push((module, text));
        } else {
            modules.push((module, text));
        }
    }
    let target = 1024 * 1024;
    let mut sources: Vec<(String, String)> = Vec::new();
    let mut size: usize = modules.iter().map(|(_, t)| t.len()).sum();
    let mut copy = 0;
    while size < target {
        for (module, text) in &forms {
            // Rename the form (`form <id> {` at the start of a line) so every copy is distinct.
            let id_start = text.find("\nform ").expect("a form file declares a form") + "\nform ".len();
            let id_end = id_start + text[id_start..].find(' ').unwrap();
            let renamed = format!("{}{}_{copy}{}", &text[..id_end], "", &text[id_end..]);
            size += renamed.len();
            sources.push((format!("{module}_{copy}"), renamed));
        }
        copy += 1;
    }
    let mut times: Vec<Duration> = Vec::new();
    let mut n_forms = 0;
    for _ in 0..7 {
        let mut db = SourceDb::new();
        let mut loader = MemoryLoader::default();
        for (module, text) in &modules {
            loader.modules.insert(module.clone(), (format!("{module}.form"), text.clone()));
        }
        let roots: Vec<_> = sources.iter().map(|(m, t)| db.add(format!("{m}.form"), m.clone(), t.clone())).collect();
        let start = Instant::now();
        let checked = formwerk::check::check(&mut db, &loader, &roots);
        times.push(start.elapsed());
        assert!(!checked.has_errors(), "the replicated corpus checks clean");
        n_forms = checked.forms.len();
    }
    times.sort();
    let median = times[times.len() / 2];
    println!(
        "check: {:.2} MiB of form source ({n_forms} forms, {} modules): median {:.1} ms (min {:.1} ms, max {:.1} ms over {} runs)",
        size as f64 / (1024.0 * 1024.0),
        modules.len(),
        median.as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3,
        times.len()
    );
}
