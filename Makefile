# Targets that need Redis run through testenv/with-redis.sh: it installs
# redis-server when it is missing, starts the test servers, exports their
# RC_TEST_* addresses, and stops them however the command ends.

GO ?= go
WITH_REDIS := testenv/with-redis.sh
DEMO_ENTRIES := examples/caches/standalone.json examples/caches/acl.json \
	examples/caches/cluster.json examples/caches/tls.json

.PHONY: all build test parity bench demo fmt fmt-check vet clean

all: build

# build: compile every package; build.sh puts the artifacts in bin/.
build:
	./build.sh

# test: the whole check, on a fresh machine too. The static checks come first
# so that a slip fails in seconds, before any server starts; the integration
# tests fail, never skip, without the servers.
test: fmt-check vet build
	$(WITH_REDIS) scripts/test.sh

# parity: the configuration and live parity suite against the real Django
# stack; rewrites PARITY.md.
parity: build
	$(WITH_REDIS) scripts/test.sh parity

# bench: every benchmark beside its baseline, in one run (scripts/bench.sh).
bench: build
	$(WITH_REDIS) scripts/bench.sh

# demo: on one set of servers, the Go demo on each example CACHES entry, then
# the C and Python examples on the standalone, cluster and TLS ones. Those
# read plain JSON: `demo -print-entry` writes each entry with its ${VAR}s
# expanded into a temporary directory first. The venv is made before the
# servers start.
EXAMPLE_ENTRIES := examples/caches/standalone.json examples/caches/cluster.json \
	examples/caches/tls.json

demo: build
	bash testenv/venv.sh >/dev/null
	$(WITH_REDIS) bash -c 'set -e; \
	python=$$(bash testenv/venv.sh); \
	export PYTHONPATH=python REDISCLIENT_LIBRARY=lib/libredisclient.so; \
	tmp=$$(mktemp -d); trap "rm -rf $$tmp" EXIT; \
	for entry in $(DEMO_ENTRIES); do \
		echo "== Go demo: $$entry"; bin/demo -entry $$entry; \
	done; \
	for entry in $(EXAMPLE_ENTRIES); do \
		expanded=$$tmp/$$(basename $$entry); \
		bin/demo -print-entry -entry $$entry >$$expanded; \
		echo "== C example: $$entry"; bin/example-c $$expanded; \
		echo "== Python example: $$entry"; $$python examples/python/example.py $$expanded; \
	done'

fmt:
	gofmt -w .

# gofmt -l lists what it would change but exits 0 either way.
fmt-check:
	@unformatted=$$(gofmt -l .); \
	if [ -n "$$unformatted" ]; then echo "not gofmt'ed (run make fmt):"; echo "$$unformatted"; exit 1; fi

vet:
	$(GO) vet ./...

clean:
	rm -rf bin lib
