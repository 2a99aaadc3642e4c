"""The HTML review page in a real browser: headless Chromium, driven over the DevTools protocol.

Chromium is started with ``--remote-debugging-pipe``: DevTools messages are NUL-terminated JSON on the
child's file descriptors 3 (commands in) and 4 (replies and events out), so no port is opened and no
websocket client is needed. The test opens the founding article's page from a file, checks that claims are
highlighted, clicks one with a real mouse event and presses Enter on another, and checks that the details
panel shows them; the page must load nothing from the network and throw no script error. A screenshot is
saved in the test's tmp_path. Skipped when Chromium is not installed.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from claims.checker import check_text
from claims.report.html import render_html
from claims.text.read import read_input

from .conftest import EXAMPLES

pytestmark = pytest.mark.skipif(os.name != "posix", reason="drives Chromium over inherited pipes (POSIX)")

FOUNDING = EXAMPLES / "ar-russia-dprk-treaty.txt"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-pipe",
    "--window-size=1200,900",
)
COMMAND_TIMEOUT = 20.0  # seconds for any one DevTools command or event
TEST_TIMEOUT = 90.0  # seconds for the whole browser session


def _chromium() -> str:
    for candidate in ("/usr/bin/chromium", "chromium", "chromium-browser"):
        if found := shutil.which(candidate):
            return found
    pytest.skip("Chromium is not installed (/usr/bin/chromium)")


class DevTools:
    """A minimal DevTools-protocol client over Chromium's debugging pipe."""

    def __init__(self, profile: Path) -> None:
        to_browser_r, to_browser_w = os.pipe()
        from_browser_r, from_browser_w = os.pipe()
        # The child needs the pipe ends at exactly fds 3 and 4; park them high first so dup2 cannot clobber.
        child_in = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD_CLOEXEC, 100)
        child_out = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD_CLOEXEC, 100)
        os.close(to_browser_r)
        os.close(from_browser_w)

        def wire_fds() -> None:  # runs in the child, before exec
            os.dup2(child_in, 3)
            os.dup2(child_out, 4)

        self.stderr_path = profile / "chromium.stderr"
        with self.stderr_path.open("wb") as stderr:
            self.proc = subprocess.Popen(
                [_chromium(), *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                close_fds=False,  # keep fds 3 and 4; every other fd Python opened is close-on-exec
                preexec_fn=wire_fds,
            )
        os.close(child_in)
        os.close(child_out)
        self.write_fd, self.read_fd = to_browser_w, from_browser_r
        self.buffer = b""
        self.events: list[dict[str, Any]] = []
        self.last_id = 0
        self.deadline = time.monotonic() + TEST_TIMEOUT

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> Any:
        self.last_id += 1
        message: dict[str, Any] = {"id": self.last_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        data = json.dumps(message).encode("utf-8") + b"\0"
        while data:
            data = data[os.write(self.write_fd, data) :]
        while True:
            reply = self._next()
            if reply.get("id") == self.last_id:
                if "error" in reply:
                    raise AssertionError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, session: str | None = None) -> dict[str, Any]:
        while True:
            for event in self.events:
                if event.get("method") == method and (session is None or event.get("sessionId") == session):
                    self.events.remove(event)
                    return event.get("params", {})
            self.events.append(self._next())

    def evaluate(self, expression: str, session: str) -> Any:
        result = self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
            session,
        )
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression!r} threw {result['exceptionDetails']}")
        return result["result"].get("value")

    def _next(self) -> dict[str, Any]:
        deadline = min(time.monotonic() + COMMAND_TIMEOUT, self.deadline)
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"Chromium did not answer in time; stderr: {self.stderr_tail()}")
            ready, _, _ = select.select([self.read_fd], [], [], left)
            if ready:
                chunk = os.read(self.read_fd, 1 << 16)
                if not chunk:
                    raise AssertionError(f"Chromium closed the pipe; stderr: {self.stderr_tail()}")
                self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def stderr_tail(self) -> str:
        try:
            return self.stderr_path.read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def close(self) -> None:
        try:
            if self.proc.poll() is None:
                try:
                    self.last_id += 1
                    os.write(
                        self.write_fd,
                        json.dumps({"id": self.last_id, "method": "Browser.close"}).encode() + b"\0",
                    )
                    self.proc.wait(timeout=5)
                except (OSError, subprocess.TimeoutExpired):
                    pass
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(timeout=5)
            os.close(self.write_fd)
            os.close(self.read_fd)


@pytest.fixture
def browser(tmp_path):
    _chromium()
    profile = tmp_path / "chromium-profile"
    profile.mkdir()
    devtools = DevTools(profile)
    try:
        yield devtools
    finally:
        devtools.close()


def _click(devtools: DevTools, session: str, x: float, y: float) -> None:
    for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
        params = {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1}
        if kind == "mouseMoved":
            params = {"type": kind, "x": x, "y": y}
        devtools.send("Input.dispatchMouseEvent", params, session)


def test_html_page_in_chromium_highlights_claims_and_opens_details(browser, tmp_path, registry):
    report = check_text(read_input(FOUNDING), registry)
    page = tmp_path / "founding.html"
    page.write_text(render_html(report, registry), encoding="utf-8")
    clicked, keyed = report.claims[1].claim, report.claims[2].claim

    target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Page", "Runtime", "Network"):
        browser.send(f"{domain}.enable", {}, session)
    browser.send("Page.navigate", {"url": page.as_uri()}, session)
    browser.wait_for("Page.loadEventFired", session)

    assert browser.evaluate("document.readyState", session) == "complete"
    marks = browser.evaluate("document.querySelectorAll('mark[data-claim]').length", session)
    assert marks >= len(report.claims) > 20
    assert browser.evaluate("document.getElementById('details').hidden", session) is True

    # a real mouse click, on the middle of the claim's first line box
    point = browser.evaluate(
        f"""(() => {{
            const m = document.querySelector('mark[data-claim="{clicked.id}"]');
            m.scrollIntoView({{block: 'center'}});
            const r = m.getClientRects()[0];
            const x = r.left + r.width / 2, y = r.top + r.height / 2;
            return {{x, y, hit: document.elementFromPoint(x, y).closest('mark')?.dataset.claim}};
        }})()""",
        session,
    )
    assert point["hit"] == clicked.id
    _click(browser, session, point["x"], point["y"])
    panel = browser.evaluate(
        """(() => {
            const p = document.getElementById('details');
            return {hidden: p.hidden, heading: p.querySelector('h2')?.textContent,
                    reason: p.querySelector('.reason')?.textContent,
                    active: [...document.querySelectorAll('mark.active')].map(m => m.dataset.claim)};
        })()""",
        session,
    )
    assert panel["hidden"] is False
    assert panel["heading"].startswith(f"single-source — {registry.name_of(clicked.attribution.source_id)}")
    assert panel["reason"] == report.claims[1].verdict.reason
    assert set(panel["active"]) == {clicked.id}

    # the keyboard path: focus another claim and press Enter
    browser.evaluate(f"document.querySelector('mark[data-claim=\"{keyed.id}\"]').focus()", session)
    for kind in ("keyDown", "keyUp"):
        browser.send(
            "Input.dispatchKeyEvent",
            {"type": kind, "key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13},
            session,
        )
    active = browser.evaluate(
        "[...document.querySelectorAll('mark.active')].map(m => m.dataset.claim)", session
    )
    assert set(active) == {keyed.id}

    shot = base64.b64decode(browser.send("Page.captureScreenshot", {"format": "png"}, session)["data"])
    (tmp_path / "founding.png").write_bytes(shot)
    assert shot.startswith(b"\x89PNG") and len(shot) > 10_000

    # self-contained and clean: nothing fetched from the network, no script errors
    requested = [
        e["params"]["request"]["url"]
        for e in browser.events
        if e.get("method") == "Network.requestWillBeSent"
    ]
    assert requested and all(url.startswith(("file:", "data:", "about:")) for url in requested), requested
    errors = [e for e in browser.events if e.get("method") == "Runtime.exceptionThrown"]
    assert not errors, errors
