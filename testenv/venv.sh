#!/usr/bin/env bash
# Creates (idempotently) the project's Python venv (the reference Django
# stack, pytest) and prints its python path. Fast when the venv already matches requirements.txt.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${RC_TEST_VENV:-$here/.venv}"
req="$here/requirements.txt"
stamp="$venv/.requirements.sha256"

need_apt() {
	if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
		# Debian splits venv/ensurepip into python3-venv.
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq >&2
		apt-get install -y -qq python3-venv >&2
	fi
}

want="$(sha256sum "$req" | cut -d' ' -f1)"
if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
	echo "$venv/bin/python"
	exit 0
fi

need_apt
[[ -x "$venv/bin/python" ]] || python3 -m venv "$venv" >&2
"$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$req" >&2
# Every compressor/serializer module django-redis offers must import here.
"$venv/bin/python" - >&2 <<'PY'
import importlib
for m in ("django_redis.serializers.pickle", "django_redis.serializers.json",
          "django_redis.serializers.msgpack", "django_redis.compressors.identity",
          "django_redis.compressors.zlib", "django_redis.compressors.gzip",
          "django_redis.compressors.lzma", "django_redis.compressors.lz4",
          "django_redis.compressors.zstd", "hiredis", "ansible_base", "pytest"):
    importlib.import_module(m)
PY
echo "$want" >"$stamp"
echo "$venv/bin/python"
