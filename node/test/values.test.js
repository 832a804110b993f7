'use strict';
// The value mapping of README.md, through a real server: what is written
// reads back as the same JS value, and a value read and written back is
// stored unchanged (the stored bytes compared).
const test = require('node:test');
const assert = require('node:assert/strict');
const rc = require('..');
const { entries, prefix } = require('./helpers');

const sample = () => ({
  int: 7,
  big: 2n ** 64n + 1n,
  negBig: -(2n ** 70n),
  int64: 9007199254740993n,
  float: 2.5,
  wholeFloat: new rc.Float(3),
  nan: NaN,
  str: 'héllo',
  bytes: Buffer.from([0, 1, 254, 255]),
  bytearray: new rc.ByteArray([1, 2]),
  tuple: rc.Tuple.from([1, 'a']),
  set: new Set([1, 2]),
  frozen: new rc.FrozenSet(['x']),
  dict: new Map([[1, 'one'], ['$x', 2]]),
  ordered: new rc.OrderedDict([['b', 1], ['a', 2]]),
  dt: new rc.DateTime(Date.UTC(2024, 0, 2, 3, 4, 5, 123), 456, 3600),
  naive: new rc.DateTime(Date.UTC(1999, 11, 31, 23, 59, 59, 999), 999, null),
  date: new rc.PyDate(2024, 2, 29),
  time: new rc.PyTime('12:30:00.000001'),
  delta: new rc.Timedelta(1, 2, 3),
  decimal: new rc.Decimal('1.10'),
  uuid: new rc.UUID('12345678-1234-5678-1234-567812345678'),
  complex: new rc.Complex(1.5, -2),
  none: null,
  list: [true, false, []],
});

test('values round-trip through Redis unchanged', async () => {
  const c = new rc.Client(entries.standalone(prefix('values')));
  try {
    await c.set('v', sample(), 60);
    const got = await c.get('v');
    assert.deepEqual(got, sample());
    assert.equal(got.dt.toISOString(), '2024-01-02T03:04:05.123Z');
    assert.equal(got.dt.micros, 456);
    assert.equal(typeof got.big, 'bigint');
    assert.equal(got.int64, 9007199254740993n);
    const stored = await c.getBytes('v');
    await c.set('v2', got, 60);
    assert.deepEqual(await c.getBytes('v2'), stored);
  } finally {
    await c.clear();
    await c.close();
  }
});

test('a plain Date is stored as an aware UTC datetime', () => {
  const text = rc.encodeValue(new Date(Date.UTC(2020, 5, 1, 12, 0, 0, 5)));
  assert.equal(text, '{"$datetime":"2020-06-01T12:00:00.005000+00:00"}');
});

test('decoding keeps integers and floats apart, and big integers exact', () => {
  const v = rc.decodeValue('[1,1.0,12345678901234567890123,-9007199254740993,1e400,{"$float":"-inf"}]');
  assert.equal(v[0], 1);
  assert.ok(v[1] instanceof rc.Float);
  assert.equal(v[2], 12345678901234567890123n);
  assert.equal(v[3], -9007199254740993n);
  assert.equal(v[4], Infinity);
  assert.equal(v[5], -Infinity);
  assert.equal(rc.encodeValue(v.slice(0, 4)), '[1,1.0,{"$int":"12345678901234567890123"},-9007199254740993]');
});

test('a dict key "__proto__" is data, and a cycle is refused', () => {
  const v = rc.decodeValue('{"__proto__":{"polluted":1}}');
  assert.equal(Object.getPrototypeOf(v), Object.prototype);
  assert.deepEqual(Object.keys(v), ['__proto__']);
  assert.equal({}.polluted, undefined);
  const a = [];
  a.push(a);
  assert.throws(() => rc.encodeValue(a), /contains itself/);
  assert.throws(() => rc.decodeValue('{"$nope":1}'), /unknown tag/);
});

test('a datetime with a zone, a time with fold and an opaque pickle are written back as read', () => {
  for (const text of [
    '{"$datetime":{"iso":"2024-07-01T12:30:00.000001+02:00","zone":"Europe/Paris"}}',
    '{"$datetime":"0099-12-31T23:59:59-05:30"}',
    '{"$time":{"iso":"01:00:00","fold":true}}',
    '{"$timedelta":[-1,86399,999999]}',
    '{"$complex":[1.0,{"$float":"nan"}]}',
  ]) {
    assert.equal(rc.encodeValue(rc.decodeValue(text)), text);
  }
  const opaque = rc.decodeValue('{"$opaque":{"pickle":"gAQ=","value":{"$object":{"class":{"$global":["m","C"]},"state":{"a":1}}}}}');
  assert.ok(opaque instanceof rc.Opaque && opaque.value instanceof rc.PyObject);
  assert.deepEqual(opaque.value.cls, new rc.PyGlobal('m', 'C'));
  assert.equal(rc.encodeValue(opaque), '{"$pickle":"gAQ="}');
});
