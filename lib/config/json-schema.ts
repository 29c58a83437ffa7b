import { z } from 'zod';
import { configSchema } from './schema';

/**
 * The JSON Schema of a config file, generated from the zod schema so the two cannot drift
 * (a test compares it with the committed `config/schema.json`). Describes the *input* shape:
 * fields with defaults are optional.
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://github.com/hipaa-crm-cdk/hipaa-crm-cdk/config/schema.json',
    title: 'HIPAA CRM hosting deployment configuration',
  };
}

/** The file content of `config/schema.json`. */
export function renderConfigJsonSchema(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
