// Types of redisclient for Node.js (see README.md for the value mapping).
/// <reference types="node" />

/** Seconds; null: never expires; undefined: the entry's TIMEOUT. */
export type Timeout = number | null | undefined;
export type Key = string | Buffer;

/** The JS forms of the Python values a Django cache carries. */
export type Value =
  | null | boolean | number | bigint | string | Buffer | Date
  | Float | ByteArray | Tuple | FrozenSet | OrderedDict | PyDate | PyTime
  | Timedelta | Decimal | UUID | Complex | PyGlobal | PyObject | Opaque
  | Value[] | Set<Value> | Map<Value, Value> | { [key: string]: Value };

export class Float extends Number {}
export class Tuple extends Array<Value> {}
export class FrozenSet extends Set<Value> {}
export class OrderedDict extends Map<Value, Value> {}
export class ByteArray extends Uint8Array {}
export class DateTime extends Date {
  constructor(ms: number, micros?: number, offset?: number | null, tz?: Record<string, unknown> | null);
  /** Microseconds below the millisecond, 0..999. */
  micros: number;
  /** UTC offset in seconds; null for a naive datetime (read as UTC). */
  offset: number | null;
  tz: Record<string, unknown> | null;
}
export class PyDate {
  constructor(year: number, month: number, day: number);
  year: number; month: number; day: number;
}
export class PyTime {
  constructor(iso: string, fold?: boolean);
  iso: string; fold: boolean;
}
export class Timedelta {
  constructor(days?: number, seconds?: number, microseconds?: number);
  days: number; seconds: number; microseconds: number;
  totalSeconds(): number;
}
export class Decimal { constructor(value: string); value: string; }
export class UUID { constructor(value: string); value: string; }
export class Complex { constructor(real: number, imag: number); real: number; imag: number; }
export class PyGlobal { constructor(module: string, name: string); module: string; name: string; }
export class PyObject {
  constructor(parts: Record<string, unknown>);
  cls?: Value; args?: Value[]; kwargs?: [Value, Value][]; new?: boolean;
  items?: Value[]; dictitems?: [Value, Value][]; state?: Value;
}
export class Opaque { constructor(pickle: Buffer, value?: Value); pickle: Buffer; value: Value; }

export class RedisClientError extends Error { status: number; }
export class LibraryError extends RedisClientError {}
export class ConfigurationError extends RedisClientError {}
export class ConnectionError extends RedisClientError {}
export class NotFoundError extends RedisClientError {}
export class NotIntegerError extends RedisClientError {}
export class ClosedError extends RedisClientError {}
export class InvalidHandleError extends RedisClientError {}
export class InvalidArgumentError extends RedisClientError {}
export class ServerError extends RedisClientError {}
export class ForkedError extends RedisClientError {}
export class InternalError extends RedisClientError {}
export class ValueCodecError extends RedisClientError {}
export class LockError extends RedisClientError {}
/** The token no longer holds the lock (it expired, or another holder has it). */
export class LockNotOwnedError extends LockError {}

export interface LockOptions {
  timeout?: number | null; sleep?: number; blocking?: boolean;
  blockingTimeout?: number | null; version?: number;
}
export class Lock {
  token: Buffer | null;
  acquire(options?: { sleep?: number; blocking?: boolean; blockingTimeout?: number | null; token?: Key }): Promise<boolean>;
  release(): Promise<void>;
  extend(additional: number, options?: { replaceTtl?: boolean }): Promise<void>;
  reacquire(): Promise<void>;
  owned(): Promise<boolean>;
  locked(): Promise<boolean>;
}

export type Entry = Record<string, unknown> | string;

/** django-redis's set(nx=, xx=): store only a missing key, or only an existing one. */
export interface SetOptions { nx?: boolean; xx?: boolean; }
/** A score bound: a number (±Infinity for the open ends) or Redis's text ("-inf", "(1.5"). */
export type Bound = number | bigint | string;
export interface ZAddOptions {
  nx?: boolean; xx?: boolean; ch?: boolean; gt?: boolean; lt?: boolean; version?: number;
}
export interface ZRangeOptions { withScores?: boolean; version?: number; }
export interface ZRangeByScoreOptions extends ZRangeOptions { start?: number; num?: number; }
export type Scored = [Value, number];

export class Client {
  constructor(entry: Entry, settings?: Record<string, unknown>);
  readonly closed: boolean;
  close(): Promise<void>;
  get<D = null>(key: Key, defaultValue?: D, version?: number): Promise<Value | D>;
  set(key: Key, value: Value, timeout?: Timeout, version?: number): Promise<void>;
  /** With nx or xx: whether the value was stored. */
  set(key: Key, value: Value, timeout: Timeout, version: number | undefined, options: SetOptions): Promise<boolean | undefined>;
  add(key: Key, value: Value, timeout?: Timeout, version?: number): Promise<boolean>;
  getOrSet(key: Key, value: Value | (() => Value | Promise<Value>), timeout?: Timeout, version?: number): Promise<Value>;
  getBytes<D = null>(key: Key, defaultValue?: D, version?: number): Promise<Buffer | D>;
  setBytes(key: Key, value: Key, timeout?: Timeout, version?: number): Promise<void>;
  setBytes(key: Key, value: Key, timeout: Timeout, version: number | undefined, options: SetOptions): Promise<boolean | undefined>;
  addBytes(key: Key, value: Key, timeout?: Timeout, version?: number): Promise<boolean>;
  delete(key: Key, version?: number): Promise<boolean>;
  hasKey(key: Key, version?: number): Promise<boolean>;
  touch(key: Key, timeout?: Timeout, version?: number): Promise<boolean>;
  expire(key: Key, timeout: Timeout | Timedelta, version?: number): Promise<boolean>;
  pexpire(key: Key, ms: number | Timedelta, version?: number): Promise<boolean>;
  expireAt(key: Key, when: Date | number, version?: number): Promise<boolean>;
  pexpireAt(key: Key, when: Date | number, version?: number): Promise<boolean>;
  incrVersion(key: Key, delta?: number, version?: number): Promise<number>;
  decrVersion(key: Key, delta?: number, version?: number): Promise<number>;
  persist(key: Key, version?: number): Promise<boolean>;
  ttl(key: Key, version?: number): Promise<number | null>;
  pttl(key: Key, version?: number): Promise<number | null>;
  incr(key: Key, delta?: number | bigint, version?: number, options?: { ignoreKeyCheck?: boolean }): Promise<number | bigint>;
  decr(key: Key, delta?: number | bigint, version?: number): Promise<number | bigint>;
  getMany<K extends Key>(keys: Iterable<K>, version?: number): Promise<Map<K, Value>>;
  setMany(mapping: Map<Key, Value> | Record<string, Value>, timeout?: Timeout, version?: number): Promise<Key[]>;
  getManyBytes<K extends Key>(keys: Iterable<K>, version?: number): Promise<Map<K, Buffer>>;
  setManyBytes(mapping: Map<Key, Key> | Record<string, Key>, timeout?: Timeout, version?: number): Promise<Key[]>;
  deleteMany(keys: Iterable<Key>, version?: number): Promise<number>;
  clear(): Promise<number>;
  keys(pattern: Key, version?: number): Promise<string[]>;
  iterKeys(pattern: Key, options?: { count?: number; version?: number }): AsyncGenerator<string>;
  deletePattern(pattern: Key, options?: { count?: number; version?: number }): Promise<number>;
  hset(key: Key, field: Key, value: Value, version?: number): Promise<number>;
  hdel(key: Key, field: Key | Key[], version?: number): Promise<number>;
  hlen(key: Key, version?: number): Promise<number>;
  hkeys(key: Key, version?: number): Promise<string[]>;
  hexists(key: Key, field: Key, version?: number): Promise<boolean>;
  /** How many members were added (ch: added or changed). */
  zadd(key: Key, mapping: Map<Value, number> | Record<string, number>, options?: ZAddOptions & { incr?: false }): Promise<number>;
  /** incr (one member): the new score, or null when a flag kept it. */
  zadd(key: Key, mapping: Map<Value, number> | Record<string, number>, options: ZAddOptions & { incr: true }): Promise<number | null>;
  zcard(key: Key, version?: number): Promise<number>;
  zcount(key: Key, min: Bound, max: Bound, version?: number): Promise<number>;
  zincrby(key: Key, amount: number, member: Value, version?: number): Promise<number>;
  zpopmax(key: Key, count?: undefined | null, version?: number): Promise<Scored | null>;
  zpopmax(key: Key, count: number, version?: number): Promise<Scored[]>;
  zpopmin(key: Key, count?: undefined | null, version?: number): Promise<Scored | null>;
  zpopmin(key: Key, count: number, version?: number): Promise<Scored[]>;
  zrange(key: Key, start: number, end: number, options?: ZRangeOptions & { desc?: boolean; withScores?: false }): Promise<Value[]>;
  zrange(key: Key, start: number, end: number, options: ZRangeOptions & { desc?: boolean; withScores: true }): Promise<Scored[]>;
  zrevrange(key: Key, start: number, end: number, options?: ZRangeOptions & { withScores?: false }): Promise<Value[]>;
  zrevrange(key: Key, start: number, end: number, options: ZRangeOptions & { withScores: true }): Promise<Scored[]>;
  zrangebyscore(key: Key, min: Bound, max: Bound, options?: ZRangeByScoreOptions & { withScores?: false }): Promise<Value[]>;
  zrangebyscore(key: Key, min: Bound, max: Bound, options: ZRangeByScoreOptions & { withScores: true }): Promise<Scored[]>;
  zrevrangebyscore(key: Key, max: Bound, min: Bound, options?: ZRangeByScoreOptions & { withScores?: false }): Promise<Value[]>;
  zrevrangebyscore(key: Key, max: Bound, min: Bound, options: ZRangeByScoreOptions & { withScores: true }): Promise<Scored[]>;
  zrank(key: Key, member: Value, options?: { withScore?: false; version?: number }): Promise<number | null>;
  zrank(key: Key, member: Value, options: { withScore: true; version?: number }): Promise<[number, number] | null>;
  zscore(key: Key, member: Value, version?: number): Promise<number | null>;
  zrem(key: Key, members: Value[], version?: number): Promise<number>;
  zremrangebyscore(key: Key, min: Bound, max: Bound, version?: number): Promise<number>;
  lock(name: Key, options?: LockOptions): Lock;
  health(): Promise<{ mode: string; status: 'good' | 'degraded' | 'failed'; [k: string]: unknown }>;
}

/** The effective connection settings, without connecting. HOLDS PASSWORDS. */
export function resolve(entry: Entry, settings?: Record<string, unknown>): Record<string, unknown>;
/** An entry file's JSON text with ${NAME} references replaced from process.env. HOLDS PASSWORDS. */
export function expandEnv(text: string): string;
export function encodeValue(value: Value): string;
export function decodeValue(text: string): Value;
export function libraryVersion(): string;
