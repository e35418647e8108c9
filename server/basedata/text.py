"""Search tokens (with pinyin), IMEI checks and phone normalisation."""

from __future__ import annotations

import re
import unicodedata


_WORD = re.compile(r"[0-9a-z]+|[\u3400-\u9fff]+|[^\s0-9a-z\u3400-\u9fff]+")
_CJK = re.compile(r"[\u3400-\u9fff]")
_MEANINGFUL = re.compile(r"[0-9a-z\u3400-\u9fff]")
MAX_TOKEN = 64


def normalise(text: str) -> str:
    return normalise_digits(unicodedata.normalize("NFKC", text or "").strip().lower())


def normalise_digits(text: str) -> str:
    """Decimal digits of any script (fullwidth ３, Arabic-Indic ٣, Devanagari ३, …) as ASCII digits."""
    if text.isascii():
        return text
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


def normalise_imei(imei: str) -> str:
    """The one form an IMEI is stored, compared and looked up in: ASCII digits, no surrounding space.

    A keyboard in another script types the same digits as other code points; stored as typed,
    such an IMEI would never be found again. Every entry point (API, sync events, import,
    lookups) passes an IMEI through here before ``imei_problem``."""
    return normalise_digits((imei or "").strip())


def _pinyin_forms(text: str) -> tuple[str, str]:
    """(full pinyin, initials) of a mixed string: 华为Mate 60 → ("huaweimate60", "hwm6")."""
    full, initials = [], []
    for part in _WORD.findall(text):
        if _CJK.match(part):
            # Imported on first use: its phrase dictionary is 56 MB, which a process that never
            # writes a Chinese name (an export, a report, a sync worker) need not hold.
            from pypinyin import lazy_pinyin

            syllables = lazy_pinyin(part, errors="ignore")
            full.extend(syllables)
            initials.extend(s[0] for s in syllables if s)
        elif part[0].isalnum():
            full.append(part)
            initials.append(part[0])
    return "".join(full), "".join(initials)


def tokens_for(*texts: str, exact: tuple[str, ...] = ()) -> set[str]:
    """Prefix-searchable tokens for names/codes (``texts``) and identifiers (``exact``)."""
    out: set[str] = set()
    for raw in texts:
        text = normalise(raw)
        if not text:
            continue
        out.add(text.replace(" ", ""))
        words = [w for w in _WORD.findall(text) if w.strip()]
        out.update(words)
        if _CJK.search(text):
            full, initials = _pinyin_forms(text)
            out.update({full, initials})
            # Each Chinese run from every character on, so 深圳迅捷通讯 is found
            # by 迅捷, xunjie or xj, not only from its first character.
            for w in words:
                if _CJK.match(w):
                    for start in range(min(len(w), 12)):
                        tail = w[start:]
                        f, i = _pinyin_forms(tail)
                        out.update({tail, f, i})
        else:
            out.add("".join(w[0] for w in words if w[0].isalnum()))
    for ident in exact:
        ident = normalise(ident)
        if ident:
            out.add(ident)
    return {t[:MAX_TOKEN] for t in out if _MEANINGFUL.search(t)}


def query_words(q: str) -> list[str]:
    """The words of a search box entry; each must prefix-match a token of the record."""
    return [w[:MAX_TOKEN] for w in normalise(q).split() if w][:6]


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def luhn_check_digit(body: str) -> str:
    for d in "0123456789":
        if luhn_ok(body + d):
            return d
    raise AssertionError("unreachable")


def imei_problem(imei: str) -> str | None:
    """Why an IMEI is invalid, or None. 15 ASCII digits (``normalise_imei`` first) with a Luhn check digit."""
    if not re.fullmatch(r"[0-9]{15}", imei or ""):
        return "must be 15 digits"
    if not luhn_ok(imei):
        return "check digit is wrong (Luhn)"
    return None


_PHONE = re.compile(r"^\+?[0-9][0-9-]{5,19}$")


def normalise_phone(phone: str) -> str:
    return re.sub(r"[\s()]", "", phone or "")


def phone_problem(phone: str) -> str | None:
    if not _PHONE.match(phone):
        return "must be a phone number of 6-20 digits"
    return None
