import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A secret generated into the data directory the first time it is asked for, then read back (mode
 * 0600: only the service's user reads it). Replicas on other machines must be configured with it.
 */
export function storedSecret(file: string, generate: () => string): string {
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    // `wx`: of two processes starting together, one writes and the other reads what it wrote.
    try {
      writeFileSync(file, generate(), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  chmodSync(file, 0o600);
  return readFileSync(file, 'utf8');
}
