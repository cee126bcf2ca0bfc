"""Words for what the integrations refuse: refund-account problems and bulk-transfer files.

``ACCOUNT_PROBLEMS`` words an ``AccountProblem`` code as a field message;
``account_problem_fields`` turns a check's problems into ``extra.fields`` for
``ValidationFailed.for_fields``. The ``TRANSFER_FILE_*`` errors are raised by the result-file
parser with the row and column a seller can find in their file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.utils.translation import gettext_lazy as _

from banpum.core.errors import ErrorCode, ValidationFailed, field_message
from banpum.integrations.banks.accounts import AccountProblem

BANK_UNKNOWN = field_message(_("is not a bank code we know (%(code)s)"))
ACCOUNT_NUMBER_EMPTY = field_message(_("give the account number"))
ACCOUNT_NUMBER_NOT_DIGITS = field_message(_("may contain only digits, hyphens and spaces"))
ACCOUNT_NUMBER_TOO_SHORT = field_message(
    _("has %(count)s digits; this bank's account numbers have at least %(minimum)s")
)
ACCOUNT_NUMBER_TOO_LONG = field_message(
    _("has %(count)s digits; this bank's account numbers have at most %(maximum)s")
)
HOLDER_NAME_EMPTY = field_message(_("give the account holder's name"))
HOLDER_NAME_TOO_LONG = field_message(_("must be at most %(maximum)s characters"))
HOLDER_NAME_CONTROL_CHARACTERS = field_message(_("must not contain control characters"))
HOLDER_NAME_FORMULA = field_message(_("must not start with =, +, - or @"))

ACCOUNT_PROBLEMS: Mapping[str, ErrorCode] = {
    "bank_unknown": BANK_UNKNOWN,
    "account_number_empty": ACCOUNT_NUMBER_EMPTY,
    "account_number_not_digits": ACCOUNT_NUMBER_NOT_DIGITS,
    "account_number_too_short": ACCOUNT_NUMBER_TOO_SHORT,
    "account_number_too_long": ACCOUNT_NUMBER_TOO_LONG,
    "holder_name_empty": HOLDER_NAME_EMPTY,
    "holder_name_too_long": HOLDER_NAME_TOO_LONG,
    "holder_name_control_characters": HOLDER_NAME_CONTROL_CHARACTERS,
    "holder_name_formula": HOLDER_NAME_FORMULA,
}


def account_problem_fields(
    problems: Iterable[AccountProblem], *, prefix: str = ""
) -> dict[str, list[str]]:
    """Problems as ``{"<prefix><field>": [message, ...]}``, worded in the active language."""
    fields: dict[str, list[str]] = {}
    for problem in problems:
        message = ACCOUNT_PROBLEMS[problem.code].render(**problem.params)
        fields.setdefault(prefix + problem.field, []).append(message)
    return fields


def account_problems_error(
    problems: Iterable[AccountProblem], *, prefix: str = ""
) -> ValidationFailed:
    """One 422 for all of a check's problems, ready to raise."""
    return ValidationFailed.for_fields(account_problem_fields(problems, prefix=prefix))


TRANSFER_FILE_UNREADABLE = ErrorCode(
    ValidationFailed,
    "transfer_file_unreadable",
    _("The file is neither an Excel workbook (.xlsx) nor a CSV file."),
)
TRANSFER_FILE_ENCODING = ErrorCode(
    ValidationFailed,
    "transfer_file_encoding",
    _("The CSV file is neither UTF-8 nor CP949 (EUC-KR) text; save it again as CSV."),
)
TRANSFER_FILE_COLUMNS = ErrorCode(
    ValidationFailed,
    "transfer_file_columns",
    _("No header row with the columns %(columns)s was found in the first %(rows)s rows."),
)
TRANSFER_FILE_EMPTY = ErrorCode(
    ValidationFailed, "transfer_file_empty", _("The file has a header row but no transfers.")
)
TRANSFER_FILE_AMOUNT = ErrorCode(
    ValidationFailed,
    "transfer_file_amount",
    _("Row %(row)s: the amount %(value)s is not a whole, positive number of won."),
)
TRANSFER_FILE_ACCOUNT = ErrorCode(
    ValidationFailed,
    "transfer_file_account",
    _("Row %(row)s: the account number is missing or not digits."),
)
TRANSFER_FILE_RESULT = ErrorCode(
    ValidationFailed,
    "transfer_file_result",
    _("Row %(row)s: the result %(value)s is neither a success (성공) nor a failure (실패)."),
)
