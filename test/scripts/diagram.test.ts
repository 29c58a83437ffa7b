/**
 * The architecture diagram, drawn from the shared assembly of the demo config (test/helpers/shipped-assembly.ts),
 * read through lib/assembly as `npm run diagram` reads its own synth.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assemblyStack, cloudAssembly, withoutResourceTypes } from '../../lib/assembly/model';
import { readAssembly } from '../../lib/assembly/read';
import { buildDiagram, type Diagram } from '../../scripts/diagram/build';
import { currentBlock, END_MARKER, replaceBlock, START_MARKER } from '../../scripts/diagram/document';
import {
  accountsDiagramDrift,
  ACCOUNTS_CONFIG,
  coverageProblems,
  diagramDrift,
  DOCUMENT,
  expectedBlock,
} from '../../scripts/diagram/generate';
import { renderMermaid } from '../../scripts/diagram/mermaid';
import type { DiagramSource } from '../../scripts/diagram/model';
import { REPO_ROOT } from '../../scripts/diagram/synth';
import { shippedAssembly } from '../helpers/shipped-assembly';

const nodeIds = (d: Diagram) => [...d.external, ...d.regions.flatMap((r) => r.stacks.flatMap((s) => s.nodes))].map((n) => n.id);
const edgeKeys = (d: Diagram) => d.edges.map((e) => `${e.from} -> ${e.to}`);
const stackOf = (d: Diagram, id: string) => d.regions.flatMap((r) => r.stacks).find((s) => s.nodes.some((n) => n.id === id));
const regionOf = (d: Diagram, id: string) => d.regions.find((r) => r.stacks.some((s) => s.nodes.some((n) => n.id === id)));

const demo = shippedAssembly('config/demo.json');
const source: DiagramSource = { assembly: readAssembly(demo.dir), regions: demo.config.regions };
const diagram: Diagram = buildDiagram(source);

/** The demo app without any resource of `types`. */
const without = (types: readonly string[]): DiagramSource => ({
  ...source,
  assembly: withoutResourceTypes(source.assembly, types),
});

describe('docs/architecture.md', () => {
  const document = () => fs.readFileSync(path.join(REPO_ROOT, DOCUMENT), 'utf8');

  test('holds the diagram of the synthesized demo app (run npm run diagram when this fails)', () => {
    expect(diagramDrift(document(), source)).toBeUndefined();
  });

  test('the check reports a stale diagram and says how to fix it', () => {
    const stale = document().replace(/(<!-- diagram:start -->[\s\S]*?)flowchart LR/, '$1flowchart TD');
    expect(stale).not.toEqual(document());
    expect(diagramDrift(stale, source)).toBe(
      'the diagram in docs/architecture.md is not the one of the synthesized app: run npm run diagram',
    );
  });

  test('holds the accounts diagram of the synthesized organization example (run npm run diagram when this fails)', () => {
    const organization = shippedAssembly(ACCOUNTS_CONFIG);
    const assembly = readAssembly(organization.dir);
    expect(accountsDiagramDrift(document(), assembly, organization.config)).toBeUndefined();
    const stale = document().replace(/(accounts-diagram:start[\s\S]*?)flowchart LR/, '$1flowchart TD');
    expect(accountsDiagramDrift(stale, assembly, organization.config)).toMatch(/accounts diagram .* run npm run diagram/);
  });

  test('every key, bucket, function and service of the app is drawn or deliberately left out as plumbing', () => {
    expect(coverageProblems(source)).toEqual([]);
  });
});

describe('the diagram of the demo app', () => {
  test('stays readable: at most 60 nodes', () => {
    expect(nodeIds(diagram).length).toBeLessThanOrEqual(60);
  });

  test('draws both regions, the DR stack in the DR region', () => {
    expect(diagram.regions.map((r) => `${r.role} ${r.region}`)).toEqual(['primary us-east-1', 'DR us-west-2']);
    expect(diagram.regions[1].stacks.map((s) => s.id)).toContain('Dr');
    expect(regionOf(diagram, 'phiReplica')?.role).toBe('DR');
    expect(regionOf(diagram, 'drVault')?.role).toBe('DR');
    expect(stackOf(diagram, 'rds')?.id).toBe('Data');
    expect(stackOf(diagram, 'cryptoErasure')?.id).toBe('Operations');
  });

  test('draws the main resources of every stack', () => {
    expect(nodeIds(diagram)).toEqual(
      expect.arrayContaining([
        'staff',
        'phiKey',
        'auditKey',
        'backupKey',
        'signingKey',
        'vpc',
        's3Endpoint',
        'interfaceEndpoints',
        'userPool',
        'waf',
        'alb',
        'ecs',
        'rds',
        'phiDocs',
        'backupPlan',
        'backupVault',
        'trail',
        'trailBucket',
        'trailLogs',
        'securityAlarms',
        'securityTopic',
        'evidence',
        'restoreTesting',
        'restoreValidator',
        'erasureStateMachine',
        'cryptoErasure',
        'phiDrKey',
        'backupDrKey',
        'phiReplica',
        'drVault',
      ]),
    );
  });

  test('labels are read from the templates: no NAT, the endpoint count, the database class', () => {
    const label = (id: string) =>
      diagram.regions.flatMap((r) => r.stacks.flatMap((s) => s.nodes)).find((n) => n.id === id)?.label ?? '';
    expect(label('vpc')).toContain('no NAT gateway');
    expect(label('interfaceEndpoints')).toMatch(/^\d+ interface endpoints<br\/>/);
    expect(label('interfaceEndpoints')).toContain('secretsmanager');
    expect(label('rds')).toContain('db.t4g.medium, Multi-AZ');
    expect(label('signingKey')).toContain('ECC_NIST_P256');
  });

  test('draws the data flows that matter', () => {
    expect(edgeKeys(diagram)).toEqual(
      expect.arrayContaining([
        'staff -> waf',
        'waf -> alb',
        'alb -> ecs',
        'ecs -> rds',
        'ecs -> s3Endpoint',
        's3Endpoint -> phiDocs',
        'phiDocs -> phiReplica',
        'backupPlan -> backupVault',
        'backupVault -> drVault',
        'trail -> trailBucket',
        'trail -> trailLogs',
        'securityAlarms -> securityTopic',
        'operationsAlarms -> securityTopic',
        'restoreTesting -> restoreValidator',
        'cryptoErasure -> phiKey',
        'cryptoErasure -> backupKey',
        'cryptoErasure -> phiDrKey',
        'cryptoErasure -> backupDrKey',
        'cryptoErasure -> signingKey',
      ]),
    );
    // Crypto-erasure never touches the audit keys.
    expect(edgeKeys(diagram)).not.toContain('cryptoErasure -> auditKey');
    expect(edgeKeys(diagram)).not.toContain('cryptoErasure -> auditDrKey');
    // The WAF is in the path, so the bypass edge is not drawn.
    expect(edgeKeys(diagram)).not.toContain('staff -> alb');
  });

  test('every edge joins two drawn nodes (or a drawn stack)', () => {
    const ids = new Set(nodeIds(diagram));
    const stacks = new Set(diagram.regions.flatMap((r) => r.stacks.map((s) => `stack:${s.id}`)));
    for (const e of diagram.edges) {
      expect(ids.has(e.from)).toBe(true);
      expect(ids.has(e.to) || stacks.has(e.to)).toBe(true);
    }
  });
});

describe('nodes come from the resources', () => {
  test('removing the state machine removes its node and its edges, and nothing else', () => {
    const trimmed = buildDiagram(without(['AWS::StepFunctions::StateMachine']));
    expect(nodeIds(trimmed)).not.toContain('erasureStateMachine');
    expect(edgeKeys(trimmed)).not.toContain('erasureStateMachine -> cryptoErasure');
    expect(nodeIds(trimmed)).toEqual(nodeIds(diagram).filter((id) => id !== 'erasureStateMachine'));
    expect(edgeKeys(trimmed)).toEqual(edgeKeys(diagram).filter((e) => !e.startsWith('erasureStateMachine ')));
  });

  test('removing the backup vaults removes both vaults and the cross-region copy', () => {
    const trimmed = buildDiagram(without(['AWS::Backup::BackupVault']));
    expect(nodeIds(trimmed)).not.toContain('backupVault');
    expect(nodeIds(trimmed)).not.toContain('drVault');
    expect(edgeKeys(trimmed).filter((e) => /backupVault|drVault/.test(e))).toEqual([]);
  });

  test('without the WAF, staff reach the load balancer directly', () => {
    const trimmed = buildDiagram(without(['AWS::WAFv2::WebACL']));
    expect(nodeIds(trimmed)).not.toContain('waf');
    expect(edgeKeys(trimmed)).toContain('staff -> alb');
  });

  test('a stack left without nodes is not drawn, and neither are edges to it', () => {
    const trimmed = buildDiagram(without(['AWS::KMS::Key']));
    expect(trimmed.regions.flatMap((r) => r.stacks.map((s) => s.id))).not.toContain('Keys');
    expect(edgeKeys(trimmed)).not.toContain('keyRotation -> stack:Keys');
  });

  test('a new resource that no node draws is reported', () => {
    const grown: DiagramSource = {
      ...source,
      assembly: cloudAssembly({
        stacks: source.assembly.stacks.map((s) =>
          s.id === 'Operations'
            ? assemblyStack({
                ...s,
                template: {
                  ...s.template,
                  Resources: {
                    ...s.template.Resources,
                    ExportHandler: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'crm-demo-export' } },
                    ExportTable: { Type: 'AWS::DynamoDB::Table' },
                  },
                },
              })
            : s,
        ),
      }),
    };
    const before = coverageProblems(source);
    expect(coverageProblems(grown).filter((p) => !before.includes(p))).toEqual([
      'Operations/ExportHandler (AWS::Lambda::Function): no node of scripts/diagram/catalogue.ts draws it (add one, or list it in PLUMBING)',
      'Operations/ExportTable (AWS::DynamoDB::Table): no node of scripts/diagram/catalogue.ts draws it (add one, or list it in PLUMBING)',
    ]);
  });
});

describe('renderMermaid', () => {
  const tiny: DiagramSource = {
    regions: { primary: 'us-east-1', dr: 'us-west-2' },
    assembly: cloudAssembly({
      stacks: [
        assemblyStack({
          id: 'Data',
          region: 'us-east-1',
          template: { Resources: { PhiDocumentsBucket: { Type: 'AWS::S3::Bucket' } } },
        }),
        assemblyStack({
          id: 'Dr',
          region: 'us-west-2',
          template: { Resources: { PhiReplicaBucket: { Type: 'AWS::S3::Bucket' } } },
        }),
      ],
    }),
  };

  test('nests stacks in their region and labels edges', () => {
    expect(renderMermaid(buildDiagram(tiny))).toBe(
      [
        'flowchart LR',
        '  subgraph region_us_east_1["primary region: us-east-1"]',
        '    subgraph stack_Data["Data stack"]',
        '      phiDocs[("PHI documents bucket<br/>Object Lock, phi key")]',
        '    end',
        '  end',
        '  subgraph region_us_west_2["DR region: us-west-2"]',
        '    subgraph stack_Dr["Dr stack"]',
        '      phiReplica[("PHI replica bucket<br/>phi-dr key")]',
        '    end',
        '  end',
        '  phiDocs -->|"replication"| phiReplica',
        '',
      ].join('\n'),
    );
  });

  test('escapes double quotes in labels', () => {
    const text = renderMermaid({
      external: [{ id: 'x', label: 'say "hi"', shape: 'box' }],
      regions: [],
      edges: [{ from: 'x', to: 'x', label: 'a "b"', dotted: true }],
    });
    expect(text).toContain('x["say #quot;hi#quot;"]');
    expect(text).toContain('x -.->|"a #quot;b#quot;"| x');
  });
});

describe('the generated block of the document', () => {
  const doc = `# Title\n\n## Diagram\n\n${START_MARKER}\nold\n${END_MARKER}\n\n## Next\n`;

  test('replaces only what is between the markers, and a second run changes nothing', () => {
    const block = expectedBlock(source);
    const once = replaceBlock(doc, block);
    expect(once.startsWith(`# Title\n\n## Diagram\n\n${START_MARKER}\n\n`)).toBe(true);
    expect(once.endsWith(`\n\n${END_MARKER}\n\n## Next\n`)).toBe(true);
    expect(currentBlock(once)).toBe(block.trim());
    expect(replaceBlock(once, block)).toBe(once);
    expect(diagramDrift(once, source)).toBeUndefined();
  });

  test('refuses a document without both markers', () => {
    expect(() => currentBlock('# no markers')).toThrow(`the document must hold ${START_MARKER} once, followed by ${END_MARKER}`);
    expect(() => replaceBlock(`${END_MARKER}\n${START_MARKER}`, 'x')).toThrow('followed by');
  });
});
