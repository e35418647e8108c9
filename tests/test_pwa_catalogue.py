"""The PWA names every permission the server defines, in both languages."""

import re
from pathlib import Path

from server.auth.permissions import PERMISSIONS

I18N = Path(__file__).parent.parent / "pwa" / "src" / "i18n"


def _permission_keys(locale: str) -> set[str]:
    text = (I18N / f"{locale}.js").read_text(encoding="utf-8")
    block = re.search(r"\n  permission: \{\n(.*?)\n  \},", text, re.S).group(1)
    return set(re.findall(r"^\s+(\w+):", block, re.M))


def test_every_permission_has_a_label_in_each_language():
    wanted = {p.replace(".", "_") for p in PERMISSIONS}
    for locale in ("zh-CN", "en"):
        missing = wanted - _permission_keys(locale)
        assert not missing, f"{locale} lacks labels for {sorted(missing)}"
