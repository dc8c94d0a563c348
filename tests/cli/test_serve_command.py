"""`jetls serve` over TCP: a client connects, initializes and shuts the server down."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time


def _frame(obj: dict) -> bytes:
    body = json.dumps(obj).encode()
    return f"Content-Length: {len(body)}\r\n\r\n".encode() + body


def _read_message(sock: socket.socket, buf: bytearray) -> dict:
    while True:
        head_end = buf.find(b"\r\n\r\n")
        if head_end >= 0:
            headers = buf[:head_end].decode()
            length = int(next(h.split(":")[1] for h in headers.split("\r\n") if h.lower().startswith("content-length")))
            if len(buf) >= head_end + 4 + length:
                body = bytes(buf[head_end + 4 : head_end + 4 + length])
                del buf[: head_end + 4 + length]
                return json.loads(body)
        chunk = sock.recv(65536)
        assert chunk, "server closed the connection"
        buf.extend(chunk)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_over_tcp_initializes_and_shuts_down(tmp_path):
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "jetls", "serve", "--tcp", f"127.0.0.1:{port}"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                sock = socket.create_connection(("127.0.0.1", port), timeout=30)
                break
            except OSError:
                assert time.monotonic() < deadline, "server did not listen"
                assert proc.poll() is None, proc.stderr.read().decode()
                time.sleep(0.1)
        with sock:
            buf = bytearray()
            sock.sendall(_frame({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                                 "params": {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}}}))
            reply = _read_message(sock, buf)
            while "id" not in reply:  # skip notifications such as log messages
                reply = _read_message(sock, buf)
            assert reply["id"] == 1
            caps = reply["result"]["capabilities"]
            assert caps["completionProvider"]["triggerCharacters"]
            assert reply["result"]["serverInfo"]["name"] == "jetls"
            sock.sendall(_frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
            sock.sendall(_frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
            reply = _read_message(sock, buf)
            while reply.get("id") != 2:
                reply = _read_message(sock, buf)
            assert reply.get("result") is None and "error" not in reply
            sock.sendall(_frame({"jsonrpc": "2.0", "method": "exit"}))
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()


def test_stdio_flag_is_accepted():
    proc = subprocess.run([sys.executable, "-m", "jetls", "serve", "--stdio"], input=b"", capture_output=True, timeout=60)
    assert b"unrecognized arguments" not in proc.stderr


def test_bad_tcp_address_is_a_usage_error():
    proc = subprocess.run([sys.executable, "-m", "jetls", "serve", "--tcp", "nowhere"], capture_output=True, timeout=60)
    assert proc.returncode == 2 and b"HOST:PORT" in proc.stderr
