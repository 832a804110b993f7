'use strict';
// Small classes for the Python types JavaScript lacks (value JSON tags of
// include/redisclient.h). Each keeps what its tag carries, so a value read
// and written back is the value stored.

// A Python float whose value is integral (3.0): a Number object, so that
// arithmetic works, kept apart from the int 3 when written back.
class Float extends Number {}

class Tuple extends Array {}
class FrozenSet extends Set {}
class OrderedDict extends Map {}
class ByteArray extends Uint8Array {}

// datetime.datetime: a Date (milliseconds) plus the microseconds a Date
// cannot hold, and the UTC offset in seconds (null: naive, read as UTC).
// `tz` holds the zone members of the tagged object form (zone, pytz,
// tzname, fold), written back unchanged.
class DateTime extends Date {
  constructor(ms, micros = 0, offset = null, tz = null) {
    super(ms);
    this.micros = micros; // 0..999, below the millisecond
    this.offset = offset;
    this.tz = tz;
  }
}

class PyDate {
  constructor(year, month, day) {
    Object.assign(this, { year, month, day });
  }
  toString() {
    const p = (n, w) => String(n).padStart(w, '0');
    return `${p(this.year, 4)}-${p(this.month, 2)}-${p(this.day, 2)}`;
  }
}

// datetime.time as its ISO text (HH:MM:SS[.ffffff][+HH:MM]); fold as Python's.
class PyTime {
  constructor(iso, fold = false) {
    this.iso = iso;
    this.fold = fold;
  }
  toString() {
    return this.iso;
  }
}

// datetime.timedelta in Python's normalised form.
class Timedelta {
  constructor(days = 0, seconds = 0, microseconds = 0) {
    Object.assign(this, { days, seconds, microseconds });
  }
  totalSeconds() {
    return this.days * 86400 + this.seconds + this.microseconds / 1e6;
  }
}

class Decimal {
  constructor(value) {
    this.value = String(value);
  }
  toString() {
    return this.value;
  }
}

class UUID {
  constructor(value) {
    this.value = String(value);
  }
  toString() {
    return this.value;
  }
}

class Complex {
  constructor(real, imag) {
    Object.assign(this, { real, imag });
  }
}

// A module-level name as a pickle names it; never imported.
class PyGlobal {
  constructor(module, name) {
    Object.assign(this, { module, name });
  }
}

// An object of a class the library does not map, as its pickle builds it:
// the members of {"$object": {...}} ("class" is `cls`).
class PyObject {
  constructor(parts) {
    Object.assign(this, parts);
  }
}

// A stored pickle holding such objects: `pickle` (a Buffer) is written back
// unchanged; `value` is what it holds, read as data.
class Opaque {
  constructor(pickle, value = null) {
    this.pickle = pickle;
    this.value = value;
  }
}

module.exports = {
  Float,
  Tuple,
  FrozenSet,
  OrderedDict,
  ByteArray,
  DateTime,
  PyDate,
  PyTime,
  Timedelta,
  Decimal,
  UUID,
  Complex,
  PyGlobal,
  PyObject,
  Opaque,
};
