// The module alone: resolution, errors and the memory contract, no server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, RedisClientError } from '../index.mjs';

const m = await load();
const secret = 'hunter2-not-printed';

test('resolve reads the entry by its backend rules and masks the password', () => {
  const o = m.resolve({ LOCATION: `redis://:${secret}@127.0.0.1:6390/4`, OPTIONS: { CLIENT_CLASS: 'ansible_base.lib.redis.RedisClient' } });
  assert.equal(o.backend, 'ansible_base.lib.redis.RedisClient');
  assert.equal(o.port, 6390);
  assert.equal(o.db, 4);
  assert.equal(o.password, '********');
  assert.ok(!JSON.stringify(o).includes(secret));
});

test('a bad entry is RC_ERR_CONFIG naming the setting, never the password', () => {
  assert.throws(() => m.resolve({ LOCATION: `redis://:${secret}@127.0.0.1:1/0`, OPTIONS: { COMPRESSOR: 'no.such.Compressor' } }),
    (err) => err instanceof RedisClientError && err.code === 'RC_ERR_CONFIG' && err.status === -1 &&
      err.message.includes('no.such.Compressor') && !err.message.includes(secret));
  assert.throws(() => m.resolve('{not json'), (err) => err.code === 'RC_ERR_CONFIG');
});

test('make-key is KEY_PREFIX:VERSION:key', () => {
  assert.equal(m.makeKey({ LOCATION: 'redis://127.0.0.1/0', KEY_PREFIX: 'app', VERSION: 7 }, 'k:é'), 'app:7:k:é');
  assert.equal(m.makeKey({ LOCATION: 'redis://127.0.0.1/0' }, 'x'), ':1:x');
});

test('encode and decode round-trip, and bad bytes are RC_ERR_VALUE', () => {
  const c = m.codec({ LOCATION: 'redis://127.0.0.1/0', OPTIONS: { COMPRESSOR: 'django_redis.compressors.zstd.ZStdCompressor' } });
  try {
    const v = { a: [1, 'b', null], big: { $int: '123456789012345678901234567890' } };
    assert.deepEqual(c.decode(c.encode(v)), v);
    assert.equal(c.encode(42).toString(), '42', 'integers are stored as digits, as django-redis stores them');
    assert.throws(() => c.decode(Buffer.from('not a pickle')), (err) => err.code === 'RC_ERR_VALUE');
    assert.throws(() => c.encode('{bad'), (err) => err.code === 'RC_ERR_INVALID_ARGUMENT');
  } finally { c.close(); }
  assert.throws(() => c.encode(1), (err) => err.code === 'RC_ERR_INVALID_ARGUMENT', 'a closed codec');
});

test('many calls do not grow memory: every buffer is freed', () => {
  const c = m.codec({ LOCATION: 'redis://127.0.0.1/0' });
  const value = { s: 'x'.repeat(100000) };
  for (let i = 0; i < 50; i++) c.decode(c.encode(value));
  const before = m.memoryBytes();
  for (let i = 0; i < 500; i++) c.decode(c.encode(value));
  c.close();
  assert.ok(m.memoryBytes() <= before * 2, `memory ${before} -> ${m.memoryBytes()}`);
});
