import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { SummaryHandler } from './summary.query.js';
import { BoardHandler } from './board.query.js';

@Module({ imports: [CqrsModule], providers: [SummaryHandler, BoardHandler] })
export class ReportingModule {}
