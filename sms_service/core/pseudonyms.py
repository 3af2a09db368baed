"""Keyed stand-ins for phone numbers: what staff see instead of a number, and what a record keeps
when it must recognise a number without holding it (an erased person's opt-out, analytics).

Both are HMAC-SHA256 (RFC 2104) of the E.164 number under one secret, `PEOPLE_KEY` (default:
derived from `SECRET_KEY`). The same number always gives the same key, so a pseudonym is stable
across pages and days; without the secret the number cannot be recovered by trying all ~10^9
Kenyan numbers. Rotating the secret changes every key: erased opt-outs would no longer match, so
keep it (README "Security"). Kenya's Data Protection Act 2019, s.25(e) and s.41 (data
minimisation, privacy by design): pseudonymise where the number itself is not needed.
"""

import hashlib
import hmac


class PhoneKeys:
    """`key(phone)` -> 64 hex characters; `pseudonym(phone)` -> "Contact 7F3A-92C1"."""

    def __init__(self, secret):
        if not secret:
            raise ValueError("PhoneKeys needs a secret")
        self._secret = hmac.new(secret.encode(), b"haki-yetu phone keys v1", hashlib.sha256).digest()

    @classmethod
    def from_config(cls, config):
        return cls(config.get("PEOPLE_KEY") or config["SECRET_KEY"])

    def key(self, phone):
        """The number's keyed hash (hex, 64 characters); None for no number."""
        if not phone:
            return None
        return hmac.new(self._secret, phone.encode(), hashlib.sha256).hexdigest()

    def pseudonym(self, phone):
        """A short, stable, human-readable name for the number: "Contact 7F3A-92C1"."""
        if not phone:
            return "Contact (none)"
        digest = self.key(phone).upper()
        return f"Contact {digest[:4]}-{digest[4:8]}"
