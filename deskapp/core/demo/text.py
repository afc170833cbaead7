"""Words for the demo data: a street office's topics, titles and documents.

Titles and bodies are composed from templates so that 100 000 items read like a real
register (and give the search something to find) without shipping a corpus. Each function
takes the caller's ``random.Random``; nothing here touches a database.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from deskapp.core.calendar.dates import chinese_date

OFFICE = "长安街道"
OFFICE_FULL = "长安街道办事处"
COMMUNITIES = ("东风社区", "长安社区", "新华社区", "和平社区", "光明社区", "花园社区")


@dataclass(frozen=True)
class Topic:
    phrase: str  # fits "关于做好…工作的通知"
    department: str
    catalogue: str  # code of a catalogue entry in resources/catalogue.json
    purpose: str  # "为…" clause of a notice


TOPICS = (
    Topic("城乡居民医疗保险征缴", "社会事务办", "9017", "确保城乡居民应保尽保、按时足额缴费"),
    Topic("最低生活保障复核", "社会事务办", "9018", "规范最低生活保障管理，做到应保尽保、应退尽退"),
    Topic("临时救助", "社会事务办", "9018", "及时救助遭遇突发性、紧迫性困难的家庭"),
    Topic("残疾人两项补贴发放", "社会事务办", "9018", "保障困难残疾人和重度残疾人基本生活"),
    Topic("高龄津贴申领", "社会事务办", "9019", "落实高龄老人津贴政策，提升老年人获得感"),
    Topic("居家养老服务", "社会事务办", "9019", "完善居家社区养老服务网络"),
    Topic("就业援助月", "社会事务办", "9016", "帮助就业困难人员和零就业家庭实现就业"),
    Topic("公共租赁住房资格审核", "社会事务办", "9026", "规范公共租赁住房分配管理"),
    Topic("老旧小区改造", "城市管理办", "9001", "改善老旧小区居住条件，提升居民生活品质"),
    Topic("生活垃圾分类", "城市管理办", "9009", "巩固生活垃圾分类工作成效"),
    Topic("违法建筑整治", "城市管理办", "9015", "依法拆除违法建筑，改善城市面貌"),
    Topic("市容环境卫生整治", "城市管理办", "9024", "营造整洁有序的城市环境"),
    Topic("防汛防台", "平安办", "9013", "切实做好汛期各项防范应对工作，保障人民群众生命财产安全"),
    Topic("安全生产大检查", "平安办", "9004", "全面排查整治各类安全隐患，坚决遏制重特大事故"),
    Topic("消防安全隐患排查", "平安办", "9004", "消除火灾隐患，预防和减少火灾事故"),
    Topic("电动自行车安全隐患整治", "平安办", "9004", "遏制电动自行车火灾事故多发势头"),
    Topic("燃气安全专项整治", "平安办", "9004", "防范化解燃气安全风险"),
    Topic("矛盾纠纷排查化解", "平安办", "9011", "把矛盾纠纷化解在基层、消除在萌芽状态"),
    Topic("法治宣传教育", "平安办", "9011", "推动全民守法，提升居民法治意识"),
    Topic("退役军人优待抚恤", "退役军人服务站", "1001", "落实退役军人优待抚恤政策"),
    Topic("家庭医生签约服务", "社区卫生服务中心", "9023", "推进家庭医生签约服务提质扩面"),
    Topic("老年人健康体检", "社区卫生服务中心", "9023", "做好辖区65岁以上老年人健康管理"),
    Topic("爱国卫生运动", "社区卫生服务中心", "9023", "深入开展爱国卫生运动，改善人居环境"),
    Topic("营商环境优化", "经济发展办", "0202", "持续优化辖区营商环境，服务企业发展"),
    Topic("规模以上企业统计", "经济发展办", "1001", "提高统计数据质量"),
    Topic("文明城市创建", "党政办", "0601", "巩固全国文明城市创建成果"),
    Topic("政务公开", "党政办", "0301", "深入推进基层政务公开标准化规范化"),
    Topic("公共文化服务", "社会事务办", "9010", "丰富居民精神文化生活"),
)

POLICY_TITLES = ("关于做好{year}年度{t}工作的通知", "关于印发《{office}{t}工作实施方案》的通知",
                 "关于进一步加强{t}工作的意见", "关于开展{t}专项行动的通知")
NORM_TITLES = ("关于印发《{office}{t}管理办法》的通知", "关于印发《{office}{t}实施细则》的通知",
               "关于印发《{office}{t}管理暂行规定》的通知")
NEWS_TITLES = ("{office}召开{t}工作推进会", "{c}扎实开展{t}工作", "{office}组织开展{t}专题培训",
               "{c}开展{t}主题宣传活动", "街道领导带队督查{t}工作", "{office}{t}工作取得阶段性成效")
PLAN_TITLES = ("{office}{year}年{t}工作计划", "{office}{year}年政务公开工作要点",
               "{office}{t}三年行动计划（{year}—{year2}年）")
FINANCE_TITLES = ("{org}{year}年部门预算", "{org}{prev}年部门决算", "{office}{year}年“三公”经费预算情况说明",
                  "{office}{t}项目政府采购结果公告", "{office}{year}年第{q}季度财政资金使用情况")
PERSONNEL_TITLES = ("{office}{year}年公开招聘社区专职工作者公告",
                    "{office}{year}年公开招聘社区专职工作者拟聘用人员名单", "关于{name}等同志职务任免的通知")
RESPONSE_TITLES = ("关于居民反映{c}{issue}问题的回复", "关于“{issue}”网民留言的答复",
                   "12345热线关于{c}{issue}诉求的办理情况")
OTHER_TITLES = ("{office}{t}办事指南", "{office}便民服务中心{t}服务事项清单", "{office}政府信息公开指南（{year}年版）")
ANNOUNCE_TITLES = ("关于{c}{month}月{day}日临时停水的公告", "关于征集{t}意见建议的公告", "关于{year}年{t}项目的公示")
# What residents raise (回应关切), and the department that answers.
ISSUES = (("路灯不亮", "城市管理办"), ("楼道堆放杂物", "平安办"), ("电动车充电难", "平安办"),
          ("小区停车难", "社区管理办"), ("垃圾清运不及时", "城市管理办"), ("夜间施工噪音扰民", "城市管理办"),
          ("下水道堵塞", "城市管理办"), ("违章搭建", "城市管理办"), ("广场舞噪音", "社区管理办"),
          ("占道经营", "城市管理办"), ("二次供水水质", "社区管理办"), ("电梯加装进度", "社区管理办"))


@dataclass(frozen=True)
class ListNotice:
    """A 公示 with a list of people, and what each list's extra column means."""

    title: str
    topic: str  # the phrase of its Topic
    column: str
    amounts: tuple[int, ...]


LIST_NOTICES = (
    ListNotice("{office}{year}年{month}月最低生活保障（低保）新增对象公示", "最低生活保障复核", "保障金额（元/月）",
               (860, 1020, 1260, 1540, 1780)),
    ListNotice("{office}{year}年{month}月临时救助对象公示", "临时救助", "救助金额（元）", (1000, 2000, 3000, 5000)),
    ListNotice("{office}{year}年第{q}季度困难残疾人生活补贴和重度残疾人护理补贴名单公示", "残疾人两项补贴发放",
               "补贴金额（元/月）", (160, 240, 320)),
    ListNotice("{c}{year}年度高龄津贴发放对象公示", "高龄津贴申领", "津贴金额（元/月）", (100, 200, 500)),
    ListNotice("{office}{year}年{month}月公共租赁住房资格审核通过人员公示", "公共租赁住房资格审核",
               "家庭人口（人）", (1, 2, 3, 4)),
)


def topic(phrase: str) -> Topic:
    return next(t for t in TOPICS if t.phrase == phrase)


def fill(template: str, rng: random.Random, t: Topic, day: dt.date, org: str, name: str = "",
         issue: str = "") -> str:
    return template.format(
        office=OFFICE, org=org, t=t.phrase, year=day.year, year2=day.year + 2, prev=day.year - 1,
        month=day.month, day=day.day, q=(day.month - 1) // 3 + 1, c=rng.choice(COMMUNITIES),
        issue=issue, name=name,
    )


def summary_of(content: str, limit: int = 70) -> str:
    """内容概述: the first paragraph that says something (not the salutation), shortened."""
    for para in content.split("\n\n"):
        para = para.split("\n")[-1].strip() if para.startswith(("一、", "二、")) else para.strip()
        if para and not para.endswith("："):
            return para if len(para) <= limit else para[:limit - 2] + "……"
    return ""


def document_name(title: str) -> str:
    """"关于印发《X》的通知" → "X" (the document a notice issues); other titles unchanged."""
    if title.startswith("关于印发《") and title.endswith("》的通知"):
        return title[len("关于印发《"):-len("》的通知")]
    return title


def policy_body(rng: random.Random, t: Topic, day: dt.date, org: str, basis: str) -> str:
    """A notice in the usual 一、二、三 structure, addressed to communities and departments."""
    second = rng.choice(("压实工作责任", "加强宣传引导", "强化督促检查", "做好信息报送"))
    return "\n\n".join((
        "各社区居委会，街道各科室、站所：",
        f"为{t.purpose}，根据{basis}，结合我街道实际，现就做好{t.phrase}工作通知如下。",
        f"一、工作目标\n坚持以人民为中心，{day.year}年底前{t.phrase}工作实现全覆盖，群众满意度明显提升。",
        f"二、主要任务\n（一）全面摸排底数。各社区要逐户核实情况，建立工作台账，做到不漏一户、不落一人。\n"
        f"（二）{second}。{t.department}要加强业务指导，每月汇总进展情况，及时协调解决问题。",
        f"三、工作要求\n各单位要高度重视，明确专人负责，按时报送工作进展。联系人：{t.department}。",
        f"{org}\n{chinese_date(day)}",
    ))


def interpretation_body(policy_title: str, t: Topic, day: dt.date) -> str:
    return "\n\n".join((
        f"一、出台背景\n为{t.purpose}，街道制定了{policy_title}。",
        f"二、主要内容\n文件明确了{t.phrase}工作的目标任务、职责分工和保障措施。",
        "三、适用对象\n辖区内居民、企业和各社区居委会。",
        f"四、解读机关及联系方式\n解读机关：{OFFICE_FULL}{t.department}；解读日期：{chinese_date(day)}。",
    ))


def news_body(rng: random.Random, t: Topic, day: dt.date) -> str:
    c = rng.choice(COMMUNITIES)
    n = rng.randint(20, 300)
    return "\n\n".join((
        f"{day.month}月{day.day}日，{OFFICE}{t.department}会同{c}开展{t.phrase}工作，共走访居民{n}户，"
        f"发放宣传资料{n * 3}份，现场解答群众咨询{rng.randint(10, 90)}人次。",
        f"下一步，{OFFICE}将持续推进{t.phrase}工作，及时回应群众关切，推动各项任务落地见效。",
    ))


def plain_body(rng: random.Random, subject: str, day: dt.date, org: str) -> str:
    return "\n\n".join((
        f"根据工作安排，现将{subject}有关事项公开如下。",
        f"一、基本情况\n{day.year}年以来，{OFFICE}围绕{subject}，累计投入资金{rng.randint(5, 400)}万元，"
        f"惠及居民{rng.randint(100, 9000)}人。",
        f"二、办理渠道\n居民可到{OFFICE}便民服务中心或所在社区居委会咨询办理。",
        f"{org}\n{chinese_date(day)}",
    ))


def response_body(rng: random.Random, issue: str, department: str, day: dt.date) -> str:
    return "\n\n".join((
        f"您反映的“{issue}”问题已收悉。街道高度重视，{department}会同所在社区于{day.month}月{day.day}日"
        "进行了现场核实。",
        f"经核实，情况基本属实。目前已督促相关单位于{rng.randint(3, 15)}个工作日内整改到位，"
        "后续将加强日常巡查，防止问题反弹。",
        "感谢您对街道工作的关心和支持。",
    ))


def people_lines(rng: random.Random, people: list[tuple[str, str, str, str, int]], column: str) -> str:
    """The list of a 公示: tab-separated 序号/姓名/身份证号/手机号/社区/amount lines."""
    lines = ["序号\t姓名\t身份证号\t手机号\t所在社区\t" + column]
    for n, (name, id_no, phone, community, amount) in enumerate(people, start=1):
        lines.append(f"{n}\t{name}\t{id_no}\t{phone}\t{community}\t{amount}")
    return "\n".join(lines)


def list_notice_body(table: str, t: Topic, start: dt.date, end: dt.date, org: str,
                     phone: str, issued: dt.date) -> str:
    return "\n\n".join((
        f"根据有关规定，经本人申请、社区入户调查、民主评议和街道审核，现将{t.phrase}拟享受对象名单予以公示，"
        "接受社会公众监督。",
        table,
        f"公示时间：{chinese_date(start)}—{chinese_date(end)}。公示期内如有异议，请以书面或电话形式向"
        f"{OFFICE}{t.department}反映，监督电话：{phone}。",
        f"{org}\n{chinese_date(issued)}",
    ))


def appointment_body(names: list[str], start: dt.date, end: dt.date, org: str, phone: str) -> str:
    # One to three names: the first ones take the offices in order.
    offices = ("党政办", "社会事务办", "平安办")
    rows = "\n".join(f"{n}，拟任{OFFICE}{dept}负责人。" for n, dept in zip(names, offices, strict=False))
    return "\n\n".join((
        "根据《党政领导干部选拔任用工作条例》有关规定，现将拟任职干部情况予以公示：",
        rows,
        f"公示时间：{chinese_date(start)}—{chinese_date(end)}（5个工作日）。如有意见，请在公示期间向"
        f"{OFFICE}党政办反映，电话：{phone}。",
        f"{org}\n{chinese_date(start)}",
    ))
