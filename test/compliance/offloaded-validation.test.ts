import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack, Validations, type IPolicyValidationContext } from 'aws-cdk-lib';
import { OffloadedRound } from '../../lib/compliance/offloaded-validation';
import { failedPlugins, readValidationReport } from '../../lib/compliance/report';

// The real offloaded checks are compared with their in-process selves in plugins.test.ts.

const contextOf = (...templatePaths: string[]) =>
  ({
    templatePaths,
    stackTemplates: templatePaths.map((templatePath) => ({ templatePath })),
  }) as unknown as IPolicyValidationContext;

describe('a round of offloaded checks', () => {
  // Reports one finding naming its rule and the templates it was given, and how often it validated.
  const module = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'echo-plugin-')), 'echo.js');
  fs.writeFileSync(
    module,
    `exports.Echo = class {
      constructor(props) { this.props = props; this.calls = 0; }
      validate(context) {
        this.calls += 1;
        const description = context.templatePaths.join(',') + ' call ' + this.calls;
        return { success: false, violations: [{ ruleName: this.props.rule, description, violatingResources: [] }] };
      }
    };`,
  );
  const check = (rule: string) => ({ module, exportName: 'Echo', props: { rule } });
  const described = (reports: { violations: { ruleName: string; description: string }[] }[]) =>
    reports.flatMap((r) => r.violations.map((v) => `${v.ruleName}: ${v.description}`));

  test('each plugin collects the reports of its own checks, on the templates the round started with', () => {
    const [a, b, c] = [check('a'), check('b'), check('c')];
    const round = new OffloadedRound([a, b, c]);
    round.start(contextOf('One.template.json', 'Two.template.json'));
    const context = contextOf('One.template.json', 'Two.template.json');
    expect(described(round.collect(context, (x) => x !== c))).toEqual([
      'a: One.template.json,Two.template.json call 1',
      'b: One.template.json,Two.template.json call 1',
    ]);
    expect(described(round.collect(context, (x) => x === c))).toEqual(['c: One.template.json,Two.template.json call 1']);
  });

  test('a plugin given other templates than the round started with runs its checks on those', () => {
    const a = check('a');
    const round = new OffloadedRound([a]);
    round.start(contextOf('Old.template.json'));
    expect(described(round.collect(contextOf('New.template.json'), () => true))).toEqual(['a: New.template.json call 1']);
  });

  test('a check that keeps its worker validates the next app with the same plugin; others start afresh', () => {
    const kept = { ...check('kept'), reuseWorker: true };
    const fresh = check('fresh');
    for (const app of ['One', 'Two']) {
      const round = new OffloadedRound([kept, fresh]);
      round.start(contextOf(`${app}.template.json`));
      const call = app === 'One' ? 1 : 2;
      expect(described(round.collect(contextOf(`${app}.template.json`), () => true))).toEqual([
        `kept: ${app}.template.json call ${call}`,
        `fresh: ${app}.template.json call 1`,
      ]);
    }
  });

  test('a check prepared ahead (warmed up on a stub template) reports on the real templates', () => {
    const a = check('a');
    const round = new OffloadedRound([a]);
    round.prepare(a, ['AWS::S3::Bucket']);
    round.start(contextOf('Real.template.json'));
    // The warm-up was its first call.
    expect(described(round.collect(contextOf('Real.template.json'), () => true))).toEqual(['a: Real.template.json call 2']);
  });
});

describe('a check that fails on its worker thread', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'broken-plugin-'));
  const module = path.join(dir, 'broken.js');
  fs.writeFileSync(module, 'exports.Broken = class { validate() { throw new Error("rules could not be read"); } };');
  const context = { templatePaths: [], stackTemplates: [] } as unknown as IPolicyValidationContext;

  test('fails its plugin with the reason', () => {
    const round = new OffloadedRound([{ module, exportName: 'Broken', props: {} }]);
    round.start(context);
    expect(() => round.collect(context, () => true)).toThrow(/Broken failed: Error: rules could not be read/);
  });

  test('so synth fails, and the report names the plugin that did not run', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'broken-'));
    // Without CDK's own CloudFormation validation: the broken plugin is the only one.
    const app = new App({ outdir, builtinCloudFormationValidation: false });
    new Stack(app, 'S');
    const round = new OffloadedRound([{ module, exportName: 'Broken', props: {} }]);
    Validations.of(app).addPlugins({ name: 'broken', validate: (c) => round.collect(c, () => true)[0] });
    expect(() => app.synth()).toThrow(/Validation plugin 'broken' failed: Broken failed/);
    expect(failedPlugins(readValidationReport(outdir))).toEqual([
      { plugin: 'broken', error: expect.stringMatching(/rules could not be read/) },
    ]);
  });
});
