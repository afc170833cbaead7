"""The hash-chained audit log (``chain``): ``record``/``record_many`` every change under an
``Actor``; ``verify_chain`` names the first edited, deleted or cut-off event.
"""
