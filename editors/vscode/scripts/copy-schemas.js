#!/usr/bin/env node
// Copies the JSON schemas from the repository's top-level `schemas/` folder
// into `editors/vscode/schemas/` so that `vsce package` ships them and the
// `tomlValidation` contribution (read by Even Better TOML / tombi) can point
// at `./schemas/<name>.schema.json`.
//
// Missing schemas are tolerated: a warning is printed and a permissive
// placeholder schema is written instead, so the `tomlValidation` URLs in
// package.json never dangle.
"use strict";

const fs = require("fs");
const path = require("path");

const EXPECTED = [
  "jetstream-experiment.schema.json",
  "jetstream-outcome.schema.json",
  "jetstream-defaults.schema.json",
  "jetstream-definitions.schema.json",
  "definitions.schema.json",
  "functions.schema.json",
  "opmon.schema.json",
  "opmon-definitions.schema.json",
  "looker-definitions.schema.json",
  "featmon.schema.json",
];

const here = path.resolve(__dirname, "..");
const src = path.resolve(process.env.JETLS_SCHEMAS_DIR || path.join(here, "..", "..", "schemas"));
const dest = path.join(here, "schemas");

fs.mkdirSync(dest, { recursive: true });

let copied = 0;
const missing = [];
for (const name of EXPECTED) {
  const from = path.join(src, name);
  const to = path.join(dest, name);
  if (fs.existsSync(from)) {
    fs.copyFileSync(from, to);
    copied += 1;
  } else {
    missing.push(name);
    const placeholder = {
      $schema: "http://json-schema.org/draft-07/schema#",
      $comment: `Placeholder: ${name} was not found in ${src} when the extension was packaged.`,
      type: "object",
      additionalProperties: true,
    };
    fs.writeFileSync(to, JSON.stringify(placeholder, null, 2) + "\n");
  }
}

// Copy any additional schema files too (e.g. shared $ref targets).
if (fs.existsSync(src)) {
  for (const name of fs.readdirSync(src)) {
    if (name.endsWith(".json") && !EXPECTED.includes(name)) {
      fs.copyFileSync(path.join(src, name), path.join(dest, name));
      copied += 1;
    }
  }
}

console.log(`copy-schemas: copied ${copied} schema file(s) from ${src} to ${dest}`);
if (missing.length) {
  console.warn(`copy-schemas: WARNING: missing ${missing.join(", ")}; wrote permissive placeholders`);
}
