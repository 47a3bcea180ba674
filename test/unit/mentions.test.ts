import { describe, expect, it } from 'vitest';
import { mentionsIn } from '../../domain/mentions.js';

const people = [
  { id: 'li', name: 'Li', email: 'li@desk.example' },
  { id: 'lilei', name: 'Li Lei', email: 'lilei@desk.example' },
  { id: 'wang', name: '王芳', email: 'wang@desk.example' },
];

describe('mentions in a note', () => {
  it('when a note names people by @e-mail or @name in any case, then each is found once, in the order named', () => {
    expect(mentionsIn('@WANG@desk.example please look, and @li too; @王芳 again', people)).toEqual(['wang', 'li']);
  });

  it('when one name begins another, then the longer name is the one meant', () => {
    expect(mentionsIn('ask @Li Lei', people)).toEqual(['lilei']);
    expect(mentionsIn('ask @Li, not Lei', people)).toEqual(['li']);
  });

  it('when a name runs on into more of a word, or has no @, then nobody is named', () => {
    expect(mentionsIn('@Lisa and Li and li@desk.example', people)).toEqual([]);
  });

  it('when a Chinese name is followed by Chinese punctuation, then it is a mention', () => {
    expect(mentionsIn('请@王芳，确认', people)).toEqual(['wang']);
  });
});
