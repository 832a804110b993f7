#!/usr/bin/env bash
# The test suites, against the servers testenv/with-redis.sh started (the
# RC_TEST_* variables must be set): all of them, or those named (go, c,
# python, parity, django, install, node, wasm). django runs Django's own cache tests on
# the Django backend; install installs each part as a user would, outside
# the checkout (tests/install/). Every suite runs; the script fails if any
# failed. The Go tests run under the race detector: one handle is shared by
# many threads. Their packages run one at a time (-p 1): they share the
# test servers, and core's tests count the servers' error replies, which
# another package's tests running beside them would add to.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
: "${RC_TEST_STANDALONE:?run through testenv/with-redis.sh (make test)}"

# The project's venv: the real Django stack and pytest (made on first use).
RC_TEST_PYTHON="$(bash testenv/venv.sh)" || exit 1
export RC_TEST_PYTHON
# The shim from this checkout, on the library this checkout built.
export PYTHONPATH="$PWD/python" REDISCLIENT_LIBRARY="$PWD/lib/libredisclient.so"

failed=()
passed=0
run() {
	echo "== $*"
	if "$@"; then passed=$((passed + 1)); else failed+=("$*"); fi
}
for suite in "${@:-go c python parity django install node wasm}"; do
	for s in $suite; do
		case "$s" in
		go) run go test -race -count=1 -p 1 -timeout 20m ./... ;;
		c) run bash tests/c/run.sh ;;
		python) run "$RC_TEST_PYTHON" -m pytest -q python/tests ;;
		parity) run "$RC_TEST_PYTHON" -m pytest -q parity ;;
		django) run bash tests/django/run.sh ;;
		node) run bash node/scripts/test.sh ;;
		install)
			for t in tests/install/*.sh; do run bash "$t"; done
			;;
		wasm) run bash wasm/test.sh ;;
		*) echo "unknown suite $s" >&2; exit 2 ;;
		esac
	done
done

echo "suites: $passed passed, ${#failed[@]} failed"
if [ ${#failed[@]} -gt 0 ]; then
	printf 'failed: %s\n' "${failed[@]}" >&2
	exit 1
fi
