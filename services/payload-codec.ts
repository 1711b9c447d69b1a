import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Payload, PayloadCodec, SerializationContext } from '@temporalio/common';
// A CommonJS module: Node's ESM loader gives it whole, as the default export.
import proto from '@temporalio/proto';
import type { Db } from '../db/connection.ts';
import { insertPayloadKey, payloadKey } from '../db/payload-keys.repository.ts';
import type { PayloadMasterKey } from '../platform/payload-master-key.ts';

/**
 * Temporal holds every workflow input, result, signal, update, query answer and activity argument
 * of a case — names, phones, fiscal codes, IBANs. This codec encrypts each payload with AES-256-GCM
 * under a key of the workflow it belongs to (a case's workflow id is its case id), so histories
 * and the Temporal UI show ciphertext; the keys live in PostgreSQL wrapped by the master key of the
 * configuration. Destroying a case's key erases its data from Temporal for good.
 *
 * Payloads written before the codec (plain JSON) are read as they are, so old histories replay.
 */
export const encryptedEncoding = 'binary/encrypted';
const keyIdField = 'encryption-key-id';
const { Payload: PayloadProto } = proto.temporal.api.common.v1;
/** For payloads without a workflow (none of ours today): one shared key. */
export const platformKeyId = 'platform';

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString('utf8') : undefined);

/** nonce ‖ ciphertext ‖ tag, authenticated with `aad` (the key id: a ciphertext moved to another key fails). */
function seal(key: Buffer, plain: Uint8Array, aad: string): Buffer {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce).setAAD(Buffer.from(aad));
  return Buffer.concat([nonce, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}
function open(key: Buffer, sealed: Uint8Array, aad: string): Buffer {
  const b = Buffer.from(sealed);
  const decipher = createDecipheriv('aes-256-gcm', key, b.subarray(0, 12)).setAAD(Buffer.from(aad));
  decipher.setAuthTag(b.subarray(b.length - 16));
  return Buffer.concat([decipher.update(b.subarray(12, b.length - 16)), decipher.final()]);
}

/** The payload's key is destroyed (the case was erased): its content is gone. */
export class PayloadKeyDestroyed extends Error {
  constructor(readonly keyId: string) {
    super(`the payload key of ${keyId} was destroyed: its data is erased`);
    this.name = 'PayloadKeyDestroyed';
  }
}

export const isEncrypted = (p: Payload) => text(p.metadata?.encoding) === encryptedEncoding;
export const keyIdOf = (p: Payload) => text(p.metadata?.[keyIdField]) ?? platformKeyId;

// Keys are read once per process and kept a while: a destroyed key stops decoding in every
// process within this time.
const cacheTtlMs = 5 * 60_000;
const cacheMax = 20_000;

export class PayloadCipher implements PayloadCodec {
  private readonly cache = new Map<string, { key: Promise<Buffer | null>; until: number }>();

  constructor(
    private readonly db: Db,
    private readonly master: PayloadMasterKey,
  ) {}

  async encode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    if (!payloads.length) return payloads;
    const keyId = context?.workflowId ?? platformKeyId;
    const key = await this.key(keyId, true);
    if (!key) throw new PayloadKeyDestroyed(keyId);
    return payloads.map((p) => ({
      metadata: { encoding: utf8(encryptedEncoding), [keyIdField]: utf8(keyId) },
      data: seal(key, PayloadProto.encode(p).finish(), keyId),
    }));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.all(
      payloads.map(async (p) => {
        if (!isEncrypted(p)) return p;
        const keyId = keyIdOf(p);
        const key = await this.key(keyId, false);
        if (!key) throw new PayloadKeyDestroyed(keyId);
        return PayloadProto.decode(open(key, p.data ?? new Uint8Array(), keyId));
      }),
    );
  }

  /** Drops keys from this process's cache (an erasure destroyed them): the next use reads them again. */
  forget(ids: readonly string[]): void {
    for (const id of ids) this.cache.delete(id);
  }

  /** The workflow's key (made on its first payload when `create`); null once destroyed. */
  private key(id: string, create: boolean): Promise<Buffer | null> {
    const now = Date.now();
    const hit = this.cache.get(id);
    if (hit && hit.until > now) return hit.key;
    const key = this.load(id, create);
    if (this.cache.size >= cacheMax) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(id, { key, until: now + cacheTtlMs });
    // A failed read is not remembered.
    key.catch(() => this.cache.delete(id));
    return key;
  }

  private async load(id: string, create: boolean): Promise<Buffer | null> {
    let row = await payloadKey(this.db, id);
    if (!row && create) {
      const wrapped = seal(this.master.key, randomBytes(32), id);
      row = await insertPayloadKey(this.db, { id, wrapped, master_key_id: this.master.id });
    }
    if (!row) throw new Error(`no payload key ${id}`);
    if (!row.wrapped) return null;
    if (row.master_key_id !== this.master.id)
      throw new Error(`payload key ${id} is wrapped with another master key (${row.master_key_id})`);
    return open(this.master.key, row.wrapped, id);
  }
}

/** The failure converter's module; workflow bundles are built with it too (`bundleWorkflowCode`). */
export const failureConverterPath = fileURLToPath(new URL('./failure-converter.cjs', import.meta.url));

/** The data converter of every Temporal client and worker of the platform. */
export const dataConverter = (db: Db, master: PayloadMasterKey) => ({
  payloadCodecs: [new PayloadCipher(db, master)],
  failureConverterPath,
});
