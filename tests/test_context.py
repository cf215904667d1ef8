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
