import { createHmac, randomBytes } from 'node:crypto';
import path from 'node:path';
import { type Config, publicUrl } from './config.ts';
import { storedSecret } from './stored-secret.ts';

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
  return {
    secret: Buffer.from(
      config.CITIZEN_LINK_SECRET ??
        storedSecret(path.join(config.DATA_DIR, 'citizen-link.secret'), () => randomBytes(32).toString('base64url')).trim(),
      'utf8',
    ),
    publicUrl: publicUrl(config),
  };
}

/**
 * The key workflow ids are pseudonymised under (HMAC-SHA-256): derived from the citizen-link
 * secret, so nothing new is configured, and unlike any key the links' tokens are made with.
 * Replicas given the same secret make the same ids (the dedupe of the abandoned caller's callback).
 */
export const workflowIdKey = (citizenLinkSecret: Buffer): Buffer =>
  createHmac('sha256', citizenLinkSecret).update('sportello:workflow-ids:v1').digest();
