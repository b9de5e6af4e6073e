/** Does a sample the daemon lists match the one under the cursor? (pure) */
import type { SampleInfo } from '../daemon/protocol';
import type { CursorSample } from './sampleAtCursor';

export function confirmsSample(listed: SampleInfo, cursor: CursorSample): boolean {
  if (cursor.format === 'jsonl' && listed.line !== undefined && listed.line !== null) return listed.line === cursor.line + 1;
  return listed.question === cursor.question && (cursor.id === undefined || listed.id === cursor.id);
}
