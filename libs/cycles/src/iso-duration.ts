import { DomainError } from '#perf-eval/errors';

/** ISO-8601 durations as reminder policies write them: P7D, P1W, PT2M, P1DT12H, PT30S. */
const PATTERN = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

export class InvalidDurationError extends DomainError {
  readonly code = 'INVALID_DURATION';
  constructor(readonly input: string) {
    super(`时长格式无效（应为 ISO-8601，如 P7D、PT2M）：${input}`);
  }
}

export function isIsoDuration(text: string): boolean {
  const m = PATTERN.exec(text);
  return m !== null && text !== 'P' && text !== 'PT' && !text.endsWith('T');
}

export function durationMs(text: string): number {
  const m = PATTERN.exec(text);
  if (!m || !isIsoDuration(text)) throw new InvalidDurationError(text);
  const [, w, d, h, min, s] = m.map((v) => Number(v ?? 0));
  return ((((w * 7 + d) * 24 + h) * 60 + min) * 60 + s) * 1000;
}
