// Node and Django share one cache: Node speaks the wire with the npm `redis`
// client and takes keys, values and settings from the WebAssembly module;
// Django is the real stack in the project's venv (django_side.py).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createClient, commandOptions } from 'redis';
import { load } from '../index.mjs';

const server = process.env.RC_TEST_STANDALONE;
// The venv's python with the real Django stack (scripts/test.sh sets it).
const python = process.env.RC_TEST_PYTHON;
const helper = fileURLToPath(new URL('./django_side.py', import.meta.url));
const prefix = `wasm-${process.pid}`;

function django(request) {
  if (!python) throw new Error('RC_TEST_PYTHON is not set: the Django venv\'s python is needed');
  const out = execFileSync(python, [helper, JSON.stringify(request)], { encoding: 'utf8' });
  return JSON.parse(out);
}

const entries = {
  pickleZlib: {
    BACKEND: 'django_redis.cache.RedisCache', LOCATION: `redis://${server}/0`, KEY_PREFIX: `${prefix}-pz`, TIMEOUT: 300,
    OPTIONS: { COMPRESSOR: 'django_redis.compressors.zlib.ZlibCompressor' },
  },
  jsonLz4: {
    BACKEND: 'django_redis.cache.RedisCache', LOCATION: `redis://${server}/0`, KEY_PREFIX: `${prefix}-jl`, VERSION: 3,
    OPTIONS: {
      SERIALIZER: 'django_redis.serializers.json.JSONSerializer',
      COMPRESSOR: 'django_redis.compressors.lz4.Lz4Compressor',
    },
  },
  djangoOwn: {
    BACKEND: 'django.core.cache.backends.redis.RedisCache', LOCATION: `redis://${server}/0`, KEY_PREFIX: `${prefix}-dj`,
  },
};

let m;
let client;
before(async () => {
  if (!server) throw new Error('RC_TEST_STANDALONE is not set: source the testenv env.sh');
  m = await load();
  const [host, port] = server.split(':');
  client = createClient({ socket: { host, port: Number(port) } });
  await client.connect();
});
after(async () => {
  if (client) {
    for (const e of Object.values(entries)) {
      const keys = await client.keys(`${e.KEY_PREFIX}:*`);
      if (keys.length) await client.del(keys);
    }
    await client.quit();
  }
});

async function rawGet(key) { return client.get(commandOptions({ returnBuffers: true }), key); }

test('Django writes pickle+zlib, Node reads the key, value and TTL', async () => {
  const value = { user: 'ann', ids: [1, 2, 3], ratio: 0.5, ok: true, none: null };
  django({ entry: entries.pickleZlib, op: 'set', key: 'profile', value, timeout: 120 });
  const key = m.makeKey(entries.pickleZlib, 'profile');
  assert.equal(key, `${prefix}-pz:1:profile`);
  const stored = await rawGet(key);
  assert.ok(stored, `Django's key ${key} is in Redis`);
  assert.equal(stored[0], 0x78, 'zlib-compressed');
  const c = m.codec(entries.pickleZlib);
  try {
    assert.deepEqual(c.decode(stored), value);
  } finally { c.close(); }
  const ttl = await client.ttl(key);
  assert.ok(ttl > 110 && ttl <= 120, `TTL ${ttl}`);
});

test('Node writes JSON+lz4 at VERSION 3, Django reads the value', async () => {
  const value = { list: ['a', 'b'], n: 12345678901, nested: { x: 1.25 } };
  const c = m.codec(entries.jsonLz4);
  try {
    await client.set(m.makeKey(entries.jsonLz4, 'doc'), c.encode(value), { EX: 60 });
  } finally { c.close(); }
  assert.equal(m.makeKey(entries.jsonLz4, 'doc'), `${prefix}-jl:3:doc`);
  assert.deepEqual(django({ entry: entries.jsonLz4, op: 'get', key: 'doc' }).value, value);
});

test('Python types both ways: Django writes a tuple, bytes and a date, Node reads and writes them back', async () => {
  django({ entry: entries.pickleZlib, op: 'set', key: 'typed', python: true });
  const c = m.codec(entries.pickleZlib);
  try {
    const got = JSON.parse(c.decodeJSON(await rawGet(m.makeKey(entries.pickleZlib, 'typed'))));
    assert.deepEqual(got.tuple, { $tuple: [1, 'two'] });
    assert.ok(got.bytes.$bytes, `bytes tagged: ${JSON.stringify(got.bytes)}`);
    assert.ok(JSON.stringify(got.when).includes('2026-12-02'), JSON.stringify(got.when));
    await client.set(m.makeKey(entries.pickleZlib, 'typed-back'), c.encode(got));
  } finally { c.close(); }
  const back = django({ entry: entries.pickleZlib, op: 'get', key: 'typed-back' });
  assert.equal(back.found, true);
  assert.equal(back.is_python_value, true, 'Django reads the same Python value');
});

test("Django's own RedisCache: Node writes, Django reads; Django writes, Node reads", async () => {
  const c = m.codec(entries.djangoOwn);
  try {
    await client.set(m.makeKey(entries.djangoOwn, 'from-node'), c.encode(['node', 1]));
    assert.deepEqual(django({ entry: entries.djangoOwn, op: 'get', key: 'from-node' }).value, ['node', 1]);
    django({ entry: entries.djangoOwn, op: 'set', key: 'from-django', value: { d: 'jango' }, timeout: 30 });
    assert.deepEqual(c.decode(await rawGet(m.makeKey(entries.djangoOwn, 'from-django'))), { d: 'jango' });
  } finally { c.close(); }
  const ttl = await client.ttl(m.makeKey(entries.djangoOwn, 'from-django'));
  assert.ok(ttl > 20 && ttl <= 30, `TTL ${ttl}`);
});

test('a missing key: Django and Node agree', async () => {
  assert.equal(await rawGet(m.makeKey(entries.pickleZlib, 'never-set')), null);
  assert.equal(django({ entry: entries.pickleZlib, op: 'get', key: 'never-set' }).found, false);
});
