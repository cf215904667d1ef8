"""Names: DISTRICT from the gazetteer, ENTERPRISE and PROJECT from lists and patterns."""
import pytest

from govie._data import read_lines
from govie.entities import (find_districts, find_names, find_places_in_phrases, gazetteer, is_generic, join_thresholds, relabel_districts,
                            reshape_districts, resolve_region, snap_to_divisions, trim_function_words)
from govie.quantities import Span, find_values


def names(text, region=None):
    return [(text[s.start:s.end], s.label) for s in find_names(text, region=region)]


def test_entities_full_path_is_one_district():
    assert ("安徽省马鞍山市雨山区", "DISTRICT") in names("安徽省马鞍山市雨山区政府工作报告")


def test_entities_development_zone_joins_its_district():
    assert ("雨山经开区", "DISTRICT") in names("雨山经开区蝉联全省十强园区", region="安徽省马鞍山市雨山区")


def test_entities_county_short_form_only_for_own_region():
    text = "推动雨山高质量发展"
    assert ("雨山", "DISTRICT") in names(text, region="安徽省马鞍山市雨山区")
    assert ("雨山", "DISTRICT") not in names(text)


@pytest.mark.parametrize("text", ["开发区体制改革", "抓好重大创新平台建设", "长治久安", "示范镇2个"])
def test_entities_no_district_in_common_words(text):
    assert [n for n in names(text) if n[1] == "DISTRICT"] == []


def test_entities_listed_names_before_deng_qiye():
    got = names("支持华美、泰达新材料等企业扩产")
    assert ("华美", "ENTERPRISE") in got and ("泰达新材料", "ENTERPRISE") in got


@pytest.mark.parametrize("text, name", [("支持今麦郎、德兰和创等企业发展", "今麦郎"),  # 今 is also a function word
                                        ("重点依托小视科技等龙头企业", "小视科技")])
def test_entities_first_listed_name_loses_its_verb_and_nothing_more(text, name):
    assert (name, "ENTERPRISE") in names(text)


def test_entities_enterprise_suffix_trims_leading_verb():
    assert ("国药控股", "ENTERPRISE") in names("确保国药控股扩大产能")


def test_entities_generic_project_is_not_tagged():
    assert [n for n in names("实施污水处理工程和重点项目") if n[1] == "PROJECT"] == []


def test_entities_named_project_is_tagged():
    assert ("图灵小镇", "PROJECT") in names("加快建设图灵小镇")


def test_entities_resolve_region_gives_full_path():
    assert resolve_region("点军区") == "湖北省宜昌市点军区"


@pytest.mark.parametrize("name,generic", [("重点项目", True), ("污水处理", True), ("图灵", False)])
def test_entities_is_generic(name, generic):
    assert is_generic(name) is generic


def test_entities_trim_function_words():
    assert trim_function_words("积极引导华茂") == "华茂"


def test_entities_name_is_not_cut_inside_a_word():
    # 新建|设施农业基地: the verb 建设 read across 新建 and 设施 is no place to cut
    assert ("施农业基地", "PROJECT") not in names("今年新建设施农业基地20个")
    assert ("设施蔬菜大棚项目", "PROJECT") in names("新建设施蔬菜大棚项目")
    # a verb that is a word of its own is still cut off: 加快建设|智慧城市示范工程
    assert ("智慧城市示范工程", "PROJECT") in names("加快建设智慧城市示范工程")


def test_entities_place_that_begins_another_name_is_not_a_district():
    # the guide tags no DISTRICT inside the name of a college, an event or a project
    assert not [n for n in names("陕西师范大学扩大招生") if n[1] == "DISTRICT"]
    assert not [n for n in names("继续办好梧州宝石节和茶叶博览会") if n[1] == "DISTRICT"]
    assert ("宜昌", "DISTRICT") not in names("加快推进中电宜昌网信产业园一期建设")
    # standing alone, or leading a plan, it is one
    assert ("陕西", "DISTRICT") in names("陕西经济稳中有进")
    assert ("雨山区", "DISTRICT") in names("雨山区政府工作报告")


def test_entities_counted_list_without_deng_names_enterprises():
    found = names("瑞泰马钢、新康达2家企业入选国家5G工厂")
    assert ("瑞泰马钢", "ENTERPRISE") in found and ("新康达", "ENTERPRISE") in found
    assert not [n for n in names("新增规上工业企业5家、高新技术企业3家") if n[1] == "ENTERPRISE"]


def test_entities_snap_learned_district_to_the_division_it_cuts():
    text = "马鞍山市委"
    divisions = find_districts(text)
    assert [(text[d.start:d.end]) for d in divisions] == ["马鞍山市"]
    cut = [Span(0, 1, "DISTRICT"), Span(1, 3, "DISTRICT")]  # 马|鞍山: both take the division's bounds, once
    assert snap_to_divisions(text, cut, divisions) == [Span(0, 4, "DISTRICT")]


def test_entities_snap_leaves_other_labels_and_blocked_districts():
    text = "马鞍山市委"
    divisions = find_districts(text)
    assert snap_to_divisions(text, [Span(1, 3, "ENTERPRISE")], divisions) == [Span(1, 3, "ENTERPRISE")]
    # the division would overlap a value or another name: the learned span stays as it is
    assert snap_to_divisions(text, [Span(1, 3, "DISTRICT")], divisions, taken=[Span(0, 1, "AMOUNT")]) == [Span(1, 3, "DISTRICT")]
    # a learned span holding the division (and more) is not cut down to it
    assert snap_to_divisions(text, [Span(0, 5, "DISTRICT")], divisions) == [Span(0, 5, "DISTRICT")]


def test_entities_snap_keeps_a_division_name_that_a_gazetteer_match_only_crosses():
    text = "打造平安顺平"  # the gazetteer reads 安顺 (a city) across 顺平 (a county)
    divisions = find_districts(text, "河北省保定市")
    assert [text[d.start:d.end] for d in divisions] == ["安顺"]
    assert snap_to_divisions(text, [Span(4, 6, "DISTRICT")], divisions) == [Span(4, 6, "DISTRICT")]


def _reshaped(text, *spans):
    return [(text[s.start:s.end], s.label) for s in reshape_districts(text, [Span(a, b, "DISTRICT") for a, b in spans])]


def test_reshape_keeps_the_division_before_a_village():
    text = "建成浙江余村、陕西袁家村"
    assert _reshaped(text, (7, 12)) == [("陕西", "DISTRICT")]
    assert _reshaped("焦作马村", (0, 4)) == [("焦作马村", "DISTRICT")]  # 马村: a district of 焦作, not a village


def test_reshape_splits_sibling_divisions_but_not_a_path():
    text = "推动建水石屏一体化"
    assert _reshaped(text, (2, 6)) == [("建水", "DISTRICT"), ("石屏", "DISTRICT")]
    path = "安庆市大观区"
    assert _reshaped(path, (0, 6)) == [("安庆市大观区", "DISTRICT")]
    zone = "加快武汉经济技术开发区建设"  # a division and its zone are one name, not two places
    assert _reshaped(zone, (2, 11)) == [("武汉经济技术开发区", "DISTRICT")]


def test_reshape_takes_in_a_sub_division_written_after_it():
    text = "认真做好广西罗城、环江对口扶贫协作"
    assert _reshaped(text, (4, 6)) == [("广西罗城", "DISTRICT")]
    # a name of another province after it is not a path
    assert _reshaped("推进广西广州合作", (2, 4)) == [("广西", "DISTRICT")]
    # other labels pass through untouched
    assert reshape_districts(text, [Span(4, 6, "PROJECT")]) == [Span(4, 6, "PROJECT")]


def test_entities_items_of_a_pianqu_list_are_projects():
    # ANNOTATION.md: 片区 named for development are PROJECT, also when the name is a township's
    found = names("有序推进牛渚、佳山、向山、湖西4个重点片区建设", region="安徽省马鞍山市雨山区")
    assert [n for n in found if n[1] != "PROJECT"] == []
    assert {"牛渚", "佳山", "向山", "湖西"} <= {n[0] for n in found}
    assert ("向山", "DISTRICT") in names("推动向山地区生态修复", region="安徽省马鞍山市雨山区")


def places(text, region=None, taken=()):
    return [text[s.start:s.end] for s in find_places_in_phrases(text, region, taken)]


def test_places_in_phrases_follow_the_guide():
    yushan = "安徽省马鞍山市雨山区"
    # a slogan ending in a city, or in the report's own county; not in another region's county
    assert places("打造“乐业雨山”就业品牌,开展“技能泉州”行动", yushan) == ["雨山", "泉州"]
    assert places("提质升级“脸书龙华”,“智慧罗湖”", "广东省深圳市罗湖区") == ["罗湖"]
    assert places("以深度融入南京、合肥都市圈") == ["合肥"]
    # 地区 and 籍 after the report's own divisions only
    assert places("推动向山地区生态修复,完善大观籍在外人才信息库", yushan) == ["向山"]
    assert places("完善大观籍在外人才信息库", "安徽省安庆市大观区") == ["大观"]
    # the own townships' full names, but not where the guide names a PROJECT (土城乡街区改造)
    assert places("向山镇国土空间总体规划获批,安民街道春天里社区入选", yushan) == ["向山镇", "安民街道"]
    assert places("完成土城乡街区改造,土城乡人民政府", "湖北省宜昌市点军区") == ["土城乡"]
    assert places("清新区三坑镇农村土地承包经营权流转中心", "广东省清远市清新区") == ["清新区三坑镇"]
    # nothing where another span already is
    text = "“数字松原”地理空间框架项目"
    assert places(text) == ["松原"]
    assert places(text, taken=[Span(0, len(text), "PROJECT")]) == []


def test_relabel_learned_districts_by_the_guide():
    text = "积极支持津海、澳森等优势企业,深度融入长三角地区,对标华东一流,推进佳山、向山2个片区,建设马鞍山"
    spans = [Span(text.index(w), text.index(w) + len(w), "DISTRICT") for w in ("津海", "长三角地区", "华东", "向山", "马鞍山")]
    got = [(text[s.start:s.end], s.label) for s in relabel_districts(text, spans)]
    assert got == [("津海", "ENTERPRISE"), ("向山", "PROJECT"), ("马鞍山", "DISTRICT")]
    text2 = "推进宝安中心区、广清接合片区建设,开通唐山港航线,前海蛇口自贸片区和连云港"
    spans = [Span(text2.index(w), text2.index(w) + len(w), "DISTRICT")
             for w in ("宝安中心区", "广清接合片区", "唐山港", "前海蛇口自贸片区", "连云港")]
    got = [(text2[s.start:s.end], s.label) for s in relabel_districts(text2, spans)]
    assert got == [("宝安中心区", "PROJECT"), ("广清接合片区", "PROJECT"), ("前海蛇口自贸片区", "DISTRICT"),
                   ("连云港", "DISTRICT")]
    other = [Span(text.index("华东"), text.index("华东") + 2, "PROJECT")]
    assert relabel_districts(text, other) == other  # only DISTRICT spans are touched


def test_regions_that_are_no_division_are_not_in_the_gazetteer():
    g = gazetteer()
    regions = read_lines("regions.txt")
    assert len(regions) > 20
    assert [r for r in regions if r in g.full or r in g.short] == []


def _joined(text, learned):
    values, spans = join_thresholds(text, find_values(text), [Span(text.index(n), text.index(n) + len(n), "INDICATOR")
                                                                for n in learned])
    return [text[v.start:v.end] for v in values], [text[s.start:s.end] for s in spans]


def test_join_thresholds_keeps_the_threshold_inside_the_indicator():
    # the learned indicator before the threshold, the threshold and the counted noun are one name
    assert _joined("重点推进固定资产投资5000万元以上产业项目237个。", ["固定资产投资"]) == (
        ["237个"], ["固定资产投资5000万元以上产业项目"])
    # a learned piece that took the 超, and one after it, are joined
    assert _joined("新引进超10亿元重大产业项目50个以上。", ["新引进超", "重大产业项目"]) == (
        ["50个"], ["新引进超10亿元重大产业项目"])
    # the count may come first; the threshold's value is no value of its own
    assert _joined("全力推进260个以上固定资产投资超5000万元的产业项目。", ["固定资产投资"]) == (
        ["260个"], ["固定资产投资超5000万元的产业项目"])


def test_join_thresholds_leaves_stated_values_and_uncounted_sets():
    text = "总投资1.8亿元的富泉食品项目开工。"  # no bound word: the project's own value
    assert _joined(text, ["总投资"]) == (["1.8亿元"], ["总投资"])
    assert _joined("推进亿元以上项目建设,完成投资50亿元。", []) == (["50亿元"], [])  # no count in its clause
    covered = "引进亿元以上项目12个。"  # the model's span already holds it
    assert _joined(covered, ["引进亿元以上项目"]) == (["12个"], ["引进亿元以上项目"])


def test_places_in_phrases_join_a_path_only_where_it_is_free():
    text = "清新区三坑镇农村土地承包经营权流转中心"
    region = "广东省清远市清新区"
    assert places(text, region, taken=[Span(0, 3, "DISTRICT")]) == ["三坑镇"]


def test_places_in_phrases_skip_titles_and_township_level_zones():
    assert places("献礼影片《闽宁镇》在全国上映,闽宁镇开展", "宁夏回族自治区银川市永宁县") == ["闽宁镇"]
    # the gazetteer lists zones at township level; they are no township's full name
    assert places("推进沿海化工园区整治", "江苏省南京市六合区") == []
    assert places("推进二道桥片区建设", "新疆维吾尔自治区乌鲁木齐市天山区") == []
