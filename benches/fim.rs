//! `cargo bench --bench fim`: how long importing and building a large FIM export takes.
//!
//! For the largest XDatenfelder samples in `../shared/fim/samples` (and the real code lists in
//! `../shared/fim/codelists`), it times each stage in process — parse and import to `.form`
//! source, check (parse, lower, resolve the code lists), and emit every default target (IR,
//! JSON Schema, Rust, HTML, XDF3) — and prints the median of several runs with the file size.
//! The largest sample is also grown to 1.6 MB (its top-level entries used again), the size
//! issue 13 names.
//! The CLI does the same work (`formwerk import-fim`, then `formwerk build`) plus file I/O.
//! A measurement, not a test: nothing here can fail; without `../shared` it says so and stops.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use formwerk::emit::{self, Settings, Target};

const RUNS: usize = 7;
/// The size of FIM export the import must handle in under a second (issue 13).
const GROWN: usize = 1_600_000;

fn main() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fim");
    let Ok(entries) = std::fs::read_dir(shared.join("samples/xdf3")) else {
        println!("fim bench: {} not found; nothing measured", shared.display());
        return;
    };
    let mut samples: Vec<(u64, PathBuf)> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .filter_map(|p| Some((std::fs::metadata(&p).ok()?.len(), p)))
        .collect();
    samples.sort();
    let library = match formwerk::codelists::Library::load(&shared.join("codelists")) {
        Ok((library, _)) => library,
        Err(error) => {
            println!("fim bench: code lists not loaded ({error}); measuring without them");
            formwerk::codelists::Library::default()
        }
    };
    let settings = Settings::default();
    println!("| sample | size | import | check | emit | total |");
    println!("|---|---|---|---|---|---|");
    let mut files: Vec<(String, String)> = Vec::new();
    for (_, path) in samples.iter().rev().take(3) {
        let xml = std::fs::read_to_string(path).expect("a UTF-8 sample");
        files.push((path.file_name().unwrap_or_default().to_string_lossy().into_owned(), xml));
    }
    if let Some(grown) = files.first().and_then(|(name, xml)| grown(xml, GROWN).map(|x| (name, x))) {
        files.push((format!("{} grown to {:.1} MB", grown.0, GROWN as f64 / 1e6), grown.1));
    }
    for (name, xml) in &files {
        let size = xml.len();
        let mut times: Vec<[Duration; 3]> = Vec::new();
        for _ in 0..RUNS {
            let start = Instant::now();
            let imported = formwerk::fim::import(xml, &library).expect("the sample imports");
            let imported_at = Instant::now();
            let name = format!("{}.form", imported.form_name);
            let (_db, checked) = formwerk::fim::check_source_with(&name, &imported.source, &library);
            assert!(!checked.has_errors(), "{name}: the import checks");
            let checked_at = Instant::now();
            let bundle = formwerk::ir::Bundle { forms: checked.forms.into_iter().map(|(_, form)| form).collect() };
            let mut bytes = 0;
            for target in Target::ALL {
                let files = emit::emit(&bundle, *target, &settings).expect("the default theme renders");
                bytes += files.iter().map(|f| f.contents.len()).sum::<usize>();
            }
            std::hint::black_box(bytes);
            let done = Instant::now();
            times.push([imported_at - start, checked_at - imported_at, done - checked_at]);
        }
        let median = |stage: usize| {
            let mut values: Vec<Duration> = times.iter().map(|t| t[stage]).collect();
            values.sort();
            values[values.len() / 2]
        };
        let mut totals: Vec<Duration> = times.iter().map(|t| t.iter().sum()).collect();
        totals.sort();
        println!(
            "| {name} | {:.2} MB | {:?} | {:?} | {:?} | {:?} |",
            size as f64 / 1_000_000.0,
            median(0),
            median(1),
            median(2),
            totals[totals.len() / 2],
        );
    }
}

/// The sample grown past `bytes` by repeating its top-level `struktur` entries in order (the
/// same groups used again, as large real forms reuse them): no real sample is that large.
fn grown(xml: &str, bytes: usize) -> Option<String> {
    let doc = roxmltree::Document::parse(xml).ok()?;
    let schema = doc.root_element().children().find(|n| n.tag_name().name() == "stammdatenschema")?;
    let entries: Vec<roxmltree::Node> = schema.children().filter(|n| n.tag_name().name() == "struktur").collect();
    let end = entries.last()?.range().end;
    let mut extra = String::new();
    // Entries in order, again and again, each only while it fits (within 1 %).
    let limit = bytes + bytes / 100;
    while xml.len() + extra.len() < bytes {
        let before = extra.len();
        for entry in &entries {
            if xml.len() + extra.len() + entry.range().len() <= limit {
                extra.push_str(&xml[entry.range()]);
            }
        }
        if extra.len() == before {
            break;
        }
    }
    Some(format!("{}{extra}{}", &xml[..end], &xml[end..]))
}
