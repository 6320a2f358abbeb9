"""The battle for Bakhmut: an explorable, reproducible report.

Notebook entry point: ``from bakhmut_report import Report``. Heavy modules
(papermill, nbconvert, plotly) are imported only where they are used.
"""
__version__ = "1.0.0"


def __getattr__(name):
    if name == "Report":
        from .report import Report

        return Report
    raise AttributeError(name)
