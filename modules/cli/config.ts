import { configName, readConfigText } from '../core/config-file';
import { ConfigProblem, formatProblems, loadConfigFile, ResolvedConfig } from '../core/validate';
import { Output } from './output';

/** A valid config and the text it was read from. */
export interface ConfigSource {
  readonly config: ResolvedConfig;
  readonly text: string;
}

/**
 * Reads ("-": standard input) and validates the config for a command, reading it once. On
 * problems it prints them all and returns undefined (the command exits 1); warnings go to stderr
 * either way.
 */
export function loadConfigSourceOrReport(path: string, out: Output): ConfigSource | undefined {
  const source = readConfigText(path);
  if (!source.ok) return reportProblems(path, source.problems, out);
  const result = loadConfigFile(path, source.text);
  for (const warning of result.warnings) out.error(`warning: ${warning}`);
  if (!result.ok) return reportProblems(path, result.problems, out);
  return { config: result.config, text: source.text };
}

function reportProblems(path: string, problems: readonly ConfigProblem[], out: Output): undefined {
  out.error(`${configName(path)}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${formatProblems(problems)}`);
  return undefined;
}

/** loadConfigSourceOrReport for the commands that need only the config. */
export function loadConfigOrReport(path: string, out: Output): ResolvedConfig | undefined {
  return loadConfigSourceOrReport(path, out)?.config;
}
