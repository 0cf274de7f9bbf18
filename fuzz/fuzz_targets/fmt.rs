//! Fuzz target: any text that parses is formatted without a panic and without tripping the
//! formatter's safeguard; the result formats to itself (idempotence) and keeps every comment
//! in order. A text that does not parse is refused with diagnostics.
#![no_main]

use formwerk::fmt::{self, Error};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match fmt::format_source(text) {
        Ok(formatted) => {
            let again = fmt::format_source(&formatted).expect("formatted source parses");
            assert_eq!(again, formatted, "formatting twice changes the text");
            assert_eq!(fmt::comments(&formatted), fmt::comments(text), "comments changed");
        }
        Err(Error::Syntax(diagnostics)) => assert!(!diagnostics.is_empty(), "refused without a diagnostic"),
        Err(Error::Internal(why)) => panic!("{why}"),
    }
});
