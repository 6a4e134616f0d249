import { App } from 'cdktf';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ResolvedConfig } from '../core/validate';
import { IcaConnectStack } from './ica-connect-stack';

export interface SynthOptions {
  /** Directory cdktf writes to. @default 'cdktf.out' */
  readonly outdir?: string;
  /** Emulator endpoint (moto, LocalStack). @default - real AWS */
  readonly endpointUrl?: string;
  /** Local backend state file. @default - terraform.<name>.tfstate in the current directory */
  readonly localStatePath?: string;
}

/** Synthesizes the stack for a config; returns the path of its `cdk.tf.json`. */
export function synthesize(config: ResolvedConfig, options: SynthOptions = {}): string {
  const outdir = options.outdir ?? 'cdktf.out';
  // cdktf creates only the last folder of the path.
  mkdirSync(outdir, { recursive: true });
  const app = new App({ outdir, skipValidation: false });
  new IcaConnectStack(app, config.name, { config, endpointUrl: options.endpointUrl, localStatePath: options.localStatePath });
  app.synth();
  return join(outdir, 'stacks', config.name, 'cdk.tf.json');
}
