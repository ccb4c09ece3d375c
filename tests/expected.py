"""Facts read off the source texts by hand, shared by several tests."""

from __future__ import annotations

CITY = ("gx/prefecture-city-governments", "设区市人民政府")

# Lead and co-lead lists of the trickiest Guangxi measures, read off the source by hand:
# (department slug, name as written), in source order.
EXPECTED = {
    # Two leads; the second inherits 自治区; 工业和信息化厅 is in both lists.
    11: {
        "lead": [("gx/industry-it", "自治区工业和信息化厅"), ("gx/science-technology", "科技厅")],
        "co-lead": [
            CITY,
            ("gx/development-reform", "自治区发展改革委"),
            ("gx/industry-it", "工业和信息化厅"),
            ("gx/commerce", "商务厅"),
            ("gx/natural-resources", "自然资源厅"),
        ],
    },
    # The CBIRC Guangxi branch is listed twice, under its full name and as 广西银保监局.
    14: {
        "lead": [("gx/development-reform", "自治区发展改革委")],
        "co-lead": [
            CITY,
            ("gx/science-technology", "自治区科技厅"),
            ("gx/education", "教育厅"),
            ("gx/industry-it", "工业和信息化厅"),
            ("gx/natural-resources", "自然资源厅"),
            ("gx/finance", "财政厅"),
            ("gx/commerce", "商务厅"),
            ("gx/local-financial-regulation", "地方金融监管局"),
            ("gx/cbirc-branch", "中国银行保险监督管理委员会广西监管局"),
            ("gx/pboc-nanning", "人民银行南宁中心支行"),
            ("gx/cbirc-branch", "广西银保监局"),
        ],
    },
    # 国家税务总局广西税务局 here, 广西税务局 in (十八): one bureau.
    15: {
        "lead": [("gx/science-technology", "自治区科技厅")],
        "co-lead": [
            CITY,
            ("gx/development-reform", "自治区发展改革委"),
            ("gx/finance", "财政厅"),
            ("gx/industry-it", "工业和信息化厅"),
            ("gx/tax", "国家税务总局广西税务局"),
        ],
    },
    # 市场监管局 after 自治区科技厅: inherits the prefix; the same bureau as 市场监督管理局 in (二十一).
    16: {
        "lead": [("gx/science-technology", "自治区科技厅"), ("gx/market-regulation", "市场监管局")],
        "co-lead": [
            CITY,
            ("gx/development-reform", "自治区发展改革委"),
            ("gx/industry-it", "工业和信息化厅"),
            ("gx/ecology-environment", "生态环境厅"),
            ("gx/commerce", "商务厅"),
        ],
    },
    18: {
        "lead": [("gx/science-technology", "自治区科技厅")],
        "co-lead": [
            CITY,
            ("gx/development-reform", "自治区发展改革委"),
            ("gx/industry-it", "工业和信息化厅"),
            ("gx/natural-resources", "自然资源厅"),
            ("gx/ecology-environment", "生态环境厅"),
            ("gx/tax", "广西税务局"),
        ],
    },
    # 党委编办 after 自治区党委组织部: 自治区党委编办, a party organ.
    19: {
        "lead": [CITY],
        "co-lead": [
            ("gx/party-organization-department", "自治区党委组织部"),
            ("gx/party-establishment-office", "党委编办"),
            ("gx/science-technology", "科技厅"),
            ("gx/finance", "财政厅"),
            ("gx/commerce", "商务厅"),
            ("gx/human-resources-social-security", "人力资源社会保障厅"),
            ("gx/justice", "司法厅"),
        ],
    },
    # Three leads.
    20: {
        "lead": [
            ("gx/development-reform", "自治区发展改革委"),
            ("gx/commerce", "商务厅"),
            ("gx/big-data", "大数据发展局"),
        ],
        "co-lead": [
            ("gx/science-technology", "自治区科技厅"),
            ("gx/natural-resources", "自然资源厅"),
            ("gx/housing-urban-rural", "住房城乡建设厅"),
            ("gx/finance", "财政厅"),
            ("gx/market-regulation", "市场监管局"),
            CITY,
        ],
    },
    # Ends 广西证监局。) — the full stop is not part of the name.
    21: {
        "lead": [("gx/local-financial-regulation", "自治区地方金融监管局")],
        "co-lead": [
            ("gx/finance", "自治区财政厅"),
            ("gx/development-reform", "发展改革委"),
            ("gx/science-technology", "科技厅"),
            ("gx/market-regulation", "市场监督管理局"),
            ("gx/commerce", "商务厅"),
            CITY,
            ("gx/pboc-nanning", "人民银行南宁中心支行"),
            ("gx/cbirc-branch", "广西银保监局"),
            ("gx/csrc-branch", "广西证监局"),
        ],
    },
    # A government and a department lead together.
    23: {
        "lead": [("gx/finance", "自治区财政厅"), CITY],
        "co-lead": [("gx/science-technology", "自治区科技厅")],
    },
    # A stray space inside the name, kept as written.
    24: {
        "lead": [("gx/housing-urban-rural", "自治区住房城乡 建设厅")],
        "co-lead": [CITY, ("gx/science-technology", "自治区科技厅")],
    },
}
