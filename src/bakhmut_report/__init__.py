"""The battle for Bakhmut: an explorable, reproducible report.

The package reads as the data's path, each layer importing only the ones below it
(an import-linter contract in pyproject.toml holds this):

    model     what the data is: typed records, changes of control, months, geometry
    load      files -> typed values (data package, parameters)
    validate  consistency rules beyond the Table Schema
    derive    who holds what, periods, the article's claims checked
    present   words, HTML, the map figure, the notebook's blocks, the live explorer
    run       execute, export, write, render, batch, the command line

Notebook entry points: ``from bakhmut_report import Report, explore``. They (and
``__version__``) are imported on first use, so that the command line's fast paths (a cache
hit, ``check``) never load the presentation toolchain, and the command line installs its
Ctrl-C handler before any of the package is imported.
"""

import sys

# jsonschema (via nbformat) imports rfc3987_syntax when installed, which builds a lark
# grammar at import time: ~2.6 s per process, for IRI format checks notebooks never use.
# Marking it absent makes jsonschema skip those checks (it treats the module as optional).
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

__all__ = ["Report", "__version__", "explore"]


def __getattr__(name: str):
    if name == "__version__":
        from .model.vocabulary import VERSION

        return VERSION
    if name == "Report":
        from .present.report import Report

        return Report
    if name == "explore":
        from .present.explorer import explore

        return explore
    raise AttributeError(name)
