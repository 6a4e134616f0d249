/**
 * The shapes every command and renderer works with once a config is valid, and the problem report
 * of one that is not. Types and formatting only: the core's policies, checks and renderers import
 * these without importing the validation itself.
 */
import { BucketConfig, IcaConfig, ManageableSetting } from './config-schema';
import { IcaRegion } from './regions';
import { RuleId } from './rule-catalogue';

/** One thing wrong with the config: where, what, and how to fix it. */
export interface ConfigProblem {
  /** JSON path of the value, such as `buckets[0].prefixes[1]`; `(config)` for the whole file. */
  readonly path: string;
  /** The catalogue rule the value breaks; the generated module names the same id. */
  readonly rule: RuleId;
  readonly message: string;
  readonly fix: string;
}

/** The OIDC identity ICA's tokens carry in the configured region. */
export interface ResolvedOidc {
  readonly providerId: string;
  readonly namespace: string;
  /** Issuer without scheme, as IAM condition keys spell it: `oidc.eks.<region>.amazonaws.com/id/<id>`. */
  readonly issuer: string;
  /** Provider URL as IAM stores it: `https://<issuer>`. */
  readonly url: string;
}

/** A bucket with `manage` resolved: every setting for a new bucket, the listed ones for an adopted one. */
export interface ResolvedBucket extends Omit<BucketConfig, 'manage'> {
  readonly manage: readonly ManageableSetting[];
}

export interface ResolvedConfig extends Omit<IcaConfig, 'buckets'> {
  readonly region: IcaRegion;
  /** Set for the role method: the provider ids come from the region table or the overrides. */
  readonly oidc?: ResolvedOidc;
  readonly crossAccountRoleArn: string;
  /** Buckets with prefixes normalised to end in "/". */
  readonly buckets: ResolvedBucket[];
}

export type ValidationResult =
  | { readonly ok: true; readonly config: ResolvedConfig; readonly warnings: string[] }
  | { readonly ok: false; readonly problems: ConfigProblem[]; readonly warnings: string[] };

export class ConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(formatProblems(problems));
    this.name = 'ConfigError';
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(config)';
  return path.reduce<string>((text, key) => {
    if (typeof key === 'number') return `${text}[${key}]`;
    const name = String(key);
    const plain = /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
    if (text === '') return plain.startsWith('"') ? `[${plain}]` : plain;
    return plain.startsWith('"') ? `${text}[${plain}]` : `${text}.${plain}`;
  }, '');
}

export function formatProblems(problems: readonly ConfigProblem[]): string {
  return problems.map((problem) => `  ${problem.path}: ${problem.message}\n    fix: ${problem.fix}`).join('\n');
}
