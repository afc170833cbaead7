"""Attachments: files copied into the data folder, stored once per content (sha256).

A stored file lives at ``<data folder>/files/ab/<sha256>`` (``ab`` = the hash's first two
hex digits, so no folder holds tens of thousands of files). Copying streams the source
through sha256 into a temp file in ``files/`` and then ``os.replace``s it into place, so a
failure (missing source, full disk, crash) never leaves a partial file under a hash name.

On a database server (PostgreSQL) the contents are rows of ``file_content`` (sha256 → bytes)
instead, written in the caller's transaction, so every desk reaching the server reaches them
and a rollback takes them back with everything else; nothing goes into a PC's folder.

On SQLite the database and the folder are kept in step with the caller's transaction:
- a file newly placed by a transaction that then rolls back is removed again;
- a stored file whose last link is removed is deleted only after the commit, so a rolled
  back removal still finds its file.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator, Optional, Union

from sqlalchemy import delete, event, func, select
from sqlalchemy.orm import Session

from deskapp.core.accounts.scope import check_department, scope_of
from deskapp.core.audit import chain as audit
from deskapp.core.audit.chain import Actor
from deskapp.core.errors import DeskError, DiskFullError, NotFoundError, is_disk_full
from deskapp.core.store.db import Database
from deskapp.core.store.models import Attachment, FileContent, Item, StoredFile

CHUNK = 1024 * 1024
PURPOSES = {"attachment": "附件", "photo": "照片", "scan": "扫描件"}
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_PENDING_DELETE = "deskapp_files_delete_after_commit"
_PENDING_UNDO = "deskapp_files_remove_on_rollback"

PathLike = Union[str, os.PathLike[str]]


@dataclass(frozen=True)
class AttachmentInfo:
    """One attachment as the UI and exports see it. Plain data, no ORM."""

    id: int
    item_id: Optional[int]
    filename: str
    sha256: str
    size: int
    purpose: str
    added_at: dt.datetime
    added_by: str

    @property
    def size_text(self) -> str:
        return human_size(self.size)


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB"):
        if value < 1024:
            return f"{size} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


def attachment_path(db: Database, sha256: str) -> Path:
    """Where the content with this hash is stored. Refuses anything that is not a hash."""
    if not _SHA256.match(sha256 or ""):
        raise ValueError(f"not a sha256 hex digest: {sha256!r}")
    return db.files_dir / sha256[:2] / sha256


# --- copying ----------------------------------------------------------------------------------

def _source_error(source: Path, exc: OSError) -> DeskError:
    if isinstance(exc, FileNotFoundError):
        return DeskError(f"找不到文件“{source}”，请确认文件仍在原处后重新添加。")
    if isinstance(exc, IsADirectoryError):
        return DeskError(f"“{source}”是一个文件夹，请选择其中的文件。")
    if isinstance(exc, PermissionError):
        return DeskError(f"没有权限读取文件“{source}”，请关闭正在使用它的程序或检查文件权限后重试。")
    return DeskError(f"无法读取文件“{source}”（{exc.strerror or exc}），请检查文件后重试。")


def _target_error(folder: Path, exc: OSError) -> DeskError:
    if is_disk_full(exc):
        return DiskFullError(folder, "附件未能保存")
    if isinstance(exc, PermissionError):
        return DeskError(f"没有权限写入数据文件夹“{folder}”，附件未保存；请检查文件夹权限。")
    return DeskError(f"无法把附件写入数据文件夹“{folder}”（{exc.strerror or exc}），附件未保存。")


def _open_source(source: Path) -> BinaryIO:
    if source.is_dir():
        raise _source_error(source, IsADirectoryError(errno.EISDIR, "is a directory"))
    try:
        return open(source, "rb")
    except OSError as exc:
        raise _source_error(source, exc) from exc


def _read_chunks(fh: BinaryIO, source: Path) -> Iterator[bytes]:
    while True:
        try:
            chunk = fh.read(CHUNK)
        except OSError as exc:
            raise _source_error(source, exc) from exc
        if not chunk:
            return
        yield chunk


def copy_into_store(db: Database, source: PathLike) -> tuple[str, int, Path]:
    """Copy ``source`` into a temp file under ``files/``, hashing as it goes.

    Returns (sha256, size, temp path). On any failure the temp file is removed and a
    DeskError says what went wrong.
    """
    src = Path(source)
    folder = db.files_dir
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".incoming-", suffix=".part", dir=folder)
    except OSError as exc:
        raise _target_error(folder, exc) from exc
    tmp = Path(tmp_name)
    digest, size = hashlib.sha256(), 0
    try:
        # fdopen first: if the source cannot be opened, the temp file is still closed.
        with os.fdopen(fd, "wb") as out, _open_source(src) as fh:
            for chunk in _read_chunks(fh, src):
                digest.update(chunk)
                try:
                    out.write(chunk)
                except OSError as exc:
                    raise _target_error(folder, exc) from exc
                size += len(chunk)
            try:
                out.flush()
                os.fsync(out.fileno())
            except OSError as exc:
                raise _target_error(folder, exc) from exc
    except BaseException:
        _unlink_quietly(tmp)
        raise
    return digest.hexdigest(), size, tmp


def _place(db: Database, tmp: Path, sha256: str) -> bool:
    """Move the temp copy to its hash name. True when this call created the stored file."""
    final = attachment_path(db, sha256)
    if final.exists():
        _unlink_quietly(tmp)  # same content already stored: keep the one we have
        return False
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, final)
    except OSError as exc:
        _unlink_quietly(tmp)
        raise _target_error(final.parent, exc) from exc
    return True


def _unlink_quietly(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError:
        pass  # a leftover .part file is harmless: it never carries a hash name


# --- keeping the folder in step with the transaction -------------------------------------------

def _after(session: Session, key: str, path: Path) -> None:
    pending = session.info.setdefault(key, [])
    pending.append(path)
    if not session.info.get("deskapp_files_hooked"):
        session.info["deskapp_files_hooked"] = True
        event.listen(session, "after_commit", _on_commit)
        event.listen(session, "after_rollback", _on_rollback)


def _on_commit(session: Session) -> None:
    for path in session.info.pop(_PENDING_DELETE, []):
        _unlink_quietly(path)
    session.info.pop(_PENDING_UNDO, None)


def _on_rollback(session: Session) -> None:
    for path in session.info.pop(_PENDING_UNDO, []):
        _unlink_quietly(path)
    session.info.pop(_PENDING_DELETE, None)


# --- the public operations ---------------------------------------------------------------------

def _info(att: Attachment, size: int) -> AttachmentInfo:
    return AttachmentInfo(att.id, att.item_id, att.filename, att.sha256, size, att.purpose,
                          att.added_at, att.added_by)


def _read_source(source: PathLike) -> tuple[str, bytes]:
    """(sha256, the bytes) of a file to keep in the database."""
    src = Path(source)
    with _open_source(src) as fh:
        data = b"".join(_read_chunks(fh, src))
    return hashlib.sha256(data).hexdigest(), data


def _store_in_database(session: Session, source: PathLike) -> StoredFile:
    """A server's store: the contents as a ``file_content`` row, in the caller's transaction."""
    sha256, data = _read_source(source)
    if session.get(FileContent, sha256) is None:
        session.add(FileContent(sha256=sha256, content=data))
    stored = session.get(StoredFile, sha256)
    if stored is None:
        stored = StoredFile(sha256=sha256, size=len(data))
        session.add(stored)
    session.flush()
    return stored


def read_content(db: Database, sha256: str) -> bytes | None:
    """The stored bytes of this content (None when they are gone): from the database on a
    server, from the ``files/`` folder on SQLite."""
    if not db.is_sqlite:
        with db.session() as s:
            row = s.get(FileContent, sha256)
            return None if row is None else bytes(row.content)
    try:
        return attachment_path(db, sha256).read_bytes()
    except OSError:
        return None


def store_file(session: Session, db: Database, source: PathLike) -> StoredFile:
    """Copy ``source`` into the store (once per content) and return its StoredFile row."""
    if not db.is_sqlite:
        return _store_in_database(session, source)
    sha256, size, tmp = copy_into_store(db, source)
    created = _place(db, tmp, sha256)
    final = attachment_path(db, sha256)
    if created:
        _after(session, _PENDING_UNDO, final)
    # Removed and re-added in one transaction: the file must survive the commit.
    pending_delete = session.info.get(_PENDING_DELETE, [])
    while final in pending_delete:
        pending_delete.remove(final)
    stored = session.get(StoredFile, sha256)
    if stored is None:
        stored = StoredFile(sha256=sha256, size=size)
        session.add(stored)
        session.flush()
    return stored


def add_attachment(
    session: Session, db: Database, actor: Actor, item_id: int, source_path: PathLike,
    purpose: str = "attachment", filename: Optional[str] = None,
) -> AttachmentInfo:
    """Attach a copy of ``source_path`` to an item, under the file's own name."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown attachment purpose {purpose!r}")
    item = session.get(Item, item_id)
    if item is None:
        raise NotFoundError(f"找不到编号为 {item_id} 的信息，可能已被删除，附件未添加。")
    check_department(session, item.department_id)  # a department account: its own items only
    name = safe_filename(filename or Path(source_path).name)
    stored = store_file(session, db, source_path)
    att = Attachment(item_id=item_id, sha256=stored.sha256, filename=name, purpose=purpose,
                     added_by=actor.name)
    session.add(att)
    session.flush()
    audit.record(session, actor, "attach", "item", item_id, None,
                 {"attachment_id": att.id, "filename": name, "sha256": stored.sha256,
                  "size": stored.size, "purpose": purpose})
    return _info(att, stored.size)


def _check_item_scope(session: Session, item_id: Optional[int]) -> None:
    """A department account reaches only the attachments of its own department's items."""
    if item_id is not None and not scope_of(session).everything:
        check_department(session, session.scalar(select(Item.department_id).where(Item.id == item_id)))


def list_attachments(session: Session, item_id: int) -> list[AttachmentInfo]:
    _check_item_scope(session, item_id)
    rows = session.execute(
        select(Attachment, StoredFile.size)
        .join(StoredFile, StoredFile.sha256 == Attachment.sha256)
        .where(Attachment.item_id == item_id)
        .order_by(Attachment.added_at, Attachment.id)
    )
    return [_info(att, size) for att, size in rows]


def get_attachment(session: Session, attachment_id: int) -> AttachmentInfo:
    att = session.get(Attachment, attachment_id)
    if att is None:
        raise NotFoundError("该附件已被删除，请刷新后重试。")
    _check_item_scope(session, att.item_id)
    stored = session.get(StoredFile, att.sha256)
    return _info(att, stored.size if stored else 0)


def remove_attachment(session: Session, db: Database, actor: Actor, attachment_id: int) -> None:
    """Remove the link; the stored file goes too (after commit) when nothing else uses it."""
    att = session.get(Attachment, attachment_id)
    if att is None:
        raise NotFoundError("该附件已被删除，请刷新后重试。")
    _check_item_scope(session, att.item_id)
    sha256, item_id = att.sha256, att.item_id
    before = {"attachment_id": att.id, "filename": att.filename, "sha256": sha256,
              "purpose": att.purpose}
    session.delete(att)
    session.flush()
    _drop_if_unreferenced(session, db, sha256)
    audit.record(session, actor, "detach", "item", item_id, before, None)


def _drop_if_unreferenced(session: Session, db: Database, sha256: str) -> bool:
    users = session.scalar(select(func.count()).select_from(Attachment)
                           .where(Attachment.sha256 == sha256))
    if users:
        return False
    stored = session.get(StoredFile, sha256)
    if stored is not None:
        session.delete(stored)
        session.flush()
    if not db.is_sqlite:  # the contents row goes in the same transaction (a rollback keeps it)
        session.execute(delete(FileContent).where(FileContent.sha256 == sha256))
        return True
    _after(session, _PENDING_DELETE, attachment_path(db, sha256))
    return True


def purge_unreferenced(session: Session, db: Database, actor: Actor = audit.SYSTEM) -> int:
    """Stored files no attachment uses any more (e.g. their item was deleted): drop them,
    and temp files a killed copy left behind. Returns the number of stored files dropped."""
    _sweep_stale_temp(db)
    used = select(Attachment.sha256)
    orphans = list(session.scalars(select(StoredFile.sha256).where(StoredFile.sha256.not_in(used))))
    for sha256 in orphans:
        _drop_if_unreferenced(session, db, sha256)
    if orphans:
        audit.record(session, actor, "purge_files", "stored_file", None, None,
                     {"count": len(orphans)})
    return len(orphans)


def _sweep_stale_temp(db: Database, older_than: dt.timedelta = dt.timedelta(hours=12)) -> int:
    """A copy in progress is young; a ``.incoming-*.part`` this old was left by a crash."""
    cutoff = dt.datetime.now().timestamp() - older_than.total_seconds()
    swept = 0
    for path in db.files_dir.glob(".incoming-*.part") if db.files_dir.exists() else ():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                swept += 1
        except OSError:
            continue
    return swept


def export_copy(db: Database, info: AttachmentInfo, folder: PathLike) -> Path:
    """Copy a stored attachment out under its own name (to open it or hand it on)."""
    src = attachment_path(db, info.sha256)
    data = None if db.is_sqlite else read_content(db, info.sha256)
    if (not src.exists()) if db.is_sqlite else data is None:
        raise DeskError(f"附件“{info.filename}”的文件已不在数据文件夹中，请重新添加该附件。")
    target_dir = Path(folder)
    dest = target_dir / safe_filename(info.filename)
    if _has_content(dest, info.sha256):
        # Already copied out (maybe still open in WPS, where Windows would refuse a replace).
        return dest
    try:
        target_dir.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(dest.name + ".part")
        if data is None:
            shutil.copyfile(src, tmp)
        else:
            tmp.write_bytes(data)
        os.replace(tmp, dest)
    except OSError as exc:
        raise _target_error(target_dir, exc) from exc
    return dest


def _has_content(path: Path, sha256: str) -> bool:
    try:
        with open(path, "rb") as fh:
            digest = hashlib.sha256()
            for chunk in iter(lambda: fh.read(CHUNK), b""):
                digest.update(chunk)
    except OSError:
        return False
    return digest.hexdigest() == sha256


# --- names that work on Windows -----------------------------------------------------------------

_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
             *(f"LPT{i}" for i in range(1, 10))}
MAX_NAME = 200


def safe_filename(name: str, fallback: str = "附件") -> str:
    """A file name Windows accepts: no ``<>:"/\\|?*`` or control characters, no trailing
    dot or space, no reserved device name (CON, NUL, COM1 …), at most 200 characters.
    Chinese characters and inner spaces are kept."""
    cleaned = _FORBIDDEN.sub("_", name).strip().rstrip(". ")
    if not cleaned.strip("_."):
        cleaned = fallback
    stem, dot, ext = cleaned.rpartition(".")
    if not dot or not stem or len(ext) > 16:
        stem, ext = cleaned, ""
    if stem.split(".")[0].strip().upper() in _RESERVED:
        stem = "_" + stem
    if ext:
        return f"{stem[: MAX_NAME - len(ext) - 1]}.{ext}"
    return stem[:MAX_NAME]
