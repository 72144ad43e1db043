#!/usr/bin/env bash
# Tests the Python package as users install it: the built wheel into a fresh venv, with pytest,
# pytest-xdist and the official SDK, then the suite in tests/ (which never imports the source
# tree), once in one process and once with `-n 2`; then prints the start-up figures.
# Usage: packages/python/test-installed.sh DIST_DIR   (DIST_DIR holds the wheel: cargo xtask dist)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dist=$(cd "${1:?usage: test-installed.sh DIST_DIR}" && pwd)
shopt -s nullglob
wheels=("$dist"/postproxy_mock-*.whl)
[ ${#wheels[@]} -eq 1 ] || { echo "expected one postproxy_mock wheel in $dist, found ${#wheels[@]}" >&2; exit 1; }

work=$(mktemp -d -t postproxy-mock-py.XXXXXX)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "${wheels[0]}" -r "$here/requirements-test.txt"
# The suite runs from a folder of its own: only the installed package is importable.
cp -r "$here/tests" "$work/tests"
cp "$here/measure.py" "$work/"
cd "$work"
export PATH="$work/venv/bin:$PATH"
# The repository README's Python section is tested too (tests/test_readme.py).
export REPO_README="$here/../../README.md"
echo "--> installed: $(pip show postproxy-mock | sed -n 's/^Version: //p') ($(basename "${wheels[0]}")); program: $(command -v postproxy-mock)"
python -m pytest tests -p no:cacheprovider -q
echo "--> the same suite in two parallel workers (pytest-xdist -n 2)"
python -m pytest tests -p no:cacheprovider -q -n 2
echo "--> figures"
python measure.py
