import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { SummaryHandler } from './summary.query.js';
import { BoardHandler } from './board.query.js';
import { FiscalYearsHandler } from './fiscal-years.query.js';
import { PublicationPackHandler } from './publication-pack.js';

@Module({ imports: [CqrsModule], providers: [SummaryHandler, BoardHandler, FiscalYearsHandler, PublicationPackHandler] })
export class ReportingModule {}
