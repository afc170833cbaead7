"""The drafts of texts 一、五、六 quote the year's figures; 五 opens with last year's problems."""

from __future__ import annotations

import datetime as dt

from deskapp.core.reports import annual_store as store
from deskapp.core.reports import annual_text as T
from deskapp.core.reports.annual import build_report
from deskapp.core.store import settings
from deskapp.core.store.models import Item, Setting, WorklogEntry
from tests.core.reports.annual_data import TODAY, YEAR, build, item, request


def test_text_one_quotes_the_tables_and_the_register(db) -> None:
    with db.session() as s:
        ids = build(s)
        s.add(Setting(key="org_name", value="某某街道办事处"))
        s.add(WorklogEntry(day=dt.date(YEAR, 3, 5), kind="meeting", title="政务公开工作会"))
        s.add(WorklogEntry(day=dt.date(YEAR, 4, 5), kind="training", title="条例培训"))
        s.add(WorklogEntry(day=dt.date(YEAR - 1, 4, 5), kind="training", title="上年培训"))
        s.get(Item, ids["n2"]).channels = ["政府网站", "社区/村公示栏（电子屏）"]
        s.get(Item, ids["n5"]).channels = ["政府网站"]
    with db.session() as s:
        assert settings.get(s, "org_name") == "某某街道办事处"
        text = build_report(s, YEAR, TODAY).texts["一"]
    lines = text.splitlines()
    assert lines[0].startswith("2025年，某某街道办事处认真贯彻落实《中华人民共和国政府信息公开条例》")
    assert [line.split("。")[0] for line in lines[1:]] == ["（一）主动公开", "（二）依申请公开", "（三）政府信息管理",
                                                         "（四）平台建设", "（五）监督保障"]
    assert "全年新收政府信息公开申请7件，上年结转2件；本年度办结6件" in text
    assert "予以公开1件、部分公开1件、不予公开1件、无法提供1件、不予处理1件、其他处理1件" in text
    assert "结转下年度继续办理3件" in text
    assert "因政府信息公开引发行政复议3件、行政诉讼2件" in text
    assert "（行政规范性文件2件）" in text and "本年废止1件，年末现行有效2件" in text
    assert "按公开渠道分：政府网站2条、社区/村公示栏（电子屏）1条" in text
    assert "《政策文件" in text and "尚未发布政策解读" in text  # n5 has no interpretation
    assert "召开政府信息公开工作会议1次，开展业务培训1次" in text


def test_text_five_opens_with_last_years_problems(db, actor) -> None:
    with db.session() as s:
        build(s)
        store.save_texts(s, actor, YEAR - 1, {"五": "（一）本年度存在的主要问题\n1.信息更新不够及时。\n"
                                                  "2.解读形式单一。\n（二）改进措施\n1.建立更新提醒。"})
    with db.session() as s:
        five = build_report(s, YEAR, TODAY).texts["五"]
    lines = five.splitlines()
    assert lines[:5] == ["（一）上年度存在问题的改进情况", "1.信息更新不够及时。", f"改进情况：{T.TO_FILL}",
                         "2.解读形式单一。", f"改进情况：{T.TO_FILL}"]
    assert "（二）本年度存在的主要问题" in lines and "（三）改进措施" in lines
    assert any("政策文件未发布政策解读" in line for line in lines)
    assert any("未组织政府信息公开业务培训" in line for line in lines)
    # next year reads this year's problems back, numbers taken off, improvements left out
    problems = T.last_year_problems(five)
    assert problems and problems[0].startswith("部分政策文件未同步解读")
    assert not any(p.startswith(("改进情况", "信息更新")) for p in problems)


def test_last_year_problems_of_a_text_written_by_hand() -> None:
    assert T.last_year_problems("一是宣传不够。\n二是人手不足。\n") == ["一是宣传不够。", "二是人手不足。"]
    assert T.last_year_problems("") == []


def test_text_five_without_last_year_starts_with_this_years_problems(db) -> None:
    with db.session() as s:
        five = build_report(s, YEAR, TODAY).texts["五"]
    assert five.splitlines()[0] == "（一）本年度存在的主要问题"


def test_text_six_says_no_fee_or_the_fees_charged(db) -> None:
    with db.session() as s:
        request(s, "unpaid", "person", "2025-03-01", fee_cents=5000)  # notice sent, never paid
        assert build_report(s, YEAR, TODAY).texts["六"].startswith(T.NO_FEES)
        request(s, "paid", "business", "2025-03-02", "2025-04-01", "open", fee_cents=1250,
                fee_paid_on=dt.date(YEAR, 3, 20))
        request(s, "paid2", "person", "2025-05-02", "2025-06-01", "open", fee_cents=3000,
                fee_paid_on=dt.date(YEAR, 5, 20))
        request(s, "before", "person", "2024-05-02", "2024-06-01", "open", fee_cents=999,
                fee_paid_on=dt.date(YEAR - 1, 5, 20))
        six = build_report(s, YEAR, TODAY).texts["六"]
    assert six.startswith("本年度依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）"
                          "收取信息处理费2件，共计42.5元。")


def test_percent_and_yuan() -> None:
    assert (T.percent(197, 200), T.percent(1, 1), T.percent(1, 3)) == ("98.5%", "100%", "33.3%")
    assert (T.yuan(1250), T.yuan(100), T.yuan(5)) == ("12.5", "1", "0.05")


def test_notices_removed_late_are_a_problem(db) -> None:
    with db.session() as s:
        item(s, "公告公示", "2025-03-01", notice_start=dt.date(YEAR, 3, 1), notice_end=dt.date(YEAR, 3, 7),
             posted_on=dt.date(YEAR, 3, 1), removed_on=dt.date(YEAR, 3, 20))
        item(s, "公告公示", "2025-04-01", notice_start=dt.date(YEAR, 4, 1), notice_end=dt.date(YEAR, 4, 7),
             posted_on=dt.date(YEAR, 4, 1), removed_on=dt.date(YEAR, 4, 7))
        report = build_report(s, YEAR, TODAY)
    assert "张贴公示2条，其中1条公示期满后未按时撤下" in report.texts["一"]
    assert "1条公示期满后未按时撤下" in report.texts["五"]
