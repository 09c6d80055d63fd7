/**
 * The front door of libs/reporting (`#perf-eval/reporting`): what apps and other libs may use of it.
 * Files inside the lib import each other relatively, never through this file (.dependency-cruiser.cjs checks both).
 */
export { BoardQuery } from './board.query.js';
export { FiscalYearsQuery } from './fiscal-years.query.js';
export { formDocx, formPdf } from './form-document.js';
export { type FormPaper, FormPaperQuery } from './form-paper.query.js';
export { formWorkbook } from './form-workbook.js';
export { type PublicationPack, PublicationPackQuery } from './publication-pack.js';
export { PublishedDocuments } from './published-documents.js';
export { summaryCsv, summaryCsvStream } from './summary-csv.js';
export { SUMMARY_DOCUMENT_MAX_ROWS, summaryDocx, summaryForDocument, summaryPdf } from './summary-document.js';
export type { SummaryAnswer, SummaryExport, SummaryTable } from './summary-table.js';
export { summaryTitle, summaryWorkbook, summaryWorkbookStream } from './summary-workbook.js';
export { SummaryExportQuery, SummaryQuery } from './summary.query.js';
export { ReportingModule } from './reporting.module.js';
export { REPORTING_ACCESS, REPORTING_ACTIONS, type ReportingAction } from './reporting-access.js';
