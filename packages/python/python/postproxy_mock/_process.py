"""Finding the bundled ``postproxy-mock`` program and running it as a child process.

The wheel installs the program into the environment's scripts directory (``bin/`` of a venv),
the way ruff and uv ship theirs. The process is started with ``--ready-json`` (one JSON line on
stdout once it accepts connections) and ``--exit-on-stdin-close`` (it exits when our end of
its stdin closes, so a test runner killed with SIGKILL leaves no server behind).
"""

from __future__ import annotations

import collections
import json
import os
import queue
import shutil
import subprocess
import sys
import sysconfig
import threading
from pathlib import Path
from typing import Any, Deque, Dict, List, Mapping, Optional, Sequence

from .errors import BinaryNotFoundError, MockExitedError, MockStartError

#: The environment variable that names a ``postproxy-mock`` program to use instead of the
#: bundled one.
BINARY_ENV = "POSTPROXY_MOCK_BINARY"

_EXE = "postproxy-mock" + (sysconfig.get_config_var("EXE") or "")
_STDERR_LINES = 50


def _candidates() -> List[Path]:
    """Where an install puts the program, most likely first."""
    dirs = [sysconfig.get_path("scripts")]
    user_scheme = f"{os.name}_user"
    if user_scheme in sysconfig.get_scheme_names():
        dirs.append(sysconfig.get_path("scripts", scheme=user_scheme))
    # `pip install --target DIR`: the scripts land in DIR/bin beside the package.
    dirs.append(str(Path(__file__).resolve().parent.parent / "bin"))
    dirs.append(str(Path(sys.executable).parent))
    seen: List[Path] = []
    for d in dirs:
        if d and Path(d) / _EXE not in seen:
            seen.append(Path(d) / _EXE)
    return seen


def find_binary() -> str:
    """The path of the ``postproxy-mock`` program this package runs.

    ``$POSTPROXY_MOCK_BINARY`` if set, otherwise the program installed with this package.
    Raises :class:`BinaryNotFoundError` naming every place it looked.
    """
    explicit = os.environ.get(BINARY_ENV)
    if explicit:
        return _runnable(Path(explicit), f"${BINARY_ENV}")
    tried = _candidates()
    for path in tried:
        if path.is_file():
            return _runnable(path, "the installed program")
    on_path = shutil.which(_EXE)
    if on_path:
        return _runnable(Path(on_path), "the program on PATH")
    places = "\n".join(f"  {p}" for p in tried)
    raise BinaryNotFoundError(
        f"the postproxy-mock program is not installed where this package looked:\n{places}\n"
        f"and it is not on PATH. Reinstall the wheel for your platform "
        f"(pip install --force-reinstall postproxy-mock), or set ${BINARY_ENV} to its path."
    )


def _runnable(path: Path, what: str) -> str:
    if not path.is_file():
        raise BinaryNotFoundError(f"{what} {path} does not exist")
    if not os.access(path, os.X_OK):
        raise BinaryNotFoundError(
            f"{what} {path} is not executable (chmod +x it, or reinstall the package)"
        )
    return str(path)


class ServerProcess:
    """A running ``postproxy-mock`` child: its ready report, and its stderr's last lines."""

    def __init__(
        self,
        binary: str,
        args: Sequence[str],
        *,
        env: Optional[Mapping[str, str]] = None,
        timeout: float = 10.0,
    ) -> None:
        command = [binary, "--port", "0", "--ready-json", "--exit-on-stdin-close", *args]
        full_env = dict(os.environ)
        full_env.update(env or {})
        try:
            self._proc = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=full_env,
                close_fds=True,
            )
        except OSError as e:
            raise BinaryNotFoundError(f"cannot run {binary}: {e}") from e
        self._stderr: Deque[str] = collections.deque(maxlen=_STDERR_LINES)
        # Drained for the whole life of the process, so the pipe never fills and blocks it.
        self._drain = threading.Thread(target=self._drain_stderr, daemon=True)
        self._drain.start()
        self.ready: Dict[str, Any] = self._read_ready(timeout)

    def _drain_stderr(self) -> None:
        assert self._proc.stderr is not None
        for raw in self._proc.stderr:
            self._stderr.append(raw.decode("utf-8", "replace").rstrip("\n"))

    def _read_ready(self, timeout: float) -> Dict[str, Any]:
        lines: "queue.Queue[bytes]" = queue.Queue()
        stdout = self._proc.stdout
        assert stdout is not None
        threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
        try:
            line = lines.get(timeout=timeout)
        except queue.Empty:
            self.kill()
            raise MockStartError(
                f"postproxy-mock did not report ready within {timeout:g} s{self._tail()}",
                stderr=self.stderr_tail(),
            ) from None
        if not line:
            code = self._proc.wait()
            self._wait_for_stderr()
            raise MockStartError(
                f"postproxy-mock exited with {_describe(code)} before it was ready{self._tail()}",
                stderr=self.stderr_tail(),
            )
        # The server writes nothing else to stdout; closing our end is safe for it.
        stdout.close()
        try:
            return json.loads(line)
        except ValueError as e:
            self.kill()
            raise MockStartError(f"postproxy-mock's ready line is not JSON: {line!r}") from e

    def _wait_for_stderr(self) -> None:
        # Once the process has exited its stderr ends; let the drain thread read the last lines.
        self._drain.join(timeout=1.0)

    @property
    def pid(self) -> int:
        return self._proc.pid

    def stderr_tail(self) -> List[str]:
        """The last lines the server wrote to stderr (at most 50)."""
        return list(self._stderr)

    def _tail(self) -> str:
        tail = self.stderr_tail()
        return (":\n" + "\n".join(f"  {line}" for line in tail)) if tail else ""

    def exited(self, grace: float = 0.0) -> Optional[MockExitedError]:
        """An error describing the exit if the process has exited (waiting up to ``grace``
        seconds for a dying one), else ``None``."""
        try:
            code = self._proc.wait(grace) if grace > 0 else self._proc.poll()
        except subprocess.TimeoutExpired:
            code = None
        if code is None:
            return None
        self._wait_for_stderr()
        return MockExitedError(
            f"the postproxy-mock server (pid {self._proc.pid}) has exited with "
            f"{_describe(code)}{self._tail()}",
            returncode=code,
            stderr=self.stderr_tail(),
        )

    def stop(self, timeout: float = 5.0) -> None:
        """Asks the server to stop (closing its stdin and SIGTERM), and kills it if it has not
        exited within ``timeout`` seconds. Does nothing if it has already exited."""
        if self._proc.poll() is None:
            try:
                if self._proc.stdin is not None:
                    self._proc.stdin.close()
            except OSError:
                pass
            self._proc.terminate()
            try:
                self._proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        elif self._proc.stdin is not None and not self._proc.stdin.closed:
            self._proc.stdin.close()

    def kill(self) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()


def _describe(code: Optional[int]) -> str:
    if code is None:
        return "no exit status"
    if code < 0:
        return f"signal {-code}"
    return f"exit code {code}"
