import * as fs from 'node:fs';
import * as path from 'node:path';
import { configJsonSchema, renderConfigJsonSchema } from '../../lib/config/json-schema';
import { renderConfigReference } from '../../lib/config/reference-doc';
import { REPO_ROOT } from '../helpers/config';

test('config/schema.json is in sync with the zod schema (run `npm run config:schema` after changing it)', () => {
  expect(fs.readFileSync(path.join(REPO_ROOT, 'config', 'schema.json'), 'utf8')).toBe(renderConfigJsonSchema());
});

test('the JSON Schema refuses unknown fields and log retention under six years, like the zod schema', () => {
  const schema = configJsonSchema() as {
    additionalProperties: boolean;
    properties: Record<string, { description?: string; properties: Record<string, { enum: number[] }> }>;
  };
  expect(schema.additionalProperties).toBe(false);
  expect(Math.min(...schema.properties.logs.properties.retentionDays.enum)).toBe(2192);
  expect(schema.properties.holdsPhi.description).toMatch(/BAA/);
});

test('docs/configuration.md documents every field and is in sync (run `npm run config:schema`)', () => {
  const doc = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'configuration.md'), 'utf8');
  expect(doc).toBe(renderConfigReference());
  for (const field of [
    'name',
    'regions.dr',
    'baa.executedOn',
    'keys.pendingWindowDays',
    'logs.retentionDays',
    'phiBucket.objectLockMode',
  ]) {
    expect(doc).toContain(`| \`${field}\` |`);
  }
});
