import type { Prng } from './prng.js';

/** One part of a multipart body, with whatever headers it is given. */
export interface Part {
  name: string;
  /** A file part when set (the name the uploader claims). */
  filename?: string;
  contentType?: string;
  /** Extra header lines, or instead of the usual ones when `rawHeaders` is set. */
  headers?: string[];
  rawHeaders?: boolean;
  body: Buffer | string;
}

export interface MultipartOptions {
  /** Line breaks: CRLF by the book, LF as sloppy clients write. */
  newline?: '\r\n' | '\n';
  /** Bytes before the first boundary (ignored by the standard). */
  preamble?: string;
  /** Leave out the closing `--boundary--`. */
  unterminated?: boolean;
}

const quote = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

/** A multipart/form-data body built byte by byte, so it can be broken on purpose. */
export function multipartBody(boundary: string, parts: Part[], opts: MultipartOptions = {}): Buffer {
  const nl = opts.newline ?? '\r\n';
  const chunks: Buffer[] = [];
  if (opts.preamble) chunks.push(Buffer.from(opts.preamble + nl));
  for (const p of parts) {
    const lines = p.rawHeaders
      ? (p.headers ?? [])
      : [
          `Content-Disposition: form-data; name="${quote(p.name)}"${p.filename === undefined ? '' : `; filename="${quote(p.filename)}"`}`,
          ...(p.contentType ? [`Content-Type: ${p.contentType}`] : p.filename !== undefined ? ['Content-Type: application/octet-stream'] : []),
          ...(p.headers ?? []),
        ];
    chunks.push(Buffer.from(`--${boundary}${nl}${lines.join(nl)}${nl}${nl}`, 'utf8'));
    chunks.push(Buffer.isBuffer(p.body) ? p.body : Buffer.from(p.body, 'utf8'));
    chunks.push(Buffer.from(nl));
  }
  if (!opts.unterminated) chunks.push(Buffer.from(`--${boundary}--${nl}`));
  return Buffer.concat(chunks);
}

export const newBoundary = (rng: Prng) => `----vrdfuzz${rng.int(0, 0xffffffff).toString(16)}${rng.int(0, 0xffffffff).toString(16)}`;

/** The parts of a form: text fields then files. */
export function formParts(fields: Record<string, string>, files: Record<string, { name: string; content: Buffer; type?: string }>): Part[] {
  return [
    ...Object.entries(fields).map(([name, body]) => ({ name, body })),
    ...Object.entries(files).map(([name, f]) => ({ name, filename: f.name, contentType: f.type ?? 'application/octet-stream', body: f.content })),
  ];
}
