"""The private link of a unit: a token that opens one unit's page and feed of one plan.

A token is 22 characters of lower-case base32 (110 bits). It is derived, with HMAC-SHA256,
from the workspace's link key (``.kehoach/khoa-lien-ket``, random, readable by the owner
only) and a random nonce drawn when the link is issued. The store keeps the nonce and the
token's SHA-256, never the token: a copy of the store alone opens nothing, while the program
(which holds the key) can print the same link in every reminder and on the letters.
Revoking a link and issuing a new one draws a new nonce, so the old token stops working.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from ..safeio import write_text

TOKEN_LEN = 22
TOKEN = re.compile(rf"[a-z2-7]{{{TOKEN_LEN}}}")
KEY_FILE = "khoa-lien-ket"


def new_nonce() -> str:
    return secrets.token_hex(16)


def derive(key: bytes, plan: str, unit: str, nonce: str) -> str:
    """The token of link (plan, unit, nonce) under ``key``."""
    mac = hmac.new(key, f"{plan}\n{unit}\n{nonce}".encode(), hashlib.sha256).digest()
    return base64.b32encode(mac).decode("ascii").lower()[:TOKEN_LEN]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def normalize(raw: str) -> str | None:
    """A token as typed from paper or clicked (case and dashes aside), or None when it
    cannot be one (then nothing is looked up)."""
    t = str(raw or "").strip().lower().replace("-", "")
    return t if TOKEN.fullmatch(t) else None


def load_key(state_dir: Path) -> bytes:
    """The workspace's link key; made on first use, private to the owner."""
    p = Path(state_dir) / KEY_FILE
    try:
        raw = p.read_text(encoding="ascii").strip()
        if len(raw) >= 64:
            return bytes.fromhex(raw[:64])
    except (OSError, ValueError):
        pass
    raw = secrets.token_hex(32)
    write_text(p, raw)
    os.chmod(p, 0o600)
    return bytes.fromhex(raw)


def unit_path(token: str, year: int) -> str:
    """The path of a unit's page: ``/dv/<token>/<year>`` (it ends with the plan year, so a
    clerk with links of several years tells them apart)."""
    return f"/dv/{token}/{year}"


def feed_path(plan: str, unit: str, token: str) -> str:
    return f"/lich/{plan}/{unit}.ics?k={token}"


_SECRETS = re.compile(r"(/dv/)[A-Za-z2-7-]{10,40}|((?:[?&])k=)[A-Za-z2-7-]{10,40}")


def redact(text: str) -> str:
    """``text`` with every link token replaced by ``…`` (for logs)."""
    return _SECRETS.sub(lambda m: (m.group(1) or m.group(2)) + "…", text)
