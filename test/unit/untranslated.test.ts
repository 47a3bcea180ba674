import { describe, expect, it } from 'vitest';
import { untranslated } from '../support/untranslated.js';

describe('the untranslated-text finder used on every page', () => {
  it('when a Chinese page shows a raw speaker code, an English word or a message key, then each is reported', () => {
    const found = untranslated('发音人 xiaoyan_female\n状态 Approved\nnav.admin', 'zh-CN');
    expect(found).toEqual(expect.arrayContaining(['raw code "xiaoyan_female"', 'message key "nav.admin"', 'English "Approved"']));
  });

  it('when a Chinese page shows names, addresses, ids, variables and formats, then nothing is reported', () => {
    const text = '审核员 Li · 快送 App\nzhang.wei@example.com z***@example.com\nNOVMEYNYR2VE5KMZB4 91110108MA01ABCD1E\n请于${DATE}前到${TXT_8}取件\n营业执照.jpg 8000 Hz PCM WAV 12 KB\nEnglish';
    expect(untranslated(text, 'zh-CN')).toEqual([]);
  });

  it('when an English page shows Chinese data, then nothing is reported; a raw code still is', () => {
    expect(untranslated('Tenant 示例物流科技有限公司\nSpeaker Xiaoyan (female)', 'en')).toEqual([]);
    expect(untranslated('Reason variables_misused', 'en')).toEqual(['raw code "variables_misused"']);
  });
});
