import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Seals personal data that must be stored but must not be readable from a dump or a query log
 * (ID numbers). The key lives outside the database (FIELD_ENCRYPTION_KEY or a key file).
 */
export interface FieldCipher {
  seal(plain: string): string;
  open(sealed: string): string;
  /**
   * A keyed digest: equal values give equal digests (to find the same ID number elsewhere) while
   * the digest, without the key, tells nothing of the value.
   */
  digest(plain: string): string;
}

export function createFieldCipher(key: Buffer): FieldCipher {
  if (key.length !== 32) throw new Error('the field encryption key must be 32 bytes');
  // Its own key, derived from the sealing key, so a digest never reuses the cipher's key.
  const digestKey = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'voice-review-desk field digest', 32));
  return {
    digest(plain) {
      return createHmac('sha256', digestKey).update(plain, 'utf8').digest('base64url');
    },
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join(':');
    },
    open(sealed) {
      const [version, iv, tag, body] = sealed.split(':');
      if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('not a sealed field');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}
