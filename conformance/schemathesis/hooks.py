"""A check that narrows schemathesis.toml's allowances of 400/422 for schema-valid requests.

For the operations listed below, `positive_data_acceptance` accepts the status the spec
documents for a business rule the schema cannot express. This check makes sure such a rejection
of schema-valid data is exactly that rule: the `error` message must be one the spec documents
for it on that operation (the examples in openapi/postproxy.yaml). Any other 400 or 422 on
schema-valid data fails here, as it would without the allowance.
"""
import itertools
import re

import schemathesis
from schemathesis.generation.meta import TestPhase

REUSED_KEY = r"Idempotency-Key has already been used with a different request"
NOT_INSTAGRAM = r"Ice breakers are available for instagram profiles only, not \w+ profiles"
NO_PLACEMENTS = (
    r"Placements are not available for \w+ profiles; they are available for facebook, "
    r"linkedin, pinterest, telegram and google_business profiles"
)

DOCUMENTED_REJECTIONS = {
    "create_profile_group": {
        422: [r"Name can't be blank", REUSED_KEY],
    },
    "delete_profile_group": {
        422: [REUSED_KEY],
    },
    "delete_profile": {
        422: [REUSED_KEY],
    },
    "assign_to_group": {
        422: [REUSED_KEY],
    },
    "assign_placement_to_group": {
        422: [
            NO_PLACEMENTS,
            r"The target group's \w+ profile already has placement .*",
            REUSED_KEY,
        ],
    },
    "initialize_connection": {
        422: [
            r"Missing platform",
            r"Missing redirect_url",
            r"Missing (identifier|app_password|bot_token)",
            r"Invalid identifier: expected a Bluesky handle \(name\.bsky\.social\) or the "
            r"account's email",
            r"Invalid bot_token: expected <bot id>:<secret>, as @BotFather gives it",
            r"Platform already connected",
            r"Unsupported platform: .*\. Supported platforms: facebook, instagram, tiktok, "
            r"linkedin, youtube, twitter, threads, bluesky, telegram",
        ],
    },
    "get_ice_breakers": {
        422: [NOT_INSTAGRAM],
    },
    "set_ice_breakers": {
        422: [
            NOT_INSTAGRAM,
            r"ice_breakers: 1 to 4 items, not \d+",
            r"ice_breakers\[\d\]\.(question|payload): must not be blank",
            r"ice_breakers\[\d\]\.(question: at most 80|payload: at most 1000) characters",
            REUSED_KEY,
        ],
    },
    "delete_ice_breakers": {
        422: [NOT_INSTAGRAM, REUSED_KEY],
    },
    "list_profile_placements": {
        422: [NO_PLACEMENTS],
    },
    "get_profile_stats": {
        400: [r"placement_id is required for (facebook|linkedin|telegram) profiles"],
    },
    "get_daily_stats": {
        400: [r"placement_id is required for (facebook|linkedin|telegram) profiles"],
    },
    "get_follower_history": {
        400: [r"placement_id is required for (facebook|linkedin|telegram) profiles"],
    },
}



def _allowances_in_toml():
    """Operation id -> the 400/422 statuses schemathesis.toml lets positive data receive."""
    import pathlib
    import tomllib

    config = tomllib.loads((pathlib.Path(__file__).parent / "schemathesis.toml").read_text())
    allowed = {}
    for entry in config.get("operations", []):
        ids = entry["include-operation-id"]
        statuses = entry["checks"]["positive_data_acceptance"]["expected-statuses"]
        for op in [ids] if isinstance(ids, str) else ids:
            allowed[op] = {int(s) for s in statuses if s in ("400", "422")}
    return allowed


# The toml widens what is accepted and this file narrows it back: they must name the same
# operations and statuses, or an allowance would pass any message unchecked.
_NARROWED = {op: set(by_status) for op, by_status in DOCUMENTED_REJECTIONS.items()}
assert _allowances_in_toml() == _NARROWED, (
    f"schemathesis.toml allows {_allowances_in_toml()} but hooks.py checks {_NARROWED}"
)


@schemathesis.check
def only_documented_business_rule_rejections(ctx, response, case):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return None
    if response.status_code not in (400, 422):
        return None
    operation_id = case.operation.definition.raw.get("operationId")
    allowed = DOCUMENTED_REJECTIONS.get(operation_id, {}).get(response.status_code)
    if allowed is None:
        return None  # positive_data_acceptance reports it
    try:
        message = response.json().get("error")
    except Exception:
        message = None
    # DOTALL: a message may echo a generated value with newlines in it (an unsupported platform).
    if not isinstance(message, str) or not any(re.fullmatch(p, message, re.DOTALL) for p in allowed):
        raise AssertionError(
            f"Schema-valid request rejected with {response.status_code} {message!r}, which is not "
            f"a business rule the spec documents for {operation_id}"
        )
    return None


# The stateful phase checks that what a POST created can be read back (ST302). With a reused
# Idempotency-Key and the same body, the service replays the first response, as the spec
# documents, and that group may since have been deleted by another scenario: a correct 404 that
# the check reads as a lost resource. Which keys repeat depends on how far the time budget gets,
# so the suite failed now and then. In that phase only, each schema-valid key gets a unique
# suffix (still within the 255-character limit); replays and key reuse are still exercised by
# the examples, coverage and fuzzing phases and by the Rust tests.
_stateful_call = itertools.count()


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    meta = case.meta
    if meta is None or meta.phase.name != TestPhase.STATEFUL or not meta.generation.mode.is_positive:
        return
    headers = case.headers or {}
    for name, key in headers.items():
        if name.lower() == "idempotency-key" and isinstance(key, str) and len(key) <= 255:
            suffix = f"~stateful-{next(_stateful_call)}"
            headers[name] = key[: 255 - len(suffix)] + suffix
