import { describe, expect, it } from 'vitest';
import { clip, controlCharacterProblems } from '../../server/input-guard.js';

describe('control characters in parsed input', () => {
  it('when a nested field holds NUL, then the problem names its path and the code point', () => {
    const problems = controlCharacterProblems({ name: 'ok', contacts: [{ email: 'a@b.c' }, { email: 'x\u0000@y.z' }] }, 'body');
    expect(problems).toEqual([{ place: 'body', path: 'contacts.1.email', message: expect.stringContaining('U+0000'), say: expect.any(Function) }]);
    expect(problems[0]!.say('zh-CN')).toBe('含有控制字符 U+0000（文本中不允许出现）');
  });

  it('when text holds tab, line feed or carriage return, then nothing is refused', () => {
    expect(controlCharacterProblems({ content: 'line one\r\nline two\tend', list: ['a\nb'] }, 'body')).toEqual([]);
  });

  it('when other C0 characters appear, then each is refused; DEL and characters above U+001F pass', () => {
    for (const c of ['\u0001', '\u0008', '\u000b', '\u000c', '\u000e', '\u001b', '\u001f']) {
      expect(controlCharacterProblems({ v: `a${c}b` }, 'body'), JSON.stringify(c)).toHaveLength(1);
    }
    expect(controlCharacterProblems({ v: 'a\u007fb \u00a0 中文 😀' }, 'body')).toEqual([]);
  });

  it('when text holds half a surrogate pair (JSON "\\udfff"), then it is refused naming the code unit; whole pairs (emoji, rare CJK) pass', () => {
    for (const v of ['\udfff', 'a\ud800', '\ud83d\ud83d\ude00'.slice(0, 1), 'x\udc00\ud800y']) {
      expect(controlCharacterProblems({ scenario: v }, 'body'), JSON.stringify(v)).toEqual([{ place: 'body', path: 'scenario', message: expect.stringMatching(/unpaired surrogate U\+D[89A-F][0-9A-F]{2}/), say: expect.any(Function) }]);
    }
    expect(controlCharacterProblems({ scenario: '😀 𠀀𪚥 👩‍👩‍👧‍👦' }, 'body')).toEqual([]);
    expect(controlCharacterProblems({ ['k\ud800']: 'x' }, 'body')[0]?.message).toMatch(/field name contains an unpaired surrogate/);
  });

  it('when a field name holds a control character, then the name is refused, shown escaped', () => {
    const [problem] = controlCharacterProblems({ 'na\u0000me': 'x' }, 'body');
    expect(problem?.path).toBe('na\\u0000me');
    expect(problem?.message).toMatch(/field name/);
  });

  it('when the value itself is a string, then the place names it; a query prefix names the query field', () => {
    expect(controlCharacterProblems('\u0000', 'body')[0]?.path).toBe('(body)');
    expect(controlCharacterProblems({ cursor: ['ok', '\u0002'] }, 'query', ['query'])[0]?.path).toBe('query.cursor.1');
  });

  it('when a body is nested a hundred thousand levels deep, then the walk finishes without exhausting the stack', () => {
    let deep: unknown = '\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const problems = controlCharacterProblems(deep, 'body');
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path.split('.')).toHaveLength(100_000);
  });

  it('when thousands of fields are bad, then at most twenty are listed', () => {
    expect(controlCharacterProblems(Array.from({ length: 5000 }, () => '\u0000'), 'body')).toHaveLength(20);
  });
});

describe('clipping form text', () => {
  it('when the cut falls inside an emoji or a rare CJK character, then the whole character goes, never half of it', () => {
    expect(clip('ab😀', 3)).toBe('ab');
    expect(clip('a𠀀𪚥', 4)).toBe('a𠀀');
    expect(controlCharacterProblems({ v: clip('x'.repeat(63) + '😀', 64) }, 'body')).toEqual([]);
  });

  it('when the text fits, or the cut falls between characters, then it is kept as long as allowed', () => {
    expect(clip('快递通知', 10)).toBe('快递通知');
    expect(clip('😀😀😀', 4)).toBe('😀😀');
    expect(clip('abcdef', 4)).toBe('abcd');
  });
});
