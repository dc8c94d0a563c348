"""file too large for the full analysis: only TOML syntax is checked.

A file of more than 2 000 000 characters gets its TOML syntax checked and nothing else (no
schema, references, templates or SQL). Real metric-hub files are at most about 100 KB.

**Why it matters:** it is a note, not a problem: a generated or hostile file this size would
otherwise stall the editor on every keystroke; jetls says why it reports so little.

**Fix:** split the file, or generate smaller ones.

No example: it needs a file of more than 2 000 000 characters.
"""

CODE = "JET004"
SEVERITY = "information"


def on_too_large(ctx, limit: int) -> None:
    ctx.emit(
        CODE, (0, 0), f"this file has {len(ctx.text):,} characters: above {limit:,} jetls checks only its TOML syntax"
    )
