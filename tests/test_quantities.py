"""AMOUNT and PERCENT spans follow the annotation guide."""
import pytest

from govie.quantities import find_values


def values(text):
    return [(text[s.start:s.end], s.label) for s in find_values(text)]


SPAN_CASES = [
    ("GDP增长6%左右", [("6%", "PERCENT")]),
    ("社会消费品零售总额110.5亿元", [("110.5亿元", "AMOUNT")]),
    ("超30亿元", [("30亿元", "AMOUNT")]),
    ("主动公开政务信息1.8万余件", [("1.8万余件", "AMOUNT")]),
    ("提高1.5个百分点", [("1.5个百分点", "PERCENT")]),
    ("下降三个百分点", [("三个百分点", "PERCENT")]),
    ("投资5-10亿元", [("5-10亿元", "AMOUNT")]),
    ("争取两亿元", [("两亿元", "AMOUNT")]),
    ("PM2.5年平均浓度34.2微克/立方米", [("34.2微克/立方米", "AMOUNT")]),
    ("机器换人61台(套)", [("61台(套)", "AMOUNT")]),
    ("空气质量优良天数达到327天", [("327天", "AMOUNT")]),
    ("审批时间压减至50个工作日", [("50个", "AMOUNT")]),
]

NOT_VALUES = [
    "2024年工作回顾", "全市第6名", "进入前30强", "建成5G工厂", "“十四五”规划", "连续31天",
    "“1+1+N”系统", "第十五届", "其中固投5亿元以上重大项目", "做好以下7个方面工作",
    "工业增加值连续6个月正增长", "前三个季度",
]


@pytest.mark.parametrize("text,expected", SPAN_CASES)
def test_find_values_spans(text, expected):
    assert values(text) == expected


@pytest.mark.parametrize("text", NOT_VALUES)
def test_find_values_skips_non_values(text):
    assert values(text) == []


def test_find_values_count_with_bound_is_a_value():
    assert values("力争引进2个以上高层次人才团队") == [("2个", "AMOUNT")]
