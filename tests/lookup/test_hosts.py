"""The lookup's cheap host normalisation gives exactly what ``normalize_domain`` gives: the same name or the same
error (code and field), for plain ASCII names (its fast path) and everything else (delegated)."""

from __future__ import annotations

import random
import string

import pytest

from beian.core.errors import BeianError
from beian.core.validators import normalize_domain
from beian.lookup import hosts

EDGE = [
    "example.com", "WWW.Example.COM.cn.", "shop.example.com.cn", "a.b.c.example.gov.cn", "xihu.gov.cn", "gov.cn",
    "com.cn", "cn", "com", "localhost", "example", "example.unknowntld", "1.2.3.4", "1.2.3", "010.1.1.1",
    "123.com", "12345", "[::1]", "::1", "http://example.com", "example.com/path", "example.com:80", "a@b.cn",
    "", "   ", " example.com ", "example..com", ".example.com", "example.com..", "-a.cn", "a-.cn", "a--b.cn",
    "ab--cd.cn", "xn--fsqu00a.xn--fiqs8s", "XN--FSQU00A.XN--FIQS8S", "xn--abc.cn", "xn--.cn", "例子.中国",
    "WWW.Shop.例子.中国.", "例子。中国", "ＥＸＡＭＰＬＥ．ＣＯＭ", "a_b.cn", "a b.cn", "a" * 63 + ".cn",
    "a" * 64 + ".cn", ".".join(["a" * 60] * 4) + ".cn", ".".join(["a" * 61] * 4) + ".cn", "exa\u00admple.com",
    "example.com.", "EXAMPLE.COM", "sub.example.co.uk", "example.github.io", "www.example.com.cn.",
    "例子.com", "bücher.de", "0.cn", "0-0.cn", "a.0", "example.c0m", "example.123",
]


def _outcome(fn, value):
    try:
        return ("ok", fn(value, field="host"))
    except BeianError as exc:
        return ("error", [(e.code, e.field, e.message_en) for e in exc.errors])


def _random_hosts(n: int) -> list[str]:
    rng = random.Random(8)
    tlds = ["cn", "com", "com.cn", "net.cn", "gov.cn", "org", "xyz", "top", "中国", "co.uk", "zz", "edu.cn"]
    alphabet = string.ascii_letters + string.digits + "-"
    out = []
    for _ in range(n):
        labels = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))) for _ in range(rng.randint(1, 3))]
        host = ".".join(labels) + "." + rng.choice(tlds)
        out.append(host + ("." if rng.random() < 0.2 else ""))
    return out


@pytest.mark.parametrize("value", EDGE)
def test_same_as_normalize_domain_on_edge_cases(value):
    hosts.clear_memo()
    assert _outcome(hosts.normalize_host, value) == _outcome(normalize_domain, value)
    assert _outcome(hosts.normalize_host, value) == _outcome(normalize_domain, value)  # memoised: still equal


def test_same_as_normalize_domain_on_random_names():
    hosts.clear_memo()
    values = _random_hosts(3000)
    fast = sum(1 for v in values if hosts._fast(v.strip()) is not None)
    assert fast > 1000, "the fast path should take most plain names"
    for value in values:
        assert _outcome(hosts.normalize_host, value) == _outcome(normalize_domain, value), value


def test_the_memo_is_bounded():
    hosts.clear_memo()
    for i in range(hosts.MEMO_SIZE + 50):
        hosts.normalize_host(f"site{i}.cn")
    assert len(hosts._memo) == hosts.MEMO_SIZE
