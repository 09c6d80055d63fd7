import { Injectable } from '@nestjs/common';
import { AppConfig } from '#perf-eval/config';
import type { EvaluationState } from '../domain/evaluation.js';

/** How long a remembered state may be used: a bound on what a writer outside the commands could make stale. */
const SNAPSHOT_TTL_MS = 30_000;

/**
 * The states this process wrote last, each as the JSON it wrote and at its version, so that the next command
 * on the same version (a drafter saving again) skips reading the snapshot back (one statement and round trip
 * of two per edit).
 *
 * Safe because a state at a version never changes: every command moves the version, the write is guarded by
 * the version it loaded (a concurrent writer's version makes it fail with 409, as a stale client deserves), and
 * a state is only taken for the version the client says it holds. Each entry is the very JSON the row was
 * written with, parsed afresh for every use (no object is shared between commands), and expires after 30 s.
 * Bounded by SNAPSHOT_CACHE_ENTRIES (the oldest goes first); 0 turns it off.
 */
@Injectable()
export class SnapshotCache {
  private readonly entries = new Map<string, { version: number; json: string; at: number }>();
  private readonly capacity: number;

  constructor(config: AppConfig) {
    this.capacity = config.snapshotCacheEntries;
  }

  /** The state of `id` at `version` if this process wrote it lately; null otherwise. */
  take(id: string, version: number): EvaluationState | null {
    const entry = this.entries.get(id);
    if (!entry || entry.version !== version) return null;
    if (Date.now() - entry.at > SNAPSHOT_TTL_MS) {
      this.entries.delete(id);
      return null;
    }
    return JSON.parse(entry.json) as EvaluationState;
  }

  /** `json` is the state of `id` at `version` as a committed write stored it. */
  remember(id: string, version: number, json: string): void {
    if (this.capacity === 0) return;
    this.entries.delete(id);
    this.entries.set(id, { version, json, at: Date.now() });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  forget(id: string): void {
    this.entries.delete(id);
  }

  get size(): number {
    return this.entries.size;
  }
}
