import { fileTypeFromFile } from 'file-type';
import type { FileType } from '../domain/kinds/index.js';

const BY_EXTENSION: Record<string, FileType> = { jpg: 'jpg', png: 'png', rar: 'rar', zip: 'zip', wav: 'wav', xlsx: 'xlsx' };

export const CONTENT_TYPES: Record<FileType, string> = {
  jpg: 'image/jpeg',
  png: 'image/png',
  rar: 'application/vnd.rar',
  zip: 'application/zip',
  wav: 'audio/wav',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/**
 * What a file is, judged by its bytes (magic numbers and, for spreadsheets, the zip's entries),
 * never by its name or the declared content type. `other` names what it is when we know.
 */
export async function sniffFile(path: string): Promise<{ type: FileType } | { type: null; detected: string | null }> {
  const found = await fileTypeFromFile(path);
  const type = found ? BY_EXTENSION[found.ext] : undefined;
  return type ? { type } : { type: null, detected: found?.ext ?? null };
}
