#!/usr/bin/env bash
# Tests the npm packages as a user gets them: a fresh project installs the tarballs that
# pack.sh made (and postproxy-sdk), then runs the tests of packages/npm/tests there, so they
# import the installed postproxy-mock by name, never this folder's source; and tsc checks a
# typed usage file against the installed declarations.
#
#   bash packages/npm/test-installed.sh DIST_DIR
#
# POSTPROXY_MOCK_MEASURE=1 also runs tests/measure.mjs (start and newAccount times).
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 DIST_DIR" >&2
    exit 2
fi
measure=${POSTPROXY_MOCK_MEASURE:-}
here=$(cd "$(dirname "$0")" && pwd)
dist=$(cd "$1" && pwd)
main_tgz=$(ls "$dist"/postproxy-mock-[0-9]*.tgz)
platform_tgz=$(ls "$dist"/postproxy-mock-linux-x64-[0-9]*.tgz)

# TypeScript, pinned by packages/npm/package-lock.json.
if [ ! -x "$here/node_modules/.bin/tsc" ]; then
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi

project=$(mktemp -d)
trap 'rm -rf "$project"' EXIT
cd "$project"
npm init -y >/dev/null
npm pkg set type=module
# As a user would: the main package and, for this machine, the platform package it names as an
# optional dependency (installed from the tarball, since it is not published here).
npm install --no-audit --no-fund --loglevel=error \
    "$platform_tgz" "$main_tgz" postproxy-sdk@1.6.1
cp "$here"/tests/*.mjs "$here"/tests/*.ts "$here"/tests/tsconfig.json .
# The same with Node's types (pinned under packages/npm), as most TypeScript users have them.
cat > tsconfig.node.json <<JSON
{
  "extends": "./tsconfig.json",
  "compilerOptions": { "types": ["node"], "typeRoots": ["$here/node_modules/@types"] },
  "files": ["usage-node.ts"]
}
JSON

tsc="$here/node_modules/.bin/tsc"
echo "==> tsc $("$tsc" --version): usage.ts and usage-node.ts against the installed declarations"
"$tsc" --noEmit -p tsconfig.json
"$tsc" --noEmit -p tsconfig.node.json
echo "tsc: no errors"

echo "==> node --test (the installed postproxy-mock)"
# Unset, so that the tests run the installed program with its defaults (POSTPROXY_MOCK_BINARY
# would replace it, POSTPROXY_MOCK_FIXTURES its data...).
for name in $(compgen -e | grep '^POSTPROXY_MOCK_' || true); do unset "$name"; done
# The repository README's Node example is checked against repo-readme.test.mjs (readme-sync).
REPO_README="$here/../../README.md" node --test ./*.test.mjs

if [ "$measure" = 1 ]; then
    echo "==> measure"
    node measure.mjs
    echo "platform tarball: $(basename "$platform_tgz") $(stat -c %s "$platform_tgz") bytes;" \
        "program $(stat -c %s node_modules/@postproxy-mock/linux-x64/bin/postproxy-mock) bytes"
fi
