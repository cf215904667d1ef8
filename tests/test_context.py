"""Document context: region and year from a report's opening lines (sentences written for the tests)."""
import pytest

from govie.context import document_context

CASES = [
    ("雨山区2025年政府工作报告\n——2024年12月23日在雨山区第十五届\n人民代表大会第五次会议上", "安徽省马鞍山市雨山区", 2025),
    ("政府工作报告\n2024年1月17日在宁波市\n\n第十六届人民代表大会第四次会议上", "浙江省宁波市", 2024),
    ("各位代表:\n现在,我代表宝安区人民政府向大会作工作报告。", "广东省深圳市宝安区", None),
    ("2018年湖南省政府工作报告\n省人民政府省长", "湖南省", 2018),
    ("政府工作报告\n——2020年5月22日在第十三届全国人民代表大会第三次会议上\n国务院总理", "全国", 2020),
    ("2024年东莞市政府工作报告", "广东省东莞市", 2024),
]


@pytest.mark.parametrize("head,region,year", CASES)
def test_context_region_and_year_from_opening(head, region, year):
    assert document_context(head) == (region, year)


# Openings that name no place, or name it in a way the title patterns miss; and years that only a
# Chinese-numeral dateline, a year after the title or the review heading gives.
HARDER = [
    # a two-character county (易县) is a region when it is the whole name the congress line gives
    ("2020年易县政府工作报告\n——2020年1月10日在易县第十七届人民代表大会第四次会议上", "河北省保定市易县", 2020),
    ("2022年点军区ZF工作报告\n2022年,将重点抓好六个方面工作", "湖北省宜昌市点军区", 2022),
    # 我代表区人民政府: the county-level division named most, though its city is named more
    ("各位代表:\n现在,我代表区人民政府向大会作工作报告。深圳市龙岗区发展迅速,深圳经济特区、深圳都市圈、"
     "深圳湾和深圳北站带动龙岗,龙岗大运新城建成。", "广东省深圳市龙岗区", None),
    # a functional zone that is no division speaks for itself, under the city named most
    ("各位代表:\n现在,我代表大鹏新区管理委员会向大会作工作报告。深圳市委、深圳市政府支持新区发展。",
     "广东省深圳市大鹏新区", None),
    # no speaker at all: the deepest 我… says the level (我省 of the province, 我区 of the district)
    ("二、2024年工作安排\n我省迈入上升期,我区发展基础更加坚实。淮北市委、淮北市政府支持相山发展,相山城区更新。",
     "安徽省淮北市相山区", 2024),
    ("厦门市第十五届人民代表大会第六次会议政府工作报告\n——二〇二一年一月十八日在厦门市第十五届人民代表大会第六次会议上",
     "福建省厦门市", 2021),
    ("杨雄市长在上海市第十四届人民代表大会第一次会议上的政府工作报告(2013年)\n各位代表:", "上海市", 2013),
    ("政府工作报告\n各位代表:\n现在,我代表省人民政府向大会报告工作。\n一、2020年工作及“十三五”时期发展回顾\n江西发展,江西振兴", "江西省", 2021),
    ("政府工作报告\n各位代表:\n现在,我代表省人民政府向大会报告工作。\n一、2004年政府工作的简要回顾\n江西发展,江西振兴", "江西省", 2005),
    # a Chinese-numeral "date" that is no year gives none
    ("——〇〇〇〇年一月一日在雨山区第一届人民代表大会第一次会议上", "安徽省马鞍山市雨山区", None),
    # a date in the running text is no dateline
    ("各位代表:\n现在,我代表坪山区政府筹备组向大会作工作报告。\n一、坪山新区成立以来的工作回顾\n2009年6月30日,坪山新区正式成立。",
     "广东省深圳市坪山区", None),
]


@pytest.mark.parametrize("head,region,year", HARDER)
def test_context_region_and_year_where_the_title_does_not_say(head, region, year):
    assert document_context(head) == (region, year)
