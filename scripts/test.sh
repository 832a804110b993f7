#!/usr/bin/env bash
# Every test suite, against the servers testenv/with-redis.sh started (the
# RC_TEST_* variables must be set). Runs them all and fails if any failed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
: "${RC_TEST_STANDALONE:?run through testenv/with-redis.sh (make test)}"

failed=()
run() {
	echo "== $*"
	"$@" || failed+=("$*")
}
run go test -count=1 -timeout 20m ./...
run bash tests/c/run.sh

if [ ${#failed[@]} -gt 0 ]; then
	printf 'failed: %s\n' "${failed[@]}" >&2
	exit 1
fi
