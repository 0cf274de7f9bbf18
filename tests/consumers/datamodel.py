"""The generated schemas in Python's datamodel-code-generator + pydantic (input: the JSON file
written by `tests/consumers.rs`, see check.mjs): each schema becomes one pydantic v2 module
with every field typed (no `Any`), and the model reads every valid submission.

Run with the interpreter of a virtual environment holding `requirements.txt`.
Prints one line; exits 1 with the first failures.
"""

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path


def main() -> int:
    spec = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    folder = Path(spec["dir"])
    out = folder / "python"
    out.mkdir(parents=True, exist_ok=True)
    failures = []
    read = 0
    codegen = Path(sys.executable).parent / "datamodel-codegen"
    for form in spec["forms"]:
        module_file = out / f"{form['id']}.py"
        result = subprocess.run(
            [
                str(codegen),
                "--input", str(folder / form["schema"]),
                "--input-file-type", "jsonschema",
                "--output-model-type", "pydantic_v2.BaseModel",
                "--class-name", form["name"],
                "--output", str(module_file),
                "--disable-timestamp",
            ],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            failures.append(f"datamodel-codegen: {form['id']}: {result.stderr[-2000:]}")
            continue
        source = module_file.read_text(encoding="utf-8")
        untyped = [line.strip() for line in source.splitlines() if re.search(r"(:\s*|\[|,\s*)Any\b", line)]
        if untyped:
            failures.append(f"datamodel-codegen: {form['id']} has untyped fields: {untyped[:5]}")
        module_spec = importlib.util.spec_from_file_location(f"formwerk_{form['id']}", module_file)
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[module_spec.name] = module  # pydantic's generic models look their module up
        module_spec.loader.exec_module(module)
        model = getattr(module, form["name"], None)
        if model is None:
            failures.append(f"datamodel-codegen: {form['id']} has no class {form['name']}")
            continue
        for index, case in enumerate(form["cases"]):
            if not case["valid"]:
                continue
            read += 1
            try:
                model.model_validate(case["submission"])
            except Exception as error:  # pydantic.ValidationError and anything the model raises
                failures.append(f"pydantic: {form['id']} #{index} refuses a valid submission: {str(error)[:600]}")
    print(f"datamodel-code-generator + pydantic: {len(spec['forms'])} forms, {read} valid submissions read")
    if failures:
        print(f"{len(failures)} failures; the first ones:", file=sys.stderr)
        print("\n".join(failures[:12]), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
