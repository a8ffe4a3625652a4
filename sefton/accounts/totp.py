"""Two-step verification: time-based one-time codes (pyotp, RFC 6238), the QR code drawn on the
server as SVG (segno), and one-time recovery codes (stored as sha256; they are 80 random bits)."""
import hashlib
import secrets

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
    code = (code or "").replace(" ", "").strip()
    return bool(secret) and code.isdigit() and len(code) == 6 and pyotp.TOTP(secret).verify(code, valid_window=1)


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
