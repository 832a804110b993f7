'use strict';
// The sorted-set verbs on every server kind: members of any value type,
// scores, bounds and the zadd flags, as django-redis answers them.
const test = require('node:test');
const assert = require('node:assert/strict');
const rc = require('..');
const { entries, prefix, withClient } = require('./helpers');

for (const kind of ['standalone', 'cluster', 'tls', 'acl']) {
  test(`the sorted-set verbs on ${kind}`, async () => {
    await withClient(entries[kind](prefix(`z-${kind}`)), async (c) => {
      const pair = rc.Tuple.from([1, 'x']);
      assert.equal(await c.zadd('z', new Map([['a', 1], [2, 2.5], [pair, 3]])), 3);
      assert.deepEqual(await c.zrange('z', 0, -1), ['a', 2, pair]);
      assert.deepEqual(await c.zrange('z', 0, -1, { withScores: true }), [['a', 1], [2, 2.5], [pair, 3]]);
      assert.deepEqual(await c.zrevrange('z', 0, 1), [pair, 2]);
      assert.equal(await c.zcard('z'), 3);
      assert.equal(await c.zcard('none'), 0);
      assert.equal(await c.zscore('z', 2), 2.5);
      assert.equal(await c.zscore('z', 'absent'), null);
      assert.equal(await c.zrank('z', pair), 2);
      assert.deepEqual(await c.zrank('z', 2, { withScore: true }), [1, 2.5]);
      assert.equal(await c.zrank('z', 'absent'), null);

      // Flags: nx keeps a score, xx adds nothing, ch counts changes, gt only raises.
      assert.equal(await c.zadd('z', { a: 9 }, { nx: true }), 0);
      assert.equal(await c.zscore('z', 'a'), 1);
      assert.equal(await c.zadd('z', { b: 1 }, { xx: true }), 0);
      assert.equal(await c.zscore('z', 'b'), null);
      assert.equal(await c.zadd('z', { a: 1.5, c: 4 }, { ch: true }), 2);
      assert.equal(await c.zadd('z', { a: 0 }, { gt: true, ch: true }), 0);
      assert.equal(await c.zadd('z', { a: 5 }, { incr: true }), 6.5);
      assert.equal(await c.zadd('z', { q: 5 }, { incr: true, xx: true }), null);
      assert.equal(await c.zincrby('z', -0.5, 'a'), 6);

      // Bounds: numbers, open bounds, infinities.
      assert.equal(await c.zcount('z', '-inf', '+inf'), 4);
      assert.equal(await c.zcount('z', '(2.5', 4), 2);
      assert.equal(await c.zcount('z', -Infinity, 2.5), 1);
      assert.deepEqual(await c.zrangebyscore('z', 2.5, Infinity), [2, pair, 'c', 'a']);
      assert.deepEqual(await c.zrangebyscore('z', 2.5, Infinity, { start: 1, num: 2 }), [pair, 'c']);
      assert.deepEqual(await c.zrevrangebyscore('z', 4, '(2.5', { withScores: true }), [['c', 4], [pair, 3]]);

      assert.deepEqual(await c.zpopmax('z'), ['a', 6]);
      assert.deepEqual(await c.zpopmin('z', 2), [[2, 2.5], [pair, 3]]);
      assert.equal(await c.zadd('z', { d: 10, e: 11 }), 2);
      assert.equal(await c.zremrangebyscore('z', 10, '(11'), 1);
      assert.equal(await c.zrem('z', ['c', 'absent']), 1);
      assert.deepEqual(await c.zrange('z', 0, -1), ['e']);
      assert.equal(await c.zrem('z', []), 0);
      assert.deepEqual(await c.zpopmin('z'), ['e', 11]);
      assert.equal(await c.zpopmin('z'), null);
      assert.deepEqual(await c.zpopmax('z', 3), []);
    });
  });
}

test('sorted-set arguments are checked, a wrong type is a ServerError', async () => {
  const c = await withClient(entries.standalone(prefix('zargs')), async (c) => {
    await assert.rejects(c.zadd('z', {}), /zadd: no members/);
    await assert.rejects(c.zadd('z', { a: 'one' }), /zadd: a score is a number/);
    await assert.rejects(c.zadd('z', { a: 1, b: 2 }, { incr: true }), /incr takes one member/);
    await assert.rejects(c.zcount('z', NaN, 1), /cannot be NaN/);
    await assert.rejects(c.zcount('z', null, 1), /zcount: a score bound/);
    await assert.rejects(c.zrange('z', 0.5, 1), /zrange: an integer/);
    await assert.rejects(c.zrangebyscore('z', 0, 1, { start: 1 }), /start and num go together/);
    await assert.rejects(c.zrem('z', 'a'), /members is an array/);
    await assert.rejects(c.zcount('z', 'soon', 1), rc.ServerError);
    await assert.rejects(c.zadd('z', new Map([[() => 1, 1]])), /function cannot be stored/);
    await c.set('plain', 1);
    await assert.rejects(c.zadd('plain', { a: 1 }), (e) => e instanceof rc.ServerError && /WRONGTYPE/.test(e.message));
    return c;
  });
  await assert.rejects(c.zcard('z'), rc.ClosedError);
  await assert.rejects(c.zadd('z', { a: 1 }), rc.ClosedError);
});
