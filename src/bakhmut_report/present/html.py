"""HTML and plotly text, escaped for where they land: one Jinja environment, one JSON-in-script rule.

Every section of the page is a template under ``templates/`` rendered with
autoescape and ``StrictUndefined``; a fragment that is already safe HTML is
passed as ``markupsafe.Markup``. ``json_for_script`` is the one way JSON goes
into a ``<script>`` element, ``plotly_text`` the one way data goes into text
plotly renders (labels, legend, hover: plotly reads tags and entities there).
"""

from __future__ import annotations

import html
import json
import re
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

SAFE_URL = re.compile(r"^https?://[^\s\"'<>]+$", re.IGNORECASE)


def json_for_script(value: object) -> Markup:
    """JSON safe inside <script>: no '<', '>' or '&' can end the element or open a comment."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def plotly_text(text: object) -> str:
    """Data as plain text in plotly's markup (it reads <b>, <br>, <a>, <span style> and entities).

    report.js has the same function (``plotlyText``); a test holds the two together.
    """
    return html.escape(str(text), quote=False)


def safe_url(url: str | None) -> str | None:
    """The URL if it is http(s) and cannot break out of an attribute, else None."""
    return url if url and SAFE_URL.match(url) else None


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("bakhmut_report.present", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["json_script"] = json_for_script
    env.filters["safe_url"] = safe_url
    return env


def render(template: str, **context: Any) -> Markup:
    """One section of the page, rendered from ``templates/<template>``."""
    return Markup(environment().get_template(template).render(**context))
