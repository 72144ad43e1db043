"""The exceptions of postproxy_mock: every one is a :class:`MockError`."""

from __future__ import annotations

from typing import Optional, Sequence


class MockError(Exception):
    """Something went wrong starting, driving or stopping the mock server."""


class BinaryNotFoundError(MockError):
    """The ``postproxy-mock`` program is not where the package installed it (or not runnable)."""


class MockStartError(MockError):
    """The server did not start: it exited first (for example on an invalid fixture file),
    or it did not say it was ready in time. The message carries its last stderr lines."""

    def __init__(self, message: str, *, stderr: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.stderr: list[str] = list(stderr)


class MockExitedError(MockError):
    """The server process has exited, so it cannot answer. The message says how it ended and
    carries its last stderr lines."""

    def __init__(
        self, message: str, *, returncode: Optional[int], stderr: Sequence[str] = ()
    ) -> None:
        super().__init__(message)
        self.returncode = returncode
        self.stderr: list[str] = list(stderr)


class ControlError(MockError):
    """The control API answered with an error status (4xx or 5xx).

    ``status`` is the HTTP status and ``message`` the server's own words (the ``error`` of
    its JSON body), for example ``Invalid account at profile_groups[0].name: must not be
    blank``.
    """

    def __init__(self, status: int, message: str, *, method: str, path: str) -> None:
        super().__init__(f"{method} {path}: {status} {message}")
        self.status = status
        self.message = message
        self.method = method
        self.path = path
