"""Starting data of the rules (loaded by the data migration ``0002_seed``); after that the tables are the truth.

Sources are the letters of ``icp-domain.md``'s source index (T = Tencent Cloud, Q = QingCloud, H = Huawei
Cloud, A = Alibaba Cloud, P = third-party pages, R = regulations). Entries marked "Beian seed" are this
project's own starting additions, to be reviewed by the operator. Provinces are given by division code.
"""

# National defaults: the most common rule among the sources.
NATIONAL = {
    "min_age": 18, "certificate_valid_months": 3, "domain_valid_months": 3, "legal_rep": "required",
    "website_principal_authorisation": False, "max_websites_per_order_individual": 1,
    "max_websites_per_order_organisation": 10, "max_websites_individual": 5, "residence": "proof",
    "cross_province_server": "explain",
    "source": "icp §5.6 (age ≥ 18 in most listed provinces; ID > 3 months: A12–A14, H9), §5.3 (domain > 3 months: "
              "Q11), §5.6 (legal representative: most CAs), §5.2 (T7: individual 1 / organisation 10 per order; "
              "H15: individual ≤ 5), §5.4 (R1: individuals with residence proof), design §14 (server elsewhere: "
              "explanation)",
}

# division code → overrides (only the fields that differ from the national defaults)
PROVINCES = {
    "110000": {"legal_rep": "authorisation", "source": "icp §5.6 (authorisation + legal-rep ID, H7)"},
    "120000": {"website_principal_authorisation": True, "source": "icp §3.1 (T7)"},
    "140000": {"max_websites_per_order_organisation": 3, "residence": "local_only",
               "source": "icp §5.2 (≤ 3 new domains per order, H7), §5.4 (local ID only, H7)"},
    "150000": {"residence": "local_only", "source": "icp §5.4 (local ID only, H7)"},
    "310000": {"website_principal_authorisation": True, "source": "icp §3.1 (T7), §5.4 (residence permit, H7)"},
    "320000": {"min_age": 16, "legal_rep": "authorisation",
               "source": "icp §5.6 (16–18 with employment or income proof, A11–A14; authorisation, H7)"},
    "340000": {"legal_rep": "authorisation", "website_principal_authorisation": True,
               "source": "icp §5.6 (authorisation, then entity principal = website principal, H7), §3.1 (T7)"},
    "350000": {"website_principal_authorisation": True, "source": "icp §3.1 (T7)"},
    "360000": {"website_principal_authorisation": True, "source": "icp §3.1 (T7)"},
    "370000": {"domain_valid_days": 45, "source": "icp §5.3 (domain > 45 days, A11–A14)"},
    "410000": {"max_websites_per_order_organisation": 5, "source": "icp §5.2 (≤ 5 per submission, H7)"},
    "420000": {"max_websites_per_order_individual": 1, "max_websites_per_order_organisation": 1,
               "website_principal_authorisation": True,
               "source": "icp §5.2 (one website per order, H7), §3.1 (T7)"},
    "430000": {"max_websites_per_order_individual": 1, "max_websites_per_order_organisation": 1,
               "website_principal_authorisation": True,
               "source": "icp §5.2 (one website per order, H7), §3.1 (T7)"},
    "440000": {"min_age": 16, "source": "icp §5.6 (≥ 16, A11–A14)"},
    "450000": {"residence": "local_only", "source": "icp §5.4 (no cross-province individuals, H7)"},
    "460000": {"legal_rep": "authorisation", "source": "icp §5.6 (authorisation, H7)"},
    "500000": {"website_principal_authorisation": True, "source": "icp §3.1 (T7)"},
    "510000": {"website_principal_authorisation": True, "source": "icp §3.1 (T7)"},
    "520000": {"min_age": 14, "website_principal_authorisation": True,
               "source": "icp §5.6 (≥ 14, A11–A14), §3.1 (T7)"},
    "540000": {"residence": "local_only", "source": "icp §5.4 (local ID only, H7)"},
    "610000": {"max_websites_organisation": 30, "source": "icp §5.2 (≤ 30 websites per organisation, H7)"},
    "620000": {"residence": "local_only", "source": "icp §5.4 (no cross-province individuals, H7)"},
    "630000": {"min_age": 14, "residence": "local_only", "source": "icp §5.6 (≥ 14, A11–A14), §5.4 (local ID, H7)"},
    "640000": {"residence": "local_only", "source": "icp §5.4 (no cross-province individuals, H7)"},
    "650000": {"residence": "local_only", "source": "icp §5.4 (local ID only, H7)"},
}

# (code, zh, en, rule code, applies to, screen, pre-approval type, commitment instead, source, words)
CATEGORIES = [
    ("personal_forbidden", "个人网站名称禁用词", "personal-site forbidden", "WEBSITE_NAME_PERSONAL_FORBIDDEN_WORD",
     "individual", "name", "", False, "icp §5.1: Q9 (first 17 words), P-bkzhishi (reseller list), §5.1 last row",
     "个人空间 爱好者 博客 导航 工作室 论坛 平台 热线 社区 社团 网络 网站 网址 主页 资讯 作品展示 "
     "官网 服务 企业 商城 交易 购物 贸易 传媒 中心 咨询 投资 股票 证券 彩票 公司 官方"),
    ("national_words", "国家级词语", "national", "WEBSITE_NAME_NATIONAL_WORD", "non_national", "name", "", False,
     "icp §5.1: Q9, H3, P-cenje", "中国 中华 中央 全国 国家 人民 人大 纪检 监察 信访 维权 投诉"),
    ("forum_words", "论坛类词语", "forum", "WEBSITE_NAME_FORUM_WORD", "all", "name", "", False,
     "icp §5.1: Q4, Q9 (贴吧, BBS: Beian seed)", "论坛 在线 社区 交流 博客 贴吧 BBS"),
    ("gambling", "赌博", "gambling", "CONTENT_FORBIDDEN_WORD", "all", "content_entity", "", False,
     "icp §5.1 (T5, Q9: 赌博); others Beian seed", "赌博 博彩 赌场 百家乐 六合彩 老虎机 时时彩 赌球"),
    ("fraud", "诈骗", "fraud", "CONTENT_FORBIDDEN_WORD", "all", "content_entity", "", False, "Beian seed",
     "诈骗 代开发票 刷单 套现 洗钱 办证 假证"),
    ("pornography", "色情", "pornography", "CONTENT_FORBIDDEN_WORD", "all", "content_entity", "", False,
     "icp §5.1 (T5: 色情); others Beian seed", "色情 裸聊 成人视频 援交 约炮 情色"),
    ("political", "政治敏感", "politically sensitive", "CONTENT_FORBIDDEN_WORD", "all", "content", "", False,
     "icp §5.1 (T5, Q9: 反腐, 廉政); others Beian seed", "反腐 廉政 法轮功 台独"),
    ("news", "新闻", "news", "CONTENT_PRE_APPROVAL_REQUIRED", "all", "content", "新闻", False,
     "icp §2.5 (Q14, R12, R15)", "新闻 时政"),
    ("publishing", "出版", "publishing", "CONTENT_PRE_APPROVAL_REQUIRED", "all", "content", "出版", False,
     "icp §2.5 (Q14, R12)", "出版 期刊 杂志"),
    ("education", "教育", "education", "CONTENT_PRE_APPROVAL_REQUIRED", "all", "content", "教育", False,
     "icp §2.5 (Q14, R12, R15)", "教育 培训 家教 辅导班 招生 留学"),
    ("medical", "医疗保健", "medical", "CONTENT_PRE_APPROVAL_REQUIRED", "all", "content", "医疗保健", False,
     "icp §2.5 (Q14, R12)", "医疗 医院 诊所 保健 问诊"),
    ("drugs", "药品和医疗器械", "drugs and devices", "CONTENT_PRE_APPROVAL_REQUIRED", "all", "content",
     "药品和医疗器械", False, "icp §2.5 (Q14)", "药品 药店 药房 医药 医疗器械"),
    ("culture", "文化", "culture", "CONTENT_PRE_APPROVAL_REQUIRED", "all", "content", "文化", False,
     "icp §2.5 (Q14)", "游戏 动漫 演出 音乐"),
    ("broadcast", "广播电影电视", "broadcast", "CONTENT_PRE_APPROVAL_REQUIRED", "all", "content", "广播电影电视节目",
     False, "icp §2.5 (Q14, R12)", "视频 影视 电影 电视 直播 广播 视听"),
    ("finance", "金融", "finance", "CONTENT_PRE_APPROVAL_REQUIRED", "all", "content_entity", "互联网金融", True,
     "icp §2.5 (Q14, Q15, T10: 银发〔2015〕221号), §5.7",
     "金融 理财 基金 支付 网贷 P2P 交易所 贷款 众筹 保险 证券 期货"),
]

# Fileable TLDs (national). T10: Tencent's list from 2019-01-01; the Chinese TLDs and the rest: Beian seed
# from MIIT's published list of approved TLDs (check domain.miit.gov.cn and edit in the admin).
TLDS_T10 = "com cn net wang xin shop ltd vip top xyz site online tech"
TLDS_SEED = ("org info biz cc tv mobi club store fun ink ren red pub link art love work group kim pro cloud "
             "中国 公司 网络 政务 公益 在线 中文网 我爱你 集团 网址 商城 网店 信息 手机")
TLDS_NOT_FILEABLE_T10 = "hk tw asia jp io me win"
# Province differences: (division code, tld, fileable, source)
TLD_PROVINCE = [("110000", "org", False, "icp §5.3 (T10: not fileable in the Beijing list)")]

# This provider's mainland IP ranges: DEMO VALUES — replace them with your own ranges in the admin.
IP_RANGES = [
    ("演示：华东 1 区公网 IP（请替换）", "47.96.0.0", "47.96.255.255", "330000"),
    ("演示：华北 2 区公网 IP（请替换）", "39.107.0.0", "39.107.255.255", "110000"),
]
