'use strict';
// One Error subclass per status of the C ABI (rc_status). Messages come
// from the library, which never puts a password in them.

class RedisClientError extends Error {
  constructor(message, status = 0) {
    super(message);
    this.name = new.target.name;
    this.status = status;
  }
}
class LibraryError extends RedisClientError {}
class ConfigurationError extends RedisClientError {}
class ConnectionError extends RedisClientError {}
class NotFoundError extends RedisClientError {}
class NotIntegerError extends RedisClientError {}
class ClosedError extends RedisClientError {}
class InvalidHandleError extends RedisClientError {}
class InvalidArgumentError extends RedisClientError {}
class ServerError extends RedisClientError {}
class ForkedError extends RedisClientError {}
class InternalError extends RedisClientError {}
class ValueCodecError extends RedisClientError {}

const BY_STATUS = new Map([
  [-1, ConfigurationError],
  [-2, ConnectionError],
  [-3, NotFoundError],
  [-4, NotIntegerError],
  [-5, ClosedError],
  [-6, InvalidHandleError],
  [-7, InvalidArgumentError],
  [-8, ServerError],
  [-9, ForkedError],
  [-10, InternalError],
  [-11, ValueCodecError],
]);

function errorFor(status, message) {
  const Cls = BY_STATUS.get(status) || InternalError;
  return new Cls(message || `redisclient status ${status}`, status);
}

module.exports = {
  RedisClientError,
  LibraryError,
  ConfigurationError,
  ConnectionError,
  NotFoundError,
  NotIntegerError,
  ClosedError,
  InvalidHandleError,
  InvalidArgumentError,
  ServerError,
  ForkedError,
  InternalError,
  ValueCodecError,
  errorFor,
};
