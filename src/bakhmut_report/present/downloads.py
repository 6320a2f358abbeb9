"""Downloads built in the page: the events, the month x settlement table, the sources, the descriptor.

Nothing is fetched: report.js writes each file from what the page already carries (the event
table's rows, the sources list, the map's per-month holders) or from the data package descriptor
embedded here. CSV cells that start with =, +, -, @, a tab or a return are prefixed with a quote
(the OWASP rule against formula injection), the same rule the command line's CSV output follows.
"""

from __future__ import annotations

import json

from markupsafe import Markup

from ..derive.periods import Months
from ..model.dataset import Dataset
from .html import render
from .i18n import Texts


def file_names(params: dict) -> list[tuple[str, str]]:
    months = f"{params['start_month']}_{params['end_month']}"
    return [
        ("events", "bakhmut-events.csv"),
        ("control", f"bakhmut-control-{params['control_basis']}-{months}.csv"),
        ("sources", "bakhmut-sources.csv"),
        ("package", "datapackage.json"),
    ]


def section(dataset: Dataset, months: Months, t: Texts, params: dict) -> Markup:
    # the descriptor as the data package states it (a copy: nothing in the page refers back to the dict)
    descriptor = json.loads(json.dumps(dataset.descriptor))
    return render("downloads.html.j2", t=t, files=file_names(params), descriptor=descriptor)
