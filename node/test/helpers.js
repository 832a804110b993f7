'use strict';
// Entries for the test servers of testenv/redis-env.sh. A test that needs a
// server FAILS when its variable is missing: a skipped server test would
// pass with nothing tested.

const path = require('node:path');
const crypto = require('node:crypto');
const { Client } = require('..');

function env(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: source the env.sh testenv/redis-env.sh wrote`);
  return v;
}

const cert = (name) => path.join(env('RC_TEST_CERTS'), name);
const prefix = (what) => `node-${what}-${crypto.randomBytes(4).toString('hex')}`;

function entry(location, keyPrefix, kwargs = {}, top = {}) {
  return {
    BACKEND: 'django_redis.cache.RedisCache',
    LOCATION: location,
    KEY_PREFIX: keyPrefix,
    OPTIONS: { CLIENT_CLASS: 'ansible_base.lib.redis.RedisClient', CLIENT_CLASS_KWARGS: kwargs },
    ...top,
  };
}

const entries = {
  standalone: (p) => entry(`redis://${env('RC_TEST_STANDALONE')}/0`, p),
  cluster: (p) =>
    entry(`redis://${env('RC_TEST_CLUSTER').split(',')[0]}`, p, {
      mode: 'cluster',
      redis_hosts: env('RC_TEST_CLUSTER'),
    }),
  tls: (p) =>
    entry(`rediss://${env('RC_TEST_TLS')}`, p, {
      ssl_certfile: cert('client.crt'),
      ssl_keyfile: cert('client.key'),
      ssl_ca_certs: cert('ca.crt'),
      ssl_cert_reqs: 'required',
    }),
  acl: (p) =>
    entry(`redis://${env('RC_TEST_ACL')}`, p, {
      username: env('RC_TEST_ACL_USER'),
      password: env('RC_TEST_ACL_PASSWORD'),
    }),
};

// A plain django-redis DefaultClient entry on the standalone server, as the
// Django helper configures it.
function djangoEntry(p, options = {}) {
  return {
    BACKEND: 'django_redis.cache.RedisCache',
    LOCATION: `redis://${env('RC_TEST_STANDALONE')}/0`,
    KEY_PREFIX: p,
    OPTIONS: options,
  };
}

// Runs fn with a client of the entry, then clears its KEY_PREFIX and
// closes it, whatever fn did.
async function withClient(entry, fn) {
  const c = new Client(entry);
  try {
    return await fn(c);
  } finally {
    await c.clear();
    await c.close();
  }
}

module.exports = { env, entries, prefix, djangoEntry, withClient };
