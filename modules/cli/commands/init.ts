import { dirname, relative, resolve, sep } from 'node:path';
import { STANDARD_INPUT } from '../../core/config-file';
import { CHOICES } from '../../core/config-schema';
import { ICA_REGIONS, IcaRegion, findIcaRegion } from '../../core/regions';
import { ConfigProblem, ResolvedConfig, formatProblems, validateConfig } from '../../core/validate';
import { CONFIG_OPTIONS, GivenOption, UsageError } from '../args';
import { OptionValues, defineCommand } from '../command';
import { checkNewConfigFile, packageFile, writeNewConfigFile } from '../files';
import { InitAnswers, answerProblems, configOf } from '../init-config';
import { Output } from '../output';

const DEFAULT_NAME = 'ica-s3-connect';
/** The seeds' advice: a folder, never the bucket root. */
const DEFAULT_PREFIX = 'ica-data/';

/** The regions whose OIDC provider ICA does not publish: there the role method needs its id and namespace. */
const REGIONS_WITHOUT_OIDC = ICA_REGIONS.filter((region: IcaRegion) => !region.oidc).map((region) => region.code).join(', ');

/**
 * The file to write, and an option for every question: its help says what the answer sets and
 * its default (what --yes and Enter take). No answer has a parseArgs default: a value means the
 * option was given.
 */
const OPTIONS = {
  config: { ...CONFIG_OPTIONS.config, help: 'the file to write; it refers to the schema with "$schema"' },
  force: { type: 'boolean', default: false, help: 'replace FILE if it exists' },
  yes: { type: 'boolean', short: 'y', default: false, help: 'take the default of every question no option answers; ask only those without one' },
  name: { type: 'string', value: 'NAME', help: `the connection's name: the cdktf stack, the KMS key aliases, the ICA credential [${DEFAULT_NAME}]` },
  region: { type: 'string', value: 'REGION', help: 'the ICA region, by code, name or AWS region (US, EU/DE, GB/UK, Germany, eu-central-1) [none]' },
  method: {
    type: 'string', value: 'METHOD',
    help: `role or user: how ICA gets in [role; user where ICA publishes no OIDC provider (${REGIONS_WITHOUT_OIDC}), unless a role option is given]`,
  },
  'session-name-prefix': { type: 'string', value: 'PREFIX', help: 'role: the RoleSessionName prefix ICA generated for the AWS_Role storage credential [none]' },
  'oidc-provider-id': { type: 'string', value: 'ID', help: `role: ICA's OIDC provider id, from Illumina support; needed in ${REGIONS_WITHOUT_OIDC} [none there, elsewhere the region's]` },
  namespace: { type: 'string', value: 'NS', help: `role: the namespace of ICA's service account, from Illumina support; needed in ${REGIONS_WITHOUT_OIDC} [none there, elsewhere the region's]` },
  'ica-credential-name': { type: 'string', value: 'NAME', help: 'the storage credential\'s name in ICA (asked for the role method) [NAME of --name]' },
  bucket: { type: 'string', value: 'BUCKET', multiple: true, help: 'a bucket to create in the region\'s AWS region; repeat it for more buckets [none]' },
  prefix: { type: 'string', value: 'PREFIX', multiple: true, help: `after its --bucket: a folder of that bucket to connect; repeat it for more folders [${DEFAULT_PREFIX}]` },
  versioning: { type: 'string', value: 'STATE', multiple: true, help: `after its --bucket: ${CHOICES.versioning.join(', ')} [Disabled]` },
  encryption: { type: 'string', value: 'TYPE', multiple: true, help: `after its --bucket: ${CHOICES.encryptionType.join(' or ')} [SSE-S3]` },
  'kms-key-arn': { type: 'string', value: 'ARN', multiple: true, help: 'after its --bucket, with SSE-KMS: your key in the region [a new key]' },
  'restrict-to-ica': { type: 'boolean', negatable: true, help: 'a bucket policy that denies object access to all but ICA and the deployer [no]' },
  'cross-account-copy': { type: 'boolean', negatable: true, help: 'let Illumina\'s cross-account role copy and move objects [no]' },
} as const;

/** The options that only the role method takes. */
const ROLE_OPTIONS = ['session-name-prefix', 'oidc-provider-id', 'namespace'] as const;

/** What the options after one --bucket say about that bucket. */
interface BucketOptions {
  readonly name?: string;
  readonly prefixes: string[];
  versioning?: string;
  encryption?: string;
  kmsKeyArn?: string;
}

const SINGLE_BUCKET_OPTIONS = { versioning: 'versioning', encryption: 'encryption', 'kms-key-arn': 'kmsKeyArn' } as const;

/**
 * The buckets the options name, each with the --prefix, --versioning, --encryption and
 * --kms-key-arn that follow its --bucket: the order of the options is what ties them together.
 */
function bucketOptions(given: readonly GivenOption[]): BucketOptions[] {
  const buckets: BucketOptions[] = [];
  for (const token of given) {
    if (token.name === 'bucket') {
      buckets.push({ name: token.value as string, prefixes: [] });
      continue;
    }
    if (token.name !== 'prefix' && !Object.hasOwn(SINGLE_BUCKET_OPTIONS, token.name)) continue;
    const bucket = buckets.at(-1);
    if (!bucket) throw new UsageError(`--${token.name} belongs to a bucket: give it after the --bucket it is for`);
    if (token.name === 'prefix') {
      bucket.prefixes.push(token.value as string);
      continue;
    }
    const key = SINGLE_BUCKET_OPTIONS[token.name as keyof typeof SINGLE_BUCKET_OPTIONS];
    if (bucket[key] !== undefined) throw new UsageError(`--${token.name} is given twice for --bucket ${JSON.stringify(bucket.name)}`);
    bucket[key] = token.value as string;
  }
  return buckets;
}

interface Choice {
  readonly value: string;
  readonly name: string;
  readonly description?: string;
}

type Prompt =
  | { readonly type: 'text'; readonly message: string }
  | { readonly type: 'choice'; readonly message: string; readonly choices: readonly Choice[] }
  | { readonly type: 'confirm'; readonly message: string };

/** The prompts of a terminal. */
interface Prompts {
  /** Resolves to a text `validate` accepts (true); it shows the reason for one it refuses, and asks again. */
  text(message: string, fallback: string | undefined, validate: (value: string) => true | string): Promise<string>;
  choice(message: string, choices: readonly Choice[], fallback: string | undefined): Promise<string>;
  confirm(message: string, fallback: boolean | undefined): Promise<boolean>;
}

async function terminalPrompts(): Promise<Prompts> {
  // Loaded only when a question is asked: the other commands, and init answered by options, never load it.
  const { confirm, input, select } = await import('@inquirer/prompts');
  return {
    text: (message, fallback, validate) => input({ message, default: fallback, validate }),
    choice: (message, choices, fallback) => select({ message, choices, default: fallback, pageSize: choices.length }),
    confirm: (message, fallback) => confirm({ message, default: fallback }),
  };
}

interface Question<T extends string | boolean> {
  /** The option that answers it, named in every message about it. */
  readonly flag: string;
  readonly given: T | undefined;
  /** What --yes takes and what Enter takes on a terminal; none for what only the user knows. */
  readonly fallback?: T;
  /** One line on what the answer sets, printed above the prompt. */
  readonly explain: string;
  readonly prompt: Prompt;
  /** The answer's JSON path in the config. */
  readonly path: string;
  /** The answers with this one added. */
  readonly add: (answers: InitAnswers, value: T) => InitAnswers;
}

/** An answer an option (or a default) gave that breaks a rule: init stops, nothing written (exit 1). */
class AnswerError extends Error {}

function problemLines(problems: readonly ConfigProblem[]): string {
  return problems.map((problem) => `${problem.message}; fix: ${problem.fix}`).join('\n');
}

/**
 * Asks the questions one by one. An answer comes from its option, else with --yes from its
 * default, else from the terminal; without a terminal an open question is misuse. Every answer
 * is checked against the answers before it, however it came.
 */
class Interview {
  answers: InitAnswers = { buckets: [] };
  private prompts?: Prompts;

  constructor(private readonly out: Output, private readonly terminal: boolean, private readonly yes: boolean) {}

  async ask<T extends string | boolean>(question: Question<T>): Promise<T> {
    const problems = (value: T) => answerProblems(question.add(this.answers, value), question.path);
    const preset = question.given !== undefined ? { value: question.given, from: question.flag }
      : this.yes && question.fallback !== undefined ? { value: question.fallback, from: `the default of ${question.flag}` }
        : undefined;
    let value: T;
    if (preset) {
      const found = problems(preset.value);
      if (found.length > 0) throw new AnswerError(`${preset.from} ${JSON.stringify(preset.value)}:\n${formatProblems(found)}`);
      value = preset.value;
    } else if (this.terminal) {
      this.out.log(`\n${question.explain}`);
      value = await this.prompt(question, problems);
    } else {
      throw new UsageError(`no answer for ${question.flag}: give it${question.fallback === undefined ? '' : ', or --yes for its default'} (there is no terminal to ask on)`);
    }
    this.answers = question.add(this.answers, value);
    return value;
  }

  /**
   * A question whose answer may be left out (another prefix, a KMS key of one's own): asked only
   * while the user answers (a terminal, no --yes), where Enter on an empty line leaves it out.
   * True when an answer was added. `repeated`: a further entry of a list, whose explanation came
   * with the first.
   */
  async optional(question: Question<string>, repeated = false): Promise<boolean> {
    if (!this.terminal || this.yes) return false;
    if (!repeated) this.out.log(`\n${question.explain}`);
    const prompts = this.prompts ??= await terminalPrompts();
    const value = await prompts.text(question.prompt.message, undefined, (text) => {
      const found = text === '' ? [] : answerProblems(question.add(this.answers, text), question.path);
      return found.length === 0 || problemLines(found);
    });
    if (value === '') return false;
    this.answers = question.add(this.answers, value);
    return true;
  }

  private async prompt<T extends string | boolean>(question: Question<T>, problems: (value: T) => ConfigProblem[]): Promise<T> {
    const prompts = this.prompts ??= await terminalPrompts();
    const { prompt } = question;
    if (prompt.type === 'text') {
      return await prompts.text(prompt.message, question.fallback as string | undefined, (text) => {
        const found = problems(text as T);
        return found.length === 0 || problemLines(found);
      }) as T;
    }
    // A choice is always one of the config's values, but can still bring a whole list over a
    // quota (versioning adds actions to the permission policy): then it is asked again.
    for (;;) {
      const value = (prompt.type === 'choice'
        ? await prompts.choice(prompt.message, prompt.choices, question.fallback as string | undefined)
        : await prompts.confirm(prompt.message, question.fallback as boolean | undefined)) as T;
      const found = problems(value);
      if (found.length === 0) return value;
      this.out.error(problemLines(found));
    }
  }
}

const REGION_CHOICES: readonly Choice[] = ICA_REGIONS.map((region: IcaRegion) => ({
  value: region.code,
  name: `${[region.code, ...region.aliases].join('/').padEnd(5)} ${region.name} (${region.awsRegion})`,
  description: region.limitation
    ?? (region.oidc ? undefined : 'ICA publishes no OIDC provider for this region: the role method needs its provider id and namespace from Illumina support'),
}));

type Described<T extends string> = Readonly<Record<T, { readonly name?: string; readonly description: string }>>;

const METHODS: Described<(typeof CHOICES.credentialMethod)[number]> = {
  user: { description: 'An IAM user with a long-term access key; ica-s3 connect creates the storage credential in ICA with it.' },
  role: {
    name: 'role (recommended)',
    description: 'ICA assumes an IAM role, with temporary credentials. First, in ICA: System Settings > Credentials > Create > Storage Credential, type AWS_Role, Generate the RoleSessionName prefix and copy it (ICA shows it only once).',
  },
};

const VERSIONING: Described<(typeof CHOICES.versioning)[number]> = {
  Enabled: { description: 'S3 keeps every version of an object; ICA gets the versioned permission policy.' },
  Suspended: { description: 'A bucket that was versioned and no longer is (S3 cannot unversion a bucket).' },
  Disabled: { description: 'Unversioned: for a bucket that was never versioned.' },
};

const ENCRYPTION: Described<(typeof CHOICES.encryptionType)[number]> = {
  'SSE-S3': { description: 'Amazon S3 managed keys (AES256): nothing to manage.' },
  'SSE-KMS': { description: 'A KMS key, with an S3 bucket key: a new key with rotation, or one you give next.' },
};

function choices<T extends string>(values: readonly T[], described: Described<T>): Choice[] {
  return values.map((value) => ({ value, name: described[value].name ?? value, description: described[value].description }));
}

function withBucket(answers: InitAnswers, index: number, change: (bucket: InitAnswers['buckets'][number]) => InitAnswers['buckets'][number]): InitAnswers {
  return { ...answers, buckets: answers.buckets.map((bucket, at) => (at === index ? change(bucket) : bucket)) };
}

function bucketNameQuestion(index: number, given: string | undefined, region: IcaRegion, message: string): Question<string> {
  return {
    flag: '--bucket', given, path: `buckets[${index}].name`,
    explain: `The S3 bucket for ICA's data, created in ${region.awsRegion}; bucket names are global, so it must be one no other account has.`,
    prompt: { type: 'text', message },
    add: (answers, name) => ({ ...answers, buckets: [...answers.buckets, { name, prefixes: [] }] }),
  };
}

function prefixQuestion(bucket: number, index: number, given: string | undefined, message: string, bucketName: string): Question<string> {
  return {
    flag: '--prefix', given, fallback: index === 0 ? DEFAULT_PREFIX : undefined, path: `buckets[${bucket}].prefixes[${index}]`,
    explain: `A folder of ${bucketName} that ICA connects, one ICA storage configuration each; never the bucket root.`,
    prompt: { type: 'text', message },
    add: (answers, prefix) => withBucket(answers, bucket, (entry) => ({ ...entry, prefixes: [...entry.prefixes, prefix] })),
  };
}

async function bucketQuestions(interview: Interview, index: number, options: BucketOptions, region: IcaRegion): Promise<void> {
  const name = interview.answers.buckets[index].name;
  if (options.prefixes.length > 0) {
    for (const [at, prefix] of options.prefixes.entries()) await interview.ask(prefixQuestion(index, at, prefix, 'Prefix', name));
  } else {
    await interview.ask(prefixQuestion(index, 0, undefined, 'Prefix', name));
    let at = 1;
    while (await interview.optional(prefixQuestion(index, at, undefined, `Another prefix in ${name} (Enter: done)`, name), true)) at++;
  }
  await interview.ask<string>({
    flag: '--versioning', given: options.versioning, fallback: 'Disabled', path: `buckets[${index}].versioning`,
    explain: `Versioning of ${name}; it picks the variant of ICA's permission policy.`,
    prompt: { type: 'choice', message: 'Versioning', choices: choices(CHOICES.versioning, VERSIONING) },
    add: (answers, versioning) => withBucket(answers, index, (bucket) => ({ ...bucket, versioning })),
  });
  const encryption = await interview.ask<string>({
    flag: '--encryption', given: options.encryption, fallback: 'SSE-S3', path: `buckets[${index}].encryption`,
    explain: `Default encryption of the objects in ${name}.`,
    prompt: { type: 'choice', message: 'Encryption', choices: choices(CHOICES.encryptionType, ENCRYPTION) },
    add: (answers, type) => withBucket(answers, index, (bucket) => ({ ...bucket, encryption: type })),
  });
  if (encryption !== 'SSE-KMS') {
    if (options.kmsKeyArn !== undefined) throw new UsageError(`--kms-key-arn is for --encryption SSE-KMS, and ${name} has ${encryption}`);
    return;
  }
  // Without a key of one's own the stack creates one: no option is what a script says for that.
  const key: Question<string> = {
    flag: '--kms-key-arn', given: options.kmsKeyArn, path: `buckets[${index}].encryption.kmsKeyArn`,
    explain: `The ARN of your KMS key in ${region.awsRegion}, or none for a new key with rotation and an alias.`,
    prompt: { type: 'text', message: 'KMS key ARN (Enter: a new key)' },
    add: (answers, kmsKeyArn) => withBucket(answers, index, (bucket) => ({ ...bucket, kmsKeyArn })),
  };
  if (options.kmsKeyArn !== undefined) await interview.ask(key);
  else await interview.optional(key);
}

type Values = OptionValues<typeof OPTIONS>;

async function credentialQuestions(interview: Interview, values: Values, region: IcaRegion, name: string): Promise<void> {
  const roleOptions = ROLE_OPTIONS.filter((option) => values[option] !== undefined);
  const method = await interview.ask<string>({
    flag: '--method', given: values.method, fallback: region.oidc || roleOptions.length > 0 ? 'role' : 'user', path: 'credential.method',
    explain: 'How ICA gets into the buckets.',
    prompt: { type: 'choice', message: 'Credential method', choices: choices(CHOICES.credentialMethod, METHODS) },
    add: (answers, value) => ({ ...answers, method: value }),
  });
  if (method !== 'role' && roleOptions.length > 0) throw new UsageError(`--${roleOptions[0]} is for --method role, and the method is ${method}`);
  if (method === 'role') {
    await interview.ask<string>({
      flag: '--session-name-prefix', given: values['session-name-prefix'], path: 'credential.sessionNamePrefix',
      explain: 'The RoleSessionName prefix ICA generated for your AWS_Role storage credential (System Settings > Credentials; the eye symbol unmasks it).',
      prompt: { type: 'text', message: 'RoleSessionName prefix' },
      add: (answers, value) => ({ ...answers, sessionNamePrefix: value }),
    });
    // Where ICA publishes the provider, the table's values are right and only an option overrides them.
    if (!region.oidc || values['oidc-provider-id'] !== undefined) {
      await interview.ask<string>({
        flag: '--oidc-provider-id', given: values['oidc-provider-id'], path: 'credential.oidcProviderId',
        explain: `The id of ICA's OIDC provider for ${region.name}, from Illumina support: the 32 hexadecimal characters at the end of its URL.`,
        prompt: { type: 'text', message: 'OIDC provider id' },
        add: (answers, value) => ({ ...answers, oidcProviderId: value }),
      });
    }
    if (!region.oidc || values.namespace !== undefined) {
      await interview.ask<string>({
        flag: '--namespace', given: values.namespace, path: 'credential.namespace',
        explain: `The namespace of ICA's service account in ${region.name}, from Illumina support (such as "use1").`,
        prompt: { type: 'text', message: 'Namespace' },
        add: (answers, value) => ({ ...answers, namespace: value }),
      });
    }
  }
  // The role's credential exists in ICA already, under the name it was given there; the user
  // method's is created by connect, so it can keep the config's name unless an option says otherwise.
  if (method === 'role' || values['ica-credential-name'] !== undefined) {
    await interview.ask<string>({
      flag: '--ica-credential-name', given: values['ica-credential-name'], fallback: name, path: 'credential.icaCredentialName',
      explain: 'The name of the storage credential in ICA: ica-s3 connect finds it by this name.',
      prompt: { type: 'text', message: 'Storage credential name in ICA' },
      add: (answers, value) => ({ ...answers, icaCredentialName: value }),
    });
  }
}

async function questions(interview: Interview, values: Values, buckets: readonly BucketOptions[]): Promise<void> {
  const name = await interview.ask<string>({
    flag: '--name', given: values.name, fallback: DEFAULT_NAME, path: 'name',
    explain: 'The name of this connection: it names the cdktf stack and the KMS key aliases, and is the ICA storage credential\'s name unless you give another.',
    prompt: { type: 'text', message: 'Connection name' },
    add: (answers, value) => ({ ...answers, name: value }),
  });
  const regionCode = await interview.ask<string>({
    flag: '--region', given: values.region, path: 'icaRegion',
    explain: 'The ICA region of your tenant: every AWS resource is created in its AWS region. Type its code to jump to it.',
    prompt: { type: 'choice', message: 'ICA region', choices: REGION_CHOICES },
    add: (answers, value) => ({ ...answers, region: value }),
  });
  // Checked: ask accepts only a region validate knows.
  const region = findIcaRegion(regionCode) as IcaRegion;
  await credentialQuestions(interview, values, region, name);
  if (buckets.length > 0) {
    for (const [index, bucket] of buckets.entries()) {
      await interview.ask(bucketNameQuestion(index, bucket.name, region, 'Bucket name'));
      await bucketQuestions(interview, index, bucket, region);
    }
  } else {
    await interview.ask(bucketNameQuestion(0, undefined, region, 'Bucket name'));
    await bucketQuestions(interview, 0, { prefixes: [] }, region);
    let index = 1;
    while (await interview.optional(bucketNameQuestion(index, undefined, region, 'Another bucket name (Enter: done)'), true)) {
      await bucketQuestions(interview, index, { prefixes: [] }, region);
      index++;
    }
  }
  await interview.ask<boolean>({
    flag: '--restrict-to-ica', given: values['restrict-to-ica'], fallback: false, path: 'bucketPolicy.restrictToIca',
    explain: 'A bucket policy that denies object access to everyone but ICA and the principal that deploys (add your admins to bucketPolicy.exemptPrincipalArns).',
    prompt: { type: 'confirm', message: 'Restrict the buckets to ICA?' },
    add: (answers, value) => ({ ...answers, restrictToIca: value }),
  });
  await interview.ask<boolean>({
    flag: '--cross-account-copy', given: values['cross-account-copy'], fallback: false, path: 'bucketPolicy.crossAccountCopy',
    explain: `Let Illumina's cross-account role for ${region.name} copy and move objects in and out of the buckets (ICA's copy and move between storages).`,
    prompt: { type: 'confirm', message: 'Allow cross-account copy and move?' },
    add: (answers, value) => ({ ...answers, crossAccountCopy: value }),
  });
}

/** `$schema`: the schema this package ships, from the config's folder, so that editors find it wherever the file is. */
function schemaReference(configPath: string): string {
  const path = relative(dirname(resolve(configPath)), packageFile('ica-config.schema.json')).split(sep).join('/');
  return path.startsWith('../') ? path : `./${path}`;
}

/** A path as a shell word, quoted only when it must be. */
function shellWord(text: string): string {
  return /^[\w./-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
}

function nextSteps(path: string, config: ResolvedConfig): string {
  const option = path === CONFIG_OPTIONS.config.default ? '' : ` -c ${shellWord(path)}`;
  const cdktfConfig = option === '' ? '' : `ICA_S3_CONFIG=${shellWord(path)} `;
  return [
    `wrote ${path}`,
    '',
    'Next:',
    `  1. npx ica-s3 validate${option}`,
    '     checks it again after you edit it',
    `  2. npx ica-s3 preflight${option}`,
    '     with the AWS credentials that will deploy: what would make the first apply fail',
    `  3. npx ica-s3 synth${option}, then terraform init && terraform apply in cdktf.out/stacks/${config.name}/`,
    `     (or ${cdktfConfig}npx cdktf deploy in this repository; or npx ica-s3 generate${option} for plain Terraform)`,
    `  4. npx ica-s3 connect${option} --outputs outputs.json`,
    '     creates the ICA side, with ICA_API_KEY set and outputs.json from terraform output -json in the stack directory',
  ].join('\n');
}

export const initCommand = defineCommand({
  name: 'init',
  summary: 'write a new config file from a few questions (or their options), checked as they are answered',
  description: `Writes a new config file from a few questions, each with its default and a line
on what it sets. Every answer is checked with validate's rules as it is given
(a refused one shows the rule and its fix, and is asked again), and the whole
config once more before anything is written: what init writes, validate
accepts. On a terminal it asks what the options do not answer. Without one
(standard input or output not a terminal), a question no option answers and
--yes gives no default is misuse, named by its option. An option's answer is
checked like a typed one; one that breaks a rule stops init (exit 1).

Each option below answers a question; its default, in brackets, is what --yes
and Enter take. --prefix, --versioning, --encryption and --kms-key-arn belong
to the --bucket before them.`,
  options: OPTIONS,
  notes: `On a terminal (without --yes) init also asks what the options may leave out:
more folders for a bucket without --prefix, more buckets without --bucket, and
the key of an SSE-KMS bucket without --kms-key-arn; an empty answer leaves it out.

Example:
  ica-s3 init --region US --session-name-prefix Ab12Cd34 \\
    --bucket acme-ica-data --prefix ica-data/ --versioning Enabled \\
    --bucket acme-ica-runs --prefix runs/ --prefix fastq/ --yes

Exit status 0 when the file is written; 1 when an answer breaks a rule, FILE
exists (without --force) or cannot be written; 2 on misuse.`,
  async run(values, out, given) {
    if (values.config === STANDARD_INPUT) throw new UsageError('-c - reads a config from standard input; init writes a file: name it with -c FILE');
    const buckets = bucketOptions(given);
    checkNewConfigFile(values.config, values.force);
    const interview = new Interview(out, Boolean(process.stdin.isTTY && process.stdout.isTTY), values.yes);
    try {
      await questions(interview, values, buckets);
    } catch (error) {
      if (error instanceof AnswerError) {
        out.error(`ica-s3 init: ${error.message}\nnothing was written`);
        return 1;
      }
      // Ctrl-C or Ctrl-D at a prompt.
      if ((error as Error).name === 'ExitPromptError') {
        out.error('\nica-s3 init: stopped; nothing was written');
        return 1;
      }
      throw error;
    }
    const config = { $schema: schemaReference(values.config), ...configOf(interview.answers) };
    const result = validateConfig(config);
    for (const warning of result.warnings) out.error(`warning: ${warning}`);
    if (!result.ok) {
      out.error(`ica-s3 init: the answers give a config that validate refuses; nothing was written:\n${formatProblems(result.problems)}`);
      return 1;
    }
    writeNewConfigFile(values.config, `${JSON.stringify(config, null, 2)}\n`, values.force);
    out.log(nextSteps(values.config, result.config));
    return 0;
  },
});
