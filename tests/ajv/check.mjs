// Compiles every generated JSON Schema with ajv (draft 2020-12, strict mode, ajv-formats)
// and checks that ajv reaches the verdict the reference validator expects for each example.
// Input: a JSON file written by `tests/ajv.rs`:
//   {"forms": [{"id", "schema", "cases": [{"submission", "valid": true|false|null}]}]}
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const input = JSON.parse(readFileSync(process.argv[2], "utf8"));

/** Every `x-formwerk-*` annotation keyword used in a schema, so strict mode accepts them. */
function annotations(schema, found = new Set()) {
  if (Array.isArray(schema)) schema.forEach((s) => annotations(s, found));
  else if (schema && typeof schema === "object") {
    for (const [key, value] of Object.entries(schema)) {
      if (key.startsWith("x-formwerk-")) found.add(key);
      else annotations(value, found);
    }
  }
  return found;
}

let failures = 0;
let compared = 0;
for (const form of input.forms) {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  for (const keyword of annotations(form.schema)) ajv.addKeyword({ keyword });
  let validate;
  try {
    validate = ajv.compile(form.schema);
  } catch (error) {
    console.error(`${form.id}: ajv cannot compile the schema: ${error.message}`);
    failures += 1;
    continue;
  }
  for (const [index, example] of form.cases.entries()) {
    if (example.valid === null) continue; // no verdict to compare (see tests/ajv.rs)
    compared += 1;
    const valid = validate(example.submission);
    if (valid !== example.valid) {
      failures += 1;
      if (failures <= 10) {
        console.error(`${form.id} #${index}: ajv says ${valid ? "valid" : "invalid"}, the reference validator ${example.valid ? "valid" : "invalid"}`);
        console.error(`  ${JSON.stringify(example.submission)}`);
        console.error(`  ${JSON.stringify(validate.errors)}`);
      }
    }
  }
}
console.log(`ajv: ${compared} submissions over ${input.forms.length} schemas, ${failures} disagreements`);
process.exit(failures === 0 ? 0 : 1);
