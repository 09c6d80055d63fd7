import { describe, expect, it } from '@jest/globals';
import { attachmentChanges, type EventRow } from './evaluation-changes.query.js';

const added = (version: number, id: string, fileName: string, target: string | null = null): EventRow => ({
  version,
  type: 'EvaluationAttachmentAdded',
  actor_id: 'u-drafter',
  payload: { attachment: { id, fileName, size: 10, sha256: 'ab', contentType: 'application/pdf', target, uploadedBy: 'u-drafter', uploadedAt: '2022-01-10T08:00:00Z' } },
});
const removed = (version: number, attachmentId: string): EventRow => ({ version, type: 'EvaluationAttachmentRemoved', actor_id: 'u-drafter', payload: { attachmentId } });
const edited = (version: number): EventRow => ({ version, type: 'EvaluationEdited', actor_id: 'u-drafter', payload: null });

describe('attachmentChanges', () => {
  it('lists the files added and removed after the version, removed ones named from when they were added', () => {
    const events = [added(2, 'a-1', '支出凭证.pdf', 'indicators[2]'), edited(3), added(5, 'a-2', '照片.png'), removed(6, 'a-1')];
    expect(attachmentChanges(events, 4)).toEqual([
      { change: 'added', id: 'a-2', fileName: '照片.png', target: null },
      { change: 'removed', id: 'a-1', fileName: '支出凭证.pdf', target: 'indicators[2]' },
    ]);
  });

  it('leaves out a file added and removed again in between, and what happened before the version', () => {
    expect(attachmentChanges([added(2, 'a-1', '旧.pdf'), added(5, 'a-2', '临时.pdf'), removed(6, 'a-2')], 4)).toEqual([]);
  });

  it('reads payloads defensively: a malformed event is skipped, an unknown removed file still listed by its id', () => {
    const odd: EventRow[] = [
      { version: 5, type: 'EvaluationAttachmentAdded', actor_id: 'u', payload: { attachment: { fileName: 'no id.pdf' } } },
      { version: 6, type: 'EvaluationAttachmentAdded', actor_id: 'u', payload: null },
      { version: 7, type: 'EvaluationAttachmentRemoved', actor_id: 'u', payload: { attachmentId: 42 } },
      removed(8, 'a-9'),
    ];
    expect(attachmentChanges(odd, 4)).toEqual([{ change: 'removed', id: 'a-9', fileName: null, target: null }]);
  });
});
