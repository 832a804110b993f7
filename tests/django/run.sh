#!/usr/bin/env bash
# Django's own cache test-suite against redisclient.django.RedisCache, on
# the standalone server and on the cluster of testenv/with-redis.sh.
#
# The tests come from the sdist of the Django release in the venv
# (pip download --no-binary :all: --no-deps django==VERSION), cached under
# testenv/django/; tests/django/test_redisclient.py runs RedisCacheTests
# (with BaseCacheTests) on the backend and names every test that does not
# pass, with the reason. Needs RC_TEST_STANDALONE and RC_TEST_CLUSTER;
# RC_TEST_PYTHON is the venv's python (testenv/venv.sh by default).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
: "${RC_TEST_STANDALONE:?run through testenv/with-redis.sh (make test)}"
: "${RC_TEST_CLUSTER:?run through testenv/with-redis.sh (make test)}"
py="${RC_TEST_PYTHON:-$(bash testenv/venv.sh)}"

if [ ! -e lib/libredisclient.so ] || [ -n "$(find capi include core go.mod -newer lib/libredisclient.so -print -quit)" ]; then
    bash capi/build.sh
fi

version="$("$py" -c 'import django; print(django.get_version())')"
cache="testenv/django"
tests="$cache/django-$version/tests"
if [ ! -f "$tests/runtests.py" ]; then
    mkdir -p "$cache"
    if [ ! -f "$cache/django-$version.tar.gz" ]; then
        "$py" -m pip download --quiet --no-binary :all: --no-deps --dest "$cache" "django==$version"
    fi
    rm -rf "$cache/django-$version.tmp"
    mkdir "$cache/django-$version.tmp"
    # Only what runtests.py and the cache tests need.
    tar -xzf "$cache/django-$version.tar.gz" -C "$cache/django-$version.tmp" \
        "django-$version/tests/runtests.py" "django-$version/tests/test_sqlite.py" \
        "django-$version/tests/urls.py" "django-$version/tests/cache" "django-$version/tests/sessions_tests"
    rm -rf "$cache/django-$version"
    mv "$cache/django-$version.tmp/django-$version" "$cache/django-$version"
    rmdir "$cache/django-$version.tmp"
fi
cp tests/django/test_redisclient.py "$tests/cache/test_redisclient.py"
cp tests/django/test_redisclient_sessions.py "$tests/sessions_tests/test_redisclient.py"

export PYTHONPATH="$root/python" REDISCLIENT_LIBRARY="$root/lib/libredisclient.so"
first_cluster="${RC_TEST_CLUSTER%%,*}"
status=0
for mode in standalone cluster; do
    echo "-- Django $version's cache tests on redisclient.django.RedisCache, $mode"
    if [ "$mode" = standalone ]; then
        location="redis://$RC_TEST_STANDALONE/0" options='{}'
    else
        location="redis://$first_cluster"
        # A cluster is django-ansible-base's client's: DefaultClient has none.
        options="{\"CLIENT_CLASS\": \"ansible_base.lib.redis.RedisClient\", \"CLIENT_CLASS_KWARGS\": {\"mode\": \"cluster\", \"redis_hosts\": \"$RC_TEST_CLUSTER\"}}"
    fi
    (cd "$tests" && RC_DJANGO_MODE="$mode" RC_DJANGO_LOCATION="$location" RC_DJANGO_OPTIONS="$options" \
        "$py" runtests.py --settings=test_sqlite --parallel=1 --noinput -v 1 cache.test_redisclient sessions_tests.test_redisclient) || status=1
done
exit "$status"
