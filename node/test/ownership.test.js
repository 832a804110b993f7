'use strict';
// Buffers the library returns are freed (a leak of 1 MiB values would show
// in the RSS), and closing with calls in flight rejects them, never crashes.
const test = require('node:test');
const assert = require('node:assert/strict');
const rc = require('..');
const { entries, prefix } = require('./helpers');

test('reading large values many times does not grow the process', async () => {
  const c = new rc.Client(entries.standalone(prefix('own')));
  try {
    const big = Buffer.alloc(1 << 20, 7);
    await c.set('big', big, 60);
    await c.setBytes('raw', big, 60);
    for (let i = 0; i < 20; i++) await c.get('big'); // warm up the allocators
    global.gc?.();
    const before = process.memoryUsage().rss;
    for (let i = 0; i < 150; i++) {
      const [v, r, many] = await Promise.all([c.get('big'), c.getBytes('raw'), c.getMany(['big'])]);
      assert.equal(v.length + r.length + many.get('big').length, 3 << 20);
    }
    global.gc?.();
    const grown = (process.memoryUsage().rss - before) / (1 << 20);
    // 450 MiB would be held if the library's buffers were not freed.
    assert.ok(grown < 200, `RSS grew by ${grown.toFixed(0)} MiB`);
  } finally {
    await c.clear();
    await c.close();
  }
});

test('closing with calls in flight rejects them with ClosedError', async () => {
  const p = prefix('inflight');
  const c = new rc.Client(entries.standalone(p));
  const holder = new rc.Client(entries.standalone(p));
  try {
    const lock = holder.lock('L', { timeout: 10 });
    assert.equal(await lock.acquire(), true);
    const waiting = c.lock('L', { timeout: 10, sleep: 0.05 }).acquire({ blockingTimeout: 5 }).then((v) => v, (e) => e);
    const calls = Array.from({ length: 50 }, (_, i) => c.set(`k${i}`, i).then(() => 'done', (e) => e));
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    await c.close();
    const ended = await waiting;
    assert.ok(ended instanceof rc.ClosedError, String(ended));
    assert.ok(Date.now() - started < 3000, 'the blocked acquire ended when the client closed');
    for (const r of await Promise.all(calls)) assert.ok(r === 'done' || r instanceof rc.ClosedError, String(r));
    await lock.release();
  } finally {
    await holder.clear();
    await holder.close();
  }
});
