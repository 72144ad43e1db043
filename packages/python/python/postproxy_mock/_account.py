"""An isolated account of a running mock: its keys, and its control API bound to it."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from ._control import JSON, Control


class AccountControl:
    """The control API of one account: :class:`Control`'s per-account methods without the
    account id."""

    def __init__(self, control: Control, account_id: str) -> None:
        self._c = control
        self.account_id = account_id

    def info(self) -> JSON:
        """The account: id, keys, counts, clock."""
        return self._c.account(self.account_id)

    def delete(self) -> None:
        """Removes the account; its keys stop working at once."""
        self._c.delete_account(self.account_id)

    def reset(self) -> JSON:
        """Puts the account back as it was created."""
        return self._c.reset_account(self.account_id)

    def export_fixture(self) -> JSON:
        """The account's state as a fixture."""
        return self._c.export_fixture(self.account_id)

    def import_fixture(self, fixture: Mapping[str, Any]) -> JSON:
        """Replaces the account's data with a fixture, all or nothing."""
        return self._c.import_fixture(self.account_id, fixture)

    def add_group(self, name: str, *, id: Optional[str] = None) -> JSON:
        """Adds a profile group."""
        return self._c.add_group(self.account_id, name, id=id)

    def rename_group(self, group: str, name: str) -> JSON:
        """Renames a profile group."""
        return self._c.rename_group(self.account_id, group, name)

    def add_profile(self, group: str, profile: Mapping[str, Any]) -> JSON:
        """Adds a profile to a group."""
        return self._c.add_profile(self.account_id, group, profile)

    def patch_profile(self, profile: str, patch: Mapping[str, Any]) -> JSON:
        """Changes a profile."""
        return self._c.patch_profile(self.account_id, profile, patch)

    def add_placement(self, profile: str, placement: Mapping[str, Any]) -> List[JSON]:
        """Adds a placement to a profile."""
        return self._c.add_placement(self.account_id, profile, placement)

    def add_snapshot(self, profile: str, snapshot: Mapping[str, Any]) -> None:
        """Adds a stats snapshot to a profile."""
        self._c.add_snapshot(self.account_id, profile, snapshot)

    def clock(self) -> JSON:
        """The account's clock."""
        return self._c.clock(self.account_id)

    def set_clock(self, *, now: Optional[str] = None, frozen: Optional[bool] = None) -> JSON:
        """Sets, freezes or resumes the account's clock."""
        return self._c.set_clock(self.account_id, now=now, frozen=frozen)

    def advance_clock(
        self, *, days: int = 0, hours: int = 0, minutes: int = 0, seconds: int = 0
    ) -> JSON:
        """Moves the account's clock forward; polling and expiry follow."""
        return self._c.advance_clock(
            self.account_id, days=days, hours=hours, minutes=minutes, seconds=seconds
        )

    def faults(self) -> List[JSON]:
        """The armed faults."""
        return self._c.faults(self.account_id)

    def add_fault(self, **spec: Any) -> JSON:
        """Arms a fault (the keywords of :meth:`Control.add_fault`)."""
        return self._c.add_fault(self.account_id, **spec)

    def remove_fault(self, fault: str) -> None:
        """Disarms one fault."""
        self._c.remove_fault(self.account_id, fault)

    def clear_faults(self) -> None:
        """Disarms every fault."""
        self._c.clear_faults(self.account_id)

    def journal(self, **filters: Any) -> JSON:
        """The account's requests (filters of :meth:`Control.journal`)."""
        return self._c.journal(self.account_id, **filters)

    def clear_journal(self) -> None:
        """Empties the journal."""
        self._c.clear_journal(self.account_id)

    def record_bodies(self, record: bool = True) -> None:
        """Whether the journal keeps request bodies."""
        self._c.record_bodies(self.account_id, record)

    def connections(self) -> List[JSON]:
        """The pending connections."""
        return self._c.connections(self.account_id)

    def authorize_connection(self, token: str) -> JSON:
        """Completes a pending connection (Authorize)."""
        return self._c.authorize_connection(self.account_id, token)

    def deny_connection(self, token: str) -> JSON:
        """Ends a pending connection (Deny)."""
        return self._c.deny_connection(self.account_id, token)


class Account:
    """An account of the mock: what its keys see is isolated from every other account.

    ``full_access_key`` reaches every group of the account; ``scoped_keys`` maps a group id
    to a key scoped to that group (``scoped_key`` is the first of them, or ``None``).
    """

    def __init__(self, control: Control, info: Mapping[str, Any]) -> None:
        self.id: str = info["id"]
        self.keys: List[Dict[str, Any]] = list(info.get("api_keys", info.get("keys", [])))
        self.full_access_key: Optional[str] = next(
            (k["key"] for k in self.keys if k.get("profile_group_id") is None), None
        )
        self.scoped_keys: Dict[str, str] = {}
        for k in self.keys:
            group = k.get("profile_group_id")
            if group is not None:
                self.scoped_keys.setdefault(group, k["key"])
        self.scoped_key: Optional[str] = next(iter(self.scoped_keys.values()), None)
        self.control = AccountControl(control, self.id)

    def delete(self) -> None:
        """Removes the account; its keys stop working."""
        self.control.delete()

    def __repr__(self) -> str:
        return f"Account(id={self.id!r}, keys={len(self.keys)})"
