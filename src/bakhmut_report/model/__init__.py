"""The model layer: what the report's data *is*, before anything reads or draws it.

Typed records of the data package (``records``), the ``Dataset`` that indexes them,
the changes of control they describe (``changes``), months (``calendar``),
great-circle geometry (``geo``), every enumeration stated once (``vocabulary``),
where the project's files are (``paths``) and the one error family (``errors``).
Nothing here reads a file or imports a layer above.
"""
