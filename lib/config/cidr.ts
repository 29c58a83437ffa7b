import { z } from 'zod';

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Whether `value` is written like an IPv4 CIDR block such as 10.40.0.0/16 (host bits not checked). */
export function isValidCidr(value: string): boolean {
  const m = CIDR.exec(value);
  if (!m) return false;
  const octets = m.slice(1, 5).map(Number);
  return octets.every((o) => o <= 255) && Number(m[5]) <= 32;
}

/** The network address of a well-formed CIDR block: its address with the host bits cleared. */
export function cidrNetworkAddress(value: string): string {
  const [address, prefix] = value.split('/');
  const bits = Number(prefix);
  const ip = address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
  const size = 2 ** (32 - bits);
  const network = Math.floor(ip / size) * size;
  return [24, 16, 8, 0].map((shift) => Math.floor(network / 2 ** shift) % 256).join('.');
}

/**
 * Why `value` cannot be used as a CIDR block, or undefined when it can. A block with host bits set
 * (10.40.1.0/16) is refused: AWS silently uses the network it lies in (EC2 CreateVpc "modif[ies] the
 * specified CIDR block to its canonical form",
 * https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/ec2/aws.sdk.kotlin.services.ec2.model/-create-vpc-request/cidr-block.html),
 * so the range deployed, or allowed through the WAF, would not be the one written in the config.
 */
export function cidrProblem(value: string, example: string): string | undefined {
  if (!isValidCidr(value)) return `must be an IPv4 CIDR such as "${example}"`;
  const network = cidrNetworkAddress(value);
  const [address, prefix] = value.split('/');
  if (address.split('.').map(Number).join('.') === network) return undefined;
  return (
    `has host bits set: the network address of "${value}" is ${network}, so the block is "${network}/${prefix}"; ` +
    `write that (or a longer prefix than /${prefix} if you meant a block that starts at ${address})`
  );
}

/** A config field holding an IPv4 CIDR block, refused when malformed or when host bits are set. */
export function cidrField(example: string) {
  return z.string().superRefine((value, ctx) => {
    const problem = cidrProblem(value, example);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}
