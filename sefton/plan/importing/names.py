"""Organisation names as people write them: compared without case, punctuation, "&"/"and", or the
words every trust's name has ("NHS", "Foundation Trust", "Hospital"), and through the aliases the
office has taught the tracker ("Alder Hey" is Alder Hey Children's NHS Foundation Trust). Pure."""
import re

_FILLER = {"nhs", "foundation", "trust", "trusts", "hospital", "hospitals", "the", "ft", "of", "and", "uk",
           "services", "service", "limited", "ltd", "cic"}


def key(text):
    """The name as compared: "Southport & Ormskirk Hospital NHS Trust" -> "southport ormskirk"."""
    words = re.sub(r"[^a-z0-9]+", " ", str(text or "").lower().replace("&", " and ").replace("'", "")).split()
    kept = [w for w in words if w not in _FILLER]
    return " ".join(kept or words)


class Names:
    """Finds the organisation a name means: exact code, short name or name first, then the compared
    key of those, then the aliases (key -> organisation id)."""

    def __init__(self, orgs, aliases=None):
        self.orgs = list(orgs)
        self.by_id = {o.id: o for o in self.orgs}
        self.exact, self.by_key = {}, {}
        for attr in ("name", "short_name", "code"):  # a code wins over a name that reads the same
            for org in self.orgs:
                self.exact[getattr(org, attr).strip().casefold()] = org
        for attr in ("name", "short_name", "code"):
            for org in self.orgs:
                self.by_key.setdefault(key(getattr(org, attr)), org)
        for alias_key, org_id in (aliases or {}).items():
            if org_id in self.by_id:
                self.by_key[alias_key] = self.by_id[org_id]

    def find(self, text):
        text = str(text or "").strip()
        if not text:
            return None
        return self.exact.get(text.casefold()) or self.by_key.get(key(text))

    def accepted(self):
        """The names the preview suggests: each active organisation's short name and name."""
        return [f"{o.short_name} ({o.name})" for o in sorted(self.orgs, key=lambda o: o.short_name) if o.active]
