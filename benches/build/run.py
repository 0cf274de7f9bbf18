#!/usr/bin/env python3
"""Build benchmark: `formwerk build` of a catalogue of N forms, full and after a one-form edit (issue 18).

This script owns `benches/build/` and nothing else. It is a measurement, not a test, and needs
python3 (3.11+, stdlib) and a built `formwerk` binary:

    cargo build --release
    python3 benches/build/run.py --sizes 2000 [--formwerk PATH] [--jobs J] [--keep DIR] [--repeat R]

For every N in --sizes it writes the catalogue project of `benches/catalogue/run.py` (the
corpus forms under new ids alternating with imported FIM samples, with their code lists), then
measures with the release binary, each step's wall time and peak RSS (`ru_maxrss` from
`wait4`, exact; no polling):

1. `build`: the full build of every target into an empty `generated/`;
2. `check`: `build --check` of the unchanged project (must say up to date, exit 0);
3. `edit`: after changing one form's title, the rebuild (`build` again);
4. `stale`: after changing it once more, `build --check` (must exit 1 and list that form's files).

Steps 3 and 4 run --repeat times (default 3) and report the fastest and the median. Prints a
markdown table; --out FILE appends one JSON line per N. Exits 2 when a build fails.

To measure one build by hand (issue 18's targets: full build of every target of 2,000 forms
<= 20 s wall and <= 1 GB peak RSS on 2 cores; one-form rebuild <= 0.2 s), write the catalogue
only and time the command; on a shared machine report user+sys and peak RSS with the wall time
and `uptime`'s load, and take the median of three:

    python3 benches/build/run.py --sizes 2000 --catalogue-only --keep /tmp/cat
    cd /tmp/cat/n2000 && rm -rf generated && /usr/bin/time -v formwerk build --forms forms \
        --out generated --codelists codelists --no-cache --color never
    # one-form rebuild from the cache: change one form's title, then the same command
    # without --no-cache
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import shutil
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
_spec = importlib.util.spec_from_file_location("catalogue_run", REPO / "benches" / "catalogue" / "run.py")
catalogue = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(catalogue)


def run(cmd: list, cwd: Path) -> dict:
    """Runs `cmd` with exact wall time and peak RSS (wait4 on the child)."""
    start = time.monotonic()
    proc = subprocess.Popen([str(c) for c in cmd], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # Read the pipes on the side so that a chatty child never blocks.
    chunks = {"out": [], "err": []}
    readers = [threading.Thread(target=lambda s=s, k=k: chunks[k].append(s.read())) for s, k in
               ((proc.stdout, "out"), (proc.stderr, "err"))]
    for r in readers:
        r.start()
    _, wstatus, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    for r in readers:
        r.join()
    proc.returncode = os.waitstatus_to_exitcode(wstatus)
    return {
        "wall_s": round(wall, 3),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "exit": proc.returncode,
        "stdout": b"".join(chunks["out"]).decode(errors="replace"),
        "stderr": b"".join(chunks["err"]).decode(errors="replace"),
    }


def edit_title(path: Path, k: int) -> None:
    """Changes the first `title "…"` of a form (its German title) so that every target changes."""
    text = path.read_text(encoding="utf-8")
    i = text.index('title "') + len('title "')
    path.write_text(text[:i] + f"Geändert {k}: " + text[i:], encoding="utf-8")


def one_size(n: int, args, fw: Path, corpus, fim, codelists: Path | None, base: Path) -> dict:
    root = base / f"n{n}"
    root.mkdir()
    forms, mix = catalogue.write_project(n, corpus, fim, args.mix, root)
    if codelists is not None:
        shutil.copytree(codelists, root / "codelists")
    print(f"N = {n}: {mix['corpus']} corpus-derived + {mix['fim']} FIM-derived forms in {root}", flush=True)
    if args.catalogue_only:
        return None
    build = [fw, "build", "--forms", root / "forms", "--out", root / "generated", "--color", "never"]
    if (root / "codelists").is_dir():
        build += ["--codelists", root / "codelists"]
    if args.jobs:
        build += ["--jobs", str(args.jobs)]
    full = run(build, root)
    if full["exit"] != 0:
        raise catalogue.Fail(f"formwerk build of {n} forms failed (exit {full['exit']}): {full['stderr'][-2000:]}")
    files = sum(1 for p in (root / "generated").rglob("*") if p.is_file())
    print(f"  [build] {full['wall_s']} s wall, {full['cpu_s']} s CPU, {full['peak_rss_mb']} MB peak, {files} files", flush=True)
    check = run(build + ["--check"], root)
    if check["exit"] != 0:
        raise catalogue.Fail(f"build --check of the fresh build says it is stale: {check['stdout'][-2000:]}")
    print(f"  [check] {check['wall_s']} s wall, {check['peak_rss_mb']} MB peak (up to date)", flush=True)
    edited = root / "forms" / f"{forms[len(forms) // 2]['id']}.form"
    edits, stales = [], []
    for k in range(args.repeat):
        edit_title(edited, 2 * k)
        e = run(build, root)
        if e["exit"] != 0:
            raise catalogue.Fail(f"the rebuild after an edit failed: {e['stderr'][-2000:]}")
        edits.append(e)
        edit_title(edited, 2 * k + 1)
        s = run(build + ["--check"], root)
        listed = [line for line in s["stdout"].splitlines() if line.strip()]
        if s["exit"] != 1 or not listed or not all(edited.stem in line or line.startswith("manifest.json")
                                                   or "README" in line for line in listed):
            raise catalogue.Fail(f"build --check after an edit: exit {s['exit']}, listed {listed[:10]}")
        s["listed"] = len(listed)
        stales.append(s)
    def summary(runs):
        walls = sorted(r["wall_s"] for r in runs)
        return {"min_s": walls[0], "median_s": statistics.median(walls),
                "peak_rss_mb": max(r["peak_rss_mb"] for r in runs)}
    row = {
        "n": n, "mix": mix, "files": files, "jobs": args.jobs or os.cpu_count(),
        "build": {k: full[k] for k in ("wall_s", "cpu_s", "peak_rss_mb")},
        "check": {k: check[k] for k in ("wall_s", "cpu_s", "peak_rss_mb")},
        "edit": summary(edits), "stale": {**summary(stales), "listed": stales[-1]["listed"]},
        "edited_form": edited.stem,
        "repo_head": subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                                    capture_output=True, text=True).stdout.strip(),
    }
    print(f"  [edit] rebuild min {row['edit']['min_s']} s, median {row['edit']['median_s']} s; "
          f"[stale] check min {row['stale']['min_s']} s ({row['stale']['listed']} files listed)", flush=True)
    return row


def table(rows: list[dict]) -> str:
    head = ("| forms | files | jobs | build wall | build CPU | build peak RSS | check (up to date) "
            "| one-form edit: rebuild (min/median) | check after edit (min/median) |")
    out = [head, "|" + "---|" * 9]
    for r in rows:
        out.append(
            f"| {r['n']} | {r['files']} | {r['jobs']} | {r['build']['wall_s']} s | {r['build']['cpu_s']} s "
            f"| {r['build']['peak_rss_mb']} MB | {r['check']['wall_s']} s "
            f"| {r['edit']['min_s']} / {r['edit']['median_s']} s | {r['stale']['min_s']} / {r['stale']['median_s']} s |")
    return "\n".join(out)


def main() -> int:
    p = argparse.ArgumentParser(description="Build benchmark of `formwerk build` (see the header).")
    p.add_argument("--sizes", default="100,2000", help="comma-separated numbers of forms (default 100,2000)")
    p.add_argument("--formwerk", type=Path, default=REPO / "target" / "release" / "formwerk")
    p.add_argument("--fim", type=Path, default=REPO.parent / "shared" / "fim", help="FIM samples and code lists")
    p.add_argument("--mix", choices=["both", "corpus", "fim"], default="both")
    p.add_argument("--jobs", type=int, default=0, help="formwerk build --jobs (default: one per core)")
    p.add_argument("--repeat", type=int, default=3, help="edits per size (default 3)")
    p.add_argument("--keep", type=Path, help="work in this directory (new or empty) and keep it")
    p.add_argument("--out", type=Path, help="append one JSON line per N to this file")
    p.add_argument("--catalogue-only", action="store_true",
                   help="only write each catalogue project (with --keep DIR: DIR/n<N>) and measure nothing")
    args = p.parse_args()
    if args.catalogue_only and not args.keep:
        print("error: --catalogue-only needs --keep DIR", file=sys.stderr)
        return 2
    try:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
        assert sizes and all(s > 0 for s in sizes) and args.repeat > 0
    except (ValueError, AssertionError):
        print(f"error: --sizes must be positive integers separated by commas, not {args.sizes!r}", file=sys.stderr)
        return 2
    fw = args.formwerk.resolve()
    if not (fw.is_file() and os.access(fw, os.X_OK)):
        print(f"error: no formwerk binary at {fw} (cargo build --release, or pass --formwerk PATH)", file=sys.stderr)
        return 2
    base = args.keep or Path(tempfile.mkdtemp(prefix="formwerk-build-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    if any(base.iterdir()):
        print(f"error: --keep {base} must be new or empty", file=sys.stderr)
        return 2
    rows = []
    try:
        corpus = catalogue.corpus_forms(REPO / "forms")
        fim, codelists = [], None
        if args.mix != "corpus" and (args.fim / "samples").is_dir():
            log = base / "import.log"
            fim, skipped, codelists = catalogue.fim_forms(fw, args.fim, base / "fim", os.environ.copy(), log, 600, 2**34)
            for s in skipped:
                print(f"  skipped {s}", flush=True)
        for n in sizes:
            row = one_size(n, args, fw, corpus, fim, codelists, base)
            if row is None:
                continue
            rows.append(row)
            if args.out:
                with open(args.out, "a") as f:
                    f.write(json.dumps(rows[-1]) + "\n")
    except catalogue.Fail as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    if rows:
        print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
