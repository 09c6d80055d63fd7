import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { SummaryExportHandler, SummaryHandler } from './summary.query.js';
import { BoardHandler } from './board.query.js';
import { FiscalYearsHandler } from './fiscal-years.query.js';
import { PublicationPackHandler } from './publication-pack.js';
import { FormPaperHandler } from './form-paper.query.js';
import { PublishedDocuments } from './published-documents.js';

@Module({ imports: [CqrsModule], providers: [SummaryHandler, SummaryExportHandler, BoardHandler, FiscalYearsHandler, PublicationPackHandler, FormPaperHandler, PublishedDocuments] })
export class ReportingModule {}
