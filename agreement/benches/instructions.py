#!/usr/bin/env python3
"""Instruction counts of the validator measurements (issue 12): load-independent numbers for
`benches/validators.rs`, whose wall times on shared machines are noisy.

    python3 agreement/benches/instructions.py [--forms a,b] [--out results.json]

Needs valgrind and cargo. It builds the `validators` bench binary (`cargo bench --no-run`,
release profile), then for every measurement, corpus form and set of submissions (all 400;
the valid and the invalid ones apart) runs the binary once under
`valgrind --tool=callgrind --toggle-collect=<the measurement's function>` with
`VALIDATORS_ONE=<measure>:<form>:<set>`, so that only the instructions inside the measured
function count (building the examples and the schema does not), and divides by the number of
submissions. It prints one table per set, instructions per submission, and the ratios the
issue names: b / a (target >= 5), c_jsonschema / c (>= 3), a / d on valid submissions
(<= 1.5). It writes only to a temporary directory (and --out).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

MEASURES = ["a_from_json", "b_parse_then_jsonschema", "c_validate_value", "c_jsonschema_value", "d_read_only"]
FORMS = ["bewohnerparkausweis", "fuehrungszeugnis", "gewerbeanmeldung", "hundesteuer", "jaegerpruefung",
         "wohnsitzanmeldung"]
SETS = ["all", "valid", "invalid"]
ROOT = Path(__file__).resolve().parents[2]


def bench_binary() -> Path:
    out = subprocess.run(
        ["cargo", "bench", "--manifest-path", str(ROOT / "agreement/Cargo.toml"), "--bench", "validators",
         "--no-run", "--message-format=json"],
        check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        message = json.loads(line)
        if message.get("reason") == "compiler-artifact" and message["target"]["name"] == "validators" \
                and message.get("executable"):
            return Path(message["executable"])
    sys.exit("instructions.py: cargo built no `validators` bench binary")


def count(binary: Path, measure: str, form: str, which: str, work: Path) -> tuple[int, int]:
    """(instructions inside the measurement, number of submissions)."""
    out_file = work / f"callgrind.{measure}.{form}.{which}"
    run = subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out_file}",
         f"--toggle-collect=*measure_{measure}*", str(binary)],
        env=dict(os.environ, VALIDATORS_ONE=f"{measure}:{form}:{which}"),
        capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"instructions.py: {measure} {form} {which} failed:\n{run.stderr[-2000:]}")
    handled = re.search(r": (\d+) submissions", run.stdout)
    if handled is None:
        sys.exit(f"instructions.py: no result line from {measure} {form} {which}: {run.stdout!r}")
    totals = re.search(r"^(?:summary|totals):\s+(\d+)", out_file.read_text(), re.M)
    if totals is None:
        sys.exit(f"instructions.py: no totals in {out_file}")
    return int(totals.group(1)), int(handled.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--forms", default=",".join(FORMS))
    parser.add_argument("--out")
    args = parser.parse_args()
    forms = [f for f in args.forms.split(",") if f]
    binary = bench_binary()
    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        for which in SETS:
            for form in forms:
                for measure in MEASURES:
                    instructions, n = count(binary, measure, form, which, Path(tmp))
                    results.setdefault(which, {}).setdefault(form, {})[measure] = round(instructions / max(n, 1))
                    results[which][form]["n"] = n
                print(f"  {which:7} {form}: " + ", ".join(f"{m} {results[which][form][m]:,}" for m in MEASURES),
                      file=sys.stderr, flush=True)
    for which in SETS:
        print(f"\n### {which} submissions: instructions per submission\n")
        print("| form | n | a from_json | b serde_json+jsonschema | c validate(&Value) | c jsonschema(&Value) "
              "| d IgnoredAny | b/a | c_js/c | a/d |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for form in forms:
            r = results[which][form]
            ratio = lambda x, y: f"{r[x] / r[y]:.2f}" if r[y] else "–"
            print(f"| {form} | {r['n']} | {r['a_from_json']:,} | {r['b_parse_then_jsonschema']:,} | "
                  f"{r['c_validate_value']:,} | {r['c_jsonschema_value']:,} | {r['d_read_only']:,} | "
                  f"{ratio('b_parse_then_jsonschema', 'a_from_json')} | "
                  f"{ratio('c_jsonschema_value', 'c_validate_value')} | {ratio('a_from_json', 'd_read_only')} |")
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
