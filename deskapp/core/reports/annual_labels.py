"""Every label of the annual report (国办公开办函〔2021〕30号), spelled once, in the format's order.

The Word, Excel and PDF writers print these strings and the workbook checker reads them back,
so a label is never retyped elsewhere. Keys are English and stable (they are stored in the
frozen figures of a final report); labels are what the national format prints.
"""

from __future__ import annotations

from dataclasses import dataclass

SECTION_TITLES: dict[str, str] = {
    "一": "一、总体情况",
    "二": "二、主动公开政府信息情况",
    "三": "三、收到和处理政府信息公开申请情况",
    "四": "四、政府信息公开行政复议、行政诉讼情况",
    "五": "五、存在的主要问题及改进情况",
    "六": "六、其他需要报告的事项",
}
TEXT_KEYS = ("一", "五", "六")


def report_title(office: str, year: int) -> str:
    return f"{office}{year}年政府信息公开工作年度报告"


# --- section 二: four blocks, each a caption row then a header row starting 信息内容 --------------

S2_CONTENT_HEADER = "信息内容"


@dataclass(frozen=True)
class Block2Spec:
    """One block of section 二: caption, its value columns (key, header) and rows (key, label)."""

    caption: str
    columns: tuple[tuple[str, str], ...]
    rows: tuple[tuple[str, str], ...]

    @property
    def headers(self) -> tuple[str, ...]:
        """The header row as printed: 信息内容 then each value column."""
        return (S2_CONTENT_HEADER, *(label for _, label in self.columns))


S2_BLOCKS: tuple[Block2Spec, ...] = (
    Block2Spec("第二十条第（一）项",
               (("issued", "本年制发件数"), ("repealed", "本年废止件数"), ("in_force", "现行有效件数")),
               (("regulation", "规章"), ("normative", "行政规范性文件"))),
    Block2Spec("第二十条第（五）项", (("decisions", "本年处理决定数量"),), (("permit", "行政许可"),)),
    Block2Spec("第二十条第（六）项", (("decisions", "本年处理决定数量"),),
               (("penalty", "行政处罚"), ("coercion", "行政强制"))),
    Block2Spec("第二十条第（八）项", (("amount", "本年收费金额（单位：万元）"),), (("fee", "行政事业性收费"),)),
)
# (row key, column key) of every cell of section 二, in printing order.
S2_CELLS: tuple[tuple[str, str], ...] = tuple((r, c) for b in S2_BLOCKS for r, _ in b.rows for c, _ in b.columns)
S2_ROW_LABELS: dict[str, str] = {k: label for b in S2_BLOCKS for k, label in b.rows}
S2_COLUMN_LABELS: dict[tuple[str, str], str] = {(r, c): label for b in S2_BLOCKS for r, _ in b.rows
                                                for c, label in b.columns}

# --- section 三: rows × 7 columns -------------------------------------------------------------------

S3_APPLICANT_HEADER = "申请人情况"
S3_ORG_HEADER = "法人或其他组织"
S3_TOP_LEFT_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

# Column keys are the request register's applicant types (requests.vocab.APPLICANT_TYPES), then total.
COLUMN_KEYS: tuple[str, ...] = ("person", "business", "research", "charity", "legal", "other_org", "total")
COLUMN_LABELS: tuple[str, ...] = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
APPLICANT_COLUMNS: tuple[str, ...] = COLUMN_KEYS[:6]
ORG_COLUMNS: tuple[str, ...] = COLUMN_KEYS[1:6]  # under 法人或其他组织
COLUMN_LABEL: dict[str, str] = dict(zip(COLUMN_KEYS, COLUMN_LABELS, strict=True))


@dataclass(frozen=True)
class Row3Spec:
    """One row of table 三. ``part`` is the numbered part (一 … 四); ``group`` the （一）…（七）
    heading inside 三; ``sub`` the numbered sub-row (1.…) inside a group. The printed label of
    the row is its deepest non-empty level; the outputs merge equal parts and groups."""

    key: str
    part: str
    group: str = ""
    sub: str = ""

    @property
    def label(self) -> str:
        return self.sub or self.group or self.part


PART_NEW = "一、本年新收政府信息公开申请数量"
PART_CARRIED_IN = "二、上年结转政府信息公开申请数量"
PART_RESULTS = "三、本年度办理结果"
PART_CARRIED_OUT = "四、结转下年度继续办理"
GROUP_OPEN = "（一）予以公开"
GROUP_PARTIAL = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
GROUP_REFUSE = "（三）不予公开"
GROUP_UNABLE = "（四）无法提供"
GROUP_REJECT = "（五）不予处理"
GROUP_OTHER = "（六）其他处理"
GROUP_TOTAL = "（七）总计"

REFUSE_SUBS = ("1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
               "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项")
UNABLE_SUBS = ("1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确")
REJECT_SUBS = ("1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
               "5.要求行政机关确认或重新出具已获取信息")
OTHER_SUBS = ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
              "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他")

# Row keys of the outcomes are the request register's outcome codes (requests.vocab.OUTCOMES).
S3_ROWS: tuple[Row3Spec, ...] = (
    Row3Spec("new", PART_NEW),
    Row3Spec("carried_in", PART_CARRIED_IN),
    Row3Spec("open", PART_RESULTS, GROUP_OPEN),
    Row3Spec("partial", PART_RESULTS, GROUP_PARTIAL),
    *(Row3Spec(f"refuse_{n}", PART_RESULTS, GROUP_REFUSE, s) for n, s in enumerate(REFUSE_SUBS, 1)),
    *(Row3Spec(f"unable_{n}", PART_RESULTS, GROUP_UNABLE, s) for n, s in enumerate(UNABLE_SUBS, 1)),
    *(Row3Spec(f"reject_{n}", PART_RESULTS, GROUP_REJECT, s) for n, s in enumerate(REJECT_SUBS, 1)),
    *(Row3Spec(f"other_{n}", PART_RESULTS, GROUP_OTHER, s) for n, s in enumerate(OTHER_SUBS, 1)),
    Row3Spec("outcomes_total", PART_RESULTS, GROUP_TOTAL),
    Row3Spec("carried_out", PART_CARRIED_OUT),
)
ROW_KEYS: tuple[str, ...] = tuple(r.key for r in S3_ROWS)
ROW_LABELS: tuple[str, ...] = tuple(r.label for r in S3_ROWS)
ROW_SPEC: dict[str, Row3Spec] = {r.key: r for r in S3_ROWS}
# The outcome rows （一）…（六） with their sub-rows, whose sum is （七）总计.
OUTCOME_ROWS: tuple[str, ...] = ROW_KEYS[2:-2]

# --- section 四: one data row of 15 cells -----------------------------------------------------------

S4_REVIEW = "行政复议"
S4_SUIT = "行政诉讼"
# Kind keys are the request register's appeal kinds (requests.vocab.APPEAL_KINDS).
S4_KINDS: tuple[str, ...] = ("review", "suit_direct", "suit_after_review")
S4_KIND_LABELS: dict[str, str] = {"review": "行政复议", "suit_direct": "未经复议直接起诉",
                                  "suit_after_review": "复议后起诉"}
S4_RESULTS: tuple[str, ...] = ("upheld", "corrected", "other", "pending", "total")
S4_RESULT_LABELS: tuple[str, ...] = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
S4_RESULT_LABEL: dict[str, str] = dict(zip(S4_RESULTS, S4_RESULT_LABELS, strict=True))
S4_CELLS: tuple[tuple[str, str], ...] = tuple((k, r) for k in S4_KINDS for r in S4_RESULTS)


def s4_column_label(kind: str, result: str) -> str:
    """A cell of table 四 named in one line: 行政诉讼（复议后起诉）尚未审结."""
    if kind == "review":
        return f"{S4_REVIEW}{S4_RESULT_LABEL[result]}"
    return f"{S4_SUIT}（{S4_KIND_LABELS[kind]}）{S4_RESULT_LABEL[result]}"
