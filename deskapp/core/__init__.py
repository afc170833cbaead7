"""The domain and its storage: every rule of the desk, with no Qt. One sub-package per feature
(see docs/ARCHITECTURE.md); ``desk.open_database`` opens a desk, ``errors`` holds the errors a
user can cause. Features import each other only downwards (import-linter checks it).
"""
