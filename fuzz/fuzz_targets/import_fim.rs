//! Fuzz target: any bytes as an XDatenfelder file must import or be refused, never panic,
//! and imported source must check without errors (the importer's invariant) and hold no raw
//! control, bidi or line-separator character.
//!
//! A NUL byte (which XML cannot contain) splits the input: what follows is a genericode code
//! list that the import can find by its URN and version or as `C00000001`, so code-list
//! references (and their printing as external lists) are fuzzed too.
#![no_main]

use formwerk::codelists;
use formwerk::diag::render::{render_all, RenderOptions};
use formwerk::fim::{self, Library};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (xml, genericode) = text.split_once('\0').unwrap_or((text, ""));
    let mut library = Library::default();
    if let Ok(list) = codelists::parse(genericode) {
        // A second list of the same URN and version cannot occur here: the library is empty.
        let _ = library.add("C00000001.xml", "0", list);
    }
    let Ok(imported) = fim::import(xml, &library) else { return };
    let hidden = imported.source.chars().find(|&c| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}' | '\u{FEFF}')
    });
    assert!(hidden.is_none(), "raw {hidden:?} in the imported source:\n{}", imported.source);
    // External lists the import printed (`codelist X from …`) resolve in the same library.
    let (db, checked) = fim::check_source_with("import.form", &imported.source, &library);
    if checked.has_errors() {
        panic!(
            "the imported source does not check:\n{}\n{}",
            imported.source,
            render_all(&db, &checked.diagnostics, RenderOptions::plain())
        );
    }
});
