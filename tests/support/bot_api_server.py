"""A small Telegram Bot API server on 127.0.0.1 for end-to-end tests, with fault injection.

It speaks what python-telegram-bot sends (form-encoded fields whose non-string values are
JSON), keeps the updates users "send", honours getUpdates' offset and long-poll timeout,
records every call and every message the bot sends, and can answer 429/5xx/403 on demand.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

JSON_FIELDS = {"reply_markup", "allowed_updates", "commands", "link_preview_options", "scope"}
INT_FIELDS = {"chat_id", "message_id", "offset", "limit", "timeout", "user_id"}


@dataclass
class Fault:
    status: int
    description: str
    retry_after: int | None = None
    chat_id: int | None = None  # only for this chat, or any


class FakeBotAPI:
    """Bot API server state; run it with start() and stop()."""

    def __init__(self, token: str = "123456:TEST-TOKEN", username: str = "ipe_test_bot") -> None:
        self.token = token
        self.bot_id = int(token.split(":")[0])
        self.username = username
        self._lock = threading.Condition()
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._query_ids = itertools.count(1)
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.sent: dict[int, list[dict[str, Any]]] = defaultdict(list)  # chat -> bot messages
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.faults: dict[str, deque[Fault]] = defaultdict(deque)
        self.outages: dict[str, tuple[float, int]] = {}  # method -> (until, status)
        self.blocked: set[int] = set()
        self.commands: list[dict[str, Any]] = []
        self.confirmed_offset = 0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------------
    def start(self) -> FakeBotAPI:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                api._serve(self)

            do_GET = do_POST

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._lock:
            self._lock.notify_all()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def port(self) -> int:
        assert self._server is not None
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    # -- what users do ----------------------------------------------------------------------
    def _user(self, user_id: int) -> dict[str, Any]:
        return {
            "id": user_id,
            "is_bot": False,
            "first_name": f"Élève {user_id}",
            "language_code": "fr",
        }

    def _chat(self, chat_id: int, chat_type: str) -> dict[str, Any]:
        chat = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = f"Élève {chat_id}"
        else:
            chat["title"] = f"Groupe {chat_id}"
        return chat

    def _push(self, update: dict[str, Any]) -> int:
        with self._lock:
            update_id = next(self._update_ids)
            update["update_id"] = update_id
            self._updates.append(update)
            self._lock.notify_all()
        return update_id

    def push_raw(self, update: dict[str, Any]) -> int:
        """Queue an update as given (its update_id kept when present: for duplicates)."""
        with self._lock:
            if "update_id" not in update:
                update["update_id"] = next(self._update_ids)
            self._updates.append(update)
            self._lock.notify_all()
        return update["update_id"]

    def user_message(
        self,
        chat_id: int,
        user_id: int | None = None,
        chat_type: str = "private",
        **content: Any,
    ) -> dict[str, Any]:
        user_id = user_id or chat_id
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self._chat(chat_id, chat_type),
            "from": self._user(user_id),
            **content,
        }
        return {"message": message}

    def send_text(self, chat_id: int, text: str, **kwargs: Any) -> int:
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return self._push(self.user_message(chat_id, **kwargs, **content))

    def send_malformed(self, chat_id: int, text: str) -> int:
        """Queue an update python-telegram-bot cannot parse (its message's date is not a date)."""
        update = self.user_message(chat_id, text=text)
        update["message"]["date"] = "not-a-date"
        return self._push(update)

    def send_sticker(self, chat_id: int) -> int:
        sticker = {
            "file_id": "STK",
            "file_unique_id": "STKU",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
        return self._push(self.user_message(chat_id, sticker=sticker))

    def send_photo(self, chat_id: int) -> int:
        photo = [{"file_id": "PH", "file_unique_id": "PHU", "width": 90, "height": 90}]
        return self._push(self.user_message(chat_id, photo=photo))

    def send_voice(self, chat_id: int) -> int:
        voice = {"file_id": "VO", "file_unique_id": "VOU", "duration": 3}
        return self._push(self.user_message(chat_id, voice=voice))

    def send_location(self, chat_id: int) -> int:
        return self._push(
            self.user_message(chat_id, location={"latitude": 48.85, "longitude": 2.35})
        )

    def press(self, chat_id: int, message_id: int, data: str, user_id: int | None = None) -> int:
        """Press an inline button of the bot message (chat_id, message_id)."""
        message = self.messages.get((chat_id, message_id))
        if message is None:
            raise KeyError(f"no bot message {message_id} in chat {chat_id}")
        query = {
            "id": str(next(self._query_ids)),
            "from": self._user(user_id or chat_id),
            "chat_instance": str(chat_id),
            "data": data,
            "message": message,
        }
        return self._push({"callback_query": query})

    def press_button(self, chat_id: int, label_part: str) -> int:
        """Press the first button whose label contains label_part, on the latest keyboard."""
        for message in reversed(self.sent[chat_id]):
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                for button in row:
                    if label_part.lower() in button["text"].lower():
                        return self.press(chat_id, message["message_id"], button["callback_data"])
        raise KeyError(f"no button {label_part!r} in chat {chat_id}")

    # -- faults -----------------------------------------------------------------------------
    def fail(
        self,
        method: str,
        status: int,
        times: int = 1,
        retry_after: int | None = None,
        chat_id: int | None = None,
        description: str | None = None,
    ) -> None:
        descriptions = {
            429: f"Too Many Requests: retry after {retry_after or 1}",
            400: "Bad Request: can't parse entities",
            403: "Forbidden: bot was blocked by the user",
            500: "Internal Server Error",
            502: "Bad Gateway",
        }
        with self._lock:
            for _ in range(times):
                self.faults[method].append(
                    Fault(
                        status,
                        description or descriptions.get(status, "Error"),
                        retry_after,
                        chat_id,
                    )
                )

    def outage(self, method: str, status: int = 502, seconds: float = 10.0) -> None:
        """Answer every call of `method` with `status` for the next `seconds`."""
        with self._lock:
            self.outages[method] = (time.monotonic() + seconds, status)

    # -- observations -----------------------------------------------------------------------
    def texts(self, chat_id: int) -> list[str]:
        with self._lock:
            return [m["text"] for m in self.sent[chat_id]]

    def last(self, chat_id: int) -> dict[str, Any]:
        with self._lock:
            return self.sent[chat_id][-1]

    def buttons(self, message: dict[str, Any]) -> list[tuple[str, str]]:
        rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
        return [(b["text"], b["callback_data"]) for row in rows for b in row]

    def calls_of(self, method: str) -> list[dict[str, Any]]:
        with self._lock:
            return [params for name, params in self.calls if name == method]

    def wait_for(self, predicate, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        with self._lock:
            while not predicate():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._lock.wait(min(remaining, 0.05))
        return True

    def wait_messages(self, chat_id: int, count: int, timeout: float = 10.0) -> list[str]:
        self.wait_for(lambda: len(self.sent[chat_id]) >= count, timeout)
        return self.texts(chat_id)

    # -- the HTTP side ----------------------------------------------------------------------
    def _serve(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else b""
        path = request.path.split("?", 1)[0]
        prefix = f"/bot{self.token}/"
        if not path.startswith(prefix):
            self._respond(
                request, 404, {"ok": False, "error_code": 404, "description": "Not Found"}
            )
            return
        method = path[len(prefix) :]
        params = self._parse(request.headers.get("Content-Type", ""), body)
        status, payload = self._dispatch(method, params)
        self._respond(request, status, payload)

    @staticmethod
    def _parse(content_type: str, body: bytes) -> dict[str, Any]:
        if not body:
            return {}
        if "json" in content_type:
            return json.loads(body)
        fields = {
            k: v[-1] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()
        }
        out: dict[str, Any] = {}
        for key, value in fields.items():
            if key in JSON_FIELDS:
                out[key] = json.loads(value)
            elif key in INT_FIELDS and value.lstrip("-").isdigit():
                out[key] = int(value)
            else:
                out[key] = value
        return out

    @staticmethod
    def _respond(request: BaseHTTPRequestHandler, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode("utf-8")
        try:
            request.send_response(status)
            request.send_header("Content-Type", "application/json")
            request.send_header("Content-Length", str(len(data)))
            request.end_headers()
            request.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _fault_for(self, method: str, params: dict[str, Any]) -> Fault | None:
        until, status = self.outages.get(method, (0.0, 0))
        if time.monotonic() < until:
            return Fault(
                status, {500: "Internal Server Error", 502: "Bad Gateway"}.get(status, "Error")
            )
        queue = self.faults.get(method)
        if not queue:
            return None
        for fault in list(queue):
            if fault.chat_id is None or fault.chat_id == params.get("chat_id"):
                queue.remove(fault)
                return fault
        return None

    def _dispatch(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if method == "getUpdates":
            return 200, {"ok": True, "result": self._get_updates(params)}
        with self._lock:
            self.calls.append((method, params))
            fault = self._fault_for(method, params)
            if (
                fault is None
                and method in {"sendMessage", "editMessageText"}
                and params.get("chat_id") in self.blocked
            ):
                fault = Fault(403, "Forbidden: bot was blocked by the user")
            if fault is not None:
                payload: dict[str, Any] = {
                    "ok": False,
                    "error_code": fault.status,
                    "description": fault.description,
                }
                if fault.retry_after is not None:
                    payload["parameters"] = {"retry_after": fault.retry_after}
                self._lock.notify_all()
                return fault.status, payload
            result = self._result(method, params)
            self._lock.notify_all()
        if result is None:
            return 400, {"ok": False, "error_code": 400, "description": f"Bad Request: {method}"}
        return 200, {"ok": True, "result": result}

    def _bot_user(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Assistant stages",
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return self._bot_user()
        if method in {
            "deleteWebhook",
            "setMyCommands",
            "answerCallbackQuery",
            "setWebhook",
            "close",
            "logOut",
        }:
            if method == "setMyCommands":
                self.commands = params.get("commands", [])
            return True
        if method == "getMyCommands":
            return self.commands
        if method == "sendMessage":
            chat_id = params["chat_id"]
            message = {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": self._chat(chat_id, "private" if chat_id > 0 else "group"),
                "from": self._bot_user(),
                "text": params.get("text", ""),
            }
            if "reply_markup" in params:
                message["reply_markup"] = params["reply_markup"]
            self.sent[chat_id].append(message)
            self.messages[(chat_id, message["message_id"])] = message
            return message
        if method == "editMessageText":
            key = (params.get("chat_id"), params.get("message_id"))
            message = self.messages.get(key)
            if message is None:
                return None
            message["text"] = params.get("text", "")
            if "reply_markup" in params:
                message["reply_markup"] = params["reply_markup"]
            else:
                message.pop("reply_markup", None)
            message["edit_date"] = int(time.time())
            return message
        return None

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        limit = int(params.get("limit") or 100)
        deadline = time.monotonic() + min(timeout, 5.0)
        with self._lock:
            self.calls.append(("getUpdates", params))
            if offset:
                self.confirmed_offset = max(self.confirmed_offset, offset)
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while True:
                ready = [u for u in self._updates if u["update_id"] >= offset][:limit]
                remaining = deadline - time.monotonic()
                if ready or remaining <= 0:
                    return ready
                self._lock.wait(min(remaining, 0.1))
