"""Word lists, division codes and number builders for the synthetic registry (bench/generate_registry.py).

Everything here is plain Python with no Django import, so the check-digit helpers can be tested on their
own. The numbers are built to be *valid*, not merely well-formed:

- unified social credit code (GB 32100-2015): division code of the entity's city or district in positions
  3–8, a GB 11714 organisation code in positions 9–17 (its own check digit included) and the GB/T 17710
  check character in position 18 (icp-domain.md §2.4);
- resident ID (GB 11643): address code, a real birth date, a sequence whose parity matches the sex, and the
  ISO 7064 MOD 11-2 check character;
- filing numbers per icp-domain.md §2.7: ``京ICP备2024012345号`` from 2020 on, ``京ICP备16059763号`` before.
"""

from __future__ import annotations

from operator import mul

# ---------------------------------------------------------------- check digits

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, Z, S, V
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_RIC_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RIC_CHECK = "10X98765432"


def _org_value(char: str) -> int:
    """GB 11714 character value: digits 0–9, letters A=10 … Z=35."""
    return int(char) if char.isdigit() else ord(char) - 55


_ORG_VALUES = {c: _org_value(c) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
_USCC_VALUES = {c: i for i, c in enumerate(USCC_ALPHABET)}
_DIGITS = {str(i): i for i in range(10)}


def _weighted(values: dict[str, int], text: str, weights: tuple[int, ...]) -> int:
    if len(text) != len(weights):
        raise ValueError(f"{text!r} must have {len(weights)} characters")
    return sum(map(mul, map(values.__getitem__, text), weights))


def org_code_check(body: str) -> str:
    """GB 11714 check digit of an 8-character organisation code body: 11 - Σ mod 11, 10→X, 11→0."""
    check = 11 - _weighted(_ORG_VALUES, body, _ORG_WEIGHTS) % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def uscc_check(first17: str) -> str:
    """GB/T 17710 (ISO 7064 MOD 31-3) check character of a unified social credit code."""
    return USCC_ALPHABET[(31 - _weighted(_USCC_VALUES, first17, _USCC_WEIGHTS) % 31) % 31]


def make_uscc(*, authority: str, category: str, division: str, org_body: str) -> str:
    """A complete USCC: ``authority``+``category`` (e.g. 9,1), 6-digit division code, 8-char org body."""
    org = org_body + org_code_check(org_body)
    first17 = authority + category + division + org
    return first17 + uscc_check(first17)


def uscc_is_valid(code: str) -> bool:
    """Both check characters and the character set (used by the generator's own sample validation)."""
    if len(code) != 18 or not code[:8].isdigit() or any(c not in USCC_ALPHABET for c in code[8:]):
        return False
    return code[16] == org_code_check(code[8:16]) and code[17] == uscc_check(code[:17])


def ric_check(first17: str) -> str:
    """Check character of an 18-digit resident ID."""
    return _RIC_CHECK[_weighted(_DIGITS, first17, _RIC_WEIGHTS) % 11]


def make_ric(*, address: str, birth: str, sequence: int) -> str:
    """``address`` 6 digits, ``birth`` YYYYMMDD, ``sequence`` 0–999 (odd = male)."""
    first17 = f"{address}{birth}{sequence:03d}"
    return first17 + ric_check(first17)


def ric_is_valid(number: str) -> bool:
    return len(number) == 18 and number[:17].isdigit() and number[17] == ric_check(number[:17])


def address_code_windows(code: str) -> list[tuple[int, int]]:
    """Years in which ``code`` was a valid resident-ID address code, from python-stdnum's division history.

    An ID's address code must have existed in the holder's birth year (stdnum and ``validate_resident_id``
    check it); an empty list means the code is unknown.
    """
    from stdnum import numdb

    info = {k: v for _part, props in numdb.get("cn/loc").info(code) for k, v in props.items()}
    if "county" not in info:
        return []
    windows = []
    for county in info["county"].split(","):
        if not county.startswith("["):
            windows.append((0, 9999))
            continue
        start, end = county[1:].split("]")[0].split("-")
        windows.append((int(start) if start else 0, int(end) if end else 9999))
    return windows


# Address codes for people born before a province-level division existed in its present form.
ADDRESS_FALLBACKS = {"500000": ["510200"], "460000": ["440000"]}
ADDRESS_LAST_RESORT = "110105"  # 北京市朝阳区, valid in every year

# Mobile prefixes that are assigned (libphonenumber metadata), common ones repeated for weight.
MOBILE_PREFIXES = (
    "130 131 132 133 134 135 136 137 138 139 130 131 132 135 136 137 138 139 150 151 152 153 155 156 157 158 159 "
    "150 151 152 158 159 180 181 182 183 184 185 186 187 188 189 180 186 187 188 189 173 176 177 178 199 198 191 "
    "166 147 145 175"
).split()


def entity_number(abbr: str, year: int, serial: int) -> str:
    """Entity filing number: 10-digit serial with the 4-digit year from 2020 on, 8 digits (yy) before."""
    if year >= 2020:
        return f"{abbr}ICP备{year}{serial:06d}号"
    return f"{abbr}ICP备{year % 100:02d}{serial:06d}号"


# ---------------------------------------------------------------- divisions
# province code -> [(city short name, city full name, city code, weight, [(district, district code)])].
# Capitals and a few large cities only: plausible, not complete (GB/T 2260).

DIVISIONS: dict[str, list[tuple[str, str, str, int, list[tuple[str, str]]]]] = {
    "110000": [("北京", "北京市", "110100", 1, [("东城区", "110101"), ("西城区", "110102"), ("朝阳区", "110105"),
                                              ("海淀区", "110108")])],
    "120000": [("天津", "天津市", "120100", 1, [("和平区", "120101"), ("南开区", "120104"), ("滨海新区", "120116")])],
    "130000": [("石家庄", "石家庄市", "130100", 5, [("长安区", "130102"), ("桥西区", "130104")]),
               ("唐山", "唐山市", "130200", 3, [("路北区", "130203")]),
               ("保定", "保定市", "130600", 2, [("竞秀区", "130602")])],
    "140000": [("太原", "太原市", "140100", 6, [("小店区", "140105"), ("迎泽区", "140106")]),
               ("大同", "大同市", "140200", 2, [("平城区", "140213")])],
    "150000": [("呼和浩特", "呼和浩特市", "150100", 5, [("新城区", "150102"), ("赛罕区", "150105")]),
               ("包头", "包头市", "150200", 3, [("昆都仑区", "150203")])],
    "210000": [("沈阳", "沈阳市", "210100", 5, [("和平区", "210102"), ("沈河区", "210103")]),
               ("大连", "大连市", "210200", 4, [("中山区", "210202"), ("沙河口区", "210204")])],
    "220000": [("长春", "长春市", "220100", 6, [("南关区", "220102"), ("朝阳区", "220104")]),
               ("吉林", "吉林市", "220200", 2, [("船营区", "220204")])],
    "230000": [("哈尔滨", "哈尔滨市", "230100", 6, [("道里区", "230102"), ("南岗区", "230103")]),
               ("大庆", "大庆市", "230600", 2, [("萨尔图区", "230602")])],
    "310000": [("上海", "上海市", "310100", 1, [("黄浦区", "310101"), ("徐汇区", "310104"), ("闵行区", "310112"),
                                              ("浦东新区", "310115")])],
    "320000": [("南京", "南京市", "320100", 4, [("玄武区", "320102"), ("鼓楼区", "320106")]),
               ("苏州", "苏州市", "320500", 4, [("吴中区", "320506"), ("姑苏区", "320508")]),
               ("无锡", "无锡市", "320200", 2, [("梁溪区", "320213")])],
    "330000": [("杭州", "杭州市", "330100", 6, [("上城区", "330102"), ("西湖区", "330106"), ("滨江区", "330108"),
                                              ("余杭区", "330110")]),
               ("宁波", "宁波市", "330200", 3, [("海曙区", "330203"), ("鄞州区", "330212")]),
               ("温州", "温州市", "330300", 2, [("鹿城区", "330302")])],
    "340000": [("合肥", "合肥市", "340100", 6, [("蜀山区", "340104"), ("包河区", "340111")]),
               ("芜湖", "芜湖市", "340200", 2, [("镜湖区", "340202")])],
    "350000": [("福州", "福州市", "350100", 4, [("鼓楼区", "350102")]),
               ("厦门", "厦门市", "350200", 4, [("思明区", "350203"), ("湖里区", "350206")]),
               ("泉州", "泉州市", "350500", 2, [("丰泽区", "350503")])],
    "360000": [("南昌", "南昌市", "360100", 6, [("东湖区", "360102"), ("西湖区", "360103")]),
               ("赣州", "赣州市", "360700", 2, [("章贡区", "360702")])],
    "370000": [("济南", "济南市", "370100", 4, [("历下区", "370102"), ("市中区", "370103")]),
               ("青岛", "青岛市", "370200", 4, [("市南区", "370202"), ("崂山区", "370212")]),
               ("烟台", "烟台市", "370600", 2, [("芝罘区", "370602")])],
    "410000": [("郑州", "郑州市", "410100", 7, [("中原区", "410102"), ("金水区", "410105")]),
               ("洛阳", "洛阳市", "410300", 2, [("西工区", "410303")])],
    "420000": [("武汉", "武汉市", "420100", 7, [("江岸区", "420102"), ("武昌区", "420106"), ("洪山区", "420111")]),
               ("宜昌", "宜昌市", "420500", 2, [("西陵区", "420502")])],
    "430000": [("长沙", "长沙市", "430100", 7, [("芙蓉区", "430102"), ("岳麓区", "430104")]),
               ("株洲", "株洲市", "430200", 2, [("天元区", "430211")])],
    "440000": [("广州", "广州市", "440100", 5, [("越秀区", "440104"), ("天河区", "440106"), ("番禺区", "440113")]),
               ("深圳", "深圳市", "440300", 5, [("福田区", "440304"), ("南山区", "440305"), ("宝安区", "440306")]),
               ("佛山", "佛山市", "440600", 2, [("禅城区", "440604"), ("南海区", "440605")]),
               ("东莞", "东莞市", "441900", 2, [])],
    "450000": [("南宁", "南宁市", "450100", 6, [("青秀区", "450103"), ("西乡塘区", "450107")]),
               ("桂林", "桂林市", "450300", 2, [("秀峰区", "450302")])],
    "460000": [("海口", "海口市", "460100", 6, [("龙华区", "460106"), ("美兰区", "460108")]),
               ("三亚", "三亚市", "460200", 3, [("吉阳区", "460203")])],
    "500000": [("重庆", "重庆市", "500100", 1, [("渝中区", "500103"), ("江北区", "500105"), ("渝北区", "500112")])],
    "510000": [("成都", "成都市", "510100", 7, [("锦江区", "510104"), ("武侯区", "510107"), ("成华区", "510108")]),
               ("绵阳", "绵阳市", "510700", 2, [("涪城区", "510703")])],
    "520000": [("贵阳", "贵阳市", "520100", 6, [("南明区", "520102"), ("云岩区", "520103")]),
               ("遵义", "遵义市", "520300", 2, [("红花岗区", "520302")])],
    "530000": [("昆明", "昆明市", "530100", 6, [("五华区", "530102"), ("盘龙区", "530103")]),
               ("大理", "大理白族自治州", "532900", 2, [("大理市", "532901")])],
    "540000": [("拉萨", "拉萨市", "540100", 6, [("城关区", "540102")]),
               ("日喀则", "日喀则市", "540200", 1, [("桑珠孜区", "540202")])],
    "610000": [("西安", "西安市", "610100", 7, [("新城区", "610102"), ("碑林区", "610103"), ("雁塔区", "610113")]),
               ("宝鸡", "宝鸡市", "610300", 2, [("渭滨区", "610302")])],
    "620000": [("兰州", "兰州市", "620100", 6, [("城关区", "620102"), ("七里河区", "620103")]),
               ("天水", "天水市", "620500", 2, [("秦州区", "620502")])],
    "630000": [("西宁", "西宁市", "630100", 6, [("城东区", "630102"), ("城中区", "630103")]),
               ("海东", "海东市", "630200", 1, [("乐都区", "630202")])],
    "640000": [("银川", "银川市", "640100", 6, [("兴庆区", "640104"), ("金凤区", "640106")]),
               ("石嘴山", "石嘴山市", "640200", 1, [("大武口区", "640202")])],
    "650000": [("乌鲁木齐", "乌鲁木齐市", "650100", 6, [("天山区", "650102"), ("沙依巴克区", "650103")]),
               ("克拉玛依", "克拉玛依市", "650200", 1, [("克拉玛依区", "650203")])],
}

MUNICIPALITIES = {"110000", "120000", "310000", "500000"}

# Server regions (服务器放置地) of this provider's data centres, with weights.
SERVER_REGIONS = [("浙江省", 30), ("北京市", 20), ("广东省", 18), ("上海市", 14), ("江苏省", 8), ("四川省", 5),
                  ("山东省", 5)]
# This provider's public IPv4 blocks (first two octets); the generator picks addresses inside them.
IP_BLOCKS = [(47, 96), (47, 97), (47, 98), (101, 37), (106, 14), (116, 62), (118, 31), (120, 55), (121, 40),
             (139, 196), (182, 92)]

# ---------------------------------------------------------------- names

# (surname, pinyin), most frequent first; the generator weights them 1/(rank+8).
SURNAMES = [
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"), ("黄", "huang"),
    ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"), ("徐", "xu"), ("孙", "sun"), ("马", "ma"), ("朱", "zhu"),
    ("胡", "hu"), ("郭", "guo"), ("何", "he"), ("高", "gao"), ("林", "lin"), ("罗", "luo"), ("郑", "zheng"),
    ("梁", "liang"), ("谢", "xie"), ("宋", "song"), ("唐", "tang"), ("许", "xu"), ("韩", "han"), ("冯", "feng"),
    ("邓", "deng"), ("曹", "cao"), ("彭", "peng"), ("曾", "zeng"), ("肖", "xiao"), ("田", "tian"), ("董", "dong"),
    ("袁", "yuan"), ("潘", "pan"), ("于", "yu"), ("蒋", "jiang"), ("蔡", "cai"), ("余", "yu"), ("杜", "du"),
    ("叶", "ye"), ("程", "cheng"), ("苏", "su"), ("魏", "wei"), ("吕", "lv"), ("丁", "ding"), ("任", "ren"),
    ("沈", "shen"), ("姚", "yao"), ("卢", "lu"), ("姜", "jiang"), ("崔", "cui"), ("钟", "zhong"), ("谭", "tan"),
    ("陆", "lu"), ("汪", "wang"), ("范", "fan"), ("金", "jin"), ("石", "shi"), ("廖", "liao"), ("贾", "jia"),
    ("夏", "xia"), ("韦", "wei"), ("付", "fu"), ("方", "fang"), ("白", "bai"), ("邹", "zou"), ("孟", "meng"),
    ("熊", "xiong"), ("秦", "qin"), ("邱", "qiu"), ("江", "jiang"), ("尹", "yin"), ("薛", "xue"), ("闫", "yan"),
    ("段", "duan"), ("雷", "lei"), ("侯", "hou"), ("龙", "long"), ("史", "shi"), ("陶", "tao"), ("黎", "li"),
    ("贺", "he"), ("顾", "gu"), ("毛", "mao"), ("郝", "hao"), ("龚", "gong"), ("邵", "shao"), ("万", "wan"),
    ("钱", "qian"), ("严", "yan"), ("覃", "qin"), ("武", "wu"), ("戴", "dai"), ("莫", "mo"), ("孔", "kong"),
    ("欧阳", "ouyang"), ("上官", "shangguan"),
]
GIVEN_MALE = [
    ("伟", "wei"), ("强", "qiang"), ("磊", "lei"), ("军", "jun"), ("勇", "yong"), ("杰", "jie"), ("涛", "tao"),
    ("斌", "bin"), ("超", "chao"), ("明", "ming"), ("刚", "gang"), ("平", "ping"), ("辉", "hui"), ("鹏", "peng"),
    ("华", "hua"), ("飞", "fei"), ("鑫", "xin"), ("波", "bo"), ("宇", "yu"), ("浩", "hao"), ("凯", "kai"),
    ("健", "jian"), ("俊", "jun"), ("帆", "fan"), ("帅", "shuai"), ("旭", "xu"), ("宁", "ning"), ("龙", "long"),
    ("林", "lin"), ("阳", "yang"), ("建", "jian"), ("国", "guo"), ("志", "zhi"), ("文", "wen"), ("博", "bo"),
    ("晨", "chen"), ("子", "zi"), ("轩", "xuan"), ("睿", "rui"), ("泽", "ze"), ("毅", "yi"), ("峰", "feng"),
]
GIVEN_FEMALE = [
    ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("丽", "li"), ("艳", "yan"), ("娟", "juan"),
    ("霞", "xia"), ("秀", "xiu"), ("燕", "yan"), ("玲", "ling"), ("婷", "ting"), ("雪", "xue"), ("慧", "hui"),
    ("颖", "ying"), ("琳", "lin"), ("洁", "jie"), ("倩", "qian"), ("晶", "jing"), ("佳", "jia"), ("欣", "xin"),
    ("怡", "yi"), ("悦", "yue"), ("萱", "xuan"), ("梦", "meng"), ("雨", "yu"), ("璐", "lu"), ("薇", "wei"),
    ("瑶", "yao"), ("丹", "dan"), ("琴", "qin"), ("月", "yue"),
]

# Trade-name characters (字号) with pinyin; a trade name is two of them.
TRADE_CHARS = [
    ("华", "hua"), ("信", "xin"), ("达", "da"), ("恒", "heng"), ("瑞", "rui"), ("泰", "tai"), ("鑫", "xin"),
    ("宏", "hong"), ("博", "bo"), ("创", "chuang"), ("远", "yuan"), ("联", "lian"), ("新", "xin"), ("天", "tian"),
    ("云", "yun"), ("智", "zhi"), ("德", "de"), ("安", "an"), ("汇", "hui"), ("通", "tong"), ("盛", "sheng"),
    ("嘉", "jia"), ("佳", "jia"), ("海", "hai"), ("明", "ming"), ("星", "xing"), ("辰", "chen"), ("宇", "yu"),
    ("航", "hang"), ("锦", "jin"), ("祥", "xiang"), ("和", "he"), ("顺", "shun"), ("兴", "xing"), ("昌", "chang"),
    ("晨", "chen"), ("拓", "tuo"), ("润", "run"), ("源", "yuan"), ("峰", "feng"), ("睿", "rui"), ("诚", "cheng"),
    ("益", "yi"), ("丰", "feng"), ("凯", "kai"), ("铭", "ming"), ("正", "zheng"), ("思", "si"), ("维", "wei"),
    ("卓", "zhuo"), ("越", "yue"), ("腾", "teng"), ("飞", "fei"), ("启", "qi"), ("光", "guang"), ("耀", "yao"),
    ("美", "mei"), ("优", "you"), ("乐", "le"), ("悦", "yue"), ("金", "jin"), ("易", "yi"), ("捷", "jie"),
    ("迅", "xun"), ("数", "shu"), ("蓝", "lan"), ("青", "qing"), ("方", "fang"), ("合", "he"), ("众", "zhong"),
    ("万", "wan"), ("东", "dong"), ("南", "nan"), ("阳", "yang"), ("晟", "sheng"), ("弘", "hong"), ("融", "rong"),
    ("驰", "chi"), ("豪", "hao"), ("帆", "fan"), ("朗", "lang"), ("旭", "xu"), ("熙", "xi"), ("泽", "ze"),
    ("瀚", "han"), ("麒", "qi"), ("麟", "lin"), ("鼎", "ding"), ("川", "chuan"), ("山", "shan"), ("林", "lin"),
    ("森", "sen"), ("禾", "he"), ("舟", "zhou"), ("桥", "qiao"), ("极", "ji"), ("微", "wei"), ("点", "dian"),
]

# (industry in a company name, domain affixes to pick from, service content choices)
INDUSTRIES = [
    ("科技", ["", "tech", "keji"], ["单位门户网站"]),
    ("网络科技", ["", "net", "wangluo"], ["单位门户网站", "综合门户"]),
    ("信息技术", ["", "it", "info"], ["单位门户网站"]),
    ("电子商务", ["", "shop", "mall"], ["网络购物", "单位门户网站"]),
    ("文化传媒", ["", "media", "culture"], ["单位门户网站", "网络广告/信息"]),
    ("贸易", ["", "trade"], ["单位门户网站"]),
    ("教育科技", ["", "edu", "school"], ["网络教育", "单位门户网站"]),
    ("餐饮管理", ["", "food"], ["单位门户网站"]),
    ("建筑工程", ["", "build", "jianzhu"], ["单位门户网站"]),
    ("生物科技", ["", "bio"], ["单位门户网站"]),
    ("物流", ["", "logistics", "wuliu"], ["单位门户网站"]),
    ("广告", ["", "ad"], ["网络广告/信息", "单位门户网站"]),
    ("企业管理咨询", ["", "consult"], ["单位门户网站"]),
    ("软件", ["", "soft"], ["网络软件/下载", "单位门户网站"]),
    ("智能科技", ["", "ai", "smart"], ["单位门户网站"]),
    ("实业", ["", "group"], ["单位门户网站"]),
    ("机械设备", ["", "machine"], ["单位门户网站"]),
    ("健康管理", ["", "health"], ["单位门户网站"]),
    ("旅游", ["", "travel", "trip"], ["单位门户网站", "综合门户"]),
    ("设计", ["", "design"], ["单位门户网站", "网站建设"]),
    ("游戏", ["", "game", "play"], ["网络游戏", "单位门户网站"]),
]
COMPANY_SUFFIXES = [("有限公司", 88), ("股份有限公司", 4), ("有限责任公司", 8)]
WEBSITE_NAME_PATTERNS_ORG = ["{trade}官网", "{trade}{industry}", "{city}{trade}", "{trade}官方网站", "{trade}商城",
                             "{trade}服务平台", "{trade}在线", "{trade}{industry}门户"]
WEBSITE_NAME_PATTERNS_PERSON = ["{name}的博客", "{name}的个人网站", "{given}的技术笔记", "{given}摄影作品",
                                "{given}的学习记录", "{given}的小站"]
PERSON_AFFIXES = ["", "blog", "home", "note", "dev"]

ROADS = ["人民路", "解放路", "中山路", "建设路", "文三路", "科技路", "学院路", "长江路", "黄河路", "和平路", "新华路",
         "东风路", "幸福路", "振兴路", "创业路", "花园路", "滨江大道", "世纪大道", "工业园路", "高新大道", "湖滨路",
         "江南大道", "北京路", "南京路", "延安路", "体育路", "青年路", "胜利路"]

MAIL_DOMAINS = [("qq.com", 45), ("163.com", 25), ("126.com", 8), ("139.com", 5), ("sina.com", 4), ("foxmail.com", 5),
                ("outlook.com", 4), ("gmail.com", 4)]

# (TLD, weight); IDN labels only under .中国 (and .cn with Chinese labels is rarer: left out).
TLDS = [("com", 44), ("cn", 24), ("com.cn", 10), ("net", 10), ("中国", 5), ("net.cn", 3), ("top", 2), ("org", 2)]

# Pre-approval types the generator uses, with a document-number prefix; %s is the province abbreviation.
PRE_APPROVALS = [("文化", "{abbr}网文〔{year}〕{n}号"), ("出版", "新出网证（{abbr}）字{n}号"),
                 ("药品和医疗器械", "（{abbr}）-经营性-{year}-{n}"), ("新闻", "{abbr}新闻许可〔{year}〕{n}号"),
                 ("广播电影电视节目", "{abbr}视听许可〔{year}〕{n}号")]
