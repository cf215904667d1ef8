"""Value parsing: every normalisation example of the foundation issue, and the edge cases."""
import pytest

from govie.numbers import parse_value

NORMALISATION_CASES = [
    ("132亿元", 13200000000.0, None, "元"),
    ("2.16亿美元", 216000000.0, None, "美元"),
    ("6%", 6.0, None, "%"),
    ("1.5个百分点", 1.5, None, "个百分点"),
    ("38个", 38.0, None, "个"),
    ("1.8万余件", 18000.0, None, "件"),
    ("34.2微克/立方米", 34.2, None, "微克/立方米"),
    ("5-10亿元", 5e8, 1e9, "元"),
    ("两亿元", 2e8, None, "元"),
    ("百分之八", 8.0, None, "%"),
    ("三个百分点", 3.0, None, "个百分点"),
    ("1,234.5亿元", 123450000000.0, None, "元"),
    ("-2.3%", -2.3, None, "%"),
    ("七成", 70.0, None, "%"),
    ("百分百", 100.0, None, "%"),
    ("3050万元", 30500000.0, None, "元"),
    ("879.3万美元", 8793000.0, None, "美元"),
    ("4000余亩", 4000.0, None, "亩"),
    ("3.8万个", 38000.0, None, "个"),
    ("1.33万人次", 13300.0, None, "人次"),
    ("18万m2", 180000.0, None, "平方米"),
    ("7‰", 7.0, None, "‰"),
    ("6%-7%", 6.0, 7.0, "%"),
]


@pytest.mark.parametrize("text,number,high,unit", NORMALISATION_CASES)
def test_parse_value_normalises_to_base_units(text, number, high, unit):
    q = parse_value(text)
    assert q.number == pytest.approx(number)
    assert (q.number_high is None) if high is None else q.number_high == pytest.approx(high)
    assert q.unit == unit


@pytest.mark.parametrize("text", ["", "abc", "年", None, 12])
def test_parse_value_unparsable_gives_nones(text):
    assert parse_value(text) == (None, None, None)
