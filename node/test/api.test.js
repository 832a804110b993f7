'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const rc = require('..');
const { entries, prefix } = require('./helpers');

for (const kind of ['standalone', 'cluster', 'tls', 'acl']) {
  test(`the cache verbs on ${kind}`, async () => {
    const c = new rc.Client(entries[kind](prefix(kind)));
    try {
      assert.equal((await c.health()).status, 'good');
      assert.equal(await c.get('missing', 'dflt'), 'dflt');
      await c.set('k', { a: [1, 'two', Buffer.from([0, 255])] }, 60);
      assert.deepEqual(await c.get('k'), { a: [1, 'two', Buffer.from([0, 255])] });
      assert.equal(await c.add('k', 'other'), false);
      assert.equal(await c.add('k2', 'v'), true);
      assert.ok((await c.ttl('k')) > 55 && (await c.ttl('k')) <= 60);
      assert.equal(await c.touch('k', null), true);
      assert.equal(await c.ttl('k'), null);
      assert.equal(await c.expire('k', 30), true);
      assert.ok((await c.pttl('k')) > 29000);
      assert.equal(await c.pexpireAt('k', Date.now() + 30000), true);
      assert.ok((await c.pttl('k')) > 25000 && (await c.pttl('k')) <= 30000);
      assert.equal(await c.expireAt('k', new Date(Date.now() + 60000)), true);
      assert.ok((await c.ttl('k')) > 55 && (await c.ttl('k')) <= 60);
      assert.equal(await c.expireAt('nope', Date.now() / 1000 + 60), false);
      await c.set('versioned', 'v', 60);
      assert.equal(await c.incrVersion('versioned'), 2);
      assert.equal(await c.get('versioned'), null);
      assert.equal(await c.get('versioned', null, 2), 'v');
      assert.ok((await c.ttl('versioned', 2)) > 55, 'the value keeps its TTL');
      assert.equal(await c.decrVersion('versioned', 1, 2), 1);
      assert.equal(await c.get('versioned'), 'v');
      await assert.rejects(c.incrVersion('absent'), rc.NotFoundError);
      assert.equal(await c.persist('k'), true);
      assert.equal(await c.ttl('nope'), 0);
      assert.equal(await c.hasKey('k'), true);
      assert.equal(await c.incr('n', 5, undefined, { ignoreKeyCheck: true }), 5);
      assert.equal(await c.decr('n', 2), 3);
      await assert.rejects(c.incr('absent'), rc.NotFoundError);
      await assert.rejects(c.incr('k'), (e) => e instanceof rc.NotIntegerError && e.status === -4);
      await c.setMany({ m1: 1, m2: [2], m3: 'three' }, 60);
      const got = await c.getMany(['m1', 'm2', 'm3', 'm4']);
      assert.deepEqual([...got], [['m1', 1], ['m2', [2]], ['m3', 'three']]);
      assert.deepEqual(await c.keys('m*'), ['m1', 'm2', 'm3']);
      const seen = new Set();
      for await (const k of c.iterKeys('m*', { count: 1 })) seen.add(k);
      assert.deepEqual([...seen].sort(), ['m1', 'm2', 'm3']);
      assert.equal(await c.deleteMany(['m1', 'm2', 'm4']), 2);
      assert.equal(await c.delete('m3'), true);
      assert.equal(await c.delete('m3'), false);
      assert.equal(await c.hset('h', 'f1', 'v'), 1);
      assert.equal(await c.hexists('h', 'f1'), true);
      assert.deepEqual(await c.hkeys('h'), ['f1']);
      assert.equal(await c.hlen('h'), 1);
      assert.equal(await c.hdel('h', 'f1'), 1);
      assert.equal(await c.getOrSet('gs', () => 'made', 60), 'made');
      assert.equal(await c.getOrSet('gs', 'ignored', 60), 'made');
      await c.setBytes('raw', Buffer.from('12'));
      assert.deepEqual(await c.getBytes('raw'), Buffer.from('12'));
      assert.equal(await c.get('raw'), 12);
      assert.ok((await c.clear()) >= 4);
      assert.equal(await c.hasKey('k'), false);
    } finally {
      await c.close();
    }
  });
}

test('a lock excludes a second holder until released', async () => {
  const c = new rc.Client(entries.standalone(prefix('lock')));
  try {
    const a = c.lock('L', { timeout: 10 });
    const b = c.lock('L', { timeout: 10 });
    assert.equal(await a.acquire(), true);
    assert.equal(await b.acquire({ blocking: false }), false);
    assert.equal(await a.locked(), true);
    assert.equal(await a.owned(), true);
    await a.extend(5);
    await a.release();
    assert.equal(await b.acquire({ blockingTimeout: 1 }), true);
    await b.release();
    await assert.rejects(b.release(), rc.LockError);
  } finally {
    await c.close();
  }
});

test('a closed client rejects with ClosedError, twice closing is harmless', async () => {
  const c = new rc.Client(entries.standalone(prefix('closed')));
  await c.set('x', 1);
  await c.close();
  assert.equal(c.closed, true);
  await assert.rejects(c.get('x'), (e) => e instanceof rc.ClosedError && /closed/.test(e.message));
  await assert.rejects(c.set('x', 2), rc.ClosedError);
  await c.close();
});

test('a bad entry is a ConfigurationError naming the setting, never the password', () => {
  const secret = 'hunter2-very-secret';
  const e = entries.standalone('p');
  e.LOCATION = `redis://:${secret}@127.0.0.1:1/0`;
  e.TIMEOUT = 'soon';
  assert.throws(
    () => new rc.Client(e),
    (err) => err instanceof rc.ConfigurationError && err.status === -1 && /TIMEOUT/.test(err.message) && !err.message.includes(secret),
  );
  const settings = rc.resolve(entries.standalone('p'));
  assert.equal(settings.host, '127.0.0.1');
});

test('an unreachable server is a ConnectionError, without the password', async () => {
  const secret = 'hunter3-very-secret';
  const e = entries.standalone('p');
  e.LOCATION = `redis://:${secret}@127.0.0.1:1/0`;
  const c = new rc.Client(e);
  try {
    await assert.rejects(c.get('x'), (err) => err instanceof rc.ConnectionError && err.status === -2 && !err.message.includes(secret));
  } finally {
    await c.close();
  }
});

test('bad arguments throw TypeError or RangeError naming the argument', async () => {
  const c = new rc.Client(entries.standalone(prefix('args')));
  try {
    await assert.rejects(async () => c.get(42), /key: a string or a Buffer/);
    await assert.rejects(async () => c.set('k', 1, 'soon'), /timeout/);
    await assert.rejects(async () => c.get('k', null, 1.5), /version/);
    await assert.rejects(async () => c.set('k', () => 1), /function cannot be stored/);
    await assert.rejects(c.set('k', 1, NaN), rc.InvalidArgumentError);
  } finally {
    await c.close();
  }
});

test('a value the codec cannot read or write is a ValueCodecError', async () => {
  const e = entries.standalone(prefix('codec'));
  e.OPTIONS.SERIALIZER = 'django_redis.serializers.json.JSONSerializer';
  const c = new rc.Client(e);
  try {
    await assert.rejects(c.set('s', new Set([1])), (err) => err instanceof rc.ValueCodecError && err.status === -11);
    await c.setBytes('junk', Buffer.from('{not json'));
    await assert.rejects(c.get('junk'), rc.ValueCodecError);
    assert.deepEqual(await c.getBytes('junk'), Buffer.from('{not json'));
  } finally {
    await c.clear();
    await c.close();
  }
});
