import { Module } from '@nestjs/common';
import { CyclesStore } from './cycles.store.js';

@Module({ providers: [CyclesStore], exports: [CyclesStore] })
export class CyclesModule {}
