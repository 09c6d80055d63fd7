import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { SummaryHandler } from './summary.query.js';
import { BoardHandler } from './board.query.js';
import { FiscalYearsHandler } from './fiscal-years.query.js';

@Module({ imports: [CqrsModule], providers: [SummaryHandler, BoardHandler, FiscalYearsHandler] })
export class ReportingModule {}
