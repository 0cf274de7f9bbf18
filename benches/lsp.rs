//! `cargo bench --bench lsp`: how long the language server takes to answer a keystroke in a
//! form of 2,000 lines.
//!
//! Writes a form of about 2,000 lines (sections of fields with hints, constraints, conditions
//! over other fields and rules, using the corpus's shared modules) into a temporary `forms`
//! directory and drives the server in process with the messages an editor sends: a
//! `didChange` of one character and the diagnostics it publishes, then a hover and a
//! completion in an expression. Prints the median and the slowest of each over many rounds.
//! The budget is 50 ms per keystroke; a measurement, not a test: nothing here fails.

use std::path::Path;
use std::time::{Duration, Instant};

use formwerk::lsp::Server;
use serde_json::{json, Value};

fn big_form() -> String {
    let mut out = String::from("use common.person\nuse common.codes\n\nform gross {\n  title \"Großes Formular\" en \"Large form\"\n  version \"1.0.0\"\n  languages de, en\n\n  group antragsteller: NatuerlichePerson \"Antragsteller\" en \"Applicant\"\n");
    let mut section = 0;
    let mut n = 0;
    while out.lines().count() < 2000 {
        out.push_str(&format!("\n  section teil_{section} \"Teil {section}\" en \"Part {section}\" {{\n"));
        for _ in 0..10 {
            out.push_str(&format!(
                "    field feld_{n}: text \"Feld {n} – Größe\" en \"Field {n}\" {{\n      hint \"Hinweis {n}\" en \"Hint {n}\"\n      length 1..80\n{}    }}\n\n",
                if n > 0 { format!("      visible when feld_{} is set\n", n - 1) } else { String::new() }
            ));
            n += 1;
        }
        out.push_str(&format!(
            "    field zahl_{section}: integer \"Zahl\" en \"Number\" {{\n      min 0\n      max 100\n    }}\n    rule regel_{section} {{\n      check zahl_{section} <= 50 or feld_{} is set\n      message \"Zu groß\" en \"Too large\"\n    }}\n  }}\n",
            n - 1
        ));
        section += 1;
    }
    out.push_str("}\n");
    out
}

fn message(id: Option<i64>, method: &str, params: Value) -> Value {
    match id {
        Some(id) => json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}),
        None => json!({"jsonrpc": "2.0", "method": method, "params": params}),
    }
}

fn position(text: &str, offset: usize) -> Value {
    let line = text[..offset].matches('\n').count();
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    json!({"line": line, "character": text[start..offset].chars().map(char::len_utf16).sum::<usize>()})
}

fn report(what: &str, mut times: Vec<Duration>) {
    times.sort();
    let median = times[times.len() / 2];
    let max = times[times.len() - 1];
    println!("{what:<40} median {:>7.2} ms   max {:>7.2} ms", median.as_secs_f64() * 1e3, max.as_secs_f64() * 1e3);
}

fn main() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let forms = dir.path().join("forms");
    std::fs::create_dir_all(forms.join("common")).unwrap();
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("forms/common");
    for entry in std::fs::read_dir(&corpus).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), forms.join("common").join(entry.file_name())).unwrap();
    }
    let mut text = big_form();
    let path = forms.join("gross.form");
    std::fs::write(&path, &text).unwrap();
    let uri = format!("file://{}", path.display());
    println!("form: {} lines, {} bytes", text.lines().count(), text.len());

    let mut server = Server::default();
    server.handle_batch(vec![message(Some(0), "initialize", json!({"capabilities": {}}))]);
    let opened = server.handle_batch(vec![message(
        None,
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "formwerk", "version": 1, "text": text}}),
    )]);
    let diagnostics = &opened[0]["params"]["diagnostics"];
    println!("diagnostics on open: {}", diagnostics.as_array().map_or(0, Vec::len));

    let rounds = 40;
    let mut keystrokes = Vec::new();
    let mut hovers = Vec::new();
    let mut completions = Vec::new();
    let mut whole = Vec::new();
    // Type into the label of a field in the middle of the form, one character per round.
    let anchor = text.find("\"Feld 100 ").expect("field 100") + 1;
    for round in 0..rounds {
        let insert = position(&text, anchor);
        let start = Instant::now();
        let published = server.handle_batch(vec![message(
            None,
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": round + 2}, "contentChanges": [{"range": {"start": insert, "end": insert}, "text": "x"}]}),
        )]);
        let keystroke = start.elapsed();
        assert!(published.iter().any(|m| m["method"] == "textDocument/publishDiagnostics"));
        text.insert(anchor, 'x');
        let in_expression = text.find("visible when feld_150").expect("an expression") + "visible when feld_1".len();
        let at = position(&text, in_expression);
        let started = Instant::now();
        let hover = server.handle_batch(vec![message(
            Some(1000 + round),
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": at}),
        )]);
        let hovered = started.elapsed();
        assert!(hover[0]["result"]["contents"].is_object(), "{}", hover[0]);
        let started = Instant::now();
        let completion = server.handle_batch(vec![message(
            Some(2000 + round),
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": at}),
        )]);
        let completed = started.elapsed();
        assert!(completion[0]["result"].as_array().is_some_and(|a| !a.is_empty()));
        keystrokes.push(keystroke);
        hovers.push(hovered);
        completions.push(completed);
        whole.push(keystroke + hovered + completed);
    }
    report("didChange + publishDiagnostics", keystrokes);
    report("hover (in an expression)", hovers);
    report("completion (in an expression)", completions);
    report("keystroke + hover + completion", whole);
}
