//! Builds the forms in `forms/` into `$OUT_DIR/formwerk` with `formwerk::Build`, so that the
//! crate embeds the JSON Schema of each form; Cargo runs it again when a form changes.

use std::path::PathBuf;

use formwerk::emit::Target;

fn main() {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("formwerk");
    let built = formwerk::Build::new()
        .forms("forms")
        .out(&out)
        .emit([Target::Ir, Target::JsonSchema])
        .run()
        // A form with errors fails the build with every diagnostic, as `formwerk check` shows them.
        .unwrap_or_else(|error| panic!("{error}"));
    built.rerun_if_changed();
}
