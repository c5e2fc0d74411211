/**
 * The Python SDK's resource signatures (sdk/python/writecarenotes/oncall/_generated.py) are what
 * the generator writes from the OpenAPI document the API publishes today: a schema change that
 * was not carried into the Python SDK (`npm run build:sdk:python`) fails here, so the zod schemas
 * stay its one source.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { publishedOpenApiDocument } from '../../scripts/lib/published-openapi';
import { GENERATED_PYTHON, generatePythonSdk } from '../../scripts/lib/python-sdk';
import { ROOT } from '../support/api-server';

let generated: string;
beforeAll(async () => {
  generated = generatePythonSdk(await publishedOpenApiDocument());
});

describe('the Python SDK generated from the OpenAPI document', () => {
  it('is committed exactly as the generator writes it (run npm run build:sdk:python)', () => {
    const committed = readFileSync(join(ROOT, GENERATED_PYTHON), 'utf8');
    // equal strings, so a drift shows as a line diff
    expect(committed.split('\n'), `${GENERATED_PYTHON} is out of date: run npm run build:sdk:python and commit it`).toEqual(generated.split('\n'));
  });

  it('carries the schemas into typed keywords: enums, wire names, required fields', () => {
    const text = generated;
    expect(text).toContain('Region = Literal["england", "scotland", "wales", "northern_ireland"]');
    expect(text).toMatch(/class ComplianceRecordsApi\(OnCallResource\):[\s\S]*?"regulatory_body": "regulatoryBody"/);
    expect(text).toMatch(/class CallLogApi\(ReadableOrgResource\):[\s\S]*?"from_": "from"[\s\S]*?from_: When = NOT_GIVEN/);
    expect(text).toContain('Required by the API: ``call_id``, ``url``, ``duration``.');
  });
});
