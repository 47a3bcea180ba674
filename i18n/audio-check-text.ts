import type { AudioCheck, AudioProblem, WavIssue } from '../domain/audio-format.js';
import type { Language } from '../domain/labels.js';

/**
 * The automatic audio check's findings in the reader's language: encodings, channels, durations
 * and sizes as people read them, why a header cannot be believed, and a failed check as what was
 * measured against what is allowed.
 */

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

/** Each measured property, worded, and whether it is within the limits (for the review page). */
export function measuredAudioFacts(check: AudioCheck) {
  const p = check.properties;
  if (!p) return [];
  const failing = new Set(check.problems.map((x) => x.code));
  const both = (f: (lang: Language) => string) => ({ 'zh-CN': f('zh-CN'), en: f('en') });
  return [
    { label: 'audio.container', value: both(() => 'WAV (RIFF)'), ok: true },
    { label: 'audio.encoding', value: both((l) => encodingName(p.encoding, l)), ok: !failing.has('encoding') },
    { label: 'audio.sampleRate', value: both(() => `${p.sampleRate} Hz`), ok: !failing.has('sample_rate') },
    { label: 'audio.channels', value: both((l) => channelsName(p.channels, l)), ok: !failing.has('channels') },
    { label: 'audio.duration', value: both((l) => secondsText(p.durationSeconds, l, check.limits.maxDurationSeconds)), ok: !failing.has('duration') },
    { label: 'audio.size', value: both((l) => bytesText(p.fileBytes, l, check.limits.maxBytes)), ok: !failing.has('size') },
  ];
}

/** The limits the check applied, worded (so staff judge against what the tenant was held to). */
export function audioLimitsText(l: AudioCheck['limits'], lang: Language): string {
  const atMost = (text: string) => (lang === 'en' ? `at most ${text}` : `不超过 ${text}`);
  const parts = [
    l.encodings.map((e) => encodingName(e, lang)).join(or(lang)),
    `${l.sampleRates.join('/')} Hz`,
    l.channels.map((c) => channelsName(c, lang)).join(or(lang)),
    atMost(limitSeconds(l.maxDurationSeconds, lang)),
    atMost(bytesText(l.maxBytes, lang)),
  ];
  return parts.join(list(lang));
}
