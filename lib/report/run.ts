/**
 * `npm run report`: reads the config and the synthesized cloud assembly, builds the HIPAA report and
 * writes it as Markdown and standalone HTML. The thin entry point is scripts/report.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AssemblyError, readAssembly } from '../assembly/read';
import { UsageError } from '../cli/args';
import { ConfigError, loadConfig } from '../config/load';
import { parseArgs, USAGE } from './args';
import { renderHtml } from './html';
import { renderMarkdown } from './markdown';
import { assertAssemblyMatchesConfig, buildReportModel, type ReportModel } from './model';
import { projectGuardRules } from './project-rules';
import { controlTowerGuardRules, hipaaRuleApplicability, packRules } from './rule-packs';

export const MARKDOWN_FILE = 'hipaa-report.md';
const SYNTH_HINT = 'run `npm run synth` first (or pass the assembly directory with --assembly <dir>)';
export const HTML_FILE = 'hipaa-report.html';

export interface ReportDeps {
  readonly cwd: string;
  readonly now: Date;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

export interface ReportResult {
  readonly exitCode: number;
  readonly model?: ReportModel;
  readonly files?: { readonly markdown: string; readonly html: string };
}

/** Runs the report; never throws for a usage, config or assembly problem (exit code 2 with the reason). */
export function runReport(argv: readonly string[], deps: ReportDeps): ReportResult {
  let model: ReportModel;
  let outDir: string;
  try {
    const args = parseArgs(argv);
    if (args.help) {
      deps.out(USAGE);
      return { exitCode: 0 };
    }
    const config = loadConfig(args.configPath, deps.cwd);
    const assembly = readAssembly(path.resolve(deps.cwd, args.assemblyDir), {
      hint: SYNTH_HINT,
      requireValidationReport: true,
    });
    assertAssemblyMatchesConfig(assembly, config, args.configPath);
    model = buildReportModel({
      assembly: { ...assembly, dir: args.assemblyDir },
      config,
      configFile: args.configPath,
      packRules: packRules(),
      applicability: hipaaRuleApplicability(assembly),
      guardRules: controlTowerGuardRules(),
      projectRules: projectGuardRules(),
      now: deps.now,
    });
    outDir = path.resolve(deps.cwd, args.outDir);
  } catch (e) {
    if (e instanceof UsageError) {
      deps.err(`${e.message}\n\n${USAGE}`);
      return { exitCode: 2 };
    }
    if (e instanceof ConfigError || e instanceof AssemblyError) {
      deps.err(e.message);
      return { exitCode: 2 };
    }
    throw e;
  }

  fs.mkdirSync(outDir, { recursive: true });
  const files = { markdown: path.join(outDir, MARKDOWN_FILE), html: path.join(outDir, HTML_FILE) };
  fs.writeFileSync(files.markdown, renderMarkdown(model));
  fs.writeFileSync(files.html, renderHtml(model));

  const s = model.summary;
  deps.out(
    `HIPAA report of ${model.deployment}: ${s.specs} specifications (${s.byResponsibility.infrastructure} infrastructure, ` +
      `${s.byResponsibility.shared} shared, ${s.byResponsibility.customer} customer, ${s.byResponsibility.aws} AWS), ` +
      `${s.specsWithResources} with implementing resources, ${s.specsWithChecks} with automated checks; ` +
      `${s.implementedHereCovered} of the ${s.implementedHere} implemented here with both; ${s.resources} resources in ${s.stacks.length} stacks; ` +
      `${s.acknowledged} acknowledged exceptions; ${s.openFindings} open findings.`,
  );
  deps.out(`Wrote ${files.markdown}\nWrote ${files.html}`);
  for (const note of model.notes) deps.err(`Note: ${note}`);
  if (s.openFindings > 0 || s.ineligibleTypes.length > 0) {
    deps.err(
      `The assembly is not compliant: ${s.openFindings} open finding(s)` +
        (s.ineligibleTypes.length
          ? ` and resource types outside the HIPAA eligible services (${s.ineligibleTypes.join(', ')})`
          : '') +
        '. See the report.',
    );
    return { exitCode: 1, model, files };
  }
  return { exitCode: 0, model, files };
}
