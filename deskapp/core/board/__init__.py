"""The 公示栏 (``noticeboard``): what to post, what is up and until when, what must come down,
with the evidence of posting and removal (``board_lists``, ``notice_period``, ``register_posting``,
``register_removal``, ``board_issue``).
"""
