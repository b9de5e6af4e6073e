import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MessageReplay } from '../../src/panels/messageReplay';
import type { HostMessage } from '../../src/panels/messages';

const start: HostMessage = { type: 'start', title: 't', question: 'q' };
const p1: HostMessage = { type: 'progress', phase: 'image', fraction: 0.2 };
const p2: HostMessage = { type: 'progress', phase: 'text', fraction: 0.7 };
const cancelled: HostMessage = { type: 'cancelled' };

describe('panel message replay', () => {
  test('messages wait for the first "ready", in order', () => {
    const r = new MessageReplay();
    assert.equal(r.post(start), false);
    assert.equal(r.post(p1), false);
    assert.deepEqual(r.onReady(), [start, p1]);
    assert.equal(r.post(p2), true);
  });

  test('a reloaded webview gets the start and the latest state only', () => {
    const r = new MessageReplay();
    r.onReady();
    r.post(start);
    r.post(p1);
    r.post(p2);
    assert.deepEqual(r.onReady(), [start, p2]);
    r.post(cancelled);
    r.post({ type: 'exported', folder: '/x', files: 3 });
    assert.deepEqual(r.onReady(), [start, cancelled]);
  });

  test('a new start forgets the previous result', () => {
    const r = new MessageReplay();
    r.onReady();
    r.post(start);
    r.post({ type: 'error', message: 'boom' });
    const again: HostMessage = { type: 'start', title: 't2' };
    r.post(again);
    assert.deepEqual(r.onReady(), [again]);
  });
});
