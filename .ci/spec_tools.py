"""What the spec checks in .ci/ share: the spec, `$ref` lookup, and an OpenAPI 3.0 validator."""
from pathlib import Path

import yaml
from openapi_schema_validator import OAS30Validator

root = Path(__file__).resolve().parent.parent
spec = yaml.safe_load((root / "openapi/postproxy.yaml").read_text())


def deref(v):
    """`v`, or what its `$ref` points at."""
    ref = v.get("$ref") if isinstance(v, dict) else None
    if ref:
        node = spec
        for part in ref.lstrip("#/").split("/"):
            node = node[part]
        return node
    return v


def validator(schema):
    """An OAS 3.0 validator (`nullable` as OpenAPI 3.0.3 reads it) of `schema`; its
    `#/components/...` references resolve against the spec, carried along as its root."""
    return OAS30Validator({**schema, "components": spec["components"]})
