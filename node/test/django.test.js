'use strict';
// Values written by the real Django stack read back in Node, and values
// written from Node read by Django (django_helper.py in the project's venv,
// RC_TEST_PYTHON), for pickle and JSON serializers with a compressor.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const rc = require('..');
const { env, prefix, djangoEntry, withClient } = require('./helpers');

const HELPER = path.join(__dirname, 'django_helper.py');
const django = (entry, ...args) =>
  execFileSync(env('RC_TEST_PYTHON'), [HELPER, JSON.stringify(entry), ...args], { encoding: 'utf8', env: { ...process.env, PYTHONHASHSEED: '0' } });

const ZLIB = 'django_redis.compressors.zlib.ZlibCompressor';
const JSONS = 'django_redis.serializers.json.JSONSerializer';

test('pickle + zlib: Django writes, Node reads', async () => {
  const entry = djangoEntry(prefix('dj'), { COMPRESSOR: ZLIB });
  django(entry, 'write', 'from-django');
  const c = new rc.Client(entry);
  try {
    const v = await c.get('from-django');
    assert.ok(v.when instanceof rc.DateTime);
    assert.equal(v.when.toISOString(), '2024-05-06T05:08:09.123Z');
    assert.equal(v.when.micros, 456);
    assert.equal(v.when.offset, 7200);
    assert.equal(v.naive.offset, null);
    assert.equal(v.naive.micros, 7);
    assert.deepEqual(v.day, new rc.PyDate(2024, 2, 29));
    assert.deepEqual(v.raw, Buffer.from('\x00\xffbytes', 'latin1'));
    assert.equal(v.big, 2n ** 100n + 7n);
    assert.equal(v.neg, -(2n ** 64n));
    assert.deepEqual(v.price, new rc.Decimal('19.99'));
    assert.deepEqual(v.tags, new Set(['a', 'b']));
    assert.deepEqual(v.pair, rc.Tuple.from([1, 'x']));
    assert.ok(v.float instanceof rc.Float);
    const ttl = await c.ttl('from-django');
    assert.ok(ttl > 100 && ttl <= 120, `ttl ${ttl}`);
    // Read here, written back here, read by Django: the same value.
    const before = JSON.parse(django(entry, 'read', 'from-django')).repr;
    await c.set('back', v, 90);
    const after = JSON.parse(django(entry, 'read', 'back'));
    assert.equal(after.repr, before);
    assert.ok(after.ttl > 80 && after.ttl <= 90);
  } finally {
    await c.clear();
    await c.close();
  }
});

test('pickle + zlib: Node writes, Django reads', async () => {
  const entry = djangoEntry(prefix('dj'), { COMPRESSOR: ZLIB });
  const c = new rc.Client(entry);
  try {
    await c.set(
      'from-node',
      {
        when: new rc.DateTime(Date.UTC(2024, 0, 1, 0, 0, 0, 1), 2, 0),
        raw: Buffer.from('hi'),
        big: 2n ** 80n,
        t: rc.Tuple.from([1]),
        f: new rc.Float(2),
        s: 'x'.repeat(200),
      },
      45,
    );
    const got = JSON.parse(django(entry, 'read', 'from-node'));
    assert.equal(
      got.repr,
      "{'when': datetime.datetime(2024, 1, 1, 0, 0, 0, 1002, tzinfo=datetime.timezone.utc), 'raw': b'hi', " +
        `'big': 1208925819614629174706176, 't': (1,), 'f': 2.0, 's': '${'x'.repeat(200)}'}`,
    );
    assert.ok(got.ttl > 40 && got.ttl <= 45, `ttl ${got.ttl}`);
  } finally {
    await c.clear();
    await c.close();
  }
});

test('JSON serializer + zlib: both directions', async () => {
  const entry = djangoEntry(prefix('djjson'), { SERIALIZER: JSONS, COMPRESSOR: ZLIB });
  django(entry, 'write', 'from-django');
  const c = new rc.Client(entry);
  try {
    const v = await c.get('from-django');
    assert.deepEqual(v, { big: 2n ** 100n + 7n, neg: -(2n ** 64n), list: [1, 2.5, 's', null, true], float: new rc.Float(3) });
    await c.set('from-node', { n: 2n ** 70n, l: [1, 'two'], f: 0.5 }, 30);
    const got = JSON.parse(django(entry, 'read', 'from-node'));
    assert.equal(got.repr, "{'n': 1180591620717411303424, 'l': [1, 'two'], 'f': 0.5}");
    assert.ok(got.ttl > 25 && got.ttl <= 30);
  } finally {
    await c.clear();
    await c.close();
  }
});

// Without a COMPRESSOR: the library's deflate writes other bytes than
// Python's, and Redis compares members byte for byte (README.md, Django
// backend).
for (const [name, options] of [['pickle', {}], ['JSON', { SERIALIZER: JSONS }]]) {
  test(`sorted sets (${name}): members Django added read here, members added here read by Django`, async () => {
    const entry = djangoEntry(prefix('djz'), options);
    django(entry, 'zwrite', 'from-django');
    await withClient(entry, async (c) => {
      const pickles = name === 'pickle';
      const pair = pickles ? rc.Tuple.from([1, 'x']) : [1, 'x'];
      assert.deepEqual(await c.zrange('from-django', 0, -1, { withScores: true }), [
        [2n ** 70n, -1], [null, 0.5], ['a', 1], [7, 2.5], [pair, 3],
      ]);
      assert.equal(await c.zscore('from-django', pair), 3, 'a member is found by its value');
      assert.equal(await c.zrank('from-django', 2n ** 70n), 0);
      assert.equal(await c.zrem('from-django', [7, null]), 2);
      assert.equal(JSON.parse(django(entry, 'zread', 'from-django')).repr,
        `[(1180591620717411303424, -1.0), ('a', 1.0), (${pickles ? "(1, 'x')" : "[1, 'x']"}, 3.0)]`);

      await c.zadd('from-node', new Map([['b', 2], [5, 1], [pair, 0], [new rc.Float(2), 4]]));
      await c.zincrby('from-node', 1.5, 5);
      assert.equal(JSON.parse(django(entry, 'zread', 'from-node')).repr,
        `[(${pickles ? "(1, 'x')" : "[1, 'x']"}, 0.0), ('b', 2.0), (5, 2.5), (2.0, 4.0)]`);
    });
  });
}

test('set with xx replaces what Django wrote, and Django reads the new value', async () => {
  const entry = djangoEntry(prefix('djxx'), { COMPRESSOR: ZLIB });
  django(entry, 'write', 'k');
  await withClient(entry, async (c) => {
    assert.equal(await c.set('k', { replaced: rc.Tuple.from([1]) }, 50, undefined, { xx: true }), true);
    assert.equal(await c.set('absent', 1, 50, undefined, { xx: true }), false);
    const got = JSON.parse(django(entry, 'read', 'k'));
    assert.equal(got.repr, "{'replaced': (1,)}");
    assert.ok(got.ttl > 45 && got.ttl <= 50, `ttl ${got.ttl}`);
    assert.equal(JSON.parse(django(entry, 'read', 'absent')).repr, 'None');
  });
});
