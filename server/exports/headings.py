"""Every word the exports print, in Chinese and in English.

The wording follows the pages' catalogue (``static/js/i18n.js``) where the
same thing is named there, so a printed result reads like the screen.
"""

from __future__ import annotations

from typing import Literal

from events.catalog import Label

ExportLanguage = Literal["zh-CN", "en"]

COMPETITION = Label(zh_cn="比赛", en="Competition")
ROUND = Label(zh_cn="轮次", en="Round")
HEAD_SEQ = Label(zh_cn="日志序号", en="Log head seq")
HEAD_HASH = Label(zh_cn="日志哈希", en="Log head hash")
ISSUED = Label(zh_cn="发布时间", en="Issued")
STANDING = Label(zh_cn="成绩状态", en="Results")
PROVISIONAL = Label(zh_cn="暂定成绩（尚未确定为最终成绩）", en="Provisional (not yet finalised)")
FINAL_RESULTS = Label(zh_cn="最终成绩（主办方已确认）", en="Final (finalised by the organiser)")
LEGEND = Label(
    zh_cn="删除线：未计入的评委分；回避、弃权、未评：该评委没有分数（原因见“未计入”一栏）；"
    "见习评委不列出",
    en="Struck through: a judge's total that does not count; recused, abstained, "
    "not scored: the judge has no total (see 'Not counted'); shadow judges are not listed",
)
RESULTS_NOTE = Label(
    zh_cn="“未计入”一栏以评委代号列出未计入的评委分及原因；各评委的评分及代号对应的姓名见本组评委评分",
    en="'Not counted' names by their labels the judges whose totals do not count, and why; "
    "every judge's mark, and the judges' names, are in the group's marks",
)
MARKS = Label(zh_cn="评委评分", en="Judges' marks")
MARKS_PART = Label(zh_cn="评委评分（{first}–{last}）", en="Judges' marks ({first}–{last})")
MARKS_SHEET = Label(zh_cn=" 评委评分", en=" marks")
"""Ends the name of a group's marks sheet in the workbook."""
PAGE = Label(zh_cn="第 &P 页，共 &N 页", en="Page &P of &N")
"""A printed sheet's footer (``&P``: the page, ``&N``: the number of pages)."""
MARKS_NOTE = Label(
    zh_cn="删除线：未计入的评委分（原因见上表“未计入”一栏）；回避：评委与选手同单位或经主办方决定回避；"
    "弃权：评委放弃评分；未评：评分结束时评委未评分；见习评委不列出",
    en="Struck through: a judge's total that does not count (see 'Not counted' above); "
    "rec.: the judge recused (same organisation, or by the organiser's decision); "
    "abst.: the judge abstained; n.s.: not scored when scoring closed; "
    "shadow judges are not listed",
)
PANEL_KEY = Label(zh_cn="评委：", en="Judges: ")
RANKING_NOTE = Label(
    zh_cn="各评委的评分见各组成绩表",
    en="Each judge's marks are in the tables of the groups",
)

OVERALL = Label(zh_cn="总排名", en="Overall")
JUDGES_SHEET = Label(zh_cn="评委", en="Judges")
RESULTS = Label(zh_cn="成绩公告", en="Results")

RANK = Label(zh_cn="名次", en="Rank")
CONTESTANT_ID = Label(zh_cn="编号", en="ID")
CONTESTANT = Label(zh_cn="选手", en="Contestant")
ORGANISATION = Label(zh_cn="单位", en="Organisation")
GROUP = Label(zh_cn="组别", en="Group")
AGGREGATE = Label(zh_cn="评委得分", en="Aggregate")
FINAL = Label(zh_cn="最终得分", en="Final")
AWARD = Label(zh_cn="奖项", en="Award")
STATUS = Label(zh_cn="状态", en="Status")
NOT_COUNTED = Label(zh_cn="未计入", en="Not counted")

JUDGE = Label(zh_cn="评委", en="Judge")
NAME = Label(zh_cn="姓名", en="Name")
PANEL = Label(zh_cn="评委组", en="Panel")
SHADOW = Label(zh_cn="见习", en="Shadow")
YES = Label(zh_cn="是", en="yes")
SHEETS = Label(zh_cn="评分数", en="Sheets")
CORRECTIONS = Label(zh_cn="修改次数", en="Corrections")
FLAGGED = Label(zh_cn="偏离标记", en="Flagged")
SEVERITY = Label(zh_cn="宽严度", en="Severity")
CONSISTENCY = Label(zh_cn="一致性", en="Consistency")
PAPER_SHEETS = Label(zh_cn="代录纸质评分表", en="Paper sheets keyed in")
PAPER_SHEET = Label(
    zh_cn="{contestant}：{admin} 代录，{confirmer} 确认",
    en="{contestant}: keyed in by {admin}, confirmed by {confirmer}",
)
AUDIT_NOTE = Label(
    zh_cn="宽严度：评委分与选手评委得分之差的平均（负数偏严）；"
    "一致性：评委分与最终得分的斯皮尔曼等级相关系数",
    en="Severity: mean of (judge's total − the contestant's aggregate), negative is harsher; "
    "consistency: Spearman's rank correlation of the judge's totals with the finals",
)

STATUSES: dict[str, Label] = {
    "scored": Label(zh_cn="已评", en="Scored"),
    "incomplete": Label(zh_cn="待补成绩", en="Awaiting a score"),
    "withheld": Label(zh_cn="暂缓（评委不足）", en="Withheld (below quorum)"),
    "pending": Label(zh_cn="待评", en="Pending"),
    "withdrawn": Label(zh_cn="退赛", en="Withdrawn"),
    "disqualified": Label(zh_cn="取消资格", en="Disqualified"),
}

REASONS: dict[str, Label] = {
    "trimmed_low": Label(zh_cn="去掉最低分", en="lowest dropped"),
    "trimmed_high": Label(zh_cn="去掉最高分", en="highest dropped"),
    "not_closest": Label(zh_cn="偏离较大", en="not in the closest pair"),
    "abstained": Label(zh_cn="弃权", en="abstained"),
    "recused": Label(zh_cn="回避", en="recused"),
    "same_organisation": Label(zh_cn="同单位回避", en="recused (same organisation)"),
    "not_on_panel": Label(zh_cn="不在本组评委", en="not on the panel"),
    "unknown_judge": Label(zh_cn="未登记评委", en="unknown judge"),
    "shadow": Label(zh_cn="见习评委", en="shadow judge"),
    "not_scored": Label(zh_cn="未评", en="not scored"),
}

NO_TOTAL_SHORT: dict[str, Label] = {
    "abstained": Label(zh_cn="弃权", en="abst."),
    "recused": Label(zh_cn="回避", en="rec."),
    "same_organisation": Label(zh_cn="回避", en="rec."),
    "not_scored": Label(zh_cn="未评", en="n.s."),
}
"""What a judge's cell says when the judge has no total for the contestant,
in the workbook and on the page: a word as narrow as a total (``MARKS_NOTE``
spells them out; the reason in full is in the "not counted" column)."""

SEPARATOR = Label(zh_cn="；", en="; ")
COLON = Label(zh_cn="：", en=": ")
