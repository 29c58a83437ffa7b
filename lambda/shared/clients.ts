/**
 * The one way the functions build AWS SDK clients, so that every client retries alike.
 *
 * `adaptive` retries throttling and transient errors with exponential backoff and, after a throttle,
 * also slows the client's own request rate. The quotas these functions meet are shared with the rest
 * of the account (KMS and Cognito request rates per account and region; CloudTrail LookupEvents at 2
 * requests per second), so a burst is waited out rather than turned into a failed run. Up to 8 attempts:
 * every function is scheduled, event-driven or run by an operator, and can afford the seconds.
 */

/** Retry settings of every client, chosen here once. */
export const SDK_RETRY = { retryMode: 'adaptive', maxAttempts: 8 } as const;

/** An AWS SDK v3 client class, e.g. `KMSClient` (its configuration is optional). */
type SdkClientClass = new (...args: [] | [never]) => unknown;
type ConfigOf<C> = C extends new (...args: [] | [infer Config]) => unknown ? Config : never;

/**
 * What a caller may set: the region (for a function that works in more than one), transport settings
 * such as socket timeouts, and in tests a request handler and credentials. Never the retry settings.
 */
export type ClientOptions<C extends SdkClientClass> = Omit<NonNullable<ConfigOf<C>>, keyof typeof SDK_RETRY>;

/**
 * `new ClientClass(...)` with `SDK_RETRY`. Without `options.region` the client works in the function's
 * own region (the SDK reads `AWS_REGION`, which Lambda sets).
 */
export function createClient<C extends SdkClientClass>(ClientClass: C, options?: ClientOptions<C>): InstanceType<C> {
  return new ClientClass({ ...options, ...SDK_RETRY } as never) as InstanceType<C>;
}
