"""NATS nkey user seeds: decode one, derive its public key, sign the server's nonce (ed25519, via PyNaCl).

A seed such as ``SUAM...`` is base32 (no padding) of two prefix bytes (seed + user), the 32-byte ed25519 seed and a
CRC-16/XMODEM checksum (little-endian). A public key ``UD4...`` is base32 of one prefix byte, the 32-byte public key
and the same checksum. See https://docs.nats.io/running-a-nats-service/configuration/securing_nats/auth_intro/nkey_auth
"""

import base64

try:
    import nacl.signing
except ModuleNotFoundError:
    raise SystemExit("PyNaCl is missing: apt-get install python3-nacl (or pip install pynacl)") from None

PREFIX_SEED = 18 << 3  # "S"
PREFIX_USER = 20 << 3  # "U"


class NkeyError(ValueError):
    """A seed that cannot be used, with what is wrong with it."""


def crc16(data: bytes) -> int:
    """CRC-16/XMODEM (polynomial 0x1021, initial value 0), the checksum of every nkey."""
    crc = 0
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def _b32decode(text: str) -> bytes:
    try:
        return base64.b32decode(text + "=" * (-len(text) % 8))
    except ValueError as err:
        raise NkeyError(f"invalid nkey seed: not base32 ({err})") from None


def _b32encode(raw: bytes) -> str:
    return base64.b32encode(raw).decode("ascii").rstrip("=")


class UserKey:
    """The key pair of a NATS user, from its seed."""

    def __init__(self, seed: str):
        raw = _b32decode(seed.strip())
        if len(raw) != 36:
            raise NkeyError(f"invalid nkey seed: {len(raw)} bytes decoded, expected 36")
        body, checksum = raw[:-2], int.from_bytes(raw[-2:], "little")
        if crc16(body) != checksum:
            raise NkeyError("invalid nkey seed: checksum mismatch (a character is wrong or missing)")
        if body[0] & 0xF8 != PREFIX_SEED:
            raise NkeyError("invalid nkey seed: it must start with S")
        kind = ((body[0] & 0x07) << 5) | ((body[1] & 0xF8) >> 3)
        if kind != PREFIX_USER:
            raise NkeyError("invalid nkey seed: not a user seed (it must start with SU)")
        self._signing_key = nacl.signing.SigningKey(body[2:])

    @classmethod
    def from_file(cls, path: str) -> "UserKey":
        with open(path, encoding="ascii") as file:
            return cls(file.read())

    @property
    def public_key(self) -> str:
        """The user's public key (``U...``), what the server's configuration lists."""
        body = bytes([PREFIX_USER]) + bytes(self._signing_key.verify_key)
        return _b32encode(body + crc16(body).to_bytes(2, "little"))

    def sign_nonce(self, nonce: str) -> str:
        """The CONNECT ``sig``: the ed25519 signature of the server's nonce, base64url without padding."""
        signature = self._signing_key.sign(nonce.encode("ascii")).signature
        return base64.urlsafe_b64encode(signature).decode("ascii").rstrip("=")
