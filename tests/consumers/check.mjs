// The generated schemas in the JavaScript tools other teams use (input written by
// `tests/consumers.rs`: {"dir", "forms": [{"id", "name", "schema", "openapi", "cases": [{"submission", "valid": true|false|null}]}]},
// where `schema` and `openapi` are file names in `dir`):
// - json-schema-to-typescript types every field (no `unknown`), and `tsc --strict` accepts the
//   types with valid submissions assigned to them as literals (excess properties refused);
// - @hyperjump/json-schema (2020-12, and the OpenAPI 3.1 dialect on the component) reaches the
//   reference validator's verdict on every case;
// - RJSF's ajv validator reaches the same verdicts, and RJSF resolves the conditional schema
//   of each valid case to one that still has every field;
// - swagger-parser validates each OpenAPI document.
// Prints one line per tool; exits 1 with the first disagreements when any check fails.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { compile } from "json-schema-to-typescript";
import * as Hyperjump from "@hyperjump/json-schema/draft-2020-12";
import * as HyperjumpOpenApi from "@hyperjump/json-schema/openapi-3-1";
import { customizeValidator } from "@rjsf/validator-ajv8";
import Ajv2020 from "ajv/dist/2020.js";
import { retrieveSchema } from "@rjsf/utils";
import SwaggerParser from "@apidevtools/swagger-parser";

const input = JSON.parse(readFileSync(process.argv[2], "utf8"));
const dir = input.dir;
const failures = [];
const fail = (message) => {
  failures.push(message);
};

// --- json-schema-to-typescript + tsc --strict -------------------------------------------------
const tsDir = join(dir, "ts");
mkdirSync(tsDir, { recursive: true });
const tsFiles = [];
let typedCases = 0;
for (const form of input.forms) {
  const schema = JSON.parse(readFileSync(join(dir, form.schema), "utf8"));
  // The root type is named after the form (the schema's title is the form's German title).
  schema.title = form.name;
  // `maxItems: -1`: bounded arrays stay arrays. By default the generator writes every length from
  // minItems to maxItems as a tuple of its own; for ten files of several accepted kinds that union
  // made `tsc` run out of memory (docs/CONSUMERS.md).
  const types = await compile(schema, form.name, { bannerComment: "", additionalProperties: false, format: false, maxItems: -1 });
  const untyped = types.split("\n").filter((line) => /\bunknown\b|\bany\b/.test(line));
  if (untyped.length > 0) fail(`json-schema-to-typescript: ${form.id} has untyped members:\n  ${untyped.slice(0, 5).join("\n  ")}`);
  if (!new RegExp(`^export (interface|type) ${form.name}\\b`, "m").test(types)) fail(`json-schema-to-typescript: ${form.id} has no type ${form.name}`);
  const valid = form.cases.filter((c) => c.valid).slice(0, 25);
  typedCases += valid.length;
  const literals = valid.map((c, i) => `export const case${i}: ${form.name} = ${JSON.stringify(c.submission)};`).join("\n");
  const file = join(tsDir, `${form.id}.ts`);
  writeFileSync(file, `${types}\n${literals}\n`);
  tsFiles.push(file);
}
try {
  execFileSync(join(import.meta.dirname, "node_modules/.bin/tsc"), ["--strict", "--noEmit", "--target", "es2022", "--module", "es2022", ...tsFiles], { stdio: "pipe" });
} catch (error) {
  fail(`tsc --strict: ${error.stdout}`.slice(0, 4000));
}
console.log(`json-schema-to-typescript + tsc --strict: ${input.forms.length} forms, ${typedCases} valid submissions typed`);

// --- @hyperjump/json-schema -------------------------------------------------------------------
let hyperjumpCases = 0;
for (const form of input.forms) {
  const schema = JSON.parse(readFileSync(join(dir, form.schema), "utf8"));
  Hyperjump.registerSchema(schema);
  const plain = await Hyperjump.validate(schema.$id);
  const component = await HyperjumpOpenApi.validate(`file://${join(dir, form.openapi)}#/components/schemas/${form.name}`);
  for (const [index, c] of form.cases.entries()) {
    if (c.valid === null) continue; // no verdict to compare (see tests/consumers.rs)
    hyperjumpCases += 1;
    for (const [what, validate] of [["2020-12", plain], ["OpenAPI 3.1 component", component]]) {
      const { valid } = validate(c.submission);
      if (valid !== c.valid) fail(`@hyperjump/json-schema (${what}): ${form.id} #${index} ${valid ? "valid" : "invalid"}, reference ${c.valid ? "valid" : "invalid"}: ${JSON.stringify(c.submission)}`);
    }
  }
}
console.log(`@hyperjump/json-schema: ${hyperjumpCases} submissions, each against the schema and its OpenAPI component`);

// --- RJSF ------------------------------------------------------------------------------------
// RJSF with its ajv for the schemas' dialect (2020-12), as its documentation shows.
const validator = customizeValidator({ AjvClass: Ajv2020 });
let rjsfCases = 0;
for (const form of input.forms) {
  const schema = JSON.parse(readFileSync(join(dir, form.schema), "utf8"));
  const fields = Object.keys(schema.properties);
  for (const [index, c] of form.cases.entries()) {
    if (c.valid === null) continue;
    rjsfCases += 1;
    const { errors } = validator.validateFormData(c.submission, schema);
    const valid = errors.length === 0;
    if (valid !== c.valid) fail(`RJSF validator-ajv8: ${form.id} #${index} ${valid ? "valid" : "invalid"}, reference ${c.valid ? "valid" : "invalid"}: ${JSON.stringify(errors.slice(0, 3))}`);
    if (c.valid) {
      const resolved = retrieveSchema(validator, schema, schema, c.submission);
      const missing = fields.filter((name) => !(name in (resolved.properties ?? {})));
      if (missing.length > 0) fail(`RJSF retrieveSchema: ${form.id} #${index} loses ${missing.join(", ")}`);
    }
  }
}
console.log(`RJSF validator-ajv8: ${rjsfCases} submissions`);

// --- swagger-parser --------------------------------------------------------------------------
for (const form of input.forms) {
  try {
    await SwaggerParser.validate(join(dir, form.openapi));
  } catch (error) {
    fail(`swagger-parser: ${form.openapi}: ${error.message}`.slice(0, 2000));
  }
}
console.log(`swagger-parser: ${input.forms.length} OpenAPI documents`);

if (failures.length > 0) {
  console.error(`${failures.length} failures; the first ones:\n${failures.slice(0, 12).join("\n")}`);
  process.exit(1);
}
