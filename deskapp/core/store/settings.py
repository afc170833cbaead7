"""The desk's settings, declared once with their type and default (cf. Picard's options).

Stored as key → JSON value in the ``setting`` table, so adding a setting needs no migration.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from deskapp.core.errors import ValidationError
from deskapp.core.store.models import Setting

# The publication check's default 错敏词 (core/privacy/check.py): office names replaced in the
# 2018 institutional reform, frequent 错别字, and marks that must never be published.
DEFAULT_SENSITIVE_WORDS = (
    "工商行政管理局→市场监督管理局", "质量技术监督局→市场监督管理局", "食品药品监督管理局→市场监督管理局",
    "国家工商行政管理总局→国家市场监督管理总局", "国土资源局→自然资源局", "国土资源部→自然资源部",
    "环境保护局→生态环境局", "环境保护部→生态环境部", "卫生和计划生育委员会→卫生健康委员会",
    "卫生计生委→卫生健康委", "安全生产监督管理局→应急管理局", "农业部→农业农村部",
    "布署→部署", "既使→即使", "做为→作为", "按装→安装", "精减→精简", "再接再励→再接再厉",
    "迫不急待→迫不及待", "防碍→妨碍", "辩别→辨别", "松驰→松弛", "一愁莫展→一筹莫展",
    "绝密", "机密", "秘密★", "内部资料", "不得外传",
)


@dataclass(frozen=True)
class Option:
    key: str
    label: str
    default: Any
    kind: type


OPTIONS: dict[str, Option] = {
    o.key: o
    for o in [
        Option("org_name", "机关名称", "", str),
        Option("index_prefix", "索引号前缀", "", str),
        Option("serial_width", "索引号流水号位数", 5, int),
        Option("address", "办公地址", "", str),
        Option("office_hours", "办公时间", "周一至周五 上午8:30—12:00，下午14:00—17:30", str),
        Option("phone", "监督电话", "", str),
        Option("fax", "传真", "", str),
        Option("email", "电子邮箱", "", str),
        Option("notice_days", "默认公示期天数", 7, int),
        Option("notice_day_kind", "默认公示期计算方式", "calendar", str),  # calendar/working
        Option("default_time_limit", "默认公开时限（工作日）", 20, int),
        Option("due_soon_workdays", "即将到期提醒（工作日）", 3, int),
        # 工作台 (issue 12): an item waiting longer than this at one review step is 审核超时
        # (local practice, no national rule).
        Option("review_step_workdays", "审核环节超时（工作日）", 5, int),
        Option("annual_report_due", "年度报告报送期限（月-日）", "01-31", str),
        Option("demo_loaded", "已载入演示数据", False, bool),
        # Noticeboard (issue 4): names in the name columns of a list printed as 张*三.
        Option("mask_names", "公示名单姓名脱敏", False, bool),
        Option("board_name", "公示栏名称", "政务公开栏", str),
        # Publication check (issue 15): 错敏词, one entry a line, "错词→正确写法" or a word to flag.
        Option("sensitive_words", "错敏词表", list(DEFAULT_SENSITIVE_WORDS), list),
        # 依申请公开 (issue 11): 申请编号 = 前缀〔年〕序号号; the periods the office gives.
        Option("request_prefix", "申请编号前缀", "依申请公开", str),
        Option("supplement_days", "补正期限（工作日）", 15, int),
        Option("fee_payment_days", "缴费期限（工作日）", 20, int),
        # 依申请公开 letters (issue 11): where to appeal (救济途径), and each template's own wording
        # ("" = the default of core/requests/wording.py, which checks an edited text first).
        Option("request_review_body", "行政复议机关", "", str),
        Option("request_court", "行政诉讼人民法院", "", str),
        # Accounts on a server (issue 13): wrong sign-in passwords before a lockout, and its length.
        Option("signin_max_failed", "登录密码连续输错锁定次数", 5, int),
        Option("signin_lock_minutes", "登录锁定时长（分钟）", 15, int),
        *(Option(f"letter_{key}", f"文书措辞（{key}）", "", str) for key in (
            "receipt", "supplement", "extension", "third_party", "reply_opening", "remedy",
            *(f"reply_{code}" for code in ("open", "partial", *(f"refuse_{n}" for n in range(1, 9)),
                                           *(f"unable_{n}" for n in range(1, 4)),
                                           *(f"reject_{n}" for n in range(1, 6)),
                                           *(f"other_{n}" for n in range(1, 4)))))),
    ]
}


def get(session: Session, key: str) -> Any:
    option = OPTIONS[key]
    row = session.get(Setting, key)
    return option.default if row is None else row.value


def get_all(session: Session) -> dict[str, Any]:
    values = {k: o.default for k, o in OPTIONS.items()}
    for row in session.scalars(select(Setting)):
        if row.key in values:
            values[row.key] = row.value
    return values


def coerce(key: str, value: Any) -> Any:
    option = OPTIONS.get(key)
    if option is None:
        raise ValidationError({key: f"未知的设置项“{key}”。"})
    if option.kind is bool:
        return bool(value)
    if option.kind is list:  # a word list: entries one a line (from a text box) or a list
        entries = value.splitlines() if isinstance(value, str) else list(value or [])
        return [str(e).strip() for e in entries if str(e).strip()]
    try:
        result = option.kind(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError({key: f"“{option.label}”应为数字。"}) from exc
    if option.kind is str:
        result = result.strip()
    return result


def validate(values: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    width = values.get("serial_width")
    if width is not None and not 3 <= width <= 8:
        errors["serial_width"] = "流水号位数应在 3 到 8 之间。"
    days = values.get("notice_days")
    if days is not None and not 1 <= days <= 90:
        errors["notice_days"] = "公示期应在 1 到 90 天之间。"
    limit = values.get("default_time_limit")
    if limit is not None and not 1 <= limit <= 60:
        errors["default_time_limit"] = "公开时限应在 1 到 60 个工作日之间。"
    if values.get("notice_day_kind") not in (None, "calendar", "working"):
        errors["notice_day_kind"] = "公示期计算方式只能是自然日或工作日。"
    prefix = values.get("index_prefix")
    if prefix is not None and ("/" in prefix or len(prefix) > 40):
        errors["index_prefix"] = "索引号前缀不能含“/”，且不超过40个字符。"
    for key, label in (("supplement_days", "补正期限"), ("fee_payment_days", "缴费期限")):
        value = values.get(key)
        if value is not None and not 1 <= value <= 60:
            errors[key] = f"{label}应在 1 到 60 个工作日之间。"
    tries = values.get("signin_max_failed")
    if tries is not None and not 3 <= tries <= 20:
        errors["signin_max_failed"] = "登录锁定次数应在 3 到 20 次之间。"
    minutes = values.get("signin_lock_minutes")
    if minutes is not None and not 1 <= minutes <= 1440:
        errors["signin_lock_minutes"] = "登录锁定时长应在 1 到 1440 分钟之间。"
    req_prefix = values.get("request_prefix")
    if req_prefix is not None and len(req_prefix) > 40:
        errors["request_prefix"] = "申请编号前缀不超过40个字符。"
    if errors:
        raise ValidationError(errors)


def put_many(session: Session, changes: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Store settings; returns {key: (before, after)} of what really changed."""
    coerced = {k: coerce(k, v) for k, v in changes.items()}
    validate(coerced)
    changed: dict[str, tuple[Any, Any]] = {}
    for key, value in coerced.items():
        before = get(session, key)
        if before == value:
            continue
        row = session.get(Setting, key)
        if row is None:
            session.add(Setting(key=key, value=value))
        else:
            row.value = value
        changed[key] = (before, value)
    session.flush()
    return changed
