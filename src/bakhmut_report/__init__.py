"""The battle for Bakhmut: an explorable, reproducible report.

Notebook entry point: ``from bakhmut_report import Report``. Heavy modules
(papermill, nbconvert, plotly) are imported only where they are used.
"""
import sys

__version__ = "1.0.0"

# jsonschema (via nbformat) imports rfc3987_syntax when installed, which builds a lark
# grammar at import time: ~2.6 s per process, for IRI format checks notebooks never use.
# Marking it absent makes jsonschema skip those checks (it treats the module as optional).
sys.modules.setdefault("rfc3987_syntax", None)


def __getattr__(name):
    if name == "Report":
        from .report import Report

        return Report
    raise AttributeError(name)
