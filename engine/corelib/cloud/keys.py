"""The simulated key manager behind ``encryptData()`` / ``decryptData()``.

Upstream Murano stores a secret with Barbican (through Castellan) and hands out the secret's
id, a UUID; ``decryptData(id)`` asks Barbican for it again. Here one :class:`KeyManager`
belongs to one cloud (one environment): it makes a random key on first use and keeps every
secret encrypted with it (Fernet, from ``cryptography``) under a UUID. The key and the
encrypted secrets travel in the cloud's state, so a later ``--state`` command can still
decrypt them; the plain values are never stored, and the cloud's masker learns each value
so that traces, reports and saved models show ``***`` in its place.
"""

from __future__ import annotations

from typing import Any


class KeyManager:
    """Secrets by UUID, encrypted with this environment's key."""

    def __init__(self, make_id: Any, state: dict[str, Any] | None = None) -> None:
        state = state or {}
        self._make_id = make_id
        self._key: str | None = state.get("key")
        self._secrets: dict[str, str] = dict(state.get("secrets") or {})

    def _cipher(self) -> Any:
        from cryptography.fernet import Fernet
        if self._key is None:
            self._key = Fernet.generate_key().decode("ascii")
        return Fernet(self._key.encode("ascii"))

    def store(self, value: str) -> str:
        """Keep ``value``; returns its id (a UUID, as Barbican's)."""
        secret_id = self._make_id("secret", f"secret#{len(self._secrets) + 1}")
        self._secrets[secret_id] = self._cipher().encrypt(value.encode("utf-8")).decode("ascii")
        return secret_id

    def read(self, secret_id: str) -> str:
        """The value stored under ``secret_id`` (KeyError if there is none)."""
        token = self._secrets[secret_id]
        return self._cipher().decrypt(token.encode("ascii")).decode("utf-8")

    def values(self) -> list[str]:
        """Every stored value (for the masker of a continued cloud)."""
        return [self.read(secret_id) for secret_id in self._secrets]

    def to_state(self) -> dict[str, Any]:
        """A JSON-serialisable snapshot (empty when nothing was stored)."""
        if not self._secrets:
            return {}
        return {"key": self._key, "secrets": dict(self._secrets)}
