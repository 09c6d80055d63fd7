import type ExcelJS from 'exceljs';

/** What the official layouts share: the font of Chinese government forms, thin borders, A4. */
export const FONT = '宋体';
export const A4 = 9;
export const THIN: Partial<ExcelJS.Borders> = {
  top: { style: 'thin' },
  left: { style: 'thin' },
  bottom: { style: 'thin' },
  right: { style: 'thin' },
};
