"""The Django side of node/test/django.test.js: the real Django cache
(django-redis from the venv) on the CACHES entry given as JSON.

    django_helper.py ENTRY_JSON write KEY      stores SAMPLE (timeout 120)
    django_helper.py ENTRY_JSON read KEY       prints repr(cache.get(KEY)) and its ttl
    django_helper.py ENTRY_JSON zwrite KEY     cache.zadd(KEY, ZSAMPLE)
    django_helper.py ENTRY_JSON zread KEY      prints repr(cache.zrange(KEY, 0, -1, withscores=True))
"""

import datetime
import decimal
import json
import sys

import django
from django.conf import settings

entry = json.loads(sys.argv[1])
settings.configure(CACHES={"default": entry}, USE_TZ=True)
django.setup()

from django.core.cache import cache  # noqa: E402

PICKLES = "json" not in (entry.get("OPTIONS") or {}).get("SERIALIZER", "")

if PICKLES:
    SAMPLE = {
        "when": datetime.datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=datetime.timezone(datetime.timedelta(hours=2))),
        "naive": datetime.datetime(2001, 2, 3, 4, 5, 6, 7),
        "day": datetime.date(2024, 2, 29),
        "raw": b"\x00\xffbytes",
        "big": 2**100 + 7,
        "neg": -(2**64),
        "price": decimal.Decimal("19.99"),
        "tags": {"a", "b"},
        "pair": (1, "x"),
        "float": 3.0,
    }
else:
    SAMPLE = {"big": 2**100 + 7, "neg": -(2**64), "list": [1, 2.5, "s", None, True], "float": 3.0}

# Sorted-set members of several types; django-redis serializes each.
ZSAMPLE = {"a": 1, 7: 2.5, (1, "x"): 3, 2**70: -1, None: 0.5}

op, key = sys.argv[2], sys.argv[3]
if op == "write":
    cache.set(key, SAMPLE, timeout=120)
elif op == "read":
    value = cache.get(key)
    print(json.dumps({"repr": repr(value), "ttl": cache.ttl(key)}))
elif op == "zwrite":
    cache.zadd(key, ZSAMPLE)
elif op == "zread":
    print(json.dumps({"repr": repr(cache.zrange(key, 0, -1, withscores=True))}))
else:
    sys.exit(f"unknown op {op}")
