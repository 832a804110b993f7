'use strict';
// JavaScript values <-> the library's value JSON (include/redisclient.h,
// "Values"); the mapping is in node/README.md.

const T = require('./types');
const { parse } = require('./json');

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

const b64 = (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
const pad = (n, w) => String(n).padStart(w, '0');

function floatText(n) {
  if (Number.isNaN(n)) return '{"$float":"nan"}';
  if (n === Infinity) return '{"$float":"inf"}';
  if (n === -Infinity) return '{"$float":"-inf"}';
  const s = String(n);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

function offsetText(sec) {
  const sign = sec < 0 ? '-' : '+';
  const a = Math.abs(sec);
  const hm = `${sign}${pad(Math.floor(a / 3600), 2)}:${pad(Math.floor(a / 60) % 60, 2)}`;
  return a % 60 ? `${hm}:${pad(a % 60, 2)}` : hm;
}

// The ISO text of a Date: a DateTime in its own offset (naive without one),
// any other Date in UTC.
function dateTimeIso(d) {
  const ms = d.getTime();
  if (Number.isNaN(ms)) throw new TypeError('an invalid Date cannot be stored');
  const dt = d instanceof T.DateTime ? d : null;
  const offset = dt ? dt.offset : 0;
  const local = new Date(ms + (offset || 0) * 1000);
  const micros = local.getUTCMilliseconds() * 1000 + (dt ? dt.micros : 0);
  let s =
    `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1, 2)}-${pad(local.getUTCDate(), 2)}` +
    `T${pad(local.getUTCHours(), 2)}:${pad(local.getUTCMinutes(), 2)}:${pad(local.getUTCSeconds(), 2)}`;
  if (micros) s += `.${pad(micros, 6)}`;
  if (offset !== null) s += offsetText(offset);
  return s;
}

const ISO = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?(?:([+-])(\d\d):(\d\d)(?::(\d\d))?)?$/;

function readDateTime(tag) {
  const iso = typeof tag === 'string' ? tag : tag.iso;
  const m = ISO.exec(iso);
  if (!m) throw new SyntaxError(`value JSON: bad $datetime ${JSON.stringify(iso)}`);
  const micros = m[7] ? Number(m[7].padEnd(6, '0')) : 0;
  const offset = m[8] ? (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 3600 + Number(m[10]) * 60 + Number(m[11] || 0)) : null;
  const ms =
    Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), Math.floor(micros / 1000)) -
    (offset || 0) * 1000;
  let tz = null;
  if (typeof tag !== 'string') {
    tz = { ...tag };
    delete tz.iso;
  }
  // Date.UTC maps years 0-99 to 1900-1999; set the year itself.
  const d = new T.DateTime(ms, micros % 1000, offset, tz);
  if (Number(m[1]) < 100) {
    const fixed = new Date(ms + (offset || 0) * 1000);
    fixed.setUTCFullYear(Number(m[1]));
    d.setTime(fixed.getTime() - (offset || 0) * 1000);
  }
  return d;
}

const pairs = (list) => list.map(([k, v]) => [fromTree(k), fromTree(v)]);

const TAGS = {
  $int: (v) => BigInt(v),
  $float: (v) => ({ nan: NaN, inf: Infinity, '-inf': -Infinity })[v],
  $bytes: (v) => Buffer.from(v, 'base64'),
  $bytearray: (v) => new T.ByteArray(Buffer.from(v, 'base64')),
  $tuple: (v) => T.Tuple.from(v.map(fromTree)),
  $dict: (v) => new Map(pairs(v)),
  $ordereddict: (v) => new T.OrderedDict(pairs(v)),
  $set: (v) => new Set(v.map(fromTree)),
  $frozenset: (v) => new T.FrozenSet(v.map(fromTree)),
  $datetime: readDateTime,
  $date: (v) => new T.PyDate(...v.split('-').map(Number)),
  $time: (v) => (typeof v === 'string' ? new T.PyTime(v) : new T.PyTime(v.iso, Boolean(v.fold))),
  $timedelta: (v) => new T.Timedelta(...v.map(Number)),
  $decimal: (v) => new T.Decimal(v),
  $uuid: (v) => new T.UUID(v),
  $complex: (v) => new T.Complex(Number(fromTree(v[0])), Number(fromTree(v[1]))),
  $global: (v) => new T.PyGlobal(v[0], v[1]),
  $object: (v) => {
    const parts = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === 'kwargs' || k === 'dictitems') parts[k] = pairs(x);
      else parts[k === 'class' ? 'cls' : k] = fromTree(x);
    }
    return new T.PyObject(parts);
  },
  $opaque: (v) => new T.Opaque(Buffer.from(v.pickle, 'base64'), fromTree(v.value)),
};

function fromTree(v) {
  if (v === null || typeof v !== 'object' || v instanceof T.Float) return v;
  if (Array.isArray(v)) return v.map(fromTree);
  const keys = Object.keys(v);
  if (keys.length === 1 && keys[0][0] === '$') {
    const read = TAGS[keys[0]];
    if (!read) throw new SyntaxError(`value JSON: unknown tag ${keys[0]}`);
    return read(v[keys[0]]);
  }
  const out = {};
  for (const k of keys) {
    Object.defineProperty(out, k, { value: fromTree(v[k]), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

// The JS value of a value-JSON text.
function decode(text) {
  return fromTree(parse(text));
}

const tag = (name, body) => `{"$${name}":${body}}`;
const str = (s) => JSON.stringify(s);
const list = (items, seen) => `[${Array.from(items, (x) => write(x, seen)).join(',')}]`;
const pairList = (entries, seen) => `[${Array.from(entries, ([k, v]) => `[${write(k, seen)},${write(v, seen)}]`).join(',')}]`;

function write(v, seen) {
  switch (typeof v) {
    case 'string':
      return str(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return Number.isInteger(v) ? String(v) : floatText(v);
    case 'bigint':
      return v >= INT64_MIN && v <= INT64_MAX ? v.toString() : tag('int', str(v.toString()));
    case 'object':
      break;
    default:
      throw new TypeError(`a ${typeof v} cannot be stored`);
  }
  if (v === null) return 'null';
  if (v instanceof T.Float) return floatText(v.valueOf());
  if (seen.has(v)) throw new TypeError('a value that contains itself cannot be stored');
  seen.add(v);
  try {
    return writeObject(v, seen);
  } finally {
    seen.delete(v);
  }
}

function writeObject(v, seen) {
  if (Buffer.isBuffer(v)) return tag('bytes', str(b64(v)));
  if (v instanceof T.ByteArray) return tag('bytearray', str(b64(v)));
  if (v instanceof Uint8Array) return tag('bytes', str(b64(v)));
  if (v instanceof T.Tuple) return tag('tuple', list(v, seen));
  if (Array.isArray(v)) return list(v, seen);
  if (v instanceof T.OrderedDict) return tag('ordereddict', pairList(v, seen));
  if (v instanceof Map) return tag('dict', pairList(v, seen));
  if (v instanceof T.FrozenSet) return tag('frozenset', list(v, seen));
  if (v instanceof Set) return tag('set', list(v, seen));
  if (v instanceof Date) {
    const iso = dateTimeIso(v);
    if (v instanceof T.DateTime && v.tz) return tag('datetime', JSON.stringify({ iso, ...v.tz }));
    return tag('datetime', str(iso));
  }
  if (v instanceof T.PyDate) return tag('date', str(v.toString()));
  if (v instanceof T.PyTime) return tag('time', v.fold ? JSON.stringify({ iso: v.iso, fold: true }) : str(v.iso));
  if (v instanceof T.Timedelta) return tag('timedelta', `[${v.days},${v.seconds},${v.microseconds}]`);
  if (v instanceof T.Decimal) return tag('decimal', str(v.value));
  if (v instanceof T.UUID) return tag('uuid', str(v.value));
  if (v instanceof T.Complex) return tag('complex', `[${floatText(v.real)},${floatText(v.imag)}]`);
  if (v instanceof T.PyGlobal) return tag('global', `[${str(v.module)},${str(v.name)}]`);
  if (v instanceof T.Opaque) return tag('pickle', str(b64(v.pickle)));
  if (v instanceof T.PyObject) {
    const members = Object.entries(v).map(([k, x]) => {
      const body = k === 'kwargs' || k === 'dictitems' ? pairList(x, seen) : write(x, seen);
      return `${str(k === 'cls' ? 'class' : k)}:${body}`;
    });
    return tag('object', `{${members.join(',')}}`);
  }
  const keys = Object.keys(v);
  if (keys.some((k) => k[0] === '$')) return tag('dict', pairList(Object.entries(v), seen));
  return `{${keys.map((k) => `${str(k)}:${write(v[k], seen)}`).join(',')}}`;
}

// The value-JSON text of a JS value.
function encode(v) {
  return write(v, new Set());
}

// The same as the UTF-8 Buffers the library takes and gives.
const toBuffer = (v) => Buffer.from(encode(v), 'utf8');
const fromBuffer = (buf) => decode(buf.toString('utf8'));

module.exports = { encode, decode, toBuffer, fromBuffer };
