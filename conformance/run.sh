#!/usr/bin/env bash
# Conformance suites against the mock server binary (postproxy-mock):
#   schemathesis  property-based + stateful testing against openapi/postproxy.yaml, all checks
#   python        the official Python SDK (postproxy-sdk on PyPI), conformance/python/
#   node          the official Node SDK (postproxy-sdk on npm), conformance/node/
# The official Go and Java SDKs have no suite: the registries reachable here do not serve
# github.com/postproxy/postproxy-go or dev.postproxy:postproxy-java (docs/conformance.md).
# Usage: conformance/run.sh [SUITE...]   (default: all three, in that order)
# SCHEMATHESIS_SEED=N explores with another seed than CI's pinned 20260511.
# POSTPROXY_MOCK_BIN=PATH runs that program instead of building one.
# Builds and starts the mock on a free port, resets its state before each suite, stops it, and
# exits non-zero if any suite fails or a tool cannot be installed. Tools are installed locally:
# conformance/.venv (pinned in conformance/requirements.txt) and conformance/node/node_modules
# (pinned in conformance/node/package-lock.json).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(schemathesis python node)

step() { printf '\n--> %s\n' "$*"; }
die() { printf 'conformance: %s\n' "$*" >&2; exit 1; }
# Refuse an unknown suite before installing or building anything.
for suite in "${suites[@]}"; do
    case $suite in
        schemathesis | python | node) ;;
        *) die "unknown suite $suite (schemathesis, python, node)" ;;
    esac
done

# ------------------------------------------------------------------------------ tools
step "installing the suites' tools (pinned)"
venv=conformance/.venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" || die "cannot create $venv (python3 -m venv)"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r conformance/requirements.txt \
    || die "cannot install conformance/requirements.txt from PyPI (schemathesis, postproxy-sdk)"
(cd conformance/node && npm ci --no-audit --no-fund --loglevel=error) \
    || die "cannot install conformance/node from npm (postproxy-sdk)"

# ------------------------------------------------------------------------------ the mock
target_dir=$(cargo metadata --format-version 1 --no-deps \
    | "$venv/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
# POSTPROXY_MOCK_BIN names a program already built (CI passes the one `cargo test` built).
mock_bin=${POSTPROXY_MOCK_BIN:-}
if [ -z "$mock_bin" ]; then
    step "building the mock: cargo build --locked -p postproxy-mock"
    cargo build --locked --quiet -p postproxy-mock
    mock_bin="$target_dir/debug/postproxy-mock"
fi
[ -x "$mock_bin" ] || die "no postproxy-mock program at $mock_bin"

log=$(mktemp -t postproxy-mock.XXXXXX.log)
ready=$(mktemp -t postproxy-mock.XXXXXX.json)
# --ready-json: one JSON line on stdout once it accepts connections (the human summary and
# the log go to stderr).
"$mock_bin" --port 0 --log-level warn --ready-json >"$ready" 2>"$log" &
mock_pid=$!
stop_mock() {
    kill "$mock_pid" 2>/dev/null || true
    wait "$mock_pid" 2>/dev/null || true
}
trap stop_mock EXIT
base_url=""
for _ in $(seq 100); do
    if [ -s "$ready" ]; then
        base_url=$("$venv/bin/python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["base_url"])' "$ready")
        break
    fi
    kill -0 "$mock_pid" 2>/dev/null || { cat "$log" >&2; die "the mock exited at startup"; }
    sleep 0.1
done
[ -n "$base_url" ] || { cat "$log" >&2; die "the mock did not report ready"; }
echo "mock at $base_url (pid $mock_pid, log $log)"
export POSTPROXY_BASE_URL=$base_url

reset() {
    curl -fsS -X POST "$base_url/__mock/reset" >/dev/null || die "POST /__mock/reset failed"
}

# ------------------------------------------------------------------------------ suites
failed=()
run_suite() {
    local name=$1; shift
    reset
    step "suite $name"
    local started=$SECONDS
    if "$@"; then
        echo "suite $name: passed in $((SECONDS - started))s"
    else
        echo "suite $name: FAILED in $((SECONDS - started))s"
        failed+=("$name")
    fi
}

schemathesis_suite() {
    # Every check (`--checks all`, which includes the hook's check) in all four phases, with the
    # demo's full-access key so requests get past authentication (the checks that need other
    # credentials, ignored_auth and the 401 cases, generate them themselves). A fixed seed and a
    # bounded number of examples and time keep the run reproducible and short.
    SCHEMATHESIS_HOOKS="$root/conformance/schemathesis/hooks.py" \
    "$venv/bin/schemathesis" --config-file conformance/schemathesis/schemathesis.toml run \
        openapi/postproxy.yaml \
        --url "$base_url" \
        -H "Authorization: Bearer pp_demo_full_0123456789abcdef" \
        --checks all \
        --phases examples,coverage,fuzzing,stateful \
        --seed "${SCHEMATHESIS_SEED:-20260511}" \
        --max-examples 60 \
        --max-time 90 \
        --workers 1 \
        --no-color \
        --suppress-health-check too_slow \
        --report junit --report-dir "${CONFORMANCE_REPORT_DIR:-$target_dir/conformance}"
}

python_suite() {
    "$venv/bin/python" -m pytest -q -p no:cacheprovider conformance/python/test_sdk.py
}

node_suite() {
    node --test conformance/node/sdk.test.mjs
}

for suite in "${suites[@]}"; do
    case $suite in
        schemathesis) run_suite schemathesis schemathesis_suite ;;
        python) run_suite python python_suite ;;
        node) run_suite node node_suite ;;
    esac
done
reset

if [ ${#failed[@]} -gt 0 ]; then
    die "failed: ${failed[*]}"
fi
echo "conformance: all suites passed (${suites[*]})"
