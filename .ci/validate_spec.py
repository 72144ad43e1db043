"""Validates openapi/postproxy.yaml with tools we did not write.

1. openapi-spec-validator: the document is valid OpenAPI 3.0.
2. openapi-schema-validator (OAS 3.0 dialect, so `nullable` counts): every example in the spec,
   and every reference example in openapi/reference-examples.json, validates against the schema
   it illustrates.
Exits non-zero on the first kind of failure, listing every failure of that kind.
"""
import json
import sys

from openapi_spec_validator import validate

from spec_tools import deref, root, spec, validator

validate(spec)
print("openapi-spec-validator: openapi/postproxy.yaml is valid OpenAPI", spec["openapi"])

examples = []  # (place, schema, value)
for path, item in spec["paths"].items():
    for method, op in item.items():
        if not isinstance(op, dict) or "operationId" not in op:
            continue
        holders = [("request body", op.get("requestBody"))]
        holders += [(f"response {s}", r) for s, r in op["responses"].items()]
        for what, holder in holders:
            if holder is None:
                continue
            mt = deref(holder).get("content", {}).get("application/json")
            if not mt:
                continue
            place = f"{op['operationId']} {what}"
            if "example" in mt:
                examples.append((place, mt["schema"], mt["example"]))
            for name, ex in mt.get("examples", {}).items():
                examples.append((f"{place} ({name})", mt["schema"], ex["value"]))
for name, schema in spec["components"]["schemas"].items():
    if "example" in schema:
        examples.append((f"schema {name}", {"$ref": f"#/components/schemas/{name}"}, schema["example"]))

failures = []
for place, schema, value in examples:
    errors = sorted(validator(schema).iter_errors(value), key=str)
    failures += [f"{place}: {e.message}" for e in errors]

# Each reference example must validate against at least one example-bearing schema of the spec.
reference = json.loads((root / "openapi/reference-examples.json").read_text())["examples"]
schemas = {json.dumps(s, sort_keys=True): s for _, s, _ in examples}.values()
for ex in reference:
    if not any(validator(s).is_valid(ex["json"]) for s in schemas):
        failures.append(f"reference example from {ex['source']} fits no schema: {ex['json']}")

if failures:
    print("\n".join(failures), file=sys.stderr)
    sys.exit(f"{len(failures)} example(s) do not validate")
print(f"openapi-schema-validator: {len(examples)} spec examples and {len(reference)} reference examples validate")
