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


# A table's columns: (heading, measure) for counts, (heading, (numerator, denominator)) for ratios.
BASE_TABLE = [
    ("n", "n"), ("a from_json", "a_from_json"), ("b serde_json+jsonschema", "b_parse_then_jsonschema"),
    ("c validate(&Value)", "c_validate_value"), ("c jsonschema(&Value)", "c_jsonschema_value"),
    ("d IgnoredAny", "d_read_only"), ("b/a", ("b_parse_then_jsonschema", "a_from_json")),
    ("c_js/c", ("c_jsonschema_value", "c_validate_value")), ("a/d", ("a_from_json", "d_read_only")),
]
PEERS_TABLE = [
    ("a from_json", "a_from_json"), ("e sonic-rs+macro", "e_sonic_then_macro"),
    ("c validate(&Value)", "c_validate_value"), ("c macro(&Value)", "c_macro_value"),
    ("d_sonic IgnoredAny", "d_sonic_read_only"), ("e/a", ("e_sonic_then_macro", "a_from_json")),
    ("c_macro/c", ("c_macro_value", "c_validate_value")), ("a/d_sonic", ("a_from_json", "d_sonic_read_only")),
]


def table(title: str, forms: list[str], results: dict, columns: list) -> None:
    """Prints a markdown table, a row per form, of counts and ratios of `results[form]`."""
    print(f"\n### {title}\n")
    print("| form | " + " | ".join(heading for heading, _ in columns) + " |")
    print("|---" * (len(columns) + 1) + "|")
    for form in forms:
        r = results[form]
        cells = []
        for _, what in columns:
            if isinstance(what, tuple):
                cells.append(f"{r[what[0]] / r[what[1]]:.2f}" if r[what[1]] else "–")
            else:
                cells.append(f"{r[what]:,}")
        print(f"| {form} | " + " | ".join(cells) + " |")


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
        table(f"{which} submissions: instructions per submission", forms, results[which], BASE_TABLE)
        if args.peers:
            table(f"{which} submissions: the strongest peers, instructions per submission", forms,
                  results[which], PEERS_TABLE)
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
