/**
 * Finds what a reader of one language should not see: on Chinese pages, English words (beyond
 * names, units and file formats); on any page, raw codes (snake_case values such as a speaker or
 * reason code) and message keys (a missing translation shows its key).
 */
import { UUID_TEXT } from '../../domain/ids.js';

/** Latin words a Chinese page may show: people's and products' names in the demo data, units, formats, keys. */
const ALLOWED_LATIN = new Set(
  [
    // names in the demo data and test fixtures
    'Ada', 'Sun', 'Li', 'Wang', 'Zhao', 'Emily', 'Chen', 'App', 'Han', 'Meimei',
    // the language switch names its target language in that language
    'English',
    // units, formats and protocols people write in Latin letters in Chinese too
    'ID', 'KB', 'MB', 'GB', 'Hz', 'kHz', 'ms', 'PCM', 'WAV', 'RIFF', 'G.711', 'JPEG', 'JPG', 'PNG', 'ZIP', 'RAR', 'XLSX', 'CSV', 'API', 'URL', 'HTTPS', 'SMTP', 'SDK', 'UTC', 'GMT',
    'bit', 'kbps', 'A-law', 'law', 'Law',
    // keyboard keys named in the shortcuts help
    'Enter', 'Esc', 'Tab',
    // names of things the admin types or picks as written
    'Excel', 'IANA', 'HTML', 'JSON', 'SMS', 'Email',
  ].map((w) => w.toLowerCase()),
);

/** Text that is data, not wording: addresses, ids, numbers and template variables. */
function withoutData(text: string): string {
  return text
    .replace(/\$\{[A-Z0-9_]+\}/g, ' ')
    .replace(/\{\{\s*[\w.]+\s*\}\}/g, ' ')
    .replace(/\b[A-Z][a-z]+\/[A-Z][A-Za-z_]+(\/[A-Z][A-Za-z_]+)?\b/g, ' ')
    .replace(/\bvrd_[a-z]+_\w+/g, ' ')
    .replace(/\b[A-Z][A-Z0-9]*(_[A-Z0-9]+)+\b/g, ' ')
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/(?<![\w/])\/[\w-]+(\/[\w:.-]+)+/g, ' ')
    .replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, ' ')
    .replace(/\*+@[\w.-]+/g, ' ')
    .replace(new RegExp(UUID_TEXT, 'gi'), ' ')
    .replace(/\b[A-Z]{2}[0-9A-Z]{16}\b/g, ' ')
    .replace(/\b[0-9A-Z]{9,}\b/g, ' ')
    .replace(/\b[\w-]+\.(jpg|jpeg|png|wav|xlsx|zip|rar|csv)\b/gi, ' ');
}

const RAW_CODE = /\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b/g;
const MESSAGE_KEY = /\b(?!e\.g\b|i\.e\b)[a-z][a-zA-Z]*(?:\.[a-z][a-zA-Z_]*)+\b/g;
const LATIN_WORD = /[A-Za-z][A-Za-z-]*[A-Za-z]/g;

export function untranslated(text: string, lang: 'zh-CN' | 'en'): string[] {
  const clean = withoutData(text);
  const found = new Set<string>();
  for (const m of clean.matchAll(RAW_CODE)) found.add(`raw code "${m[0]}"`);
  for (const m of clean.matchAll(MESSAGE_KEY)) found.add(`message key "${m[0]}"`);
  if (lang === 'zh-CN') {
    for (const line of clean.split('\n')) {
      for (const m of line.matchAll(LATIN_WORD)) {
        if (!ALLOWED_LATIN.has(m[0].toLowerCase())) found.add(`English "${m[0]}"`);
      }
    }
  }
  return [...found];
}
