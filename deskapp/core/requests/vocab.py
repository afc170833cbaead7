"""Stored codes of the request register and the Simplified Chinese labels users see.

``OUTCOMES`` is section 三 of the annual report (国办公开办函〔2021〕30号) in its order: the
reply letters are keyed by these codes, so they never change.
"""

from __future__ import annotations

# Section 三's applicant columns: 自然人, then the five kinds of 法人或其他组织.
APPLICANT_TYPES = {
    "person": "自然人",
    "business": "商业企业",
    "research": "科研机构",
    "charity": "社会公益组织",
    "legal": "法律服务机构",
    "other_org": "其他",
}
ORG_TYPES = ("business", "research", "charity", "legal", "other_org")

CHANNELS = {
    "in_person": "当面",
    "post": "邮寄（挂号、快递）",
    "letter": "平信",
    "online": "网上申请平台",
    "fax": "传真",
    "email": "电子邮件",
}
# Art. 31: which day counts as 收到申请之日, shown next to the received date for each channel.
RECEIVED_HINTS = {
    "in_person": "当面提交的，以提交之日为收到申请之日。",
    "post": "以邮政、快递等需签收的方式提交的，以双方签收之日为收到申请之日。",
    "letter": "以平常信函等无需签收的方式提交的，以与申请人确认之日为收到申请之日。",
    "online": "通过互联网渠道提交的，以双方确认之日为收到申请之日。",
    "fax": "通过传真提交的，以双方确认之日为收到申请之日。",
    "email": "通过电子邮件提交的，以双方确认之日为收到申请之日。",
}

FORMS = {"paper": "纸质", "electronic": "电子"}
DELIVERIES = {"post": "邮寄", "pickup": "自取", "email": "电子邮件"}
REPLY_DELIVERIES = {"post": "邮寄", "pickup": "自取（当面送达）", "email": "电子邮件", "online": "网上申请平台"}

OUTCOMES: dict[str, str] = {
    "open": "（一）予以公开",
    "partial": "（二）部分公开",
    "refuse_1": "（三）不予公开 1.属于国家秘密",
    "refuse_2": "（三）不予公开 2.其他法律行政法规禁止公开",
    "refuse_3": "（三）不予公开 3.危及“三安全一稳定”",
    "refuse_4": "（三）不予公开 4.保护第三方合法权益",
    "refuse_5": "（三）不予公开 5.属于三类内部事务信息",
    "refuse_6": "（三）不予公开 6.属于四类过程性信息",
    "refuse_7": "（三）不予公开 7.属于行政执法案卷",
    "refuse_8": "（三）不予公开 8.属于行政查询事项",
    "unable_1": "（四）无法提供 1.本机关不掌握相关政府信息",
    "unable_2": "（四）无法提供 2.没有现成信息需要另行制作",
    "unable_3": "（四）无法提供 3.补正后申请内容仍不明确",
    "reject_1": "（五）不予处理 1.信访举报投诉类申请",
    "reject_2": "（五）不予处理 2.重复申请",
    "reject_3": "（五）不予处理 3.要求提供公开出版物",
    "reject_4": "（五）不予处理 4.无正当理由大量反复申请",
    "reject_5": "（五）不予处理 5.要求行政机关确认或重新出具已获取信息",
    "other_1": "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other_2": "（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other_3": "（六）其他处理 3.其他",
}
# The groups of section 三 （一）…（六）, each with its codes in order.
OUTCOME_GROUPS: dict[str, tuple[str, ...]] = {
    "（一）予以公开": ("open",),
    "（二）部分公开": ("partial",),
    "（三）不予公开": tuple(f"refuse_{n}" for n in range(1, 9)),
    "（四）无法提供": tuple(f"unable_{n}" for n in range(1, 4)),
    "（五）不予处理": tuple(f"reject_{n}" for n in range(1, 6)),
    "（六）其他处理": tuple(f"other_{n}" for n in range(1, 4)),
}

# Where a request is (stored, derived from its dates after every action).
STEPS = {
    "registered": "办理中",
    "supplement": "待补正",
    "consulting": "征求第三方意见",
    "fee": "待缴费",
    "extended": "已延期",
    "closed": "已办结",
}
OPEN_STEPS = ("registered", "supplement", "consulting", "fee", "extended")

EVENT_KINDS = {
    "created": "登记申请",
    "edited": "修改登记信息",
    "supplement_notice": "发出补正告知",
    "supplement_received": "收到补正材料",
    "consultation_sent": "征求第三方意见",
    "consultation_answered": "第三方答复",
    "extension": "延期答复",
    "fee_notice": "发出收费通知",
    "fee_paid": "申请人缴费",
    "closed": "答复办结",
    "withdrawn": "申请人撤回申请",
    "letter": "制作文书",
    "carried_over": "结转下年度",
    "deadline_recomputed": "重算答复期限",
}

# The letters the office sends (their texts and PDFs are written elsewhere; the history
# records each one produced).
LETTER_KINDS = {
    "receipt": "登记回执",
    "supplement": "补正申请告知书",
    "extension": "延期答复告知书",
    "third-party": "征求第三方意见书",
    "reply": "政府信息公开申请答复书",
}

APPEAL_KINDS = {"review": "行政复议", "suit_direct": "行政诉讼（未经复议直接起诉）",
                "suit_after_review": "行政诉讼（复议后起诉）"}
APPEAL_RESULTS = {"upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果", "pending": "尚未审结"}
