'use strict';
// django-redis's cache.lock(name): redis-py's Lock, held by a token, so a
// holder here and a holder in Django exclude each other.

const { RC_OK, bytes, take, version } = require('./call');
const { RedisClientError } = require('./errors');

class LockError extends RedisClientError {}
// The token no longer holds the lock: it expired, or another holder has it
// (redis-py's LockNotOwnedError). Nothing was changed.
class LockNotOwnedError extends LockError {}

function seconds(what, n) {
  if (typeof n !== 'number') throw new TypeError(`${what}: a number of seconds, not ${n === null ? 'null' : typeof n}`);
  return n;
}

class Lock {
  constructor(client, name, { timeout = null, sleep = 0.1, blocking = true, blockingTimeout = null, version: ver } = {}) {
    this._client = client;
    this._name = bytes(name);
    this._version = version(ver);
    Object.assign(this, { timeout, sleep, blocking, blockingTimeout });
    this.token = null;
  }

  // Resolves true when taken (false: not within blockingTimeout). Waits on
  // a worker thread.
  async acquire({ sleep = this.sleep, blocking = this.blocking, blockingTimeout = this.blockingTimeout, token } = {}) {
    const t = token === undefined ? Buffer.alloc(0) : bytes(token);
    const out = [null];
    const len = [0];
    const st = await this._client._run('rc_lock_acquire', [
      this._name, this._name.length, this._version,
      this.timeout ?? 0, sleep, blocking ? 1 : 0, blockingTimeout ?? -1,
      t, t.length, out, len,
    ]);
    const got = take(this._client._lib, out[0], len[0]);
    if (st !== RC_OK) return false;
    this.token = got;
    return true;
  }

  async release() {
    const t = this._held('release');
    this.token = null;
    await this._withToken('release', t);
  }

  // Adds `additional` seconds to the time left (replaceTtl: makes it the
  // time left).
  async extend(additional, { replaceTtl = false } = {}) {
    const t = this._timed('extend');
    await this._withToken('extend', t, [seconds('additional', additional), replaceTtl ? 1 : 0]);
  }

  // The time left starts again at the lock's timeout.
  async reacquire() {
    const t = this._timed('reacquire');
    await this._withToken('reacquire', t, [seconds('timeout', this.timeout)]);
  }

  async _withToken(op, t, args = []) {
    const st = await this._client._run(`rc_lock_${op}`, [this._name, this._name.length, this._version, t, t.length, ...args]);
    if (st !== RC_OK) throw new LockNotOwnedError(`${op}: the lock is no longer owned`);
  }

  _timed(op) {
    const t = this._held(op);
    if (!this.timeout) throw new LockError(`${op}: cannot ${op} a lock with no timeout`);
    return t;
  }

  async owned() {
    if (!this.token) return false;
    const st = await this._client._run('rc_lock_owned', [this._name, this._name.length, this._version, this.token, this.token.length]);
    return st === RC_OK;
  }

  async locked() {
    return (await this._client._run('rc_lock_locked', [this._name, this._name.length, this._version])) === RC_OK;
  }

  _held(op) {
    if (!this.token) throw new LockError(`${op}: cannot ${op} an unlocked lock`);
    return this.token;
  }
}

module.exports = { Lock, LockError, LockNotOwnedError };
