import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createFieldCipher, type FieldCipher } from '../db/sealed-field.js';
import type { Config } from './config.js';

/**
 * The key that seals ID numbers: FIELD_ENCRYPTION_KEY when given (every web process of a
 * deployment must share it), else one generated on first start and kept in DATA_DIR/field-key.
 */
export async function fieldCipherFor(config: Config): Promise<FieldCipher> {
  return createFieldCipher(await fieldKeyFor(config));
}

/** The key itself (what `npm start` hands its web and worker processes). */
export async function fieldKeyFor(config: Config): Promise<Buffer> {
  if (config.fieldKey) return config.fieldKey;
  const file = path.join(config.dataDir, 'field-key');
  let key = await fs.readFile(file).catch(() => undefined);
  if (!key) {
    await fs.mkdir(config.dataDir, { recursive: true });
    await fs.writeFile(file, randomBytes(32), { mode: 0o600, flag: 'wx' }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
    key = await fs.readFile(file);
  }
  return key;
}
