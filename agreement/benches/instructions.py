#!/usr/bin/env python3
"""Instruction counts of the validator measurements (issue 12): load-independent numbers for
`benches/validators.rs`, whose wall times on shared machines are noisy.

    python3 agreement/benches/instructions.py [--forms a,b] [--peers] [--out results.json]

Needs valgrind and cargo. It builds the `validators` bench binary (`cargo bench --no-run`,
release profile), then for every measurement, corpus form and set of submissions (all 400;
the valid and the invalid ones apart) runs the binary once under
`valgrind --tool=callgrind --toggle-collect=<the measurement's function>` with
`VALIDATORS_ONE=<measure>:<form>:<set>`, so that only the instructions inside the measured
function count (building the examples and the schema does not), and divides by the number of
submissions. It prints one table per set, instructions per submission, and the ratios the
issue names: b / a (target >= 5), c_jsonschema / c (>= 3), a / d on valid submissions
(<= 1.5). With --peers (bench feature `peers`) also the strongest peers: e (sonic-rs into a
`Value`, then the `jsonschema` compile-time validator), c_macro (that validator on the `Value`)
and d_sonic (sonic-rs reading the bytes), with e / a (>= 3) and c_macro / c (>= 1.5). It writes
only to a temporary directory (and --out).
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
PEERS = ["e_sonic_then_macro", "c_macro_value", "d_sonic_read_only"]
FORMS = ["bewohnerparkausweis", "fuehrungszeugnis", "gewerbeanmeldung", "hundesteuer", "jaegerpruefung",
         "wohnsitzanmeldung"]
SETS = ["all", "valid", "invalid"]
ROOT = Path(__file__).resolve().parents[2]


def bench_binary(peers: bool) -> Path:
    features = ["--features", "peers"] if peers else []
    out = subprocess.run(
        ["cargo", "bench", "--manifest-path", str(ROOT / "agreement/Cargo.toml"), "--bench", "validators",
         "--no-run", "--message-format=json", *features],
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
    parser.add_argument("--peers", action="store_true", help="also the peers (bench feature `peers`)")
    parser.add_argument("--out")
    args = parser.parse_args()
    forms = [f for f in args.forms.split(",") if f]
    measures = MEASURES + (PEERS if args.peers else [])
    binary = bench_binary(args.peers)
    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        for which in SETS:
            for form in forms:
                for measure in measures:
                    instructions, n = count(binary, measure, form, which, Path(tmp))
                    results.setdefault(which, {}).setdefault(form, {})[measure] = round(instructions / max(n, 1))
                    results[which][form]["n"] = n
                print(f"  {which:7} {form}: " + ", ".join(f"{m} {results[which][form][m]:,}" for m in measures),
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
        if args.peers:
            print(f"\n### {which} submissions: the strongest peers, instructions per submission\n")
            print("| form | a from_json | e sonic-rs+macro | c validate(&Value) | c macro(&Value) | d_sonic IgnoredAny "
                  "| e/a | c_macro/c | a/d_sonic |")
            print("|---|---|---|---|---|---|---|---|---|")
            for form in forms:
                r = results[which][form]
                ratio = lambda x, y: f"{r[x] / r[y]:.2f}" if r[y] else "–"
                print(f"| {form} | {r['a_from_json']:,} | {r['e_sonic_then_macro']:,} | {r['c_validate_value']:,} | "
                      f"{r['c_macro_value']:,} | {r['d_sonic_read_only']:,} | "
                      f"{ratio('e_sonic_then_macro', 'a_from_json')} | {ratio('c_macro_value', 'c_validate_value')} | "
                      f"{ratio('a_from_json', 'd_sonic_read_only')} |")
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
