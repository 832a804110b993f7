'use strict';
// The cache client: Django's cache API (and django-redis's additions) on
// one CACHES entry, as the Python shim names it, in JavaScript style.

const { load } = require('./native');
const { ClosedError } = require('./errors');
const { RC_OK, bytes, take, takeBufs, run, runSync, timeout, version, arrays } = require('./call');
const values = require('./values');
const { Lock } = require('./lock');
const { SortedSets } = require('./zset');
const { Timedelta } = require('./types');

const MISSING = Symbol('missing');
const closedError = (name) => new ClosedError(`${name.slice(3)}: the client is closed`, -5);
const json = (entry) => Buffer.from(typeof entry === 'string' ? entry : JSON.stringify(entry ?? {}), 'utf8');
const { fromBuffer: decodeValue, toBuffer: encodeValue } = values;

class Client extends SortedSets {
  // entry: the CACHES entry (an object or its JSON text); settings: the
  // Django settings beside CACHES (DJANGO_REDIS_CONNECTION_FACTORY). No I/O.
  constructor(entry, settings) {
    super();
    const lib = load();
    const e = json(entry);
    const s = settings === undefined ? Buffer.alloc(0) : json(settings);
    const out = [null];
    runSync(lib, 'rc_open_with_settings', [e, e.length, s, s.length, out]);
    this._lib = lib;
    this._handle = out[0];
    this._closed = false;
  }

  get closed() {
    return this._closed;
  }

  // A call on the client; a closed client rejects with ClosedError, never
  // reaching the library with a stale handle.
  _run(name, args) {
    if (this._closed) return Promise.reject(closedError(name));
    return run(this._lib, name, [this._handle, ...args]);
  }

  // The same for the calls without I/O (the codec), on this thread.
  _runSync(name, args) {
    if (this._closed) throw closedError(name);
    return runSync(this._lib, name, [this._handle, ...args]);
  }

  async close() {
    if (this._closed) return;
    this._closed = true;
    await run(this._lib, 'rc_close', [this._handle]);
  }

  // ---- values (through the entry's SERIALIZER and COMPRESSOR) ----

  async get(key, defaultValue = null, ver) {
    const k = bytes(key);
    const out = [null];
    const len = [0];
    const st = await this._run('rc_get_value', [k, k.length, version(ver), out, len]);
    if (st !== RC_OK) return defaultValue;
    return decodeValue(take(this._lib, out[0], len[0]));
  }

  // django-redis's set(nx=, xx=): nx stores only a missing key (add), xx
  // only an existing one; both answer whether they stored.
  async set(key, value, t, ver, { nx = false, xx = false } = {}) {
    return this._store(['rc_set_value', 'rc_add_value', 'rc_replace_value'], key, encodeValue(value), t, ver, nx, xx);
  }

  async _store([plain, add, replace], key, v, t, ver, nx, xx) {
    if (nx && xx) throw new RangeError('set: nx and xx exclude each other');
    const k = bytes(key);
    const st = await this._run(nx ? add : xx ? replace : plain, [k, k.length, v, v.length, timeout(t), version(ver)]);
    return nx || xx ? st === RC_OK : undefined;
  }

  async add(key, value, t, ver) {
    return this.set(key, value, t, ver, { nx: true });
  }

  // get_or_set: a function default is called only when the key is missing.
  async getOrSet(key, defaultValue, t, ver) {
    let value = defaultValue;
    if (typeof value === 'function') {
      const cached = await this.get(key, MISSING, ver);
      if (cached !== MISSING) return cached;
      value = await value();
    }
    const k = bytes(key);
    const v = encodeValue(value);
    const out = [null];
    const len = [0];
    const st = await this._run('rc_get_or_set_value', [k, k.length, v, v.length, timeout(t), version(ver), out, len]);
    return st === RC_OK ? decodeValue(take(this._lib, out[0], len[0])) : value;
  }

  // ---- raw bytes ----

  async getBytes(key, defaultValue = null, ver) {
    const k = bytes(key);
    const out = [null];
    const len = [0];
    const st = await this._run('rc_get', [k, k.length, version(ver), out, len]);
    return st === RC_OK ? take(this._lib, out[0], len[0]) : defaultValue;
  }

  async setBytes(key, value, t, ver, { nx = false, xx = false } = {}) {
    return this._store(['rc_set', 'rc_add', 'rc_replace'], key, bytes(value, 'value'), t, ver, nx, xx);
  }

  async addBytes(key, value, t, ver) {
    return this.setBytes(key, value, t, ver, { nx: true });
  }

  // ---- one key ----

  async delete(key, ver) {
    const k = bytes(key);
    return (await this._run('rc_delete', [k, k.length, version(ver)])) === RC_OK;
  }

  async hasKey(key, ver) {
    const k = bytes(key);
    return (await this._run('rc_has_key', [k, k.length, version(ver)])) === RC_OK;
  }

  async touch(key, t, ver) {
    const k = bytes(key);
    return (await this._run('rc_touch', [k, k.length, timeout(t), version(ver)])) === RC_OK;
  }

  // A Timedelta counts in whole seconds, as redis-py sends it.
  async expire(key, t, ver) {
    const k = bytes(key);
    const seconds = t instanceof Timedelta ? Math.trunc(t.totalSeconds()) : t;
    return (await this._run('rc_expire', [k, k.length, timeout(seconds), version(ver)])) === RC_OK;
  }

  async pexpire(key, ms, ver) {
    const k = bytes(key);
    const n = ms instanceof Timedelta ? Math.trunc(ms.totalSeconds() * 1000) : ms;
    return (await this._run('rc_pexpire', [k, k.length, n, version(ver)])) === RC_OK;
  }

  // django-redis's expire_at: `when` a Date or seconds since the epoch,
  // whole seconds as Redis's EXPIREAT takes them.
  async expireAt(key, when, ver) {
    const seconds = when instanceof Date ? Math.floor(when.getTime() / 1000) : Math.floor(when);
    if (!Number.isFinite(seconds)) throw new TypeError(`expireAt: when must be a Date or seconds since the epoch, not ${when}`);
    return this.pexpireAt(key, seconds * 1000, ver);
  }

  // `when` a Date or milliseconds since the epoch.
  async pexpireAt(key, when, ver) {
    const k = bytes(key);
    const ms = when instanceof Date ? when.getTime() : when;
    return (await this._run('rc_pexpire_at', [k, k.length, ms, version(ver)])) === RC_OK;
  }

  // Django's incr_version and decr_version: the value moves to the new
  // version with its TTL, and the new version is returned.
  async incrVersion(key, delta = 1, ver) {
    return this._moveVersion('rc_incr_version', key, delta, ver);
  }

  async decrVersion(key, delta = 1, ver) {
    return this._moveVersion('rc_decr_version', key, delta, ver);
  }

  async _moveVersion(name, key, delta, ver) {
    if (!Number.isInteger(delta)) throw new TypeError(`${name.slice(3)}: delta must be an integer, not ${delta}`);
    const k = bytes(key);
    const out = [0];
    await this._run(name, [k, k.length, delta, version(ver), out]);
    return out[0];
  }

  async persist(key, ver) {
    const k = bytes(key);
    return (await this._run('rc_persist', [k, k.length, version(ver)])) === RC_OK;
  }

  // Seconds left, as django-redis's ttl: null without expiry, 0 when missing.
  async ttl(key, ver) {
    const ms = await this.pttl(key, ver);
    return ms === null ? null : Math.round(ms / 1000);
  }

  async pttl(key, ver) {
    const k = bytes(key);
    const out = [0];
    await this._run('rc_ttl', [k, k.length, version(ver), out]);
    return Number(out[0]) === -1 ? null : Number(out[0]);
  }

  // incr/decr: integers beyond 2^53 come back as BigInt.
  async incr(key, delta = 1, ver, { ignoreKeyCheck = false } = {}) {
    return this._counter(ignoreKeyCheck ? 'rc_incr_create' : 'rc_incr', key, delta, ver);
  }

  async decr(key, delta = 1, ver) {
    return this._counter('rc_decr', key, delta, ver);
  }

  async _counter(name, key, delta, ver) {
    const k = bytes(key);
    const out = [0];
    await this._run(name, [k, k.length, BigInt(delta), version(ver), out]);
    const n = BigInt(out[0]);
    return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
  }

  // ---- many keys ----

  // A Map of the keys found to their values, as Django's get_many.
  async getMany(keys, ver) {
    return this._fetchMany('rc_get_many_values', keys, ver, decodeValue);
  }

  // The stored bytes of the keys found, in a Map.
  async getManyBytes(keys, ver) {
    return this._fetchMany('rc_get_many', keys, ver, (b) => b);
  }

  async _fetchMany(name, keys, ver, read) {
    const list = Array.from(keys);
    const [bufs, lens] = arrays(list);
    const out = [null];
    await this._run(name, [bufs, lens, list.length, version(ver), out]);
    const found = takeBufs(this._lib, out[0], list.length);
    const result = new Map();
    found.forEach((b, i) => b && result.set(list[i], read(b)));
    return result;
  }

  // mapping: a Map or a plain object of key -> value.
  async setMany(mapping, t, ver) {
    return this._storeMany('rc_set_many_values_report', mapping, t, ver, encodeValue);
  }

  // setMany of bytes as they are (strings as UTF-8).
  async setManyBytes(mapping, t, ver) {
    return this._storeMany('rc_set_many_report', mapping, t, ver, (v) => bytes(v, 'value'));
  }

  async _storeMany(name, mapping, t, ver, write) {
    const entries = mapping instanceof Map ? Array.from(mapping) : Object.entries(mapping);
    const [keys, klens] = arrays(entries.map(([k]) => k));
    const vals = entries.map(([, v]) => write(v));
    // Django's set_many answer: the keys Redis refused (an ACL, OOM).
    const failed = new Uint8Array(entries.length);
    await this._run(name, [keys, klens, vals, vals.map((v) => v.length), entries.length, timeout(t), version(ver), failed]);
    return entries.filter((_, i) => failed[i] === 1).map(([k]) => k);
  }

  async deleteMany(keys, ver) {
    const list = Array.from(keys);
    const [bufs, lens] = arrays(list);
    const out = [0];
    await this._run('rc_delete_many', [bufs, lens, list.length, version(ver), out]);
    return Number(out[0]);
  }

  async clear() {
    const out = [0];
    await this._run('rc_clear', [out]);
    return Number(out[0]);
  }

  // ---- keys by pattern ----

  async keys(pattern, ver) {
    return this._strings('rc_keys', pattern, ver);
  }

  // The calls of one key or pattern that return a list of strings.
  async _strings(name, arg, ver) {
    const a = bytes(arg);
    const out = [null];
    const n = [0];
    await this._run(name, [a, a.length, version(ver), out, n]);
    return takeBufs(this._lib, out[0], Number(n[0])).map((b) => b.toString('utf8'));
  }

  // An async iterator over the matching keys, one SCAN step at a time.
  async *iterKeys(pattern, { count = 0, version: ver } = {}) {
    const p = bytes(pattern);
    const cursor = [0n];
    do {
      const out = [null];
      const n = [0];
      await this._run('rc_scan_keys', [p, p.length, version(ver), cursor, count, out, n]);
      yield* takeBufs(this._lib, out[0], Number(n[0])).map((b) => b.toString('utf8'));
    } while (BigInt(cursor[0]) !== 0n);
  }

  async deletePattern(pattern, { count = 0, version: ver } = {}) {
    const p = bytes(pattern);
    const out = [0];
    await this._run('rc_delete_pattern', [p, p.length, version(ver), count, out]);
    return Number(out[0]);
  }

  // ---- hashes ----

  async hset(key, field, value, ver) {
    const k = bytes(key);
    const [fields, flens] = arrays([field]);
    const v = encodeValue(value);
    const out = [0];
    await this._run('rc_hset_values', [k, k.length, fields, flens, [v], [v.length], 1, version(ver), out]);
    return Number(out[0]);
  }

  async hdel(key, field, ver) {
    const k = bytes(key);
    const [fields, flens] = arrays(Array.isArray(field) ? field : [field]);
    const out = [0];
    await this._run('rc_hdel', [k, k.length, fields, flens, fields.length, version(ver), out]);
    return Number(out[0]);
  }

  async hlen(key, ver) {
    const k = bytes(key);
    const out = [0];
    await this._run('rc_hlen', [k, k.length, version(ver), out]);
    return Number(out[0]);
  }

  async hkeys(key, ver) {
    return this._strings('rc_hkeys', key, ver);
  }

  async hexists(key, field, ver) {
    const k = bytes(key);
    const f = bytes(field);
    return (await this._run('rc_hexists', [k, k.length, f, f.length, version(ver)])) === RC_OK;
  }

  // ---- locks and health ----

  // django-redis's cache.lock(name): see Lock.
  lock(name, options = {}) {
    return new Lock(this, name, options);
  }

  async health() {
    const out = [null];
    const len = [0];
    let text = null;
    try {
      await this._run('rc_health', [out, len]);
    } finally {
      text = take(this._lib, out[0], len[0]);
    }
    return JSON.parse(text.toString('utf8'));
  }
}

// The effective connection settings of an entry, without connecting. The
// result HOLDS THE PASSWORDS: treat it as a secret.
function resolve(entry, settings) {
  const lib = load();
  const e = json(entry);
  const s = settings === undefined ? Buffer.alloc(0) : json(settings);
  const out = [null];
  const len = [0];
  runSync(lib, 'rc_resolve_with_settings', [e, e.length, s, s.length, out, len]);
  return JSON.parse(take(lib, out[0], len[0]).toString('utf8'));
}

// The JSON text of an entry file with its environment references replaced
// (${NAME}, ${NAME:-default}, $${ for a literal), as Go's core.ExpandEnv:
// the library reads process.env as it is at the call. The result holds the
// variables' values, passwords included.
function expandEnv(text) {
  if (typeof text !== 'string') throw new TypeError(`expandEnv: text is a string, not ${text === null ? 'null' : typeof text}`);
  const lib = load();
  const t = Buffer.from(text, 'utf8');
  const out = [null];
  const len = [0];
  runSync(lib, 'rc_expand_env', [t, t.length, out, len]);
  return take(lib, out[0], len[0]).toString('utf8');
}

module.exports = { Client, resolve, expandEnv };
