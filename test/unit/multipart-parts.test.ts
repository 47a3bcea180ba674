import { describe, expect, it } from 'vitest';
import { boundariesOf, PartCounter } from '../../server/api/multipart-parts.js';

const body = (boundary: string) =>
  Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--${boundary}\r\n--${boundary}\r\nContent-Disposition: form-data; name="b"\r\n\r\ny\r\n--${boundary}--\r\n--${boundary}\r\nafter the end\r\n`);

describe('counting the parts of a multipart body', () => {
  it('when a body is fed whole or in chunks of any size, then the parts it opens are counted the same: a delimiter twice and a part after the end count too', () => {
    const whole = new PartCounter('XB');
    whole.push(body('XB'));
    expect(whole.parts).toBe(4);
    for (const size of [1, 2, 3, 5, 7, 13]) {
      const counter = new PartCounter('XB');
      const bytes = body('XB');
      for (let at = 0; at < bytes.length; at += size) counter.push(bytes.subarray(at, at + size));
      expect(counter.parts, `chunks of ${size}`).toBe(4);
    }
  });

  it('when the boundary text appears inside a value without a line break before it, then it is not a delimiter', () => {
    const counter = new PartCounter('b');
    counter.push(Buffer.from('--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nx--b y\r\n--b--\r\n'));
    expect(counter.parts).toBe(1);
  });

  it('when a Content-Type names its boundary once, quoted or not, or twice, then each is found', () => {
    expect(boundariesOf('multipart/form-data; boundary=XB')).toEqual(['XB']);
    expect(boundariesOf('multipart/form-data; boundary="a b"; charset=utf-8')).toEqual(['a b']);
    expect(boundariesOf('multipart/form-data; boundary=a; BOUNDARY=b')).toEqual(['a', 'b']);
    expect(boundariesOf('multipart/form-data')).toEqual([]);
    expect(boundariesOf(undefined)).toEqual([]);
  });
});
