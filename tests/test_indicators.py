"""The indicator table: names as reports write them resolve to canonical ids."""
import pytest

import govie
from govie.indicators import resolve_id


@pytest.mark.parametrize("name,wanted", [
    ("地区生产总值", "gdp"),
    # a scope word before and a 总值 after: 全区 and 总值 are not both stripped away
    ("全区生产总值", "gdp"),
    ("全市地区生产总值", "gdp"),
    ("地方生产总值", "gdp"),
    ("本地生产总值", "gdp"),
    ("县域生产总值", "gdp"),
    ("全区固定资产投资总额", "fai"),
    ("固定资产投资规模", "fai"),
    ("全年社会消费品零售总额", "retail"),
    ("规模以上工业增加值", "industry_va"),
])
def test_indicator_names_resolve(name, wanted):
    assert resolve_id(name) == wanted


@pytest.mark.parametrize("name", ["生产", "总值", "全区", "", "人均生产"])
def test_indicator_fragments_do_not_resolve(name):
    assert resolve_id(name) is None


def test_indicator_county_gdp_target_is_a_gdp_record():
    (t,) = govie.extract("经济社会发展的预期目标是:县域生产总值增长6%。", model="rules").targets
    assert (t.indicator_id, t.type, t.number, t.status) == ("gdp", "growth", 6.0, "target")
