/**
 * A small client for the part of ICA's public REST API that `connect` uses: regions, storage
 * credentials and storage configurations. Every request has a timeout; 429 and 5xx answers are
 * retried a bounded number of times with backoff (Retry-After honoured up to the same bound);
 * ICA's Problem answers become an IcaApiError with ICA's message and the fix. The secret of the
 * API key or token goes into a header and nowhere else: never into an error, a log line or a file.
 */
import { ICA_API_BASE } from './payload';

/** The media type of ICA's v3 API, for request bodies and answers. */
export const ICA_MEDIA_TYPE = 'application/vnd.illumina.v3+json';
/** Errors come as RFC 7807 problems, everything else in the v3 media type. */
export const ICA_ACCEPT = `application/problem+json, ${ICA_MEDIA_TYPE}`;

/** The environment variables that authenticate: never a flag, which would land in shell history. */
export const ICA_API_KEY_ENV = 'ICA_API_KEY';
export const ICA_ACCESS_TOKEN_ENV = 'ICA_ACCESS_TOKEN';

export interface IcaAuth {
  /** `api-key` goes into X-API-Key, `bearer` into Authorization. */
  readonly kind: 'api-key' | 'bearer';
  readonly secret: string;
}

/** The API key, else the bearer token, from the environment; undefined when neither is set. */
export function icaAuthFromEnv(env: NodeJS.ProcessEnv = process.env): IcaAuth | undefined {
  const key = env[ICA_API_KEY_ENV]?.trim();
  if (key) return { kind: 'api-key', secret: key };
  const token = env[ICA_ACCESS_TOKEN_ENV]?.trim();
  if (token) return { kind: 'bearer', secret: token };
  return undefined;
}

function authHeaders(auth: IcaAuth): Record<string, string> {
  return auth.kind === 'api-key' ? { 'X-API-Key': auth.secret } : { Authorization: `Bearer ${auth.secret}` };
}

/** An --ica-url that is not one this tool may send a secret to: misuse (exit 2). */
export class IcaUrlError extends Error {}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The API base from --ica-url: https, or http only on this machine (a test server), because the
 * API key travels in a header; no credentials, query or fragment. Trailing slashes dropped.
 */
export function resolveIcaUrl(value: string = ICA_API_BASE): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new IcaUrlError(`--ica-url ${JSON.stringify(value)} is not a URL; give ICA's API base such as ${ICA_API_BASE}`);
  }
  const local = LOCAL_HOSTS.has(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
    throw new IcaUrlError(`--ica-url ${JSON.stringify(value)} must use https:// (the API key travels with every request); plain http is accepted for localhost only`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new IcaUrlError(`--ica-url ${JSON.stringify(value)} must not carry credentials, a query or a fragment; authenticate with ${ICA_API_KEY_ENV} or ${ICA_ACCESS_TOKEN_ENV}`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

// ---------------------------------------------------------------------------------------------
// The answers connect reads (field names of ICA's published models; only what connect uses).
// ---------------------------------------------------------------------------------------------

export interface ApiCountry {
  readonly code?: string;
  readonly name?: string;
}

/** Region. */
export interface ApiRegion {
  readonly id: string;
  readonly code: string;
  readonly cityName?: string;
  readonly country?: ApiCountry;
}

/** StorageCredential. */
export interface ApiStorageCredential {
  readonly id: string;
  readonly name: string;
  readonly type: string;
}

/** AWSDetails, as ICA reports them back. */
export interface ApiAwsDetails {
  readonly bucketName?: string;
  readonly keyPrefix?: string;
  readonly serverSideEncryptionAlgorithm?: string;
  readonly serverSideEncryptionKey?: string;
}

/** StorageConfiguration, and StorageConfigurationWithDetails in the list. */
export interface ApiStorageConfiguration {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly type?: string;
  readonly status?: string;
  readonly errorMessage?: string;
  readonly region?: ApiRegion;
  readonly storageConfigurationDetails?: { readonly awsS3?: ApiAwsDetails };
}

// ---------------------------------------------------------------------------------------------
// Errors.
// ---------------------------------------------------------------------------------------------

/** A request ICA refused or did not answer: what was asked, ICA's words, and what to do. */
export class IcaApiError extends Error {
  constructor(
    /** "POST /api/storageConfigurations": method and path, never a body. */
    readonly request: string,
    /** The HTTP status, or undefined when no answer came. */
    readonly status: number | undefined,
    /** ICA's own message (Problem title and detail), or what happened instead. */
    readonly icaMessage: string,
    readonly fix: string,
    readonly attempts: number,
  ) {
    super(`${request}: ${status === undefined ? '' : `HTTP ${status}: `}${icaMessage}${attempts > 1 ? ` (after ${attempts} attempts)` : ''}`);
    this.name = 'IcaApiError';
  }
}

/** What to do about an HTTP status from ICA. */
export function fixForStatus(status: number): string {
  if (status === 401) return `ICA did not accept the credentials: set ${ICA_API_KEY_ENV} to a valid API key (ICA: your user menu > Manage API Keys > Generate) or ${ICA_ACCESS_TOKEN_ENV} to an unexpired token, for the tenant --ica-url points at`;
  if (status === 403) return 'the API key\'s user may not do this: storage credentials and storage configurations need a user with administrator rights on the tenant; ask your tenant administrator, or use their API key';
  if (status === 404) return 'ICA does not know this path or object: check that --ica-url is the API base (it ends in /ica/rest)';
  if (status === 409) return 'ICA holds a conflicting object: run connect again, it finds existing objects by name';
  if (status === 429) return 'ICA limits how fast a client may call: wait a minute and run connect again (it only adds what is missing)';
  if (status >= 500) return 'ICA is unavailable or failed: run connect again later (it only adds what is missing); if it persists, check Illumina\'s status page or contact support';
  return 'ICA refused the request; its message says why';
}

/** "title: detail" of a Problem, or the start of any other answer. */
function problemText(text: string): string {
  try {
    const problem = JSON.parse(text) as { title?: unknown; detail?: unknown; message?: unknown };
    const parts = [problem.title, problem.detail ?? problem.message].filter((part): part is string => typeof part === 'string' && part !== '');
    if (parts.length > 0) return parts.join(': ');
  } catch {
    // Not JSON: a proxy's HTML page, say. Its first words still help.
  }
  const plain = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return plain === '' ? '(no message)' : plain.slice(0, 200);
}

// ---------------------------------------------------------------------------------------------
// The client.
// ---------------------------------------------------------------------------------------------

export interface RetryPolicy {
  /** Tries per request, the first included. */
  readonly attempts: number;
  /** Wait before the second try; doubled for each further try. */
  readonly baseDelayMs: number;
  /** The longest wait between tries, also for a Retry-After ICA sends. */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 1_000, maxDelayMs: 15_000 };
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export interface IcaClientOptions {
  /** The API base, from resolveIcaUrl. */
  readonly baseUrl: string;
  readonly auth: IcaAuth;
  /** @default DEFAULT_REQUEST_TIMEOUT_MS */
  readonly requestTimeoutMs?: number;
  /** @default DEFAULT_RETRY */
  readonly retry?: RetryPolicy;
  /** @default - setTimeout; tests pass a faster one */
  readonly sleep?: (ms: number) => Promise<void>;
}

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Retry-After in milliseconds (seconds or an HTTP date), or undefined when absent or unreadable. */
function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export class IcaClient {
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: IcaClientOptions) {
    this.timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.sleep = options.sleep ?? realSleep;
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  listRegions(): Promise<ApiRegion[]> {
    return this.list<ApiRegion>('/api/regions');
  }

  listStorageCredentials(): Promise<ApiStorageCredential[]> {
    return this.list<ApiStorageCredential>('/api/storageCredentials');
  }

  async createStorageCredential(body: object): Promise<ApiStorageCredential> {
    return this.object<ApiStorageCredential>('POST', '/api/storageCredentials', body);
  }

  async updateStorageCredentialSecrets(id: string, body: object): Promise<void> {
    await this.request('POST', `/api/storageCredentials/${encodeURIComponent(id)}:updateSecrets`, body);
  }

  listStorageConfigurations(): Promise<ApiStorageConfiguration[]> {
    return this.list<ApiStorageConfiguration>('/api/storageConfigurations');
  }

  getStorageConfiguration(id: string): Promise<ApiStorageConfiguration> {
    return this.object<ApiStorageConfiguration>('GET', `/api/storageConfigurations/${encodeURIComponent(id)}`);
  }

  createStorageConfiguration(body: object): Promise<ApiStorageConfiguration> {
    return this.object<ApiStorageConfiguration>('POST', '/api/storageConfigurations', body);
  }

  /** Starts validation; ICA answers 204 and reports the result later in the configuration's status. */
  async validateStorageConfiguration(id: string): Promise<void> {
    await this.request('POST', `/api/storageConfigurations/${encodeURIComponent(id)}:validate`);
  }

  private async list<T>(path: string): Promise<T[]> {
    const answer = await this.request('GET', path);
    const items = (answer as { items?: unknown } | undefined)?.items;
    if (!Array.isArray(items)) throw new IcaApiError(`GET ${path}`, 200, 'the answer holds no "items" list', 'check that --ica-url is ICA\'s API base (it ends in /ica/rest)', 1);
    return items as T[];
  }

  private async object<T extends { id: string }>(method: string, path: string, body?: object): Promise<T> {
    const answer = await this.request(method, path, body);
    if (typeof (answer as { id?: unknown } | undefined)?.id !== 'string') {
      throw new IcaApiError(`${method} ${path}`, 200, 'the answer holds no "id"', 'check that --ica-url is ICA\'s API base (it ends in /ica/rest)', 1);
    }
    return answer as T;
  }

  /** One request with its retries; resolves to the parsed JSON answer, or undefined for none. */
  async request(method: string, path: string, body?: object): Promise<unknown> {
    const request = `${method} ${path}`;
    const headers: Record<string, string> = { Accept: ICA_ACCEPT, ...authHeaders(this.options.auth) };
    if (body !== undefined) headers['Content-Type'] = ICA_MEDIA_TYPE;
    const { attempts, baseDelayMs, maxDelayMs } = this.retry;
    for (let attempt = 1; ; attempt += 1) {
      const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      let response: Response;
      try {
        response = await fetch(`${this.options.baseUrl}${path}`, {
          method,
          headers,
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          signal: AbortSignal.timeout(this.timeoutMs),
          // A redirect would carry X-API-Key to wherever it points.
          redirect: 'manual',
        });
      } catch (error) {
        const timedOut = (error as Error).name === 'TimeoutError';
        const happened = timedOut
          ? `no answer within ${this.timeoutMs / 1000} s`
          : `could not reach ${new URL(this.options.baseUrl).host}: ${((error as Error & { cause?: Error }).cause ?? error as Error).message}`;
        // Only a read is safe to send again when the first try may have arrived.
        if (method === 'GET' && attempt < attempts) { await this.sleep(backoff); continue; }
        throw new IcaApiError(request, undefined, happened, timedOut
          ? 'ICA is slow or unreachable: check the network and --ica-url, then run connect again'
          : 'check the network (proxy, firewall) and --ica-url, then run connect again', attempt);
      }
      const text = await response.text();
      if (response.status >= 300 && response.status < 400) {
        throw new IcaApiError(request, response.status, `ICA redirected to ${response.headers.get('location') ?? '(nowhere)'}`, 'give that address\'s API base as --ica-url', attempt);
      }
      if (response.ok) {
        if (text.trim() === '') return undefined;
        try {
          return JSON.parse(text) as unknown;
        } catch {
          throw new IcaApiError(request, response.status, `the answer is not JSON: ${problemText(text)}`, 'check that --ica-url is ICA\'s API base (it ends in /ica/rest)', attempt);
        }
      }
      const retriable = response.status === 429 || response.status >= 500;
      if (retriable && attempt < attempts) {
        await this.sleep(Math.min(maxDelayMs, retryAfterMs(response.headers.get('retry-after')) ?? backoff));
        continue;
      }
      throw new IcaApiError(request, response.status, problemText(text), fixForStatus(response.status), attempt);
    }
  }
}
