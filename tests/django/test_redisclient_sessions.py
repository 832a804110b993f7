"""Django's session tests (tests/sessions_tests/tests.py) for the cache and
cached_db session engines, on redisclient.django.RedisCache. tests/django/
run.sh copies this file into the sdist's tests/sessions_tests/. As in the
cache module beside it, every test that does not pass would be named with
its reason; none is."""

import json
import os

from django.test import override_settings

from .tests import CacheDBSessionTests, CacheSessionTests

CACHES = {
    "default": {
        "BACKEND": "redisclient.django.RedisCache",
        "LOCATION": os.environ["RC_DJANGO_LOCATION"],
        "KEY_PREFIX": "django-sessions",
        "OPTIONS": json.loads(os.environ.get("RC_DJANGO_OPTIONS", "{}")),
    }
}


@override_settings(CACHES=CACHES)
class RedisClientCacheSessionTests(CacheSessionTests):
    pass


@override_settings(CACHES=CACHES)
class RedisClientCacheDBSessionTests(CacheDBSessionTests):
    pass


# Only the classes above run here; the originals run in Django's own suite.
del CacheDBSessionTests, CacheSessionTests
