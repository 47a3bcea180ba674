import { describe, expect, it } from 'vitest';
import { decodeQueueCursor, encodeQueueCursor, type QueueCursor } from '../../db/queue.js';

const ID = '0b6f2f3e-8f7a-4c1d-9e2b-3a4c5d6e7f80';
const raw = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('queue cursors with a direction', () => {
  it('when a cursor of each sort and direction is written, then it reads back as it was', () => {
    const cursors: QueueCursor[] = [
      { sort: 'deadline', dir: 'asc', values: [0, 1, '2026-03-02T01:00:00.000Z', '2026-03-01T01:00:00.000Z'], id: ID },
      { sort: 'deadline', dir: 'desc', values: [2, 0, '2026-03-02T01:00:00.000Z', '2026-03-01T01:00:00.000Z'], id: ID },
      { sort: 'submitted', dir: 'desc', values: ['2026-03-01T01:00:00.000Z'], id: ID },
      { sort: 'tenant', dir: 'desc', values: ['示例租户', '2026-03-02T01:00:00.000Z'], id: ID },
    ];
    for (const c of cursors) expect(decodeQueueCursor(encodeQueueCursor(c))).toEqual(c);
  });

  it('when a cursor from before directions is read, then it is ascending', () => {
    expect(decodeQueueCursor(raw(['submitted', '2026-03-01T01:00:00.000Z', ID]))).toEqual({ sort: 'submitted', dir: 'asc', values: ['2026-03-01T01:00:00.000Z'], id: ID });
  });

  it('when a cursor names a direction or sort that does not exist, then it is not a cursor', () => {
    for (const head of ['submitted:asc', 'submitted:up', 'submitted:desc:desc', 'sideways:desc', 'constructor']) {
      expect(decodeQueueCursor(raw([head, '2026-03-01T01:00:00.000Z', ID])), head).toBeUndefined();
    }
    expect(decodeQueueCursor(raw([1, '2026-03-01T01:00:00.000Z', ID]))).toBeUndefined();
  });
});
