//! Fuzz target: any text, parsed and checked with the corpus modules available (also as an
//! overlay of a corpus form, with the overlay check), must give diagnostics or IR, never a
//! panic; rendering the diagnostics must not panic either.
#![no_main]

use formwerk::check;
use formwerk::diag::render::{render_all, RenderOptions};
use formwerk::source::{DirLoader, SourceDb};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut db = SourceDb::new();
    let loader = DirLoader::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../forms"));
    let root = db.add("fuzz.form", "fuzz", text);
    let mut checked = check::check(&mut db, &loader, &[root]);
    // An overlay (`form x extends wohngeld`) is proved against its base, as `check` does.
    formwerk::overlay::apply(&mut checked);
    render_all(&db, &checked.diagnostics, RenderOptions::plain());
});
