"""The bilingual sample competition of ``leitai demo``, and its simulated judges.

The sample is built as the parsed form of a competition file and checked by
``server.definition`` like any other, so the demo cannot drift from the
format. Four groups of six speakers from twenty organisations; four panels of
three judges from the same kinds of organisation, each panel scoring another
group (A scores the enterprises, B the universities, C the communities, D the
agencies), so no judge stands aside.

The simulation is pure integer and Decimal arithmetic over ``random.Random``
seeded with strings (stable across runs and platforms): a contestant has a
latent quality and a profile across the criteria, a judge a severity, and
each mark some noise on top.
"""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal

from events.catalog import ContestantRegistered, ScoresheetDefined
from server.definition import Definition, definition_from_data

SEED = 2025
"""Seed of the sample's expert reviews; simulating with it makes live marks
agree with them as a real panel's would."""

_GROUPS = (
    ("agency", "机关组", "Public agencies"),
    ("enterprise", "企业组", "Enterprises"),
    ("campus", "高校组", "Universities"),
    ("community", "社区组", "Communities"),
)

_ORGANISATIONS = {
    "agency": (
        "市发展和改革委员会 (Development and Reform Commission)",
        "市教育局 (Education Bureau)",
        "市卫生健康委员会 (Health Commission)",
        "市生态环境局 (Ecology and Environment Bureau)",
        "市税务局 (Taxation Bureau)",
    ),
    "enterprise": (
        "国网城东供电公司 (State Grid Chengdong Power Supply)",
        "滨江轨道交通集团 (Binjiang Rail Transit Group)",
        "华远新材料股份有限公司 (Huayuan New Materials)",
        "青禾农业科技有限公司 (Qinghe Agritech)",
        "城投水务集团 (City Water Group)",
    ),
    "campus": (
        "滨江大学 (Binjiang University)",
        "江城理工学院 (Jiangcheng Institute of Technology)",
        "江城师范学院 (Jiangcheng Normal University)",
        "滨江医科大学 (Binjiang Medical University)",
        "市职业技术学院 (Vocational and Technical College)",
    ),
    "community": (
        "东湖街道 (Donghu Subdistrict)",
        "梧桐社区 (Wutong Community)",
        "南门街道 (Nanmen Subdistrict)",
        "新城社区 (Xincheng Community)",
        "望江社区 (Wangjiang Community)",
    ),
}

# Six speakers per group; the sixth comes from the group's second organisation.
_SPEAKERS = {
    "agency": ("张晓雯 Zhang Xiaowen", "李浩然 Li Haoran", "王思琪 Wang Siqi",
               "刘子轩 Liu Zixuan", "陈雨涵 Chen Yuhan", "杨博文 Yang Bowen"),
    "enterprise": ("赵欣怡 Zhao Xinyi", "黄俊杰 Huang Junjie", "周梦琪 Zhou Mengqi",
                   "吴宇航 Wu Yuhang", "徐静怡 Xu Jingyi", "孙明辉 Sun Minghui"),
    "campus": ("胡佳宁 Hu Jianing", "朱天宇 Zhu Tianyu", "高诗雨 Gao Shiyu",
               "林泽宇 Lin Zeyu", "何语桐 He Yutong", "郭子墨 Guo Zimo"),
    "community": ("马丽娟 Ma Lijuan", "罗文涛 Luo Wentao", "梁雅婷 Liang Yating",
                  "宋建华 Song Jianhua", "谢晓峰 Xie Xiaofeng", "韩冰 Han Bing"),
}  # fmt: skip

# panel: (the group it scores, the group its judges come from, judges by org index)
_PANELS = {
    "A": ("enterprise", "agency", (("方志强 Fang Zhiqiang", 0), ("曹敏 Cao Min", 3),
                                   ("彭立军 Peng Lijun", 4))),
    "B": ("campus", "enterprise", (("曾国华 Zeng Guohua", 0), ("邓雪梅 Deng Xuemei", 1),
                                   ("萧振东 Xiao Zhendong", 4))),
    "C": ("community", "campus", (("潘文静 Pan Wenjing", 0), ("田志远 Tian Zhiyuan", 1),
                                  ("董丽萍 Dong Liping", 2))),
    "D": ("agency", "community", (("袁建平 Yuan Jianping", 0), ("蒋红 Jiang Hong", 1),
                                  ("蔡永明 Cai Yongming", 3))),
}  # fmt: skip


def _label(zh_cn: str, en: str) -> dict[str, str]:
    return {"zh-CN": zh_cn, "en": en}


def sample_definition() -> Definition:
    """The demo competition, the same on every call."""
    contestants = []
    for number, (group, _, _) in enumerate(_GROUPS, start=1):
        organisations = _ORGANISATIONS[group]
        for index, name in enumerate(_SPEAKERS[group]):
            contestant = f"{number}{index + 1:02d}"
            contestants.append(
                {
                    "id": contestant,
                    "name": name,
                    "organisation": organisations[index if index < 5 else 1],
                    "group": group,
                    "prior": {"expert": _expert_review(contestant)},
                }
            )
    judges = [
        {
            "id": f"J{len(_PANELS[panel][2]) * position + seat + 1:02d}",
            "name": name,
            "organisation": _ORGANISATIONS[home][org],
            "panel": panel,
        }
        for position, (panel, (_, home, seats)) in enumerate(_PANELS.items())
        for seat, (name, org) in enumerate(seats)
    ]
    data: dict[str, object] = {
        "id": "demo",
        "title": _label("第五届“青春之声”青年宣讲大赛", "5th “Voice of Youth” Speech Contest"),
        "languages": ["zh-CN", "en"],
        "decimals": 2,
        "rounding": "half_up",
        "groups": [{"id": key, "name": _label(zh, en)} for key, zh, en in _GROUPS],
        "rounds": [
            {"id": "prelim", "name": _label("初赛", "Preliminary")},
            {"id": "final", "name": _label("决赛", "Final")},
        ],
        "panels": [{"id": panel, "groups": [scores]} for panel, (scores, _, _) in _PANELS.items()],
        "scoresheet": {
            "places": 1,
            "criteria": [
                _criterion("content", "内容", "Content", "0.4"),
                _criterion("delivery", "表达", "Delivery", "0.35"),
                _criterion("presence", "形象风采", "Stage presence", "0.25"),
            ],
        },
        "rules": {
            "aggregation": "trimmed_mean",
            "trim": 1,
            "quorum": 3,
            "composite": [
                {"source": "expert", "weight": Decimal("0.4"), "label": _label("专家评审", "Expert review")},
                {"source": "live", "weight": Decimal("0.6"), "label": _label("现场评分", "Live score")},
            ],
            "tie_breaks": [
                {"kind": "live"},
                {"kind": "component", "source": "expert"},
                {"kind": "shared"},
            ],
            "awards": [
                _award("first", "一等奖", "First prize", "0.1"),
                _award("second", "二等奖", "Second prize", "0.2"),
                _award("third", "三等奖", "Third prize", "0.3"),
            ],
            "advancement": {"count": 3, "scope": "group"},
        },
        "contestants": contestants,
        "judges": judges,
    }  # fmt: skip
    return definition_from_data(data, name="sample competition")


def _criterion(key: str, zh_cn: str, en: str, weight: str) -> dict[str, object]:
    return {"key": key, "label": _label(zh_cn, en), "maximum": 100, "weight": Decimal(weight)}


def _award(key: str, zh_cn: str, en: str, share: str) -> dict[str, object]:
    return {"key": key, "name": _label(zh_cn, en), "by": "share", "share": Decimal(share)}


# --- simulated judges ------------------------------------------------------


def _rng(seed: int, *parts: str) -> random.Random:
    return random.Random(":".join((str(seed), *parts)))


def _quality(seed: int, contestant: str) -> int:
    """The contestant's latent quality, in thousandths of the maximum."""
    return _rng(seed, "quality", contestant).randint(720, 940)


def _expert_review(contestant: str) -> Decimal:
    """The expert review score (0-100, one decimal) of a sample contestant."""
    permille = _quality(SEED, contestant) + _rng(SEED, "expert", contestant).randint(-30, 30)
    return Decimal(min(permille, 1000)).scaleb(-1)


def simulated_points(
    definition: Definition, judge_id: str, contestant_id: str, seed: int
) -> dict[str, Decimal]:
    """The points ``judge_id`` gives ``contestant_id``: the same for the same
    arguments, within each criterion's maximum, with the sheet's places."""
    sheet = next(e for e in definition.events if isinstance(e, ScoresheetDefined))
    if all(judge.id != judge_id for judge in definition.judges):
        raise ValueError(f"no judge {judge_id!r} in competition {definition.stream!r}")
    if not any(
        isinstance(e, ContestantRegistered) and e.contestant == contestant_id
        for e in definition.events
    ):
        raise ValueError(f"no contestant {contestant_id!r} in competition {definition.stream!r}")
    quality = _quality(seed, contestant_id)
    severity = _rng(seed, "severity", judge_id).randint(-35, 35)
    step = Decimal(1).scaleb(-sheet.places)
    points: dict[str, Decimal] = {}
    for criterion in sheet.criteria:
        profile = _rng(seed, "profile", contestant_id, criterion.key).randint(-40, 40)
        noise = _rng(seed, "noise", judge_id, contestant_id, criterion.key)
        permille = quality + profile + severity + noise.randint(-25, 25) + noise.randint(-25, 25)
        value = criterion.maximum * max(0, min(1000, permille)) / 1000
        points[criterion.key] = min(value.quantize(step, ROUND_HALF_UP), criterion.maximum)
    return points
