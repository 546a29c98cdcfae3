"""Access rows of the public lookup (/api/lookup/…; docs/lookup.md): every role, anonymous included, gets the
same public answer (design.md §2, "Public lookup fields"). The fixture world's owner has the demo 浙江 filing."""

from __future__ import annotations

from tests.access.harness import Row, access_object


@access_object("lookup_filing")
def lookup_filing(world):
    """The owner's filed 浙江 enterprise; its entity number."""
    from beian.registry.demo import filed_entity_create, zhejiang_enterprise_state
    from beian.registry.models import Entity

    owner = world.user("owner")
    entity = Entity.objects.filter(owner=owner).first() or filed_entity_create(
        owner=owner, state=zhejiang_enterprise_state())
    return entity.number


ROWS = [
    Row("lookup.domain", "GET", "/api/lookup/domain?host=www.yunqi-net.cn&x={lookup_filing}",
        "200 200 200 200 200 200 200"),
    Row("lookup.domain.bad", "GET", "/api/lookup/domain?host=http://x/", "400 400 400 400 400 400 400"),
    Row("lookup.batch", "POST", "/api/lookup/batch", "200 200 200 200 200 200 200",
        body={"hosts": ["yunqi-net.cn", "x.cn"], "x": "{lookup_filing}"}),
    Row("lookup.number", "GET", "/api/lookup/number?number={lookup_filing}", "200 200 200 200 200 200 200"),
    Row("lookup.name", "GET", "/api/lookup/name?q=云栖&x={lookup_filing}", "200 200 200 200 200 200 200"),
    Row("lookup.ping", "GET", "/api/lookup/ping", "200 200 200 200 200 200 200"),
]
