# Targets that need Redis run through testenv/with-redis.sh: it installs
# redis-server when it is missing, starts the test servers, exports their
# RC_TEST_* addresses, and stops them however the command ends.

GO ?= go
WITH_REDIS := testenv/with-redis.sh
DEMO_ENTRIES := examples/caches/standalone.json examples/caches/acl.json \
	examples/caches/cluster.json examples/caches/tls.json

.PHONY: all build test parity bench demo fmt fmt-check vet clean install uninstall

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
# expanded into a temporary directory first. The Python example needs only
# the shim and the library, so any python3 (PYTHON) runs it: no Django venv.
EXAMPLE_ENTRIES := examples/caches/standalone.json examples/caches/cluster.json \
	examples/caches/tls.json
PYTHON ?= python3

demo: build
	$(WITH_REDIS) bash -c 'set -e; \
	python=$(PYTHON); \
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

# install: the redisclient command in BINDIR, and the C library as a system
# library: the header,
# libredisclient.so.VERSION behind its soname link (libredisclient.so.ABI,
# the header's RC_ABI_VERSION) and the development link, and redisclient.pc
# for pkg-config. DESTDIR stages the files for a package; PREFIX, LIBDIR and
# INCLUDEDIR are the paths the installed files name.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
VERSION := $(shell cat VERSION)
ABI := $(shell sed -n 's/^\#define RC_ABI_VERSION \([0-9][0-9]*\).*/\1/p' include/redisclient.h)
LIB_SOURCES := $(shell find capi core -name '*.go' -not -name '*_test.go') capi/guard.c capi/exports.map \
	include/redisclient.h go.mod go.sum
CLI_SOURCES := $(shell find cmd/redisclient core -name '*.go' -not -name '*_test.go') go.mod go.sum

lib/libredisclient.so: $(LIB_SOURCES)
	bash capi/build.sh

bin/redisclient: $(CLI_SOURCES)
	$(GO) build -trimpath -o $@ ./cmd/redisclient

install: lib/libredisclient.so bin/redisclient
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR)
	install -m 0755 bin/redisclient $(DESTDIR)$(BINDIR)/redisclient
	install -m 0755 lib/libredisclient.so $(DESTDIR)$(LIBDIR)/libredisclient.so.$(VERSION)
	ln -sfn libredisclient.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libredisclient.so.$(ABI)
	ln -sfn libredisclient.so.$(ABI) $(DESTDIR)$(LIBDIR)/libredisclient.so
	install -m 0644 include/redisclient.h $(DESTDIR)$(INCLUDEDIR)/redisclient.h
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
		-e 's|@VERSION@|$(VERSION)|' capi/redisclient.pc.in >$(DESTDIR)$(PKGCONFIGDIR)/redisclient.pc
	chmod 0644 $(DESTDIR)$(PKGCONFIGDIR)/redisclient.pc
	@# The dynamic linker's cache knows the new library only after ldconfig.
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && command -v ldconfig >/dev/null; then ldconfig; fi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/redisclient $(DESTDIR)$(LIBDIR)/libredisclient.so $(DESTDIR)$(LIBDIR)/libredisclient.so.$(ABI) \
		$(DESTDIR)$(LIBDIR)/libredisclient.so.$(VERSION) $(DESTDIR)$(INCLUDEDIR)/redisclient.h \
		$(DESTDIR)$(PKGCONFIGDIR)/redisclient.pc
