"""The few parts of the NATS client protocol a backend needs, over a plain TCP socket (no TLS).

INFO/CONNECT (with nkey authentication), PING/PONG, SUB, PUB/HPUB (headers such as Nats-Msg-Id) and MSG/HMSG.
The protocol: https://docs.nats.io/reference/reference-protocols/nats-protocol
"""

import json
import socket
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional
from urllib.parse import urlparse

from nkeys import UserKey

CRLF = b"\r\n"


class NatsError(Exception):
    """The server refused something (-ERR), or the connection broke."""


@dataclass
class Msg:
    subject: str
    sid: int
    reply: Optional[str]
    data: bytes
    headers: Dict[str, str] = field(default_factory=dict)
    status: Optional[str] = None  # "503" for "no responders"

    def json(self):
        return json.loads(self.data)


class NatsConnection:
    """One connection. Messages for subscriptions are queued as they arrive; `next_msg` hands them out."""

    def __init__(self, url: str, key: Optional[UserKey] = None, name: str = "switchyard-python-example"):
        parsed = urlparse(url if "://" in url else f"nats://{url}")
        self._sock = socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 4222), timeout=10)
        self._buf = bytearray()
        self._pending: List[Msg] = []
        self._next_sid = 1
        self._pong = False
        info = self._read_line()
        if not info.startswith("INFO "):
            raise NatsError(f"expected INFO from the server, got {info!r}")
        server = json.loads(info[5:])
        if server.get("tls_required"):
            raise NatsError("the server requires TLS, which this example does not speak")
        connect = {"verbose": False, "pedantic": False, "name": name, "lang": "python3", "version": "0.1.0"}
        connect.update({"protocol": 1, "headers": True, "no_responders": True})
        if key is not None:
            connect.update({"nkey": key.public_key, "sig": key.sign_nonce(server.get("nonce", ""))})
        self._send(f"CONNECT {json.dumps(connect)}\r\nPING\r\n".encode())
        self._wait_for_pong(time.monotonic() + 10)

    def subscribe(self, subject: str) -> int:
        sid = self._next_sid
        self._next_sid += 1
        self._send(f"SUB {subject} {sid}\r\n".encode())
        return sid

    def publish(self, subject: str, data: bytes, reply: str = "", headers: Optional[Dict[str, str]] = None) -> None:
        reply_part = f" {reply}" if reply else ""
        if not headers:
            self._send(f"PUB {subject}{reply_part} {len(data)}\r\n".encode() + data + CRLF)
            return
        head = "NATS/1.0\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        raw = head.encode() + data
        self._send(f"HPUB {subject}{reply_part} {len(head)} {len(raw)}\r\n".encode() + raw + CRLF)

    def flush(self, timeout: float = 10) -> None:
        """Round trip to the server: everything sent before is processed (a refused SUB or PUB shows up here)."""
        self._send(b"PING\r\n")
        self._wait_for_pong(time.monotonic() + timeout)

    def next_msg(self, sid: int, timeout: float) -> Optional[Msg]:
        """The next message of subscription `sid`, or None when `timeout` seconds pass without one."""
        deadline = time.monotonic() + timeout
        while True:
            for i, msg in enumerate(self._pending):
                if msg.sid == sid:
                    return self._pending.pop(i)
            if not self._read_op(deadline):
                return None

    def close(self) -> None:
        self._sock.close()

    # --- protocol reading ---

    def _wait_for_pong(self, deadline: float) -> None:
        self._pong = False
        while not self._pong:
            if not self._read_op(deadline):
                raise NatsError("no PONG from the server in time")

    def _read_op(self, deadline: float) -> bool:
        """Reads and handles one protocol line; False on timeout."""
        line = self._read_line(deadline)
        if line is None:
            return False
        op, _, rest = line.partition(" ")
        if op == "PING":
            self._send(b"PONG\r\n")
        elif op == "PONG":
            self._pong = True
        elif op == "-ERR":
            raise NatsError(f"server error: {rest.strip()}")
        elif op == "MSG":
            self._pending.append(self._read_msg(rest.split(), headers=False, deadline=deadline))
        elif op == "HMSG":
            self._pending.append(self._read_msg(rest.split(), headers=True, deadline=deadline))
        # +OK and INFO updates need nothing.
        return True

    def _read_msg(self, args: List[str], headers: bool, deadline: float) -> Msg:
        # MSG <subject> <sid> [reply] <#bytes> / HMSG <subject> <sid> [reply] <#header bytes> <#total bytes>
        sizes = 2 if headers else 1
        subject, sid, reply = args[0], int(args[1]), (args[2] if len(args) == 3 + sizes else None)
        total = int(args[-1])
        raw = self._read_exact(total + 2, deadline)[:total]
        msg = Msg(subject=subject, sid=sid, reply=reply, data=raw)
        if headers:
            head_len = int(args[-2])
            head, msg.data = raw[:head_len].decode(), raw[head_len:]
            status_line, *lines = head.split("\r\n")
            msg.status = status_line[len("NATS/1.0") :].strip().split(" ")[0] or None
            for header in lines:
                if ":" in header:
                    name, _, value = header.partition(":")
                    msg.headers[name.strip()] = value.strip()
        return msg

    def _read_line(self, deadline: Optional[float] = None) -> Optional[str]:
        while CRLF not in self._buf:
            if not self._fill(deadline):
                return None
        end = self._buf.index(CRLF)
        line = self._buf[:end].decode()
        del self._buf[: end + 2]
        return line

    def _read_exact(self, size: int, deadline: float) -> bytes:
        while len(self._buf) < size:
            if not self._fill(deadline):
                raise NatsError("the connection stalled in the middle of a message")
        data = bytes(self._buf[:size])
        del self._buf[:size]
        return data

    def _fill(self, deadline: Optional[float]) -> bool:
        remaining = 10.0 if deadline is None else deadline - time.monotonic()
        if remaining <= 0:
            return False
        self._sock.settimeout(remaining)
        try:
            chunk = self._sock.recv(65536)
        except socket.timeout:
            return False
        if not chunk:
            raise NatsError("the server closed the connection")
        self._buf.extend(chunk)
        return True

    def _send(self, data: bytes) -> None:
        self._sock.sendall(data)
