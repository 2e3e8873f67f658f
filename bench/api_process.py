"""The loopback Bot API server of tests/ in a process of its own, served by asyncio.

In the bot's process, the test server's threads share the GIL with the event loop they serve,
and a thread per connection tops out at a few hundred requests per second: it, not the bot,
set the pace. Here FakeBotAPI's own request parsing and dispatch (tests/support/bot_api_server.py)
run in a child process behind a small asyncio HTTP/1.1 server (keep-alive, Content-Length
bodies, which is what httpx sends), so that the bot and the server each have a core.

The benchmark drives it over HTTP on the same port, under /control/:
  POST /control/push   [[chat_id, text], ...]   queue user messages, in order
  GET  /control/sent                            {chat_id: messages the bot sent}
  GET  /control/texts                           {chat_id: [texts the bot sent]}
  GET  /control/calls                           {method: calls}
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections import Counter
from typing import Any

import httpx

from bench.common import ROOT, bot_api_server

_REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 429: "Too Many Requests"}


class _Server:
    """FakeBotAPI behind asyncio streams."""

    def __init__(self) -> None:
        self.api = bot_api_server().FakeBotAPI()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                _, path, _ = lines[0].split(" ", 2)
                headers = {}
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    if name:
                        headers[name.strip().lower()] = value.strip()
                length = int(headers.get("content-length") or 0)
                body = await reader.readexactly(length) if length else b""
                status, payload = await self.answer(
                    path.split("?", 1)[0], headers.get("content-type", ""), body
                )
                data = json.dumps(payload).encode()
                writer.write(
                    f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}\r\n"
                    f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n".encode()
                    + data
                )
                await writer.drain()
        finally:
            writer.close()

    async def answer(self, path: str, content_type: str, body: bytes) -> tuple[int, Any]:
        api = self.api
        if path.startswith("/control/"):
            return 200, self.control(path.removeprefix("/control/"), body)
        prefix = f"/bot{api.token}/"
        if not path.startswith(prefix):
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        method = path[len(prefix) :]
        params = api._parse(content_type, body)
        if method == "getUpdates":  # may wait (long poll): off the event loop
            return await asyncio.to_thread(api._dispatch, method, params)
        return api._dispatch(method, params)

    def control(self, what: str, body: bytes) -> Any:
        api = self.api
        if what == "push":
            for chat_id, text in json.loads(body):
                api.send_text(chat_id, text)
            return True
        with api._lock:
            if what == "sent":
                return {chat: len(messages) for chat, messages in api.sent.items()}
            if what == "texts":
                return {chat: [m["text"] for m in messages] for chat, messages in api.sent.items()}
            if what == "calls":
                return Counter(name for name, _ in api.calls)
        return None


async def _serve() -> None:
    server = await asyncio.start_server(_Server().handle, "127.0.0.1", 0, backlog=1024)
    print(server.sockets[0].getsockname()[1], flush=True)  # the port, for RemoteBotAPI
    async with server:
        await server.serve_forever()


class RemoteBotAPI:
    """Start the server process; push updates and read what the bot sent, over HTTP."""

    token = "123456:TEST-TOKEN"  # FakeBotAPI's default

    def __init__(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "bench.api_process"], cwd=ROOT, stdout=subprocess.PIPE
        )
        assert self._process.stdout is not None
        self.port = int(self._process.stdout.readline())
        self.base_url = f"http://127.0.0.1:{self.port}/bot"
        self._control = httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{self.port}/control/", trust_env=False, timeout=30
        )

    async def push(self, messages: list[tuple[int, str]]) -> None:
        (await self._control.post("push", content=json.dumps(messages))).raise_for_status()

    async def sent(self) -> dict[int, int]:
        data = (await self._control.get("sent")).json()
        return {int(chat): n for chat, n in data.items()}

    async def texts(self) -> dict[int, list[str]]:
        data = (await self._control.get("texts")).json()
        return {int(chat): texts for chat, texts in data.items()}

    async def calls(self, method: str) -> int:
        return (await self._control.get("calls")).json().get(method, 0)

    async def close(self) -> None:
        await self._control.aclose()
        self._process.terminate()
        self._process.wait(10)


if __name__ == "__main__":
    asyncio.run(_serve())
