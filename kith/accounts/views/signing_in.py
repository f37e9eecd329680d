"""Signing in (password, a code by text or email, an authenticator app, a
recovery code), signing out, and resetting or changing a password."""

import time
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from kith.accounts import forms, selectors, services
from kith.accounts.http import AuthenticatedRequest, KithRequest
from kith.accounts.middleware import session_begin
from kith.accounts.models import User
from kith.accounts.permissions import (
    is_staff_user_id,
)
from kith.core.errors import ApplicationError
from kith.core.middleware import client_ip

BACKEND = "kith.accounts.backends.EmailBackend"
PENDING_USER = "kith_pending_user"
PENDING_AT = "kith_pending_at"
PENDING_METHOD = "kith_pending_method"
PENDING_NEXT = "kith_pending_next"
CODE_ID = "kith_code_id"
CODE_FAKE_TRIES = "kith_code_fake_tries"
RECOVERY_CODES = "kith_new_recovery_codes"
PENDING_LIFETIME_SECONDS = 10 * 60


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    """A path on this site to go on to, or the home page. Only a path (it
    starts with one slash): anything else could be another site, or a
    string that redirect() would take for a view's name."""
    if (
        candidate
        and candidate.startswith("/")
        and candidate.isprintable()
        and url_has_allowed_host_and_scheme(
            candidate,
            allowed_hosts={request.get_host()},
            require_https=request.is_secure(),
        )
    ):
        return candidate
    return reverse("core:home")


def _finish_sign_in(
    request: HttpRequest, user: User, method: str, next_url: str
) -> HttpResponse:
    """Staff go on to the authenticator step; everyone else is signed in."""
    if is_staff_user_id(user.pk):
        request.session.cycle_key()
        request.session[PENDING_USER] = user.pk
        request.session[PENDING_AT] = int(time.time())
        request.session[PENDING_METHOD] = method
        request.session[PENDING_NEXT] = next_url
        has_app = selectors.has_authenticator(user=user, confirmed_only=True)
        return redirect(
            "accounts:authenticator_setup" if not has_app else "accounts:second_factor"
        )
    login(request, user, backend=BACKEND)
    session_begin(request, user)
    services.signin_record(user=user, method=method)
    return redirect(next_url)


def _pending_user(request: HttpRequest) -> User | None:
    user_id = request.session.get(PENDING_USER)
    started = request.session.get(PENDING_AT, 0)
    if not user_id or time.time() - started > PENDING_LIFETIME_SECONDS:
        return None
    return selectors.user_by_id(pk=user_id, active_only=True)


@sensitive_post_parameters("password")
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_safe_next(request, request.GET.get("next")))
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    form = forms.SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].strip()
        ip = client_ip(request)
        try:
            services.signin_throttle_check(identifier=email, ip_address=ip)
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            from django.contrib.auth import authenticate

            user = authenticate(
                request, username=email, password=form.cleaned_data["password"]
            )
            services.signin_attempt_record(
                identifier=email, ip_address=ip, succeeded=bool(user)
            )
            if user is None:
                form.add_error(
                    None,
                    _(
                        "The email address or password is not right. Check them and "
                        "try again, or sign in with a code instead."
                    ),
                )
            else:
                return _finish_sign_in(request, user, "password", next_url)
    return render(request, "accounts/sign_in.html", {"form": form, "next": next_url})


def sign_in_code_request(request: HttpRequest) -> HttpResponse:
    form = forms.CodeRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        identifier = form.cleaned_data["identifier"].strip()
        looks_right = "@" in identifier or sum(ch.isdigit() for ch in identifier) >= 10
        if not looks_right:
            form.add_error(
                "identifier",
                _(
                    "Enter an email address, like name@example.com, or a mobile "
                    "number, like 07700 900 982."
                ),
            )
        else:
            try:
                services.signin_throttle_check(
                    identifier=identifier, ip_address=client_ip(request)
                )
            except ApplicationError as error:
                form.add_application_error(error)
            else:
                sign_in_code = services.signin_code_send(identifier=identifier)
                request.session[CODE_ID] = sign_in_code.pk if sign_in_code else None
                request.session[CODE_FAKE_TRIES] = 0
                request.session["kith_code_to"] = identifier
                request.session.pop("kith_code_had", None)
                request.session[PENDING_NEXT] = _safe_next(
                    request, request.GET.get("next")
                )
                return redirect("accounts:sign_in_code")
    return render(request, "accounts/sign_in_code_request.html", {"form": form})


def sign_in_code_have(request: HttpRequest) -> HttpResponse:
    """For someone who already has a code (a coordinator sent it while they
    were on the phone): say where it was sent, then enter it. Sends nothing,
    and answers the same whether or not the address has an account."""
    form = forms.CodeRequestForm(request.POST or None)
    form.fields["identifier"].help_text = _("Where we sent your code.")
    if request.method == "POST" and form.is_valid():
        identifier = form.cleaned_data["identifier"].strip()
        looks_right = "@" in identifier or sum(ch.isdigit() for ch in identifier) >= 10
        if not looks_right:
            form.add_error(
                "identifier",
                _(
                    "Enter an email address, like name@example.com, or a mobile "
                    "number, like 07700 900 982."
                ),
            )
        else:
            try:
                services.signin_throttle_check(
                    identifier=identifier, ip_address=client_ip(request)
                )
            except ApplicationError as error:
                form.add_application_error(error)
            else:
                sign_in_code = selectors.signin_code_latest(identifier=identifier)
                request.session[CODE_ID] = sign_in_code.pk if sign_in_code else None
                request.session[CODE_FAKE_TRIES] = 0
                request.session["kith_code_to"] = identifier
                request.session["kith_code_had"] = True
                request.session[PENDING_NEXT] = _safe_next(
                    request, request.GET.get("next")
                )
                return redirect("accounts:sign_in_code")
    return render(request, "accounts/sign_in_code_have.html", {"form": form})


def sign_in_code(request: KithRequest) -> HttpResponse:
    if "kith_code_to" not in request.session:
        return redirect("accounts:sign_in_code_request")
    form = forms.CodeForm(request.POST or None)
    dead = False
    if request.method == "POST" and form.is_valid():
        code_id = request.session.get(CODE_ID)
        identifier = request.session["kith_code_to"]
        ip = client_ip(request)
        try:
            services.signin_throttle_check(
                identifier=identifier, ip_address=ip, slow_down=False
            )
            if code_id is None:
                # No such account: answer exactly as a wrong code would.
                tries = request.session.get(CODE_FAKE_TRIES, 0) + 1
                request.session[CODE_FAKE_TRIES] = tries
                services.signin_attempt_record(
                    identifier=identifier, ip_address=ip, succeeded=False
                )
                left = services.SIGN_IN_CODE_MAX_WRONG - tries
                if left <= 0:
                    raise ApplicationError(
                        _(
                            "You have entered a wrong code 5 times, so this code no "
                            "longer "
                            "works. Ask for a new code, or phone us on %(phone)s."
                        )
                        % {"phone": getattr(request.locality, "phone", "")},
                        code="dead",
                    )
                raise ApplicationError(
                    _(
                        "That code is not right. Check the code in your message and "
                        "try "
                        "again (%(left)d tries left)."
                    )
                    % {"left": left},
                    field="code",
                    code="wrong",
                )
            user = services.signin_code_verify(
                code_id=code_id,
                code=form.cleaned_data["code"],
                locality=request.locality,
            )
        except ApplicationError as error:
            if error.code in {"wrong", "dead"} and code_id is not None:
                services.signin_attempt_record(
                    identifier=identifier, ip_address=ip, succeeded=False
                )
            dead = error.code in {"dead", "expired", "used"}
            form.add_application_error(error)
        else:
            services.signin_attempt_record(
                identifier=identifier, ip_address=ip, succeeded=True
            )
            next_url = request.session.get(PENDING_NEXT) or reverse("core:home")
            for key in (CODE_ID, CODE_FAKE_TRIES, "kith_code_to", "kith_code_had"):
                request.session.pop(key, None)
            return _finish_sign_in(request, user, "code", next_url)
    return render(
        request,
        "accounts/sign_in_code.html",
        {
            "form": form,
            "sent_to": request.session.get("kith_code_to"),
            "had": request.session.get("kith_code_had", False),
            "dead": dead,
        },
    )


def authenticator_setup(request: KithRequest) -> HttpResponse:
    """First sign-in of a member of staff: set up an authenticator app."""
    user = _pending_user(request)
    if user is None:
        messages.info(request, _("Please sign in again."))
        return redirect("accounts:sign_in")
    try:
        authenticator = services.authenticator_begin(user=user)
    except ApplicationError:
        return redirect("accounts:second_factor")
    form = forms.CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.authenticator_confirm(
                user=user, code=form.cleaned_data["code"]
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            next_url = request.session.get(PENDING_NEXT) or reverse("core:home")
            method = request.session.get(PENDING_METHOD, "password")
            login(request, user, backend=BACKEND)
            session_begin(request, user)
            services.signin_record(user=user, method=f"{method}+authenticator")
            request.session[RECOVERY_CODES] = codes
            request.session[PENDING_NEXT] = next_url
            return redirect("accounts:recovery_codes")
    label = user.email or user.full_name
    issuer = getattr(request.locality, "name", "Kith")
    uri = (
        f"otpauth://totp/{issuer}:{label}?secret={authenticator.secret}&issuer={issuer}"
    )
    qr_svg = segno.make(uri, error="m").svg_inline(
        scale=4, title=_("QR code for your authenticator app")
    )
    secret_groups = " ".join(
        authenticator.secret[i : i + 4] for i in range(0, len(authenticator.secret), 4)
    )
    return render(
        request,
        "accounts/authenticator_setup.html",
        {"form": form, "qr_svg": qr_svg, "secret": secret_groups},
    )


def second_factor(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        messages.info(request, _("Please sign in again."))
        return redirect("accounts:sign_in")
    form = forms.SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ip = client_ip(request)
        identifier = f"2fa:{user.pk}"
        try:
            services.signin_throttle_check(identifier=identifier, ip_address=ip)
            how = services.second_factor_verify(
                user=user, code=form.cleaned_data["code"]
            )
        except ApplicationError as error:
            if error.code != "throttled":
                services.signin_attempt_record(
                    identifier=identifier, ip_address=ip, succeeded=False
                )
            form.add_application_error(error)
        else:
            services.signin_attempt_record(
                identifier=identifier, ip_address=ip, succeeded=True
            )
            next_url = request.session.get(PENDING_NEXT) or reverse("core:home")
            method = request.session.get(PENDING_METHOD, "password")
            login(request, user, backend=BACKEND)
            session_begin(request, user)
            services.signin_record(user=user, method=f"{method}+{how}")
            if how == "recovery_code":
                messages.info(
                    request,
                    _(
                        "You used a recovery code. Each one works only once: make "
                        "new ones from Sign-in and security."
                    ),
                )
            return redirect(next_url)
    demo_code = services.demo_authenticator_code(user=user)
    return render(
        request, "accounts/second_factor.html", {"form": form, "demo_code": demo_code}
    )


@login_required
def recovery_codes(request: AuthenticatedRequest) -> HttpResponse:
    codes = request.session.pop(RECOVERY_CODES, None)
    if not codes:
        return redirect("accounts:security")
    next_url = request.session.pop(PENDING_NEXT, None) or reverse("core:home")
    return render(
        request, "accounts/recovery_codes.html", {"codes": codes, "next": next_url}
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, _("You have signed out."))
    return redirect("core:home")


@require_POST
def session_keep_alive(request: HttpRequest) -> HttpResponse:
    """ "Stay signed in" on the timeout warning: the request itself restarts
    the idle time (kith.accounts.middleware). Someone already signed out is
    sent to sign in by the middleware before this runs."""
    if not request.user.is_authenticated:
        return redirect("accounts:sign_in")
    if request.headers.get("X-Kith-Keep-Alive"):
        return HttpResponse(status=204)
    return redirect(_safe_next(request, request.POST.get("next")))


def password_reset_request(request: HttpRequest) -> HttpResponse:
    form = forms.ResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        ip = client_ip(request)
        try:
            services.signin_throttle_check(identifier=f"reset:{email}", ip_address=ip)
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            services.signin_attempt_record(
                identifier=f"reset:{email}", ip_address=ip, succeeded=False
            )
            services.password_reset_send(
                email=email, base_url=request.build_absolute_uri("/").rstrip("/")
            )
            request.session["kith_reset_to"] = email
            return redirect("accounts:password_reset_sent")
    return render(request, "accounts/password_reset_request.html", {"form": form})


def password_reset_sent(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/password_reset_sent.html",
        {"email": request.session.get("kith_reset_to")},
    )


@sensitive_post_parameters("new_password", "new_password_again")
def password_reset_confirm(
    request: HttpRequest, uidb64: str, token: str
) -> HttpResponse:
    user = selectors.password_reset_user(uidb64=uidb64, token=token)
    if user is None:
        return render(request, "accounts/password_reset_invalid.html", status=400)
    form = forms.NewPasswordForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        services.password_set(
            user=user, password=form.cleaned_data["new_password"], how="reset"
        )
        messages.success(
            request, _("Your password has been changed. You can now sign in with it.")
        )
        return redirect("accounts:sign_in")
    return render(request, "accounts/password_reset_confirm.html", {"form": form})


@login_required
@sensitive_post_parameters("current_password", "new_password", "new_password_again")
def password_change(request: AuthenticatedRequest) -> HttpResponse:
    has_password = request.user.has_usable_password()
    form_class = forms.ChangePasswordForm if has_password else forms.NewPasswordForm
    form = form_class(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = services.password_set(
            user=request.user,
            password=form.cleaned_data["new_password"],
            how="changed",
        )
        from django.contrib.auth import update_session_auth_hash

        update_session_auth_hash(request, user)
        messages.success(request, _("Your password has been changed."))
        return redirect("accounts:security")
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "has_password": has_password},
    )


def admin_sign_in(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """The Django admin signs in through Kith's own pages (with the
    authenticator step), never through its own form."""
    if request.user.is_authenticated and not request.user.is_staff:
        raise PermissionDenied
    target = request.GET.get("next") or reverse("admin:index")
    return redirect(f"{reverse('accounts:sign_in')}?next={target}")
