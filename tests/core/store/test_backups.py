"""Backups: a checked set (database copy + its attachments) in backups/, listed, pruned to 30
daily and 12 monthly, restored by an atomic swap after backing up what is there."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from deskapp.core.attachments import files
from deskapp.core.desk import backup_desk, chain_check, daily_backup, open_database, restore_desk
from deskapp.core.errors import DatabaseLockedError, DeskError, DiskFullError
from deskapp.core.register.items import ItemData, create_item
from deskapp.core.store import backups
from deskapp.core.store.backups import BackupInfo, list_backups, make_backup, prune, to_keep, verify_backup
from deskapp.core.store.models import Attachment, Item

# Backups copy the SQLite file and its files/ folder; a server is backed up by its own tools.
pytestmark = pytest.mark.sqlite_only("copies of the SQLite file")

TODAY = dt.date(2026, 11, 26)


def add_item(db, actor, title: str) -> int:
    with db.session() as s:
        return create_item(s, actor, ItemData(title=title, formed_on=dt.date(2026, 9, 25)), today=TODAY).id


def count_items(db_file: Path) -> int:
    con = sqlite3.connect(db_file)
    try:
        return int(con.execute("SELECT count(*) FROM item").fetchone()[0])
    finally:
        con.close()


def test_a_backup_is_a_checked_set_with_the_attachments_it_refers_to(db, actor, tmp_path):
    item_id = add_item(db, actor, "关于防汛的通知")
    src = tmp_path / "附件 1.pdf"
    src.write_bytes(b"%PDF-1.4 demo" * 100)
    with db.session() as s:
        files.add_attachment(s, db, actor, item_id, src)
    made = backup_desk(db, "manual")
    assert made is not None and made.folder is not None
    assert made.folder.parent == db.backups_dir and made.problem == ""
    with db.session() as s:
        sha = s.scalar(select(Attachment.sha256))
    carried = made.folder / "files" / sha[:2] / sha
    assert carried.read_bytes() == src.read_bytes()
    assert count_items(made.db_file) == 1
    listed = list_backups(db.backups_dir)
    assert [b.db_file for b in listed] == [made.db_file]
    assert listed[0].check_text == "校验通过" and listed[0].size > made.db_file.stat().st_size


def test_the_check_catches_a_cut_audit_chain_and_a_missing_attachment(db, actor, tmp_path):
    item_id = add_item(db, actor, "甲")
    src = tmp_path / "a.txt"
    src.write_bytes(b"x" * 10)
    with db.session() as s:
        files.add_attachment(s, db, actor, item_id, src)
    made = backup_desk(db, "manual")
    con = sqlite3.connect(made.db_file)
    con.execute("DELETE FROM audit_event WHERE id = (SELECT min(id) FROM audit_event)")
    con.commit()
    con.close()
    assert "操作记录" in verify_backup(made.db_file, chain_check)
    assert list_backups(db.backups_dir)[0].check_text.startswith("有问题：操作记录")  # the list shows it
    other = backup_desk(db, "manual")
    for f in (other.folder / "files").rglob("*"):
        if f.is_file():
            f.unlink()
    assert "附件" in verify_backup(other.db_file, chain_check)


def _fake(day: dt.datetime) -> BackupInfo:
    return BackupInfo(Path(f"/b/{day:%Y%m%d-%H%M%S}/d.db"), None, day, "daily", 1, "")


def test_prune_keeps_today_30_daily_and_12_monthly():
    last = dt.datetime(2026, 11, 26, 9)
    made = [_fake(last - dt.timedelta(days=i)) for i in range(700)]  # one a day for ~2 years
    made += [_fake(dt.datetime(2026, 11, 26, h)) for h in (8, 10)]  # today: three with the 9 o'clock
    made.sort(key=lambda b: b.made_at, reverse=True)
    keep = to_keep(made, dt.date(2026, 11, 26))
    kept = sorted(b.made_at for b in made if b.db_file in keep)
    days = {k.date() for k in kept}
    assert len([k for k in kept if k.date() == dt.date(2026, 11, 26)]) == 3
    last30 = {dt.date(2026, 11, 26) - dt.timedelta(days=i) for i in range(30)}
    assert last30 <= days
    assert all((d + dt.timedelta(days=1)).day == 1 for d in days - last30)  # the rest: a month's newest
    months = {(k.year, k.month) for k in kept}
    assert len(months) == 12 and min(months) == (2025, 12)


def test_prune_removes_sets_and_half_made_ones(db, actor):
    old = make_backup(db, "daily", now=dt.datetime(2020, 1, 1, 8))
    new = make_backup(db, "daily", now=dt.datetime(2020, 1, 2, 8))
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    part = db.backups_dir / f"20200103-080000-daily.{dead}.part"  # a killed backup's
    part.mkdir()
    alive = db.backups_dir / f"20200103-080000-manual.{os.getpid()}.part"  # one under way
    alive.mkdir()
    removed = prune(db.backups_dir, today=dt.date(2020, 1, 2))
    assert part in removed and not part.exists() and alive.exists()
    assert old.folder.exists() and new.folder.exists()  # two days, both in the last 30
    removed = backups.prune(db.backups_dir, today=dt.date(2023, 1, 2), daily=1, monthly=1)
    assert removed == [old.folder]  # the newest day (and month) stays
    assert new.folder.exists() and not old.folder.exists()


def test_daily_backup_once_a_day_and_not_for_a_reader(db_path, actor):
    open_database(db_path, backup_daily=True).close()  # just made: nothing to back up yet
    assert list_backups(db_path.parent / "backups" / db_path.stem) == []
    db = open_database(db_path, backup_daily=True)
    try:
        assert len(list_backups(db.backups_dir)) == 1
        assert daily_backup(db) is None  # made today already
        assert daily_backup(db, today=dt.date.today() + dt.timedelta(days=1)) is not None
    finally:
        db.close()
    reader = open_database(db_path, read_only=True, backup_daily=True)
    reader.close()
    assert len(list_backups(db_path.parent / "backups" / db_path.stem)) == 2


def test_restore_backs_up_swaps_and_verifies(db_path, actor, tmp_path):
    db = open_database(db_path)
    add_item(db, actor, "备份前的一条")
    made = backup_desk(db, "manual")
    src = tmp_path / "附件.txt"
    src.write_bytes(b"attachment body")
    item_id = add_item(db, actor, "备份后的一条")
    with db.session() as s:
        files.add_attachment(s, db, actor, item_id, src)
    db.close()
    assert restore_desk(db_path, made.db_file) == ""
    db = open_database(db_path)
    try:
        with db.session() as s:
            assert s.scalar(select(func.count()).select_from(Item)) == 1
        kinds = [b.reason for b in list_backups(db.backups_dir)]
        assert "before-restore" in kinds
        before = next(b for b in list_backups(db.backups_dir) if b.reason == "before-restore")
        assert count_items(before.db_file) == 2  # what was there is kept, with its attachment
        assert [p.read_bytes() for p in (before.folder / "files").rglob("*") if p.is_file()] == [b"attachment body"]
    finally:
        db.close()


def test_restore_refuses_while_the_desk_is_open(db_path):
    db = open_database(db_path, take_lock=True)
    made = backup_desk(db, "manual")
    try:
        with pytest.raises(DatabaseLockedError, match="无法恢复"):
            restore_desk(db_path, made.db_file)
    finally:
        db.close()


def test_restore_refuses_a_broken_backup_and_leaves_the_desk(db_path, actor):
    db = open_database(db_path)
    add_item(db, actor, "留着")
    made = backup_desk(db, "manual")
    db.close()
    data = bytearray(made.db_file.read_bytes())
    data[5000:9000] = b"\xff" * 4000
    made.db_file.write_bytes(bytes(data))
    with pytest.raises(DeskError, match="校验未通过"):
        restore_desk(db_path, made.db_file)
    assert count_items(db_path) == 1


def test_backup_on_a_full_disk_says_so_and_leaves_nothing(db, monkeypatch):
    import errno

    def full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backups, "_copy_database", full)
    with pytest.raises(DiskFullError, match="磁盘空间不足") as err:
        make_backup(db, "manual")
    assert str(db.backups_dir) in err.value.message
    assert list(db.backups_dir.iterdir()) == []


def test_backup_when_sqlite_says_the_disk_is_full(db, monkeypatch):
    def full(*_a, **_k):
        exc = sqlite3.OperationalError("database or disk is full")
        exc.sqlite_errorcode = sqlite3.SQLITE_FULL
        raise exc

    monkeypatch.setattr(backups, "_copy_database", full)
    with pytest.raises(DiskFullError, match="磁盘空间不足"):
        make_backup(db, "manual")
    assert list(db.backups_dir.iterdir()) == []


def test_a_before_upgrade_copy_carries_the_audit_anchor_and_can_be_restored(db_path, actor):
    db = open_database(db_path)
    add_item(db, actor, "升级前")
    loose = db.backup("before-upgrade")
    db.close()
    assert loose.with_name(loose.name + ".audit-head").is_file()
    assert verify_backup(loose, chain_check) == ""
    assert restore_desk(db_path, loose) == ""
    assert prune(loose.parent, today=dt.date.today() + dt.timedelta(days=800), daily=0, monthly=0)
    assert not list(loose.parent.glob(f"{loose.name}*"))  # pruned with its anchor


def test_two_backups_finished_in_the_same_second_keep_both(db, monkeypatch):
    now = dt.datetime(2026, 11, 26, 9, 0, 0)
    first = make_backup(db, "manual", now=now)
    monkeypatch.setattr(backups, "_set_name", lambda folder, now, reason: first.folder)  # the race
    second = make_backup(db, "manual", now=now)
    assert second.folder != first.folder and second.folder.name == "20261126-090000-2-manual"
    assert len(list_backups(db.backups_dir)) == 2 and second.problem == ""


def test_the_backup_before_a_restore_never_prunes_the_backup_being_restored(db_path, actor, monkeypatch):
    db = open_database(db_path)
    old = make_backup(db, "daily", chain_check=chain_check, now=dt.datetime(2020, 1, 1, 8))
    add_item(db, actor, "后来")
    db.close()
    # retention that would drop it at the next prune (as the 31st day would be dropped)
    monkeypatch.setattr(backups, "to_keep", lambda found, today, daily, monthly:
                        {b.db_file for b in found if b.made_at.date() >= today})
    assert restore_desk(db_path, old.db_file) == ""
    assert old.db_file.exists() and count_items(db_path) == 0


def test_two_desks_in_one_folder_keep_their_backups_apart(data_dir):
    """A backup folder shared by two databases would let one desk's pruning remove the
    other's backups: each database has its own ``backups/<name>/``."""
    from deskapp.core.desk import backup_desk, open_database

    first, second = open_database(data_dir / "街道.db"), open_database(data_dir / "社区.db")
    try:
        backup_desk(first, "manual")
        backup_desk(second, "manual")
        assert first.backups_dir != second.backups_dir
        assert [b.reason for b in list_backups(first.backups_dir)] == ["manual"]
        assert [b.reason for b in list_backups(second.backups_dir)] == ["manual"]
    finally:
        first.close()
        second.close()
