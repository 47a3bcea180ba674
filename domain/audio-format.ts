import { z } from 'zod';
import type { Language } from './labels.js';

/**
 * Reading a WAV file's header and judging it against the platform's audio limits. Pure: it gets
 * the first bytes of the file and the file's real size, and never trusts a size the header
 * claims without comparing it with what is there. Every way a header can lie ends in a named
 * issue, never in an exception or a loop that depends on the claimed sizes.
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

// ---------------------------------------------------------------------------------------------
// Wording

const ENCODING_NAMES: Record<string, Record<Language, string>> = {
  alaw: { 'zh-CN': 'A 律 (G.711)', en: 'A-law (G.711)' },
  mulaw: { 'zh-CN': 'μ 律 (G.711)', en: 'μ-law (G.711)' },
  adpcm_ms: { 'zh-CN': 'MS ADPCM', en: 'MS ADPCM' },
  adpcm_ima: { 'zh-CN': 'IMA ADPCM', en: 'IMA ADPCM' },
  gsm_610: { 'zh-CN': 'GSM 6.10', en: 'GSM 6.10' },
  mpeg: { 'zh-CN': 'MPEG 音频', en: 'MPEG audio' },
  mp3: { 'zh-CN': 'MP3', en: 'MP3' },
};

export function encodingName(code: string, lang: Language): string {
  const named = ENCODING_NAMES[code]?.[lang];
  if (named) return named;
  const pcm = /^pcm_(\d+)$/.exec(code);
  if (pcm) return lang === 'en' ? `PCM ${pcm[1]}-bit` : `${pcm[1]} 位 PCM`;
  const float = /^float_(\d+)$/.exec(code);
  if (float) return lang === 'en' ? `IEEE float ${float[1]}-bit` : `${float[1]} 位浮点`;
  const tag = /^tag_(0x[0-9a-f]{4})$/.exec(code);
  if (tag) return lang === 'en' ? `format ${tag[1]}` : `格式 ${tag[1]}`;
  return code;
}

export function channelsName(n: number, lang: Language): string {
  if (n === 1) return lang === 'en' ? 'mono' : '单声道';
  if (n === 2) return lang === 'en' ? 'stereo' : '立体声';
  return lang === 'en' ? `${n} channels` : `${n} 声道`;
}

/** A measured duration to one decimal, unless that would read as within the limit it exceeds. */
export function secondsText(seconds: number, lang: Language, limit?: number): string {
  let text = seconds.toFixed(1);
  if (limit !== undefined && seconds > limit && Number(text) <= limit) text = seconds.toFixed(3);
  return lang === 'en' ? `${text} s` : `${text} 秒`;
}

/** A limit as it was set: 60 s, 2.5 s. */
const limitSeconds = (seconds: number, lang: Language) => (lang === 'en' ? `${seconds} s` : `${seconds} 秒`);

const MB = 1024 * 1024;
export function bytesText(n: number, lang: Language, limit?: number): string {
  if (n < MB) return lang === 'en' ? `${n.toLocaleString('en-US')} bytes` : `${n.toLocaleString('en-US')} 字节`;
  let text = (n / MB).toFixed(1);
  if (limit !== undefined && n > limit && Number(text) <= limit / MB) text = (n / MB).toFixed(3);
  return `${text.replace(/\.0+$/, '')} MB`;
}

const or = (lang: Language) => (lang === 'en' ? ' or ' : ' 或 ');
const list = (lang: Language) => (lang === 'en' ? ', ' : '，');

function measured(p: AudioProblem, lang: Language): string {
  switch (p.code) {
    case 'encoding':
      return encodingName(p.actual, lang);
    case 'sample_rate':
      return `${p.actual} Hz`;
    case 'channels':
      return channelsName(p.actual, lang);
    case 'duration':
      return secondsText(p.actual, lang, p.max);
    case 'size':
      return bytesText(p.actual, lang, p.max);
  }
}

function allowed(p: AudioProblem, lang: Language): string {
  switch (p.code) {
    case 'encoding':
      return p.allowed.map((e) => encodingName(e, lang)).join(or(lang));
    case 'sample_rate':
      return `${p.allowed.join('/')} Hz`;
    case 'channels':
      return p.allowed.map((c) => channelsName(c, lang)).join(or(lang));
    case 'duration':
      return lang === 'en' ? `at most ${limitSeconds(p.max, lang)}` : `不超过 ${limitSeconds(p.max, lang)}`;
    case 'size':
      return lang === 'en' ? `at most ${bytesText(p.max, lang)}` : `不超过 ${bytesText(p.max, lang)}`;
  }
}

const n = (v: number) => v.toLocaleString('en-US');

/** Why the header cannot be believed, in the reader's language. */
export function describeIssue(issue: WavIssue, lang: Language): string {
  const en = lang === 'en';
  switch (issue.code) {
    case 'empty':
      return en ? 'the file is empty' : '文件为空';
    case 'not_wav':
      return en ? 'the file is not a WAV (RIFF/WAVE) file' : '文件不是 WAV（RIFF/WAVE）格式';
    case 'rf64':
      return en ? 'RF64 WAV files (meant for more than 4 GB) are not accepted' : '不接受 RF64 格式的 WAV 文件（用于 4 GB 以上的文件）';
    case 'header_truncated':
      return en ? `the file ends inside its header (${n(issue.fileBytes)} bytes)` : `文件在文件头中途结束（共 ${n(issue.fileBytes)} 字节）`;
    case 'riff_beyond_file':
      return en
        ? `the header says the file is ${n(issue.claimed)} bytes long, but it is ${n(issue.fileBytes)} bytes: the file is truncated or its header is wrong`
        : `文件头声明文件长 ${n(issue.claimed)} 字节，实际只有 ${n(issue.fileBytes)} 字节：文件不完整或文件头有误`;
    case 'chunk_beyond_file':
      return issue.chunk === 'data'
        ? en
          ? `the header says the audio data is ${n(issue.claimed)} bytes, but only ${n(issue.available)} bytes follow: the file is truncated or its header is wrong`
          : `文件头声明音频数据长 ${n(issue.claimed)} 字节，实际只有 ${n(issue.available)} 字节：文件不完整或文件头有误`
        : en
          ? `the "${issue.chunk}" chunk claims ${n(issue.claimed)} bytes, but only ${n(issue.available)} bytes follow`
          : `“${issue.chunk}”数据块声明长 ${n(issue.claimed)} 字节，实际只有 ${n(issue.available)} 字节`;
    case 'no_format_chunk':
      return en ? 'the file has no format (fmt) chunk before its audio data' : '文件在音频数据之前没有格式（fmt）块';
    case 'format_chunk_short':
      return en ? `the format (fmt) chunk is too short (${issue.size} bytes)` : `格式（fmt）块过短（${issue.size} 字节）`;
    case 'no_data_chunk':
      return en ? 'the file has no audio data (data chunk)' : '文件没有音频数据（data 块）';
    case 'header_too_long':
      return en ? `the audio data does not start within the first ${issue.limitBytes / 1024} KB` : `音频数据未在文件前 ${issue.limitBytes / 1024} KB 内开始`;
    case 'zero_channels':
      return en ? 'the header gives 0 channels' : '文件头声明的声道数为 0';
    case 'zero_sample_rate':
      return en ? 'the header gives a sample rate of 0 Hz' : '文件头声明的采样率为 0 Hz';
    case 'bad_bits':
      return en ? `the header gives ${issue.bits} bits per sample` : `文件头声明的采样位数为 ${issue.bits}`;
    case 'block_align_mismatch':
      return en
        ? `the header's block size (${issue.blockAlign} bytes) does not match ${issue.channels} channels × ${issue.bits} bits`
        : `文件头的块大小（${issue.blockAlign} 字节）与 ${issue.channels} 声道 × ${issue.bits} 位不符`;
    case 'byte_rate_mismatch':
      return en
        ? `the header's byte rate (${n(issue.byteRate)} bytes/s) does not match ${n(issue.sampleRate)} Hz × ${issue.blockAlign} bytes`
        : `文件头的码率（${n(issue.byteRate)} 字节/秒）与 ${n(issue.sampleRate)} Hz × ${issue.blockAlign} 字节不符`;
    case 'zero_byte_rate':
      return en ? 'the header gives a byte rate of 0' : '文件头声明的码率为 0';
    case 'no_audio':
      return en ? 'the file holds no audio (0 seconds)' : '文件不含音频数据（0 秒）';
  }
}

/**
 * A failed check in the reader's language: what was measured, then what is allowed
 * ("44100 Hz, stereo, 73.2 s; allowed 8000/16000 Hz, mono, at most 60 s"), or why the file
 * could not be read. Empty for a passed check.
 */
export function describeAudioCheck(check: AudioCheck, lang: Language): string {
  if (check.passed) return '';
  const sizeNote = check.problems.map((p) => `${measured(p, lang)}${lang === 'en' ? '; allowed ' : '；要求：'}${allowed(p, lang)}`);
  if (check.issue) return [describeIssue(check.issue, lang), ...sizeNote].join(lang === 'en' ? '; ' : '；');
  const what = check.problems.map((p) => measured(p, lang)).join(list(lang));
  const limits = check.problems.map((p) => allowed(p, lang)).join(list(lang));
  return lang === 'en' ? `${what}; allowed ${limits}` : `${what}；要求：${limits}`;
}
