"""Password rule (pure): used by every form that sets a password and by `flask create-user`.

- at least MIN_LENGTH characters;
- not a commonly used password: the deny-list is the 30,000 most common passwords that the
  zxcvbn package ships (its `passwords` frequency list), compared case-insensitively, also once
  trailing digits and symbols are taken off ("Password2019!" is "password");
- not containing the person's name parts or the local part of their e-mail address
  (case-insensitive; parts of three letters or more);
- not a published password: the demo's (README, sefton.demo) is readable by anyone, so it is
  refused like a common one everywhere, the demo included, for every password a person sets
  (the demo's own accounts are loaded with it directly, not through this rule).
"""
import functools
import re

MIN_LENGTH = 12
MAX_LENGTH = 200

TOO_SHORT = f"Use a password of at least {MIN_LENGTH} characters"
TOO_LONG = f"Use a password of {MAX_LENGTH} characters or fewer"
EMPTY = "Enter a password"
COMMON = "Use a less common password: this one is on a list of passwords that are often used and easily guessed"
PERSONAL = "Use a password that does not contain your name or email address"
PUBLISHED = ("Use another password: this one is published (it is the demo's password, in the tracker's "
             "instructions) and anyone can read it")

# Published passwords; the test suite checks that sefton.demo's is here (accounts cannot import demo).
PUBLISHED_PASSWORDS = frozenset({"sefton-demo-2019"})


@functools.cache
def _deny_list() -> frozenset:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(p.lower() for p in FREQUENCY_LISTS["passwords"])


def _stripped(low: str) -> str:
    return re.sub(r"[\d\W_]+$", "", low)


def is_common(password: str) -> bool:
    low = password.lower()
    stripped = _stripped(low)
    deny = _deny_list()
    return low in deny or (len(stripped) >= 4 and stripped in deny)


def _core(password: str) -> str:
    """Letters and digits only, trailing digits off: "Sefton Demo 2020!" is "seftondemo"."""
    return re.sub(r"\d+$", "", re.sub(r"[\W_]+", "", password.lower()))


def is_published(password: str) -> bool:
    """The demo's password, in any case and with other separators or trailing digits and symbols."""
    return _core(password) in {_core(p) for p in PUBLISHED_PASSWORDS}


def personal_parts(name: str = "", email: str = "") -> set:
    """The parts of a person's name and e-mail local part that a password must not contain."""
    local = (email or "").partition("@")[0]
    words = re.split(r"[^a-z]+", f"{name or ''} {local}".lower()) + [local.lower()]
    return {w for w in words if len(w) >= 3}


def problems(password, *, name="", email="") -> list:
    """What is wrong with `password` for this person, as messages to show (empty: acceptable)."""
    if not password:
        return [EMPTY]
    if len(password) > MAX_LENGTH:
        return [TOO_LONG]
    found = []
    if len(password) < MIN_LENGTH:
        found.append(TOO_SHORT)
    if is_published(password):
        found.append(PUBLISHED)
    elif is_common(password):
        found.append(COMMON)
    low = password.lower()
    if any(part in low for part in personal_parts(name, email)):
        found.append(PERSONAL)
    return found
