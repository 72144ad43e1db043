#!/usr/bin/env bash
# Builds the jar of postproxy-mock (dev.postproxy:postproxy-mock) with BINARY, the
# postproxy-mock program, inside it as dev/postproxy/mock/native/linux-x86_64/postproxy-mock
# (and its SHA-256 and size beside it). Builds no program: cargo xtask dist passes the release
# build. Maven runs in a staged copy of this folder (its unit tests too), so the repository
# never holds a program or Maven's output.
#
#   bash packages/java/pack.sh BINARY OUT_DIR
#
# Writes OUT_DIR/postproxy-mock-VERSION.jar and OUT_DIR/postproxy-mock-VERSION.pom and prints
# their paths, one a line.
set -euo pipefail

if [ $# -ne 2 ]; then
    echo "usage: $0 BINARY OUT_DIR" >&2
    exit 2
fi
binary=$1
here=$(cd "$(dirname "$0")" && pwd)
platform=linux-x86_64
if [ ! -f "$binary" ]; then
    echo "pack.sh: no program at $binary" >&2
    exit 1
fi
mkdir -p "$2"
out=$(cd "$2" && pwd)

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp -R "$here/pom.xml" "$here/src" "$stage/"
rm -rf "$stage/src/main/resources/dev/postproxy/mock/native"
native="$stage/src/main/resources/dev/postproxy/mock/native/$platform"
mkdir -p "$native"
cp "$binary" "$native/postproxy-mock"
echo "$(sha256sum "$binary" | cut -d' ' -f1) $(stat -c %s "$binary")" > "$native/postproxy-mock.sha256"

# The project's own <version> (the first one at two spaces' indent in pom.xml).
version=$(sed -n 's|^  <version>\(.*\)</version>.*$|\1|p' "$stage/pom.xml" | head -1)
(cd "$stage" && mvn -B -q --no-transfer-progress -Dstyle.color=never package)
cp "$stage/target/postproxy-mock-$version.jar" "$out/postproxy-mock-$version.jar"
cp "$stage/pom.xml" "$out/postproxy-mock-$version.pom"
echo "$out/postproxy-mock-$version.jar"
echo "$out/postproxy-mock-$version.pom"
