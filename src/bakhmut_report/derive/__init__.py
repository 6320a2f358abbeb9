"""The derive layer: facts computed from validated data, never typed by hand.

``control`` turns claims, confirmations and fighting into each settlement's
timeline and the month x settlement table; ``periods`` indexes a period's months
(holders, events, artillery reach); ``claims`` checks the article's claims and
returns verdicts as message ids with their arguments, not sentences.
"""
