import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { audioLimitsSchema, checkAudio, DEFAULT_AUDIO_LIMITS, readWav, WAV_HEADER_BYTES, type AudioLimits } from '../../domain/audio-format.js';
import { describeAudioCheck } from '../../i18n/audio-check-text.js';
import { editWav, mp3File, wavFile } from '../support/audio.js';

const check = (wav: Buffer, limits: AudioLimits = DEFAULT_AUDIO_LIMITS, size = wav.length) => checkAudio(wav.subarray(0, WAV_HEADER_BYTES), size, limits);
const issueOf = (wav: Buffer) => {
  const r = readWav(wav.subarray(0, WAV_HEADER_BYTES), wav.length);
  return r.ok ? null : r.issue;
};

describe('reading a WAV header', () => {
  it('when the file is 8 kHz mono 16-bit PCM, then every property is measured and it passes the default limits', () => {
    const c = check(wavFile({ encoding: 'pcm_16', sampleRate: 8000, channels: 1, seconds: 2.5 }));
    expect(c.properties).toMatchObject({ container: 'wav', encoding: 'pcm_16', formatTag: 1, bitsPerSample: 16, sampleRate: 8000, channels: 1, durationSeconds: 2.5, dataBytes: 40000 });
    expect(c).toMatchObject({ passed: true, issue: null, problems: [] });
    expect(describeAudioCheck(c, 'en')).toBe('');
  });

  it('when the file is 16 kHz mono A-law, then it is named A-law and passes', () => {
    const c = check(wavFile({ encoding: 'alaw', sampleRate: 16000, seconds: 1 }));
    expect(c.properties).toMatchObject({ encoding: 'alaw', formatTag: 6, bitsPerSample: 8, sampleRate: 16000, channels: 1, durationSeconds: 1 });
    expect(c.passed).toBe(true);
  });

  it('when the format is WAVE_FORMAT_EXTENSIBLE and an INFO chunk comes before the data, then the real format is read through them', () => {
    const c = check(wavFile({ extensible: true, info: '取件通知', seconds: 1 }));
    expect(c.properties).toMatchObject({ encoding: 'pcm_16', formatTag: 1, sampleRate: 8000, channels: 1, durationSeconds: 1 });
    expect(c.passed).toBe(true);
  });

  it('when the file is 44.1 kHz stereo and 73.2 s long, then it fails with the measured values and the limits in both languages', () => {
    const c = check(wavFile({ sampleRate: 44100, channels: 2, seconds: 0.1 }), DEFAULT_AUDIO_LIMITS);
    expect(c.problems.map((p) => p.code)).toEqual(['sample_rate', 'channels']);
    // The duration is read from the data size: a long recording's header alone says 73.2 s.
    const long = editWav(wavFile({ sampleRate: 44100, channels: 2, seconds: 0.1 }), { dataSize: 44100 * 4 * 73.2, riffSize: 36 + 44100 * 4 * 73.2 });
    const measured = checkAudio(long.subarray(0, 4096), 44 + 44100 * 4 * 73.2, { ...DEFAULT_AUDIO_LIMITS, maxBytes: 100 * 1024 * 1024 });
    expect(measured.passed).toBe(false);
    expect(describeAudioCheck(measured, 'en')).toBe('44100 Hz, stereo, 73.2 s; allowed 8000/16000 Hz, mono, at most 60 s');
    expect(describeAudioCheck(measured, 'zh-CN')).toBe('44100 Hz，立体声，73.2 秒；要求：8000/16000 Hz，单声道，不超过 60 秒');
  });

  it('when the file is 90 s long, then only the duration fails', () => {
    const c = check(wavFile({ seconds: 90 }));
    expect(c.problems).toEqual([{ code: 'duration', actual: 90, max: 60 }]);
    expect(describeAudioCheck(c, 'en')).toBe('90.0 s; allowed at most 60 s');
  });

  it('when a duration exceeds the limit by less than a tenth of a second, then the wording does not round it down to the limit', () => {
    const c = check(wavFile({ seconds: 60.02 }));
    expect(describeAudioCheck(c, 'en')).toBe('60.020 s; allowed at most 60 s');
  });

  it('when the file is larger than the size limit, then the size fails with both figures', () => {
    const c = check(wavFile({ sampleRate: 16000, seconds: 40 }), { ...DEFAULT_AUDIO_LIMITS, maxBytes: 1024 * 1024 });
    expect(c.problems).toEqual([{ code: 'size', actual: 16000 * 2 * 40 + 44, max: 1024 * 1024 }]);
    expect(describeAudioCheck(c, 'en')).toBe('1.2 MB; allowed at most 1 MB');
  });

  it('when the encoding is 24-bit PCM, float or μ-law, then it is named and refused by the defaults', () => {
    expect(describeAudioCheck(check(wavFile({ encoding: 'pcm_24' })), 'en')).toBe('PCM 24-bit; allowed PCM 16-bit or A-law (G.711)');
    expect(describeAudioCheck(check(wavFile({ encoding: 'float_32' })), 'zh-CN')).toBe('32 位浮点；要求：16 位 PCM 或 A 律 (G.711)');
    expect(check(wavFile({ encoding: 'mulaw' })).properties?.encoding).toBe('mulaw');
  });

  it('when an admin’s limits allow stereo at 44.1 kHz, then the same file passes: the limits are a plain value', () => {
    const limits = audioLimitsSchema.parse({ ...DEFAULT_AUDIO_LIMITS, sampleRates: [8000, 16000, 44100], channels: [1, 2] });
    expect(check(wavFile({ sampleRate: 44100, channels: 2, seconds: 1 }), limits).passed).toBe(true);
    expect(audioLimitsSchema.safeParse({ ...DEFAULT_AUDIO_LIMITS, channels: [0] }).success).toBe(false);
  });
});

describe('a WAV header that lies', () => {
  it('when the file is cut short, then it is refused because the header claims more bytes than the file has', () => {
    const whole = wavFile({ seconds: 2 });
    expect(issueOf(whole.subarray(0, 10_000))).toEqual({ code: 'riff_beyond_file', claimed: whole.length, fileBytes: 10_000 });
    expect(describeAudioCheck(check(whole.subarray(0, 10_000)), 'en')).toContain('the file is truncated or its header is wrong');
  });

  it('when the data chunk claims more bytes than follow it, then it is refused naming both sizes', () => {
    const wav = editWav(wavFile({ seconds: 1 }), { dataSize: 1_000_000 });
    expect(issueOf(wav)).toEqual({ code: 'chunk_beyond_file', chunk: 'data', claimed: 1_000_000, available: 16_000 });
    expect(describeAudioCheck(check(wav), 'en')).toBe('the header says the audio data is 1,000,000 bytes, but only 16,000 bytes follow: the file is truncated or its header is wrong');
  });

  it('when the header claims a 4 GB length, then it is refused at once without reading further', () => {
    const wav = editWav(wavFile({ seconds: 1 }), { riffSize: 0xffffffff, dataSize: 0xffffffff - 36 });
    expect(issueOf(wav)).toEqual({ code: 'riff_beyond_file', claimed: 0xffffffff + 8, fileBytes: wav.length });
    expect(describeAudioCheck(check(wav), 'zh-CN')).toContain('文件头声明文件长 4,294,967,303 字节');
    // Only the data chunk lies about 4 GB: refused the same way.
    expect(issueOf(editWav(wavFile({ seconds: 1 }), { dataSize: 0xffffffff }))).toMatchObject({ code: 'chunk_beyond_file', chunk: 'data', claimed: 0xffffffff });
  });

  it('when the header gives zero channels or a zero sample rate, then it is refused with that reason', () => {
    expect(issueOf(editWav(wavFile(), { channels: 0 }))).toEqual({ code: 'zero_channels' });
    expect(describeAudioCheck(check(editWav(wavFile(), { channels: 0 })), 'en')).toBe('the header gives 0 channels');
    expect(issueOf(editWav(wavFile(), { sampleRate: 0 }))).toEqual({ code: 'zero_sample_rate' });
  });

  it('when the block size or byte rate disagrees with the channels and bits, then it is refused', () => {
    expect(issueOf(editWav(wavFile(), { blockAlign: 4 }))).toEqual({ code: 'block_align_mismatch', blockAlign: 4, channels: 1, bits: 16 });
    expect(issueOf(editWav(wavFile(), { sampleRate: 16000 }))).toEqual({ code: 'byte_rate_mismatch', byteRate: 16000, sampleRate: 16000, blockAlign: 2 });
  });

  it('when the file is not RIFF/WAVE, is RF64, is empty or ends inside its header, then each is named', () => {
    expect(issueOf(mp3File())).toEqual({ code: 'not_wav' });
    expect(issueOf(editWav(wavFile(), { riffId: 'RF64' }))).toEqual({ code: 'rf64' });
    expect(issueOf(Buffer.alloc(0))).toEqual({ code: 'empty' });
    expect(issueOf(Buffer.from('RIFF'))).toEqual({ code: 'header_truncated', fileBytes: 4 });
    expect(issueOf(wavFile().subarray(0, 30))).toMatchObject({ code: 'riff_beyond_file' });
  });

  it('when there is no data chunk or no audio in it, then it is refused', () => {
    const fmtOnly = wavFile().subarray(0, 36);
    fmtOnly.writeUInt32LE(28, 4);
    expect(issueOf(fmtOnly)).toEqual({ code: 'no_data_chunk' });
    expect(issueOf(wavFile({ seconds: 0 }))).toEqual({ code: 'no_audio' });
  });

  it('when the audio data starts after the bytes read, then it is refused rather than guessed', () => {
    const big = wavFile({ info: 'x'.repeat(WAV_HEADER_BYTES), seconds: 0.1 });
    expect(issueOf(big)).toEqual({ code: 'header_too_long', limitBytes: WAV_HEADER_BYTES });
  });

  it('when any header field holds any value, then reading returns a verdict and never throws', () => {
    const base = wavFile({ seconds: 0.05 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: base.length }), (at, value, cut) => {
        const wav = Buffer.from(base);
        wav.writeUInt32LE(value, at);
        const r = readWav(wav.subarray(0, cut), cut);
        expect(typeof r.ok).toBe('boolean');
        if (r.ok) expect(r.properties.dataBytes).toBeLessThanOrEqual(cut);
      }),
      { numRuns: 2000 },
    );
  });
});
