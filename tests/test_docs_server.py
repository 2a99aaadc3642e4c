"""The README's HTTP example, run as written: `claims serve` in its own process, then the `curl` line.

(docs/api.md's examples are replayed in-process by tests/test_api_docs.py; this one goes over a socket.)
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import ROOT

pytest.importorskip("uvicorn")


def readme_server_block() -> list[str]:
    """The README's bash block that starts the server, as shell commands (continuations joined)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```bash\n(.*?)```", text, re.S) if "claims serve" in b)
    joined = re.sub(r"\\\n\s*", " ", block)
    return [line.split("#")[0].strip() for line in joined.splitlines() if line.split("#")[0].strip()]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_readme_serve_and_curl_lines_work_as_written(tmp_path):
    lines = readme_server_block()
    serve = next(line for line in lines if "claims serve" in line)
    curl = next(line for line in lines if line.startswith("curl"))
    assert any(line.startswith("pip install") for line in lines)  # installing is left to CI's own install
    port = free_port()
    env = {
        **os.environ,
        "CLAIMS_HOME": str(tmp_path),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    env.pop("CLAIMS_DB", None)
    server = subprocess.Popen(
        ["bash", "-c", serve.replace("--port 8000", f"--port {port}")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # the shell and the server it starts are stopped together
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
                    health = json.load(response)
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the server did not start: {server.stderr.read() if server.stderr else ''}")
                time.sleep(0.3)
        result = subprocess.run(
            ["bash", "-c", curl.replace("localhost:8000", f"127.0.0.1:{port}")],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    assert health["writes"], health  # the token on the serve line enables writes
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["version"] == 1
    (claim,) = report["claims"]
    assert claim["text"].startswith("قال مسؤولون") or "مسؤولون" in claim["text"]
    assert claim["source"]["id"] == "anonymous"
