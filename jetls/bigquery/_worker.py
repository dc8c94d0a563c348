"""A parsing worker of a cold load: `python -m jetls.bigquery._worker`.

Reads `marshal`ed chunks of (kind, path, rel) jobs on stdin and writes, per chunk, an 8-byte
length and the `marshal`ed (chunk index, results of `source.parse_many`) on stdout. A separate
interpreter (not multiprocessing) so that parsing never holds the server's GIL and never
re-runs the parent's main module.
"""

from __future__ import annotations

import marshal
import sys

from jetls.bigquery.source import parse_many


def main() -> int:
    chunks = marshal.loads(sys.stdin.buffer.read())
    out = sys.stdout.buffer
    for index, chunk in chunks:
        data = marshal.dumps((index, parse_many(chunk)))
        out.write(len(data).to_bytes(8, "little"))
        out.write(data)
        out.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
