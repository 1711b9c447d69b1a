import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Config, publicUrl } from './config.ts';

/** What issuing a citizen's page link needs: the secret tokens are derived under, and the public base URL. */
export interface CitizenLinkKeys {
  secret: Buffer;
  publicUrl: string;
}

/**
 * The configured secret, or the one generated into the data directory the first time (mode 0600,
 * so only the service's user reads it). Replicas on other machines must be given the same value.
 */
export function citizenLinkKeys(
  config: Pick<Config, 'CITIZEN_LINK_SECRET' | 'DATA_DIR' | 'PUBLIC_URL' | 'HOST' | 'PORT'>,
): CitizenLinkKeys {
  return { secret: Buffer.from(config.CITIZEN_LINK_SECRET ?? storedSecret(config.DATA_DIR), 'utf8'), publicUrl: publicUrl(config) };
}

function storedSecret(dataDir: string): string {
  const file = path.join(dataDir, 'citizen-link.secret');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    // `wx`: of two processes starting together, one writes and the other reads what it wrote.
    try {
      writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  chmodSync(file, 0o600);
  return readFileSync(file, 'utf8').trim();
}
