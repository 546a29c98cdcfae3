"""Seed the material requirement catalogue and the 《服务信息安全协议》 (design.md §8, icp-domain.md §3)."""

from django.db import migrations

AGREEMENT_BODY = """甲方（接入服务提供者）与乙方（备案主体）就乙方通过甲方接入互联网信息服务，约定如下：
一、乙方保证所提交的备案信息真实、准确、完整，信息变更时按规定及时办理变更备案。
二、乙方不得利用接入服务制作、复制、发布、传播法律、行政法规禁止的信息，不得从事危害网络安全的活动。
三、乙方应建立健全信息安全管理制度，落实网络安全等级保护、用户信息保护和日志留存等义务，日志留存不少于六个月。
四、乙方网站开通后应在首页底部中央位置悬挂备案号，并链接至工业和信息化部备案管理系统。
五、乙方提供的服务涉及前置审批的，应在取得主管部门许可后方可开展相应服务。
六、发现违法违规信息时，乙方应立即停止传输、保存有关记录，并向有关主管部门报告；甲方有权依法依约暂停或终止接入服务。
七、本协议自乙方在线签署之日起生效，至接入服务终止时止。"""


def seed(apps, schema_editor):
    from beian.materials.seed import ROWS

    Requirement = apps.get_model("materials", "MaterialRequirement")
    Agreement = apps.get_model("materials", "AgreementText")
    for sort, (code, order_types, kind, provinces, path, ops, condition, zh, en, source) in enumerate(ROWS):
        Requirement.objects.create(code=code, order_types=order_types, entity_kind=kind, provinces=provinces,
                                   path=path, ops=ops, condition=condition, reason_zh=zh, reason_en=en,
                                   source=source, sort=sort * 10)
    Agreement.objects.get_or_create(code="service_security_agreement", version="2026.1", defaults={
        "title": "服务信息安全协议", "body": AGREEMENT_BODY, "active": True})


def unseed(apps, schema_editor):
    apps.get_model("materials", "MaterialRequirement").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("materials", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
