"""too many diagnostics for one document: the editor is shown the first 1000.

The language server sends an editor at most 1 000 diagnostics per document, and then this note.

**Why it matters:** an editor slows down with tens of thousands of markers; the note says that
more exist, so that an empty-looking end of the file is not taken for a clean one.

**Fix:** fix the first problems, or run `jetls check` on the file to list them all (the command
line has no limit).

No example: only the language server reports it (`jetls check` lists every diagnostic), and it
needs more than a thousand problems in one file.
"""

CODE = "JET005"
SEVERITY = "information"
FOUND_BY = "jetls.server (the diagnostics it publishes)"
