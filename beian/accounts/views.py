"""Account pages: sign-in (with django-axes lockout), sign-up, sign-out, password reset, API tokens.

Thin: the writes are ``beian.accounts.services``; errors come back as ``BeianError`` and are shown in the
active language.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from beian.accounts import selectors, services
from beian.accounts.tasks import EMAIL_TEMPLATE, SUBJECT_TEMPLATE
from beian.core.errors import BeianError


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = False


def lockout_response(request: HttpRequest, response=None, credentials: dict | None = None, *args, **kwargs):
    """django-axes lockout: the API gets the one error shape, the browser a page (HTTP 429)."""
    from beian.accounts.api import locked_error

    if request.path.startswith("/api/"):
        return JsonResponse(locked_error().as_dict(), status=429)
    return render(request, "accounts/locked.html", status=429)


def _message(exc_item) -> str:
    return exc_item.message_en if (get_language() or "").startswith("en") else exc_item.message_zh


def _add_errors(form: forms.Form, exc: BeianError) -> None:
    for item in exc.errors:
        field = item.field if item.field in form.fields else None
        form.add_error(field, _message(item))


class SignUpForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    email = forms.EmailField(label=_("电子邮箱"), max_length=254)
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput, max_length=4096)
    password2 = forms.CharField(label=_("确认密码"), widget=forms.PasswordInput, max_length=4096)

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致。"))
        return data


@require_http_methods(["GET", "POST"])
def signup(request):
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_sign_up(username=form.cleaned_data["username"], email=form.cleaned_data["email"],
                                         password=form.cleaned_data["password"])
        except BeianError as exc:
            _add_errors(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("注册成功，欢迎使用。"))
            return redirect("/")
    return render(request, "accounts/signup.html", {"form": form}, status=400 if form.errors else 200)


class TokenForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _, secret = services.api_token_create(user=request.user, name=form.cleaned_data["name"])
        except BeianError as exc:
            _add_errors(form, exc)
        else:
            form = TokenForm()
    context = {"form": form, "secret": secret, "tokens": selectors.api_token_list(user=request.user)}
    return render(request, "accounts/tokens.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def token_revoke(request, token_id: int):
    try:
        services.api_token_revoke(user=request.user, token_id=token_id)
    except BeianError as exc:
        return render(request, "accounts/tokens.html", {
            "form": TokenForm(), "tokens": selectors.api_token_list(user=request.user),
            "error": _message(exc.errors[0])}, status=exc.status)
    messages.success(request, _("令牌已吊销。"))
    return redirect("accounts:tokens")


class PasswordResetView(auth_views.PasswordResetView):
    """Sends the e-mail through the same task as the API, so links always point at BEIAN["SITE_URL"]."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = EMAIL_TEMPLATE
    subject_template_name = SUBJECT_TEMPLATE
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        from beian.accounts.tasks import password_reset_email_task

        password_reset_email_task.enqueue(form.cleaned_data["email"], get_language() or "zh-hans")
        return redirect(self.get_success_url())


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        from axes.utils import reset as axes_reset

        response = super().form_valid(form)
        # The lockout page says "or reset your password": a new password lifts the lockout of this account.
        axes_reset(username=form.user.get_username())
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
