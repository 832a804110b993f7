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

bench:
	$(WITH_REDIS) $(GO) test ./core/ -run '^$$' -bench . -benchmem -count 5 -timeout 40m

# demo: the demo program on each example CACHES entry, one set of servers.
demo:
	$(GO) build -o bin/demo ./cmd/demo
	$(WITH_REDIS) sh -c 'for entry in $(DEMO_ENTRIES); do echo "== $$entry"; bin/demo -entry "$$entry" || exit 1; done'

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
