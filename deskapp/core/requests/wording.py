"""The wording of the letters the office sends to applicants (依申请公开), editable. No Qt.

Each letter is built from templates with named fields (``{applicant}``, ``{number}``,
``{received}``, …; see :data:`FIELDS`). The defaults are here, in code; an office that words
a letter differently stores its own text under the template's setting key (``letter_<key>``,
declared in :mod:`deskapp.core.store.settings`, "" = the default below). An edited template
is checked before it is stored (:func:`save_templates`): only known fields, no format tricks,
the legal basis and the 救济途径 kept; a stored template that fails the check anyway (written
by another path) is not used: the default is printed and the user is told.

Legal basis: 《中华人民共和国政府信息公开条例》 (2019 revision, 国务院令第711号). Which article
each reply cites is in :data:`REPLIES` (``basis``); ``practice`` says where the mapping is
local practice rather than the regulation's own words. Dates arrive already written as
2026年9月3日 and free text already masked (the PDF layer does both); this module only words.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from typing import Any, Mapping

from sqlalchemy.orm import Session

from deskapp.core.errors import ValidationError
from deskapp.core.store import settings

REGULATION = "《中华人民共和国政府信息公开条例》"

# Letter kinds and their titles. The CLI spells the third one ``third-party``: accepted too.
KINDS: dict[str, str] = {
    "receipt": "政府信息公开申请登记回执",
    "supplement": "补正申请告知书",
    "extension": "延期答复告知书",
    "third_party": "征求第三方意见书",
    "reply": "政府信息公开申请答复书",
}

# Every field a template may use, with the label users see in the settings and messages.
FIELDS: dict[str, str] = {
    "office": "本机关名称",
    "applicant": "申请人姓名或名称",
    "id_number": "申请人证件号码（遮盖）",
    "number": "申请编号",
    "subject": "申请公开的信息",
    "received": "收到申请日期",
    "letter_date": "文书日期",
    "due": "答复期限",
    "new_due": "延长后的答复期限",
    "supplement_end": "补正期限",
    "missing": "需要补正的事项",
    "approver": "批准延期的负责人",
    "third_party": "第三方名称",
    "third_party_due": "第三方提出意见的期限",
    "reason": "理由说明",
    "review_body": "行政复议机关",
    "court": "人民法院",
    "address": "本机关地址",
    "phone": "本机关电话",
}
DATE_FIELDS = frozenset({"received", "letter_date", "due", "new_due", "supplement_end", "third_party_due"})
# Never on the letter to a third party (个人信息保护): who applied, and their 证件号.
APPLICANT_FIELDS = frozenset({"applicant", "id_number"})

# When the office has not named them yet (a warning says so): what the law makes them for a
# 街道办事处 — 行政复议法 (2023) 第二十四条: the 区/县 government that set it up; 行政诉讼法
# 第十八条: the court where the office is.
REVIEW_BODY_FALLBACK = "设立本机关的区（县）人民政府"
COURT_FALLBACK = "本机关所在地有管辖权的人民法院"
REVIEW_BODY_KEY = "request_review_body"
COURT_KEY = "request_court"

_SEE = f"根据{REGULATION}"


@dataclass(frozen=True)
class Reply:
    """One outcome's reply paragraph: the article(s) cited and where that is local practice."""

    basis: str  # the article(s) the text cites, as printed
    text: str
    practice: str = ""  # why the mapping is local practice ("" = the regulation says it)


def _refuse(what: str, basis: str, practice: str = "") -> Reply:
    return Reply(basis, f"经审查，您申请公开的政府信息{what}。{_SEE}{basis}的规定，本机关决定不予公开。", practice)


# Section 三's outcome codes (fixed strings, cf. core/requests/vocab.OUTCOMES) → the reply.
REPLIES: dict[str, Reply] = {
    # 第三十六条第（一）项 is for information already published (tell where it is); the usual
    # 予以公开 provides it: 第（二）项. An office answering "已主动公开" edits this text.
    "open": Reply("第三十六条第（二）项",
                  f"经审查，您申请公开的政府信息属于可以公开的政府信息。{_SEE}第三十六条第（二）项的规定，"
                  "本机关决定予以公开，现将该政府信息随本答复书一并提供给您。"),
    "partial": Reply("第三十七条",
                     f"经审查，您申请公开的政府信息中含有不应当公开的内容，但能够作区分处理。{_SEE}"
                     "第三十七条的规定，本机关向您提供可以公开的政府信息内容（随本答复书一并提供），"
                     "对不应当公开的内容不予公开。"),
    "refuse_1": _refuse("属于依法确定为国家秘密的政府信息", "第十四条、第三十六条第（三）项"),
    "refuse_2": _refuse("属于法律、行政法规禁止公开的政府信息", "第十四条、第三十六条第（三）项"),
    "refuse_3": _refuse("公开后可能危及国家安全、公共安全、经济安全、社会稳定", "第十四条、第三十六条第（三）项"),
    "refuse_4": _refuse("涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害",
                        "第十五条、第三十六条第（三）项",
                        "when the third party was consulted and objected, 第三十二条 applies too"),
    "refuse_5": _refuse("属于行政机关的人事管理、后勤管理、内部工作流程等方面的内部事务信息",
                        "第十六条第一款、第三十六条第（三）项"),
    "refuse_6": _refuse("属于行政机关在履行行政管理职能过程中形成的讨论记录、过程稿、磋商信函、请示报告等过程性信息",
                        "第十六条第二款、第三十六条第（三）项"),
    "refuse_7": _refuse("属于行政执法案卷信息", "第十六条第二款、第三十六条第（三）项"),
    "refuse_8": Reply("第三十六条第（七）项",
                      "经审查，您申请公开的信息属于工商、不动产登记资料等有关法律、行政法规对信息的获取有特别规定的信息。"
                      f"{_SEE}第三十六条第（七）项的规定，请您依照有关法律、行政法规的规定向有关机关办理查询。",
                      "the report counts 行政查询事项 under 不予公开; the regulation's own item is 36(7)"),
    # 本机关不掌握 covers both 信息不存在 (36(4)) and 不属于本机关负责公开 (36(5)); the default is
    # 36(4). For another agency's information, edit to 第三十六条第（五）项 and name it.
    "unable_1": Reply("第三十六条第（四）项",
                      f"经检索，本机关没有您申请公开的政府信息，该政府信息不存在。{_SEE}第三十六条第（四）项的规定，特此告知。",
                      "36(5) when the information is another agency's"),
    "unable_2": Reply("第三十八条",
                      "经审查，本机关没有您所申请的现成政府信息，提供该信息需要对现有政府信息进行加工、分析。"
                      f"{_SEE}第三十八条的规定，本机关不予提供。"),
    "unable_3": Reply("第三十条",
                      "本机关已一次性告知您对申请内容作出补正，但补正后的申请内容仍不明确，本机关无法确定您所申请公开的政府信息。"
                      f"{_SEE}第三十条的规定，本机关无法向您提供。",
                      "the regulation names no outcome for a still unclear supplement; Art. 30 is the usual citation"),
    "reject_1": Reply("第三十九条第一款",
                      "经审查，您是以政府信息公开申请的形式进行信访、投诉、举报等活动。"
                      f"{_SEE}第三十九条第一款的规定，本机关不作为政府信息公开申请处理，您可以通过信访、投诉、举报等相应渠道提出。"),
    "reject_2": Reply("第三十六条第（六）项",
                      "本机关已就您此前提出的政府信息公开申请作出答复，您本次重复申请公开相同的政府信息。"
                      f"{_SEE}第三十六条第（六）项的规定，本机关不予重复处理。"),
    "reject_3": Reply("第三十九条第二款",
                      "经审查，您申请获取的是政府公报、报刊、书籍等公开出版物。"
                      f"{_SEE}第三十九条第二款的规定，特告知您可以通过公开发行渠道或者公共图书馆等途径获取。"),
    "reject_4": Reply("第三十五条",
                      "您申请公开政府信息的数量、频次明显超过合理范围，本机关已要求您说明理由，经审查，申请理由不合理。"
                      f"{_SEE}第三十五条的规定，本机关不予处理。"),
    "reject_5": Reply("第二条",
                      "经审查，您的申请是要求本机关确认或者重新出具您已获取的信息，所申请的并非"
                      f"{REGULATION}第二条所称的政府信息，本机关不作为政府信息公开申请处理。",
                      "the regulation has no item for it; offices cite Art. 2 (what 政府信息 is)"),
    "other_1": Reply("第三十条",
                     "本机关已一次性告知您对申请内容作出补正，补正期限至{supplement_end}，您无正当理由逾期未补正。"
                     f"{_SEE}第三十条的规定，视为您放弃申请，本机关不再处理该政府信息公开申请。"),
    "other_2": Reply("第四十二条",
                     "您申请公开政府信息的数量、频次明显超过合理范围，本机关已向您发出收费通知，您逾期未按收费通知要求缴纳信息处理费。"
                     f"{_SEE}第四十二条和《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）的规定，"
                     "本机关不再处理该政府信息公开申请。",
                     "the lapse itself is in the 处理费管理办法 (国办函〔2020〕109号), not the regulation"),
    # （六）3 其他: no article. The usual case is a withdrawal; anything else goes in {reason}.
    "other_3": Reply("",
                     "您已撤回该政府信息公开申请，本机关对该申请终止处理。",
                     "no article: 其他处理 (usually a withdrawal)"),
}
OUTCOME_CODES: tuple[str, ...] = tuple(REPLIES)

DEFAULTS: dict[str, str] = {
    "receipt": (
        "本机关于{received}收到您提出的政府信息公开申请，申请编号为{number}，申请人证件号码{id_number}，"
        "您申请公开的政府信息为：“{subject}”。\n"
        f"{_SEE}第三十三条的规定，本机关将在收到申请之日起20个工作日内、最迟于{{due}}作出答复；"
        "需要延长答复期限的，将另行书面告知。征求第三方和其他机关意见所需时间不计算在答复期限内。\n"
        "请妥善保管本回执，查询办理进度时请提供申请编号。"),
    "supplement": (
        "本机关于{received}收到您提出的政府信息公开申请（申请编号：{number}）。经审查，您的申请内容不明确，"
        f"{_SEE}第三十条的规定，现一次性告知您对以下事项作出补正：{{missing}}\n"
        "请最迟于{supplement_end}向本机关提交补正后的申请。答复期限自本机关收到补正的申请之日起计算。"
        "您无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。"),
    "extension": (
        "本机关于{received}收到您提出的政府信息公开申请（申请编号：{number}），您申请公开的政府信息为：“{subject}”。"
        "因需要延长答复期限，经本机关政府信息公开工作机构负责人{approver}同意，"
        f"{_SEE}第三十三条的规定，答复期限由{{due}}延长至{{new_due}}，本机关将在此期限内作出答复。"),
    "third_party": (
        "本机关于{received}收到政府信息公开申请（申请编号：{number}），申请公开的政府信息为：“{subject}”。"
        "经审查，该政府信息公开可能损害贵方的合法权益。"
        f"{_SEE}第三十二条的规定，现书面征求贵方意见。\n"
        "请贵方自收到本意见书之日起15个工作日内、最迟于{third_party_due}以书面形式提出是否同意公开的意见；"
        "不同意公开的，请说明理由。逾期未提出意见的，本机关将依照该条例的规定决定是否公开。\n"
        "贵方不同意公开且有合理理由的，本机关不予公开；本机关认为不公开可能对公共利益造成重大影响的，"
        "可以决定予以公开，并将决定公开的政府信息内容和理由书面告知贵方。"),
    "reply_opening": (
        "本机关于{received}收到您提出的政府信息公开申请（申请编号：{number}），"
        "您申请公开的政府信息为：“{subject}”。现答复如下："),
    **{f"reply_{code}": reply.text for code, reply in REPLIES.items()},
    # Art. 51; 行政复议法 (2023) 第二十条: 60 days; 行政诉讼法 第四十六条: 6 months.
    "remedy": ("如对本答复不服，可以自收到本答复书之日起60日内向{review_body}申请行政复议，"
               "或者自收到本答复书之日起6个月内向{court}提起行政诉讼。"),
}
TEMPLATE_LABELS: dict[str, str] = {
    "receipt": "登记回执",
    "supplement": "补正申请告知书",
    "extension": "延期答复告知书",
    "third_party": "征求第三方意见书",
    "reply_opening": "答复书开头",
    **{f"reply_{code}": f"答复书：{code}" for code in REPLIES},
    "remedy": "答复书救济途径",
}
MAX_TEMPLATE = 3000
_ARTICLE = re.compile(r"第[一二三四五六七八九十]+条")


def setting_key(template: str) -> str:
    """The settings key under which an office's own text for ``template`` is stored."""
    return f"letter_{template}"


SETTING_KEYS: dict[str, str] = {key: setting_key(key) for key in DEFAULTS}


def normalise_kind(kind: str) -> str:
    """``third-party`` (the CLI's spelling) → ``third_party``; unknown kinds are refused."""
    k = kind.strip().replace("-", "_")
    if k not in KINDS:
        raise ValidationError({"kind": f"没有“{kind}”这种文书，"
                               "请选择登记回执、补正告知、延期告知、征求第三方意见或答复书。"})
    return k


def check_outcome(outcome: str) -> str:
    if outcome not in REPLIES:
        raise ValidationError({"outcome": f"答复结果“{outcome}”不是年度报告第三部分所列的办理结果，"
                               "请先为申请选定办理结果。"})
    return outcome


def allowed_fields(template: str) -> frozenset[str]:
    """The fields ``template`` may use: all of them, except the applicant's on the third party's."""
    if template == "third_party":
        return frozenset(FIELDS) - APPLICANT_FIELDS
    return frozenset(FIELDS)


def fields_in(text: str, name: str = "文书措辞") -> list[str]:
    """The field names ``text`` uses, in order; refuses what str.format would do more with."""
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise ValidationError({"template": f"“{name}”中的花括号不成对：字段请写成{{applicant}}这样，"
                               "要印出花括号本身请连写两个。"}) from exc
    used: list[str] = []
    for _literal, fname, spec, conversion in parts:
        if fname is None:
            continue
        if not fname or spec or conversion or not fname.isidentifier():
            written = fname + ("!" + conversion if conversion else "") + (":" + spec if spec else "")
            raise ValidationError({"template": f"“{name}”中的“{{{written}}}”不是可用的字段写法，"
                                   "请只写{字段名}，如{applicant}。"})
        used.append(fname)
    return used


def check_template(template: str, text: str) -> None:
    """Raise ValidationError (one Chinese sentence) unless ``text`` may replace ``template``."""
    if template not in DEFAULTS:
        raise ValidationError({"template": f"没有名为“{template}”的文书措辞。"})
    key, label = setting_key(template), TEMPLATE_LABELS[template]
    if not text.strip():
        raise ValidationError({key: f"“{label}”不能为空；要恢复默认措辞，请使用“恢复默认”。"})
    if len(text) > MAX_TEMPLATE:
        raise ValidationError({key: f"“{label}”超过{MAX_TEMPLATE}字，请精简后再保存。"})
    try:
        used = fields_in(text, label)
    except ValidationError as exc:
        raise ValidationError({key: exc.fields["template"]}) from exc
    allowed = allowed_fields(template)
    for name in used:
        if name in APPLICANT_FIELDS and name not in allowed:
            raise ValidationError({key: f"“{label}”不能写入申请人的姓名或证件号码（{{{name}}}），请删去该字段。"})
        if name not in allowed:
            known = "、".join(f"{{{f}}}" for f in FIELDS)
            raise ValidationError({key: f"“{label}”中的字段{{{name}}}不存在，可用的字段有：{known}。"})
    _check_substance(template, key, label, text, used)


def _check_substance(template: str, key: str, label: str, text: str, used: list[str]) -> None:
    """What the law needs in the text: the 救济途径 and, in a reply, the article it relies on."""
    if template == "remedy":
        if "review_body" not in used or "court" not in used:
            raise ValidationError({key: f"“{label}”须写明行政复议机关和人民法院，请保留{{review_body}}和{{court}}。"})
        if not re.search("60日|六十日", text) or not re.search("6个月|六个月", text):
            raise ValidationError({key: f"“{label}”须写明申请行政复议的60日期限和提起行政诉讼的6个月期限。"})
    elif template.startswith("reply_") and template != "reply_opening":
        if REPLIES[template[len("reply_"):]].basis and not _ARTICLE.search(text):
            raise ValidationError({key: f"“{label}”须写明所依据的条例条款（如“第三十六条第（二）项”），"
                                   "请保留法律依据。"})


def save_templates(session: Session, changes: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Store letter wording by setting key (``letter_…``, the 复议 body, the court), each
    checked first; "" restores a template's default. Returns what changed (settings.put_many)."""
    by_key = {v: k for k, v in SETTING_KEYS.items()}
    errors: dict[str, str] = {}
    for key, value in changes.items():
        if key in by_key and str(value or "").strip():
            try:
                check_template(by_key[key], str(value))
            except ValidationError as exc:
                errors.update(exc.fields)
        elif key not in by_key and key not in (REVIEW_BODY_KEY, COURT_KEY):
            errors[key] = f"“{key}”不是文书措辞的设置项。"
    if errors:
        raise ValidationError(errors)
    return settings.put_many(session, dict(changes))


@dataclass(frozen=True)
class Wording:
    """The templates in force (defaults with the office's overrides) and the named bodies."""

    templates: Mapping[str, str]
    review_body: str = ""
    court: str = ""
    warnings: tuple[str, ...] = ()

    @classmethod
    def defaults(cls) -> "Wording":
        return cls(dict(DEFAULTS))


def load_wording(session: Session) -> Wording:
    """The office's wording; a stored template that fails :func:`check_template` is replaced
    by the default, with a warning (nothing half-edited reaches an applicant)."""
    values = settings.get_all(session)
    templates = dict(DEFAULTS)
    warnings: list[str] = []
    for template, key in SETTING_KEYS.items():
        text = str(values.get(key) or "")
        if not text.strip():
            continue
        try:
            check_template(template, text)
        except ValidationError as exc:
            warnings.append(f"{exc.message}本次使用默认措辞。")
            continue
        templates[template] = text
    return Wording(templates, str(values.get(REVIEW_BODY_KEY) or ""), str(values.get(COURT_KEY) or ""),
                   tuple(warnings))


@dataclass(frozen=True)
class Composed:
    """A letter's words: title, the addressee (before its ：), body paragraphs, 救济途径."""

    title: str
    addressee: str
    paragraphs: tuple[str, ...]
    remedy: str = ""
    warnings: tuple[str, ...] = field(default_factory=tuple)


def compose(wording: Wording, kind: str, values: Mapping[str, str], outcome: str = "") -> Composed:
    """Fill the templates of one letter. ``values``: field → text, dates already written as
    2026年9月3日, free text already masked. An empty field a template needs is left as a blank
    to fill by hand, and a warning names it."""
    kind = normalise_kind(kind)
    vals = {name: str(values.get(name) or "").strip() for name in FIELDS}
    warnings: list[str] = list(wording.warnings)
    if kind == "third_party":
        vals["applicant"] = vals["id_number"] = ""
    keys = _templates_of(kind, outcome)
    if kind == "reply":
        vals["review_body"] = vals["review_body"] or wording.review_body
        vals["court"] = vals["court"] or wording.court
        for name, fallback, setting in (("review_body", REVIEW_BODY_FALLBACK, "行政复议机关名称"),
                                        ("court", COURT_FALLBACK, "受理行政诉讼的人民法院名称")):
            if not vals[name]:
                vals[name] = fallback
                warnings.append(f"尚未在设置中填写{setting}，答复书中写作“{fallback}”，请在设置中填写。")
    paragraphs: list[str] = []
    blanks: list[str] = []
    for key in keys[:-1] if kind == "reply" else keys:
        paragraphs += _fill(wording.templates[key], vals, blanks)
    uses_reason = any("reason" in fields_in(wording.templates[k]) for k in keys)
    if vals["reason"] and not uses_reason:
        paragraphs.append(vals["reason"])
    if kind == "reply" and outcome == "partial" and not vals["reason"]:
        warnings.append("部分公开须说明不予公开部分的理由，请在“理由说明”中填写后重新生成。")
    remedy = " ".join(_fill(wording.templates["remedy"], vals, blanks)) if kind == "reply" else ""
    for name in dict.fromkeys(blanks):
        warnings.append(f"“{FIELDS[name]}”未填写，文书中留空，请补填后重新生成或在打印稿上手写。")
    who = "third_party" if kind == "third_party" else "applicant"
    if not vals[who]:
        warnings.append(f"“{FIELDS[who]}”未填写，收件人一行留空，请补填后重新生成或在打印稿上手写。")
    return Composed(KINDS[kind], vals[who] or "＿＿＿＿＿＿", tuple(paragraphs), remedy, tuple(warnings))


def _templates_of(kind: str, outcome: str) -> list[str]:
    if kind != "reply":
        return [kind]
    return ["reply_opening", f"reply_{check_outcome(outcome)}", "remedy"]


def _fill(template: str, vals: Mapping[str, str], blanks: list[str]) -> list[str]:
    """The template's paragraphs (one per line) with fields filled; blanks noted in ``blanks``."""
    filled: dict[str, str] = {}
    for name in fields_in(template):
        if name in filled:
            continue
        value = vals.get(name, "")
        if not value:
            blanks.append(name)
            value = "＿＿＿＿年＿＿月＿＿日" if name in DATE_FIELDS else "＿＿＿＿＿＿"
        filled[name] = value
    text = template.format_map(filled)
    return [p.strip() for p in text.split("\n") if p.strip()]
