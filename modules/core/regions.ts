/**
 * The ICA regions, copied from the seed pages: the region table of "Connect AWS S3 Bucket",
 * the OIDC reference table of "IAM Role Method" and the cross-account role table of
 * "Enabling Cross Account Access for Copy and Move Operations".
 *
 * This module imports nothing from cdktf: the CDKTF stacks and the Terraform generator both
 * render this one table.
 */
import { closestSpelling } from './spelling';

/** The AWS account that owns Illumina's regional cross-account copy/move roles. */
export const ILLUMINA_CROSS_ACCOUNT_ID = '079623148045';

/** The OIDC audience ICA presents; the seeds say to enter it as the provider's audience. */
export const OIDC_AUDIENCE = 'sts.amazonaws.com';

/** Role session length ICA requires: 12 hours ("Invalid Role Session Duration" otherwise). */
export const ICA_ROLE_MAX_SESSION_SECONDS = 43200;

/** ICA's OIDC identity: the EKS cluster that issues ICA's tokens in one region. */
export interface IcaOidcProvider {
  /** The provider id, the last path segment of the provider URL. */
  readonly providerId: string;
  /** The Kubernetes namespace of ICA's service account (`system:serviceaccount:<ns>:irsa-<ns>-gds*`). */
  readonly namespace: string;
}

export interface IcaRegion {
  /** ICA's region code, as the seeds print it in parentheses: `US`, `EU`, `GB`, ... */
  readonly code: string;
  /** Other codes users write for the same region (`DE` for Germany, `UK` for the United Kingdom). */
  readonly aliases: readonly string[];
  /** The region's name in the seeds' tables. */
  readonly name: string;
  /** The AWS region that buckets, keys and the provider must use. */
  readonly awsRegion: string;
  /** The published OIDC provider, or undefined where the seeds publish none. */
  readonly oidc?: IcaOidcProvider;
  /** Illumina's role that copies and moves objects across accounts in this region. */
  readonly crossAccountRoleName: string;
  /** A limitation the seeds note for this region, shown as a warning. */
  readonly limitation?: string;
}

export const ICA_REGIONS = [
  {
    code: 'AU', aliases: [], name: 'Australia', awsRegion: 'ap-southeast-2',
    oidc: { providerId: 'F4CD1AEAE6E0820F305F0230FAF6319C', namespace: 'aps2' },
    crossAccountRoleName: 'ica_aps2_crossacct',
  },
  {
    code: 'CA', aliases: [], name: 'Canada', awsRegion: 'ca-central-1',
    oidc: { providerId: '4E70F8E1A204A4B2A22E4F7BA9A06D27', namespace: 'cac1' },
    crossAccountRoleName: 'ica_cac1_crossacct',
  },
  {
    code: 'EU', aliases: ['DE'], name: 'Germany', awsRegion: 'eu-central-1',
    oidc: { providerId: 'FD40D1945EBD71D8433A98C0CE04E625', namespace: 'euc1' },
    crossAccountRoleName: 'ica_euc1_crossacct',
  },
  {
    // The OIDC table publishes namespace aps1 for India (the same as Singapore) while the
    // cross-account table names India's role ica_aps3_crossacct. We copy the tables as
    // published and warn; `credential.namespace` overrides the namespace.
    code: 'IN', aliases: [], name: 'India', awsRegion: 'ap-south-1',
    oidc: { providerId: '4C3E0D308DB6DA9625FF938C57DAB3B6', namespace: 'aps1' },
    crossAccountRoleName: 'ica_aps3_crossacct',
    limitation:
      "the published OIDC table gives India the namespace 'aps1' (the same as Singapore) while Illumina's India cross-account role is 'ica_aps3_crossacct'; if ICA reports 'Not authorized to perform sts:AssumeRoleWithWebIdentity', confirm the namespace with Illumina support and set credential.namespace",
  },
  {
    code: 'ID', aliases: [], name: 'Indonesia', awsRegion: 'ap-southeast-3',
    crossAccountRoleName: 'ica_aps4_crossacct',
  },
  {
    code: 'IL', aliases: [], name: 'Israel', awsRegion: 'il-central-1',
    crossAccountRoleName: 'ica_ilc1_crossacct',
  },
  {
    code: 'JP', aliases: [], name: 'Japan', awsRegion: 'ap-northeast-1',
    oidc: { providerId: '31343141B6F8EA41F379AE795CFA7638', namespace: 'apn1' },
    crossAccountRoleName: 'ica_apn1_crossacct',
  },
  {
    code: 'SG', aliases: [], name: 'Singapore', awsRegion: 'ap-southeast-1',
    oidc: { providerId: '4839F25C2D7F1765F0523616EB33711F', namespace: 'aps1' },
    crossAccountRoleName: 'ica_aps1_crossacct',
  },
  {
    code: 'KR', aliases: [], name: 'South Korea', awsRegion: 'ap-northeast-2',
    oidc: { providerId: 'F2F941225297CB2CD58E91A45ED1362D', namespace: 'apn2' },
    crossAccountRoleName: 'ica_apn2_crossacct',
    limitation:
      'BSSH is not deployed on the South Korea instance, so sequencer integration is limited in this region',
  },
  {
    code: 'GB', aliases: ['UK'], name: 'UK', awsRegion: 'eu-west-2',
    oidc: { providerId: 'CC52F03C88D774F70AB9D2E2BABDF225', namespace: 'euw2' },
    crossAccountRoleName: 'ica_euw2_crossacct',
  },
  {
    code: 'AE', aliases: [], name: 'United Arab Emirates', awsRegion: 'me-central-1',
    crossAccountRoleName: 'ica_mec1_crossacct',
  },
  {
    code: 'US', aliases: [], name: 'United States', awsRegion: 'us-east-1',
    oidc: { providerId: '10FBA7EDEB5930CCFC300EF5AC3DB2FE', namespace: 'use1' },
    crossAccountRoleName: 'ica_use1_crossacct',
  },
] as const satisfies readonly IcaRegion[];

/** Names users may write for a region besides the table's own: the docs use both. */
const EXTRA_NAMES: Readonly<Record<string, string>> = {
  'united kingdom': 'GB',
  'korea': 'KR',
  'uae': 'AE',
  'usa': 'US',
};

/**
 * Finds the ICA region for a code (`US`, `DE`), a name as the docs print it (`Germany`,
 * `United States`) or an AWS region (`eu-central-1`), ignoring case and surrounding space.
 */
export function findIcaRegion(input: string): IcaRegion | undefined {
  const code = ICA_REGION_SPELLINGS[input.trim().toLowerCase()];
  return ICA_REGIONS.find((region: IcaRegion) => region.code === code);
}

/**
 * Every spelling of every region, lower case, to its code: code, aliases, name, AWS region and the
 * extra names. The generated module renders this table, so `ica_region` takes what the config does.
 */
export const ICA_REGION_SPELLINGS: Readonly<Record<string, string>> = (() => {
  const spellings: Record<string, string> = {};
  for (const region of ICA_REGIONS) {
    for (const spelling of [region.code, ...region.aliases, region.name, region.awsRegion]) spellings[spelling.toLowerCase()] ??= region.code;
  }
  return { ...spellings, ...EXTRA_NAMES };
})();

/** Every spelling `findIcaRegion` accepts, for error messages. */
export function icaRegionChoices(): string {
  return ICA_REGIONS.map((region: IcaRegion) =>
    `${[region.code, ...region.aliases].join('/')} (${region.name}, ${region.awsRegion})`).join(', ');
}

/**
 * What to say of a value that is no ICA region: the closest spelling of one (as the table writes
 * it) when the value looks like a typo of it, then every region. The config's icaRegion and any
 * command option that takes a region say the same.
 */
export function unknownIcaRegionDetail(input: string): string {
  const spellings = [...ICA_REGIONS.flatMap((region: IcaRegion) => [region.code, ...region.aliases, region.name, region.awsRegion]), ...Object.keys(EXTRA_NAMES)];
  const closest = closestSpelling(input.trim(), spellings);
  const region = closest === undefined ? undefined : findIcaRegion(closest);
  const hint = closest && region ? `did you mean ${JSON.stringify(closest)}${closest === region.name ? '' : ` (${region.name})`}? ` : '';
  return `${hint}known: ${icaRegionChoices()}`;
}

/** The ARN of Illumina's cross-account copy/move role in a region. */
export function crossAccountRoleArn(region: IcaRegion): string {
  return `arn:aws:iam::${ILLUMINA_CROSS_ACCOUNT_ID}:role/${region.crossAccountRoleName}`;
}
