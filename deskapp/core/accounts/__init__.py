"""Accounts on a shared server: sign-in, roles, lockout, and what an account may see (scope).

Below register in the core layers: the register, review and request queries ask
:mod:`deskapp.core.accounts.scope` what the signed-in account may see.
"""
