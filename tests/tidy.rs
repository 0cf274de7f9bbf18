//! Layering and hygiene invariants that a single crate cannot enforce by itself.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn every_source_file_says_what_it_owns() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = rust_files(&src());
    files.extend(rust_files(&root.join("tests")));
    files.extend(rust_files(&root.join("agreement")));
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.starts_with("//!"), "{} must start with a `//!` comment saying what it owns", file.display());
    }
}

#[test]
fn backends_and_the_ir_never_see_syntax_or_the_checker() {
    let mut files = rust_files(&src().join("emit"));
    for dir in ["ir", "validate", "formdata", "examples"] {
        files.extend(rust_files(&src().join(dir)));
    }
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for forbidden in ["crate::syntax", "crate::check", "crate::source", "crate::driver"] {
            assert!(!text.contains(forbidden), "{} uses {forbidden}: backends read only the IR", file.display());
        }
    }
}

#[test]
fn the_runtime_is_self_contained() {
    // The Rust backend copies these files into the generated crate, which has no `crate::ir`,
    // `crate::validate` or anything else of the compiler.
    for file in rust_files(&src().join("runtime")) {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(!text.contains("crate::"), "{} refers to `crate::`; use `super::` or std", file.display());
        for line in text.lines().filter(|l| l.trim_start().starts_with("use ")) {
            let allowed = ["use std::", "use super::", "use serde::", "use serde_json::"];
            assert!(allowed.iter().any(|a| line.trim_start().starts_with(a)), "{}: {line}", file.display());
        }
    }
}

#[test]
fn syntax_knows_nothing_of_meaning() {
    for file in rust_files(&src().join("syntax")) {
        let text = std::fs::read_to_string(&file).unwrap();
        for forbidden in ["crate::check", "crate::ir", "crate::emit"] {
            assert!(!text.contains(forbidden), "{} uses {forbidden}", file.display());
        }
    }
}

#[test]
fn only_render_knows_miette() {
    for file in rust_files(&src()) {
        let text = std::fs::read_to_string(&file).unwrap();
        if text.contains("miette::") || text.contains("use miette") {
            assert!(file.ends_with("diag/render.rs"), "{} uses miette; only diag/render.rs may", file.display());
        }
    }
}

#[test]
fn overlays_are_a_leaf_over_the_checker() {
    // The checker merges an overlay and lowers it; the proof against the base (`overlay`, on
    // `compat`) runs after it. Nothing the checker, the IR or the backends hold reaches back.
    for dir in ["check", "ir", "emit", "validate", "runtime", "compat"] {
        for file in rust_files(&src().join(dir)) {
            let text = std::fs::read_to_string(&file).unwrap();
            assert!(!text.contains("crate::overlay"), "{} uses crate::overlay", file.display());
        }
    }
    for file in rust_files(&src().join("check")) {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(!text.contains("crate::compat"), "{} uses crate::compat", file.display());
    }
}

#[test]
fn the_checker_and_the_code_lists_never_see_the_fim_import() {
    // `codelist X from "urn"` and the FIM import resolve lists through the neutral `codelists`
    // module (which reads the directory through `files`); the checker does no I/O.
    let layers: [(&str, &[&str]); 3] = [
        ("check", &["crate::fim", "crate::driver", "crate::files", "std::fs"]),
        ("codelists", &["crate::fim", "crate::driver", "crate::emit", "crate::check", "crate::syntax"]),
        // Catalogues are parsed from text the driver read; backends and the checker read them.
        (
            "catalogue",
            &["crate::fim", "crate::driver", "crate::emit", "crate::check", "crate::syntax", "crate::files", "std::fs"],
        ),
    ];
    for (dir, forbidden) in layers {
        for file in rust_files(&src().join(dir)) {
            let text = std::fs::read_to_string(&file).unwrap();
            for forbidden in forbidden {
                assert!(!text.contains(forbidden), "{} uses {forbidden}", file.display());
            }
        }
    }
}

#[test]
fn the_formatter_never_sees_meaning_and_syntax_never_sees_the_formatter() {
    // `fmt` works on the concrete syntax only; the checker, the IR and the backends are not its
    // business, and the layers below never call it.
    for file in rust_files(&src().join("fmt")) {
        let text = std::fs::read_to_string(&file).unwrap();
        for forbidden in ["crate::check", "crate::ir", "crate::emit", "crate::driver", "crate::fim", "crate::validate"]
        {
            assert!(!text.contains(forbidden), "{} uses {forbidden}", file.display());
        }
    }
    for dir in ["syntax", "check", "source.rs", "diag"] {
        let path = src().join(dir);
        let files = if path.is_dir() { rust_files(&path) } else { vec![path] };
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            assert!(!text.contains("crate::fmt"), "{} uses crate::fmt", file.display());
        }
    }
}

#[test]
fn the_language_server_is_a_leaf() {
    // `lsp` answers questions from the checker's results; nothing in the compiler depends on
    // it, and it never reaches the backends or the IR emitters.
    for file in rust_files(&src()) {
        if file.starts_with(src().join("lsp")) || file.ends_with("lib.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(!text.contains("crate::lsp"), "{} uses crate::lsp", file.display());
    }
    for file in rust_files(&src().join("lsp")) {
        let text = std::fs::read_to_string(&file).unwrap();
        for forbidden in ["crate::emit", "crate::validate", "crate::fim", "crate::compat"] {
            assert!(!text.contains(forbidden), "{} uses {forbidden}", file.display());
        }
    }
}

/// The `from_json` fuzz target dispatches to each corpus form's generated module by name; a
/// corpus form missing there makes every fuzz input panic (only `.ci/fuzz` would notice).
#[test]
fn the_from_json_fuzz_target_knows_every_corpus_form() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = std::fs::read_to_string(root.join("fuzz/fuzz_targets/from_json.rs")).unwrap();
    let mut forms: Vec<String> = std::fs::read_dir(root.join("forms"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "form"))
        .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    forms.sort();
    assert!(!forms.is_empty());
    for form in forms {
        let arm = format!("\"{form}\" => run!({form},");
        assert!(target.contains(&arm), "fuzz/fuzz_targets/from_json.rs needs the arm `{arm} …)`");
    }
}

/// `formwerk build` must be able to repair a broken or missing `generated/rust`: the
/// compiler's workspace neither has it as a member nor depends on it (`agreement/` does).
#[test]
fn the_compilers_workspace_never_loads_the_generated_crate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest: toml::Table = std::fs::read_to_string(root.join("Cargo.toml")).unwrap().parse().unwrap();
    let workspace = manifest["workspace"].as_table().unwrap();
    // The compiler and the example of its library API, nothing generated.
    let members: Vec<&str> = workspace["members"].as_array().unwrap().iter().filter_map(|m| m.as_str()).collect();
    assert_eq!(members, [".", "examples/build-script"], "the workspace is the compiler and its example");
    let excluded: Vec<&str> = workspace["exclude"].as_array().unwrap().iter().filter_map(|m| m.as_str()).collect();
    assert!(excluded.contains(&"generated/rust") && excluded.contains(&"agreement"), "{excluded:?}");
    let text = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let dependencies = text.lines().filter(|line| !line.trim_start().starts_with('#') && line.contains("path ="));
    for line in dependencies {
        assert!(!line.contains("generated"), "Cargo.toml depends on the generated crate: {line}");
    }
    let agreement = std::fs::read_to_string(root.join("agreement/Cargo.toml")).unwrap();
    assert!(agreement.contains("formwerk_forms = { path = \"../generated/rust\" }"));
}

/// A build script that uses the library compiles no HTTP server or SQLite: `serve` is a
/// default feature, which a build script turns off (README; the example keeps it to share the
/// compiler's compiled library, see its manifest).
#[test]
fn the_library_without_serve_pulls_in_no_server() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = std::process::Command::new(env!("CARGO"))
        .args(["tree", "--offline", "--locked", "-p", "formwerk", "--no-default-features", "-e", "normal"])
        .args(["--prefix", "none", "--format", "{p}"])
        .current_dir(root)
        .output()
        .expect("cargo tree runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let tree = String::from_utf8(output.stdout).unwrap();
    assert!(tree.lines().any(|line| line.starts_with("pest ")), "the tree lists the library's dependencies:\n{tree}");
    for server in ["axum ", "tokio ", "rusqlite ", "hyper ", "multer "] {
        assert!(
            !tree.lines().any(|line| line.starts_with(server)),
            "the library without `serve` compiles {server}:\n{tree}"
        );
    }
}
