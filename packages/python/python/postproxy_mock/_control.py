"""The control API under ``/__mock/`` as Python methods, named as in the Rust ``ControlClient``.

Bodies and answers are the control API's JSON as plain dicts and lists (documented at
``/__mock/openapi.json`` of a running server). A 4xx or 5xx raises :class:`ControlError` with
the status and the server's message; a server that has exited raises
:class:`MockExitedError`.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Callable, Dict, List, Mapping, Optional

from .errors import ControlError, MockError, MockExitedError

JSON = Dict[str, Any]

# Never through an HTTP proxy from the environment: the server is on this machine.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _segment(value: str) -> str:
    return urllib.parse.quote(value, safe="")


def _drop_none(values: Mapping[str, Any]) -> JSON:
    return {k: v for k, v in values.items() if v is not None}


class Control:
    """Every operation of a server's control API. Methods about one account take its id first;
    :class:`AccountControl` (``account.control``) is the same, bound to one account."""

    def __init__(
        self,
        base_url: str,
        *,
        exited: Optional[Callable[[], Optional[MockExitedError]]] = None,
        timeout: float = 30.0,
    ) -> None:
        self.url = base_url.rstrip("/") + "/__mock"
        self._exited = exited or (lambda: None)
        self._timeout = timeout

    def request(self, method: str, path: str, body: Any = None, query: Any = None) -> Any:
        """One control API call: ``path`` is below ``/__mock``; the decoded JSON answer (or
        ``None`` for an empty one)."""
        url = self.url + path
        if query:
            url += "?" + urllib.parse.urlencode(_drop_none(query))
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(url, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with _OPENER.open(req, timeout=self._timeout) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                message = json.loads(raw)["error"]
            except (ValueError, KeyError, TypeError):
                message = raw.decode("utf-8", "replace") or e.reason
            raise ControlError(e.code, str(message), method=method, path="/__mock" + path) from None
        except (urllib.error.URLError, OSError) as e:
            exited = self._exited()
            if exited is not None:
                raise exited from None
            raise MockError(f"{method} /__mock{path}: cannot reach the mock server: {e}") from e
        return json.loads(raw) if raw else None

    # -- the server --------------------------------------------------------------------------

    def reset_all(self) -> None:
        """Puts the whole server back as it started; accounts created since are removed."""
        self.request("POST", "/reset", {})

    def accounts(self) -> List[JSON]:
        """Every account: id, keys (with ``key_id`` and ``profile_group_id``), counts, clock."""
        return self.request("GET", "/accounts")

    def create_account(self, fixture: Optional[Mapping[str, Any]] = None) -> JSON:
        """Creates an isolated account from the fixture format (``postproxy-mock
        fixture-schema``); a missing id or key is generated. ``None`` or ``{}``: an empty account
        with one generated full-access key."""
        return self.request("POST", "/accounts", dict(fixture or {}))

    # -- one account -------------------------------------------------------------------------

    def account(self, account: str) -> JSON:
        """One account."""
        return self.request("GET", f"/accounts/{_segment(account)}")

    def delete_account(self, account: str) -> None:
        """Removes an account; its keys stop working at once."""
        self.request("DELETE", f"/accounts/{_segment(account)}")

    def reset_account(self, account: str) -> JSON:
        """Puts an account back as it was created."""
        return self.request("POST", f"/accounts/{_segment(account)}/reset", {})

    def export_fixture(self, account: str) -> JSON:
        """The account's state as a fixture."""
        return self.request("GET", f"/accounts/{_segment(account)}/fixture")

    def import_fixture(self, account: str, fixture: Mapping[str, Any]) -> JSON:
        """Replaces the account's data with a fixture, all or nothing."""
        return self.request("PUT", f"/accounts/{_segment(account)}/fixture", dict(fixture))

    def add_group(self, account: str, name: str, *, id: Optional[str] = None) -> JSON:
        """Adds a profile group (id generated when absent); the group as the API shows it."""
        return self.request(
            "POST", f"/accounts/{_segment(account)}/profile_groups", _drop_none({"id": id, "name": name})
        )

    def rename_group(self, account: str, group: str, name: str) -> JSON:
        """Renames a profile group."""
        return self.request(
            "PATCH", f"/accounts/{_segment(account)}/profile_groups/{_segment(group)}", {"name": name}
        )

    def add_profile(self, account: str, group: str, profile: Mapping[str, Any]) -> JSON:
        """Adds a profile (the fixture format: ``id``, ``name``, ``platform``, ``status``,
        ``expires_at``, ``post_count``, ``avatar_url``, ``placements``, ``stats``) to a group."""
        return self.request(
            "POST",
            f"/accounts/{_segment(account)}/profile_groups/{_segment(group)}/profiles",
            dict(profile),
        )

    def patch_profile(self, account: str, profile: str, patch: Mapping[str, Any]) -> JSON:
        """Changes a profile's ``name``, ``status``, ``expires_at``, ``post_count`` or
        ``avatar_url``."""
        return self.request(
            "PATCH", f"/accounts/{_segment(account)}/profiles/{_segment(profile)}", dict(patch)
        )

    def add_placement(self, account: str, profile: str, placement: Mapping[str, Any]) -> List[JSON]:
        """Adds a placement (``{"id": ..., "name": ...}``); all of the profile's placements."""
        return self.request(
            "POST",
            f"/accounts/{_segment(account)}/profiles/{_segment(profile)}/placements",
            dict(placement),
        )

    def add_snapshot(self, account: str, profile: str, snapshot: Mapping[str, Any]) -> None:
        """Adds a stats snapshot (``stats``, ``recorded_at``, and ``placement_id`` on
        facebook, linkedin and telegram)."""
        self.request(
            "POST", f"/accounts/{_segment(account)}/profiles/{_segment(profile)}/stats", dict(snapshot)
        )

    def clock(self, account: str) -> JSON:
        """The account's clock: ``{"now": ..., "frozen": ...}``."""
        return self.request("GET", f"/accounts/{_segment(account)}/clock")

    def set_clock(
        self, account: str, *, now: Optional[str] = None, frozen: Optional[bool] = None
    ) -> JSON:
        """Sets (``now``, RFC 3339), freezes or resumes the account's clock; what polling and
        expiry did."""
        return self.request(
            "PUT", f"/accounts/{_segment(account)}/clock", _drop_none({"now": now, "frozen": frozen})
        )

    def advance_clock(
        self, account: str, *, days: int = 0, hours: int = 0, minutes: int = 0, seconds: int = 0
    ) -> JSON:
        """Moves the account's clock forward; every 23 hours poll stats, and profiles whose
        ``expires_at`` passes expire. The new clock and the effects."""
        return self.request(
            "POST",
            f"/accounts/{_segment(account)}/clock/advance",
            {"days": days, "hours": hours, "minutes": minutes, "seconds": seconds},
        )

    def faults(self, account: str) -> List[JSON]:
        """The account's armed faults."""
        return self.request("GET", f"/accounts/{_segment(account)}/faults")

    def add_fault(
        self,
        account: str,
        *,
        method: Optional[str] = None,
        path: Optional[str] = None,
        status: Optional[int] = None,
        error: Optional[str] = None,
        retry_after: Optional[int] = None,
        latency_ms: Optional[int] = None,
        drop_connection: bool = False,
        times: Optional[int] = None,
    ) -> JSON:
        """Arms a fault for the account's next ``times`` requests (default 1) that match
        ``method`` and ``path`` (``*`` one segment, a final ``**`` the rest): answer with
        ``status`` (and ``error``, ``retry_after``), wait ``latency_ms``, or drop the
        connection."""
        spec = _drop_none(
            {
                "method": method,
                "path": path,
                "status": status,
                "error": error,
                "retry_after": retry_after,
                "latency_ms": latency_ms,
                "times": times,
            }
        )
        if drop_connection:
            spec["drop_connection"] = True
        return self.request("POST", f"/accounts/{_segment(account)}/faults", spec)

    def remove_fault(self, account: str, fault: str) -> None:
        """Disarms one fault."""
        self.request("DELETE", f"/accounts/{_segment(account)}/faults/{_segment(fault)}")

    def clear_faults(self, account: str) -> None:
        """Disarms every fault of the account."""
        self.request("DELETE", f"/accounts/{_segment(account)}/faults")

    def journal(
        self,
        account: str,
        *,
        method: Optional[str] = None,
        path: Optional[str] = None,
        status: Optional[int] = None,
        after: Optional[int] = None,
    ) -> JSON:
        """The product-API requests the account made, filtered: ``{"entries": [...], ...}``."""
        query = {"method": method, "path": path, "status": status, "after": after}
        return self.request("GET", f"/accounts/{_segment(account)}/journal", query=query)

    def clear_journal(self, account: str) -> None:
        """Empties the account's journal."""
        self.request("DELETE", f"/accounts/{_segment(account)}/journal")

    def record_bodies(self, account: str, record: bool = True) -> None:
        """Whether the journal keeps request bodies."""
        self.request(
            "PUT", f"/accounts/{_segment(account)}/journal/settings", {"record_bodies": record}
        )

    def connections(self, account: str) -> List[JSON]:
        """The account's pending connections (from initialize_connection)."""
        return self.request("GET", f"/accounts/{_segment(account)}/connections")

    def authorize_connection(self, account: str, token: str) -> JSON:
        """Completes a pending connection as if the user clicked Authorize: the new profile and
        where the browser would be sent."""
        return self.request(
            "POST", f"/accounts/{_segment(account)}/connections/{_segment(token)}/authorize", {}
        )

    def deny_connection(self, account: str, token: str) -> JSON:
        """Ends a pending connection as if the user clicked Deny."""
        return self.request(
            "POST", f"/accounts/{_segment(account)}/connections/{_segment(token)}/deny", {}
        )
