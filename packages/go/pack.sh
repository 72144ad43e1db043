#!/usr/bin/env bash
# Builds the Go modules of postproxy-mock as users get them, with BINARY (the postproxy-mock
# program) embedded in the platform module. Builds nothing itself: cargo xtask dist passes the
# release build.
#
#   bash packages/go/pack.sh BINARY OUT_DIR
#
# Writes OUT_DIR/go/postproxymock (github.com/postproxy/postproxy-rs/packages/go/postproxymock,
# with packages/go/README.md as its README) and OUT_DIR/go/platforms/linux-amd64 (the program
# and program_sum.go with its size and SHA-256), replacing earlier copies; and each as a module
# zip as the Go module proxy serves it (files under MODULE@vVERSION/), OUT_DIR/go-postproxymock-
# vVERSION.zip and OUT_DIR/go-postproxymock-linux-amd64-vVERSION.zip. Prints the folders and
# the zips, one a line.
set -euo pipefail

if [ $# -ne 2 ]; then
    echo "usage: $0 BINARY OUT_DIR" >&2
    exit 2
fi
binary=$1
here=$(cd "$(dirname "$0")" && pwd)
platform=linux-amd64
if [ ! -f "$binary" ]; then
    echo "pack.sh: no program at $binary" >&2
    exit 1
fi
mkdir -p "$2"
out=$(cd "$2" && pwd)/go

version=$(sed -n 's/^const Version = "\(.*\)"$/\1/p' "$here/postproxymock/program.go")
platform_version=$(sed -n 's/^const Version = "\(.*\)"$/\1/p' "$here/platforms/$platform/program.go")
required=$(sed -n "s|^require github.com/postproxy/postproxy-rs/packages/go/platforms/$platform v\(.*\)$|\1|p" "$here/postproxymock/go.mod")
if [ -z "$version" ] || [ "$version" != "$platform_version" ] || [ "$required" != "$version" ]; then
    echo "pack.sh: versions disagree: postproxymock $version, platforms/$platform $platform_version, required v$required" >&2
    exit 1
fi

rm -rf "$out"
mkdir -p "$out/platforms"
cp -R "$here/postproxymock" "$out/postproxymock"
cp "$here/README.md" "$out/postproxymock/README.md"
cp -R "$here/platforms/$platform" "$out/platforms/$platform"
cp "$binary" "$out/platforms/$platform/postproxy-mock"
chmod 644 "$out/platforms/$platform/postproxy-mock"
size=$(stat -c %s "$binary")
sum=$(sha256sum "$binary" | cut -d' ' -f1)
cat > "$out/platforms/$platform/program_sum.go" <<GO
package linuxamd64

// Size and SHA256 describe Program: postproxymock checks the unpacked copy against them.
// (Written by packages/go/pack.sh.)
const (
	Size   = $size
	SHA256 = "$sum"
)
GO
echo "$out/postproxymock"
echo "$out/platforms/$platform"
# Module zips, as `go mod download` would fetch them (python3's zipfile: deflated).
zip_module() {
    python3 - "$1" "$2" "$3" <<'PY'
import os, sys, zipfile
folder, prefix, target = sys.argv[1:]
with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    for root, _, files in os.walk(folder):
        for name in sorted(files):
            path = os.path.join(root, name)
            z.write(path, prefix + "/" + os.path.relpath(path, folder))
PY
    echo "$3"
}
module=github.com/postproxy/postproxy-rs/packages/go
zip_module "$out/postproxymock" "$module/postproxymock@v$version" "$(dirname "$out")/go-postproxymock-v$version.zip"
zip_module "$out/platforms/$platform" "$module/platforms/$platform@v$version" "$(dirname "$out")/go-postproxymock-$platform-v$version.zip"
