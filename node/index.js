'use strict';
// redisclient for Node.js: a Django cache (its CACHES entry) over
// libredisclient.so. See README.md for the value mapping.

const { Client, resolve, expandEnv } = require('./lib/client');
const { Lock, LockError, LockNotOwnedError } = require('./lib/lock');
const errors = require('./lib/errors');
const types = require('./lib/types');
const values = require('./lib/values');
const { load } = require('./lib/native');

const { errorFor, ...errorClasses } = errors;

module.exports = {
  Client,
  resolve,
  expandEnv,
  Lock,
  LockError,
  LockNotOwnedError,
  ...errorClasses,
  ...types,
  encodeValue: values.encode,
  decodeValue: values.decode,
  libraryVersion: () => load().version,
};
