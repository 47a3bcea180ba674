/**
 * Real WAV files for tests, built by the book (RIFF, fmt, optional LIST, data) with a tone in
 * them, and the ways a header can lie, made by editing one field of a valid file.
 */

export type WavEncoding = 'pcm_16' | 'pcm_8' | 'pcm_24' | 'float_32' | 'alaw' | 'mulaw';

export interface WavOptions {
  encoding?: WavEncoding;
  sampleRate?: number;
  channels?: number;
  seconds?: number;
  /** A LIST/INFO chunk before the audio data, as many editors write. */
  info?: string;
  /** Write the format as WAVE_FORMAT_EXTENSIBLE. */
  extensible?: boolean;
}

const TAGS: Record<WavEncoding, number> = { pcm_16: 1, pcm_8: 1, pcm_24: 1, float_32: 3, alaw: 6, mulaw: 7 };
const BITS: Record<WavEncoding, number> = { pcm_16: 16, pcm_8: 8, pcm_24: 24, float_32: 32, alaw: 8, mulaw: 8 };

const SEG_END = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];

/** G.711 A-law of a 16-bit sample (the reference algorithm). */
export function linearToAlaw(sample: number): number {
  let pcm = sample >> 3;
  let mask: number;
  if (pcm >= 0) mask = 0xd5;
  else {
    mask = 0x55;
    pcm = -pcm - 1;
  }
  const seg = SEG_END.findIndex((end) => pcm <= end);
  if (seg < 0) return 0x7f ^ mask;
  const aval = (seg << 4) | (seg < 2 ? (pcm >> 1) & 0xf : (pcm >> seg) & 0xf);
  return aval ^ mask;
}

/** G.711 μ-law of a 16-bit sample. */
export function linearToMulaw(sample: number): number {
  const BIAS = 0x84;
  let pcm = Math.max(-32635, Math.min(32635, sample));
  const mask = pcm < 0 ? 0x7f : 0xff;
  pcm = Math.abs(pcm) + BIAS;
  let seg = 0;
  for (let v = pcm >> 7; v > 1 && seg < 7; v >>= 1) seg++;
  return ((seg << 4) | ((pcm >> (seg + 3)) & 0xf)) ^ mask;
}

/** A WAV file holding a 440 Hz tone. */
export function wavFile(opts: WavOptions = {}): Buffer {
  const encoding = opts.encoding ?? 'pcm_16';
  const sampleRate = opts.sampleRate ?? 8000;
  const channels = opts.channels ?? 1;
  const bits = BITS[encoding];
  const blockAlign = (channels * bits) / 8;
  const frames = Math.round((opts.seconds ?? 1) * sampleRate);
  const data = Buffer.alloc(frames * blockAlign);
  for (let i = 0; i < frames; i++) {
    const v = Math.sin((2 * Math.PI * 440 * i) / sampleRate) * 0.5;
    const s16 = Math.round(v * 32767);
    for (let c = 0; c < channels; c++) {
      const at = i * blockAlign + (c * bits) / 8;
      if (encoding === 'pcm_16') data.writeInt16LE(s16, at);
      else if (encoding === 'pcm_8') data.writeUInt8(s16 / 256 + 128 | 0, at);
      else if (encoding === 'pcm_24') data.writeIntLE(s16 * 256, at, 3);
      else if (encoding === 'float_32') data.writeFloatLE(v, at);
      else if (encoding === 'alaw') data.writeUInt8(linearToAlaw(s16), at);
      else data.writeUInt8(linearToMulaw(s16), at);
    }
  }

  const fmt = Buffer.alloc(opts.extensible ? 40 : 16);
  fmt.writeUInt16LE(opts.extensible ? 0xfffe : TAGS[encoding], 0);
  fmt.writeUInt16LE(channels, 2);
  fmt.writeUInt32LE(sampleRate, 4);
  fmt.writeUInt32LE(sampleRate * blockAlign, 8);
  fmt.writeUInt16LE(blockAlign, 12);
  fmt.writeUInt16LE(bits, 14);
  if (opts.extensible) {
    fmt.writeUInt16LE(22, 16);
    fmt.writeUInt16LE(bits, 18);
    fmt.writeUInt32LE(channels === 1 ? 0x4 : 0x3, 20);
    // KSDATAFORMAT_SUBTYPE_*: the format tag, then the fixed GUID tail.
    fmt.writeUInt16LE(TAGS[encoding], 24);
    Buffer.from('000000001000800000aa00389b71', 'hex').copy(fmt, 26);
  }
  const chunks = [chunk('fmt ', fmt)];
  if (opts.info !== undefined) chunks.push(chunk('LIST', Buffer.concat([Buffer.from('INFO'), chunk('INAM', Buffer.from(`${opts.info}\0`))])));
  chunks.push(chunk('data', data));
  const body = Buffer.concat([Buffer.from('WAVE'), ...chunks]);
  const head = Buffer.alloc(8);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body]);
}

function chunk(id: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.write(id, 0, 'latin1');
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body, body.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

/** Where a chunk's header starts in a file (for editing its fields). */
export function chunkOffset(wav: Buffer, id: string): number {
  for (let at = 12; at + 8 <= wav.length; at += 8 + wav.readUInt32LE(at + 4) + (wav.readUInt32LE(at + 4) % 2)) {
    if (wav.toString('latin1', at, at + 4) === id) return at;
  }
  throw new Error(`no ${id} chunk`);
}

/** A copy of a WAV with one header field changed. */
export function editWav(wav: Buffer, edit: { riffSize?: number; dataSize?: number; channels?: number; sampleRate?: number; blockAlign?: number; riffId?: string }): Buffer {
  const out = Buffer.from(wav);
  const fmt = chunkOffset(out, 'fmt ') + 8;
  if (edit.riffId !== undefined) out.write(edit.riffId, 0, 'latin1');
  if (edit.riffSize !== undefined) out.writeUInt32LE(edit.riffSize, 4);
  if (edit.dataSize !== undefined) out.writeUInt32LE(edit.dataSize, chunkOffset(wav, 'data') + 4);
  if (edit.channels !== undefined) out.writeUInt16LE(edit.channels, fmt + 2);
  if (edit.sampleRate !== undefined) out.writeUInt32LE(edit.sampleRate, fmt + 4);
  if (edit.blockAlign !== undefined) out.writeUInt16LE(edit.blockAlign, fmt + 12);
  return out;
}

/** An MP3 by its content (an ID3v2 tag, then MPEG-1 Layer III frames): what a renamed .wav really is. */
export function mp3File(frames = 20): Buffer {
  const id3 = Buffer.from([0x49, 0x44, 0x33, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]);
  // 128 kbit/s, 44.1 kHz, no padding: 417 bytes per frame.
  const frame = Buffer.alloc(417);
  frame.set([0xff, 0xfb, 0x90, 0x64]);
  return Buffer.concat([id3, ...Array.from({ length: frames }, () => frame)]);
}
