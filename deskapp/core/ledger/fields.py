"""What an office's old ledger (台账) calls its columns, and how clerks write its values.

Column names with their synonyms (标题/信息名称/文件名称 …), header normalisation, finding
the header row below a title row, and turning a cell into a date, a 公开属性, channels or
a kind. Used by core.ledger; no Excel here (the reader hands plain values).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Optional, Sequence

from deskapp.core.calendar.dates import from_excel_serial, parse_date
from deskapp.core.store.vocab import CHANNELS, KINDS

HEADER_SCAN_ROWS = 20


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    synonyms: tuple[str, ...]


FIELDS = [
    Field("index_no", "索引号", ("索引号", "索引", "信息索引号", "索引编号", "信息编号")),
    Field("title", "标题", ("标题", "信息名称", "文件名称", "名称", "信息标题", "文件标题", "题目", "文件名")),
    Field("doc_no", "文号", ("文号", "发文字号", "发文号", "文件编号", "文件字号")),
    # The day the document came into being, however the office's system labelled it.
    Field("formed_on", "形成日期", ("形成日期", "成文日期", "生成日期", "印发日期", "制发日期", "形成时间",
                                 "成文时间", "发文日期", "发文时间", "生成时间", "登记时间", "登记日期")),
    Field("published_on", "发布日期", ("发布日期", "公开日期", "发布时间", "公开时间", "上网日期", "上网时间",
                                    "发布/公开日期", "公开/发布日期", "发布(公开)日期", "公开(发布)日期")),
    Field("department", "科室", ("科室", "发布单位", "责任单位", "发布机构", "责任科室", "承办科室", "部门",
                               "科室/社区", "单位", "公开主体", "填写单位")),
    Field("category", "类别", ("类别", "栏目", "信息类别", "公开目录", "目录类别", "所属栏目", "分类",
                             "目录", "所属类别", "主题分类", "组配分类")),
    Field("kind", "信息种类", ("信息种类", "文种", "信息类型", "种类")),
    Field("attribute", "公开属性", ("公开属性",)),
    Field("method", "公开方式", ("公开方式", "公开形式")),
    Field("channels", "公开渠道", ("公开渠道", "发布渠道", "公开载体", "渠道", "公开渠道和载体", "发布平台")),
    Field("content", "内容", ("内容", "正文", "信息内容")),
    Field("summary", "摘要", ("摘要", "内容概述", "内容摘要", "简介", "主要内容")),
    # A reason given makes the row a 不予公开 item when no 公开属性 says otherwise.
    Field("withheld_reason", "不予公开理由", ("不予公开理由", "不公开理由", "不予公开的理由和依据", "不予公开依据",
                                         "不予公开的理由", "不予公开原因")),
    Field("validity", "有效性", ("有效性", "效力状况", "时效", "效力", "时效性", "有效状态")),
    Field("url", "链接", ("链接", "网址", "网页地址", "网页链接")),
]
FIELD_BY_KEY = {f.key: f for f in FIELDS}
REQUIRED = ("title",)
DATE_FIELDS = ("formed_on", "published_on")

_STRIP = re.compile(r"[\s\u3000*＊:：]|[（(]\s*(必填|选填|可选|必选)\s*[)）]")


def normalise_header(text: Any) -> str:
    """'* 发布日期（必填）' → '发布日期'; full-width brackets as half-width; no spaces."""
    if text is None:
        return ""
    s = _STRIP.sub("", str(text))
    return s.replace("（", "(").replace("）", ")").replace("／", "/").lower()


_EXACT = {normalise_header(s): f.key for f in FIELDS for s in f.synonyms}
_BY_LENGTH = sorted(_EXACT.items(), key=lambda kv: -len(kv[0]))


def field_for(header: Any) -> Optional[str]:
    """The field a column header means: an exact synonym, else the longest synonym the
    header starts with ('发布日期(年月日)' → published_on). None when nothing fits."""
    h = normalise_header(header)
    if not h:
        return None
    if h in _EXACT:
        return _EXACT[h]
    for synonym, key in _BY_LENGTH:
        if len(synonym) >= 2 and h.startswith(synonym):
            return key
    return None


def auto_mapping(headers: Sequence[Any]) -> dict[int, Optional[str]]:
    """Column index → field; a field is taken by its first column only."""
    taken: set[str] = set()
    out: dict[int, Optional[str]] = {}
    for i, h in enumerate(headers):
        key = field_for(h)
        out[i] = key if key and key not in taken else None
        if key:
            taken.add(key)
    return out


def field_key(name: str) -> Optional[str]:
    """The field a user names on the command line: its key ('title') or its label ('标题')."""
    text = name.strip()
    if text in FIELD_BY_KEY:
        return text
    return next((f.key for f in FIELDS if f.label == text), None)


def field_names() -> str:
    """'title（标题）、formed_on（形成日期）…' for a message that lists what can be named."""
    return "、".join(f"{f.key}（{f.label}）" for f in FIELDS)


def header_score(values: Sequence[Any]) -> int:
    return len({k for k in auto_mapping(values).values() if k})


def find_header(rows: Sequence[Sequence[Any]]) -> Optional[int]:
    """Index of the header row among the first rows: the first row naming the title column
    and at least one other known column (a title row above it names nothing)."""
    best, best_score = None, 1
    for i, values in enumerate(rows[:HEADER_SCAN_ROWS]):
        mapping = auto_mapping(values)
        score = len({k for k in mapping.values() if k})
        if "title" in mapping.values() and score >= 2:
            return i
        if score > best_score:
            best, best_score = i, score
    return best


# --- values as clerks type them -------------------------------------------------------------------

# Excel day numbers a ledger can hold: 1990-01-01 … 2099-12-31. A smaller number in a date
# column (2026, 9.3) is a typing slip, not a day in 1905.
MIN_SERIAL, MAX_SERIAL = 32874, 73050
_TIME_TAIL = re.compile(r"\s+\d{1,2}:\d{2}(:\d{2})?(\.\d+)?$")
_WEEKDAY_TAIL = re.compile(r"\s*(星期|周)[一二三四五六日天]$")


def to_date(value: Any) -> tuple[Optional[dt.date], bool]:
    """(date, ok): empty gives (None, True); what cannot be read gives (None, False)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, True
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and 19000101 <= value <= 21001231:
            day = parse_date(str(int(value)))  # 20260903 typed as a number
        elif MIN_SERIAL <= value <= MAX_SERIAL:
            day = from_excel_serial(value)
        else:
            day = None  # 2026 alone, 9.3 …: a number, not a day
        return day, day is not None
    if isinstance(value, str):
        value = _WEEKDAY_TAIL.sub("", _TIME_TAIL.sub("", value.strip()))
    day = parse_date(value)
    return day, day is not None


def to_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 文号 or 索引号 typed as a number
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()[:10]
    return str(value).strip()


ATTRIBUTE_WORDS = {"主动公开": "active", "主动": "active", "依申请公开": "on_request",
                   "依申请": "on_request", "不予公开": "withheld", "不公开": "withheld",
                   "免予公开": "withheld"}


def to_attribute(text: str) -> Optional[str]:
    return ATTRIBUTE_WORDS.get(text.replace(" ", ""))


CHANNEL_WORDS = {"网站": "政府网站", "门户网站": "政府网站", "街道网站": "政府网站", "政府网": "政府网站",
                 "微信": "两微一端", "微博": "两微一端", "公众号": "两微一端", "微信公众号": "两微一端",
                 "新媒体": "两微一端", "政务新媒体": "两微一端", "公报": "政府公报",
                 "公示栏": "社区/村公示栏（电子屏）", "公开栏": "社区/村公示栏（电子屏）",
                 "宣传栏": "社区/村公示栏（电子屏）", "电子屏": "社区/村公示栏（电子屏）",
                 "报纸": "纸质媒体", "报刊": "纸质媒体", "广播": "广播电视", "电视": "广播电视"}
_CHANNEL_SPLIT = re.compile(r"[、，,;；\s]+")


def to_channels(text: str) -> list[str]:
    """'网站、微信' → ['政府网站', '两微一端']; unknown names are kept as written."""
    out = []
    for part in _CHANNEL_SPLIT.split(text):
        if part:
            out.append(part if part in CHANNELS else CHANNEL_WORDS.get(part, part))
    return list(dict.fromkeys(out))


KIND_WORDS = {"通知公告": "公告公示", "公示公告": "公告公示", "公告": "公告公示", "公示": "公告公示",
              "动态": "工作动态", "工作信息": "工作动态", "政务动态": "工作动态", "解读": "政策解读",
              "文件": "政策文件", "政策法规": "政策文件", "规划": "规划计划", "计划": "规划计划",
              "财政": "财政信息", "预决算": "财政信息", "人事": "人事信息", "回应": "回应关切"}


VALIDITY_WORDS = {"有效": "valid", "现行有效": "valid", "长期": "valid", "长期有效": "valid", "现行": "valid",
                  "废止": "repealed", "已废止": "repealed", "废除": "repealed", "已废除": "repealed",
                  "失效": "expired", "已失效": "expired", "过期": "expired", "已过期": "expired"}


def to_validity(text: str) -> Optional[str]:
    """'现行有效' → 'valid', '已废止' → 'repealed', '失效' → 'expired'; else None."""
    return VALIDITY_WORDS.get(text.replace(" ", ""))


def to_kind(text: str) -> Optional[str]:
    t = text.replace(" ", "")
    return t if t in KINDS else KIND_WORDS.get(t)
