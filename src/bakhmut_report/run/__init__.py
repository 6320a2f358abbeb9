"""The run layer: the notebook executed, exported and written, from one command line.

``notebook`` reads and normalises notebooks, ``execute`` runs one with papermill
under a kernel guard, ``export`` turns it into the self-contained HTML page,
``files`` writes outputs so that no half-written or mixed report is ever left,
``render`` and ``batch`` render one or many variants (with the input-hash cache),
``refresh`` re-executes the committed notebook, ``cli`` is ``bakhmut-report``.
"""
