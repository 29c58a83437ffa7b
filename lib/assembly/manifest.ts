/**
 * The JSON files of a cloud assembly that describe it (schema: @aws-cdk/cloud-assembly-schema):
 * `manifest.json`, the stacks' separate metadata files and their asset manifests. read.ts turns them
 * into the model; the integ snapshot harness also rewrites them (it strips machine-specific traces).
 */

export const MANIFEST_FILE = 'manifest.json';

export const STACK_ARTIFACT = 'aws:cloudformation:stack';
export const ASSET_MANIFEST_ARTIFACT = 'cdk:asset-manifest';

/** `aws:cdk:logicalId`: the logical ID a construct path synthesized to. */
export const LOGICAL_ID_METADATA = 'aws:cdk:logicalId';

export interface MetadataEntryJson {
  readonly type: string;
  readonly data?: unknown;
  /** The construct's creation stack trace (machine-specific paths), when CDK records it. */
  readonly trace?: readonly string[];
}

/** Construct path (with its leading slash) -> metadata entries. */
export type MetadataJson = Record<string, MetadataEntryJson[]>;

export interface ArtifactJson {
  readonly type: string;
  /** `aws://<account>/<region>`, `unknown-account` and `unknown-region` for environment-agnostic stacks. */
  readonly environment?: string;
  readonly properties?: { readonly templateFile?: string; readonly stackName?: string; readonly file?: string };
  readonly dependencies?: readonly string[];
  readonly metadata?: MetadataJson;
  /** Since schema 55 CDK writes a stack's metadata into this file instead of `metadata`. */
  readonly additionalMetadataFile?: string;
}

export interface ManifestJson {
  readonly version: string;
  readonly artifacts?: Record<string, ArtifactJson>;
}

export interface AssetManifestJson {
  readonly files?: Record<string, { readonly source: { readonly path?: string } }>;
  readonly dockerImages?: Record<string, { readonly source: { readonly directory?: string } }>;
}
