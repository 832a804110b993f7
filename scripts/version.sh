#!/usr/bin/env bash
# VERSION is the one place the release version is written. This script
# copies it into the places that need it as source text, because each of them
# is read where VERSION is not at hand: the header's RC_VERSION_* macros (C
# programs built against an installed header), core.Version (a Go module
# consumer's build, which embeds nothing above core/), and the Python
# package's __version__ (an installed wheel), and the Node package's
# package.json and its lock (an npm tarball). core/version_test.go fails when
# any of them disagrees with VERSION.
#
#   scripts/version.sh           rewrite them from VERSION
#   scripts/version.sh 0.2.0     set VERSION to 0.2.0 first
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ $# -gt 1 ]; then
	echo "usage: scripts/version.sh [MAJOR.MINOR.PATCH]" >&2
	exit 2
fi
if [ $# -eq 1 ]; then
	printf '%s\n' "$1" >VERSION
fi
version="$(cat VERSION)"
if ! [[ "$version" =~ ^([0-9]+)\.([0-9]+)\.([0-9]+)$ ]]; then
	echo "scripts/version.sh: VERSION must be MAJOR.MINOR.PATCH, not \"$version\"" >&2
	exit 1
fi
major="${BASH_REMATCH[1]}" minor="${BASH_REMATCH[2]}" patch="${BASH_REMATCH[3]}"

sed -i -E \
	-e "s/^(#define RC_VERSION_MAJOR ).*/\1$major/" \
	-e "s/^(#define RC_VERSION_MINOR ).*/\1$minor/" \
	-e "s/^(#define RC_VERSION_PATCH ).*/\1$patch/" \
	-e "s/^(#define RC_VERSION_STRING ).*/\1\"$version\"/" \
	include/redisclient.h
sed -i -E "s/^(const Version = ).*/\1\"$version\"/" core/version.go
sed -i -E "s/^(__version__ = ).*/\1\"$version\"/" python/redisclient/_version.py
(cd node && npm version --no-git-tag-version --allow-same-version "$version" >/dev/null)
echo "version $version"
