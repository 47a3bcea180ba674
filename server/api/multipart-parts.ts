/**
 * Counting the parts of a multipart body apart from the parser, to hold it to what the parser
 * quietly lets through: busboy skips a part with no `Content-Disposition: form-data` header (a
 * delimiter line sent twice makes one) and everything after the closing delimiter, so a form
 * with such a part would be taken as if it were not there.
 */

/** Every `boundary` parameter of a multipart Content-Type (more than one is ambiguous). */
export function boundariesOf(contentType: string | undefined): string[] {
  return [...(contentType ?? '').matchAll(/;\s*boundary\s*=\s*(?:"([^"]*)"|([^;\s]*))/gi)].map((m) => m[1] ?? m[2] ?? '');
}

/**
 * Counts the delimiter lines that open a part (`--boundary` at the start or after CRLF, not the
 * closing `--boundary--`) in a body fed chunk by chunk.
 */
export class PartCounter {
  private readonly open: Buffer;
  private readonly close: Buffer;
  private carry: Buffer;
  private opened = 0;
  private closed = 0;

  constructor(boundary: string) {
    this.open = Buffer.from(`\r\n--${boundary}`, 'latin1');
    this.close = Buffer.from(`\r\n--${boundary}--`, 'latin1');
    // The first delimiter may open the body without a line break before it.
    this.carry = Buffer.from('\r\n');
  }

  push(chunk: Buffer): void {
    const data = Buffer.concat([this.carry, chunk]);
    // A match is counted where it ends in this chunk's bytes: never twice across the carry.
    const from = this.carry.length;
    this.opened += matchesEndingAfter(data, this.open, from);
    this.closed += matchesEndingAfter(data, this.close, from);
    this.carry = data.subarray(Math.max(0, data.length - this.close.length + 1));
  }

  /** Parts opened so far. */
  get parts(): number {
    return this.opened - this.closed;
  }
}

function matchesEndingAfter(data: Buffer, needle: Buffer, from: number): number {
  let n = 0;
  for (let at = data.indexOf(needle); at >= 0; at = data.indexOf(needle, at + 1)) if (at + needle.length > from) n += 1;
  return n;
}
