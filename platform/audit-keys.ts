import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Config } from './config.ts';
import { storedSecret } from './stored-secret.ts';

/**
 * What seals and checks the audit trail and is never in the database: the Ed25519 key the batch
 * heads are signed with, and the anchor directory every signed head is also appended to, so that
 * someone who can rewrite the database can neither forge a head nor rewind a chain unnoticed.
 */
export interface AuditKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The public key's fingerprint, kept with each batch (so a future key rotation can tell keys apart). */
  keyId: string;
  anchorDir: string;
}

export function auditKeys(config: Pick<Config, 'AUDIT_SIGNING_KEY' | 'AUDIT_ANCHOR_DIR' | 'DATA_DIR'>): AuditKeys {
  const configured = config.AUDIT_SIGNING_KEY;
  const pem = configured
    ? configured.includes('-----BEGIN')
      ? configured
      : readFileSync(configured, 'utf8')
    : storedSecret(path.join(config.DATA_DIR, 'audit-signing.key'), () =>
        generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      );
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('AUDIT_SIGNING_KEY must be an Ed25519 private key (PEM)');
  const publicKey = createPublicKey(privateKey);
  const keyId = createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
  return { privateKey, publicKey, keyId, anchorDir: config.AUDIT_ANCHOR_DIR ?? path.join(config.DATA_DIR, 'audit-anchor') };
}

// Domain separation: a signature over a head is never a valid signature of anything else.
const signed = (head: string) => Buffer.from(`sportello-audit-head\n${head}`);
export const signHead = (keys: AuditKeys, head: string): string => sign(null, signed(head), keys.privateKey).toString('base64');
export function headSignatureHolds(keys: AuditKeys, head: string, signature: string): boolean {
  try {
    return verify(null, signed(head), keys.publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** One signed head as the anchor keeps it, one JSON line per batch. */
export interface AnchoredHead {
  chain: string;
  batch: number;
  lastSeq: number;
  head: string;
  keyId: string;
  signature: string;
  sealedAt: string;
}

// One file per chain, so the latest head is the file's last line; '*' and anything unusual in a
// chain's name is percent-encoded.
const anchorFile = (dir: string, chain: string) =>
  path.join(dir, `${chain.replace(/[^a-z0-9_-]/gi, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)}.jsonl`);

/** Appends a head to its chain's anchor file (O_APPEND: a line is written whole or not at all). */
export function anchorHead(keys: AuditKeys, h: AnchoredHead): void {
  mkdirSync(keys.anchorDir, { recursive: true, mode: 0o700 });
  appendFileSync(anchorFile(keys.anchorDir, h.chain), `${JSON.stringify(h)}\n`, { mode: 0o600 });
}

/** The chain's latest anchored head, read from the end of its file; null when none was anchored. */
export function latestAnchoredHead(keys: AuditKeys, chain: string): AnchoredHead | null {
  const file = anchorFile(keys.anchorDir, chain);
  if (!existsSync(file)) return null;
  const size = statSync(file).size;
  const fd = openSync(file, 'r');
  try {
    for (let span = 4096; ; span *= 2) {
      const length = Math.min(span, size);
      const buf = Buffer.alloc(length);
      readSync(fd, buf, 0, length, size - length);
      const lines = buf.toString('utf8').split('\n').filter(Boolean);
      // The first line of a partial read may be cut: only trusted when the read reached the start.
      if (lines.length >= 2 || length === size) return lines.length ? (JSON.parse(lines.at(-1)!) as AnchoredHead) : null;
    }
  } finally {
    closeSync(fd);
  }
}
