'use strict';
// Calling the library: inputs as Buffers, owned outputs read then freed
// with rc_free exactly once, the status turned into a typed error. Calls
// that talk to Redis go through koffi's .async, which runs them on a
// worker thread, so the event loop never waits on Redis.

const { koffi } = require('./native');
const { errorFor } = require('./errors');

const RC_OK = 0;
const RC_MISS = 1;
const DEFAULT_VERSION = -2147483648;

function bytes(s, what = 'key') {
  if (typeof s === 'string') return Buffer.from(s, 'utf8');
  if (s instanceof Uint8Array) return s;
  throw new TypeError(`${what}: a string or a Buffer, not ${s === null ? 'null' : typeof s}`);
}

let bufType = null;
function bufArray(n) {
  if (!bufType) bufType = koffi.struct('rc_buf', { data: 'void *', len: 'size_t', found: 'int' });
  return koffi.array(bufType, n);
}

// A copy of len bytes at ptr: Buffer.from(ArrayBuffer) would share the
// memory rc_free is about to release.
function copy(ptr, len) {
  const n = Number(len);
  return n ? Buffer.from(new Uint8Array(koffi.view(ptr, n))) : Buffer.alloc(0);
}

// The bytes of a library buffer, copied, then freed.
function take(lib, ptr, len) {
  if (!ptr) return null;
  try {
    return copy(ptr, len);
  } finally {
    lib.rc_free(ptr);
  }
}

// The bytes of an rc_buf array (null where not found), then the one free.
function takeBufs(lib, ptr, n) {
  if (!ptr) return [];
  try {
    if (!n) return [];
    const items = koffi.decode(ptr, bufArray(n));
    return items.map((b) => (b.found ? copy(b.data, b.len) : null));
  } finally {
    lib.rc_free(ptr);
  }
}

let scoredType = null;

// The members and scores of an rc_scored array, copied, then the one free.
function takeScored(lib, ptr, n) {
  if (!ptr) return [];
  try {
    if (!n) return [];
    if (!scoredType) scoredType = koffi.struct('rc_scored', { data: 'void *', len: 'size_t', score: 'double' });
    return koffi.decode(ptr, koffi.array(scoredType, n)).map((m) => [copy(m.data, m.len), m.score]);
  } finally {
    lib.rc_free(ptr);
  }
}

function message(lib, err) {
  const p = err[0];
  if (!p) return '';
  try {
    return koffi.decode(p, 'char', -1);
  } finally {
    lib.rc_free(p);
    err[0] = null;
  }
}

// Runs fn(...args, err) on a worker thread; resolves with the status
// (RC_OK or RC_MISS), rejects with the typed error of any other.
function run(lib, name, args) {
  const err = [null];
  return new Promise((resolve, reject) => {
    lib[name].async(...args, err, (e, status) => {
      if (e) return reject(e);
      if (status === RC_OK || status === RC_MISS) {
        if (err[0]) message(lib, err);
        return resolve(status);
      }
      reject(errorFor(status, message(lib, err)));
    });
  });
}

// The same on this thread, for calls without I/O.
function runSync(lib, name, args) {
  const err = [null];
  const status = lib[name](...args, err);
  if (status === RC_OK || status === RC_MISS) return status;
  throw errorFor(status, message(lib, err));
}

function timeout(t) {
  if (t === undefined) return { kind: 0, seconds: 0 };
  if (t === null) return { kind: 1, seconds: 0 };
  if (typeof t !== 'number') throw new TypeError(`timeout: a number of seconds, null or undefined, not ${typeof t}`);
  return { kind: 2, seconds: t };
}

function version(v) {
  if (v === undefined || v === null) return DEFAULT_VERSION;
  if (!Number.isInteger(v) || v < -2147483647 || v > 2147483647) {
    throw new RangeError(`version: a 32-bit integer, not ${String(v)}`);
  }
  return v;
}

// Parallel arrays of Buffers and lengths for const char *const * inputs.
function arrays(items) {
  const bufs = items.map(bytes);
  return [bufs, bufs.map((b) => b.length)];
}

module.exports = { RC_OK, RC_MISS, bytes, take, takeBufs, takeScored, run, runSync, timeout, version, arrays };
