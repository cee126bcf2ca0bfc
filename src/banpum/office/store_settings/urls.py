"""/office/settings/…, included by ``office.urls`` (names in the ``office`` namespace)."""

from django.urls import path, re_path

from banpum.office.store_settings import (
    calendar_views,
    carrier_views,
    message_sending_views,
    message_views,
    payment_views,
    people_views,
    policy_views,
    views,
    webhook_views,
)

urlpatterns = [
    path("", views.settings_home, name="settings-home"),
    path("policy/", policy_views.policy_overview, name="settings-policy"),
    path("policy/edit/", policy_views.policy_edit, name="settings-policy-edit"),
    path("policy/preview/", policy_views.policy_preview, name="settings-policy-preview"),
    path(
        "policy/v<int:version>/",
        policy_views.policy_version_detail,
        name="settings-policy-version",
    ),
    path("holidays/", calendar_views.holidays, name="settings-holidays"),
    re_path(
        r"^holidays/(?P<day>\d{4}-\d{2}-\d{2})/remove/$",
        calendar_views.holiday_remove,
        name="settings-holiday-remove",
    ),
    path("blocklist/", calendar_views.blocklist, name="settings-blocklist"),
    path(
        "blocklist/<int:entry_id>/remove/",
        calendar_views.blocklist_remove,
        name="settings-blocklist-remove",
    ),
    path("carriers/", carrier_views.carriers, name="settings-carriers"),
    path("carriers/new/", carrier_views.carrier_account_new, name="settings-carrier-new"),
    path(
        "carriers/<int:account_id>/",
        carrier_views.carrier_account_edit,
        name="settings-carrier-edit",
    ),
    path("carriers/rules/new/", carrier_views.carrier_rule_new, name="settings-rule-new"),
    path(
        "carriers/rules/<int:rule_id>/", carrier_views.carrier_rule_edit, name="settings-rule-edit"
    ),
    path(
        "carriers/rules/<int:rule_id>/delete/",
        carrier_views.carrier_rule_delete,
        name="settings-rule-delete",
    ),
    path("payment/", payment_views.payment_account, name="settings-payment"),
    path("people/", people_views.people, name="settings-people"),
    path("people/<int:member_id>/role/", people_views.member_role, name="settings-member-role"),
    path(
        "people/<int:member_id>/remove/", people_views.member_remove, name="settings-member-remove"
    ),
    path("api-keys/", people_views.api_keys, name="settings-api-keys"),
    path(
        "api-keys/<int:key_id>/revoke/", people_views.api_key_revoke, name="settings-api-key-revoke"
    ),
    # Merchant webhooks: subscriptions, their deliveries and attempts.
    path("webhooks/", webhook_views.webhooks, name="settings-webhooks"),
    path("webhooks/new/", webhook_views.webhook_new, name="settings-webhook-new"),
    path(
        "webhooks/<int:subscription_id>/",
        webhook_views.webhook_edit,
        name="settings-webhook-edit",
    ),
    path(
        "webhooks/<int:subscription_id>/rotate/",
        webhook_views.webhook_rotate,
        name="settings-webhook-rotate",
    ),
    path(
        "webhooks/<int:subscription_id>/delete/",
        webhook_views.webhook_delete,
        name="settings-webhook-delete",
    ),
    path(
        "webhooks/<int:subscription_id>/test/",
        webhook_views.webhook_send_test,
        name="settings-webhook-test",
    ),
    path(
        "webhooks/<int:subscription_id>/deliveries/",
        webhook_views.webhook_deliveries,
        name="settings-webhook-deliveries",
    ),
    path(
        "webhooks/<int:subscription_id>/deliveries/<int:delivery_id>/",
        webhook_views.webhook_delivery,
        name="settings-webhook-delivery",
    ),
    path(
        "webhooks/<int:subscription_id>/deliveries/<int:delivery_id>/resend/",
        webhook_views.webhook_resend,
        name="settings-webhook-resend",
    ),
    path("messages/", message_views.message_templates, name="settings-messages"),
    path("messages/edit/", message_views.message_template_edit, name="settings-message-edit"),
    path(
        "messages/sending/",
        message_sending_views.message_sending,
        name="settings-message-sending",
    ),
    path(
        "messages/sending/reach/",
        message_sending_views.message_sending_reach,
        name="settings-message-sending-reach",
    ),
    path(
        "messages/preview/",
        message_views.message_template_preview,
        name="settings-message-preview",
    ),
    path(
        "messages/<int:template_id>/approve/",
        message_views.message_template_approve,
        name="settings-message-approve",
    ),
    path(
        "messages/<int:template_id>/reset/",
        message_views.message_template_reset,
        name="settings-message-reset",
    ),
]
