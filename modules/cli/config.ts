import { formatProblems, loadConfigFile, ResolvedConfig } from '../core/validate';
import { Output } from './output';

/**
 * Loads and validates the config for a command. On problems it prints them all and returns
 * undefined (the command exits 1); warnings go to stderr either way.
 */
export function loadConfigOrReport(path: string, out: Output): ResolvedConfig | undefined {
  const result = loadConfigFile(path);
  for (const warning of result.warnings) out.error(`warning: ${warning}`);
  if (!result.ok) {
    const count = result.problems.length;
    out.error(`${path}: ${count} problem${count === 1 ? '' : 's'}\n${formatProblems(result.problems)}`);
    return undefined;
  }
  return result.config;
}
