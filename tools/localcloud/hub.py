"""A small learning Ethernet switch between qemu VMs, on unix sockets only.

Each environment network is one *segment*: a listening unix socket that qemu's
``-netdev stream,addr.type=unix`` (or ``-netdev socket``) connects to. qemu sends Ethernet
frames over such a stream as a 4-byte big-endian length followed by the frame. The switch
learns source MAC addresses per connection, sends unicast frames to the port that owns the
destination and floods broadcast, multicast and unknown destinations to the other ports of
the same segment. Segments never see each other's frames and nothing is routed anywhere:
the VMs of an environment reach each other on their segments and nothing else.

Run as ``python -m muranokit.tools.localcloud.hub --pid-file F SOCKET...``; it stops on
SIGTERM/SIGINT and removes its sockets.
"""

from __future__ import annotations

import argparse
import os
import selectors
import signal
import socket
import struct
import sys
from dataclasses import dataclass, field

from muranokit.engine.files import write_file

LENGTH = struct.Struct(">I")
MAX_FRAME = 65536 + 64          # qemu never sends more (jumbo frames included)
MAX_BACKLOG = 4 * 1024 * 1024   # bytes queued for a slow port before frames are dropped


@dataclass
class Port:
    """One qemu connection on a segment."""

    sock: socket.socket
    segment: str
    inbox: bytearray = field(default_factory=bytearray)
    outbox: bytearray = field(default_factory=bytearray)
    dropped: int = 0


class Switch:
    """Learning switch over several segments (one listening socket each)."""

    def __init__(self, paths: list[str]) -> None:
        self.selector = selectors.DefaultSelector()
        self.listeners: dict[socket.socket, str] = {}
        self.ports: dict[socket.socket, Port] = {}
        self.macs: dict[tuple[str, bytes], Port] = {}
        self.paths = list(paths)
        self.running = True
        for path in paths:
            if os.path.exists(path):
                os.unlink(path)
            listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            old = os.umask(0o177)          # only the owner may connect
            try:
                listener.bind(path)
            finally:
                os.umask(old)
            listener.listen(64)
            listener.setblocking(False)
            self.listeners[listener] = path
            self.selector.register(listener, selectors.EVENT_READ)

    # -- frames ----------------------------------------------------------------------------
    def _forward(self, source: Port, frame: bytes) -> None:
        if len(frame) < 14:
            return
        dest, src = frame[0:6], frame[6:12]
        if not src[0] & 1:
            self.macs[(source.segment, src)] = source
        target = None if dest[0] & 1 else self.macs.get((source.segment, dest))
        record = LENGTH.pack(len(frame)) + frame
        if target is not None and target.sock in self.ports:
            if target is not source:
                self._queue(target, record)
            return
        for port in self.ports.values():
            if port is not source and port.segment == source.segment:
                self._queue(port, record)

    def _queue(self, port: Port, record: bytes) -> None:
        if len(port.outbox) > MAX_BACKLOG:
            port.dropped += 1
            return
        was_empty = not port.outbox
        port.outbox += record
        if was_empty:
            self._flush(port)

    def _flush(self, port: Port) -> None:
        try:
            sent = port.sock.send(port.outbox)
        except BlockingIOError:
            sent = 0
        except OSError:
            self._close(port)
            return
        del port.outbox[:sent]
        events = selectors.EVENT_READ | (selectors.EVENT_WRITE if port.outbox else 0)
        self.selector.modify(port.sock, events)

    # -- connections -----------------------------------------------------------------------
    def _accept(self, listener: socket.socket) -> None:
        try:
            sock, _ = listener.accept()
        except BlockingIOError:
            return
        sock.setblocking(False)
        self.ports[sock] = Port(sock, self.listeners[listener])
        self.selector.register(sock, selectors.EVENT_READ)

    def _close(self, port: Port) -> None:
        if port.sock not in self.ports:
            return
        del self.ports[port.sock]
        self.selector.unregister(port.sock)
        port.sock.close()
        for key in [k for k, v in self.macs.items() if v is port]:
            del self.macs[key]

    def _read(self, port: Port) -> None:
        try:
            data = port.sock.recv(262144)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self._close(port)
            return
        port.inbox += data
        while len(port.inbox) >= LENGTH.size:
            (size,) = LENGTH.unpack_from(port.inbox)
            if size > MAX_FRAME:          # not a qemu stream: drop the connection
                self._close(port)
                return
            if len(port.inbox) < LENGTH.size + size:
                break
            frame = bytes(port.inbox[LENGTH.size:LENGTH.size + size])
            del port.inbox[:LENGTH.size + size]
            self._forward(port, frame)

    def serve(self) -> None:
        """Switch frames until :meth:`stop` is called (from a signal handler)."""
        while self.running:
            for key, events in self.selector.select(timeout=1.0):
                sock = key.fileobj
                if sock in self.listeners:
                    self._accept(sock)
                    continue
                port = self.ports.get(sock)
                if port is None:
                    continue
                if events & selectors.EVENT_WRITE:
                    self._flush(port)
                if events & selectors.EVENT_READ and sock in self.ports:
                    self._read(port)

    def stop(self, *_args: object) -> None:
        self.running = False

    def close(self) -> None:
        """Close every connection and remove the sockets."""
        for port in list(self.ports.values()):
            self._close(port)
        for listener, path in self.listeners.items():
            self.selector.unregister(listener)
            listener.close()
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
        self.selector.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sockets", nargs="+", metavar="SOCKET", help="segment socket path")
    parser.add_argument("--pid-file", help="write the process id here once listening")
    args = parser.parse_args(argv)
    switch = Switch(args.sockets)
    signal.signal(signal.SIGTERM, switch.stop)
    signal.signal(signal.SIGINT, switch.stop)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    if args.pid_file:
        write_file(args.pid_file, f"{os.getpid()}\n", sync=False)
    try:
        switch.serve()
    finally:
        switch.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
