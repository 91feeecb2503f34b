import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Credentials Forewarn must give back to a vendor (a helpdesk's api token), stored encrypted with
 * AES-256-GCM under a key derived from `FOREWARN_SECRET` (HKDF-SHA256). The envelope names its
 * format version and which key sealed it, so a key can be rotated: a reader holding the current
 * and the previous secret opens what either sealed, and says plainly when neither did.
 *
 *     fw1.<key id>.<iv>.<ciphertext>.<tag>      (base64url parts)
 *
 * The envelope is bound to what it belongs to (`context`, e.g. the source's name), so a sealed
 * token copied onto another source does not open there.
 */
const VERSION = 'fw1';
const HKDF_SALT = 'forewarn';
const HKDF_INFO = 'forewarn sealed credentials v1';

export interface SealingKey {
  /** Eight hex digits naming the key (a hash of it, never the key): which secret sealed an envelope. */
  readonly id: string;
  readonly key: Buffer;
}

export class SealedSecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SealedSecretError';
  }
}

/** The key a secret (FOREWARN_SECRET) gives: the same secret always gives the same key. */
export function sealingKey(secret: string): SealingKey {
  const key = Buffer.from(hkdfSync('sha256', secret, HKDF_SALT, HKDF_INFO, 32));
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 8), key };
}

export function seal(plain: string, key: SealingKey, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv);
  cipher.setAAD(Buffer.from(`${VERSION}.${key.id}.${context}`));
  const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [VERSION, key.id, iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

/** Opens an envelope with whichever of `keys` sealed it; a SealedSecretError says why it cannot be opened (never what it holds). */
export function unseal(sealed: string, keys: readonly SealingKey[], context: string): string {
  const parts = sealed.split('.');
  if (parts.length !== 5 || parts[0] !== VERSION) throw new SealedSecretError(`not a sealed credential of a known version (expected ${VERSION})`);
  const [version, keyId, iv, ciphertext, tag] = parts;
  const key = keys.find((k) => k.id === keyId);
  if (!key) throw new SealedSecretError(`sealed under another FOREWARN_SECRET (key ${keyId}; this process has ${keys.map((k) => k.id).join(', ')})`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(`${version}.${keyId}.${context}`));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SealedSecretError(`damaged, or sealed for something other than ${context}`);
  }
}

/** The id of the key an envelope was sealed with, or null when it is not an envelope. */
export const sealedKeyId = (sealed: string): string | null => {
  const parts = sealed.split('.');
  return parts.length === 5 && parts[0] === VERSION ? parts[1] : null;
};
