"""Value -> indicator linking: the patterns of ANNOTATION.md, on sentences written for the tests."""
import pytest

import govie
from govie import links
from govie.quantities import Span


def records(text):
    return [(t.indicator.text, t.value.text, t.type, t.status, t.qualifier, t.indicator_name)
            for t in govie.extract(text, model="rules").targets]


def test_link_growth_target_approx():
    assert records("今年主要预期目标是:全区地区生产总值增长6%左右。") == [
        ("地区生产总值", "6%", "growth", "target", "approx", "地区生产总值")]


def test_link_respectively_distributes_names():
    assert records("今年主要预期目标是:城镇和农村居民人均可支配收入分别增长4.8%、6%。") == [
        ("城镇和农村居民人均可支配收入", "4.8%", "growth", "target", "exact", "城镇居民人均可支配收入"),
        ("城镇和农村居民人均可支配收入", "6%", "growth", "target", "exact", "农村居民人均可支配收入"),
    ]


def test_link_shared_value_over_coordinated_indicators():
    got = records("力争实现营业收入、工业产值、固定资产投资增长20%以上。")
    assert [(r[0], r[2], r[4]) for r in got] == [
        ("营业收入", "growth", "min"), ("工业产值", "growth", "min"), ("固定资产投资", "growth", "min")]


def test_link_level_then_growth_continuation():
    got = records("过去一年,社会消费品零售总额110.5亿元,增长3.5%。")
    assert [(r[0], r[1], r[2], r[3]) for r in got] == [
        ("社会消费品零售总额", "110.5亿元", "level", "actual"),
        ("社会消费品零售总额", "3.5%", "growth", "actual")]


def test_link_count_before_thing_counted():
    got = records("过去一年,113家企业实施数字化改造。")
    assert [(r[0], r[1]) for r in got] == [("企业实施数字化改造", "113家")]


def test_link_decline_and_max():
    got = records("今年PM2.5年平均浓度控制在34.2微克/立方米以下,信访总量同比下降10%。")
    assert [(r[0], r[2], r[4]) for r in got] == [("PM2.5年平均浓度", "level", "max"), ("信访总量", "decline", "exact")]


def test_link_subset_inherits_defining_verb():
    got = records("过去一年,新签约项目38个,其中固投5亿元以上重大项目5个。")
    assert [(r[0], r[5]) for r in got] == [
        ("新签约项目", "新签约项目"), ("固投5亿元以上重大项目", "新签约固投5亿元以上重大项目")]


def test_link_share_of_whole_has_no_relation():
    assert records("过去一年,入选数量占全市50%。") == []


def test_link_review_section_is_actual_plan_section_is_target():
    text = "一、2024年工作回顾\n固定资产投资增长10%。\n二、2025年工作安排\n固定资产投资增长7%。"
    assert [r[3] for r in records(text)] == ["actual", "target"]


def test_link_targets_carry_canonical_ids_and_numbers():
    res = govie.extract("今年主要预期目标是:规上工业增加值增长8%,一般公共预算收入17.78亿元。", model="rules")
    assert [(t.indicator_id, t.number, t.unit) for t in res.targets] == [
        ("industry_va", 8.0, "%"), ("fiscal_revenue", 1778000000.0, "元")]


def test_link_bound_after_last_value_covers_the_list():
    got = records("今年城镇和农村居民人均可支配收入分别增长6.5%和8%左右。")
    assert [(r[1], r[4], r[5]) for r in got] == [
        ("6.5%", "approx", "城镇居民人均可支配收入"), ("8%", "approx", "农村居民人均可支配收入")]


def test_link_respectively_over_the_previous_clause():
    got = records("过去一年,清查各类单位8824户、个体户16185户,较“四经普”分别增长25.4%、58.3%。")
    assert [(r[0], r[1], r[2]) for r in got] == [
        ("各类单位", "8824户", "level"), ("个体户", "16185户", "level"),
        ("各类单位", "25.4%", "growth"), ("个体户", "58.3%", "growth")]


def test_link_respectively_reaches_back_past_the_previous_clause():
    got = records("城镇居民人均可支配收入19064元,农村居民人均纯收入9984元,分别增长11%和13.5%。")
    assert [(r[0], r[1]) for r in got] == [
        ("城镇居民人均可支配收入", "19064元"), ("农村居民人均纯收入", "9984元"),
        ("城镇居民人均可支配收入", "11%"), ("农村居民人均纯收入", "13.5%")]


def test_link_value_list_without_fenbie_pairs_names_in_order():
    got = records("城乡居民人均可支配收入完成2.57万元和1.68万元,分别增长9%和9.8%。")
    assert [(r[1], r[5]) for r in got] == [
        ("2.57万元", "城镇居民人均可支配收入"), ("1.68万元", "农村居民人均可支配收入"),
        ("9%", "城镇居民人均可支配收入"), ("9.8%", "农村居民人均可支配收入")]


@pytest.mark.parametrize("text", ["城乡居民人均可支配收入均增长6%左右。", "城乡居民人均可支配收入分别增长6%左右。"])
def test_link_one_value_for_each_name(text):
    got = records(text)
    assert [(r[0], r[1], r[4], r[5]) for r in got] == [
        ("城乡居民人均可支配收入", "6%", "approx", "城镇居民人均可支配收入"),
        ("城乡居民人均可支配收入", "6%", "approx", "农村居民人均可支配收入")]


def test_link_from_to_values_and_the_average_growth_after_them():
    got = records("全市地区生产总值由2010年的1781亿元增加到2015年的2735亿元,年均增长8.4%。")
    assert [(r[0], r[1], r[2]) for r in got] == [
        ("地区生产总值", "1781亿元", "level"), ("地区生产总值", "2735亿元", "level"), ("地区生产总值", "8.4%", "growth")]


def test_link_per_capita_is_not_each():
    got = records("全市人均地区生产总值达到8.5万元。")
    assert [(r[0], r[5]) for r in got] == [("人均地区生产总值", "人均地区生产总值")]


def test_link_resolved_name_keeps_the_callers_characters():
    got = records("新增知识产权示范（优势）企业50家。")
    assert [(r[0], r[5]) for r in got] == [("新增知识产权示范（优势）企业", "新增知识产权示范（优势）企业")]


def test_link_sentence_opening_with_a_year_is_not_a_plan_heading():
    text = "2004年工作回顾\n2004年,是全县各项工作卓有成效的一年。\n全县生产总值完成39.6亿元,增长15.2%。"
    assert {r[3] for r in records(text)} == {"actual"}


def test_link_target_list_after_review_switches_status_and_keeps_growth():
    text = "一、2019年工作回顾\n地区生产总值增长6%。\n主要预期目标是:地区生产总值增长7.5%,力争达到8%;工业增加值增长6.8%。"
    assert [(r[1], r[2], r[3]) for r in records(text)] == [
        ("6%", "growth", "actual"), ("7.5%", "growth", "target"), ("8%", "growth", "target"),
        ("6.8%", "growth", "target")]


def test_link_change_verb_of_another_predicate_does_not_type_the_value():
    # 增长 and 突破 are two predicates joined by 、: the value is 突破's, a level
    assert [(r[1], r[2], r[4]) for r in records("地区生产总值增长、突破100亿元。")] == [("100亿元", "level", "min")]
    assert [(r[1], r[2], r[4]) for r in records("进出口总额增长超过10%。")] == [("10%", "growth", "min")]


@pytest.mark.parametrize("text", ["存款余额908.2亿元,比年初增长11%。", "存款余额908.2亿元,比“八五”期间增长11%。",
                                  "存款余额908.2亿元,比一九七七年增长11%。"])
def test_link_comparison_base_is_no_indicator(text):
    assert [(r[0], r[1], r[2]) for r in records(text)] == [
        ("存款余额", "908.2亿元", "level"), ("存款余额", "11%", "growth")]


def test_link_numbered_part_on_the_plan_years_work_is_a_plan_heading():
    # the heading has a comma, so it is no short heading; it still sets out the plan year's work
    text = ("一年来,全区工业投资完成300亿元。\n三、埋头苦干、奋勇前进,全力抓好2023年重点工作\n"
            "实施工业投资倍增行动,工业投资358亿元以上。")
    assert [(r[1], r[3]) for r in records(text)] == [("300亿元", "actual"), ("358亿元", "target")]
    review = "一、以振兴老工业基地为契机,全面完成了2004年的工作任务\n全区工业投资完成300亿元。"
    assert [(r[1], r[3]) for r in records(review)] == [("300亿元", "actual")]


@pytest.mark.parametrize("text,expected", [
    ("过去一年,信访积案数量由47宗降至3宗。", [("信访积案数量", "47宗"), ("信访积案数量", "3宗")]),
    ("全面推进38家农贸市场和39家百货商场改造。", [("农贸市场", "38家"), ("百货商场改造", "39家")]),
])
def test_link_from_to_and_counted_lists(text, expected):
    assert [(r[0], r[1]) for r in records(text)] == expected


def _rel(text, indicator, value, kind="level"):
    i, v = text.index(indicator), text.index(value)
    return links.Relation(Span(v, v + len(value), "AMOUNT"), Span(i, i + len(indicator), "INDICATOR"),
                          kind, "actual", "exact", indicator)


def test_verb_before_indicator_sets_the_type_and_a_list_shares_it():
    text = "再压减生铁产能387万吨、粗钢280万吨,增加学位3.2万个,新增停车位2000个。"
    linked = links.Linked.of([_rel(text, "生铁产能", "387万吨"), _rel(text, "粗钢", "280万吨"),
                              _rel(text, "学位", "3.2万个"), _rel(text, "新增停车位", "2000个")])
    got = [(text[r.indicator.start:r.indicator.end], r.type) for r in links.verb_types(text, linked).relations]
    assert got == [("生铁产能", "decline"), ("粗钢", "decline"), ("学位", "growth"), ("新增停车位", "level")]


def test_link_xiatiao_is_a_decline_verb():
    assert [(r[0], r[2]) for r in records("农业税税率下调3个百分点。")] == [("农业税税率", "decline")]


@pytest.mark.parametrize("text, expected", [
    ("居民消费价格上涨3%左右。", ("居民消费价格", "growth")),
    ("审批时限压缩21.6%。", ("审批时限", "decline")),
    ("候诊时间平均缩短50%。", ("候诊时间", "decline")),
])
def test_link_change_verbs_after_the_indicator(text, expected):
    assert [(r[0], r[2]) for r in records(text)] == [expected]


def test_link_jianqing_before_a_burden_is_a_decline():
    text = "减轻农民负担7.48亿元。"
    linked = links.Linked.of([_rel(text, "农民负担", "7.48亿元")])
    assert [r.type for r in links.verb_types(text, linked).relations] == ["decline"]


def test_link_respectively_over_two_whole_indicators_joined_by_he():
    got = records("城镇居民人均可支配收入和农民人均纯收入分别增长8%和10%。")
    assert [(r[1], r[5]) for r in got] == [("8%", "城镇居民人均可支配收入"), ("10%", "农民人均纯收入")]


def test_link_respectively_restores_the_modifier_a_later_item_leaves_out():
    # 业务收入 is the 业务收入 of 快递服务: the later item takes the first one's modifier
    got = records("快递服务业务量和业务收入分别增长44.7%和30%。")
    assert [(r[1], r[5]) for r in got] == [("44.7%", "快递服务业务量"), ("30%", "快递服务业务收入")]


@pytest.mark.parametrize("sentence,names", [
    # the head the items share is written once, after the last item
    ("新能源汽车、智能手机零售额分别增长36.9%、58%。", ["新能源汽车零售额", "智能手机零售额"]),
    ("旅游文化产业、生物医药和大健康产业增加值分别增长10%、11%。",
     ["旅游文化产业增加值", "生物医药和大健康产业增加值"]),
    ("科技型中小企业和高新技术企业数量分别增长25%、15%。", ["科技型中小企业数量", "高新技术企业数量"]),
    # a bare measure word after a full name takes the name's modifier
    ("农业总产值和增加值分别增长4.6%和4.1%。", ["农业总产值", "农业增加值"]),
    # two names that share nothing stay two names
    ("个体户和私营企业分别达到80.2万户和3.4万户。", ["个体户", "私营企业"]),
    # 均: one value for every item
    ("人大代表建议和政协委员提案办结率均达100%。", ["人大代表建议办结率", "政协委员提案办结率"]),
])
def test_link_respectively_over_a_coordinated_phrase_names_each_item(sentence, names):
    assert [r[5] for r in records(sentence)] == names


def test_link_respectively_items_sharing_no_head_are_their_own_spans():
    got = records("客运量和旅客周转量分别增长10.5%和6.0%。")
    assert [(r[0], r[1]) for r in got] == [("客运量", "10.5%"), ("旅客周转量", "6.0%")]


def test_link_each_item_that_names_its_own_measure_takes_no_head_from_the_next():
    # 人次 is a measure already: 收入 is not appended to it
    got = records("接待入黔游客人次、旅游总收入均增长30%以上。")
    assert [(r[0], r[5]) for r in got] == [("接待入黔游客人次", "接待入黔游客人次"), ("旅游总收入", "旅游总收入")]


@pytest.mark.parametrize("sentence,indicator,kind", [
    ("城镇居民人均可支配收入实际增长8%。", "城镇居民人均可支配收入", "growth"),
    ("地区生产总值迈上500亿元台阶。", "地区生产总值", "level"),
    ("地区生产总值跨越300亿元台阶。", "地区生产总值", "level"),
])
def test_link_words_between_indicator_and_value_stay_outside(sentence, indicator, kind):
    (got,) = records(sentence)
    assert (got[0], got[2]) == (indicator, kind)


def test_link_respectively_over_a_dunhao_list_of_whole_indicators_splits_spans():
    got = records("民间投资、工业投资分别增长7%、13%。")
    assert [(r[0], r[1]) for r in got] == [("民间投资", "7%"), ("工业投资", "13%")]


@pytest.mark.parametrize("text, expected", [
    # 新增 opening the clause defines what is counted (level, and the name restores it) ...
    ("今年新增8家省市龙头企业、11个市级园区。",
     [("新增省市龙头企业", "8家", "level"), ("新增市级园区", "11个", "level")]),
    ("全年累计新增5家规上企业。", [("新增规上企业", "5家", "level")]),
    # ... after an indicator it is the increase of that indicator
    ("年末贷款余额新增120亿元。", [("贷款余额", "120亿元", "growth")]),
    # an adverb before a defining verb is no indicator
    ("重点培育10个现代农业示范点。", [("培育现代农业示范点", "10个", "level")]),
])
def test_link_defining_verb_before_a_count(text, expected):
    assert [(r[5], r[1], r[2]) for r in records(text)] == expected


@pytest.mark.parametrize("text, expected", [
    # a list's later items inherit the whole defining verb
    ("新建改造农村公路50公里、电网122公里。", ["新建改造农村公路", "新建改造电网"]),
    ("新增高新技术企业20家、专精特新企业10家。", ["新增高新技术企业", "新增专精特新企业"]),
    # a 其中 subset named by its level alone takes the parent name
    ("新发展农民专合组织341个，其中省级22个。", ["新发展农民专合组织", "新发展省级农民专合组织"]),
    # a 其中 subset with its own name keeps it
    ("进出口总额增长5%，其中出口增长8%。", ["进出口总额", "出口"]),
    # a time span ending in 以来 is no part of the indicator
    ("2015年以来政府债务余额下降23％，其中省本级下降42％。", ["政府债务余额", "省本级政府债务余额"]),
])
def test_link_names_inherited_from_a_list_or_a_qizhong_parent(text, expected):
    assert [r[5] for r in records(text)] == expected


@pytest.mark.parametrize("text, expected", [
    # a bare total or share names what was just counted
    ("新增境内上市公司14家，总数175家。", ["新增境内上市公司", "境内上市公司总数"]),
    ("普惠性幼儿园增加至114所，占比74.5%。", ["普惠性幼儿园", "普惠性幼儿园占比"]),
    # a sector alone with a sum of money or a growth rate is its value added ...
    ("第一产业完成11.2亿元，增长5.8%。", ["第一产业增加值", "第一产业增加值"]),
    ("能源工业增长8%。", ["能源工业增加值"]),
    # ... but not with a change in percentage points
    ("第三产业提高2个百分点。", ["第三产业"]),
    # a verb separated from the value by examples is not restored (as the dev gold has it)
    ("签约落地高端流体智造、铭新恒业等25个项目。", ["项目"]),
    # a stage verb named alone takes the thing counted before it, on the side it stood
    ("开工建设保障性住房1210套，竣工5477套，续建6342套。", ["保障性住房", "竣工保障性住房", "续建保障性住房"]),
    ("全年重点项目复工115个，开工45个。", ["重点项目复工", "重点项目开工"]),
    # 事故起数、死亡人数: the later measure takes the first item's subject
    ("全市生产安全事故起数和死亡人数分别下降35.2%和21.7%。", ["生产安全事故起数", "生产安全事故死亡人数"]),
])
def test_link_names_restored_from_context(text, expected):
    assert [r[5] for r in records(text)] == expected
