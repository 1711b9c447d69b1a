import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from './config.ts';
import { storedSecret } from './stored-secret.ts';

/** The key every case's payload key is wrapped with (AES-256-GCM); never in the database. */
export interface PayloadMasterKey {
  key: Buffer;
  /** Its fingerprint, kept beside each wrapped key, so a rotated master key can tell its own apart. */
  id: string;
}

export function payloadMasterKey(config: Pick<Config, 'PAYLOAD_MASTER_KEY' | 'DATA_DIR'>): PayloadMasterKey {
  const configured = config.PAYLOAD_MASTER_KEY;
  const text = configured
    ? existsSync(configured)
      ? readFileSync(configured, 'utf8')
      : configured
    : storedSecret(path.join(config.DATA_DIR, 'payload-master.key'), () => randomBytes(32).toString('base64'));
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32)
    throw new Error('PAYLOAD_MASTER_KEY: must be 32 bytes in base64 (e.g. `openssl rand -base64 32`), or the path of a file holding that');
  return { key, id: createHash('sha256').update(key).digest('hex').slice(0, 16) };
}
