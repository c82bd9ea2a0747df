"""A real headless Chromium driven over the DevTools protocol (CDP), for tests of the web pages.

Why not Selenium or Playwright: Debian's ``chromium`` plus aiohttp's WebSocket client (already a
dependency) is all it takes, and works offline. Use::

    async with Chromium.launch(width=1920, height=1080) as browser:
        await browser.navigate(url)
        text = await browser.wait_for("document.getElementById('countdown').textContent")
        await browser.screenshot(path)

Console errors, uncaught exceptions and Content-Security-Policy violations are collected in
``browser.problems`` so a test can assert the page ran cleanly.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    """The browser to drive: ``$CHROMIUM`` if set, else the first of the usual names on PATH."""
    explicit = os.environ.get("CHROMIUM")
    if explicit:
        return explicit if Path(explicit).exists() else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


class BrowserError(RuntimeError):
    """The browser did not start, or a DevTools call failed."""


class Chromium:
    """One headless Chromium process with one page, talked to over CDP."""

    def __init__(self, process: subprocess.Popen[bytes], session: aiohttp.ClientSession,
                 socket: aiohttp.ClientWebSocketResponse) -> None:
        self._process = process
        self._session = session
        self._socket = socket
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._waiters: list[tuple[str, asyncio.Future[dict[str, Any]]]] = []
        self.problems: list[str] = []
        self._reader = asyncio.create_task(self._read())

    @classmethod
    @contextlib.asynccontextmanager
    async def launch(cls, *, width: int = 1280, height: int = 800, timeout: float = 20.0,
                     profile_dir: Path | None = None) -> AsyncIterator[Chromium]:
        """``profile_dir``: a profile kept after the browser closes (its storage survives a restart of
        the browser, as a person's does); by default a fresh one, removed at the end."""
        executable = find_chromium()
        if executable is None:
            raise BrowserError("no chromium found (install Debian's 'chromium' or set $CHROMIUM)")
        with contextlib.ExitStack() as stack:
            if profile_dir is None:
                profile = stack.enter_context(
                    tempfile.TemporaryDirectory(prefix="moderator-chromium-", ignore_cleanup_errors=True))
            else:
                profile_dir.mkdir(parents=True, exist_ok=True)
                (profile_dir / "DevToolsActivePort").unlink(missing_ok=True)
                profile = str(profile_dir)
            arguments = [
                executable, "--headless=new", "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1",
                f"--user-data-dir={profile}", f"--window-size={width},{height}", "--no-first-run",
                "--no-default-browser-check", "--disable-gpu", "--disable-extensions", "--mute-audio",
                "--disable-background-networking", "--hide-scrollbars", "--force-color-profile=srgb",
                "--autoplay-policy=no-user-gesture-required", "about:blank",
            ]
            if hasattr(os, "geteuid") and os.geteuid() == 0:
                arguments.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
            process = subprocess.Popen(arguments, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            session = aiohttp.ClientSession()
            browser: Chromium | None = None
            try:
                port = await _debugging_port(Path(profile), process, timeout)
                socket = await session.ws_connect(await _page_socket_url(session, port), max_msg_size=0)
                browser = cls(process, session, socket)
                await browser._enable()
                await browser.set_viewport(width, height)
                yield browser
            finally:
                if browser is not None:
                    # As a person closes it: the profile's storage is written out (a SIGTERM loses it).
                    with contextlib.suppress(BrowserError, OSError, TimeoutError, ConnectionError,
                                             subprocess.TimeoutExpired):
                        await browser.call("Browser.close", timeout=5.0)
                        await asyncio.get_running_loop().run_in_executor(None, process.wait, 5)
                    browser._reader.cancel()
                await session.close()
                process.terminate()
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()

    async def _enable(self) -> None:
        for domain in ("Page", "Runtime", "Log"):
            await self.call(f"{domain}.enable")

    async def _read(self) -> None:
        async for frame in self._socket:
            if frame.type is not aiohttp.WSMsgType.TEXT:
                break
            message = frame.json()
            if "id" in message:
                future = self._pending.pop(message["id"], None)
                if future is not None and not future.done():
                    future.set_result(message)
                continue
            self._note_problem(message)
            for method, waiter in list(self._waiters):
                if method == message.get("method") and not waiter.done():
                    waiter.set_result(message.get("params", {}))
        for future in self._pending.values():
            if not future.done():
                future.set_exception(BrowserError("the browser closed its DevTools connection"))

    def _note_problem(self, message: dict[str, Any]) -> None:
        params = message.get("params", {})
        if message.get("method") == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            self.problems.append(f"exception: {details.get('exception', {}).get('description') or details.get('text')}")
        elif message.get("method") == "Runtime.consoleAPICalled" and params.get("type") == "error":
            self.problems.append("console.error: " + " ".join(str(a.get("value", "")) for a in params.get("args", [])))
        elif message.get("method") == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            self.problems.append(f"{entry.get('source')}: {entry.get('text')} {entry.get('url', '')}".strip())

    async def call(self, method: str, params: dict[str, Any] | None = None, timeout: float = 15.0) -> dict[str, Any]:
        """One CDP command; its ``result``, or BrowserError with the protocol's error."""
        identifier = next(self._ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[identifier] = future
        await self._socket.send_json({"id": identifier, "method": method, "params": params or {}})
        reply = await asyncio.wait_for(future, timeout)
        if "error" in reply:
            raise BrowserError(f"{method}: {reply['error'].get('message')}")
        result: dict[str, Any] = reply.get("result", {})
        return result

    async def set_viewport(self, width: int, height: int, *, mobile: bool = False, scale: float = 1.0) -> None:
        await self.call("Emulation.setDeviceMetricsOverride",
                        {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": mobile})

    async def navigate(self, url: str, timeout: float = 15.0) -> None:
        """Open ``url`` and wait for its load event (module scripts have run by then)."""
        loaded: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiters.append(("Page.loadEventFired", loaded))
        try:
            result = await self.call("Page.navigate", {"url": url})
            if result.get("errorText"):
                raise BrowserError(f"navigate {url}: {result['errorText']}")
            await asyncio.wait_for(loaded, timeout)
        finally:
            self._waiters.remove(("Page.loadEventFired", loaded))

    async def evaluate(self, expression: str) -> Any:
        """The JSON value of a JavaScript expression in the page (promises are awaited)."""
        result = await self.call("Runtime.evaluate",
                                 {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression}: {result['exceptionDetails'].get('text')}")
        return result.get("result", {}).get("value")

    async def wait_for(self, expression: str, timeout: float = 10.0, interval: float = 0.05) -> Any:
        """Poll until the expression is truthy; its value. BrowserError with the last value on timeout."""
        deadline = asyncio.get_running_loop().time() + timeout
        value: Any = None
        while asyncio.get_running_loop().time() < deadline:
            value = await self.evaluate(expression)
            if value:
                return value
            await asyncio.sleep(interval)
        raise BrowserError(f"timed out waiting for {expression!r} (last value {value!r})")

    async def set_offline(self, offline: bool) -> None:
        """DevTools' network conditions: offline cuts the page's connections (WebSockets included) and
        fires the page's ``offline`` event; back online fires ``online``."""
        await self.call("Network.enable")
        await self.call("Network.emulateNetworkConditions",
                        {"offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})

    async def type_text(self, text: str) -> None:
        """Text into the focused element as a keyboard's input would (``input`` events fire)."""
        await self.call("Input.insertText", {"text": text})

    async def press(self, key: str, *, shift: bool = False) -> None:
        """One key press (``Enter``, ``Tab``, ``ArrowDown``, ``Escape``...) on the focused element."""
        codes = {"Enter": 13, "Tab": 9, "Escape": 27, "ArrowDown": 40, "ArrowUp": 38, " ": 32}
        params: dict[str, Any] = {"key": key, "code": "Space" if key == " " else key,
                                  "windowsVirtualKeyCode": codes.get(key, 0), "modifiers": 8 if shift else 0}
        if key == "Enter":
            params["text"] = "\r"
        await self.call("Input.dispatchKeyEvent", {"type": "keyDown", **params})
        await self.call("Input.dispatchKeyEvent", {"type": "keyUp", **params})

    async def screenshot(self, path: Path) -> bytes:
        """A PNG of the viewport, written to ``path``; its bytes."""
        result = await self.call("Page.captureScreenshot", {"format": "png"})
        data = base64.b64decode(result["data"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return data


async def _debugging_port(profile: Path, process: subprocess.Popen[bytes], timeout: float) -> int:
    """Chromium writes the port it chose to ``DevToolsActivePort`` in its profile folder."""
    marker = profile / "DevToolsActivePort"
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        if process.poll() is not None:
            raise BrowserError(f"chromium exited with status {process.returncode} at start")
        with contextlib.suppress(FileNotFoundError, ValueError, IndexError):
            return int(marker.read_text().splitlines()[0])
        await asyncio.sleep(0.05)
    raise BrowserError("chromium did not open its DevTools port in time")


async def _page_socket_url(session: aiohttp.ClientSession, port: int) -> str:
    async with session.get(f"http://127.0.0.1:{port}/json/list") as response:
        targets = await response.json()
    for target in targets:
        if target.get("type") == "page":
            return str(target["webSocketDebuggerUrl"])
    raise BrowserError("chromium has no page to drive")
