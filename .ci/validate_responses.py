"""Validates every response body the e2e suite saw against openapi/postproxy.yaml.

`cargo test` leaves the (operation, status, body) of every call of tests/tests/it/mock_e2e.rs in
`<target>/tmp/response-bodies/*.json`. Each body is validated with openapi-schema-validator's
OAS30Validator (the OpenAPI 3.0 dialect, so `nullable` means what OpenAPI 3.0.3 says) against
the schema the spec documents for that operation and status; a status the spec does not
document for the operation is a failure too.

Usage: validate_responses.py TARGET_DIR
"""
import json
import sys
from pathlib import Path

from spec_tools import deref, root, spec, validator

target = Path(sys.argv[1]) if len(sys.argv) > 1 else root / "target"
recorded = sorted((target / "tmp" / "response-bodies").glob("*.json"))
if not recorded:
    sys.exit(f"no recorded responses under {target}/tmp/response-bodies: run cargo test first")


operations = {}
for item in spec["paths"].values():
    for op in item.values():
        if isinstance(op, dict) and "operationId" in op:
            operations[op["operationId"]] = op

failures = []
count = 0
for path in recorded:
    for seen in json.loads(path.read_text()):
        count += 1
        place = f"{path.name}: {seen['call']} ({seen['operation']} {seen['status']})"
        op = operations.get(seen["operation"])
        response = op and op["responses"].get(str(seen["status"]))
        if response is None:
            failures.append(f"{place}: status not documented for the operation")
            continue
        schema = deref(response)["content"]["application/json"]["schema"]
        for error in sorted(validator(schema).iter_errors(seen["body"]), key=str):
            where = "/".join(str(p) for p in error.absolute_path)
            failures.append(f"{place}: at /{where}: {error.message}")

if failures:
    print("\n".join(failures), file=sys.stderr)
    sys.exit(f"{len(failures)} problem(s) in {count} recorded responses")
print(f"openapi-schema-validator: {count} responses from {len(recorded)} e2e scenarios validate against the spec")
