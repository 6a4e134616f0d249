/**
 * The region table against the seeds: the region table of "Connect AWS S3 Bucket" (name, AWS
 * region), the OIDC reference table and provider locations of "IAM Role Method" (provider id,
 * namespace, provider URL) and the cross-account role table of "Enabling Cross Account Access"
 * (role ARN). The rows below are copied from the seed pages, not from modules/core.
 */
import { ICA_REGIONS, OIDC_AUDIENCE, crossAccountRoleArn, findIcaRegion, icaRegionChoices } from '../../modules/core/regions';
import { resolveConfig } from '../../modules/core/validate';

interface SeedRow {
  readonly code: string;
  readonly name: string;
  readonly awsRegion: string;
  /** OIDC provider id; null where the seeds publish none. */
  readonly oidcProviderId: string | null;
  readonly namespace: string | null;
  /** Provider URL from "OIDC Provider Locations"; null where the seeds publish none. */
  readonly providerUrl: string | null;
  readonly crossAccountRoleArn: string;
}

const SEED_TABLE: readonly SeedRow[] = [
  {
    code: 'AU', name: 'Australia', awsRegion: 'ap-southeast-2',
    oidcProviderId: 'F4CD1AEAE6E0820F305F0230FAF6319C', namespace: 'aps2',
    providerUrl: 'https://oidc.eks.ap-southeast-2.amazonaws.com/id/F4CD1AEAE6E0820F305F0230FAF6319C',
    crossAccountRoleArn: 'arn:aws:iam::079623148045:role/ica_aps2_crossacct',
  },
  {
    code: 'CA', name: 'Canada', awsRegion: 'ca-central-1',
    oidcProviderId: '4E70F8E1A204A4B2A22E4F7BA9A06D27', namespace: 'cac1',
    providerUrl: 'https://oidc.eks.ca-central-1.amazonaws.com/id/4E70F8E1A204A4B2A22E4F7BA9A06D27',
    crossAccountRoleArn: 'arn:aws:iam::079623148045:role/ica_cac1_crossacct',
  },
  {
    code: 'EU', name: 'Germany', awsRegion: 'eu-central-1',
    oidcProviderId: 'FD40D1945EBD71D8433A98C0CE04E625', namespace: 'euc1',
    providerUrl: 'https://oidc.eks.eu-central-1.amazonaws.com/id/FD40D1945EBD71D8433A98C0CE04E625',
    crossAccountRoleArn: 'arn:aws:iam::079623148045:role/ica_euc1_crossacct',
  },
  {
    // As published: namespace aps1 (the same as Singapore), cross-account role ica_aps3_crossacct.
    code: 'IN', name: 'India', awsRegion: 'ap-south-1',
    oidcProviderId: '4C3E0D308DB6DA9625FF938C57DAB3B6', namespace: 'aps1',
    providerUrl: 'https://oidc.eks.ap-south-1.amazonaws.com/id/4C3E0D308DB6DA9625FF938C57DAB3B6',
    crossAccountRoleArn: 'arn:aws:iam::079623148045:role/ica_aps3_crossacct',
  },
  {
    code: 'ID', name: 'Indonesia', awsRegion: 'ap-southeast-3',
    oidcProviderId: null, namespace: null, providerUrl: null,
    crossAccountRoleArn: 'arn:aws:iam::079623148045:role/ica_aps4_crossacct',
  },
  {
    code: 'IL', name: 'Israel', awsRegion: 'il-central-1',
    oidcProviderId: null, namespace: null, providerUrl: null,
    crossAccountRoleArn: 'arn:aws:iam::079623148045:role/ica_ilc1_crossacct',
  },
  {
    code: 'JP', name: 'Japan', awsRegion: 'ap-northeast-1',
    oidcProviderId: '31343141B6F8EA41F379AE795CFA7638', namespace: 'apn1',
    providerUrl: 'https://oidc.eks.ap-northeast-1.amazonaws.com/id/31343141B6F8EA41F379AE795CFA7638',
    crossAccountRoleArn: 'arn:aws:iam::079623148045:role/ica_apn1_crossacct',
  },
  {
    code: 'SG', name: 'Singapore', awsRegion: 'ap-southeast-1',
    oidcProviderId: '4839F25C2D7F1765F0523616EB33711F', namespace: 'aps1',
    providerUrl: 'https://oidc.eks.ap-southeast-1.amazonaws.com/id/4839F25C2D7F1765F0523616EB33711F',
    crossAccountRoleArn: 'arn:aws:iam::079623148045:role/ica_aps1_crossacct',
  },
  {
    code: 'KR', name: 'South Korea', awsRegion: 'ap-northeast-2',
    oidcProviderId: 'F2F941225297CB2CD58E91A45ED1362D', namespace: 'apn2',
    providerUrl: 'https://oidc.eks.ap-northeast-2.amazonaws.com/id/F2F941225297CB2CD58E91A45ED1362D',
    crossAccountRoleArn: 'arn:aws:iam::079623148045:role/ica_apn2_crossacct',
  },
  {
    code: 'GB', name: 'UK', awsRegion: 'eu-west-2',
    oidcProviderId: 'CC52F03C88D774F70AB9D2E2BABDF225', namespace: 'euw2',
    providerUrl: 'https://oidc.eks.eu-west-2.amazonaws.com/id/CC52F03C88D774F70AB9D2E2BABDF225',
    crossAccountRoleArn: 'arn:aws:iam::079623148045:role/ica_euw2_crossacct',
  },
  {
    code: 'AE', name: 'United Arab Emirates', awsRegion: 'me-central-1',
    oidcProviderId: null, namespace: null, providerUrl: null,
    crossAccountRoleArn: 'arn:aws:iam::079623148045:role/ica_mec1_crossacct',
  },
  {
    code: 'US', name: 'United States', awsRegion: 'us-east-1',
    oidcProviderId: '10FBA7EDEB5930CCFC300EF5AC3DB2FE', namespace: 'use1',
    providerUrl: 'https://oidc.eks.us-east-1.amazonaws.com/id/10FBA7EDEB5930CCFC300EF5AC3DB2FE',
    crossAccountRoleArn: 'arn:aws:iam::079623148045:role/ica_use1_crossacct',
  },
];

describe('region table (one test per seed row)', () => {
  test.each(SEED_TABLE)('$code $name', (row) => {
    const region = findIcaRegion(row.code);
    expect(region).toBeDefined();
    expect(region!.code).toBe(row.code);
    expect(region!.name).toBe(row.name);
    expect(region!.awsRegion).toBe(row.awsRegion);
    expect(crossAccountRoleArn(region!)).toBe(row.crossAccountRoleArn);
    if (row.oidcProviderId === null) {
      expect(region!.oidc).toBeUndefined();
    } else {
      expect(region!.oidc).toEqual({ providerId: row.oidcProviderId, namespace: row.namespace });
      // The role method resolves the seeds' provider URL from the row.
      const config = resolveConfig({
        name: 'probe', icaRegion: row.code,
        credential: { method: 'role', sessionNamePrefix: 'Ab12Cd34' },
        buckets: [{ name: 'probe-bucket', prefixes: ['ica/'] }],
      });
      expect(config.region.awsRegion).toBe(row.awsRegion);
      expect(config.oidc?.url).toBe(row.providerUrl);
      expect(config.oidc?.issuer).toBe(row.providerUrl!.replace(/^https:\/\//, ''));
      expect(config.oidc?.namespace).toBe(row.namespace);
      expect(config.crossAccountRoleArn).toBe(row.crossAccountRoleArn);
    }
  });

  test('the module holds exactly the seed rows, each code once', () => {
    expect(ICA_REGIONS.map((region) => region.code).sort()).toEqual(SEED_TABLE.map((row) => row.code).sort());
  });

  test('Indonesia, Israel and the UAE are the only regions without an OIDC provider', () => {
    expect(ICA_REGIONS.filter((region) => !('oidc' in region)).map((region) => region.code).sort()).toEqual(['AE', 'ID', 'IL']);
  });

  test('the OIDC audience is the one the seeds say to enter', () => {
    expect(OIDC_AUDIENCE).toBe('sts.amazonaws.com');
  });

  test('South Korea and India carry a limitation note, the others none', () => {
    const limited = ICA_REGIONS.filter((region) => 'limitation' in region).map((region) => region.code).sort();
    expect(limited).toEqual(['IN', 'KR']);
    expect(findIcaRegion('KR')!.limitation).toMatch(/BSSH/);
    expect(findIcaRegion('IN')!.limitation).toMatch(/aps1.*ica_aps3_crossacct/);
  });
});

describe('findIcaRegion', () => {
  test.each([
    ['US', 'US'],
    ['EU', 'EU'],
    ['GB', 'GB'],
    ['AE', 'AE'],
  ])('by code %s', (input, code) => {
    expect(findIcaRegion(input)?.code).toBe(code);
  });

  test.each([
    ['DE', 'EU'],
    ['UK', 'GB'],
  ])('by alias %s', (input, code) => {
    expect(findIcaRegion(input)?.code).toBe(code);
  });

  test.each([
    ['Germany', 'EU'],
    ['United States', 'US'],
    ['South Korea', 'KR'],
    ['United Arab Emirates', 'AE'],
    ['UK', 'GB'],
  ])('by the docs name %s', (input, code) => {
    expect(findIcaRegion(input)?.code).toBe(code);
  });

  test.each([
    ['United Kingdom', 'GB'],
    ['Korea', 'KR'],
    ['UAE', 'AE'],
    ['USA', 'US'],
  ])('by the other common name %s', (input, code) => {
    expect(findIcaRegion(input)?.code).toBe(code);
  });

  test.each(SEED_TABLE.map((row) => [row.awsRegion, row.code]))('by AWS region %s', (input, code) => {
    expect(findIcaRegion(input)?.code).toBe(code);
  });

  test.each([
    ['us', 'US'],
    ['de', 'EU'],
    ['uk', 'GB'],
    ['GERMANY', 'EU'],
    ['united states', 'US'],
    ['EU-CENTRAL-1', 'EU'],
    ['  Germany  ', 'EU'],
  ])('ignores case and surrounding space: %j', (input, code) => {
    expect(findIcaRegion(input)?.code).toBe(code);
  });

  test.each(['Mars', '', 'us-west-2', 'eu-west-1', 'XX', 'Europe', 'U S'])('unknown input %j gives undefined', (input) => {
    expect(findIcaRegion(input)).toBeUndefined();
  });

  test('the choices listed in error messages name every code, alias and AWS region', () => {
    const choices = icaRegionChoices();
    for (const row of SEED_TABLE) {
      expect(choices).toContain(row.code);
      expect(choices).toContain(row.awsRegion);
    }
    expect(choices).toContain('EU/DE');
    expect(choices).toContain('GB/UK');
  });
});
