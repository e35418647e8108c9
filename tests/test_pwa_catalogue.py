"""The PWA names every permission the server defines, in both languages."""

import re
from pathlib import Path

from server.auth.permissions import PERMISSIONS

I18N = Path(__file__).parent.parent / "pwa" / "src" / "i18n"


def _permission_keys(locale: str) -> set[str]:
    text = (I18N / f"{locale}.js").read_text(encoding="utf-8")
    block = re.search(r"\n  permission: \{\n(.*?)\n  \},", text, re.S).group(1)
    keys = set(re.findall(r"^\s+(\w+):", block, re.M))
    # An area labels its own permissions in its module (pwa/src/i18n/<area>.<locale>.js), merged into the locale.
    for module in I18N.glob(f"*.{locale}.js"):
        found = re.search(r"\n  permission: \{(.*?)\n?  \},?\n", module.read_text(encoding="utf-8"), re.S)
        if found:
            keys |= set(re.findall(r"(?:^|[\s{,])(\w+):", found.group(1)))
    return keys


def test_every_permission_has_a_label_in_each_language():
    wanted = {p.replace(".", "_") for p in PERMISSIONS}
    for locale in ("zh-CN", "en"):
        missing = wanted - _permission_keys(locale)
        assert not missing, f"{locale} lacks labels for {sorted(missing)}"
