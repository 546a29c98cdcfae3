"""Background work of the accounts app: the password-reset e-mail, sent by the task worker.

Sending in the worker keeps the API's answer time the same whether or not the address exists.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.utils import translation
from django_tasks import task

EMAIL_TEMPLATE = "accounts/password_reset_email.txt"
SUBJECT_TEMPLATE = "accounts/password_reset_subject.txt"


def password_reset_send(*, email: str, language: str) -> int:
    """Send Django's reset e-mail (link to ``BEIAN["SITE_URL"]``, never the request's Host) to every active
    account with this address and a usable password. Returns how many were sent (0 for an unknown address)."""
    site = urlsplit(settings.BEIAN["SITE_URL"])
    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return 0
    users = list(form.get_users(email))
    if not users:
        return 0
    with translation.override(language):
        form.save(
            domain_override=site.netloc,
            use_https=site.scheme == "https",
            subject_template_name=SUBJECT_TEMPLATE,
            email_template_name=EMAIL_TEMPLATE,
            extra_email_context={"site_name": settings.BEIAN["PROVIDER_NAME"], "site_url": settings.BEIAN["SITE_URL"]},
        )
    return len(users)


@task()
def password_reset_email_task(email: str, language: str) -> int:
    return password_reset_send(email=email, language=language)
