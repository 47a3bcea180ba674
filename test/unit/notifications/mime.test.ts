import nodemailer from 'nodemailer';
import { describe, expect, it } from 'vitest';
import { decodeEncodedWords, parseMail } from '../../../notifications/mime.js';

// nodemailer builds the message (no network): the parser is checked against what it really sends.
async function compose(opts: { subject: string; text: string; html?: string; textEncoding?: 'base64' | 'quoted-printable' }): Promise<Buffer> {
  const t = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const info = await t.sendMail({ from: '语音服务 <noreply@example.com>', to: 'a@example.com, b@example.com', messageId: '<outbox-1@voice-review-desk>', ...opts });
  return info.message as Buffer;
}

describe('mail parsing for the dev mailbox', () => {
  it('when a Chinese subject and text are sent as base64, then they read back unchanged', async () => {
    const subject = '【语音服务】语音模板“欢迎语”审核未通过，原因：录音中有背景噪音，请重新录制后提交——谢谢';
    const text = '您好，您提交的语音模板“欢迎语”（编号 VT-7）审核未通过。\n原因：录音中有背景噪音。';
    const parsed = parseMail(await compose({ subject, text, textEncoding: 'base64' }));
    expect(parsed.subject).toBe(subject);
    expect(parsed.text).toBe(text);
    expect(parsed.from).toBe('语音服务 <noreply@example.com>');
    expect(parsed.to).toEqual(['a@example.com', 'b@example.com']);
    expect(parsed.messageId).toBe('<outbox-1@voice-review-desk>');
    expect(parsed.html).toBeNull();
  });

  it('when text and HTML are sent quoted-printable as alternatives, then both parts read back', async () => {
    const text = `A line with = sign and a very long tail ${'x'.repeat(120)}\n第二行`;
    const html = '<p>您好 &amp; <b>hello</b></p>';
    const parsed = parseMail(await compose({ subject: 'Plain ASCII subject', text, html, textEncoding: 'quoted-printable' }));
    expect(parsed.subject).toBe('Plain ASCII subject');
    expect(parsed.text).toBe(text);
    expect(parsed.html).toBe(html);
  });

  it('when encoded words are adjacent, then the whitespace between them is dropped and split characters are joined', () => {
    // "审核" split inside its UTF-8 bytes across two B words.
    const bytes = Buffer.from('审核', 'utf8');
    const a = bytes.subarray(0, 4).toString('base64');
    const b = bytes.subarray(4).toString('base64');
    expect(decodeEncodedWords(`=?UTF-8?B?${a}?= =?UTF-8?B?${b}?= done`)).toBe('审核 done');
    expect(decodeEncodedWords('=?utf-8?Q?caf=C3=A9_au_lait?=')).toBe('café au lait');
    expect(decodeEncodedWords('no words here')).toBe('no words here');
  });
});
