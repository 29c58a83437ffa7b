import { cidrNetworkAddress, cidrProblem, isValidCidr } from '../../lib/config/cidr';
import { configJsonSchema } from '../../lib/config/json-schema';
import { configProblems, rawConfig } from '../helpers/config';

type Raw = Record<string, unknown>;

describe('CIDR blocks', () => {
  test.each([
    ['10.40.1.0/16', '10.40.0.0'],
    ['10.40.0.0/16', '10.40.0.0'],
    ['203.0.113.7/24', '203.0.113.0'],
    ['198.51.100.17/28', '198.51.100.16'],
    ['10.44.3.0/22', '10.44.0.0'],
    ['255.255.255.255/32', '255.255.255.255'],
    ['255.255.255.255/1', '128.0.0.0'],
    ['192.168.1.1/0', '0.0.0.0'],
  ])('the network address of %s is %s', (cidr, network) => {
    expect(cidrNetworkAddress(cidr)).toBe(network);
  });

  test('a block written with its network address has no problem; one with host bits set names the address meant', () => {
    expect(cidrProblem('10.40.0.0/16', '10.40.0.0/16')).toBeUndefined();
    expect(cidrProblem('203.0.113.7/32', '203.0.113.0/24')).toBeUndefined();
    expect(cidrProblem('10.40.1.0/16', '10.40.0.0/16')).toBe(
      'has host bits set: the network address of "10.40.1.0/16" is 10.40.0.0, so the block is "10.40.0.0/16"; ' +
        'write that (or a longer prefix than /16 if you meant a block that starts at 10.40.1.0)',
    );
    expect(cidrProblem('10.40.0.0/33', '10.40.0.0/16')).toBe('must be an IPv4 CIDR such as "10.40.0.0/16"');
    expect(isValidCidr('10.40.1.0/16')).toBe(true); // well-formed; the host bits are cidrProblem's to refuse
  });
});

const demo = rawConfig('config/demo.json');
const production = rawConfig('config/production.example.json');

/** Every CIDR field of the config, how to set it in a valid config, and the message it must give. */
const CIDR_FIELDS: Record<string, [(cidr: string) => Raw, string]> = {
  'network.vpcCidr': [(cidr) => ({ ...demo, network: { ...(demo.network as Raw), vpcCidr: cidr } }), 'network.vpcCidr'],
  'waf.allowedCidrs': [
    (cidr) => ({ ...production, waf: { ...(production.waf as Raw), allowedCidrs: ['203.0.113.0/24', cidr] } }),
    'waf.allowedCidrs.1',
  ],
};

/** Paths of the JSON Schema's properties whose name says they hold CIDR blocks. */
function cidrFieldsOfSchema(node: { properties?: Record<string, unknown> }, prefix = ''): string[] {
  return Object.entries(node.properties ?? {}).flatMap(([key, child]) => {
    const at = prefix ? `${prefix}.${key}` : key;
    return [...(/cidr/i.test(key) ? [at] : []), ...cidrFieldsOfSchema(child as { properties?: Record<string, unknown> }, at)];
  });
}

describe('every CIDR field of the config refuses host bits', () => {
  test('the table below covers every CIDR field of the schema', () => {
    expect(cidrFieldsOfSchema(configJsonSchema() as { properties?: Record<string, unknown> }).sort()).toEqual(
      Object.keys(CIDR_FIELDS).sort(),
    );
  });

  test.each(Object.entries(CIDR_FIELDS))('%s: 10.40.1.0/16 is refused, naming 10.40.0.0/16', (_field, [withCidr, where]) => {
    expect(configProblems(withCidr('10.40.0.0/16'))).toEqual([]);
    expect(configProblems(withCidr('10.40.1.0/16'))).toEqual([
      `${where}: has host bits set: the network address of "10.40.1.0/16" is 10.40.0.0, so the block is "10.40.0.0/16"; ` +
        'write that (or a longer prefix than /16 if you meant a block that starts at 10.40.1.0)',
    ]);
  });

  test('an office range with host bits names its network too', () => {
    expect(configProblems(CIDR_FIELDS['waf.allowedCidrs'][0]('198.51.100.17/28'))).toEqual([
      expect.stringMatching(
        /^waf\.allowedCidrs\.1: has host bits set: .* is 198\.51\.100\.16, so the block is "198\.51\.100\.16\/28"/,
      ),
    ]);
  });
});
