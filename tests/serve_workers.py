"""Check workers for tests/test_serve.py, run by claims.pool in place of the real check (importable by the
workers' processes): each job's ``path`` says what to do, so a test can hold a check in flight."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_HOARD: list[bytes] = []


@dataclass(frozen=True)
class ScriptedCheck:
    """``folder``: where a check announces itself (``started-PID``) and waits for a file named ``open``."""

    folder: str

    def __call__(self) -> Any:
        return self.run

    def run(self, job: Any) -> bytes:
        if job.path == "wait":  # announce, then wait for the test to open the gate
            Path(self.folder, f"started-{os.getpid()}").write_text("", encoding="utf-8")
            deadline = time.monotonic() + 120
            while not Path(self.folder, "open").exists() and time.monotonic() < deadline:
                time.sleep(0.01)
        elif job.path == "greedy":  # more than any worker may have
            bytearray(64 * 1024**3)
        elif job.path == "hoard":  # 620 MB, touched and kept: over half of a 1024 MB limit
            _HOARD.append(b"x" * 620 * 1024**2)
        return json.dumps({"pid": os.getpid(), "path": job.path}).encode("utf-8")
