/**
 * The third-party integration inventory (HIPAA 164.308(b)(1) business associate contracts, 164.314(a)):
 * every system outside this deployment that the CRM exchanges data with, what it receives, and whether
 * a Business Associate Agreement covers it. An integration that receives PHI without a BAA is refused.
 */
import { z } from 'zod';
import { itemsOf, reportIssues, RUN_ON_ANY_ARRAY, RUN_ON_ANY_OBJECT, stringAt, valueAt, type ConfigIssue } from './cross-field';

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
  }, 'is not a real calendar date');

/**
 * The BAA rule of one integration: one that receives PHI needs a BAA in place, and a BAA in place names
 * where it is filed. Takes the raw input: it runs even when other fields failed (see cross-field.ts).
 */
export function integrationBaaIssues(integration: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const name = stringAt(integration, 'name');
  const inPlace = valueAt(integration, 'baa', 'inPlace');
  if (valueAt(integration, 'receivesPhi') === true && inPlace !== true) {
    issues.push({
      path: ['baa', 'inPlace'],
      message:
        `${name === undefined ? 'this integration' : `"${name}"`} receives PHI but has no Business Associate Agreement in place. ` +
        'HIPAA (45 CFR 164.308(b)(1), 164.314(a)) requires a BAA before PHI is shared with a business associate: execute one ' +
        'and record it, or stop sending it PHI (receivesPhi: false).',
    });
  }
  if (inPlace === true && !stringAt(integration, 'baa', 'reference')) {
    issues.push({
      path: ['baa', 'reference'],
      message: 'is required when the BAA is in place: say where the executed agreement is filed',
    });
  }
  return issues;
}

export const integrationSchema = z
  .object({
    name: z.string().min(1).max(80).describe('The third party or system, e.g. "Acme Clearinghouse".'),
    purpose: z.string().min(1).max(300).describe('Why data is exchanged with it.'),
    fieldsShared: z
      .array(z.string().min(1).max(80))
      .min(1, 'must list at least one field: an integration that receives nothing is not an integration')
      .describe('The data fields it receives or sends, e.g. ["patient name", "date of birth", "claim codes"].'),
    receivesPhi: z.boolean().describe('True when any shared field is protected health information.'),
    baa: z
      .object({
        inPlace: z.boolean().describe('True when a Business Associate Agreement with this party is executed.'),
        reference: z.string().min(1).max(120).optional().describe('Where the executed BAA is filed.'),
        executedOn: isoDate.optional().describe('Date the BAA was executed (YYYY-MM-DD).'),
      })
      .strict()
      .describe('The Business Associate Agreement with this party.'),
    riskRating: z.enum(['low', 'medium', 'high']).describe('Result of the last risk assessment of this integration.'),
    lastReviewed: isoDate.describe('Date of the last review of this integration (YYYY-MM-DD).'),
  })
  .strict()
  .superRefine((integration: unknown, ctx) => reportIssues(ctx, integrationBaaIssues(integration)), RUN_ON_ANY_OBJECT);

export const integrationsSchema = z
  .array(integrationSchema)
  .default([])
  .superRefine((list: unknown, ctx) => {
    const seen = new Set<string>();
    itemsOf(list).forEach((integration, index) => {
      const name = stringAt(integration, 'name');
      const key = name?.toLowerCase();
      if (key && seen.has(key)) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `"${name}" is listed twice` });
      if (key) seen.add(key);
    });
  }, RUN_ON_ANY_ARRAY)
  .describe('Third-party integration inventory: every system the CRM exchanges data with, with its BAA status and risk rating.');

export type IntegrationConfig = z.output<typeof integrationSchema>;
