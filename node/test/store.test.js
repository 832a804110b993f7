'use strict';
// set's nx and xx (add and replace), the raw-byte verbs of many keys, the
// lock's reacquire and expandEnv.
const test = require('node:test');
const assert = require('node:assert/strict');
const rc = require('..');
const { entries, prefix, withClient } = require('./helpers');

for (const kind of ['standalone', 'cluster', 'tls', 'acl']) {
  test(`set with nx and xx, and the byte verbs of many keys, on ${kind}`, async () => {
    await withClient(entries[kind](prefix(`store-${kind}`)), async (c) => {
      assert.equal(await c.set('k', 'first', 60, undefined, { xx: true }), false, 'xx: a missing key is not stored');
      assert.equal(await c.hasKey('k'), false);
      assert.equal(await c.set('k', 'first', 60, undefined, { nx: true }), true);
      assert.equal(await c.set('k', 'second', 60, undefined, { nx: true }), false);
      assert.equal(await c.get('k'), 'first');
      assert.equal(await c.set('k', { v: 2 }, 30, undefined, { xx: true }), true);
      assert.deepEqual(await c.get('k'), { v: 2 });
      const ttl = await c.ttl('k');
      assert.ok(ttl > 25 && ttl <= 30, `ttl ${ttl}`);
      assert.equal(await c.set('k', 'gone', 0, undefined, { xx: true }), true, 'xx with timeout 0 deletes');
      assert.equal(await c.hasKey('k'), false);
      await assert.rejects(c.set('k', 1, 60, undefined, { nx: true, xx: true }), /nx and xx exclude each other/);

      assert.equal(await c.setBytes('b', Buffer.from([1, 2]), 60, undefined, { xx: true }), false);
      assert.equal(await c.addBytes('b', Buffer.from([1, 2]), 60), true);
      assert.equal(await c.addBytes('b', 'other', 60), false);
      assert.equal(await c.setBytes('b', '42', null, undefined, { xx: true }), true);
      assert.equal(await c.ttl('b'), null);
      assert.equal(await c.incr('b'), 43);
      assert.equal(await c.expire('b', new rc.Timedelta(0, 90, 900000)), true);
      assert.equal(await c.ttl('b'), 90, 'a Timedelta counts whole seconds');
      assert.equal(await c.pexpire('b', new rc.Timedelta(0, 2, 500000)), true);
      const pttl = await c.pttl('b');
      assert.ok(pttl > 2000 && pttl <= 2500, `pttl ${pttl}`);
      assert.equal(await c.pexpireAt('b', new Date(Date.now() + 40000)), true);
      const left = await c.ttl('b');
      assert.ok(left > 35 && left <= 40, `ttl ${left}`);

      assert.deepEqual(await c.setManyBytes({ r1: Buffer.from([0, 255]), r2: '7' }, 60), []);
      assert.deepEqual([...(await c.getManyBytes(['r1', 'r2', 'r3']))], [['r1', Buffer.from([0, 255])], ['r2', Buffer.from('7')]]);
      assert.equal(await c.get('r2'), 7, 'digits read as the int django-redis reads');
      assert.ok((await c.ttl('r1')) > 55);
      await c.set('v', [1, 2], 60);
      const raw = (await c.getManyBytes(['v'])).get('v');
      assert.deepEqual(await c.getBytes('v'), raw);
      assert.ok(raw.length > 2 && raw[0] === 0x80, 'a value reads back as its pickle');
    });
  });
}

test('reacquire restarts the lock time; a lost lock is LockNotOwnedError', async () => {
  await withClient(entries.standalone(prefix('relock')), async (c) => {
    const lock = c.lock('L', { timeout: 10 });
    assert.equal(await lock.acquire(), true);
    const t0 = Date.now();
    assert.equal(await c.lock('L').acquire({ sleep: 0.05, blockingTimeout: 0.3 }), false);
    assert.ok(Date.now() - t0 >= 200, 'a blocked acquire waits for its blockingTimeout');
    assert.equal(await c.pexpire('L', 1000), true);
    assert.ok((await c.pttl('L')) <= 1000);
    await lock.reacquire();
    assert.ok((await c.pttl('L')) > 9000, 'the time left is the timeout again');
    await lock.extend(5);
    assert.ok((await c.pttl('L')) > 14000);
    await lock.extend(3, { replaceTtl: true });
    assert.ok((await c.pttl('L')) <= 3000);

    await c.delete('L');
    await assert.rejects(lock.reacquire(), rc.LockNotOwnedError);
    await assert.rejects(lock.extend(1), (e) => e instanceof rc.LockNotOwnedError && e instanceof rc.LockError);
    await assert.rejects(lock.release(), rc.LockNotOwnedError);
    await assert.rejects(lock.release(), (e) => e instanceof rc.LockError && !(e instanceof rc.LockNotOwnedError));

    const forever = c.lock('F');
    assert.equal(await forever.acquire(), true);
    await assert.rejects(forever.reacquire(), (e) => e instanceof rc.LockError && /no timeout/.test(e.message));
    await assert.rejects(forever.extend(1), /no timeout/);
    await forever.release();
    await assert.rejects(c.lock('U', { timeout: 5 }).reacquire(), /unlocked lock/);
  });
});

test('expandEnv replaces the references of an entry file from process.env', () => {
  process.env.RC_NODE_TEST_HOST = '127.0.0.1:1"x';
  try {
    const text = rc.expandEnv('{"LOCATION": "redis://${RC_NODE_TEST_HOST}/0", "KEY_PREFIX": "${RC_NODE_TEST_UNSET:-dflt}", "X": "$${lit}"}');
    assert.deepEqual(JSON.parse(text), { LOCATION: 'redis://127.0.0.1:1"x/0', KEY_PREFIX: 'dflt', X: '${lit}' });
  } finally {
    delete process.env.RC_NODE_TEST_HOST;
  }
  assert.throws(
    () => rc.expandEnv('{"LOCATION": "${RC_NODE_TEST_HOST}"}'),
    (e) => e instanceof rc.ConfigurationError && /RC_NODE_TEST_HOST/.test(e.message),
  );
  assert.throws(() => rc.expandEnv({}), TypeError);
});
