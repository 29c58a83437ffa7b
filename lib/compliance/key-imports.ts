/**
 * The Control Tower rules recognise a customer-managed KMS key only as a literal ARN or as a key defined in
 * the same template. This deployment keeps its keys in their own stacks (Keys, Dr), so every encrypted log
 * group, queue, trail, database and workgroup names its key with `Fn::ImportValue`, which the rules read as
 * "no key". Rather than acknowledging each of those findings (an acknowledgement cannot tell a genuine
 * cross-stack key from a removed one), the rules read a copy of each template in which an import of a key
 * ARN that another template of the same app exports is replaced by that key's ARN: the value
 * CloudFormation itself substitutes at deployment. Nothing else changes, so a resource whose key property
 * was removed, or names an AWS managed key, still fails.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

type Json = unknown;
interface Template {
  readonly Resources?: Record<string, { readonly Type?: string }>;
  readonly Outputs?: Record<string, { readonly Value?: Json; readonly Export?: { readonly Name?: Json } }>;
}

/** The stand-in ARN of an exported key: the shape of a key ARN, naming the template and the key's logical ID. */
export function keyArnStandIn(templatePath: string, logicalId: string): string {
  return `arn:aws:kms:resolved:000000000000:key/${path.basename(templatePath, '.template.json')}.${logicalId}`;
}

/** Export name → key ARN stand-in, for every output of `templatePaths` that exports the ARN of a KMS key of its template. */
export function exportedKeyArns(templatePaths: readonly string[]): Map<string, string> {
  const exports = new Map<string, string>();
  for (const templatePath of templatePaths) {
    const template = JSON.parse(fs.readFileSync(templatePath, 'utf8')) as Template;
    for (const output of Object.values(template.Outputs ?? {})) {
      const name = output.Export?.Name;
      const getAtt = (output.Value as { 'Fn::GetAtt'?: Json } | undefined)?.['Fn::GetAtt'];
      if (typeof name !== 'string' || !Array.isArray(getAtt) || getAtt[1] !== 'Arn') continue;
      const logicalId = getAtt[0];
      if (typeof logicalId === 'string' && template.Resources?.[logicalId]?.Type === 'AWS::KMS::Key') {
        exports.set(name, keyArnStandIn(templatePath, logicalId));
      }
    }
  }
  return exports;
}

/** `value` with every `{ "Fn::ImportValue": <name of an exported key ARN> }` replaced; `replaced` counts them. */
function resolve(value: Json, keys: ReadonlyMap<string, string>, replaced: { count: number }): Json {
  if (Array.isArray(value)) return value.map((v) => resolve(v, keys, replaced));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  if (entries.length === 1 && entries[0][0] === 'Fn::ImportValue' && typeof entries[0][1] === 'string') {
    const arn = keys.get(entries[0][1]);
    if (arn !== undefined) {
      replaced.count++;
      return arn;
    }
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v, keys, replaced)]));
}

/**
 * For each of `templatePaths` that imports a key ARN exported by one of them, a copy in `dir` with those
 * imports resolved (same file name, so reports name the same stack). Returns original → copy; templates
 * without such imports are not copied.
 */
export function resolveKeyImports(templatePaths: readonly string[], dir: string): Map<string, string> {
  const keys = exportedKeyArns(templatePaths);
  const copies = new Map<string, string>();
  if (keys.size === 0) return copies;
  for (const templatePath of templatePaths) {
    const template = JSON.parse(fs.readFileSync(templatePath, 'utf8')) as Record<string, Json>;
    const replaced = { count: 0 };
    const resources = resolve(template.Resources, keys, replaced);
    if (replaced.count === 0) continue;
    const copy = path.join(dir, path.basename(templatePath));
    fs.writeFileSync(copy, JSON.stringify({ ...template, Resources: resources }));
    copies.set(templatePath, copy);
  }
  return copies;
}
