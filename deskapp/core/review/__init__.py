"""Review and sign-off (先审查后公开): the configured steps (``flow``), the state machine
(``workflow``: submit, approve, return, withhold, paper decisions; it re-exports
``publishing``: publish, withdraw, revise), their shared pieces (``state``), signer passwords
(``passwords``), and what the tab shows (``queue``, ``detail``, ``history``).
"""
