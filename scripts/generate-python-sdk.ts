/**
 * `npm run build:sdk:python`: writes the Python SDK's resource signatures
 * (sdk/python/writecarenotes/oncall/_generated.py) from the OpenAPI document the API publishes,
 * itself built from the zod schemas (scripts/lib/python-sdk.ts says what is generated and how).
 * The file is committed, so `pip install ./sdk/python` needs no Node; run this after changing a
 * schema, and test/sdk/python-generated.test.ts fails until you do.
 * `--check`: write nothing, exit 1 if the committed file differs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { publishedOpenApiDocument } from './lib/published-openapi';
import { GENERATED_PYTHON, generatePythonSdk } from './lib/python-sdk';

const file = join(resolve(import.meta.dirname, '..'), GENERATED_PYTHON);
const text = generatePythonSdk(await publishedOpenApiDocument());
if (process.argv.includes('--check')) {
  const current = readFileSync(file, 'utf8');
  if (current !== text) {
    console.error(`${GENERATED_PYTHON} is out of date: run npm run build:sdk:python`);
    process.exit(1);
  }
  console.log(`${GENERATED_PYTHON} is up to date`);
} else {
  writeFileSync(file, text);
  console.log(`wrote ${GENERATED_PYTHON}`);
}
