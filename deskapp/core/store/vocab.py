"""Stored codes and the Simplified Chinese labels users see. One place for both."""

from __future__ import annotations

KINDS = ["政策文件", "规范性文件", "政策解读", "工作动态", "公告公示", "规划计划", "财政信息",
         "人事信息", "回应关切", "其他"]

ATTRIBUTES = {"active": "主动公开", "on_request": "依申请公开", "withheld": "不予公开"}
SCOPES = {"public": "面向社会", "internal": "对内公开"}
STATUSES = {
    "draft": "草稿",
    "in_review": "审核中",
    "returned": "已退回",
    "approved": "已签发",
    "published": "已发布",
    "withdrawn": "已下架",
}
VALIDITY = {"valid": "有效", "repealed": "废止", "expired": "失效"}
DEPARTMENT_KINDS = {"office": "科室", "community": "社区", "station": "站所"}
NOTICE_DAY_KINDS = {"calendar": "自然日", "working": "工作日"}

CHANNELS = ["政府网站", "政府公报", "两微一端", "发布会/听证会", "广播电视", "纸质媒体", "公开查阅点",
            "政务服务中心", "便民服务站", "入户/现场", "社区/村公示栏（电子屏）", "精准推送", "其他"]

ROLES = {
    "maintainer": "信息员",
    "drafter": "经办人",
    "dept_head": "科室负责人",
    "secrecy": "保密审查员",
    "deputy_leader": "分管领导",
    "chief_leader": "主要领导",
    "admin": "管理员",
}


def label(mapping: dict[str, str], code: str | None) -> str:
    """The Chinese label of a stored code; the code itself when it is unknown."""
    if code is None:
        return ""
    return mapping.get(code, code)


def code_of(mapping: dict[str, str], text: str) -> str | None:
    """The stored code for a Chinese label or for the code itself; None when neither."""
    text = text.strip()
    if text in mapping:
        return text
    for code, name in mapping.items():
        if name == text:
            return code
    return None
