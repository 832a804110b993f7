'use strict';
// django-redis 7's sorted sets (zadd, zrange, ...) over the library's rc_z*
// calls. Members are stored as django-redis stores them, serialized (an int
// too), so Django reads the members written here and the other way round;
// scores are numbers.

const { RC_OK, bytes, takeBufs, takeScored, version, arrays } = require('./call');
const values = require('./values');

const FLAGS = { nx: 1, xx: 2, ch: 4, gt: 8, lt: 16 };

// A score bound as Redis reads it: a number, or a string as given ("-inf",
// "(1.5" for an open bound).
function bound(b, what) {
  if (typeof b === 'string') return b;
  if (typeof b === 'bigint') return b.toString();
  if (typeof b === 'number' || b instanceof Number) {
    const n = Number(b);
    if (Number.isNaN(n)) throw new RangeError(`${what}: a score bound cannot be NaN`);
    if (n === Infinity) return '+inf';
    if (n === -Infinity) return '-inf';
    return String(n);
  }
  throw new TypeError(`${what}: a score bound is a number or a string such as "(1.5" or "-inf", not ${b === null ? 'null' : typeof b}`);
}

function score(s, what) {
  if (typeof s === 'number' || s instanceof Number) return Number(s);
  if (typeof s === 'bigint') return Number(s);
  throw new TypeError(`${what}: a score is a number, not ${s === null ? 'null' : typeof s}`);
}

function integer(n, what) {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what}: an integer, not ${String(n)}`);
  return n;
}

// The base class of Client: it provides _run, _runSync and _lib.
class SortedSets {
  // The stored bytes of members, as django-redis writes them.
  _members(list) {
    const texts = list.map(values.toBuffer);
    const out = [null];
    this._runSync('rc_encode_values', [texts, texts.map((t) => t.length), texts.length, 1, out]);
    return takeBufs(this._lib, out[0], texts.length);
  }

  _decodeMembers(raw) {
    if (!raw.length) return [];
    const out = [null];
    this._runSync('rc_decode_values', [raw, raw.map((b) => b.length), raw.length, out]);
    return takeBufs(this._lib, out[0], raw.length).map(values.fromBuffer);
  }

  // The calls that answer [member, score] pairs.
  async _scored(name, key, args, ver) {
    const k = bytes(key);
    const out = [null];
    const n = [0];
    await this._run(name, [k, k.length, ...args, version(ver), out, n]);
    const got = takeScored(this._lib, out[0], Number(n[0]));
    const members = this._decodeMembers(got.map(([m]) => m));
    return got.map(([, s], i) => [members[i], s]);
  }

  async _count(name, key, args, ver) {
    const k = bytes(key);
    const out = [0];
    await this._run(name, [k, k.length, ...args, version(ver), out]);
    return Number(out[0]);
  }

  // The calls on one member: what they answer, null when it is not there.
  async _onMember(name, key, member, ver, before = []) {
    const k = bytes(key);
    const [m] = this._members([member]);
    const out = [0];
    const st = await this._run(name, [k, k.length, ...before, m, m.length, version(ver), out]);
    return st === RC_OK ? out[0] : null;
  }

  // mapping: a Map of member -> score, or a plain object of string members.
  // How many members were added (ch: added or changed); with incr (one
  // member) the new score, or null when a flag kept it.
  async zadd(key, mapping, { nx = false, xx = false, ch = false, incr = false, gt = false, lt = false, version: ver } = {}) {
    const entries = mapping instanceof Map ? Array.from(mapping) : Object.entries(mapping ?? {});
    if (!entries.length) throw new RangeError('zadd: no members');
    const flags = Object.entries({ nx, xx, ch, gt, lt }).reduce((f, [name, on]) => (on ? f | FLAGS[name] : f), 0);
    const scores = entries.map(([, s]) => score(s, 'zadd'));
    if (incr) {
      if (entries.length !== 1) throw new RangeError('zadd: incr takes one member');
      const k = bytes(key);
      const [m] = this._members([entries[0][0]]);
      const out = [0];
      const st = await this._run('rc_zadd_incr', [k, k.length, m, m.length, scores[0], flags, version(ver), out]);
      return st === RC_OK ? out[0] : null;
    }
    const [ms, lens] = arrays(this._members(entries.map(([m]) => m)));
    return this._count('rc_zadd', key, [ms, lens, scores, entries.length, flags], ver);
  }

  async zcard(key, ver) {
    return this._count('rc_zcard', key, [], ver);
  }

  async zcount(key, min, max, ver) {
    return this._count('rc_zcount', key, [bound(min, 'zcount'), bound(max, 'zcount')], ver);
  }

  async zremrangebyscore(key, min, max, ver) {
    return this._count('rc_zremrangebyscore', key, [bound(min, 'zremrangebyscore'), bound(max, 'zremrangebyscore')], ver);
  }

  // The member's new score.
  async zincrby(key, amount, member, ver) {
    return this._onMember('rc_zincrby', key, member, ver, [score(amount, 'zincrby')]);
  }

  // The members with the highest scores, removed: one [member, score] when
  // count is omitted (null when the set is empty), else an array of them.
  async zpopmax(key, count, ver) {
    return this._pop('rc_zpopmax', key, count, ver);
  }

  async zpopmin(key, count, ver) {
    return this._pop('rc_zpopmin', key, count, ver);
  }

  async _pop(name, key, count, ver) {
    const got = await this._scored(name, key, [count == null ? 0 : integer(count, name.slice(3))], ver);
    return count == null ? (got[0] ?? null) : got;
  }

  // Ranks start to end (negative counts from the end), lowest score first
  // (desc: highest); members, or [member, score] pairs with withScores.
  async zrange(key, start, end, { desc = false, withScores = false, version: ver } = {}) {
    const got = await this._scored('rc_zrange', key, [integer(start, 'zrange'), integer(end, 'zrange'), desc ? 1 : 0], ver);
    return withScores ? got : got.map(([m]) => m);
  }

  async zrevrange(key, start, end, options = {}) {
    return this.zrange(key, start, end, { ...options, desc: true });
  }

  // Scores in [min, max]; start (an offset) and num (how many) go together.
  async zrangebyscore(key, min, max, options = {}) {
    return this._byScore('zrangebyscore', key, min, max, options, 0);
  }

  async zrevrangebyscore(key, max, min, options = {}) {
    return this._byScore('zrevrangebyscore', key, min, max, options, 1);
  }

  async _byScore(what, key, min, max, { start, num, withScores = false, version: ver } = {}, rev) {
    if ((start == null) !== (num == null)) throw new RangeError(`${what}: start and num go together`);
    const args = [bound(min, what), bound(max, what), start == null ? 0 : integer(start, what), num == null ? -1 : integer(num, what), rev];
    const got = await this._scored('rc_zrangebyscore', key, args, ver);
    return withScores ? got : got.map(([m]) => m);
  }

  // The member's rank (lowest score first), null when it is not in the
  // set; with withScore, [rank, score].
  async zrank(key, member, { withScore = false, version: ver } = {}) {
    const rank = await this._onMember('rc_zrank', key, member, ver);
    if (rank === null) return null;
    return withScore ? [Number(rank), await this.zscore(key, member, ver)] : Number(rank);
  }

  async zscore(key, member, ver) {
    return this._onMember('rc_zscore', key, member, ver);
  }

  // members: an array (a member may itself be an array); how many were there.
  async zrem(key, members, ver) {
    if (!Array.isArray(members)) throw new TypeError('zrem: members is an array of members');
    if (!members.length) return 0;
    const [ms, lens] = arrays(this._members(members));
    return this._count('rc_zrem', key, [ms, lens, members.length], ver);
  }
}

module.exports = { SortedSets };
