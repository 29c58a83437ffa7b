/**
 * The two-person rule, seen from the command line. When the deployment has it (the request function
 * exists), `--execute` only requests the erasure through the request function's AWS_IAM function URL;
 * a second person in the approver role approves it with `--approve <request> --confirm <digest>`
 * through the approve function's URL. Both calls are signed with the caller's own credentials
 * (SigV4, service `lambda`), which is how the functions learn who calls: the checks are theirs
 * (lambda/erasure-approval), the command only reports what they answered.
 * https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { GetFunctionUrlConfigCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, Checksum, SourceData } from '@smithy/types';
import { errorName } from '../../lambda/shared/errors';
import { deploymentNames } from '../../lib/vocabulary';

/** What a function URL answered. */
export interface UrlAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** Calls a function URL with a JSON body, signed (injected: tests answer without AWS). */
export type CallFunctionUrl = (region: string, url: string, body: Record<string, unknown>) => Promise<UrlAnswer>;

/** The function URLs of the two-person rule, or undefined when the deployment does not have it. */
export async function twoPersonRuleUrls(
  lambda: LambdaClient,
  deployment: string,
): Promise<{ readonly request: string; readonly approve: string } | undefined> {
  const names = deploymentNames(deployment);
  const urlOf = async (functionName: string) => {
    try {
      return (await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: functionName })))?.FunctionUrl;
    } catch (e) {
      if (errorName(e) === 'ResourceNotFoundException') return undefined;
      throw e;
    }
  };
  const request = await urlOf(names.cryptoErasureRequestFunction);
  if (!request) return undefined;
  const approve = await urlOf(names.cryptoErasureApproveFunction);
  if (!approve)
    throw new Error(`${names.cryptoErasureRequestFunction} has a URL but ${names.cryptoErasureApproveFunction} has none`);
  return { request, approve };
}

/** SHA-256 (and HMAC-SHA-256 with a secret) from node:crypto, in the shape SignatureV4 expects. */
class NodeSha256 implements Checksum {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.create();
  }
  private create(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(this.secret));
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.create();
  }
}

function toBuffer(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** A CallFunctionUrl that signs with `credentials` and sends with fetch. */
export function signedFunctionUrlCall(
  credentials: () => Promise<AwsCredentialIdentity>,
  fetchImpl: typeof fetch = fetch,
): CallFunctionUrl {
  return async (region, url, body) => {
    const target = new URL(url);
    const text = JSON.stringify(body);
    const signer = new SignatureV4({ service: 'lambda', region, credentials, sha256: NodeSha256 });
    const signed = await signer.sign({
      method: 'POST',
      protocol: target.protocol,
      hostname: target.hostname,
      path: target.pathname || '/',
      query: {},
      headers: { host: target.hostname, 'content-type': 'application/json' },
      body: text,
    });
    const answer = await fetchImpl(url, { method: 'POST', headers: signed.headers, body: text });
    const raw = await answer.text();
    let parsed: unknown = raw;
    try {
      parsed = JSON.parse(raw);
    } catch {
      // Not JSON (a Lambda or IAM error page): reported as text.
    }
    return { status: answer.status, body: parsed };
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The refusals a function answered (403), or the answer as text. */
export function reasonsOf(answer: UrlAnswer): string[] {
  if (isObject(answer.body) && Array.isArray(answer.body.refused)) return answer.body.refused.map(String);
  if (isObject(answer.body) && typeof answer.body.error === 'string') return [answer.body.error];
  return [`HTTP ${answer.status}: ${typeof answer.body === 'string' ? answer.body.slice(0, 300) : JSON.stringify(answer.body)}`];
}

/** What the requester sees once the request is made: nothing is destroyed until someone else approves. */
export function formatRequested(answer: Record<string, unknown>, configPath: string, digest: string): string {
  return [
    `Erasure requested (two-person rule): request ${String(answer.requestId)}, digest ${digest}.`,
    `Nothing is destroyed yet. The run ${String(answer.executionArn)} waits for a second person in the approver role`,
    `until ${String(answer.expiresAt)}; unapproved by then, it expires and destroys nothing. The approver reviews the plan`,
    'and runs:',
    `  npm run teardown -- -c config=${configPath} --approve ${String(answer.requestId)} --confirm ${digest}`,
    'Once approved, run your --execute command again: it follows the run to its certificate and deletes the App stack.',
  ].join('\n');
}

export function formatApproved(answer: Record<string, unknown>): string {
  const who = (p: unknown) => (isObject(p) ? String(p.arn) : 'unknown');
  return [
    `Approved request ${String(answer.requestId)} (digest ${String(answer.digest)}):`,
    `  requested by ${who(answer.requester)} at ${String(answer.requestedAt)}`,
    `  approved by  ${who(answer.approver)} at ${String(answer.approvedAt)}`,
    `The erasure run ${String(answer.executionArn)} continues; the certificate of destruction records both of you.`,
  ].join('\n');
}
