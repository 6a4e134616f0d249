import { App } from 'cdktf';
import { join } from 'node:path';
import { ResolvedConfig } from '../core/validate';
import { IcaConnectStack } from './ica-connect-stack';

export interface SynthOptions {
  /** Directory cdktf writes to. @default 'cdktf.out' */
  readonly outdir?: string;
  /** Emulator endpoint (moto, LocalStack). @default - real AWS */
  readonly endpointUrl?: string;
}

/** Synthesizes the stack for a config; returns the path of its `cdk.tf.json`. */
export function synthesize(config: ResolvedConfig, options: SynthOptions = {}): string {
  const outdir = options.outdir ?? 'cdktf.out';
  const app = new App({ outdir, skipValidation: false });
  new IcaConnectStack(app, config.name, { config, endpointUrl: options.endpointUrl });
  app.synth();
  return join(outdir, 'stacks', config.name, 'cdk.tf.json');
}
