/**
 * Just enough RFC 5322 / MIME to read back what nodemailer sends: unfolded headers, RFC 2047
 * encoded words, multipart bodies, base64 and quoted-printable, any charset TextDecoder knows.
 * Used by the dev mailbox; not a general-purpose mail parser (no attachments, no S/MIME).
 */

export interface ParsedMail {
  /** Header fields by lowercase name, each value unfolded and decoded; repeated fields keep every value. */
  headers: Map<string, string[]>;
  subject: string;
  from: string;
  to: string[];
  /** The Message-ID header with its angle brackets, or null. */
  messageId: string | null;
  text: string;
  html: string | null;
}

interface Part {
  headers: Map<string, string[]>;
  /** Body bytes as a latin1 ("binary") string: one char per byte. */
  body: string;
}

export function parseMail(raw: Buffer | string): ParsedMail {
  const bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
  const root = splitPart(bytes.toString('latin1'));
  let text: string | null = null;
  let html: string | null = null;
  walk(root, (part, type) => {
    const disposition = header(part.headers, 'content-disposition')?.toLowerCase() ?? '';
    if (disposition.startsWith('attachment')) return;
    if (type.value === 'text/plain' && text === null) text = decodeBody(part, type.params.get('charset'));
    else if (type.value === 'text/html' && html === null) html = decodeBody(part, type.params.get('charset'));
  });
  const to = (header(root.headers, 'to') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  return {
    headers: root.headers,
    subject: header(root.headers, 'subject') ?? '',
    from: header(root.headers, 'from') ?? '',
    to,
    messageId: header(root.headers, 'message-id')?.trim() ?? null,
    text: text ?? '',
    html,
  };
}

function header(headers: Map<string, string[]>, name: string): string | undefined {
  return headers.get(name)?.[0];
}

function walk(part: Part, visit: (part: Part, type: ContentType) => void, depth = 0): void {
  const type = parseContentType(header(part.headers, 'content-type'));
  if (type.value.startsWith('multipart/') && depth < 10) {
    const boundary = type.params.get('boundary');
    if (!boundary) return;
    for (const child of splitMultipart(part.body, boundary)) walk(splitPart(child), visit, depth + 1);
    return;
  }
  visit(part, type);
}

/** Splits a latin1 message or body part into decoded headers and the raw body. */
function splitPart(source: string): Part {
  const m = /\r?\n\r?\n/.exec(source);
  const head = m ? source.slice(0, m.index) : source;
  const body = m ? source.slice(m.index + m[0].length) : '';
  const headers = new Map<string, string[]>();
  const unfolded = head.replace(/\r?\n(?=[ \t])/g, '');
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    // Raw 8-bit header bytes (SMTPUTF8) are UTF-8; encoded words are decoded after.
    const value = decodeEncodedWords(Buffer.from(line.slice(colon + 1).trim(), 'latin1').toString('utf8'));
    const list = headers.get(name);
    if (list) list.push(value);
    else headers.set(name, [value]);
  }
  return { headers, body };
}

function splitMultipart(body: string, boundary: string): string[] {
  const parts: string[] = [];
  const delimiter = `--${boundary}`;
  const lines = body.split(/\r?\n/);
  let current: string[] | null = null;
  for (const line of lines) {
    const trimmed = line.trimEnd();
    if (trimmed === `${delimiter}--`) {
      if (current) parts.push(current.join('\r\n'));
      return parts;
    }
    if (trimmed === delimiter) {
      if (current) parts.push(current.join('\r\n'));
      current = [];
      continue;
    }
    current?.push(line);
  }
  if (current) parts.push(current.join('\r\n'));
  return parts;
}

interface ContentType {
  value: string;
  params: Map<string, string>;
}

function parseContentType(raw: string | undefined): ContentType {
  if (!raw) return { value: 'text/plain', params: new Map() };
  const [value = '', ...rest] = raw.split(';');
  const params = new Map<string, string>();
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    const key = p.slice(0, eq).trim().toLowerCase();
    let v = p.slice(eq + 1).trim();
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    params.set(key, v);
  }
  return { value: value.trim().toLowerCase(), params };
}

function decodeBody(part: Part, charset: string | undefined): string {
  const cte = (header(part.headers, 'content-transfer-encoding') ?? '7bit').trim().toLowerCase();
  let bytes: Buffer;
  if (cte === 'base64') bytes = Buffer.from(part.body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  else if (cte === 'quoted-printable') bytes = decodeQuotedPrintable(part.body);
  else bytes = Buffer.from(part.body, 'latin1');
  return decodeCharset(bytes, charset).replace(/\r\n/g, '\n');
}

export function decodeQuotedPrintable(latin1: string): Buffer {
  const s = latin1.replace(/[ \t]+(?=\r?\n)/g, '').replace(/=\r?\n/g, '');
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x3d /* = */ && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      out.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      out.push(c & 0xff);
    }
  }
  return Buffer.from(out);
}

function decodeCharset(bytes: Buffer, charset: string | undefined): string {
  try {
    return new TextDecoder(charset?.trim() || 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

/** RFC 2047: `=?UTF-8?B?...?=` and `=?UTF-8?Q?...?=`; whitespace between adjacent words is dropped. */
export function decodeEncodedWords(value: string): string {
  const word = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;
  const joined = value.replace(/(=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)\s+(?==\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)/g, '$1');
  // Adjacent words of one charset are decoded together: a multi-byte character may be split between them.
  const chunks: { charset: string; bytes: Buffer }[] = [];
  let out = '';
  let last = 0;
  const flush = (): void => {
    for (const c of chunks) out += decodeCharset(c.bytes, c.charset.split('*')[0]);
    chunks.length = 0;
  };
  for (const m of joined.matchAll(word)) {
    const [all, charset = 'utf-8', enc = 'B', text = ''] = m;
    const index = m.index;
    if (index > last) {
      flush();
      out += joined.slice(last, index);
    }
    const bytes = enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : decodeQuotedPrintable(text.replace(/_/g, ' '));
    const prev = chunks[chunks.length - 1];
    if (prev && prev.charset.toLowerCase() === charset.toLowerCase()) prev.bytes = Buffer.concat([prev.bytes, bytes]);
    else chunks.push({ charset, bytes });
    last = index + all.length;
  }
  flush();
  return out + joined.slice(last);
}
