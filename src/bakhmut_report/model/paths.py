"""Where the project's files are, in a checkout (the package is installed editable)."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]
PROJECT_DIR = PACKAGE_DIR.parents[1]
DATA_DIR = PROJECT_DIR / "data"
NOTEBOOK = PROJECT_DIR / "notebooks" / "bakhmut.ipynb"
