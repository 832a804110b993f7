// Node and Django share one cache on the test cluster: Node speaks the wire
// with the npm `redis` package's cluster client, seeded with the startup
// nodes the module resolves from the entry, and takes keys and values from
// the module; Django is the real stack with django-ansible-base's cluster
// client (django_side.py).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createCluster, commandOptions } from 'redis';
import { load } from '../index.mjs';

const cluster = process.env.RC_TEST_CLUSTER;
const python = process.env.RC_TEST_PYTHON;
const helper = fileURLToPath(new URL('./django_side.py', import.meta.url));
const prefix = `wasm-cluster-${process.pid}`;

function django(request) {
  if (!python) throw new Error('RC_TEST_PYTHON is not set: the Django venv\'s python is needed');
  return JSON.parse(execFileSync(python, [helper, JSON.stringify({ entry, ...request })], { encoding: 'utf8' }));
}

const entry = {
  BACKEND: 'django_redis.cache.RedisCache',
  LOCATION: `redis://${(cluster ?? '').split(',')[0]}`,
  KEY_PREFIX: prefix,
  VERSION: 2,
  OPTIONS: {
    CLIENT_CLASS: 'ansible_base.lib.redis.RedisClient',
    CLIENT_CLASS_KWARGS: { mode: 'cluster', redis_hosts: cluster },
    COMPRESSOR: 'django_redis.compressors.zstd.ZStdCompressor',
  },
};

// Keys whose slots lie on more than one primary (checked below), so that
// both sides route by slot rather than reaching one node by chance.
const values = {
  profile: { user: 'ann', ids: [1, 2, 3], ratio: 0.5, ok: true, none: null },
  list: ['a', 'b', 'c'],
  text: 'é'.repeat(300),
  counter: 41,
};

let m;
let codec;
let client;
const written = new Set();
before(async () => {
  if (!cluster) throw new Error('RC_TEST_CLUSTER is not set: source the testenv env.sh');
  m = await load();
  const o = m.resolve(entry);
  assert.equal(o.mode, 'cluster');
  assert.equal(o.startup_nodes.length, cluster.split(',').length);
  client = createCluster({ rootNodes: o.startup_nodes.map((n) => ({ url: `redis://${n.host}:${n.port}` })) });
  await client.connect();
  codec = m.codec(entry);
});
after(async () => {
  codec?.close();
  if (client) {
    // One DEL a key: a cluster refuses keys of several slots in one.
    for (const key of written) await client.del(m.makeKey(entry, key));
    await client.quit();
  }
});

async function rawGet(key) { return client.get(commandOptions({ returnBuffers: true }), key); }

async function primaryOf(key) {
  const slot = await client.sendCommand(key, true, ['CLUSTER', 'KEYSLOT', key]);
  const node = client.getSlotMaster(slot);
  return `${node.host}:${node.port}`;
}

test('Django writes keys on several primaries, Node reads each key, value and TTL', async () => {
  Object.keys(values).forEach((k) => written.add(k));
  django({ op: 'set_many', values, timeout: 120 });
  const primaries = new Set();
  for (const [name, value] of Object.entries(values)) {
    const key = m.makeKey(entry, name);
    assert.equal(key, `${prefix}:2:${name}`);
    primaries.add(await primaryOf(key));
    const stored = await rawGet(key);
    assert.ok(stored, `Django's key ${key} is in the cluster`);
    if (typeof value === 'number') {
      assert.equal(stored.toString(), String(value), 'integers as digits, as django-redis stores them');
    } else {
      assert.deepEqual([...stored.subarray(0, 4)], [0x28, 0xb5, 0x2f, 0xfd], 'zstd frame');
    }
    assert.deepEqual(codec.decode(stored), value);
    const ttl = await client.ttl(key);
    assert.ok(ttl > 100 && ttl <= 120, `TTL of ${key}: ${ttl}`);
  }
  assert.ok(primaries.size > 1, `the keys are on ${[...primaries]}: want more than one primary`);
});

test('Node writes keys with TTLs and increments a counter, Django reads the values and TTLs', async () => {
  const fromNode = { 'node-doc': { list: ['x', 'y'], n: 12345678901, nested: { x: 1.25 } }, 'node-list': [1, 'two', null] };
  Object.keys(fromNode).forEach((k) => written.add(k));
  written.add('node-forever');
  for (const [name, value] of Object.entries(fromNode)) {
    await client.set(m.makeKey(entry, name), codec.encode(value), { PX: 90_500 });
  }
  // A string given to encode is value JSON's text: this is the string kept.
  await client.set(m.makeKey(entry, 'node-forever'), codec.encode('"kept"'));
  if (!written.has('counter')) {
    written.add('counter');
    django({ op: 'set_many', values: { counter: 41 }, timeout: 120 });
  }
  assert.equal(await client.incr(m.makeKey(entry, 'counter')), 42);

  const got = django({ op: 'get_many', keys: [...Object.keys(fromNode), 'node-forever', 'counter', 'never-set'] }).values;
  assert.deepEqual(got, { ...fromNode, 'node-forever': 'kept', counter: 42 });
  const { ttls } = django({ op: 'ttl', keys: [...Object.keys(fromNode), 'node-forever', 'never-set'] });
  for (const name of Object.keys(fromNode)) {
    assert.ok(ttls[name] > 80 && ttls[name] <= 91, `Django's TTL of ${name}: ${ttls[name]}`);
  }
  assert.equal(ttls['node-forever'], null, 'no TTL: Django reads None');
  assert.equal(ttls['never-set'], 0, 'a missing key: django-redis answers 0');
});
