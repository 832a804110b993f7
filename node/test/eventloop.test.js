'use strict';
// Calls that wait on Redis run on worker threads: a timer keeps firing
// while a call waits a second inside the library.
const test = require('node:test');
const assert = require('node:assert/strict');
const rc = require('..');
const { entries, prefix } = require('./helpers');

test('the event loop keeps running while a call blocks in the library', async () => {
  const c = new rc.Client(entries.standalone(prefix('loop')));
  try {
    const holder = c.lock('busy', { timeout: 10 });
    assert.equal(await holder.acquire(), true);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const started = Date.now();
    // Waits about a second inside rc_lock_acquire, then gives up.
    const waiter = c.lock('busy', { timeout: 10, sleep: 0.05 });
    const pending = waiter.acquire({ blockingTimeout: 1 });
    const many = Array.from({ length: 200 }, (_, i) => c.set(`k${i}`, i, 60));
    const got = await pending;
    await Promise.all(many);
    clearInterval(timer);
    const elapsed = Date.now() - started;
    assert.equal(got, false);
    assert.ok(elapsed >= 900, `the blocking acquire returned after ${elapsed} ms`);
    // A blocked loop would have run the timer at most once or twice.
    assert.ok(ticks >= 30, `the timer fired ${ticks} times in ${elapsed} ms`);
    assert.equal(await c.get('k199'), 199);
    await holder.release();
  } finally {
    await c.clear();
    await c.close();
  }
});
