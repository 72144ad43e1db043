"""A stateful mock of the Postproxy Profiles and Profile Groups API, for your tests.

``MockServer`` starts the bundled ``postproxy-mock`` program on a free port; point the
official SDK (or any HTTP client) at ``mock.base_url``. Accounts are isolated from each
other, so parallel tests share one server. The pytest plugin (registered on install) gives
the fixtures ``postproxy_mock`` (one server per session) and ``postproxy_account`` (a fresh
account per test)::

    from postproxy import PostProxy

    async def test_lists_groups(postproxy_mock, postproxy_account):
        client = PostProxy(postproxy_account.full_access_key, base_url=postproxy_mock.base_url)
        groups = await client.profile_groups.list()
"""

from importlib.metadata import PackageNotFoundError, version

from ._account import Account, AccountControl
from ._control import Control
from ._process import BINARY_ENV, find_binary
from ._server import MockServer
from .errors import (
    BinaryNotFoundError,
    ControlError,
    MockError,
    MockExitedError,
    MockStartError,
)

try:
    __version__ = version("postproxy-mock")
except PackageNotFoundError:  # run from a source tree
    __version__ = "0.0.0"

__all__ = [
    "Account",
    "AccountControl",
    "BINARY_ENV",
    "BinaryNotFoundError",
    "Control",
    "ControlError",
    "MockError",
    "MockExitedError",
    "MockServer",
    "MockStartError",
    "find_binary",
    "__version__",
]
