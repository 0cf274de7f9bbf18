//! `formwerk compat`: compares the checked forms with an earlier version of them — a git ref,
//! a directory of sources or a directory of built IR — and reports breaking changes.
//!
//! Exit codes: 0 no breaking change (warnings and infos allowed), 1 the forms (new or old)
//! have errors, 2 usage or I/O failure, 3 a breaking change (an error that is not ignored).
//! Settings come from `compat.toml` next to the forms directory (`mode`, `[ignore]`), and the
//! flags win. Of a git ref only the `.form` files below the forms directory are read, with
//! `git ls-tree` and `git cat-file` into a temporary directory; nothing of the ref is run.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

use formwerk::compat::{self, locate::Locator, render, Mode, Options};
use formwerk::driver::{self, Session};
use formwerk::{files, ir};

use crate::{report, usage_failure, MessageFormat, OutputArgs};

/// The exit code of a run with a breaking change.
const BREAKING: u8 = 3;

/// The largest built IR file read (the largest of the corpus has 93 KB).
const MAX_IR_BYTES: u64 = 64 * 1024 * 1024;

#[derive(clap::Args)]
pub struct Args {
    /// Files or directories of `.form` files: the new version.
    #[arg(default_value = "forms")]
    paths: Vec<PathBuf>,
    /// The old version: a git ref (`HEAD~1`, `v1.2.0`), a directory of `.form` sources, or a
    /// directory of built IR (`generated/ir`, or `generated` holding `ir/`).
    #[arg(long)]
    against: String,
    /// Which directions count: `full` (both), `submit` (old submissions stay valid) or
    /// `consume` (old readers read new data). Default: `mode` in `compat.toml`, else `full`.
    #[arg(long)]
    mode: Option<String>,
    /// Ignore a rule, with the reason: `--allow field-removed="withdrawn by the ministry"`.
    #[arg(long, value_name = "RULE=REASON")]
    allow: Vec<String>,
    /// The settings file (default: `compat.toml` next to the forms directory, when it exists).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Directory that `use a.b` resolves against (default: the nearest `forms` directory).
    #[arg(long)]
    root: Option<PathBuf>,
    /// Directory of genericode code lists (default: `codelists` next to the module root).
    #[arg(long)]
    codelists: Option<PathBuf>,
    /// Directory of project catalogues (default: `catalogues` next to the module root).
    #[arg(long)]
    catalogues: Option<PathBuf>,
    #[command(flatten)]
    output: OutputArgs,
}

/// `compat.toml`.
#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Config {
    mode: Option<String>,
    /// Rule id → the reason it is ignored.
    #[serde(default)]
    ignore: BTreeMap<String, String>,
}

/// The old version of the forms.
enum Old {
    /// Checked sources; with a temporary directory and the label its files are shown with.
    Sources(Session, Option<(TempDir, String)>),
    Ir(Vec<ir::Form>),
}

pub fn run(args: Args) -> ExitCode {
    let first = args.paths.first().cloned().unwrap_or_else(|| PathBuf::from("forms"));
    let root = args.root.clone().unwrap_or_else(|| driver::default_root(&first));
    let options = match options(&args, &root) {
        Ok(options) => options,
        Err(message) => return usage_failure(&message),
    };
    let new = match driver::check_paths_in(
        &args.paths,
        args.root.as_deref(),
        args.codelists.as_deref(),
        args.catalogues.as_deref(),
    ) {
        Ok(session) => session,
        Err(error) => return usage_failure(&error.to_string()),
    };
    if new.checked.has_errors() {
        report(&new, &args.output);
        eprintln!("error: the forms have errors; fix them before comparing");
        return ExitCode::from(1);
    }
    let codelists = args.codelists.clone().or_else(|| driver::default_codelists(&root));
    let catalogues = args.catalogues.clone().or_else(|| driver::default_catalogues(&root));
    let old = match load_old(&args.against, &root, codelists.as_deref(), catalogues.as_deref()) {
        Ok(old) => old,
        Err(message) => return usage_failure(&message),
    };
    let old_forms: Vec<ir::Form> = match &old {
        Old::Sources(session, _) => {
            if session.checked.has_errors() {
                report(session, &args.output);
                eprintln!("error: the old forms (`{}`) have errors; they cannot be compared", args.against);
                return ExitCode::from(1);
            }
            session.checked.forms.iter().map(|(_, form)| form.clone()).collect()
        }
        Old::Ir(forms) => forms.clone(),
    };
    let new_forms: Vec<ir::Form> = new.checked.forms.iter().map(|(_, form)| form.clone()).collect();
    // A form missing from the new side is removed only when whole directories were compared.
    let whole = args.paths.iter().all(|p| p.is_dir());
    let mut findings = compat::compare_sets(&old_forms, &new_forms, &options, whole);
    Locator::new(&new.db).locate_new(&mut findings);
    if let Old::Sources(session, temp) = &old {
        Locator::new(&session.db).locate_old(&mut findings);
        if let Some((temp, label)) = temp {
            let prefix = format!("{}/", temp.path.join("forms").display());
            for at in findings.iter_mut().filter_map(|f| f.old_at.as_mut()) {
                if let Some(rest) = at.file.strip_prefix(&prefix) {
                    at.file = format!("{label}{rest}");
                }
            }
        }
    }
    let text = match args.output.message_format {
        MessageFormat::Human => render::human(&findings, options.mode),
        MessageFormat::Json => findings.iter().map(|finding| format!("{}\n", render::to_json(finding))).collect(),
    };
    if let Err(error) = super::stdout::write(&text) {
        return usage_failure(&format!("cannot write standard output: {error}"));
    }
    if findings.iter().any(compat::Finding::is_breaking) {
        ExitCode::from(BREAKING)
    } else {
        ExitCode::SUCCESS
    }
}

/// The mode and ignores from `compat.toml` and the flags (which win).
fn options(args: &Args, root: &Path) -> Result<Options, String> {
    let default_config = root.parent().unwrap_or(Path::new("")).join("compat.toml");
    let config_path = match &args.config {
        Some(path) => Some(path.clone()),
        None => std::fs::symlink_metadata(&default_config).is_ok().then_some(default_config),
    };
    let config: Config = match &config_path {
        Some(path) => {
            let text = files::read_text(path, 1024 * 1024)?;
            toml::from_str(&text).map_err(|e| format!("`{}`: {}", path.display(), e.message()))?
        }
        None => Config::default(),
    };
    let mode_text = args.mode.clone().or(config.mode).unwrap_or_else(|| "full".to_string());
    let mode =
        Mode::parse(&mode_text).ok_or_else(|| format!("unknown mode `{mode_text}`; use full, submit or consume"))?;
    let mut ignore = BTreeMap::new();
    let from_config = config.ignore.into_iter().map(|(rule, reason)| (rule, reason, "compat.toml"));
    let from_flags = args.allow.iter().map(|allow| match allow.split_once('=') {
        Some((rule, reason)) => (rule.trim().to_string(), reason.to_string(), "--allow"),
        None => (allow.trim().to_string(), String::new(), "--allow"),
    });
    for (rule, reason, place) in from_config.chain(from_flags) {
        if !compat::is_rule(&rule) {
            return Err(format!("{place}: unknown rule `{rule}`; docs/COMPAT.md lists them"));
        }
        if reason.trim().is_empty() {
            return Err(format!("{place}: ignoring `{rule}` needs a reason (`{rule}=<why>`)"));
        }
        ignore.insert(rule, reason.trim().to_string());
    }
    Ok(Options { mode, ignore })
}

fn load_old(against: &str, root: &Path, codelists: Option<&Path>, catalogues: Option<&Path>) -> Result<Old, String> {
    let path = Path::new(against);
    let is_dir = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir());
    if !is_dir {
        let (temp, label) = export_git(against, root)?;
        let dir = temp.path.join("forms");
        let session = driver::check_paths_in(std::slice::from_ref(&dir), Some(&dir), codelists, catalogues)
            .map_err(|e| e.to_string())?;
        return Ok(Old::Sources(session, Some((temp, label))));
    }
    let sources = driver::find_forms(path).map_err(|e| e.to_string())?;
    if !sources.is_empty() {
        let session = driver::check_paths_in(&[path.to_path_buf()], Some(path), codelists, catalogues)
            .map_err(|e| e.to_string())?;
        return Ok(Old::Sources(session, None));
    }
    for dir in [path.join("ir"), path.to_path_buf()] {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut jsons: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        if jsons.is_empty() {
            continue;
        }
        jsons.sort();
        let mut forms = Vec::new();
        for json in jsons {
            let text = files::read_text(&json, MAX_IR_BYTES)?;
            let form: ir::Form = serde_json::from_str(&text)
                .map_err(|e| format!("`{}` is not the IR of a form: {e}", json.display()))?;
            if form.ir_version != ir::VERSION {
                return Err(format!(
                    "`{}` has IR version {}; this formwerk reads version {}: build the old forms again",
                    json.display(),
                    form.ir_version,
                    ir::VERSION
                ));
            }
            forms.push(form);
        }
        return Ok(Old::Ir(forms));
    }
    Err(format!("`{against}` holds neither `.form` sources nor built IR (`*.json`, or `ir/*.json`)"))
}

/// A directory removed when dropped.
struct TempDir {
    path: PathBuf,
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!("git {}: {}", args.join(" "), stderr.trim()));
    }
    Ok(output.stdout)
}

fn git_text(dir: &Path, args: &[&str]) -> Result<String, String> {
    String::from_utf8(git(dir, args)?)
        .map(|s| s.trim_end_matches('\n').to_string())
        .map_err(|_| "git wrote no UTF-8".into())
}

/// The `.form` files below the forms directory `root` as of `reference`, written into
/// `<temp>/forms`; with the label their names are shown with (`HEAD~1:forms/`).
fn export_git(reference: &str, root: &Path) -> Result<(TempDir, String), String> {
    if reference.starts_with('-') || reference.is_empty() {
        return Err(format!("`{reference}` is neither a directory nor a git ref"));
    }
    let root = if root.as_os_str().is_empty() { Path::new(".") } else { root };
    let top = PathBuf::from(git_text(root, &["rev-parse", "--show-toplevel"])?);
    let prefix = git_text(root, &["rev-parse", "--show-prefix"])?;
    let commit =
        git_text(root, &["rev-parse", "--verify", "--quiet", &format!("{reference}^{{commit}}")]).map_err(|_| {
            format!("`{against}` is neither a directory nor a commit of the repository", against = reference)
        })?;
    let tree = if prefix.is_empty() {
        format!("{commit}^{{tree}}")
    } else {
        format!("{commit}:{}", prefix.trim_end_matches('/'))
    };
    // `-l`: each blob's size, so that a file too large for a source is refused unread.
    let listing = git(&top, &["ls-tree", "-r", "-z", "-l", &tree])?;
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let temp = TempDir { path: std::env::temp_dir().join(format!("formwerk-compat-{}-{nanos}", std::process::id())) };
    std::fs::create_dir(&temp.path).map_err(|e| format!("cannot create `{}`: {e}", temp.path.display()))?;
    let forms = temp.path.join("forms");
    std::fs::create_dir(&forms).map_err(|e| format!("cannot create `{}`: {e}", forms.display()))?;
    for entry in listing.split(|b| *b == 0).filter(|e| !e.is_empty()) {
        let entry = String::from_utf8_lossy(entry);
        let Some((meta, name)) = entry.split_once('\t') else { continue };
        let fields: Vec<&str> = meta.split_whitespace().collect();
        let [mode, "blob", object, size] = fields.as_slice() else { continue };
        // Regular files only: a link in the tree is not followed.
        if !["100644", "100755"].contains(mode) || !name.ends_with(".form") {
            continue;
        }
        let relative = Path::new(name);
        if !relative.components().all(|c| matches!(c, Component::Normal(_))) {
            continue;
        }
        if size.parse::<u64>().map_or(true, |size| size > files::MAX_SOURCE_BYTES) {
            return Err(format!("`{reference}:{prefix}{name}` is larger than a source may be"));
        }
        let bytes = git(&top, &["cat-file", "blob", *object])?;
        let target = forms.join(relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("cannot create `{}`: {e}", parent.display()))?;
        }
        std::fs::write(&target, bytes).map_err(|e| format!("cannot write `{}`: {e}", target.display()))?;
    }
    Ok((temp, format!("{reference}:{prefix}")))
}
