"""The desk on a PostgreSQL server (issue 13): opened by URL and migrated (with the pg_trgm
search indexes), reopened without change, a newer schema refused, SQL that differs by
dialect (long id lists, JSON lists), the search's two paths, and attachments kept in the
database so every desk reaches them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, text

from deskapp.core.attachments import files
from deskapp.core.audit.chain import Actor
from deskapp.core.desk import open_database
from deskapp.core.errors import DatabaseOpenError
from deskapp.core.register.items import ItemData, create_item
from deskapp.core.register.query import ItemFilter, Register
from deskapp.core.store import migrate
from deskapp.core.store.db import Database, InIntegers, item_search_clause
from deskapp.core.store.models import FileContent, Item, StoredFile

pytestmark = pytest.mark.postgresql
TODAY = dt.date(2026, 11, 26)
ACTOR = Actor(None, "测试员")


@pytest.fixture
def server_db(pg_seeded_url: str):
    database = open_database(pg_seeded_url)
    yield database
    database.close()


def _add(db: Database, title: str, **kw: object) -> int:
    with db.session() as s:
        return create_item(s, ACTOR, ItemData(title=title, formed_on=TODAY, **kw), today=TODAY).id


def test_a_new_server_database_is_migrated_with_trigram_indexes(pg_url: str) -> None:
    db = open_database(pg_url)
    try:
        with db.engine.connect() as conn:
            assert migrate.current_revisions(conn) == migrate.script_heads()
            indexes = {i["name"]: i for i in inspect(conn).get_indexes("item")}
            assert conn.execute(text("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'")).scalar() == 1
            defs = dict(conn.execute(text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'item'")).all())
        for column in ("title", "doc_no", "index_no", "content"):
            assert f"item_trgm_{column}" in indexes
            assert "gin_trgm_ops" in defs[f"item_trgm_{column}"] and "USING gin" in defs[f"item_trgm_{column}"]
            assert "fastupdate=off" in defs[f"item_trgm_{column}"]  # no pending list to read through
        assert "file_content" in inspect(db.engine).get_table_names()
    finally:
        db.close()
    again = open_database(pg_url)  # reopening changes nothing and seeds nothing twice
    try:
        with again.session() as s:
            assert s.scalar(select(func.count()).select_from(StoredFile)) == 0
    finally:
        again.close()


def test_a_newer_schema_on_the_server_is_refused(server_db: Database, pg_seeded_url: str) -> None:
    with server_db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099_future_feature'"))
    server_db.close()
    with pytest.raises(DatabaseOpenError) as info:
        open_database(pg_seeded_url)
    assert "新" in info.value.message  # a newer program made it: update this one


def test_cjk_substring_search_both_paths(server_db: Database) -> None:
    flood = _add(server_db, "关于做好防汛工作的通知", content="政务公开指南第三版")
    _add(server_db, "社区敬老活动", doc_no="街办发〔2026〕12号")
    register = Register(server_db, TODAY)
    with server_db.session() as s:
        def ids(query: str) -> set[int]:
            return set(register.item_ids(s, ItemFilter(search=query)))
        assert ids("公开指南") == {flood}  # 3+ characters: the trigram path
        assert ids("防汛") == {flood}  # 2: the plain scan
        assert ids("汛") == {flood}
        assert len(ids("〔2026〕")) == 1  # punctuation inside a 文号
        assert ids("100%") == set() and ids("a_b") == set()  # LIKE's wildcards are literal
    plan = " ".join(r[0] for r in server_db.engine.connect().execute(text(
        "EXPLAIN SELECT id FROM item WHERE title ILIKE '%公开指南%'")))
    assert "item_trgm_title" in plan or "Seq Scan" in plan  # tiny table: either is the planner's call
    assert "||" in str(item_search_clause(server_db, "防汛"))


def test_a_filter_on_more_ids_than_a_statement_has_parameters(server_db: Database) -> None:
    first = _add(server_db, "甲")
    ids = [first, *range(10_000_000, 10_070_000)]  # more than PostgreSQL's 65 535 parameters
    with server_db.session() as s:
        assert list(s.scalars(select(Item.id).where(InIntegers(Item.id, ids)))) == [first]
        assert list(s.scalars(select(Item.id).where(InIntegers(Item.id, [])))) == []


def test_attachments_live_in_the_database_not_a_folder(server_db: Database, tmp_path: Path) -> None:
    item = _add(server_db, "带附件的一条")
    source = tmp_path / "扫描 件.pdf"
    source.write_bytes(b"%PDF-1.4 scanned" * 1000)
    with server_db.session() as s:
        info = files.add_attachment(s, server_db, ACTOR, item, source)
        again = files.add_attachment(s, server_db, ACTOR, item, source, filename="副本.pdf")
    assert not server_db.files_dir.exists()  # nothing in this PC's folder
    with server_db.session() as s:
        assert s.scalar(select(func.count()).select_from(FileContent)) == 1  # once per content
    other_desk = open_database(server_db.url)  # another PC reaching the same server
    try:
        with other_desk.session() as s:
            seen = files.get_attachment(s, info.id)
        out = files.export_copy(other_desk, seen, tmp_path / "导出")
        assert out.read_bytes() == source.read_bytes()
    finally:
        other_desk.close()
    with pytest.raises(RuntimeError), server_db.session() as s:  # a rolled-back removal keeps it
        files.remove_attachment(s, server_db, ACTOR, info.id)
        files.remove_attachment(s, server_db, ACTOR, again.id)
        raise RuntimeError("undo")
    assert files.read_content(server_db, info.sha256) == source.read_bytes()
    with server_db.session() as s:
        files.remove_attachment(s, server_db, ACTOR, info.id)
    assert files.read_content(server_db, info.sha256) is not None  # still used by the other link
    with server_db.session() as s:
        files.remove_attachment(s, server_db, ACTOR, again.id)
    assert files.read_content(server_db, info.sha256) is None


def test_a_rolled_back_add_leaves_no_content(server_db: Database, tmp_path: Path) -> None:
    item = _add(server_db, "回滚")
    source = tmp_path / "a.txt"
    source.write_bytes(b"only in a rolled back transaction")
    with pytest.raises(RuntimeError), server_db.session() as s:
        info = files.add_attachment(s, server_db, ACTOR, item, source)
        raise RuntimeError("undo")
    assert files.read_content(server_db, info.sha256) is None


def test_trigrams_serve_chinese_on_c_utf8_but_not_on_plain_c(server_db: Database, pg_server, caplog) -> None:
    """The finding of bench/README.md, kept true: the desk warns (in its log) about a server
    database whose LC_CTYPE makes pg_trgm skip Chinese characters."""
    from deskapp.core.store.db import trigrams_serve_cjk

    assert trigrams_serve_cjk(server_db)
    name = f"plain_c_{id(server_db)}"
    pg_server.admin(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'")
    try:
        with caplog.at_level("WARNING"):
            plain = open_database(pg_server.url(name))
        try:
            assert not trigrams_serve_cjk(plain)
            assert any("LC_CTYPE" in r.getMessage() for r in caplog.records)
            flood = _add(plain, "政务公开指南")
            with plain.session() as s:  # still found: a scan instead of the index
                assert set(Register(plain, TODAY).item_ids(s, ItemFilter(search="公开指南"))) == {flood}
        finally:
            plain.close()
    finally:
        pg_server.drop_database(name)


def test_a_first_page_sorted_by_a_not_null_date_walks_its_index(server_db: Database) -> None:
    """NULLS FIRST/LAST (to sort missing values as SQLite does) only where a value can be
    missing: on 形成日期 it would keep PostgreSQL off ix_item_formed (a sort of every row)."""
    register = Register(server_db, TODAY)
    first = register._sorted(select(Item.id).where(Item.status == "published"), "formed_on", True)
    by_department = register._sorted(select(Item.id), "department", False)
    assert "NULLS" not in str(first) and "NULLS FIRST" in str(by_department)


def test_the_publication_check_reads_attachments_kept_in_the_database(server_db: Database, tmp_path: Path) -> None:
    from deskapp.core.privacy.check import attachment_texts

    item = _add(server_db, "附件要检查")
    source = tmp_path / "名单.txt"
    source.write_text("张三 联系电话 13912345678", "utf-8")
    with server_db.session() as s:
        files.add_attachment(s, server_db, ACTOR, item, source)
    with server_db.session() as s:
        texts, skipped = attachment_texts(s, item, server_db.files_dir)  # the folder holds nothing
    assert skipped == [] and "13912345678" in texts[0][2]
