import sys
from pathlib import Path

# Shared test helpers (corpus.py, toml_test_json.py) live beside this file.
sys.path.insert(0, str(Path(__file__).resolve().parent))
