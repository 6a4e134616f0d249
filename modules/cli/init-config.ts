/**
 * The config `ica-s3 init` writes, built from its answers, and the check of one answer. An answer
 * is checked by validating the config of the answers so far with it, with the core's own
 * validateConfig, and keeping the problems at the answer's JSON path: so init uses every rule of
 * the catalogue in validate's words, and cannot accept an answer validate would reject.
 */
import { findIcaRegion } from '../core/regions';
import { normalisePrefix } from '../core/rules';
import { ConfigProblem, validateConfig } from '../core/validate';

export interface BucketAnswers {
  readonly name: string;
  readonly prefixes: readonly string[];
  readonly versioning?: string;
  readonly encryption?: string;
  readonly kmsKeyArn?: string;
}

/** What init has been told so far; a question not answered yet is undefined. */
export interface InitAnswers {
  readonly name?: string;
  readonly region?: string;
  readonly method?: string;
  readonly sessionNamePrefix?: string;
  readonly oidcProviderId?: string;
  readonly namespace?: string;
  readonly icaCredentialName?: string;
  readonly buckets: readonly BucketAnswers[];
  readonly restrictToIca?: boolean;
  readonly crossAccountCopy?: boolean;
}

/** The object without its undefined entries: the config's strict objects refuse keys they do not know, even unset. */
function defined(entries: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined));
}

/**
 * The config of the answers, in the order the README writes a config. The region is written by
 * its code whichever spelling was given; prefixes in the form ICA stores (trailing "/"), so what
 * is checked is what is written; icaCredentialName only when it differs from the name it
 * defaults to.
 */
export function configOf(answers: InitAnswers): Record<string, unknown> {
  const region = answers.region === undefined ? undefined : findIcaRegion(answers.region)?.code ?? answers.region;
  const credential = answers.method === undefined ? undefined : defined({
    method: answers.method,
    ...(answers.method === 'role'
      ? { sessionNamePrefix: answers.sessionNamePrefix, oidcProviderId: answers.oidcProviderId, namespace: answers.namespace }
      : {}),
    icaCredentialName: answers.icaCredentialName === answers.name ? undefined : answers.icaCredentialName,
  });
  const bucketPolicy = defined({ restrictToIca: answers.restrictToIca, crossAccountCopy: answers.crossAccountCopy });
  return defined({
    name: answers.name,
    icaRegion: region,
    credential,
    buckets: answers.buckets.length === 0 ? undefined : answers.buckets.map((bucket) => defined({
      name: bucket.name,
      prefixes: bucket.prefixes.map(normalisePrefix),
      versioning: bucket.versioning,
      encryption: bucket.encryption === undefined ? undefined : defined({ type: bucket.encryption, kmsKeyArn: bucket.kmsKeyArn }),
    })),
    bucketPolicy: Object.keys(bucketPolicy).length === 0 ? undefined : bucketPolicy,
  });
}

/** `path` is `ancestor` or lies inside it (`buckets[0].name` inside `buckets`). */
function within(path: string, ancestor: string): boolean {
  return path === ancestor || path.startsWith(`${ancestor}.`) || path.startsWith(`${ancestor}[`);
}

/**
 * The problems of the answer at `path` in `answers`: those validate reports at that path or inside
 * it. Once every bucket has a prefix the config is whole, and validate measures the quotas, which
 * it reports on the list they measure (`buckets`): those count too, as the answer just given is
 * what brought the list over.
 */
export function answerProblems(answers: InitAnswers, path: string): ConfigProblem[] {
  const result = validateConfig(configOf(answers));
  if (result.ok) return [];
  const whole = answers.buckets.length > 0 && answers.buckets.every((bucket) => bucket.prefixes.length > 0);
  return result.problems.filter((problem) => within(problem.path, path) || (whole && within(path, problem.path)));
}
