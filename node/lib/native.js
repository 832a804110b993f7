'use strict';
// Loading libredisclient.so and declaring its functions (include/redisclient.h)
// with koffi. Owned outputs are declared void* so that koffi hands back the
// pointer (to read, then rc_free) instead of copying and leaking it.

const fs = require('node:fs');
const path = require('node:path');
const koffi = require('koffi');
const { LibraryError } = require('./errors');

const ABI_VERSION = 0;
const ENV_LIBRARY = 'REDISCLIENT_LIBRARY';

const S = 'int'; // every rc_ status
const C = 'void *'; // rc_client *: a token, never dereferenced
const IN = 'const void *';
const OUT = '_Out_ void **';
const SZ = '_Out_ size_t *';
const I64 = '_Out_ int64_t *';
const F64 = '_Out_ double *';
const ERR = '_Out_ void **';
const ARR = 'const void **';
const LENS = 'const size_t *';

const SIGNATURES = {
  rc_version: ['const char *', []],
  rc_abi_version: ['int', []],
  rc_free: ['void', ['void *']],
  rc_resolve_with_settings: [S, [IN, 'size_t', IN, 'size_t', OUT, SZ, ERR]],
  rc_expand_env: [S, [IN, 'size_t', OUT, SZ, ERR]],
  rc_open_with_settings: [S, [IN, 'size_t', IN, 'size_t', '_Out_ void **', ERR]],
  rc_close: [S, [C, ERR]],
  rc_health: [S, [C, OUT, SZ, ERR]],
  rc_get: [S, [C, IN, 'size_t', 'int', OUT, SZ, ERR]],
  rc_set: [S, [C, IN, 'size_t', IN, 'size_t', 'rc_timeout', 'int', ERR]],
  rc_add: [S, [C, IN, 'size_t', IN, 'size_t', 'rc_timeout', 'int', ERR]],
  rc_delete: [S, [C, IN, 'size_t', 'int', ERR]],
  rc_has_key: [S, [C, IN, 'size_t', 'int', ERR]],
  rc_incr: [S, [C, IN, 'size_t', 'int64_t', 'int', I64, ERR]],
  rc_decr: [S, [C, IN, 'size_t', 'int64_t', 'int', I64, ERR]],
  rc_incr_create: [S, [C, IN, 'size_t', 'int64_t', 'int', I64, ERR]],
  rc_touch: [S, [C, IN, 'size_t', 'rc_timeout', 'int', ERR]],
  rc_expire: [S, [C, IN, 'size_t', 'rc_timeout', 'int', ERR]],
  rc_persist: [S, [C, IN, 'size_t', 'int', ERR]],
  rc_pexpire: [S, [C, IN, 'size_t', 'int64_t', 'int', ERR]],
  rc_ttl: [S, [C, IN, 'size_t', 'int', I64, ERR]],
  rc_pexpire_at: [S, [C, IN, 'size_t', 'int64_t', 'int', ERR]],
  rc_incr_version: [S, [C, IN, 'size_t', 'int', 'int', '_Out_ int *', ERR]],
  rc_decr_version: [S, [C, IN, 'size_t', 'int', 'int', '_Out_ int *', ERR]],
  rc_get_many_values: [S, [C, ARR, LENS, 'size_t', 'int', OUT, ERR]],
  rc_set_many_values: [S, [C, ARR, LENS, ARR, LENS, 'size_t', 'rc_timeout', 'int', ERR]],
  rc_set_many_values_report: [S, [C, ARR, LENS, ARR, LENS, 'size_t', 'rc_timeout', 'int', '_Out_ uint8_t *', ERR]],
  rc_delete_many: [S, [C, ARR, LENS, 'size_t', 'int', I64, ERR]],
  rc_clear: [S, [C, I64, ERR]],
  rc_get_value: [S, [C, IN, 'size_t', 'int', OUT, SZ, ERR]],
  rc_set_value: [S, [C, IN, 'size_t', IN, 'size_t', 'rc_timeout', 'int', ERR]],
  rc_add_value: [S, [C, IN, 'size_t', IN, 'size_t', 'rc_timeout', 'int', ERR]],
  rc_get_or_set_value: [S, [C, IN, 'size_t', IN, 'size_t', 'rc_timeout', 'int', OUT, SZ, ERR]],
  rc_keys: [S, [C, IN, 'size_t', 'int', OUT, SZ, ERR]],
  rc_scan_keys: [S, [C, IN, 'size_t', 'int', '_Inout_ uint64_t *', 'int64_t', OUT, SZ, ERR]],
  rc_delete_pattern: [S, [C, IN, 'size_t', 'int', 'int64_t', I64, ERR]],
  rc_hset_values: [S, [C, IN, 'size_t', ARR, LENS, ARR, LENS, 'size_t', 'int', I64, ERR]],
  rc_hdel: [S, [C, IN, 'size_t', ARR, LENS, 'size_t', 'int', I64, ERR]],
  rc_hlen: [S, [C, IN, 'size_t', 'int', I64, ERR]],
  rc_hkeys: [S, [C, IN, 'size_t', 'int', OUT, SZ, ERR]],
  rc_hexists: [S, [C, IN, 'size_t', IN, 'size_t', 'int', ERR]],
  rc_lock_acquire: [S, [C, IN, 'size_t', 'int', 'double', 'double', 'int', 'double', IN, 'size_t', OUT, SZ, ERR]],
  rc_lock_release: [S, [C, IN, 'size_t', 'int', IN, 'size_t', ERR]],
  rc_lock_extend: [S, [C, IN, 'size_t', 'int', IN, 'size_t', 'double', 'int', ERR]],
  rc_lock_owned: [S, [C, IN, 'size_t', 'int', IN, 'size_t', ERR]],
  rc_lock_locked: [S, [C, IN, 'size_t', 'int', ERR]],
  rc_lock_reacquire: [S, [C, IN, 'size_t', 'int', IN, 'size_t', 'double', ERR]],
  rc_replace: [S, [C, IN, 'size_t', IN, 'size_t', 'rc_timeout', 'int', ERR]],
  rc_replace_value: [S, [C, IN, 'size_t', IN, 'size_t', 'rc_timeout', 'int', ERR]],
  rc_get_many: [S, [C, ARR, LENS, 'size_t', 'int', OUT, ERR]],
  rc_set_many_report: [S, [C, ARR, LENS, ARR, LENS, 'size_t', 'rc_timeout', 'int', '_Out_ uint8_t *', ERR]],
  rc_encode_values: [S, [C, ARR, LENS, 'size_t', 'int', OUT, ERR]],
  rc_decode_values: [S, [C, ARR, LENS, 'size_t', OUT, ERR]],
  rc_zadd: [S, [C, IN, 'size_t', ARR, LENS, 'const double *', 'size_t', 'int', 'int', I64, ERR]],
  rc_zadd_incr: [S, [C, IN, 'size_t', IN, 'size_t', 'double', 'int', 'int', F64, ERR]],
  rc_zincrby: [S, [C, IN, 'size_t', 'double', IN, 'size_t', 'int', F64, ERR]],
  rc_zcard: [S, [C, IN, 'size_t', 'int', I64, ERR]],
  rc_zcount: [S, [C, IN, 'size_t', 'const char *', 'const char *', 'int', I64, ERR]],
  rc_zremrangebyscore: [S, [C, IN, 'size_t', 'const char *', 'const char *', 'int', I64, ERR]],
  rc_zpopmax: [S, [C, IN, 'size_t', 'int64_t', 'int', OUT, SZ, ERR]],
  rc_zpopmin: [S, [C, IN, 'size_t', 'int64_t', 'int', OUT, SZ, ERR]],
  rc_zrange: [S, [C, IN, 'size_t', 'int64_t', 'int64_t', 'int', 'int', OUT, SZ, ERR]],
  rc_zrangebyscore: [S, [C, IN, 'size_t', 'const char *', 'const char *', 'int64_t', 'int64_t', 'int', 'int', OUT, SZ, ERR]],
  rc_zrank: [S, [C, IN, 'size_t', IN, 'size_t', 'int', I64, ERR]],
  rc_zscore: [S, [C, IN, 'size_t', IN, 'size_t', 'int', F64, ERR]],
  rc_zrem: [S, [C, IN, 'size_t', ARR, LENS, 'size_t', 'int', I64, ERR]],
};

function candidates() {
  const here = path.resolve(__dirname, '..');
  const found = [
    path.join(here, 'libredisclient.so'),
    path.join(here, '..', 'lib', 'libredisclient.so'),
  ].filter((p) => fs.existsSync(p));
  found.push('libredisclient.so.0');
  return found;
}

let loaded = null;

// Loads the library once: $REDISCLIENT_LIBRARY (a path, no fallback when
// set), next to this package, the checkout's lib/, then the system's.
function load() {
  if (loaded) return loaded;
  const explicit = process.env[ENV_LIBRARY];
  let paths;
  if (explicit) {
    const p = path.resolve(explicit);
    if (!fs.existsSync(p)) throw new LibraryError(`${ENV_LIBRARY}=${explicit}: no such file`);
    paths = [p];
  } else {
    paths = candidates();
  }
  const failures = [];
  for (const p of paths) {
    let lib;
    try {
      lib = koffi.load(p);
    } catch (e) {
      failures.push(`${p}: ${e.message}`);
      continue;
    }
    loaded = declare(lib, p);
    return loaded;
  }
  throw new LibraryError(
    `libredisclient.so not found; set ${ENV_LIBRARY} to its path (tried: ${failures.join('; ')})`,
  );
}

let timeoutType = null;

function declare(lib, p) {
  if (!timeoutType) timeoutType = koffi.struct('rc_timeout', { kind: 'int', seconds: 'double' });
  const fns = { path: p };
  for (const [name, [ret, args]] of Object.entries(SIGNATURES)) {
    fns[name] = lib.func(name, ret, args);
  }
  const abi = fns.rc_abi_version();
  if (abi !== ABI_VERSION) {
    throw new LibraryError(`${p}: ABI version ${abi}, but this package needs ${ABI_VERSION}`);
  }
  fns.version = fns.rc_version();
  return fns;
}

module.exports = { load, koffi, ENV_LIBRARY };
