#!/usr/bin/env bash
# Tests the Go modules as users get them: a fresh module under $TMPDIR requires the built
# postproxymock and its platform module (through `replace` to the built copies that pack.sh
# wrote, as `cargo xtask dist` leaves them in DIST_DIR/go), copies tests/ in, and runs
# `go test -race` there (so the tests import the built module by its path, never this folder's
# source); then prints the start-up figures (tests/measure_test.go, without -race).
#
#   bash packages/go/test-installed.sh DIST_DIR
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 DIST_DIR" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
dist=$(cd "$1" && pwd)/go
main="$dist/postproxymock"
platform="$dist/platforms/linux-amd64"
for dir in "$main" "$platform"; do
    [ -f "$dir/go.mod" ] || { echo "no Go module at $dir (run cargo xtask dist)" >&2; exit 1; }
done
version=$(sed -n 's/^const Version = "\(.*\)"$/\1/p' "$main/program.go")

project=$(mktemp -d "${TMPDIR:-/tmp}/postproxy-mock-go.XXXXXX")
trap 'rm -rf "$project"' EXIT
cd "$project"
# The race detector needs cgo; Go's own build cache is reused between runs.
export CGO_ENABLED=1 GOFLAGS=-mod=mod GOWORK=off
go mod init example.com/groups >/dev/null 2>&1
go mod edit \
    -require="github.com/postproxy/postproxy-rs/packages/go/postproxymock@v$version" \
    -require="github.com/postproxy/postproxy-rs/packages/go/platforms/linux-amd64@v$version" \
    -replace="github.com/postproxy/postproxy-rs/packages/go/postproxymock=$main" \
    -replace="github.com/postproxy/postproxy-rs/packages/go/platforms/linux-amd64=$platform"
cp "$here"/tests/*.go .
go mod tidy
echo "==> $(go version); the modules: $main, $platform ($(stat -c %s "$platform/postproxy-mock") bytes)"
go vet ./...

# Unset, so that the tests run the embedded program with its defaults.
for name in $(compgen -e | grep '^POSTPROXY_MOCK_' || true); do unset "$name"; done
# The program is unpacked into a cache of this run's own, so the first unpacking is tested too.
export POSTPROXY_MOCK_CACHE_DIR="$project/cache"
export PACKAGE_README="$main/README.md" REPO_README="${REPO_README:-$here/../../README.md}"
echo "==> go test -race (the built modules)"
go test -race -count=1 ./...
echo "==> figures (go test -run TestMeasure, without -race)"
POSTPROXY_MOCK_MEASURE=1 go test -count=1 -run '^TestMeasure$' -v ./... | grep -v '^=== RUN\|^--- PASS\|^PASS\|^ok'
echo "==> sizes"
du -sb "$main" "$platform" "$dist"/../go-postproxymock-*.zip | awk '{ printf "%-90s %6.2f MB\n", $2, $1 / 1048576 }'
