// redisclient's WebAssembly module under Node (node:wasi, no native code):
// a CACHES entry's settings, Django's keys and the value codecs, for a
// program that does the Redis wire with a client of its own.
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
import { fileURLToPath } from 'node:url';

const defaultPath = fileURLToPath(new URL('../../bin/redisclient.wasm', import.meta.url));

const statusNames = new Map([
  [-1, 'RC_ERR_CONFIG'], [-7, 'RC_ERR_INVALID_ARGUMENT'], [-10, 'RC_ERR_INTERNAL'], [-11, 'RC_ERR_VALUE'],
]);

/** An error the module returned: status is the C ABI's code, name its RC_ERR_ name. */
export class RedisClientError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
    this.code = statusNames.get(status) ?? `RC_STATUS_${status}`;
  }
}

const text = new TextEncoder();
const fromText = new TextDecoder();

function bytesOf(v) {
  if (typeof v === 'string') return text.encode(v);
  if (v instanceof Uint8Array) return v;
  return text.encode(JSON.stringify(v));
}

/**
 * load instantiates the module (bin/redisclient.wasm unless path says
 * otherwise). preopens ({guest: hostDir}) lets resolve read certificate
 * files an entry names; without it a TLS entry's files cannot be read.
 */
export async function load({ path = defaultPath, preopens = {} } = {}) {
  const wasi = new WASI({ version: 'preview1', args: [], env: {}, preopens });
  const { instance } = await WebAssembly.instantiate(await readFile(path), wasi.getImportObject());
  wasi.initialize(instance);
  return new Module(instance.exports);
}

class Module {
  #x;
  constructor(exports) { this.#x = exports; }

  // put copies b into a buffer of rc_alloc: [address, length].
  #put(b) {
    const p = this.#x.rc_alloc(Math.max(b.length, 1));
    if (p === 0) throw new RedisClientError(-7, `input of ${b.length} bytes is too large`);
    new Uint8Array(this.#x.memory.buffer, p, b.length).set(b);
    return [p, b.length];
  }

  // call runs fn(...inputs, out) and returns the result's bytes (copied),
  // freeing every buffer whatever happens.
  #call(fn, inputs, handle) {
    const x = this.#x;
    const out = x.rc_alloc(8);
    const bufs = inputs.map((b) => this.#put(b));
    try {
      const args = handle === undefined ? bufs.flat() : [handle, ...bufs.flat()];
      const status = fn(...args, out);
      const slot = new DataView(x.memory.buffer, out, 8);
      const p = slot.getUint32(0, true);
      const n = slot.getUint32(4, true);
      const result = new Uint8Array(x.memory.buffer, p, n).slice();
      if (p !== 0) x.rc_free(p);
      if (status !== 0) throw new RedisClientError(status, fromText.decode(result));
      return result;
    } finally {
      for (const [p] of bufs) x.rc_free(p);
      x.rc_free(out);
    }
  }

  /** The module's linear memory, in bytes (it only grows). */
  memoryBytes() { return this.#x.memory.buffer.byteLength; }

  /** The entry's effective settings (the password masked). */
  resolve(entry) {
    return JSON.parse(fromText.decode(this.#call(this.#x.rc_resolve, [bytesOf(entry)])));
  }

  /** The Redis key Django names key with under entry: KEY_PREFIX:VERSION:key. */
  makeKey(entry, key) {
    return fromText.decode(this.#call(this.#x.rc_make_key, [bytesOf(entry), text.encode(key)]));
  }

  /** The entry's serializer and compressor; close() it when done. */
  codec(entry) {
    const h = new DataView(this.#call(this.#x.rc_codec, [bytesOf(entry)]).buffer).getInt32(0, true);
    return new Codec(this, h);
  }

  _encode(h, valueJSON) { return this.#call(this.#x.rc_encode, [valueJSON], h); }
  _decode(h, stored) { return this.#call(this.#x.rc_decode, [stored], h); }
  _free(h) { this.#x.rc_codec_free(h); }
}

/**
 * Values as value JSON (core/codec/valuejson.go: plain JSON for None, bool,
 * int, float, str, list and dict of str keys; tagged objects for the rest).
 */
class Codec {
  #m; #h;
  constructor(m, h) { this.#m = m; this.#h = h; }
  /** The bytes Django stores for value (an object, or its value JSON as a string). */
  encode(value) { return Buffer.from(this.#m._encode(this.#h, bytesOf(value))); }
  /** The value of stored bytes, parsed from its value JSON. */
  decode(stored) { return JSON.parse(this.decodeJSON(stored)); }
  /** The value JSON of stored bytes. */
  decodeJSON(stored) { return fromText.decode(this.#m._decode(this.#h, stored)); }
  close() { this.#m._free(this.#h); }
}
