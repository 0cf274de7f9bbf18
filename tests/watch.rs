//! `formwerk check --watch` through the binary: it checks at once, checks again when a file
//! changes (showing the new diagnostic, and that it is gone after the fix), and is ended by a
//! signal. Bounded: every wait has a deadline.

use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Waits until the collected standard error, from `from` on, contains `needle`.
fn wait_for(output: &Arc<Mutex<String>>, from: usize, needle: &str) -> usize {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        {
            let text = output.lock().unwrap();
            if let Some(at) = text.get(from..).and_then(|t| t.find(needle)) {
                return from + at + needle.len();
            }
        }
        assert!(Instant::now() < deadline, "`{needle}` did not appear; output so far:\n{}", output.lock().unwrap());
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn watch_checks_again_after_each_change() {
    let dir = tempfile::tempdir().unwrap();
    let forms = dir.path().join("forms");
    std::fs::create_dir_all(&forms).unwrap();
    let file = forms.join("antrag.form");
    let good = "form antrag {\n  title \"Antrag\"\n  version \"1.0.0\"\n  languages de\n  field a: boolean \"A\"\n  field b: text \"B\" {\n    visible when a == true\n  }\n}\n";
    std::fs::write(&file, good).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_formwerk"))
        .args(["check", "--watch", "--color", "never"])
        .arg(&forms)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let output = Arc::new(Mutex::new(String::new()));
    let mut stderr = child.stderr.take().unwrap();
    let sink = output.clone();
    let reader = std::thread::spawn(move || {
        let mut buffer = [0; 4096];
        while let Ok(n) = stderr.read(&mut buffer) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().push_str(&String::from_utf8_lossy(&buffer[..n]));
        }
    });
    let at = wait_for(&output, 0, "no problems");
    let at = wait_for(&output, at, "[watching 1 files");
    // A misspelt name: the new diagnostic appears.
    std::fs::write(&file, good.replace("when a ==", "when aa ==")).unwrap();
    let at = wait_for(&output, at, "unknown name `aa`");
    let at = wait_for(&output, at, "1 error");
    // Fixed again: no problems.
    std::fs::write(&file, good).unwrap();
    wait_for(&output, at, "no problems");
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success());
    reader.join().unwrap();
}
