"""``MockServer``: the bundled program started on a free port, with its accounts and control API."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Any, Dict, List, Mapping, Optional, Type, Union

from ._account import Account
from ._control import Control
from ._process import ServerProcess, find_binary
from .errors import MockError, MockExitedError

FixturesArg = Union[str, "os.PathLike[str]", Mapping[str, Any], None]


class MockServer:
    """A ``postproxy-mock`` server of its own, on a free port of 127.0.0.1.

    ``fixtures`` is a fixture file (JSON, or YAML ending in ``.yaml``/``.yml``) or the
    fixture data itself as a dict; the built-in demo data when ``None``. ``seed`` fixes the ids
    and stats it generates. Use it as a context manager, or call :meth:`start` and
    :meth:`stop`::

        with MockServer() as mock:
            client = PostProxy(mock.full_access_key, base_url=mock.base_url)

    The server exits when this process exits, even if :meth:`stop` is never called.
    """

    def __init__(
        self,
        fixtures: FixturesArg = None,
        seed: Optional[int] = None,
        *,
        binary: Optional[str] = None,
        log_level: str = "warn",
        env: Optional[Mapping[str, str]] = None,
        start_timeout: float = 10.0,
    ) -> None:
        self._fixtures = fixtures
        self._seed = seed
        self._binary = binary
        self._log_level = log_level
        self._env = env
        self._start_timeout = start_timeout
        self._process: Optional[ServerProcess] = None
        self._temp: Optional[str] = None
        self._control: Optional[Control] = None
        self._template: Optional[Dict[str, Any]] = None

    # -- life ---------------------------------------------------------------------------------

    def start(self) -> "MockServer":
        """Starts the server and waits until it accepts connections. Raises
        :class:`MockStartError` (with the server's own message, e.g. an invalid fixture's
        field path) if it does not start."""
        if self._process is not None:
            raise MockError("this MockServer is already started")
        args = ["--log-level", self._log_level]
        fixtures = self._fixtures
        if isinstance(fixtures, Mapping):
            fd, self._temp = tempfile.mkstemp(prefix="postproxy-mock-", suffix=".json")
            with os.fdopen(fd, "w") as f:
                json.dump(fixtures, f)
            fixtures = self._temp
        if fixtures is not None:
            args += ["--fixtures", str(Path(fixtures))]
        if self._seed is not None:
            args += ["--seed", str(int(self._seed))]
        try:
            self._process = ServerProcess(
                self._binary or find_binary(), args, env=self._env, timeout=self._start_timeout
            )
        except BaseException:
            self._remove_temp()
            raise
        process = self._process
        # A failed call may race the process's death (a reset connection before it is
        # reaped): give it a moment to be seen as exited.
        # Control calls go to the bound address (`listen_url`): a --public-url
        # (POSTPROXY_MOCK_PUBLIC_URL) need not be reachable from here.
        listen = self._ready.get("listen_url", self.base_url)
        self._control = Control(listen, exited=lambda: process.exited(grace=1.0))
        # What new_account() copies: the first account as it starts, before any test changes it.
        if self._ready["accounts"]:
            self._template = self._account_template(self.account)
        return self

    def stop(self) -> None:
        """Stops the server (SIGTERM, then SIGKILL after 5 s). Safe to call twice."""
        if self._process is not None:
            self._process.stop()
        self._remove_temp()

    def __enter__(self) -> "MockServer":
        return self.start()

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.stop()

    def _remove_temp(self) -> None:
        if self._temp is not None:
            try:
                os.unlink(self._temp)
            except OSError:
                pass
            self._temp = None

    # -- what it reported -----------------------------------------------------------------------

    @property
    def _ready(self) -> Dict[str, Any]:
        if self._process is None:
            raise MockError("the MockServer is not started: use `with MockServer() as mock:` or start()")
        return self._process.ready

    @property
    def base_url(self) -> str:
        """The server's base URL, e.g. ``http://127.0.0.1:41234`` (the SDKs' ``base_url``)."""
        return self._ready["base_url"]

    @property
    def control_url(self) -> str:
        """The control API's base URL (``{base_url}/__mock``)."""
        return self._ready["control_url"]

    @property
    def pid(self) -> int:
        """The server's process id."""
        return self._ready["pid"]

    @property
    def accounts(self) -> List[Account]:
        """The accounts the server started with, with their keys."""
        return [
            Account(self.control, {"id": a["id"], "api_keys": a["keys"]})
            for a in self._ready["accounts"]
        ]

    @property
    def account(self) -> Account:
        """The first account the server started with (``acct_demo`` on the demo data)."""
        accounts = self.accounts
        if not accounts:
            raise MockError("the server started with no accounts")
        return accounts[0]

    @property
    def full_access_key(self) -> Optional[str]:
        """The first account's full-access key (``pp_demo_full_0123456789abcdef`` on the demo
        data)."""
        return self.account.full_access_key

    @property
    def scoped_key(self) -> Optional[str]:
        """The first account's first group-scoped key (on the demo data,
        ``pp_demo_scoped_0123456789abcdef``, scoped to ``grp456def``)."""
        return self.account.scoped_key

    @property
    def control(self) -> Control:
        """The control API: every operation of ``/__mock/``."""
        if self._control is None:
            raise MockError("the MockServer is not started")
        return self._control

    def exited(self) -> Optional[MockExitedError]:
        """If the server process has exited: an error saying how, with its last stderr lines."""
        return self._process.exited() if self._process is not None else None

    def stderr_tail(self) -> List[str]:
        """The last lines (at most 50) the server wrote to stderr."""
        return self._process.stderr_tail() if self._process is not None else []

    # -- accounts ---------------------------------------------------------------------------------

    def new_account(self, fixture: Optional[Mapping[str, Any]] = None) -> Account:
        """Creates an isolated account. Its keys see nothing of any other account, so tests
        can run in parallel on one server.

        ``fixture`` is the account in the fixture format; ``{}`` makes an empty account with
        one generated full-access key. When ``None``, the account starts with the same
        groups, profiles, placements and stats as the server's first account had when the
        server started (the demo data by default), and new keys: one with full access, and
        one scoped to each group that had a scoped key.
        """
        if fixture is None:
            if self._template is None:
                raise MockError("the server started with no accounts: pass new_account a fixture")
            fixture = self._template
        return Account(self.control, self.control.create_account(fixture))

    def _account_template(self, account: Account) -> Dict[str, Any]:
        exported = self.control.export_fixture(account.id)
        exported.pop("id", None)
        # Keys are unique server-wide: keep each key's scope and let the server draw new keys.
        exported["api_keys"] = [
            {"profile_group_id": k["profile_group_id"]} if k.get("profile_group_id") else {}
            for k in account.keys
        ]
        return exported

    def __repr__(self) -> str:
        state = self._process.ready["base_url"] if self._process is not None else "not started"
        return f"MockServer({state})"
