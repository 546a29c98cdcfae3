"""Pages of the portal (applicants), the review console, the bureau console and the public SMS page."""

from django.urls import path

from beian.web import console, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    # applicant portal
    path("filings/", views.filings, name="filings"),
    path("orders/new/", views.order_new, name="order_new"),
    path("orders/<int:order_id>/", views.order_detail, name="order_detail"),
    path("orders/<int:order_id>/edit/", views.order_edit, name="order_edit"),
    path("orders/<int:order_id>/preflight/", views.order_preflight, name="order_preflight"),
    path("orders/<int:order_id>/submit/", views.order_submit, name="order_submit"),
    path("orders/<int:order_id>/resubmit/", views.order_resubmit, name="order_resubmit"),
    path("orders/<int:order_id>/withdraw/", views.order_withdraw, name="order_withdraw"),
    path("orders/<int:order_id>/supply/", views.order_supply, name="order_supply"),
    path("orders/<int:order_id>/identity/", views.order_identity, name="order_identity"),
    path("orders/<int:order_id>/materials/", views.order_material_upload, name="order_material_upload"),
    path("orders/<int:order_id>/agreements/", views.order_agreement_sign, name="order_agreement_sign"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read-all/", views.inbox_read_all, name="inbox_read_all"),
    path("inbox/<int:message_id>/read/", views.inbox_read, name="inbox_read"),
    # public
    path("sms/", views.sms_verify, name="sms_verify"),
    # provider review console
    path("console/", console.console_queue, name="console_queue"),
    path("console/claim-next/", console.console_claim_next, name="console_claim_next"),
    path("console/dashboard/", console.console_dashboard, name="console_dashboard"),
    path("console/orders/<int:order_id>/", console.console_order, name="console_order"),
    path("console/orders/<int:order_id>/<str:action>/", console.console_act, name="console_act"),
    # bureau console
    path("bureau/", console.bureau_queue, name="bureau_queue"),
    path("bureau/orders/<int:order_id>/", console.bureau_order, name="bureau_order"),
    path("bureau/orders/<int:order_id>/<str:action>/", console.bureau_act, name="bureau_act"),
]
