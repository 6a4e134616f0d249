import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Every file under `directory`, recursively, but inside terraform's working directory `.terraform`. */
export function filesUnder(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === '.terraform') return [];
    const path = join(directory, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}
