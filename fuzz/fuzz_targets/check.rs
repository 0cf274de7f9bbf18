//! Fuzz target: any text, parsed and checked with the corpus modules available, must give
//! diagnostics or IR, never a panic; rendering the diagnostics must not panic either.
#![no_main]

use formwerk::check;
use formwerk::diag::render::{render_all, RenderOptions};
use formwerk::source::{DirLoader, SourceDb};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut db = SourceDb::new();
    let loader = DirLoader::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../forms"));
    let root = db.add("fuzz.form", "fuzz", text);
    let checked = check::check(&mut db, &loader, &[root]);
    render_all(&db, &checked.diagnostics, RenderOptions::plain());
});
