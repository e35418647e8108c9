"""The counter's input rules, defined once: the intake and the events check them here
(``operations.py``), and ``pwa_export`` writes :func:`export` into the PWA's build so a tablet
refuses offline exactly what the server would refuse at posting (issue 16 §9: an intake must not
look saved and then be refused after the customer has left).

Only what a device can know is exported: lengths, patterns, required fields, money and signature
shapes, dates. What needs the server's data (a member by phone, a blob uploaded) is checked there.
"""

from __future__ import annotations

from ..basedata.text import _PHONE

# Longest text each field may hold (characters, after trimming).
TEXT_LIMITS: dict[str, int] = {
    "member_phone": 20, "customer_name": 80, "customer_phone": 20, "imei": 15, "colour": 40,
    "passcode": 64, "fault_description": 2000, "appearance_note": 2000, "note": 2000,
    "provisional_code": 32, "warranty_override_reason": 300,
    # state-machine events
    "reason": 300, "exchange_ref": 80, "event_note": 500,
    # quotation
    "quotation_note": 500,
}

MONEY_MAX = "999999999999.99"
MAX_SIGNATURE = 65_536
SIGNATURE_PATTERN = r"^data:image/(png|jpeg|webp|svg\+xml);base64,[A-Za-z0-9+/=]+$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"
PHONE_PATTERN = _PHONE.pattern
QUOTATION_MAX_LINES = 50
QUOTATION_MAX_QUANTITY = 999


def repair_papers() -> dict:
    """The repair papers (every form read with ``repair.view``), with their papers, default
    first: the counter's and the job's print buttons are made from this."""
    from ..printing.forms import FORMS

    return {f.name: list(f.papers) for f in FORMS.values() if f.permission == "repair.view"}


def desk() -> dict:
    """The repair desk's rules (loaner slips, refund slips, distributor batches), from the constants
    their operations check, for a tablet lending, refunding or taking in a batch offline."""
    from . import batches, loaners

    return {
        "text_limits": {"loaner_serial": loaners.SERIAL_MAX, "loaner_note": loaners.NOTE_MAX,
                        "loaner_return_note": loaners.RETURN_NOTE_MAX, "refund_reason": TEXT_LIMITS["reason"],
                        "contact_name": batches.CONTACT_NAME_MAX, "contact_phone": batches.CONTACT_PHONE_MAX,
                        "batch_note": batches.NOTE_MAX},
        # A loaner is lent only against an open order; a damage charge only on a damaged return.
        "loaner_open_states": list(loaners.OPEN_STATES),
        "batch_modes": list(batches.MODES),
    }


def export() -> dict:
    """The rules as data for the PWA (``pwa/src/generated/repair-machine.json``, key ``rules``)."""
    return {
        "papers": repair_papers(),
        "text_limits": TEXT_LIMITS,
        "phone_pattern": PHONE_PATTERN,
        "money": {"max": MONEY_MAX, "decimals": 2},
        "signature": {"max_length": MAX_SIGNATURE, "pattern": SIGNATURE_PATTERN, "sha256": SHA256_PATTERN},
        "intake": {
            # One of these must be given: a fault code or a description.
            "fault_required_one_of": ["symptom_ids", "fault_description"],
            "walk_in_required": ["customer_name", "customer_phone"],
            "purchase_date_not_future": True,
            "promised_date_not_past": True,
        },
        "quotation": {"max_lines": QUOTATION_MAX_LINES, "max_quantity": QUOTATION_MAX_QUANTITY},
        # Events whose reason the server requires (statemachine fields that are not optional).
        "required_event_fields": {"return_unrepaired": ["reason"], "qc_fail": ["reason"],
                                  "convert_to_exchange": ["reason"], "follow_up": ["satisfaction"],
                                  "forward": ["mode"]},
        # ... and on a billed order (chargeable or claimable): the level sets the labour charge.
        "required_if_billed": {"finish_repair": ["repair_level_id"]},
        "desk": desk(),
    }
