'use strict';
// setMany answers as Django's set_many: the keys Redis refused. An ACL user
// that may write only KEY_PREFIX:1:ok* makes Redis refuse the others.
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { spawnSync } = require('node:child_process');
const rc = require('..');
const { env, entries, prefix } = require('./helpers');

// ACL commands through redis-py from the project's venv: the package has no
// Redis client of its own to send them with.
function acl(...args) {
  const [host, port] = env('RC_TEST_STANDALONE').split(/:(?=\d+$)/);
  const script = 'import json, sys, redis\n' +
    'r = redis.Redis(host=sys.argv[1], port=int(sys.argv[2]))\n' +
    'r.execute_command("ACL", *json.loads(sys.stdin.read()))\n';
  const out = spawnSync(env('RC_TEST_PYTHON'), ['-c', script, host, port], { input: JSON.stringify(args), encoding: 'utf8' });
  assert.equal(out.status, 0, `ACL ${args[0]} failed: ${out.stderr}`);
}

test('setMany returns the keys Redis refused, and stores the others', async () => {
  const p = prefix('setmany');
  const user = `node-${crypto.randomBytes(4).toString('hex')}`;
  const password = crypto.randomBytes(12).toString('hex');
  acl('SETUSER', user, 'on', `>${password}`, `~${p}:1:ok*`, '+@all', '&*');
  const full = new rc.Client(entries.standalone(p));
  const base = entries.standalone(p);
  const limited = new rc.Client({ ...base, OPTIONS: { ...base.OPTIONS, CLIENT_CLASS_KWARGS: { username: user, password } } });
  try {
    assert.deepEqual(await limited.setMany({ ok1: 1, no1: 2, ok2: [3], no2: 'x' }, 60), ['no1', 'no2']);
    assert.deepEqual([...(await full.getMany(['ok1', 'no1', 'ok2', 'no2']))], [['ok1', 1], ['ok2', [3]]]);
    assert.deepEqual(await limited.setMany({ ok3: 1 }, 60), []);
    assert.deepEqual(await full.setMany(new Map([['no3', 1]]), 60), []);
  } finally {
    await limited.close();
    await full.clear();
    await full.close();
    acl('DELUSER', user);
  }
});
