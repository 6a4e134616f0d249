/**
 * An in-process fake of the part of ICA's public API that `connect` uses, written from the
 * published models (Region, StorageCredential, CreateStorageCredential,
 * UpdateStorageCredentialSecrets, StorageConfigurationWithDetails, CreateStorageConfiguration,
 * Problem). It is strict: a missing or wrong header, media type, field or value is answered with
 * a Problem (400/401/406/415), as a careful server would, so a test that passes proves the
 * requests, not only that something came back. Every request is recorded for assertions.
 */
import { randomUUID } from 'node:crypto';
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';

export const V3 = 'application/vnd.illumina.v3+json';
const PROBLEM = 'application/problem+json';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The parsed JSON body, or undefined for none. */
  readonly body: unknown;
  /** The status the fake answered with. */
  status?: number;
}

export interface FakeRegion {
  readonly id: string;
  readonly code: string;
  readonly cityName: string;
  readonly country: { readonly id: string; readonly code: string; readonly name: string; readonly region: string };
}

export interface FakeCredential {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  /** Kept by the fake only: ICA never returns it. */
  accessKeyId?: string;
  secretAccessKey?: string;
  timeModified: string;
}

export interface FakeConfiguration {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly regionId: string;
  readonly storageCredentialId: string;
  readonly awsDetails: { bucketName: string; keyPrefix?: string; serverSideEncryptionAlgorithm?: string; serverSideEncryptionKey?: string };
  status: string;
  errorMessage?: string;
  /** Reads left before a started validation finishes. */
  pollsLeft?: number;
}

/** An answer forced on matching requests, `times` times (Infinity: always). */
export interface Fault {
  readonly method: string;
  readonly path: RegExp;
  readonly status: number;
  times: number;
  readonly retryAfter?: string;
  /** Never answer (tests the request timeout). */
  readonly hang?: boolean;
}

export interface FakeOptions {
  readonly apiKey?: string;
  readonly bearerToken?: string;
  /** Every authenticated request gets 403 (a user without the rights). */
  readonly forbidden?: boolean;
  /** Status reads a validation takes to finish; Infinity: never. */
  readonly validationPolls?: number;
  /** The verdict of a validation: undefined for ready, else ICA's error message. */
  readonly validationError?: (configuration: FakeConfiguration) => string | undefined;
}

export const US_REGION: FakeRegion = {
  id: 'c39b1feb-3e94-4440-805e-45e0c76462bf', code: 'US', cityName: 'Virginia',
  country: { id: 'b4d1c7a9-6c73-4a3f-8f0b-1f2a3b4c5d6e', code: 'US', name: 'United States', region: 'Americas' },
};
export const EU_REGION: FakeRegion = {
  id: '3c8a1f0e-9d0e-4a6b-8d1a-2f7e5c4b3a21', code: 'EU', cityName: 'Frankfurt',
  country: { id: '5e6f7a8b-1c2d-4e3f-9a0b-1c2d3e4f5a6b', code: 'DE', name: 'Germany', region: 'Europe' },
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

class BadRequest extends Error {
  constructor(readonly status: number, readonly title: string, detail: string) {
    super(detail);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The object has exactly these keys among the allowed ones, each required one present. */
function checkKeys(value: unknown, where: string, required: readonly string[], optional: readonly string[] = []): Record<string, unknown> {
  if (!isRecord(value)) throw new BadRequest(400, 'Bad Request', `${where} must be a JSON object`);
  for (const key of Object.keys(value)) {
    if (!required.includes(key) && !optional.includes(key)) throw new BadRequest(400, 'Bad Request', `${where}: unknown field "${key}"`);
  }
  for (const key of required) if (value[key] === undefined) throw new BadRequest(400, 'Bad Request', `${where}: "${key}" is required`);
  return value;
}

function checkString(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') throw new BadRequest(400, 'Bad Request', `${where} must be a non-empty string`);
  return value;
}

function checkAwsCredentials(value: unknown, where: string): { accessKeyId: string; secretAccessKey: string } {
  const credentials = checkKeys(value, where, ['accessKeyId', 'secretAccessKey']);
  return { accessKeyId: checkString(credentials.accessKeyId, `${where}.accessKeyId`), secretAccessKey: checkString(credentials.secretAccessKey, `${where}.secretAccessKey`) };
}

export class FakeIcaApi {
  readonly requests: RecordedRequest[] = [];
  readonly regions: FakeRegion[] = [US_REGION, EU_REGION];
  readonly credentials: FakeCredential[] = [];
  readonly configurations: FakeConfiguration[] = [];
  readonly faults: Fault[] = [];
  private server?: Server;
  private readonly hanging = new Set<ServerResponse>();

  constructor(readonly options: FakeOptions = {}) {}

  /** The API base for --ica-url. */
  get url(): string {
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}/ica/rest`;
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => { void this.handle(request, response); });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** The requests as "METHOD /path" (without the API base), in order. */
  calls(): string[] {
    return this.requests.map((request) => `${request.method} ${request.path}`);
  }

  addCredential(name: string, type = 'AWS_USER', keys: { accessKeyId?: string; secretAccessKey?: string } = {}): FakeCredential {
    const credential: FakeCredential = { id: randomUUID(), name, type, ...keys, timeModified: new Date().toISOString() };
    this.credentials.push(credential);
    return credential;
  }

  addConfiguration(configuration: Omit<FakeConfiguration, 'id' | 'status'> & { status?: string }): FakeConfiguration {
    const added: FakeConfiguration = { id: randomUUID(), status: 'READY', ...configuration };
    this.configurations.push(added);
    return added;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const path = (request.url ?? '').replace(/^\/ica\/rest/, '');
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = text;
    }
    const recorded: RecordedRequest = { method: request.method ?? '', path, headers: { ...request.headers }, body };
    this.requests.push(recorded);
    const send = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
      recorded.status = status;
      response.writeHead(status, { ...(payload === undefined ? {} : { 'Content-Type': status >= 400 ? PROBLEM : V3 }), ...headers });
      response.end(payload === undefined ? undefined : JSON.stringify(payload));
    };
    try {
      if (!(request.url ?? '').startsWith('/ica/rest/api/')) throw new BadRequest(404, 'Not Found', `no API at ${request.url}`);
      this.checkHeaders(request, text !== '');
      const fault = this.faults.find((candidate) => candidate.times > 0 && candidate.method === request.method && candidate.path.test(path));
      if (fault) {
        fault.times -= 1;
        if (fault.hang) { this.hanging.add(response); return; }
        send(fault.status, { type: 'about:blank', title: fault.status === 429 ? 'Too Many Requests' : 'Internal Server Error', status: fault.status, detail: `forced ${fault.status}` },
          fault.retryAfter ? { 'Retry-After': fault.retryAfter } : {});
        return;
      }
      const [status, payload, headers] = this.route(request.method ?? '', path, body, text !== '');
      send(status, payload, headers);
    } catch (error) {
      if (!(error instanceof BadRequest)) throw error;
      send(error.status, { type: 'about:blank', title: error.title, status: error.status, detail: error.message });
    }
  }

  private checkHeaders(request: IncomingMessage, hasBody: boolean): void {
    const apiKey = request.headers['x-api-key'];
    const authorization = request.headers.authorization;
    const keyOk = this.options.apiKey !== undefined && apiKey === this.options.apiKey;
    const tokenOk = this.options.bearerToken !== undefined && authorization === `Bearer ${this.options.bearerToken}`;
    if (!keyOk && !tokenOk) throw new BadRequest(401, 'Unauthorized', 'Full authentication is required to access this resource');
    if (apiKey !== undefined && authorization !== undefined) throw new BadRequest(400, 'Bad Request', 'send one of X-API-Key and Authorization');
    const accept = String(request.headers.accept ?? '').split(',').map((part) => part.trim());
    if (!accept.includes(PROBLEM) || !accept.includes(V3)) throw new BadRequest(406, 'Not Acceptable', `Accept must list ${PROBLEM} and ${V3}`);
    if (hasBody && request.headers['content-type'] !== V3) throw new BadRequest(415, 'Unsupported Media Type', `Content-Type must be ${V3}`);
    if (!hasBody && request.headers['content-type'] !== undefined) throw new BadRequest(400, 'Bad Request', 'Content-Type without a body');
    if (this.options.forbidden) throw new BadRequest(403, 'Forbidden', 'Access is denied: the user lacks the permission for this operation');
  }

  private route(method: string, path: string, body: unknown, hasBody: boolean): [number, unknown?, Record<string, string>?] {
    const noBody = () => { if (hasBody) throw new BadRequest(400, 'Bad Request', `${method} ${path} takes no body`); };
    if (method === 'GET' && path === '/api/regions') { noBody(); return [200, { items: this.regions }]; }
    if (method === 'GET' && path === '/api/storageCredentials') { noBody(); return [200, { items: this.credentials.map((credential) => this.credentialJson(credential)) }]; }
    if (method === 'POST' && path === '/api/storageCredentials') return this.createCredential(body);
    let match = /^\/api\/storageCredentials\/([^/:]+):updateSecrets$/.exec(path);
    if (method === 'POST' && match) return this.updateSecrets(match[1], body);
    if (method === 'GET' && path === '/api/storageConfigurations') { noBody(); return [200, { items: this.configurations.map((configuration) => this.configurationJson(configuration, true)) }]; }
    if (method === 'POST' && path === '/api/storageConfigurations') return this.createConfiguration(body);
    match = /^\/api\/storageConfigurations\/([^/:]+)$/.exec(path);
    if (method === 'GET' && match) { noBody(); return [200, this.configurationJson(this.poll(this.configuration(match[1])), false)]; }
    match = /^\/api\/storageConfigurations\/([^/:]+):validate$/.exec(path);
    if (method === 'POST' && match) {
      noBody();
      const configuration = this.configuration(match[1]);
      configuration.status = 'VALIDATING';
      delete configuration.errorMessage;
      configuration.pollsLeft = this.options.validationPolls ?? 1;
      return [204];
    }
    throw new BadRequest(404, 'Not Found', `no route ${method} ${path}`);
  }

  private credentialJson(credential: FakeCredential) {
    return {
      id: credential.id, name: credential.name, type: credential.type, tenantId: 'tenant-1', ownerId: 'owner-1',
      timeCreated: credential.timeModified, timeModified: credential.timeModified,
    };
  }

  private configurationJson(configuration: FakeConfiguration, withDetails: boolean) {
    const region = this.regions.find((candidate) => candidate.id === configuration.regionId);
    return {
      id: configuration.id, name: configuration.name, ...(configuration.description ? { description: configuration.description } : {}),
      type: 'AWS_S3', status: configuration.status, ...(configuration.errorMessage ? { errorMessage: configuration.errorMessage } : {}),
      region, isDefault: false, tenantId: 'tenant-1', ownerId: 'owner-1', timeCreated: '2026-01-01T00:00:00Z', timeModified: '2026-01-01T00:00:00Z',
      ...(withDetails ? { storageConfigurationDetails: { awsS3: { ...configuration.awsDetails } } } : {}),
    };
  }

  private configuration(id: string): FakeConfiguration {
    const found = this.configurations.find((configuration) => configuration.id === id);
    if (!found) throw new BadRequest(404, 'Not Found', `no storage configuration ${id}`);
    return found;
  }

  /** A status read while validating counts down to the verdict. */
  private poll(configuration: FakeConfiguration): FakeConfiguration {
    if (configuration.pollsLeft === undefined) return configuration;
    configuration.pollsLeft -= 1;
    if (configuration.pollsLeft <= 0) {
      delete configuration.pollsLeft;
      const error = this.options.validationError?.(configuration);
      configuration.status = error ? 'ERROR' : 'READY';
      if (error) configuration.errorMessage = error;
    }
    return configuration;
  }

  private createCredential(body: unknown): [number, unknown, Record<string, string>] {
    const fields = checkKeys(body, 'CreateStorageCredential', ['name', 'type', 'awsCredentials']);
    const name = checkString(fields.name, 'name');
    if (fields.type !== 'AWS_USER') throw new BadRequest(400, 'Bad Request', `type must be AWS_USER, not ${JSON.stringify(fields.type)}`);
    const keys = checkAwsCredentials(fields.awsCredentials, 'awsCredentials');
    if (this.credentials.some((credential) => credential.name === name)) throw new BadRequest(409, 'Conflict', `a storage credential named ${name} exists`);
    const credential = this.addCredential(name, 'AWS_USER', keys);
    return [201, this.credentialJson(credential), { ETag: `"${credential.id}"` }];
  }

  private updateSecrets(id: string, body: unknown): [number] {
    const credential = this.credentials.find((candidate) => candidate.id === id);
    if (!credential) throw new BadRequest(404, 'Not Found', `no storage credential ${id}`);
    const fields = checkKeys(body, 'UpdateStorageCredentialSecrets', ['awsCredentials']);
    Object.assign(credential, checkAwsCredentials(fields.awsCredentials, 'awsCredentials'), { timeModified: new Date().toISOString() });
    return [204];
  }

  private createConfiguration(body: unknown): [number, unknown, Record<string, string>] {
    const fields = checkKeys(body, 'CreateStorageConfiguration', ['regionId', 'name', 'storageCredentialId', 'type'], ['description', 'awsDetails']);
    const regionId = checkString(fields.regionId, 'regionId');
    if (!UUID.test(regionId) || !this.regions.some((region) => region.id === regionId)) throw new BadRequest(400, 'Bad Request', `regionId ${regionId} is not a region of this tenant`);
    const name = checkString(fields.name, 'name');
    if (name.length < 3 || name.length > 63) throw new BadRequest(400, 'Bad Request', 'name must be 3 to 63 characters');
    const storageCredentialId = checkString(fields.storageCredentialId, 'storageCredentialId');
    if (!this.credentials.some((credential) => credential.id === storageCredentialId)) throw new BadRequest(400, 'Bad Request', `no storage credential ${storageCredentialId}`);
    if (fields.type !== 'AWS_S3') throw new BadRequest(400, 'Bad Request', 'type must be AWS_S3');
    if (fields.description !== undefined && typeof fields.description !== 'string') throw new BadRequest(400, 'Bad Request', 'description must be a string');
    const details = checkKeys(fields.awsDetails, 'awsDetails', ['bucketName'], ['keyPrefix', 'serverSideEncryptionAlgorithm', 'serverSideEncryptionKey']);
    const bucketName = checkString(details.bucketName, 'awsDetails.bucketName');
    const keyPrefix = details.keyPrefix === undefined ? undefined : checkString(details.keyPrefix, 'awsDetails.keyPrefix');
    if (keyPrefix !== undefined && (keyPrefix.startsWith('/') || !keyPrefix.endsWith('/'))) throw new BadRequest(400, 'Bad Request', 'keyPrefix must not start with / and must end with /');
    const algorithm = details.serverSideEncryptionAlgorithm;
    if (algorithm !== undefined && algorithm !== 'AES256' && String(algorithm).toLowerCase() !== 'aws:kms') throw new BadRequest(400, 'Bad Request', 'serverSideEncryptionAlgorithm must be AES256 or aws:kms');
    if (details.serverSideEncryptionKey !== undefined && String(algorithm).toLowerCase() !== 'aws:kms') throw new BadRequest(400, 'Bad Request', 'serverSideEncryptionKey is for aws:kms only');
    if (this.configurations.some((configuration) => configuration.name === name)) throw new BadRequest(409, 'Conflict', `a storage configuration named ${name} exists`);
    const created = this.addConfiguration({
      name, regionId, storageCredentialId, status: 'INITIALIZING',
      ...(fields.description ? { description: fields.description as string } : {}),
      awsDetails: {
        bucketName, ...(keyPrefix ? { keyPrefix } : {}),
        ...(algorithm ? { serverSideEncryptionAlgorithm: algorithm as string } : {}),
        ...(details.serverSideEncryptionKey ? { serverSideEncryptionKey: checkString(details.serverSideEncryptionKey, 'awsDetails.serverSideEncryptionKey') } : {}),
      },
    });
    return [201, this.configurationJson(created, false), { ETag: `"${created.id}"` }];
  }
}
