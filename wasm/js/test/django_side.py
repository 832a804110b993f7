"""The Django side of the Node tests: one cache operation through the real
Django stack, on the CACHES entry given, so that what Node stores is read by
Django's own cache and what Django stores is read back in Node.

argv: a JSON object {"entry": CACHES entry, "op": "set" | "get",
"key": str, "value": JSON value (set), "timeout": seconds or null (set),
"python": true to store the fixed Python value below instead of "value"}.
Prints a JSON object: {"found": bool, "value": ...} for get, {} for set.
On a cluster, where each call costs a Python start, "set_many" stores
"values" (an object) with "timeout", "get_many" prints {"values": ...} of
"keys", and "ttl" prints {"ttls": {key: seconds or null}} of "keys"
(django-redis's ttl: 0 for a missing key, null for none).
"""
import datetime
import json
import sys

import django
from django.conf import settings

request = json.loads(sys.argv[1])
settings.configure(CACHES={"default": request["entry"]}, INSTALLED_APPS=[], USE_TZ=True)
django.setup()

from django.core.cache import cache  # noqa: E402 (after settings)

# A value of Python types JSON has no word for: Node reads it as value JSON's
# tagged objects.
PYTHON_VALUE = {"tuple": (1, "two"), "bytes": b"\x00\xff", "when": datetime.date(2026, 12, 2)}

MISSING = object()
if request["op"] == "set":
    value = PYTHON_VALUE if request.get("python") else request["value"]
    cache.set(request["key"], value, timeout=request.get("timeout", 300))
    print(json.dumps({}))
elif request["op"] == "get":
    value = cache.get(request["key"], MISSING)
    if value is MISSING:
        print(json.dumps({"found": False}))
    else:
        print(json.dumps({"found": True, "value": value, "is_python_value": value == PYTHON_VALUE}, default=repr))
elif request["op"] == "set_many":
    cache.set_many(request["values"], timeout=request.get("timeout", 300))
    print(json.dumps({}))
elif request["op"] == "get_many":
    print(json.dumps({"values": cache.get_many(request["keys"])}))
elif request["op"] == "ttl":
    print(json.dumps({"ttls": {key: cache.ttl(key) for key in request["keys"]}}))
else:
    sys.exit("unknown op " + request["op"])
