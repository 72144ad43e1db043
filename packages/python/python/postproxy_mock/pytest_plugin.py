"""The pytest plugin of postproxy_mock, registered through the ``pytest11`` entry point.

Fixtures:

- ``postproxy_mock``: one :class:`~postproxy_mock.MockServer` for the whole session (under
  pytest-xdist, one per worker), started on first use and stopped at the end.
- ``postproxy_account``: a fresh :class:`~postproxy_mock.Account` per test, a copy of the
  server's first account (the demo data unless you give fixtures) with its own keys, deleted
  after the test. Tests that use it never see each other's changes.

Options (command line, or the same names as ini keys with underscores):
``--postproxy-mock-fixtures FILE`` and ``--postproxy-mock-seed N``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator, Optional

import pytest

from ._account import Account
from ._server import MockServer
from .errors import MockError


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("postproxy-mock", "the Postproxy mock server (postproxy_mock)")
    group.addoption(
        "--postproxy-mock-fixtures",
        metavar="FILE",
        default=None,
        help="fixture file (JSON or YAML) the postproxy_mock server starts with, "
        "instead of the demo data",
    )
    group.addoption(
        "--postproxy-mock-seed",
        metavar="N",
        type=int,
        default=None,
        help="seed of the ids and stats the postproxy_mock server generates",
    )
    parser.addini(
        "postproxy_mock_fixtures",
        "fixture file (relative to the rootdir) the postproxy_mock server starts with",
        default=None,
    )
    parser.addini("postproxy_mock_seed", "seed of the postproxy_mock server", default=None)


def _option(config: pytest.Config, name: str) -> Optional[str]:
    value = config.getoption(f"--postproxy-mock-{name}")
    if value is not None:
        return str(value)
    ini = config.getini(f"postproxy_mock_{name}")
    if not ini:
        return None
    if name == "fixtures":
        return str(Path(config.rootpath, str(ini)))
    return str(ini)


def _seed(config: pytest.Config) -> Optional[int]:
    seed = _option(config, "seed")
    try:
        return None if seed is None else int(seed)
    except ValueError:
        raise pytest.UsageError(
            f"postproxy_mock_seed must be a whole number, not {seed!r}"
        ) from None


def pytest_configure(config: pytest.Config) -> None:
    # A bad option stops the run at once, not at the first test that uses the server.
    _seed(config)


@pytest.fixture(scope="session")
def postproxy_mock(request: pytest.FixtureRequest) -> Iterator[MockServer]:
    """A running mock server for the session (one per xdist worker)."""
    config = request.config
    server = MockServer(fixtures=_option(config, "fixtures"), seed=_seed(config))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postproxy_account(postproxy_mock: MockServer) -> Iterator[Account]:
    """A fresh, isolated account for one test, deleted afterwards."""
    account = postproxy_mock.new_account()
    try:
        yield account
    finally:
        try:
            account.delete()
        except MockError:
            # Already deleted by the test, or the server is gone: the next fixture use will say so.
            pass
