"""Load the demo: accounts for every role and two filed entities; prints the credentials.

Idempotent: running it again changes nothing and prints the same table.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from beian.accounts.models import Role, User
from beian.registry.demo import beijing_individual_state, filed_entity_create, zhejiang_enterprise_state
from beian.registry.models import Province

PASSWORD = "beian-demo-2026"

ACCOUNTS = [
    ("zj_company", Role.APPLICANT, (), "申请人：浙江企业（两个网站）/ applicant, enterprise in Zhejiang"),
    ("bj_person", Role.APPLICANT, (), "申请人：北京个人（一个网站）/ applicant, individual in Beijing"),
    ("reviewer", Role.PROVIDER_REVIEWER, (), "初审员 / provider reviewer"),
    ("bureau_zj", Role.BUREAU_REVIEWER, ("330000",), "浙江管局审核员 / bureau reviewer, Zhejiang"),
    ("bureau_bj", Role.BUREAU_REVIEWER, ("110000",), "北京管局审核员 / bureau reviewer, Beijing"),
    ("operator", Role.OPERATOR, (), "运营管理员（/admin/）/ operator"),
]


class Command(BaseCommand):
    help = "Create the demo accounts and filings (idempotent) and print the logins."

    @transaction.atomic
    def handle(self, *args, **options):
        users = {}
        for username, role, provinces, _label in ACCOUNTS:
            user, created = User.objects.get_or_create(username=username, defaults={
                "role": role, "email": f"{username}@demo.beian.local"})
            if created:
                user.set_password(PASSWORD)
                if role == Role.OPERATOR:
                    user.is_staff = user.is_superuser = True
                user.save()
                if provinces:
                    user.bureau_provinces.set(Province.objects.filter(code__in=provinces))
            users[username] = user
        if not hasattr(users["zj_company"], "entity"):
            filed_entity_create(owner=users["zj_company"], state=zhejiang_enterprise_state())
        if not hasattr(users["bj_person"], "entity"):
            filed_entity_create(owner=users["bj_person"], state=beijing_individual_state())
        self.stdout.write(f"\nDemo logins (password for all: {PASSWORD})\n")
        for username, _role, _p, label in ACCOUNTS:
            self.stdout.write(f"  {username:<12} {label}")
        self.stdout.write("")
