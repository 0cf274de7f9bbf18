#!/usr/bin/env python3
"""Catalogue benchmark: how the generated Rust crate scales with the number of forms (issue 12).

This script owns `benches/catalogue/` and nothing else. It is a measurement, not a test, and
needs only python3 (3.11+, stdlib), cargo and a built `formwerk` binary:

    cargo build --release                     # or any formwerk binary, passed with --formwerk
    python3 benches/catalogue/run.py --sizes 6,100 [--formwerk PATH] [--out results.jsonl]
                                    [--keep DIR] [--timeout MIN] [--max-rss-gb GB] [--jobs J]

For every N in --sizes, in a fresh directory below one temporary directory (or --keep DIR,
which must not exist or be empty, and is then left in place), it

1. writes a catalogue project of N forms: the corpus forms (`forms/*.form`, with the
   `forms/common/` modules they `use` and the project `catalogues/`) copied under new form ids
   (`<id>_c<k>`), alternating with forms imported by `formwerk import-fim` from the FIM samples
   (`../shared/fim/samples/xdf2|xdf3/*.xml`, with `../shared/fim/codelists` plus each XDF2
   sample's own lists; samples whose import or check fails are skipped and reported), cycling
   through both lists until N forms exist (--mix corpus|fim keeps only one kind);
2. times `formwerk build` of it into `generated/`;
3. in the generated crate (`generated/rust`, a workspace of its own: the facade, the runtime
   and shared crates and one crate per form; an empty `[workspace]` is appended when it has
   none; `CARGO_TARGET_DIR` inside the work directory, `--offline` when the registry cache
   suffices) measures wall time and peak RSS of `cargo check`, `cargo build --release` and,
   when `Cargo.toml` has one feature per form,
   `cargo build --release --no-default-features --features <3 forms>`.
   Dependencies are excluded: each command is first run on a stub package that depends on the
   workspace's registry dependencies (merged from all its manifests) and has an empty
   `lib.rs`; its time is reported as the dependency time, and every measured step starts
   from a fresh copy of that target directory, so it compiles only the generated crates (the
   crates a step compiled are recorded; anything else is flagged). Peak RSS is the largest
   single process of the step (rustc:
   `ru_maxrss` of the step's process tree from `wait4`, as `/usr/bin/time -v` reports it);
   the tree is also polled through /proc (every 0.2 s) for the sum over all its processes,
   which is what --max-rss-gb limits (the step is killed and recorded as `killed >N GB`);
   a step running longer than --timeout minutes is killed and recorded as `timeout`;
4. counts lines of generated Rust per form (the form's files under `rust/` in
   `generated/manifest.json`, i.e. its crate in `rust/forms/`) and in the rest, by top
   directory (`runtime/`, `shared/`, `src/`);
5. prints one markdown table (a row per N) and, with --out FILE, appends one JSON line per N.

It writes only inside its work directory (and --out). It exits 2 with a one-line reason when
the formwerk binary or the corpus is missing or `formwerk build` fails, and 1 (after the table)
when a cargo step fails to compile; timeouts and RSS kills are results, not failures.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PAGE = os.sysconf("SC_PAGE_SIZE")
FORM_DECL = re.compile(r"^form[ \t]+([A-Za-z_][A-Za-z0-9_]*)([ \t]*\{)", re.M)


class Fail(Exception):
    """A reason to stop the whole run (exit 2)."""


# ---------------------------------------------------------------------------------------------
# Running a step: wall time, peak RSS, timeout and memory limit


def _group_rss(pgid: int) -> int:
    """Sum of the RSS of every process in the process group `pgid` (bytes)."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
            fields = stat[stat.rindex(b")") + 2 :].split()
            if int(fields[2]) != pgid:
                continue
            with open(f"/proc/{entry}/statm", "rb") as f:
                total += int(f.read().split()[1]) * PAGE
        except (OSError, ValueError, IndexError):
            continue
    return total


def run_step(cmd, cwd, env, log: Path, timeout_s: float, max_rss: int) -> dict:
    """Runs `cmd` in its own process group; returns status, wall, peak RSS and CPU time."""
    with open(log, "ab") as out:
        out.write(("$ " + " ".join(str(c) for c in cmd) + "\n").encode())
        out.flush()
        start = time.monotonic()
        proc = subprocess.Popen(
            [str(c) for c in cmd], cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
    status, peak_tree = None, 0
    while True:
        pid, wstatus, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        peak_tree = max(peak_tree, _group_rss(proc.pid))
        if status is None and time.monotonic() - start > timeout_s:
            status = "timeout"
        elif status is None and peak_tree > max_rss:
            status = "rss"
        if status is not None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            pid, wstatus, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.2)
    wall = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(wstatus)
    if status is not None:
        # Whatever of the group survived cargo (a rustc) is killed as well.
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    elif proc.returncode != 0:
        status = "error"
    else:
        status = "ok"
    return {
        "status": status,
        "wall_s": round(wall, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "peak_tree_rss_mb": round(peak_tree / 2**20, 1),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "exit": proc.returncode,
        **({"limit_gb": round(max_rss / 2**30, 2)} if status == "rss" else {}),
    }


def tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


# ---------------------------------------------------------------------------------------------
# 1. The catalogue project


def corpus_forms(forms_dir: Path) -> list[tuple[str, str]]:
    """(id, source) of every form file directly in `forms_dir`, sorted by file name."""
    found = []
    for path in sorted(forms_dir.glob("*.form")):
        text = path.read_text(encoding="utf-8")
        ids = FORM_DECL.findall(text)
        if len(ids) == 1:
            found.append((ids[0][0], text))
    return found


def rename(text: str, new_id: str) -> str:
    renamed, n = FORM_DECL.subn(lambda m: f"form {new_id}{m.group(2)}", text, count=1)
    assert n == 1
    return renamed


def fim_forms(fw: Path, fim: Path, work: Path, env, log: Path, timeout_s, max_rss):
    """Imports and checks every FIM sample; returns (forms, skipped, project code-list dir)."""
    codelists = work / "codelists"
    codelists.mkdir(parents=True)
    shared_lists = fim / "codelists"
    if shared_lists.is_dir():
        for f in sorted(shared_lists.glob("*.xml")):
            shutil.copy2(f, codelists / f.name)
    samples = sorted((fim / "samples" / "xdf2").glob("*.xml")) + sorted((fim / "samples" / "xdf3").glob("*.xml"))
    forms, skipped = [], []
    scratch = work / "import"
    scratch.mkdir()
    for sample in samples:
        head = sample.read_bytes()[:4096]
        if b"genericode" in head and b"xdatenfelder" not in head:
            continue  # a code list next to the samples, not a schema
        stem = sample.stem
        lists = scratch / f"{stem}.codelists"
        shutil.copytree(codelists, lists)
        own = fim / "samples" / "xdf2" / "codelists" / stem.replace("_xdf2", "")
        if sample.parent.name == "xdf2" and own.is_dir():
            for f in sorted(own.glob("*.xml")):
                shutil.copy2(f, lists / f"{own.name}_{f.name}")
        out = scratch / f"{stem}.form"
        r = run_step([fw, "import-fim", sample, "--codelists", lists, "--out", out], scratch, env, log, timeout_s, max_rss)
        if r["status"] != "ok":
            skipped.append(f"{sample.name}: import {r['status']}")
            continue
        r = run_step([fw, "check", out, "--codelists", lists], scratch, env, log, timeout_s, max_rss)
        if r["status"] != "ok":
            skipped.append(f"{sample.name}: check {r['status']}")
            continue
        text = out.read_text(encoding="utf-8")
        ids = FORM_DECL.findall(text)
        if len(ids) != 1:
            skipped.append(f"{sample.name}: {len(ids)} form declarations")
            continue
        # Its lists join the project's code-list directory (the build checks every form with it).
        for f in sorted(lists.glob("*.xml")):
            if not (codelists / f.name).exists():
                shutil.copy2(f, codelists / f.name)
        forms.append((ids[0][0], text))
    return forms, skipped, codelists


def write_project(n: int, corpus, fim, mix: str, root: Path) -> tuple[list[dict], dict]:
    """Writes N forms into root/forms, alternating corpus and FIM forms; returns the forms."""
    forms_dir = root / "forms"
    forms_dir.mkdir(parents=True)
    if (REPO / "forms" / "common").is_dir():
        shutil.copytree(REPO / "forms" / "common", forms_dir / "common")
    if (REPO / "catalogues").is_dir():
        shutil.copytree(REPO / "catalogues", root / "catalogues")
    kinds = {"corpus": [("corpus", f) for f in corpus], "fim": [("fim", f) for f in fim]}
    order = ["corpus", "fim"] if mix == "both" else [mix]
    order = [k for k in order if kinds[k]]
    if not order:
        raise Fail("no forms to copy: the corpus and the FIM imports are both empty")
    written, next_index, ids = [], {k: 0 for k in order}, set()
    while len(written) < n:
        kind = order[len(written) % len(order)]
        i = next_index[kind]
        next_index[kind] += 1
        source_list = kinds[kind]
        orig, text = source_list[i % len(source_list)][1]
        new_id = f"{orig}_c{i // len(source_list)}"
        assert new_id not in ids
        ids.add(new_id)
        (forms_dir / f"{new_id}.form").write_text(rename(text, new_id), encoding="utf-8")
        written.append({"id": new_id, "kind": kind, "from": orig})
    mix_counts = {k: sum(1 for w in written if w["kind"] == k) for k in ("corpus", "fim")}
    return written, mix_counts


# ---------------------------------------------------------------------------------------------
# 3. The generated crate


def crate_info(crate: Path) -> tuple[str, dict]:
    manifest = tomllib.loads((crate / "Cargo.toml").read_text())
    return manifest["package"]["name"], manifest.get("features", {})


def manifests(crate: Path) -> list[dict]:
    """The generated crate's manifest and those of the crates below it (a workspace)."""
    return [tomllib.loads(p.read_text()) for p in sorted(crate.rglob("Cargo.toml")) if "target" not in p.parts]


def workspace_packages(crate: Path) -> set[str]:
    return {m["package"]["name"] for m in manifests(crate) if "package" in m}


def stub_manifest(crate: Path) -> str:
    """A package that depends on the external (registry) dependencies of every crate of the
    generated workspace, with their features merged, so that building it builds exactly them."""
    # Per table ("" for [dependencies], else a target's cfg): key -> merged spec.
    tables: dict[str, dict[str, dict]] = {}

    def merge(table: str, dependencies: dict) -> None:
        for key, spec in dependencies.items():
            if isinstance(spec, str):
                spec = {"version": spec}
            if "path" in spec:
                continue
            merged = tables.setdefault(table, {}).setdefault(
                key, {"package": spec.get("package", key), "version": spec["version"], "features": set()})
            merged["features"].update(spec.get("features", []))

    for manifest in manifests(crate):
        merge("", manifest.get("dependencies", {}))
        # Target-specific dependencies (regex natively, regex-lite in wasm) under the same cfg.
        for cfg, target in manifest.get("target", {}).items():
            merge(cfg, target.get("dependencies", {}))
    lines = ["[package]", 'name = "formwerk_deps_stub"', 'version = "0.0.0"', 'edition = "2021"', ""]
    for table, deps in sorted(tables.items()):
        lines.append("[dependencies]" if not table else f"[target.{json.dumps(table)}.dependencies]")
        for key, spec in sorted(deps.items()):
            features = ", ".join(json.dumps(f) for f in sorted(spec["features"]))
            lines.append(f'{key} = {{ package = {json.dumps(spec["package"])}, version = {json.dumps(spec["version"])}, '
                         f'features = [{features}] }}')
        lines.append("")
    lines += ["[workspace]", ""]
    # The same profiles as the workspace, or Cargo would build the dependencies again.
    profile = tomllib.loads((crate / "Cargo.toml").read_text()).get("profile", {})
    lines += profile_tables(["profile"], profile)
    return "\n".join(lines) + "\n"


def profile_tables(path: list[str], table: dict) -> list[str]:
    """A TOML table of scalars and subtables, written out (as much TOML as profiles use)."""
    scalars = {k: v for k, v in table.items() if not isinstance(v, dict)}
    out = []
    if scalars:
        out.append("[" + ".".join(json.dumps(p) if not re.fullmatch(r"[A-Za-z0-9_-]+", p) else p for p in path) + "]")
        out += [f"{k} = {json.dumps(v)}" for k, v in scalars.items()]
        out.append("")
    for k, v in table.items():
        if isinstance(v, dict):
            out += profile_tables(path + [k], v)
    return out


def make_standalone(crate: Path) -> None:
    text = (crate / "Cargo.toml").read_text()
    if not re.search(r"^\[workspace\]", text, re.M):
        (crate / "Cargo.toml").write_text(text.rstrip("\n") + "\n\n# Added by the catalogue benchmark: build alone.\n[workspace]\n")


def purge_package(target: Path, name: str) -> None:
    """Removes the dependency stub's own artifacts from a warmed target directory (deps stay)."""
    lib = name.replace("-", "_")
    prefixes = (f"{name}-", f"{lib}-", f"lib{lib}-", f"lib{lib}.", f"{lib}.")
    for profile in ("debug", "release"):
        base = target / profile
        for sub in (base, base / "deps", base / ".fingerprint", base / "incremental", base / "build"):
            if not sub.is_dir():
                continue
            for entry in sub.iterdir():
                if entry.name.startswith(prefixes):
                    if entry.is_dir() and not entry.is_symlink():
                        shutil.rmtree(entry)
                    else:
                        entry.unlink()


COMPILING = re.compile(r"^\s+(?:Compiling|Checking) (\S+) v", re.M)


def cargo_steps(root: Path, crate: Path, forms: list[dict], args, env, log: Path) -> dict:
    timeout_s, max_rss = args.timeout * 60, int(args.max_rss_gb * 2**30)
    make_standalone(crate)
    _, features = crate_info(crate)
    steps = [("check", ["check"]), ("release", ["build", "--release"])]
    form_features = [f["id"] for f in forms if f["id"] in features]
    feature_note = None
    if "all" in features and len(form_features) == len(forms):
        chosen = form_features[:3]
        steps.append(("features3", ["build", "--release", "--no-default-features", "--features", ",".join(chosen)]))
        feature_note = chosen
    else:
        print(f"  [features] skipped: generated Cargo.toml has no feature per form "
              f"({len(form_features)} of {len(forms)} forms have one, `all` {'present' if 'all' in features else 'absent'})",
              flush=True)

    # Dependencies: a stub package with the workspace's external dependencies (those of every
    # manifest that are not path dependencies) and an empty lib.rs, built once per command.
    stub = root / "deps-stub"
    if stub.exists():
        shutil.rmtree(stub)
    (stub / "src").mkdir(parents=True)
    (stub / "src" / "lib.rs").write_text("")
    (stub / "Cargo.toml").write_text(stub_manifest(crate))
    warm = root / "target-deps"
    cenv = dict(env, CARGO_TARGET_DIR=str(warm), CARGO_TERM_COLOR="never")
    offline = ["--offline"]
    for directory in (crate, stub):
        r = run_step(["cargo", "generate-lockfile", *offline], directory, cenv, log, timeout_s, max_rss)
        if r["status"] != "ok" and offline:
            offline = []
            r = run_step(["cargo", "generate-lockfile"], directory, cenv, log, timeout_s, max_rss)
        if r["status"] != "ok":
            return {"error": f"cargo generate-lockfile failed in {directory}"}
    members = workspace_packages(crate)
    result = {"offline": bool(offline), "deps": {}, "features3": feature_note}
    jobs = ["-j", str(args.jobs)] if args.jobs else []
    for key, cmd in steps:
        # The stub has no features: it depends on everything any form needs.
        cmd = cmd[: cmd.index("--no-default-features")] if "--no-default-features" in cmd else cmd
        print(f"  [deps] cargo {' '.join(cmd)} (stub)", flush=True)
        r = run_step(["cargo", *cmd, *offline, *jobs], stub, cenv, log, timeout_s, max_rss)
        result["deps"][key] = r
        if r["status"] != "ok":
            return dict(result, error=f"building the dependencies ({key}) failed: {r['status']}")
    purge_package(warm, "formwerk_deps_stub")

    measure = root / "target"
    menv = dict(env, CARGO_TARGET_DIR=str(measure), CARGO_TERM_COLOR="never")
    for key, cmd in steps:
        if measure.exists():
            shutil.rmtree(measure)
        shutil.copytree(warm, measure, symlinks=True)
        now = time.time()
        for f in crate.rglob("*.rs"):
            os.utime(f, (now, now))
        step_log = root / f"cargo-{key}.log"
        print(f"  [{key}] cargo {' '.join(cmd)}", flush=True)
        r = run_step(["cargo", *cmd, *offline, *jobs], crate, menv, step_log, timeout_s, max_rss)
        compiled = COMPILING.findall(step_log.read_text(errors="replace"))
        r["compiled"] = compiled
        if r["status"] == "ok" and not set(compiled) <= members:
            r["note"] = f"compiled {sorted(set(compiled) - members)} besides the generated crates"
        if r["status"] == "error":
            r["log_tail"] = tail(step_log, 30)
        result[key] = r
        print(f"    {fmt_step(r)}", flush=True)
    if measure.exists() and not args.keep:
        shutil.rmtree(measure)
    return result


# ---------------------------------------------------------------------------------------------
# 4. Lines of generated Rust


def count_lines(path: Path) -> int:
    with open(path, "rb") as f:
        return sum(1 for _ in f)


def lines_of(generated: Path, forms: list[dict]) -> dict:
    rust = generated / "rust"
    manifest = json.loads((generated / "manifest.json").read_text())
    per_form_files = {f["id"]: [p for p in f.get("files", []) if p.startswith("rust/")] for f in manifest.get("forms", [])}
    owned, per_form = set(), {}
    for form in forms:
        files = per_form_files.get(form["id"]) or [f"rust/forms/{form['id']}/src/lib.rs"]
        files = [generated / p for p in files if (generated / p).is_file() and p.endswith(".rs")]
        owned.update(files)
        per_form[form["id"]] = sum(count_lines(p) for p in files)
    shared: dict[str, int] = {}
    for p in sorted(rust.rglob("*.rs")):
        if p in owned or "target" in p.relative_to(rust).parts:
            continue
        rel = p.relative_to(rust).as_posix()
        key = rel.split("/")[0] + "/" if "/" in rel else rel
        shared[key] = shared.get(key, 0) + count_lines(p)
    values = list(per_form.values())

    def mean_of(kind):
        v = [per_form[f["id"]] for f in forms if f["kind"] == kind]
        return round(statistics.mean(v), 1) if v else None

    return {
        "forms_total": sum(values),
        "shared_total": sum(shared.values()),
        "total": sum(values) + sum(shared.values()),
        "per_form_mean": round(statistics.mean(values), 1),
        "per_form_median": statistics.median(values),
        "per_form_max": max(values),
        "per_form_max_form": max(per_form, key=per_form.get),
        "per_form_mean_corpus": mean_of("corpus"),
        "per_form_mean_fim": mean_of("fim"),
        "shared": shared,
    }


# ---------------------------------------------------------------------------------------------
# Output


def fmt_step(r: dict | None) -> str:
    if r is None:
        return "skipped"
    if r["status"] == "timeout":
        return f"timeout ({r['wall_s']:.0f} s)"
    if r["status"] == "rss":
        return f"killed > {r['limit_gb']:g} GB ({r['wall_s']:.0f} s)"
    if r["status"] == "error":
        return f"error ({r['wall_s']:.0f} s)"
    flag = " *" if r.get("note") else ""
    return f"{r['wall_s']:.1f} s (cpu {r['cpu_s']:.0f} s), {r['peak_rss_mb'] / 1024:.2f} GB{flag}"


def num(x) -> str:
    return "–" if x is None else f"{round(x):,}"


def table(rows: list[dict]) -> str:
    head = ("| N | mix (corpus + FIM) | formwerk build | Rust lines total (shared) | lines/form mean / median / max "
            "(corpus mean, FIM mean) | `cargo check` | `cargo build --release` | release, 3 forms by feature | deps (check / release) |")
    out = [head, "|" + "---|" * (head.count("|") - 1)]
    for row in rows:
        lines, cargo = row.get("lines"), row.get("cargo", {})
        b = row["formwerk_build"]
        deps = cargo.get("deps", {})
        out.append(
            f"| {row['n']} | {row['mix']['corpus']} + {row['mix']['fim']} "
            f"| {b['wall_s']:.1f} s, {b['peak_rss_mb'] / 1024:.2f} GB "
            + (f"| {lines['total']:,} ({lines['shared_total']:,}) | {num(lines['per_form_mean'])} / {num(lines['per_form_median'])} / "
               f"{num(lines['per_form_max'])} ({num(lines['per_form_mean_corpus'])}, {num(lines['per_form_mean_fim'])}) " if lines else "| – | – ")
            + f"| {fmt_step(cargo.get('check'))} | {fmt_step(cargo.get('release'))} | {fmt_step(cargo.get('features3'))} "
            + "| " + " / ".join(f"{deps[k]['wall_s']:.0f} s" for k in ("check", "release") if k in deps) + " |"
        )
    return "\n".join(out)


def one_size(n: int, args, fw: Path, corpus, fim, codelists: Path | None, base: Path, env, version: str) -> dict:
    root = base / f"n{n}"
    root.mkdir()
    log = root / "steps.log"
    timeout_s, max_rss = args.timeout * 60, int(args.max_rss_gb * 2**30)
    forms, mix = write_project(n, corpus, fim, args.mix, root)
    if codelists is not None:
        shutil.copytree(codelists, root / "codelists")
    print(f"N = {n}: {mix['corpus']} corpus-derived + {mix['fim']} FIM-derived forms in {root}", flush=True)
    cmd = [fw, "build", "--forms", root / "forms", "--out", root / "generated", "--color", "never"]
    if (root / "codelists").is_dir():
        cmd += ["--codelists", root / "codelists"]
    build_log = root / "formwerk-build.log"
    b = run_step(cmd, root, env, build_log, timeout_s, max_rss)
    if b["status"] != "ok":
        print(tail(build_log), file=sys.stderr)
        raise Fail(f"formwerk build of the {n}-form catalogue failed ({b['status']}, exit {b['exit']})"
                   + (f"; log: {build_log}" if args.keep else "; rerun with --keep DIR to keep its log"))
    print(f"  [formwerk build] {fmt_step(b)}", flush=True)
    row = {
        "n": n, "mix": mix, "formwerk": str(fw), "formwerk_version": version, "formwerk_build": b,
        "timeout_min": args.timeout, "max_rss_gb": args.max_rss_gb,
        "rust_toolchain": subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip(),
        "repo_head": subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip(),
    }
    row["lines"] = lines_of(root / "generated", forms)
    L = row["lines"]
    print(f"  [lines] {L['total']:,} total, {L['shared_total']:,} shared, per form mean {L['per_form_mean']} "
          f"median {L['per_form_median']} max {L['per_form_max']} ({L['per_form_max_form']})", flush=True)
    row["cargo"] = cargo_steps(root, root / "generated" / "rust", forms, args, env, log)
    return row


def main() -> int:
    p = argparse.ArgumentParser(description="Catalogue benchmark of the generated Rust crate (see the header).")
    p.add_argument("--sizes", default="6,100", help="comma-separated numbers of forms (default 6,100)")
    p.add_argument("--formwerk", type=Path, default=REPO / "target" / "release" / "formwerk")
    p.add_argument("--corpus", type=Path, default=REPO / "forms", help="forms to copy (default forms/)")
    p.add_argument("--fim", type=Path, default=REPO.parent / "shared" / "fim", help="FIM samples and code lists")
    p.add_argument("--mix", choices=["both", "corpus", "fim"], default="both")
    p.add_argument("--keep", type=Path, help="work in this directory (new or empty) and keep it")
    p.add_argument("--out", type=Path, help="append one JSON line per N to this file")
    p.add_argument("--timeout", type=float, default=30, help="minutes per step (default 30)")
    p.add_argument("--max-rss-gb", type=float, default=14, help="kill a step above this RSS (default 14)")
    p.add_argument("--jobs", type=int, help="cargo -j (default: cargo's)")
    args = p.parse_args()
    try:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
        assert sizes and all(s > 0 for s in sizes)
    except (ValueError, AssertionError):
        print(f"error: --sizes must be positive integers separated by commas, not {args.sizes!r}", file=sys.stderr)
        return 2
    fw = args.formwerk.resolve()
    if not (fw.is_file() and os.access(fw, os.X_OK)):
        print(f"error: no formwerk binary at {fw} (cargo build --release, or pass --formwerk PATH)", file=sys.stderr)
        return 2
    if shutil.which("cargo") is None:
        print("error: cargo is not on PATH", file=sys.stderr)
        return 2
    if args.keep:
        if args.keep.exists() and (not args.keep.is_dir() or any(args.keep.iterdir())):
            print(f"error: --keep {args.keep} exists and is not an empty directory", file=sys.stderr)
            return 2
        args.keep.mkdir(parents=True, exist_ok=True)
        base = args.keep.resolve()
    else:
        base = Path(tempfile.mkdtemp(prefix="formwerk-catalogue-"))
    env = dict(os.environ)
    env.pop("CARGO_TARGET_DIR", None)
    env["NO_COLOR"] = "1"
    rows, code = [], 0
    try:
        version = subprocess.run([fw, "--version"], capture_output=True, text=True).stdout.strip()
        corpus = corpus_forms(args.corpus) if args.mix != "fim" else []
        if args.mix != "fim" and not corpus:
            raise Fail(f"no corpus forms in {args.corpus}")
        fim, codelists = [], None
        if args.mix != "corpus":
            if not (args.fim / "samples").is_dir():
                raise Fail(f"no FIM samples in {args.fim}/samples (pass --fim DIR or --mix corpus)")
            print(f"importing FIM samples from {args.fim}/samples ...", flush=True)
            fim, skipped, codelists = fim_forms(fw, args.fim, base / "fim", env, base / "fim-import.log",
                                                args.timeout * 60, int(args.max_rss_gb * 2**30))
            print(f"  {len(fim)} FIM samples imported and checked, {len(skipped)} skipped", flush=True)
            for s in skipped:
                print(f"  skipped {s}", flush=True)
        print(f"{len(corpus)} corpus forms, {len(fim)} FIM forms; work directory {base}", flush=True)
        for n in sizes:
            row = one_size(n, args, fw, corpus, fim, codelists, base, env, version)
            if args.mix != "corpus":
                row["fim_samples_used"], row["fim_samples_skipped"] = len(fim), skipped
            row["corpus_forms"] = len(corpus)
            rows.append(row)
            if args.out:
                with open(args.out, "a") as f:
                    f.write(json.dumps(row, ensure_ascii=False) + "\n")
            if "error" in row["cargo"]:
                raise Fail(row["cargo"]["error"])
            if not args.keep:
                shutil.rmtree(base / f"n{n}", ignore_errors=True)
    except Fail as e:
        if rows:
            print("\n" + table(rows))
        print(f"error: {e}", file=sys.stderr)
        return 2
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    print("\n" + table(rows))
    print("\n(wall time, CPU time of the step's processes and peak RSS of its largest process (rustc), each from a "
          "target directory with the dependencies prebuilt; deps = their own build time; * = a step compiled more "
          "than the crate, see --out)")
    for row in rows:
        for key in ("check", "release", "features3"):
            r = row["cargo"].get(key)
            if r and r["status"] == "error":
                print(f"N = {row['n']}: cargo {key} failed:\n{r.get('log_tail', '')}", file=sys.stderr)
                code = 1
            if r and r.get("note"):
                print(f"N = {row['n']}, {key}: {r['note']}", file=sys.stderr)
    if code:
        print("error: a cargo step failed to compile the generated crate (see above)", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
