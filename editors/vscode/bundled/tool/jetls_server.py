"""Start jetls from the Python packages bundled with the VS Code extension.

The extension runs ``<python> -I bundled/tool/jetls_server.py serve``. The bundled packages
(``bundled/libs``: jetls and its pure-Python dependencies) go first on ``sys.path``, so
whatever the interpreter has installed (another pygls, an older jetls) cannot shadow them,
and ``-I`` keeps ``PYTHONPATH`` and the user's site-packages out.
"""

import os
import sys

if sys.version_info < (3, 11):
    sys.stderr.write(
        "jetls needs Python >= 3.11, but %s is Python %s.\n"
        "Set jetls.server.pythonPath to a Python 3.11 or newer.\n" % (sys.executable, sys.version.split()[0])
    )
    raise SystemExit(3)

LIBS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "libs")
if os.path.isdir(LIBS):
    sys.path.insert(0, LIBS)
else:
    # A development build (`npm run compile` without `npm run bundle-python`).
    sys.stderr.write("jetls: %s is missing; using jetls installed for %s\n" % (LIBS, sys.executable))

from jetls.cli import main  # noqa: E402 - after the sys.path set-up above

raise SystemExit(main())
