"""Two-step verification: time-based one-time codes (pyotp, RFC 6238), the QR code drawn on the
server as SVG (segno), and one-time recovery codes (stored as sha256; they are 80 random bits)."""
import hashlib
import hmac
import secrets
import time

import pyotp
import segno

ISSUER = "Sefton action plan tracker"
RECOVERY_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: easy to copy from paper


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret, email) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def verify(secret, code) -> bool:
    """The code from the app, allowing one 30-second step of clock drift either way."""
    return matching_step(secret, code) is not None


def matching_step(secret, code, after=None, at=None):
    """The 30-second time step (an int) whose code is `code`, allowing one step of clock drift
    either way (pyotp's valid_window=1), or None. Steps up to and including `after` (the last one
    accepted for this person) are refused: a code works once."""
    code = (code or "").replace(" ", "").strip()
    if not secret or not code.isdigit() or len(code) != 6:
        return None
    otp = pyotp.TOTP(secret)
    now = int((time.time() if at is None else at) // otp.interval)
    for step in (now - 1, now, now + 1):
        if (after is None or step > after) and hmac.compare_digest(otp.generate_otp(step), code):
            return step
    return None


def qr_svg(uri) -> str:
    """An inline <svg> of the QR code (no image file, nothing fetched from outside)."""
    return segno.make(uri, error="m").svg_inline(scale=5, border=2, title="QR code for your authenticator app")


def new_recovery_codes(count=RECOVERY_CODES):
    """Codes like abcd-efgh-jkmn-pqrs (16 characters of 31: about 79 bits each)."""
    codes = []
    for _ in range(count):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(16))
        codes.append("-".join(raw[i:i + 4] for i in range(0, 16, 4)))
    return codes


def normalise_recovery_code(code) -> str:
    raw = "".join(ch for ch in (code or "").lower() if ch.isalnum())
    return "-".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def hash_code(code) -> str:
    return hashlib.sha256(normalise_recovery_code(code).encode()).hexdigest()
