"""The codes the API's errors carry, so the dashboard words them in the reader's language.

Every error body names one of these beside its English text (see docs/api.md, "Errors"): a
field error as its ``type`` (as FastAPI names pydantic's own codes, ``string_too_short``…), any
other error as ``code``. Values the text mentions (a limit, a date, a site) travel in ``ctx``, so
a translation can say them too. A code is a promise to API clients and to the web catalogues
(web/src/i18n/errors.*.ts, checked by tests/hub/test_error_codes.py): rename one only with both.

The codes live here, outside hub.api, because the domain (orders, sharing, membership, the
password policy) raises them and must not import the web layer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

Ctx = Mapping[str, str | int]
"""The values an error's text mentions, by name; numbers that are money or dates go as text."""


class ErrorCode(StrEnum):
    # Any request
    NOT_FOUND = "not_found"  # no such path (the framework's own 404)
    METHOD_NOT_ALLOWED = "method_not_allowed"
    HTTP_ERROR = "http_error"  # any other refusal the framework makes without one of ours
    BODY_TOO_LARGE = "body_too_large"
    NUL_CHARACTER = "nul_character"
    RATE_LIMITED = "rate_limited"
    # Signing in, accounts, membership
    SIGN_IN_REQUIRED = "sign_in_required"
    SESSION_EXPIRED = "session_expired"
    WRONG_CREDENTIALS = "wrong_credentials"
    WRONG_CURRENT_PASSWORD = "wrong_current_password"
    ADMIN_ONLY = "admin_only"
    PASSWORD_TOO_SHORT = "password_too_short"
    PASSWORD_TOO_LONG = "password_too_long"
    PASSWORD_DEMO_REFUSED = "password_demo_refused"
    PASSWORD_TOO_GUESSABLE = "password_too_guessable"
    ALREADY_IN_COMMUNITY = "already_in_community"
    INVITATION_INVALID = "invitation_invalid"
    MEMBERSHIP_ALREADY_DECIDED = "membership_already_decided"
    MEMBERSHIP_ACCOUNT_GONE = "membership_account_gone"
    MEMBERSHIP_REQUEST_NOT_FOUND = "membership_request_not_found"
    BROKER_BACKEND_OFF = "broker_backend_off"
    BROKER_SECRET_REQUIRED = "broker_secret_required"
    # Communities and sites
    COMMUNITY_NOT_FOUND = "community_not_found"
    NOT_A_MEMBER = "not_a_member"
    UNKNOWN_TIMEZONE = "unknown_timezone"
    INVALID_GRID_FEE = "invalid_grid_fee"
    FEED_IN_ABOVE_RETAIL = "feed_in_above_retail"
    SITE_NOT_FOUND = "site_not_found"
    SITE_OF_ANOTHER_RESIDENT = "site_of_another_resident"
    SITE_WITHOUT_COMMUNITY = "site_without_community"
    SITE_ID_RESERVED = "site_id_reserved"
    SITE_EXISTS = "site_exists"
    OWNER_EMAIL_UNKNOWN = "owner_email_unknown"
    NOTIFICATION_NOT_FOUND = "notification_not_found"
    # Time spans in queries and order windows
    END_NOT_AFTER_START = "end_not_after_start"
    SPAN_TOO_LONG = "span_too_long"
    START_TOO_LATE = "start_too_late"
    DATE_OUT_OF_RANGE = "date_out_of_range"
    MONTH_OR_SPAN = "month_or_span"
    START_AND_END_TOGETHER = "start_and_end_together"
    # The market
    SITE_KIND_CANNOT_REQUEST = "site_kind_cannot_request"
    SITE_KIND_CANNOT_OFFER = "site_kind_cannot_offer"
    WINDOW_IN_THE_PAST = "window_in_the_past"
    ORDERS_NOT_NEEDED_EX_POST = "orders_not_needed_ex_post"
    NO_MARKET_EX_POST = "no_market_ex_post"
    PRICE_OUTSIDE_CORRIDOR = "price_outside_corridor"
    PARTNER_NOT_IN_COMMUNITY = "partner_not_in_community"
    PARTNER_IS_SELF = "partner_is_self"
    ORDER_NOT_FOUND = "order_not_found"
    ORDER_NOT_CANCELLABLE = "order_not_cancellable"
    INTERVAL_ALREADY_CLEARED = "interval_already_cleared"
    STANDING_ONLY_BUYS = "standing_only_buys"
    STANDING_ONLY_SELLS = "standing_only_sells"
    BATTERY_CAPACITY_UNKNOWN = "battery_capacity_unknown"
    MIN_SOC_REQUIRED = "min_soc_required"
    STANDING_ORDER_NOT_FOUND = "standing_order_not_found"
    TRANSACTION_NOT_FOUND = "transaction_not_found"
    # Ex-post sharing
    MARKET_TAKES_NO_SHARING_OPTION = "market_takes_no_sharing_option"
    ALLOCATION_KEY_REQUIRED = "allocation_key_required"
    DYNAMIC_KEY_TAKES_NO_SHARES = "dynamic_key_takes_no_shares"
    SHARES_REQUIRED = "shares_required"
    SHARE_NOT_POSITIVE = "share_not_positive"
    SHARE_SITE_NOT_IN_COMMUNITY = "share_site_not_in_community"
    # Bills
    SITE_NOT_YOURS_TO_BILL = "site_not_yours_to_bill"
    SITE_NOT_OF_HOUSEHOLD = "site_not_of_household"
    OTHERS_BILL_ADMIN_ONLY = "others_bill_admin_only"
    HOUSEHOLD_NOT_FOUND = "household_not_found"
    HOUSEHOLD_NOT_IN_COMMUNITY = "household_not_in_community"
    NOTHING_TO_BILL_IN_COMMUNITY = "nothing_to_bill_in_community"
    NOTHING_TO_BILL = "nothing_to_bill"
    SITES_IN_SEVERAL_COMMUNITIES = "sites_in_several_communities"
    # Manual meter readings
    READING_IN_THE_FUTURE = "reading_in_the_future"
    READING_NOT_AFTER_PREVIOUS = "reading_not_after_previous"
    COUNTER_BELOW_PREVIOUS = "counter_below_previous"
    METER_HAS_AGENT = "meter_has_agent"
    READING_NOT_BEFORE_NEXT = "reading_not_before_next"
    COUNTER_ABOVE_NEXT = "counter_above_next"
    PRODUCTION_WITH_WIND = "production_with_wind"
    WIND_ABOVE_PRODUCTION = "wind_above_production"
    METER_READING_NOT_FOUND = "meter_reading_not_found"


@dataclass(frozen=True)
class Problem:
    """What is wrong, as a code and its values for the dashboard and English for API users."""

    code: ErrorCode
    message: str
    ctx: Ctx = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message
