/**
 * Config of the App stack: the public domain and certificate, the WAF, and the CRM container.
 * Blocking mode, TLS and the isolated subnets are not choices.
 */
import { z } from 'zod';
import { cidrField } from './cidr';
import { numberAt, RUN_ON_ANY_OBJECT, stringAt, valueAt } from './cross-field';

export const domainSchema = z
  .object({
    name: z
      .string()
      .regex(
        /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$/,
        'must be a lowercase DNS name such as "crm.example-clinic.com"',
      )
      .describe('Public DNS name of the CRM (the load balancer). Passkeys use the Cognito sign-in domain as relying party.'),
    certificateArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]+$/, 'must be an ACM certificate ARN')
      .optional()
      .describe('Existing ACM certificate for the name, in the primary region.'),
    hostedZone: z
      .object({
        id: z.string().regex(/^Z[A-Z0-9]{1,31}$/, 'must be a Route 53 hosted zone ID such as "Z0123456789ABCDEFGHIJ"'),
        name: z.string().min(3),
      })
      .strict()
      .optional()
      .describe('Route 53 hosted zone for a DNS-validated certificate and the alias record, when no certificateArn is given.'),
  })
  .strict()
  // Cross-field rules take the raw input: they run even when other fields failed (see cross-field.ts).
  .refine((d: unknown) => (valueAt(d, 'certificateArn') === undefined) !== (valueAt(d, 'hostedZone') === undefined), {
    message: 'give exactly one of certificateArn (an existing certificate) or hostedZone (a new DNS-validated certificate)',
    ...RUN_ON_ANY_OBJECT,
  })
  .refine(
    (d: unknown) => {
      const name = stringAt(d, 'name');
      const zone = stringAt(d, 'hostedZone', 'name');
      return name === undefined || zone === undefined || name === zone || name.endsWith(`.${zone}`);
    },
    { message: 'the domain name must be in the hosted zone', path: ['hostedZone', 'name'], ...RUN_ON_ANY_OBJECT },
  )
  .describe('Public domain of the CRM and its TLS certificate.');

export const wafSchema = z
  .object({
    mode: z
      .literal('BLOCK', {
        error: 'must be "BLOCK": a web ACL in count mode only watches attacks; every rule group blocks in this deployment',
      })
      .default('BLOCK')
      .describe('Always "BLOCK".'),
    rateLimitPer5Minutes: z
      .number()
      .int()
      .min(100, 'must be at least 100 requests per 5 minutes (WAF minimum)')
      .max(2_000_000_000)
      .default(1000)
      .describe('Requests one IP address may make in 5 minutes before it is blocked.'),
    blockAnonymousIps: z
      .boolean()
      .default(true)
      .describe(
        'Block VPNs, proxies, Tor and hosting providers (AWS anonymous-IP list). Turn off only if staff must use a VPN service.',
      ),
    allowedCidrs: z
      .array(cidrField('203.0.113.0/24'))
      .default([])
      .describe(
        'Office IP ranges, each written with its network address (203.0.113.0/24, not 203.0.113.7/24). When set, every other address is blocked. Empty: open to the internet (behind MFA).',
      ),
    largeBodyPaths: z
      .array(
        z
          .string()
          .max(200, 'must be at most 200 characters (WAF search string limit)')
          .regex(
            /^\/[^\s*]+$/,
            'must be a URI path prefix such as "/api/documents": starting with "/", not "/" alone, without spaces or "*"',
          ),
      )
      .max(10)
      .default([])
      .describe(
        'Path prefixes where request bodies over 8 KB are allowed (document uploads). Everything else stays blocked by the size rule.',
      ),
  })
  .strict()
  .prefault({})
  .describe('The web ACL in front of the load balancer and the sign-in pages.');

export const workloadSchema = z
  .object({
    image: z
      .object({
        repositoryName: z.string().regex(/^[a-z0-9][a-z0-9._/-]{1,255}$/, 'must be an ECR repository name'),
        tag: z
          .string()
          .regex(/^(sha256:[a-f0-9]{64}|[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$/, 'must be an image tag or a sha256 digest'),
      })
      .strict()
      .optional()
      .describe(
        'The CRM image in an ECR repository of this account and region. @default - a placeholder page built from containers/placeholder',
      ),
    containerPort: z
      .number()
      .int()
      .min(1024, 'must be 1024 or above: the container runs as a non-root user')
      .max(65535)
      .default(8080),
    healthCheckPath: z
      .string()
      .regex(/^\/\S*$/, 'must be a path starting with "/"')
      .default('/health'),
    cpu: z
      .union([z.literal(256), z.literal(512), z.literal(1024), z.literal(2048), z.literal(4096)], {
        error: 'must be one of 256, 512, 1024, 2048, 4096 (Fargate CPU units)',
      })
      .default(512),
    memoryMiB: z.number().int().min(512).max(30720).default(1024),
    minTasks: z.number().int().min(2, 'must be at least 2: one task per availability zone survives a zone failure').default(2),
    maxTasks: z.number().int().min(2).max(50).default(4),
  })
  .strict()
  .prefault({})
  .refine(
    (w: unknown) => {
      const min = numberAt(w, 'minTasks');
      const max = numberAt(w, 'maxTasks');
      return min === undefined || max === undefined || max >= min;
    },
    { message: 'maxTasks must be at least minTasks', path: ['maxTasks'], ...RUN_ON_ANY_OBJECT },
  )
  .describe('The CRM container on ECS Fargate in the isolated workload subnets.');
