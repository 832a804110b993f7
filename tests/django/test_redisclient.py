"""Django's own cache test-suite (tests/cache/tests.py of the Django release
in the venv: RedisCacheTests with BaseCacheTests) against
redisclient.django.RedisCache. tests/django/run.sh copies this file into
the sdist's tests/cache/ and runs it on the standalone server and on the
cluster (RC_DJANGO_LOCATION, RC_DJANGO_OPTIONS).

Every test that does not pass is named in KNOWN below with the reason, and
marked as an expected failure: a new failure fails the run, and so does a
known one that starts to pass (an unexpected success), so the list stays
true."""

import json
import os
import unittest

from django.test import override_settings

import redisclient

from .tests import (
    CacheHEADTest,
    CacheI18nTest,
    CacheMiddlewareTest,
    RedisCacheTests,
    TestWithTemplateResponse,
    caches_setting_for_tests,
    redis_excluded_caches,
)

MODE = os.environ.get("RC_DJANGO_MODE", "standalone")

BASE = {
    "BACKEND": "redisclient.django.RedisCache",
    "LOCATION": os.environ["RC_DJANGO_LOCATION"],
    "OPTIONS": json.loads(os.environ.get("RC_DJANGO_OPTIONS", "{}")),
}

INTERNALS = "a test of Django's RedisCache internals (RedisCacheClient, its redis-py pools and serializer)"
KEY_FUNCTION = "a custom KEY_FUNCTION: the library makes keys as Django's default key function does"

# test name -> why it does not pass, in every mode; CLUSTER adds the
# cluster's own.
KNOWN = {
    "test_cache_client_class": INTERNALS,
    "test_get_connection_pool": INTERNALS,
    "test_get_connection_pool_index": INTERNALS,
    "test_get_client": INTERNALS,
    "test_serializer_dumps": INTERNALS,
    "test_incr_write_connection": INTERNALS,
    "test_redis_pool_options": INTERNALS + "; OPTIONS db and socket_timeout are redis-py's, not django-redis's",
    "test_get_backend_timeout_method": INTERNALS + " (get_backend_timeout in whole seconds, as Django's backend sends EX)",
    "test_custom_key_func": KEY_FUNCTION,
}
CLUSTER: dict = {}


def known() -> dict:
    return {**KNOWN, **(CLUSTER if MODE == "cluster" else {})}


@override_settings(CACHES=caches_setting_for_tests(base=BASE, exclude=redis_excluded_caches))
class RedisClientBackendTests(RedisCacheTests):
    __unittest_skip__ = False  # RedisCacheTests is skipped without Django's own Redis settings

    # incr of a value that is not an integer.
    incr_decr_type_error = redisclient.NotIntegerError


# Django's cache middleware, cache_page and the i18n and HEAD handling of
# the cached responses, on the backend (Django runs them on LocMemCache).
MIDDLEWARE_CACHES = {
    "default": dict(BASE, KEY_PREFIX="django-middleware"),
    "other": dict(BASE, KEY_PREFIX="django-middleware-other", TIMEOUT="1"),
}


@override_settings(CACHES=MIDDLEWARE_CACHES)
class RedisClientCacheMiddlewareTest(CacheMiddlewareTest):
    pass


@override_settings(CACHES=MIDDLEWARE_CACHES)
class RedisClientCacheHEADTest(CacheHEADTest):
    pass


@override_settings(CACHES=MIDDLEWARE_CACHES)
class RedisClientCacheI18nTest(CacheI18nTest):
    pass


@override_settings(CACHES=MIDDLEWARE_CACHES)
class RedisClientTestWithTemplateResponse(TestWithTemplateResponse):
    pass


# Only the classes above run here; the originals run in Django's own suite.
del CacheHEADTest, CacheI18nTest, CacheMiddlewareTest, RedisCacheTests, TestWithTemplateResponse

for _name, _reason in known().items():
    _test = getattr(RedisClientBackendTests, _name, None)
    if _test is None:
        raise AssertionError(f"KNOWN names {_name}, which Django's suite does not have")
    _marked = unittest.expectedFailure(_test)
    _marked.__doc__ = f"Known: {_reason}"
    setattr(RedisClientBackendTests, _name, _marked)
