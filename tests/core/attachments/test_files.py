"""Attachments: copied into the data folder once per content, in step with the transaction."""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import os
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from deskapp.core.attachments import files
from deskapp.core.errors import DeskError, DiskFullError, NotFoundError
from deskapp.core.register import items as register
from deskapp.core.register.items import ItemData
from deskapp.core.store.models import Attachment, AuditEvent, StoredFile


@pytest.fixture
def item_id(db, actor, today) -> int:
    with db.session() as s:
        item = register.create_item(s, actor, ItemData(title="关于低保对象的公示", kind="公告公示",
                                                       formed_on=dt.date(2026, 11, 2)), today=today)
        return item.id


@pytest.fixture
def source_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "C盘 用户" / "张三 的 文档"
    folder.mkdir(parents=True)
    return folder


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def stored_paths(db) -> list[Path]:
    """Every file under files/, temp files included."""
    if not db.files_dir.exists():
        return []
    return sorted(p for p in db.files_dir.rglob("*") if p.is_file())


def count(db, model) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_add_copies_into_hash_folder_and_lists_it(db, actor, item_id, source_dir):
    data = "姓名\t身份证号\n张三\t330102199001011234\n".encode("utf-8") * 1000
    src = write(source_dir / "低保 名单（第一批）.xlsx", data)
    with db.session() as s:
        info = files.add_attachment(s, db, actor, item_id, src)
    sha = hashlib.sha256(data).hexdigest()
    assert info.sha256 == sha and info.size == len(data)
    assert info.filename == "低保 名单（第一批）.xlsx" and info.added_by == "测试员"
    path = files.attachment_path(db, sha)
    assert path == db.files_dir / sha[:2] / sha
    assert path.read_bytes() == data
    assert stored_paths(db) == [path]  # no temp file left behind
    with db.session() as s:
        listed = files.list_attachments(s, item_id)
    assert [a.id for a in listed] == [info.id]
    assert listed[0].filename == info.filename and listed[0].size == len(data)


def test_identical_content_under_different_names_is_stored_once(db, actor, item_id, source_dir):
    a = write(source_dir / "通知 正式版.pdf", b"%PDF-1.4 same content")
    b = write(source_dir / "通知（副本）.pdf", b"%PDF-1.4 same content")
    with db.session() as s:
        first = files.add_attachment(s, db, actor, item_id, a)
        second = files.add_attachment(s, db, actor, item_id, b, purpose="scan")
    assert first.sha256 == second.sha256
    assert count(db, StoredFile) == 1 and count(db, Attachment) == 2
    assert len(stored_paths(db)) == 1
    with db.session() as s:
        names = [x.filename for x in files.list_attachments(s, item_id)]
    assert names == ["通知 正式版.pdf", "通知（副本）.pdf"]


def test_large_file_is_streamed(db, actor, item_id, source_dir, monkeypatch):
    reads: list[int] = []
    monkeypatch.setattr(files, "CHUNK", 64 * 1024)
    data = bytes(range(256)) * (4 * 1024 + 7)  # ~1 MB, not a multiple of the chunk
    src = write(source_dir / "大 文件.bin", data)
    real_read = files._read_chunks

    def counting(fh, source):
        for chunk in real_read(fh, source):
            reads.append(len(chunk))
            yield chunk

    monkeypatch.setattr(files, "_read_chunks", counting)
    with db.session() as s:
        info = files.add_attachment(s, db, actor, item_id, src)
    assert max(reads) <= 64 * 1024 and len(reads) > 10
    assert info.sha256 == hashlib.sha256(data).hexdigest()
    assert files.attachment_path(db, info.sha256).stat().st_size == len(data)


def test_failure_mid_copy_leaves_no_partial_file(db, actor, item_id, source_dir, monkeypatch):
    monkeypatch.setattr(files, "CHUNK", 1024)
    src = write(source_dir / "扫描 件.pdf", b"x" * 10_000)
    real_read = files._read_chunks

    def failing(fh, source):
        for n, chunk in enumerate(real_read(fh, source)):
            if n == 3:
                raise files._source_error(source, OSError(errno.EIO, "Input/output error"))
            yield chunk

    monkeypatch.setattr(files, "_read_chunks", failing)
    with pytest.raises(DeskError, match="无法读取文件"):
        with db.session() as s:
            files.add_attachment(s, db, actor, item_id, src)
    assert stored_paths(db) == []
    assert count(db, StoredFile) == 0 and count(db, Attachment) == 0


def test_full_disk_gives_a_clear_message_and_no_file(db, actor, item_id, source_dir, monkeypatch):
    src = write(source_dir / "照片 1.jpg", b"\xff\xd8" + b"j" * 5000)
    real_fdopen = files.os.fdopen

    class FullDisk:
        def __init__(self, fh):
            self.fh = fh

        def write(self, chunk):
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, name):
            return getattr(self.fh, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

    monkeypatch.setattr(files.os, "fdopen", lambda fd, mode: FullDisk(real_fdopen(fd, mode)))
    with pytest.raises(DiskFullError, match="磁盘空间不足") as err:
        with db.session() as s:
            files.add_attachment(s, db, actor, item_id, src)
    assert str(db.files_dir) in err.value.message  # and says where
    assert stored_paths(db) == []
    assert count(db, Attachment) == 0


def test_missing_source_and_folder_source_are_refused_in_chinese(db, actor, item_id, source_dir):
    with pytest.raises(DeskError, match="找不到文件.*请确认文件仍在原处"):
        with db.session() as s:
            files.add_attachment(s, db, actor, item_id, source_dir / "不存在 的文件.doc")
    with pytest.raises(DeskError, match="是一个文件夹"):
        with db.session() as s:
            files.add_attachment(s, db, actor, item_id, source_dir)
    assert stored_paths(db) == []


def test_unreadable_source_is_refused(db, actor, item_id, source_dir, monkeypatch):
    src = write(source_dir / "锁定 的文件.docx", b"locked")

    def denied(path, mode="r"):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr("builtins.open", denied)
    with pytest.raises(DeskError, match="没有权限读取文件"):
        with db.session() as s:
            files.add_attachment(s, db, actor, item_id, src)
    monkeypatch.undo()
    assert stored_paths(db) == []


def test_attaching_to_a_missing_item_is_refused(db, actor, source_dir):
    src = write(source_dir / "a b.txt", b"abc")
    with pytest.raises(NotFoundError):
        with db.session() as s:
            files.add_attachment(s, db, actor, 9999, src)
    assert stored_paths(db) == []


def test_rolled_back_add_removes_the_new_file(db, actor, item_id, source_dir):
    src = write(source_dir / "新 文件.txt", b"will be rolled back")
    with pytest.raises(RuntimeError):
        with db.session() as s:
            files.add_attachment(s, db, actor, item_id, src)
            raise RuntimeError("a later step of the same save failed")
    assert stored_paths(db) == []
    assert count(db, StoredFile) == 0


def test_rolled_back_add_keeps_content_stored_before(db, actor, item_id, source_dir):
    src = write(source_dir / "共用.txt", b"shared")
    with db.session() as s:
        files.add_attachment(s, db, actor, item_id, src)
    with pytest.raises(RuntimeError):
        with db.session() as s:
            files.add_attachment(s, db, actor, item_id, src)
            raise RuntimeError("boom")
    assert len(stored_paths(db)) == 1 and count(db, Attachment) == 1


def test_remove_keeps_the_file_while_another_link_uses_it(db, actor, item_id, source_dir):
    a = write(source_dir / "甲.pdf", b"same bytes")
    b = write(source_dir / "乙.pdf", b"same bytes")
    with db.session() as s:
        first = files.add_attachment(s, db, actor, item_id, a)
        second = files.add_attachment(s, db, actor, item_id, b)
    path = files.attachment_path(db, first.sha256)
    with db.session() as s:
        files.remove_attachment(s, db, actor, first.id)
    assert path.exists() and count(db, StoredFile) == 1
    with db.session() as s:
        assert [x.id for x in files.list_attachments(s, item_id)] == [second.id]
        files.remove_attachment(s, db, actor, second.id)
        assert path.exists()  # deleted only once the removal is committed
    assert not path.exists() and count(db, StoredFile) == 0


def test_rolled_back_removal_keeps_the_file(db, actor, item_id, source_dir):
    src = write(source_dir / "保留.txt", b"keep me")
    with db.session() as s:
        info = files.add_attachment(s, db, actor, item_id, src)
    with pytest.raises(RuntimeError):
        with db.session() as s:
            files.remove_attachment(s, db, actor, info.id)
            raise RuntimeError("boom")
    assert files.attachment_path(db, info.sha256).read_bytes() == b"keep me"
    assert count(db, Attachment) == 1


def test_removed_and_readded_in_one_transaction_survives(db, actor, item_id, source_dir):
    src = write(source_dir / "再加.txt", b"again")
    with db.session() as s:
        info = files.add_attachment(s, db, actor, item_id, src)
    with db.session() as s:
        files.remove_attachment(s, db, actor, info.id)
        files.add_attachment(s, db, actor, item_id, src)
    assert files.attachment_path(db, info.sha256).read_bytes() == b"again"


def test_remove_missing_attachment(db, actor):
    with pytest.raises(NotFoundError, match="附件已被删除"):
        with db.session() as s:
            files.remove_attachment(s, db, actor, 12345)


def test_changes_are_audited(db, actor, item_id, source_dir):
    src = write(source_dir / "审计 附件.txt", b"audit")
    with db.session() as s:
        info = files.add_attachment(s, db, actor, item_id, src)
        files.remove_attachment(s, db, actor, info.id)
    with db.session() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.action.in_(["attach", "detach"]))
                           .order_by(AuditEvent.id)).all()
        assert [(e.action, e.entity_id, e.actor_name) for e in events] == [
            ("attach", str(item_id), "测试员"), ("detach", str(item_id), "测试员")]
        assert events[0].after["filename"] == "审计 附件.txt"
        assert events[1].before["sha256"] == info.sha256


def test_purge_unreferenced_after_item_deleted(db, actor, item_id, source_dir):
    src = write(source_dir / "草稿 附件.txt", b"draft attachment")
    with db.session() as s:
        info = files.add_attachment(s, db, actor, item_id, src)
    with db.session() as s:
        register.delete_item(s, actor, item_id)  # the database cascade drops the link
    assert count(db, Attachment) == 0
    with db.session() as s:
        assert files.purge_unreferenced(s, db, actor) == 1
    assert not files.attachment_path(db, info.sha256).exists()
    with db.session() as s:
        assert files.purge_unreferenced(s, db, actor) == 0


def test_purge_sweeps_temp_files_left_by_a_crash(db, actor):
    db.files_dir.mkdir(parents=True)
    old = db.files_dir / ".incoming-old.part"
    young = db.files_dir / ".incoming-young.part"
    old.write_bytes(b"half")
    young.write_bytes(b"copying")
    os.utime(old, (time.time() - 86400, time.time() - 86400))
    with db.session() as s:
        files.purge_unreferenced(s, db, actor)
    assert not old.exists() and young.exists()


def test_export_copy_uses_the_original_name(db, actor, item_id, source_dir, tmp_path):
    src = write(source_dir / "公示 照片.jpg", b"jpeg")
    with db.session() as s:
        info = files.add_attachment(s, db, actor, item_id, src)
    out = files.export_copy(db, info, tmp_path / "打开 的附件")
    assert out.name == "公示 照片.jpg" and out.read_bytes() == b"jpeg"
    stamp = out.stat().st_mtime_ns
    assert files.export_copy(db, info, tmp_path / "打开 的附件") == out  # reused, not rewritten
    assert out.stat().st_mtime_ns == stamp
    out.write_bytes(b"changed by the viewer")
    assert files.export_copy(db, info, tmp_path / "打开 的附件").read_bytes() == b"jpeg"
    files.attachment_path(db, info.sha256).unlink()
    with pytest.raises(DeskError, match="已不在数据文件夹"):
        files.export_copy(db, info, tmp_path / "again")


def test_attachment_path_refuses_non_hashes(db):
    with pytest.raises(ValueError):
        files.attachment_path(db, "../../etc/passwd")


@pytest.mark.parametrize("name, expected", [
    ("低保 名单.xlsx", "低保 名单.xlsx"),
    ('a<b>c:"d|e?f*.txt', "a_b_c__d_e_f_.txt"),
    ("报告. ", "报告"),
    ("CON.txt", "_CON.txt"),
    ("nul", "_nul"),
    ("...", "附件"),
    ("", "附件"),
    ("甲" * 300 + ".pdf", "甲" * 196 + ".pdf"),
])
def test_safe_filename(name, expected):
    assert files.safe_filename(name) == expected


@pytest.mark.parametrize("size, text", [(0, "0 B"), (1023, "1023 B"), (1536, "1.5 KB"),
                                        (5 * 1024 * 1024, "5.0 MB"), (3 * 1024 ** 3, "3.0 GB")])
def test_human_size(size, text):
    assert files.human_size(size) == text
