"""Sample filings for the demo (``manage.py load_demo``) and the tests: valid numbers, realistic shapes."""

from __future__ import annotations

from django.db import transaction

from beian.core.state import FilingState

ZJ_COMPANY_USCC = "91330106MA2B0K7L1L"
ZJ_LEGAL_REP_ID = "330102198303010312"
ZJ_WEBMASTER_ID = "330102198507200521"
BJ_PERSON_ID = "110108199202140259"


def _principal(name: str, cert: str, mobile: str, email: str, *, emergency: str = "") -> dict:
    return {"name": name, "certificate_type": "居民身份证", "certificate_number": cert,
            "valid_from": "2019-05-01", "valid_to": "2039-05-01", "mobile": mobile,
            "emergency_phone": emergency, "email": email}


def _access(key: str, ip: str) -> dict:
    return {"key": key, "provider": "本接入商", "method": "云接入", "region": "浙江省",
            "ip_ranges": [{"start": ip, "end": ip}]}


def zhejiang_enterprise_state() -> dict:
    """An enterprise in 浙江 with two websites (the demo's first applicant)."""
    return {
        "entity": {
            "type": "企业", "name": "杭州云栖网络科技有限公司", "certificate_type": "营业执照（个人或企业）",
            "certificate_number": ZJ_COMPANY_USCC, "province": "330000", "city": "杭州市", "district": "西湖区",
            "certificate_address": "浙江省杭州市西湖区文三路 90 号", "communication_address": "西湖区文三路 90 号 8 楼",
            "superior_unit": "杭州云栖网络科技有限公司",
            "principal": _principal("王建国", ZJ_LEGAL_REP_ID, "13957112345", "wang@yunqi-net.cn",
                                    emergency="057188001234"),
        },
        "websites": [
            {"key": "n1", "name": "云栖网络官网", "home_url": "www.yunqi-net.cn", "service_content": ["单位门户网站"],
             "languages": ["中文简体"], "domains": ["yunqi-net.cn"],
             "principal": _principal("李晓燕", ZJ_WEBMASTER_ID, "13857154321", "li@yunqi-net.cn"),
             "access": [_access("a1", "47.96.10.21")]},
            {"key": "n2", "name": "云栖技术文档", "home_url": "docs.yunqi-cloud.com", "service_content": ["其他"],
             "languages": ["中文简体", "英语"], "domains": ["yunqi-cloud.com"],
             "principal": _principal("李晓燕", ZJ_WEBMASTER_ID, "13857154321", "li@yunqi-net.cn"),
             "access": [_access("a1", "47.96.10.22")]},
        ],
    }


def beijing_individual_state() -> dict:
    """An individual in 北京 with one website (the demo's second applicant)."""
    principal = _principal("张小明", BJ_PERSON_ID, "13811112222", "xiaoming@example.com", emergency="13900001111")
    return {
        "entity": {
            "type": "个人", "name": "张小明", "certificate_type": "居民身份证", "certificate_number": BJ_PERSON_ID,
            "province": "110000", "city": "北京市", "district": "海淀区",
            "certificate_address": "北京市海淀区中关村大街 1 号",
            "communication_address": "海淀区中关村大街 1 号 3 单元 502",
            "principal": principal,
        },
        "websites": [
            {"key": "n1", "name": "小明的技术笔记", "home_url": "www.xiaoming-notes.cn",
             "service_content": ["博客/个人空间"],
             "languages": ["中文简体"], "domains": ["xiaoming-notes.cn"], "principal": principal,
             "remarks": "个人技术博客，记录编程学习笔记，无交互功能。",
             "access": [{"key": "a1", "provider": "本接入商", "method": "云接入", "region": "北京市",
                         "ip_ranges": [{"start": "39.107.20.5", "end": "39.107.20.5"}]}]},
        ],
    }


@transaction.atomic
def filed_entity_create(*, owner, state: dict):
    """Put a filing straight into the registry with bureau-style numbers (demo data and test fixtures only)."""
    from beian.bureau.numbers import numbers_issue
    from beian.registry.models import Province
    from beian.registry.services import registry_apply

    filing = FilingState.model_validate(state)
    province = Province.objects.get(code=filing.entity.province)
    numbers_issue(state=filing, entity=None, province=province)
    return registry_apply(state=filing, entity=None, owner=owner)
