#!/usr/bin/env bash
# Packs the npm packages: postproxy-mock and this platform's @postproxy-mock/linux-x64 with
# BINARY in it. Builds nothing: BINARY is the postproxy-mock program to ship (cargo xtask dist
# passes the release build).
#
#   bash packages/npm/pack.sh BINARY OUT_DIR
#
# Prints the two tarballs' paths, one a line.
set -euo pipefail

if [ $# -ne 2 ]; then
    echo "usage: $0 BINARY OUT_DIR" >&2
    exit 2
fi
binary=$1
out_dir=$2
here=$(cd "$(dirname "$0")" && pwd)
platform=linux-x64

if [ ! -f "$binary" ]; then
    echo "pack.sh: no program at $binary" >&2
    exit 1
fi
mkdir -p "$out_dir"
out_dir=$(cd "$out_dir" && pwd)

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# Copies, so the repository's folders never hold a binary or npm's leftovers.
cp -R "$here/postproxy-mock" "$stage/postproxy-mock"
cp -R "$here/platforms/$platform" "$stage/$platform"
rm -rf "$stage/$platform/bin"
mkdir -p "$stage/$platform/bin"
cp "$binary" "$stage/$platform/bin/postproxy-mock"
chmod 755 "$stage/$platform/bin/postproxy-mock"

# The two versions must agree: the main package pins its platform package exactly.
main_version=$(node -p 'require(process.argv[1]).version' "$stage/postproxy-mock/package.json")
platform_version=$(node -p 'require(process.argv[1]).version' "$stage/$platform/package.json")
pinned=$(node -p 'require(process.argv[1]).optionalDependencies["@postproxy-mock/'"$platform"'"]' "$stage/postproxy-mock/package.json")
if [ "$main_version" != "$platform_version" ] || [ "$pinned" != "$platform_version" ]; then
    echo "pack.sh: versions disagree: postproxy-mock $main_version, @postproxy-mock/$platform $platform_version, pinned $pinned" >&2
    exit 1
fi

pack() {
    local dir=$1 name
    # --json names the tarball; npm's notices go to stderr.
    name=$(cd "$dir" && npm pack --ignore-scripts --pack-destination "$out_dir" --json --loglevel=error \
        | node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s)[0].filename))')
    echo "$out_dir/$name"
}

pack "$stage/$platform"
pack "$stage/postproxy-mock"
