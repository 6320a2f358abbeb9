"""The load layer: files become typed values, or a message that names the file, line and fix.

``package`` reads the Frictionless data package (descriptor, Table Schemas, CSV),
``dataset`` turns its rows into the model's records, ``params`` reads and checks
the report parameters (``report_params.yaml``, ``-p KEY=VALUE``).
"""
