import { z } from 'zod';
import { DEFAULT_AUDIO_LIMITS } from '../checks.js';
import { OTHER_REASON, reason } from '../rejection-reasons.js';
import { defineKind } from './definition.js';
import { nameText } from './voice-template.js';
import { text } from '../text.js';

/** Uploads past this are refused outright (413); the format limits themselves are checked after upload. */
export const AUDIO_UPLOAD_MAX_BYTES = 50 * 1024 * 1024;

export const audioFileInput = z
  .object({
    name: nameText(true),
    description: text({ trim: true, max: 256 }).default(''),
  })
  .strict();
export type AudioFileInput = z.infer<typeof audioFileInput>;

export const audioFileKind = defineKind<AudioFileInput>({
  kind: 'audio_file',
  label: { 'zh-CN': '放音文件', en: 'Audio file' },
  subjectPrefix: 'AF',
  input: audioFileInput,
  intake: { type: 'multipart', files: { file: { types: ['wav'], maxBytes: AUDIO_UPLOAD_MAX_BYTES, required: true, label: { 'zh-CN': '放音文件', en: 'Audio file' } } } },
  api: { path: 'audio-files', resubmit: false, withdraw: true, idAlias: 'audioFileId', summary: 'an audio file (WAV)' },
  title: (input) => input.name,
  deadlines: { review: { type: 'working_minutes', minutes: 540 } },
  rejectionReasons: [
    reason('audio_format', '音频格式不符合要求', 'The audio format does not meet the requirements'),
    reason('poor_quality', '音质差或有明显杂音', 'The sound quality is poor or noisy'),
    reason('content_noncompliant', '录音内容不合规', 'The recording’s content does not comply with the rules'),
    reason('content_mismatch', '录音内容与描述不符', 'The recording does not match its description'),
    OTHER_REASON,
  ],
  subscription: 'audio_file',
  stages: { precheck: true, review: true, fulfilment: null },
  checks: { audio: DEFAULT_AUDIO_LIMITS },
});
