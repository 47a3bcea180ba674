import type { FileType } from '../domain/kinds/index.js';

/** The extensions a saved file of each judged type may keep; the first is the one given when it has none of them. */
const EXTENSIONS: Record<FileType, readonly string[]> = {
  jpg: ['jpg', 'jpeg'],
  png: ['png'],
  rar: ['rar'],
  zip: ['zip'],
  wav: ['wav'],
  xlsx: ['xlsx'],
};

/**
 * The name a stored file is downloaded under: the uploader's name, with its extension made the
 * one its content was judged to be. A browser or desktop opens a saved file by its extension, so
 * a JPEG+HTML polyglot called `x.html` must arrive as `x.jpg`, never as a page that runs script.
 * A name with no type judged (nothing stored without one) gets `.bin`.
 */
export function downloadName(originalName: string, type: FileType | null | undefined): string {
  const allowed = type ? EXTENSIONS[type] : undefined;
  const dot = originalName.lastIndexOf('.');
  const stem = dot > 0 ? originalName.slice(0, dot) : originalName;
  const ext = dot > 0 ? originalName.slice(dot + 1).toLowerCase() : '';
  if (allowed?.includes(ext)) return originalName;
  // Trailing dots and spaces are dropped by some systems, which would bring a hidden extension back.
  const base = stem.replace(/[.\s]+$/u, '') || 'file';
  return `${base}.${allowed?.[0] ?? 'bin'}`;
}

/** A Content-Disposition header naming the file by its judged type, its name encoded (RFC 6266/5987). */
export function contentDisposition(disposition: 'inline' | 'attachment', originalName: string, type: FileType | null | undefined): string {
  return `${disposition}; filename*=UTF-8''${encodeURIComponent(downloadName(originalName, type))}`;
}
