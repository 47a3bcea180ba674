import type { Language } from './labels.js';

const TEXT_SAMPLES: Record<Language, string[]> = {
  'zh-CN': ['朝阳区望京驿站', '示例文本', '张先生', '3号柜'],
  en: ['Wangjing pickup point', 'sample text', 'Mr Zhang', 'locker 3'],
};

/**
 * The language a template is written in: Chinese when it holds a Chinese character. Its sample is
 * read out in that language whoever reads the page, so a sentence never mixes two languages.
 */
export function templateLanguage(content: string): Language {
  return /\p{Script=Han}/u.test(content) ? 'zh-CN' : 'en';
}

/**
 * A voice template read out with sample values: dates and times as today's format in the
 * language, TXT_n as short text (at most n characters), NUM_n as n digits.
 */
export function sampleRendering(content: string, lang: Language): string {
  let text = 0;
  return content.replace(/\$\{([A-Z]+)(?:_(\d+))?\}/g, (whole, type: string, n?: string) => {
    const size = Number(n ?? 0);
    if (type === 'DATE') return lang === 'zh-CN' ? '11月26日' : '26 November';
    if (type === 'TIME') return lang === 'zh-CN' ? '14:30' : '2:30 pm';
    if (type === 'NUM') return '86420135'.repeat(5).slice(0, Math.max(1, size));
    if (type === 'TXT') {
      const sample = TEXT_SAMPLES[lang][text++ % TEXT_SAMPLES[lang].length] ?? '';
      return [...sample].slice(0, Math.max(1, size)).join('');
    }
    return whole;
  });
}
