import type ExcelJS from 'exceljs';

/**
 * exceljs, loaded when a workbook is first read or written. Loaded with the rest at start it cost
 * each web and worker process about half a second of CPU (with unzipper and its helpers), and most
 * processes never touch a workbook.
 */
export async function excel(): Promise<typeof ExcelJS> {
  return (await import('exceljs')).default;
}
