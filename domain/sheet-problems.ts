import type { Language } from './labels.js';

/** Why an uploaded spreadsheet cannot be read as a list of numbers. */
export type SheetProblem =
  | { code: 'not_a_workbook'; detail: string }
  | { code: 'encrypted' }
  | { code: 'too_many_entries'; entries: number; max: number }
  | { code: 'part_too_large'; part: string; bytes: number; max: number }
  | { code: 'too_many_numbers'; max: number }
  | { code: 'too_many_cells'; max: number }
  | { code: 'too_slow'; maxMillis: number }
  | { code: 'no_numbers' };

const mb = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

/** The HTTP status a problem is answered with: too big to unpack is 413, anything else 422. */
export function sheetProblemStatus(p: SheetProblem): 413 | 422 {
  return p.code === 'part_too_large' || p.code === 'too_many_entries' || p.code === 'too_many_cells' ? 413 : 422;
}

/** The problem in the tenant's words. */
export function sheetProblemText(p: SheetProblem, lang: Language): string {
  const zh = lang === 'zh-CN';
  switch (p.code) {
    case 'not_a_workbook':
      return zh ? `无法读取该 xlsx 文件：${p.detail}` : `the .xlsx file cannot be read: ${p.detail}`;
    case 'encrypted':
      return zh ? '文件已加密，请去掉密码后上传' : 'the file is encrypted; remove the password and upload it again';
    case 'too_many_entries':
      return zh ? `文件包含 ${p.entries} 个部件，最多 ${p.max} 个` : `the file holds ${p.entries} parts; at most ${p.max}`;
    case 'part_too_large':
      return zh
        ? `文件解压后过大：${p.part} 超过 ${mb(p.max)}（每批最多 10000 个号码，请只保留号码列）`
        : `the file unpacks to too much: ${p.part} exceeds ${mb(p.max)} (a batch holds at most 10,000 numbers; keep only the number column)`;
    case 'too_many_numbers':
      return zh ? `号码超过 ${p.max} 个，请分批提交` : `more than ${p.max} numbers; split them into several batches`;
    case 'too_many_cells':
      return zh ? `表格单元格超过 ${p.max} 个，请只保留号码列` : `the sheet has more than ${p.max} cells; keep only the number column`;
    case 'too_slow':
      return zh ? '文件读取超时，请精简后重新上传' : 'reading the file took too long; simplify it and upload it again';
    case 'no_numbers':
      return zh ? '第一个工作表的第一列没有号码' : 'the first column of the first sheet has no numbers';
  }
}
