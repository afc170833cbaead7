"""The hash-chained audit log (``chain``): ``record``/``record_many`` every change under an
``Actor``; ``verify_chain`` names the first edited, deleted or cut-off event;
``printed_anchor`` / ``check_printed_anchor`` anchor it on paper and files sent away.
"""
