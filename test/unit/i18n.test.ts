import { describe, expect, it } from 'vitest';
import { MESSAGE_SOURCES } from '../../i18n/index.js';

describe('back-office wording', () => {
  it('when the message files are merged, then no key is defined twice and every key has both languages', () => {
    const seen = new Map<string, string>();
    const problems: string[] = [];
    for (const [source, messages] of Object.entries(MESSAGE_SOURCES)) {
      for (const [key, text] of Object.entries(messages)) {
        if (seen.has(key)) problems.push(`${key} in ${source} and ${seen.get(key)}`);
        seen.set(key, source);
        if (!text['zh-CN']?.trim() || !text.en?.trim()) problems.push(`${key} lacks a language`);
      }
    }
    expect(problems).toEqual([]);
  });
});
