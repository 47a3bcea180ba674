import { z } from 'zod';

/**
 * Reading a WAV file's header and judging it against the platform's audio limits. Pure: it gets
 * the first bytes of the file and the file's real size, and never trusts a size the header
 * claims without comparing it with what is there. Every way a header can lie ends in a named
 * issue, never in an exception or a loop that depends on the claimed sizes. It answers in codes
 * (issues, problems with their figures); i18n/audio-check-text.ts words them.
 */

/** How many bytes of a file the reader needs: the audio data must start within them. */
export const WAV_HEADER_BYTES = 256 * 1024;

/** What the header says, once it has been found consistent with the file. */
export interface AudioProperties {
  container: 'wav';
  /** pcm_16, alaw, mulaw, float_32, mp3, … or tag_0x1234 for a format we have no name for. */
  encoding: string;
  /** The WAVE format tag (after unwrapping WAVE_FORMAT_EXTENSIBLE). */
  formatTag: number;
  bitsPerSample: number;
  sampleRate: number;
  channels: number;
  /** Seconds, to the millisecond. */
  durationSeconds: number;
  dataBytes: number;
  fileBytes: number;
}

/** Why a header cannot be believed. */
export type WavIssue =
  | { code: 'empty' }
  | { code: 'not_wav' }
  | { code: 'rf64' }
  | { code: 'header_truncated'; fileBytes: number }
  | { code: 'riff_beyond_file'; claimed: number; fileBytes: number }
  | { code: 'chunk_beyond_file'; chunk: string; claimed: number; available: number }
  | { code: 'no_format_chunk' }
  | { code: 'format_chunk_short'; size: number }
  | { code: 'no_data_chunk' }
  | { code: 'header_too_long'; limitBytes: number }
  | { code: 'zero_channels' }
  | { code: 'zero_sample_rate' }
  | { code: 'bad_bits'; bits: number }
  | { code: 'block_align_mismatch'; blockAlign: number; channels: number; bits: number }
  | { code: 'byte_rate_mismatch'; byteRate: number; sampleRate: number; blockAlign: number }
  | { code: 'zero_byte_rate' }
  | { code: 'no_audio' };

export type WavReading = { ok: true; properties: AudioProperties } | { ok: false; issue: WavIssue };

const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

const FORMAT_TAGS: Record<number, string> = {
  0x0002: 'adpcm_ms',
  0x0006: 'alaw',
  0x0007: 'mulaw',
  0x0011: 'adpcm_ima',
  0x0031: 'gsm_610',
  0x0050: 'mpeg',
  0x0055: 'mp3',
};

/** Formats whose frames are samples × channels, so the header's sizes must agree exactly. */
const LINEAR_TAGS = new Set([0x0001, 0x0003, 0x0006, 0x0007]);

export function encodingOf(formatTag: number, bits: number): string {
  if (formatTag === 0x0001) return `pcm_${bits}`;
  if (formatTag === 0x0003) return `float_${bits}`;
  return FORMAT_TAGS[formatTag] ?? `tag_0x${formatTag.toString(16).padStart(4, '0')}`;
}

const ascii = (b: Uint8Array, at: number) => String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);
/**
 * A chunk id as it can be shown and stored: printable ASCII as is, any other byte as `\xNN`. An id
 * is four bytes of whatever the file holds, NUL included, which no PostgreSQL text can hold.
 */
const chunkName = (b: Uint8Array, at: number) =>
  Array.from(b.subarray(at, at + 4), (c) => (c >= 0x20 && c <= 0x7e ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`))
    .join('')
    .trim();

/**
 * Reads a WAV header. `head` is the start of the file (at least WAV_HEADER_BYTES of it, or all of
 * a smaller file); `fileBytes` is the file's real size on disk.
 */
export function readWav(head: Uint8Array, fileBytes: number): WavReading {
  const fail = (issue: WavIssue): WavReading => ({ ok: false, issue });
  if (fileBytes === 0 || head.length === 0) return fail({ code: 'empty' });
  if (head.length < 12) return fail('RIFF'.startsWith(ascii(pad(head, 4), 0).slice(0, Math.min(4, head.length))) ? { code: 'header_truncated', fileBytes } : { code: 'not_wav' });
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const riff = ascii(head, 0);
  if (riff === 'RF64' || riff === 'BW64') return fail({ code: 'rf64' });
  if (riff !== 'RIFF' || ascii(head, 8) !== 'WAVE') return fail({ code: 'not_wav' });

  const riffEnd = view.getUint32(4, true) + 8;
  if (riffEnd > fileBytes) return fail({ code: 'riff_beyond_file', claimed: riffEnd, fileBytes });

  let fmt: { tag: number; channels: number; sampleRate: number; byteRate: number; blockAlign: number; bits: number } | undefined;
  let offset = 12;
  // Each step moves forward by at least 8 bytes and stops at the end of what was read: no claimed size can make it loop.
  for (;;) {
    if (offset + 8 > riffEnd) return fail(fmt ? { code: 'no_data_chunk' } : { code: 'no_format_chunk' });
    if (offset + 8 > head.length) return fail({ code: 'header_too_long', limitBytes: head.length });
    const id = ascii(head, offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (body + size > riffEnd) return fail({ code: 'chunk_beyond_file', chunk: chunkName(head, offset), claimed: size, available: riffEnd - body });
    if (id === 'fmt ') {
      if (size < 16) return fail({ code: 'format_chunk_short', size });
      if (body + Math.min(size, 40) > head.length) return fail({ code: 'header_too_long', limitBytes: head.length });
      let tag = view.getUint16(body, true);
      if (tag === WAVE_FORMAT_EXTENSIBLE) {
        if (size < 40) return fail({ code: 'format_chunk_short', size });
        // The sub-format GUID starts with the plain format tag it stands for.
        tag = view.getUint16(body + 24, true);
      }
      fmt = {
        tag,
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        byteRate: view.getUint32(body + 8, true),
        blockAlign: view.getUint16(body + 12, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (!fmt) return fail({ code: 'no_format_chunk' });
      return judgeFormat(fmt, size, fileBytes);
    }
    offset = body + size + (size % 2);
  }
}

function judgeFormat(
  fmt: { tag: number; channels: number; sampleRate: number; byteRate: number; blockAlign: number; bits: number },
  dataBytes: number,
  fileBytes: number,
): WavReading {
  const fail = (issue: WavIssue): WavReading => ({ ok: false, issue });
  if (fmt.channels === 0) return fail({ code: 'zero_channels' });
  if (fmt.sampleRate === 0) return fail({ code: 'zero_sample_rate' });
  let seconds: number;
  if (LINEAR_TAGS.has(fmt.tag)) {
    if (fmt.bits === 0 || fmt.bits % 8 !== 0) return fail({ code: 'bad_bits', bits: fmt.bits });
    const expectedAlign = (fmt.channels * fmt.bits) / 8;
    if (fmt.blockAlign !== expectedAlign) return fail({ code: 'block_align_mismatch', blockAlign: fmt.blockAlign, channels: fmt.channels, bits: fmt.bits });
    if (fmt.byteRate !== fmt.sampleRate * fmt.blockAlign) return fail({ code: 'byte_rate_mismatch', byteRate: fmt.byteRate, sampleRate: fmt.sampleRate, blockAlign: fmt.blockAlign });
    if (dataBytes < fmt.blockAlign) return fail({ code: 'no_audio' });
    seconds = Math.floor(dataBytes / fmt.blockAlign) / fmt.sampleRate;
  } else {
    if (fmt.byteRate === 0) return fail({ code: 'zero_byte_rate' });
    if (dataBytes === 0) return fail({ code: 'no_audio' });
    seconds = dataBytes / fmt.byteRate;
  }
  return {
    ok: true,
    properties: {
      container: 'wav',
      encoding: encodingOf(fmt.tag, fmt.bits),
      formatTag: fmt.tag,
      bitsPerSample: fmt.bits,
      sampleRate: fmt.sampleRate,
      channels: fmt.channels,
      durationSeconds: Math.round(seconds * 1000) / 1000,
      dataBytes,
      fileBytes,
    },
  };
}

function pad(b: Uint8Array, n: number): Uint8Array {
  if (b.length >= n) return b;
  const out = new Uint8Array(n);
  out.set(b);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Limits

/**
 * What the platform accepts. A plain value: the defaults live here, an admin screen edits a copy
 * (validated with audioLimitsSchema), and db/rules.ts findAudioLimits reads the one in force.
 */
export interface AudioLimits {
  encodings: string[];
  sampleRates: number[];
  channels: number[];
  maxDurationSeconds: number;
  maxBytes: number;
}

export const DEFAULT_AUDIO_LIMITS: AudioLimits = {
  encodings: ['pcm_16', 'alaw'],
  sampleRates: [8000, 16000],
  channels: [1],
  maxDurationSeconds: 60,
  maxBytes: 5 * 1024 * 1024,
};

export const audioLimitsSchema = z
  .object({
    encodings: z.array(z.string().regex(/^(?:pcm_\d{1,2}|float_\d{2}|alaw|mulaw|adpcm_ms|adpcm_ima|gsm_610|mpeg|mp3|tag_0x[0-9a-f]{4})$/)).min(1),
    sampleRates: z.array(z.number().int().min(1000).max(384_000)).min(1),
    channels: z.array(z.number().int().min(1).max(32)).min(1),
    maxDurationSeconds: z.number().positive().max(24 * 3600),
    maxBytes: z.number().int().positive().max(1024 * 1024 * 1024),
  })
  .strict();

/** One property outside the limits, with what was measured and what is allowed. */
export type AudioProblem =
  | { code: 'encoding'; actual: string; allowed: string[] }
  | { code: 'sample_rate'; actual: number; allowed: number[] }
  | { code: 'channels'; actual: number; allowed: number[] }
  | { code: 'duration'; actual: number; max: number }
  | { code: 'size'; actual: number; max: number };

/** The automatic check's result: kept on the audio file so people and notices can word it. */
export interface AudioCheck {
  passed: boolean;
  /** Null when the header could not be believed. */
  properties: AudioProperties | null;
  issue: WavIssue | null;
  problems: AudioProblem[];
  limits: AudioLimits;
}

export function checkAudio(head: Uint8Array, fileBytes: number, limits: AudioLimits): AudioCheck {
  const reading = readWav(head, fileBytes);
  const sizeProblem: AudioProblem[] = fileBytes > limits.maxBytes ? [{ code: 'size', actual: fileBytes, max: limits.maxBytes }] : [];
  if (!reading.ok) return { passed: false, properties: null, issue: reading.issue, problems: sizeProblem, limits };
  const p = reading.properties;
  const problems: AudioProblem[] = [];
  if (!limits.encodings.includes(p.encoding)) problems.push({ code: 'encoding', actual: p.encoding, allowed: limits.encodings });
  if (!limits.sampleRates.includes(p.sampleRate)) problems.push({ code: 'sample_rate', actual: p.sampleRate, allowed: limits.sampleRates });
  if (!limits.channels.includes(p.channels)) problems.push({ code: 'channels', actual: p.channels, allowed: limits.channels });
  if (p.durationSeconds > limits.maxDurationSeconds) problems.push({ code: 'duration', actual: p.durationSeconds, max: limits.maxDurationSeconds });
  problems.push(...sizeProblem);
  return { passed: problems.length === 0, properties: p, issue: null, problems, limits };
}
