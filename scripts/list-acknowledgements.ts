/**
 * Lists every acknowledged compliance finding with its resource and reason, from a synthesized
 * cloud assembly: `npm run acks [-- <assembly dir>]` (default cdk.out).
 */
import { acknowledgedFindings, readValidationReport } from '../lib/compliance/report';

const dir = process.argv[2] ?? 'cdk.out';
const acked = acknowledgedFindings(readValidationReport(dir));
const byResource = new Map<string, typeof acked>();
for (const a of acked) byResource.set(a.constructPath, [...(byResource.get(a.constructPath) ?? []), a]);
for (const [resource, findings] of [...byResource.entries()].sort(([a], [b]) => a.localeCompare(b))) {
  console.log(resource);
  for (const f of findings) console.log(`  ${f.acknowledgedId}\n    ${f.reason}`);
}
console.log(`\n${acked.length} acknowledged finding(s) on ${byResource.size} resource(s) in ${dir}.`);
