"""A rotating log file in the user's data folder (deskapp.log, 5 × 1 MB); every line,
tracebacks included, passes through :func:`~deskapp.core.store.credentials.mask_secrets` so
no database password reaches it."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

LOG_NAME = "deskapp.log"
_configured = False


class MaskingFormatter(logging.Formatter):
    """The usual line, with URL passwords and known server passwords replaced by ******."""

    def format(self, record: logging.LogRecord) -> str:
        from deskapp.core.store.credentials import mask_secrets

        return mask_secrets(super().format(record))


def log_dir() -> Path:
    from deskapp.core.store.location import user_data_dir  # not .db: that loads SQLAlchemy

    return user_data_dir() / "logs"


def log_file() -> Path:
    return log_dir() / LOG_NAME


def setup_logging(console: bool = True, level: int = logging.INFO) -> Path:
    global _configured
    path = log_file()
    if _configured:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    root.setLevel(level)
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(MaskingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    if console:
        stream = logging.StreamHandler()
        stream.setFormatter(MaskingFormatter())
        root.addHandler(stream)
    _configured = True
    return path
