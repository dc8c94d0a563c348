"""A message loop that survives malformed framing (replaces pygls' `run_async`).

pygls 2.1 only recognises a header line that is exactly `Content-Length: N\\r\\n`. After a frame
whose Content-Length is wrong, the rest of its body is glued to the next header line, that line no
longer matches, and since a JSON body carries no line break the stream never resynchronises: every
later message is lost and the editor waits forever. Here the header is *searched* for at the end
of each line (case-insensitive), so garbage before it is skipped and the stream recovers at the
next message; only the malformed frame (and, when the length was too long, the message it
swallowed) is lost. Bodies larger than MAX_MESSAGE are refused rather than awaited.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any, Callable

log = logging.getLogger(__name__)

_CONTENT_LENGTH = re.compile(rb"content-length[ \t]*:[ \t]*(\d{1,15})[ \t]*\r?\n?$", re.IGNORECASE)
#: Largest message body accepted (a whole 10 MB config in a didOpen is ~12 MB of JSON).
MAX_MESSAGE = 256 * 1024 * 1024


async def run_async(
    stop_event,
    reader,
    protocol,
    logger: logging.Logger | None = None,
    error_handler: Callable[[Exception, Any], Any] | None = None,
) -> None:
    """Same contract as `pygls.io_.run_async`."""
    from pygls.exceptions import JsonRpcException

    logger = logger or log
    content_length = 0
    while not stop_event.is_set():
        header = await reader.readline()
        if not header:
            break
        match = _CONTENT_LENGTH.search(header)
        if match:
            if match.start() > 0:
                _drop(logger, f"{match.start()} bytes of garbage before a header")
            n = int(match.group(1))
            if n > MAX_MESSAGE:
                _drop(logger, f"a message of {n:,} bytes (limit {MAX_MESSAGE:,})")
                n = 0
            content_length = n
            continue
        if header.strip():
            if not header.lower().startswith(b"content-type"):
                _drop(logger, f"a header line without Content-Length ({len(header)} bytes)")
            continue
        if not content_length:
            continue  # a blank line without a pending header
        body = await reader.readexactly(content_length)
        content_length = 0
        if not body:
            break
        try:
            message = json.loads(body, object_hook=protocol.structure_message)
        except Exception as exc:
            _malformed(protocol, body, exc, logger)
            continue
        try:
            protocol.handle_message(message)
        except Exception as exc:
            logger.exception("Unable to handle message")
            if error_handler:
                error_handler(exc, JsonRpcException)


def _malformed(protocol, body: bytes, exc: Exception, logger: logging.Logger) -> None:
    """A body that is not JSON is dropped. A request whose params do not have the method's
    shape is answered with an error (pygls drops it, and the client would wait forever)."""
    from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams

    try:
        raw = json.loads(body)
    except Exception as err:
        _drop(logger, f"a body that is not JSON ({type(err).__name__}: {err})")
        return
    msg_id = raw.get("id") if isinstance(raw, dict) else None
    method = raw.get("method") if isinstance(raw, dict) else None
    if isinstance(msg_id, (int, str)) and not isinstance(msg_id, bool) and isinstance(method, str) and method:
        error = exc if isinstance(exc, JsonRpcException) else JsonRpcInvalidParams()
        error.message = f"{method}: params do not have the shape the method takes ({error.message})"
        _drop(logger, f"request {msg_id!r} {method}: malformed params, answered with error {error.code}")
        try:
            protocol._send_response(msg_id, None, error.to_response_error())
        except Exception:
            logger.exception("answering a malformed request")
        return
    _drop(logger, f"a message that is not valid JSON-RPC ({type(exc).__name__})")


def _drop(logger: logging.Logger, what: str) -> None:
    logger.warning("jetls: malformed LSP input ignored: %s", what)


def install() -> None:
    """Make pygls' servers (stdio and TCP) use this loop."""
    import pygls.server

    pygls.server.run_async = run_async
