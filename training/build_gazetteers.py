#!/usr/bin/env python3
"""Build govie's gazetteers from the shared resources.

Writes two files (UTF-8, tab separated, header row, LF line endings):

  <out>/districts.tsv    name  level  code  parent_code  short
      from admin_divisions_cn/divisions.csv (NBS division codes, WTFPL repo)
  <out>/enterprises.tsv  short  full
      from enterprises/a_share_listed_companies_2021/company.json

The hand-curated <out>/indicators.tsv is not generated here; if it exists the
script only checks that no surface form maps to two ids.

Only derived name lists are written; no raw resource file is copied.

    python training/build_gazetteers.py [--resources DIR] [--out DIR]
"""
import argparse
import csv
import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

LEVEL_RANK = {"province": 0, "city": 1, "county": 2, "township": 3}

# City-level rows that are only containers, not places (their children are
# re-parented to the province).
PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}

# Township-level "units" that are institutions, not divisions.
NOT_A_DIVISION = re.compile(r"监狱|戒毒|劳教|看守所")

ETHNIC = sorted(
    """蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲
    高山 拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌
    普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴
    珞巴 基诺 各""".split(),
    key=len, reverse=True)
ETH = "(?:(?:%s)族)+" % "|".join(ETHNIC)        # 达斡尔族 (in 梅里斯达斡尔族区)
ETH_OPT = "(?:(?:%s)族?)*族?" % "|".join(ETHNIC)  # 维吾尔 (新疆维吾尔自治区), 鄂温克族自治旗

# What may follow the short form inside the full name, per level.
SUFFIX = {
    "province": "(?:省|市|特别行政区|%s自治区)" % ETH_OPT,
    "city": "(?:市|地区|盟|%s自治州)" % ETH_OPT,
    "county": "(?:市|新区|区|县|旗|林区|特区|%s(?:自治县|自治旗)|%s区)" % (ETH_OPT, ETH),
    "township": "(?:镇|乡|街道|街道办事处|办事处|苏木|地区|%s(?:民族乡|民族苏木)|%s(?:乡|镇|苏木))"
                % (ETH_OPT, ETH),
}

# A short form containing one of these is a mangled statistical unit name.
BAD_IN_SHORT = re.compile(
    r"街道|办事处|政府|开发|园区|管理|管委|农场|牧场|林场|渔场|良种|监狱|戒毒|自治|省|"
    r"经济|产业|保税|示范|风景|名胜|左翼|右翼|联合|新区|矿区|族")

# Short forms that are ordinary words (or slogans, region words) in a report.
# Judgement calls; province/city/county shorts of well-known places are kept.
STOPLIST = set("""
城关 城厢 城郊 城区 郊区 矿区 城中 城东 城西 城南 城北 东城 西城 南城 北城 新城 老城 古城 旧城 县城
市中 市北 市南 新市 东区 西区 南区 北区 中区 新区 高新 经开 开发 开发区 经济 工业 发展 中心 中央
新华 和平 长安 东方 江南 河东 河西 桥东 桥西 中原 华北 华东 华南 南部 北部 东部 西部 中部
前进 胜利 红星 红旗 红光 光明 建设 人民 解放 友谊 友好 团结 东风 向阳 长征 幸福 繁荣 先锋
新兴 民主 文化 振兴 复兴 太平 平安 安定 安宁 和谐 富民 惠民 富强 富裕 文明 进步 互助 同心
新民 爱民 裕民 工农 宏伟 共和 合作 公安 中方 会同 比如 延长 威信 大方 大关 大城 大厂 大名
平定 长子 平原 平和 长寿 安居 乐业 新建 沿河 南岸 港口 海港 临港 空港 临空 滨海 滨江 滨湖
沿江 江海 东海 南海 路桥 通道 资源 石棉 武功 宝塔 同仁 富川 天涯 阳春 全州 天长 万年 天桥
河口 洞口 上街 台前 建安 商城 兴业 江山 金山 青山 银山 鼓楼 钟楼 灯塔 白塔 麒麟 牡丹 芙蓉
莲花 凤凰 天心 天元 光泽 丰满 磐石 龙井 平房 方正 鸡冠 运河 双桥 回民 高明 温泉 清水 甘泉
平川 民乐 高台 前锋 新星 白杨 元宝 站前 龙头 江城 太湖 海盐 博爱 红卫 卫星 五一 国际 世纪
中华 华夏 海洋 花园 公园 车站 火车站 码头 市场 机场 大桥 桥头 新村 黄金 白银 吉利 东升
清新 山城 龙城 水城 绿园
""".split())

# Caijing-lexicon hits that are unambiguous place names all the same.
CAIJING_KEEP = {"鄂尔多斯", "连云港", "日照"}

# A-share short names that are ordinary words or a place or facility rather
# than the company in a report.
ENTERPRISE_STOP = set("""
太平洋 大西洋 新世界 商业城 电子城 农产品 机器人 太阳能 星期六 百合花 新城市 红太阳 动力源
探路者 步步高 轻纺城 生意宝 葫芦娃 寒武纪 健康元 中关村 金融街 北大荒 同济堂
""".split())
# Dictionary words that are distinctive brands of the listed company itself.
ENTERPRISE_KEEP = {"同仁堂", "雅戈尔", "葛洲坝", "泸天化", "首都在线"}

ST_PREFIX = re.compile(r"^(?:退市|S\*ST|\*ST|SST|ST|PT|S)(?=[\u4e00-\u9fff])")
SHARE_SUFFIX = re.compile(r"(?:A股|B股|B退|A|B|退|-[UW]{1,2})$")


def read_words(path, sep=None):
    """First field of each non-empty line (any line ending, BOM dropped)."""
    text = path.read_text(encoding="utf-8-sig")
    words = set()
    for line in re.split(r"\r\n|\r|\n", text):
        line = line.strip()
        if line:
            words.add(line.split(sep)[0].strip())
    return words


def write_tsv(path, header, rows):
    with path.open("w", encoding="utf-8", newline="\n") as f:
        f.write("\t".join(header) + "\n")
        for row in rows:
            assert not any("\t" in c or "\n" in c for c in row), row
            f.write("\t".join(row) + "\n")


def candidate_short(row):
    """The shortest split name == short + a legal administrative suffix.

    It agrees with the csv's short_name for nearly all rows and mends the
    rest: 梅里斯达斡尔族区 -> 梅里斯 (csv: 梅里斯达斡尔族), 藁城区 -> 藁城 and
    浦东新区 -> 浦东 (csv: empty, its heuristic treats 城区/新区 as the whole
    name), 五原县隆兴昌镇荣丰办事处 -> empty (csv: 五原县隆兴昌镇荣丰).
    """
    m = re.fullmatch("(.{2,}?)" + SUFFIX[row["level"]], row["name"])
    return m.group(1) if m else ""


def clean_short(short, row, caijing, common):
    if len(short) < 2 or BAD_IN_SHORT.search(short) or short.endswith("矿"):
        return ""
    level, name = row["level"], row["name"]
    if level == "county" and name.endswith("旗") and short[-1] in "前中后左右":
        return ""  # 科尔沁右翼前旗, 新巴尔虎左旗: the residue is no usable short
    if level == "county" and row["code"][4] == "7":
        return ""  # county-level development zones (codes xxxx7x) have no short form
    if level == "township":
        if re.search(r"[县镇乡旗市]", short[1:]) or re.search(r"(路|街|大街|大道|道)$", short):
            return ""  # 五原县隆兴昌镇荣丰, 解放路(街道): not a place short
        if short in common:
            return ""  # ordinary dictionary word (前进, 胜利, 花园)
    if short in STOPLIST:
        return ""
    if short in caijing and short not in CAIJING_KEEP:
        return ""
    return short


def build_districts(resources, out, caijing, common):
    src = resources / "admin_divisions_cn" / "divisions.csv"
    with src.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    by_code = {r["code"]: r for r in rows}

    def parent_of(r):
        p = r["parent_code"]
        while p and by_code[p]["name"] in PLACEHOLDERS:
            p = by_code[p]["parent_code"]
        return p

    keep = [r for r in rows
            if r["level"] in LEVEL_RANK
            and r["name"] not in PLACEHOLDERS
            and not NOT_A_DIVISION.search(r["name"])]
    shorts = {r["code"]: clean_short(candidate_short(r), r, caijing, common) for r in keep}

    # A short form used at several levels stays only at the highest one
    # (海南 province, not 海南藏族自治州; 河北 province, not 河北区).
    top = {}
    for r in keep:
        s = shorts[r["code"]]
        if s:
            top[s] = min(top.get(s, 9), LEVEL_RANK[r["level"]])
    # ...and a short that is the full name of another unit is not safe either.
    full_names = {r["name"] for r in keep}
    out_rows = []
    dropped_ambiguous = 0
    for r in sorted(keep, key=lambda r: (len(r["code"]), r["code"])):
        s = shorts[r["code"]]
        if s and (LEVEL_RANK[r["level"]] > top[s] or (s in full_names and s != r["name"])):
            s = ""
            dropped_ambiguous += 1
        out_rows.append((r["name"], r["level"], r["code"], parent_of(r), s))
    write_tsv(out / "districts.tsv", ("name", "level", "code", "parent_code", "short"), out_rows)
    return out_rows, dropped_ambiguous


def build_enterprises(resources, out, caijing, common, places):
    src = resources / "enterprises" / "a_share_listed_companies_2021" / "company.json"
    pairs = set()
    with src.open(encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            rec = json.loads(line)
            short = SHARE_SUFFIX.sub("", ST_PREFIX.sub("", rec["name"].strip()))
            full = rec["fullname"].strip()
            if len(short) < 2 or not full or short in ENTERPRISE_STOP:
                continue
            if short in common and short not in ENTERPRISE_KEEP:
                continue  # an ordinary dictionary word
            if short in places:
                continue  # 连云港, 陆家嘴: a DISTRICT in a report
            if short in caijing and re.search(r"港$", short) and short[:-1] in places:
                continue  # 日照港, 宁波港: the port, not the company
            pairs.add((short, full))
    out_rows = sorted(pairs)
    write_tsv(out / "enterprises.tsv", ("short", "full"), out_rows)
    return out_rows


def check_indicators(out):
    path = out / "indicators.tsv"
    if not path.exists():
        return None
    seen = {}
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t")
        rows = list(reader)
    for r in rows:
        forms = {r["name_zh"]} | {s for s in r["synonyms"].split("|") if s}
        for s in forms:
            if s in seen and seen[s] != r["id"]:
                sys.exit("indicators.tsv: %r maps to %s and %s" % (s, seen[s], r["id"]))
            seen[s] = r["id"]
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)), "duplicate indicator id"
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--resources", type=Path, default=REPO / ".." / "shared" / "resources")
    ap.add_argument("--out", type=Path, default=REPO / "govie" / "data")
    args = ap.parse_args(argv)
    res, out = args.resources.resolve(), args.out
    out.mkdir(parents=True, exist_ok=True)

    caijing = read_words(res / "lexicons" / "thuocl" / "THUOCL_caijing.txt")
    common = read_words(res / "cws" / "sighan2005_icwb2" / "gold" / "pku_training_words.utf8")

    districts, ambiguous = build_districts(res, out, caijing, common)
    places = {r[0] for r in districts} | {r[4] for r in districts if r[4]}
    with (res / "admin_divisions_cn" / "divisions.csv").open(encoding="utf-8", newline="") as f:
        places |= {r["short_name"] for r in csv.DictReader(f) if r["short_name"]}
    enterprises = build_enterprises(res, out, caijing, common, places)
    indicators = check_indicators(out)

    print("districts.tsv   %6d rows, %d with short (%d shorts dropped as ambiguous); stoplist %d words"
          % (len(districts), sum(1 for r in districts if r[4]), ambiguous, len(STOPLIST)))
    print("enterprises.tsv %6d rows" % len(enterprises))
    if indicators is not None:
        print("indicators.tsv  %6d rows checked (%d core)"
              % (len(indicators), sum(r["core"] == "1" for r in indicators)))


if __name__ == "__main__":
    main()
