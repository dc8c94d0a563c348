"""A tiny LSP client over the server's stdio that can also send malformed bytes.

pytest-lsp only sends well-formed messages; this one writes raw frames (or any bytes) to the
server's stdin and reads its framed output in a thread.
"""

from __future__ import annotations

import itertools
import json
import queue
import subprocess
import sys
import threading
import time
from typing import Any

SERVER_CMD = [sys.executable, "-m", "jetls.server"]


class RawServer:
    def __init__(self, cwd: str | None = None, env: dict | None = None) -> None:
        self.proc = subprocess.Popen(SERVER_CMD, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd, env=env)
        self.inbox: queue.Queue = queue.Queue()
        self.notifications: list[dict] = []
        self.responses: dict[Any, dict] = {}
        self.stderr = bytearray()
        self._ids = itertools.count(1000)
        self._lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_err, daemon=True).start()

    # ------------------------------------------------------------------ transport
    def _read_err(self) -> None:
        for chunk in iter(lambda: self.proc.stderr.read1(65536), b""):
            self.stderr += chunk

    def _read(self) -> None:
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    self.inbox.put(None)
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip())
            body = out.read(length or 0)
            msg = json.loads(body)
            if "id" in msg and "method" in msg:  # a server -> client request: answer null
                self.send({"jsonrpc": "2.0", "id": msg["id"], "result": None})
            if "method" in msg:
                self.notifications.append(msg)
            else:
                with self._lock:
                    self.responses[msg.get("id")] = msg
            self.inbox.put(msg)

    def send_raw(self, data: bytes) -> None:
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, msg: dict) -> None:
        body = json.dumps(msg).encode("utf-8")
        self.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    # ------------------------------------------------------------------ messages
    def notify(self, method: str, params: Any = None) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request_id(self, method: str, params: Any = None, id: Any = None) -> Any:
        id = next(self._ids) if id is None else id
        self.send({"jsonrpc": "2.0", "id": id, "method": method, "params": params})
        return id

    def response(self, id: Any, timeout: float = 30.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if id in self.responses:
                    return self.responses.pop(id)
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited with {self.proc.returncode}: {self.stderr.decode(errors='replace')[-3000:]}")
            time.sleep(0.005)
        raise AssertionError(f"no response to {id!r} within {timeout} s; stderr: {self.stderr.decode(errors='replace')[-3000:]}")

    def request(self, method: str, params: Any = None, timeout: float = 30.0) -> dict:
        return self.response(self.request_id(method, params), timeout)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def log_messages(self) -> list[str]:
        return [n["params"]["message"] for n in list(self.notifications) if n.get("method") == "window/logMessage"]

    def close(self) -> None:
        try:
            if self.alive():
                self.request("shutdown", None, timeout=10)
                self.notify("exit")
                self.proc.wait(10)
        except Exception:
            pass
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
                try:
                    f.close()
                except Exception:
                    pass
