"""Executed notebook -> one self-contained HTML file (nbconvert's exporter, in process).

plotly.js, the map geometry, report.js and the CSS are inlined once in <head>;
code cells' inputs and cells tagged ``remove-in-report`` are left out. The map
geometry is the parsed, checked TopoJSON (load/geometry.py) written out again
with ``json_for_script``, like every other JSON in the page: the file's text is
never pasted in. The page registers it under the name plotly.js looks up
(``GEO_ASSET_NAME``), so plotly.js never fetches a map from its CDN; the only
CDN reference is the plotly.js script a user asks for with ``plotly_js: cdn``.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import rcssmin
import rjsmin

from ..model.dataset import Dataset
from ..model.vocabulary import INJECTED_TAG, LIVE_ONLY_TAG, PARAMETERS_TAG, REMOVE_TAG, VERSION
from ..present.html import json_for_script
from ..present.mapfig import GEO_ASSET_NAME

TEMPLATES = Path(__file__).parent / "templates"
ASSETS = resources.files("bakhmut_report.present") / "assets"
PLOTLY_CDN = "https://cdn.plot.ly/plotly-{version}.min.js"
REMOVE_TAGS = {REMOVE_TAG, LIVE_ONLY_TAG, PARAMETERS_TAG, INJECTED_TAG}
# nbconvert re-parses its whole output with BeautifulSoup; plotly.js (4.8 MB) goes in afterwards.
PLOTLY_PLACEHOLDER = "/*bakhmut-report: plotly.js*/"


def _version(js: str) -> str:
    head = js[:400]
    marker = " v"
    line = next((ln for ln in head.splitlines() if "plotly.js" in ln and marker in ln), "")
    return line.rsplit(marker, 1)[-1].strip() if line else "unknown"


@cache
def page_assets() -> tuple[str, str]:
    """report.js and report.css as the page inlines them: comments and spacing removed (rjsmin/rcssmin
    keep every name and string, so the code is the same; the page saves 11 KB of its 0.5 MB budget)."""
    js = (ASSETS / "report.js").read_text(encoding="utf-8")
    css = (ASSETS / "report.css").read_text(encoding="utf-8")
    return rjsmin.jsmin(js), rcssmin.cssmin(css)


def plotly_js() -> tuple[str, str]:
    """(the vendored plotly.js geo bundle, its version): all the static page needs, 1.4 MB not 4.8 MB."""
    text = (ASSETS / "vendor" / "plotly-geo.min.js").read_text(encoding="utf-8")
    return text, _version(text)


def plotly_py_js_version() -> str:
    """The plotly.js version bundled with the plotly Python package (the figure schema we write to)."""
    return _version((resources.files("plotly") / "package_data" / "plotly.min.js").read_text(encoding="utf-8")[:400])


def _map_cell(nb) -> str:
    """The id of the cell whose output carries the map's month data (``#bk-data``): plotly.js and the call
    that starts the map follow it, so the map is interactive before the rest of the page is parsed
    ("" if no cell has it: plotly.js then ends the body)."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html", "")
            if 'id="bk-data"' in ("".join(html) if isinstance(html, list) else html):  # nbformat may keep lines
                return cell.get("id", "")
    return ""


def _exporter(language: str):
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class ReportExporter(HTMLExporter):
        """HTMLExporter without its final BeautifulSoup pass over the whole page.

        That pass only adds alt text to <img> (the report has none) and tabindex to
        every output; re-parsing and re-serialising the page costs about 0.5 s.
        """

        def from_notebook_node(self, nb, resources=None, **kw):
            resources = self._init_resources(resources)
            self.register_filter("highlight_code", Highlight2HTML(pygments_lexer="ipython3", parent=self))
            self.register_filter(
                "filter_data_type",
                WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources),
            )
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    exporter = ReportExporter(template_name="bakhmut", extra_template_basedirs=[str(TEMPLATES)])
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.language_code = language
    exporter.register_preprocessor(_remove_tagged_cells(), enabled=True)
    return exporter


def _remove_tagged_cells():
    from nbconvert.preprocessors import TagRemovePreprocessor

    pre = TagRemovePreprocessor()
    pre.remove_cell_tags = REMOVE_TAGS
    return pre


def to_html(
    nb,
    dataset: Dataset,
    language: str,
    title: str,
    input_hash: str,
    plotly_mode: str = "inline",
    geometry: dict | None = None,
) -> str:
    """The report page for an executed notebook; ``geometry`` is the checked base map (the dataset's own
    unless given: load.geometry read and checked it)."""
    if geometry is None:
        geometry = dataset.topology
    js, version = plotly_js()
    nb.metadata["title"] = title
    bakhmut = {
        "version": VERSION,
        "input_hash": input_hash,
        "data_version": dataset.version,
        "geo_name": GEO_ASSET_NAME,
        "geometry": json_for_script(geometry),
        "plotly_js": PLOTLY_PLACEHOLDER if plotly_mode == "inline" else "",
        "plotly_cdn": PLOTLY_CDN.format(version=version) if plotly_mode == "cdn" else "",
        "report_js": page_assets()[0],
        "report_css": page_assets()[1],
        "map_cell": _map_cell(nb),
    }
    body, _ = _exporter(language).from_notebook_node(nb, resources={"bakhmut": bakhmut})
    if plotly_mode == "inline":
        head, placeholder, tail = body.partition(PLOTLY_PLACEHOLDER)
        assert placeholder, "the template lost the plotly.js placeholder"
        body = head + js + tail
    return body
