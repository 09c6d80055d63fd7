import { describeFormPath } from '../domain/form-path.js';
import type { Finding } from './finding.js';

/** A finding as the API answers it: with `place`, its path in words ("绩效指标第 4 行·偏差原因分析及改进措施"). */
export type PlacedFinding = Finding & { place: string };

/**
 * Adds the Chinese label of each finding's path. Computed when a finding is read (not stored), so that
 * findings recorded before labels existed, or before a label changed, read the same as new ones.
 */
export function placeFindings(findings: readonly Finding[]): PlacedFinding[];
export function placeFindings(findings: readonly Finding[] | null): PlacedFinding[] | null;
export function placeFindings(findings: readonly Finding[] | null): PlacedFinding[] | null {
  return findings === null ? null : findings.map((finding) => ({ ...finding, place: describeFormPath(finding.path) }));
}
