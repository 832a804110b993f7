// example.mjs, run as a user runs it, on an entry file: what it stores is
// what Django's cache.get returns for the key.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const server = process.env.RC_TEST_STANDALONE;
const python = process.env.RC_TEST_PYTHON;
const here = path.dirname(fileURLToPath(import.meta.url));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasm-example-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('the example stores a value that Django reads back, with its TTL', () => {
  if (!server) throw new Error('RC_TEST_STANDALONE is not set: source the testenv env.sh');
  if (!python) throw new Error('RC_TEST_PYTHON is not set: the Django venv\'s python is needed');
  const entry = {
    BACKEND: 'django_redis.cache.RedisCache', LOCATION: `redis://${server}/0`, KEY_PREFIX: `wasm-example-${process.pid}`,
    OPTIONS: { COMPRESSOR: 'django_redis.compressors.zstd.ZStdCompressor' },
  };
  const file = path.join(dir, 'entry.json');
  fs.writeFileSync(file, JSON.stringify(entry));
  const out = execFileSync(process.execPath, ['--no-warnings', path.join(here, '..', 'example.mjs'), file], { encoding: 'utf8' });
  assert.match(out, new RegExp(`^${entry.KEY_PREFIX}:1:greeting = \\{"text":"hello from WebAssembly","visits":1\\} \\(\\d+ bytes stored, ttl (5\\d|60) s\\)\\n$`));
  const got = JSON.parse(execFileSync(python, [path.join(here, 'django_side.py'), JSON.stringify({ entry, op: 'get', key: 'greeting' })], { encoding: 'utf8' }));
  assert.equal(got.found, true);
  assert.deepEqual(got.value, { text: 'hello from WebAssembly', visits: 1 });
});

test('the example refuses a cluster entry, naming its mode', () => {
  const file = path.join(dir, 'cluster.json');
  fs.writeFileSync(file, JSON.stringify({
    BACKEND: 'django_redis.cache.RedisCache', LOCATION: 'redis://127.0.0.1:1',
    OPTIONS: { CLIENT_CLASS: 'ansible_base.lib.redis.RedisClient', CLIENT_CLASS_KWARGS: { mode: 'cluster', redis_hosts: '127.0.0.1:1' } },
  }));
  assert.throws(() => execFileSync(process.execPath, ['--no-warnings', path.join(here, '..', 'example.mjs'), file], { stdio: 'pipe' }),
    (e) => e.status === 2 && /the entry is cluster/.test(e.stderr.toString()));
});
