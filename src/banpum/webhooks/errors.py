"""Errors of webhook subscriptions and deliveries, with the codes clients branch on; templates
are translated when raised."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from banpum.core.errors import Conflict, ErrorCode, NotFound, TooManyRequests, field_message

SUBSCRIPTION_NOT_FOUND = ErrorCode(
    NotFound, "webhook_not_found", _("No such webhook subscription in this store.")
)
DELIVERY_NOT_FOUND = ErrorCode(
    NotFound, "webhook_delivery_not_found", _("No such delivery for this webhook subscription.")
)
TOO_MANY_SUBSCRIPTIONS = ErrorCode(
    Conflict,
    "webhook_limit_reached",
    _("A store can have at most %(limit)s webhook subscriptions; delete one first."),
)
DELIVERY_IN_FLIGHT = ErrorCode(
    Conflict,
    "webhook_delivery_in_flight",
    _("This delivery is being sent right now; resend it once the attempt is over."),
)
DELIVERY_ILLEGAL_TRANSITION = ErrorCode(
    Conflict, "illegal_transition", _("Cannot %(action)s a delivery that is %(status)s.")
)
SUBSCRIPTION_INACTIVE = ErrorCode(
    Conflict,
    "webhook_inactive",
    _("This webhook subscription is disabled; enable it before resending."),
)
TEST_SUBSCRIPTION_INACTIVE = ErrorCode(
    Conflict,
    "webhook_inactive",
    _("This webhook subscription is paused; enable it before sending a test event."),
)
TEST_LIMIT_REACHED = ErrorCode(
    TooManyRequests,
    "webhook_test_limit",
    _("At most %(limit)s test events an hour per webhook subscription; try again later."),
)

# The subscriber's URL (``webhooks.addresses``): checked when saved and again at each delivery.
URL_INVALID = field_message(_("must be an absolute http:// or https:// URL with a host"))
URL_CREDENTIALS = field_message(_("must not carry a user name or password"))
URL_UNRESOLVED = field_message(_("the host %(host)s does not resolve to an address"))
URL_NOT_PUBLIC = field_message(
    _(
        "the host %(host)s resolves to %(address)s, a private, loopback, link-local, multicast "
        "or reserved address: webhooks are only sent to public addresses"
    )
)
EVENTS_EMPTY = field_message(_("name at least one event, or * for every event"))
EVENT_UNKNOWN = field_message(
    _("%(name)s is not an event of the catalogue (see GET /api/v1/webhooks/events)")
)
VERSION_UNKNOWN = field_message(_("choose one of: %(versions)s"))
PREVIOUS_HOURS_RANGE = field_message(_("must be between 0 and %(most)s hours"))
