import { describe, expect, it } from 'vitest';
import { defaultTemplate, NOTICE_EVENT_NAMES, channelsFor, renderTemplate, smsSegments, textToHtml, validateTemplate } from '../../domain/notice-templates.js';

describe('notice templates', () => {
  it('when every default template is checked, then each compiles and uses only its event’s variables', () => {
    for (const event of NOTICE_EVENT_NAMES) {
      for (const channel of channelsFor(event)) {
        for (const lang of ['zh-CN', 'en'] as const) expect(() => validateTemplate(event, channel, defaultTemplate(event, channel, lang))).not.toThrow();
      }
    }
  });

  it('when a template uses an unknown variable, then it is refused naming the variable and the field', () => {
    expect(() => validateTemplate('review.approved', 'email', { subject: 'Hi {{contactName}}', body: 'Your {{secretToken}}' })).toThrow(/body: unknown variable \{\{secretToken\}\}/);
    expect(() => validateTemplate('review.approved', 'email', { subject: '{{reason}}', body: 'x' })).toThrow(/subject: unknown variable \{\{reason\}\}/);
  });

  it('when a template does not compile or uses helpers or blocks, then it is refused', () => {
    expect(() => validateTemplate('review.approved', 'sms', { subject: null, body: 'Hello {{title' })).toThrow(/body: does not compile/);
    expect(() => validateTemplate('review.approved', 'sms', { subject: null, body: '{{#if title}}x{{/if}}' })).toThrow(/only plain/);
    expect(() => validateTemplate('review.approved', 'sms', { subject: null, body: '{{lookup title 1}}' })).toThrow(/no helpers/);
    expect(() => validateTemplate('review.approved', 'email', { subject: '', body: 'x' })).toThrow(/subject: an email needs a subject/);
  });

  it('when values hold markup, then the text keeps them and the HTML part escapes them', () => {
    const out = renderTemplate({ subject: 'S {{title}}', body: 'A {{title}}\nB' }, { title: '<b>x</b> & "y"' });
    expect(out.text).toBe('A <b>x</b> & "y"\nB');
    expect(out.html).toBe('<p>A &lt;b&gt;x&lt;/b&gt; &amp; &quot;y&quot;</p><p>B</p>');
    expect(textToHtml('<script>')).toBe('<p>&lt;script&gt;</p>');
  });

  it('when SMS text is measured, then Chinese counts 70/67 and plain text 160/153 per segment', () => {
    expect(smsSegments('a'.repeat(160))).toMatchObject({ segments: 1, encoding: 'GSM-7' });
    expect(smsSegments('a'.repeat(161))).toMatchObject({ segments: 2 });
    expect(smsSegments('审'.repeat(70))).toMatchObject({ segments: 1, encoding: 'UCS-2' });
    expect(smsSegments('审'.repeat(71))).toMatchObject({ segments: 2 });
    expect(smsSegments('审'.repeat(135))).toMatchObject({ segments: 3 });
  });
});
