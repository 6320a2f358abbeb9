"""The present layer: derived facts become words, HTML and figures, in the reader's language.

``i18n`` and ``catalogue`` hold every word in Dutch and English; ``html`` and
``templates/`` turn facts into escaped HTML; ``styles`` and ``mapfig`` draw the
map as a plotly figure dict; ``sections`` and ``report`` assemble what the
notebook shows; ``explorer`` is the live JupyterLab view; ``datadict`` writes
data/README.md from the data package.
"""
