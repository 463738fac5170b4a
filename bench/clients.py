"""Load clients for the server benchmarks, run in their own processes.

Both are raw asyncio protocols on uvloop, so that the client side costs as
little CPU as possible (the server shares the machine's two cores with them):
``http_load`` keeps connections alive and sends pre-built HTTP/1.1 requests;
``Watchers`` holds WebSocket connections (handshake, unmasked server frames,
pongs) and records when each view message arrives. Times are
``time.monotonic()``, one clock for every process of the machine.
"""

from __future__ import annotations

import asyncio
import base64
import os
import struct
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from multiprocessing.connection import Connection
from typing import Any

import uvloop

# --- HTTP ---------------------------------------------------------------------


@dataclass
class Exchange:
    """One request: when it was sent, answered, its status and the ``seq``
    answered; ``due``: when it was scheduled (``sent`` if unscheduled), later
    than ``sent`` only if the connection's previous answer came late."""

    sent: float
    answered: float
    status: int
    seq: int
    due: float


class _HttpConnection(asyncio.Protocol):
    """Sends its requests one after the other on one kept-alive connection,
    each at its scheduled time (or at once)."""

    def __init__(self, requests: list[bytes], at: list[float] | None) -> None:
        self.requests = requests
        self.at = at
        self.index = 0
        self.buffer = b""
        self.sent = 0.0
        self.due = 0.0
        self.exchanges: list[Exchange] = []
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is no subclass

    def start(self) -> None:
        self._next()

    def _next(self) -> None:
        if self.index == len(self.requests):
            if not self.done.done():
                self.done.set_result(None)
            return
        if self.at is not None:
            delay = self.at[self.index] - time.monotonic()
            if delay > 0:
                asyncio.get_running_loop().call_later(delay, self._send)
                return
        self._send()

    def _send(self) -> None:
        assert self.transport is not None
        self.sent = time.monotonic()
        self.due = self.at[self.index] if self.at is not None else self.sent
        self.transport.write(self.requests[self.index])

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].lower()
            at = head.find(b"content-length:")
            length = int(head[at + 15 : head.find(b"\r\n", at) if b"\r\n" in head[at:] else end])
            total = end + 4 + length
            if len(self.buffer) < total:
                return
            body = self.buffer[end + 4 : total]
            at = body.find(b'"seq":')
            seq = int(body[at + 6 : body.find(b",", at)]) if at >= 0 else 0
            now = time.monotonic()
            self.exchanges.append(Exchange(self.sent, now, int(self.buffer[9:12]), seq, self.due))
            self.buffer = self.buffer[total:]
            self.index += 1
            self._next()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_exception(ConnectionError(f"closed after {self.index} answers: {exc}"))


def request(port: int, path: str, body: bytes, token: str) -> bytes:
    return (
        b"POST %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAuthorization: Bearer %s\r\n"
        b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
        % (path.encode(), port, token.encode(), len(body), body)
    )


async def _http_load(
    port: int, connections: list[list[bytes]], schedules: list[list[float]] | None, start: float
) -> list[Exchange]:
    loop = asyncio.get_running_loop()
    protocols = []
    for index, requests in enumerate(connections):
        at = schedules[index] if schedules is not None else None
        _, protocol = await loop.create_connection(
            lambda r=requests, a=at: _HttpConnection(r, a),  # type: ignore[misc]
            "127.0.0.1",
            port,
        )
        protocols.append(protocol)
    await asyncio.sleep(max(0.0, start - time.monotonic()))
    for protocol in protocols:
        protocol.start()
    await asyncio.wait_for(asyncio.gather(*(p.done for p in protocols)), 300)
    for protocol in protocols:
        assert protocol.transport is not None
        protocol.transport.close()
    return [e for p in protocols for e in p.exchanges]


def http_load(
    port: int,
    connections: list[list[bytes]],
    schedules: list[list[float]] | None = None,
    start: float = 0.0,
) -> list[Exchange]:
    """Send each connection's requests in turn (at ``schedules`` if given),
    from ``start`` (monotonic); every exchange."""
    return uvloop.run(_http_load(port, connections, schedules, start))


def _each(
    pool: ProcessPoolExecutor, fn: Callable[..., Any], jobs: list[tuple[Any, ...]]
) -> list[Any]:
    """``fn(*job)`` for each job, handed to ``pool`` at once; the results in order."""
    futures = [pool.submit(fn, *job) for job in jobs]
    return [f.result() for f in futures]


def in_processes(fn: Callable[..., Any], jobs: list[tuple[Any, ...]]) -> list[Any]:
    """``fn(*job)`` for each job, each in a new (spawned) process of its own."""
    with ProcessPoolExecutor(len(jobs), mp_context=get_context("spawn")) as pool:
        return _each(pool, fn, jobs)


def _pid_after(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


class LoadProcesses:
    """``count`` spawned processes kept for a benchmark's loads, each load run
    on all of them at once. Started once: a spawn and its imports take ~1 s
    on these machines, and a new pair for every round cost the quick suite
    half its time."""

    LEAD = 0.5
    """Seconds from handing out a load to its start: enough for warm
    processes to open their connections."""

    def __init__(self, count: int) -> None:
        self.count = count
        self._pool = ProcessPoolExecutor(count, mp_context=get_context("spawn"))
        started: set[int] = set()
        while len(started) < count:  # every process up before the first load
            futures = [self._pool.submit(_pid_after, 0.1) for _ in range(count)]
            started.update(f.result() for f in futures)

    def run(self, fn: Callable[..., Any], jobs: list[tuple[Any, ...]]) -> list[Any]:
        """``fn(*job)`` for each of ``count`` jobs, at once: one in each process,
        as they are idle between loads and a load outlasts its hand-out."""
        assert len(jobs) == self.count
        return _each(self._pool, fn, jobs)

    def __enter__(self) -> LoadProcesses:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.shutdown()


# --- WebSocket ----------------------------------------------------------------


@dataclass
class _Arrivals:
    """Per socket: the seq and time of every view message received."""

    seqs: list[int] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    size: int = 0
    """Bytes of the view messages (whole or patches), frames' payloads."""


class _Socket(asyncio.Protocol):
    def __init__(self, host: str, path: str, greeting: str | None) -> None:
        self.host = host
        self.path = path
        self.greeting = greeting
        self.buffer = b""
        self.open = False
        self.ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.arrivals = _Arrivals()
        self.held: int | None = None
        """The seq of the view this socket holds (kept when ``arrivals`` are reset)."""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is no subclass
        key = base64.b64encode(os.urandom(16))
        transport.write(  # type: ignore[attr-defined]
            b"GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n"
            % (self.path.encode(), self.host.encode(), key)
        )

    def send(self, text: str | bytes, opcode: int = 1) -> None:
        assert self.transport is not None
        payload = text.encode() if isinstance(text, str) else text
        mask = os.urandom(4)
        n = len(payload)
        head = (
            struct.pack("!BB", 0x80 | opcode, 0x80 | n)
            if n < 126
            else (struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n))
        )
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.transport.write(head + mask + masked)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if not self.open:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            if not self.buffer.startswith(b"HTTP/1.1 101"):
                self.ready.set_exception(ConnectionError(self.buffer[:end].decode()))
                return
            self.open = True
            self.buffer = self.buffer[end + 4 :]
            if self.greeting is not None:
                self.send(self.greeting)
            elif not self.ready.done():
                self.ready.set_result(None)
        buffer = self.buffer
        offset = 0
        now = time.monotonic()
        while len(buffer) - offset >= 2:
            opcode = buffer[offset] & 0x0F
            length = buffer[offset + 1] & 0x7F
            start = offset + 2
            if length == 126:
                if len(buffer) - offset < 4:
                    break
                (length,) = struct.unpack_from("!H", buffer, offset + 2)
                start = offset + 4
            elif length == 127:
                if len(buffer) - offset < 10:
                    break
                (length,) = struct.unpack_from("!Q", buffer, offset + 2)
                start = offset + 10
            if len(buffer) < start + length:
                break
            if opcode == 1 and buffer.startswith(b'{"type":"view"', start):
                self._arrived(buffer, start, length, now)
            elif opcode == 1 and buffer.startswith(b'{"type":"patch"', start):
                # A patch counts only if it changes the view this socket holds.
                at = buffer.find(b'"base":', start) + 7
                base = int(buffer[at : buffer.find(b",", at)])
                if self.held == base:
                    self._arrived(buffer, start, length, now)
            elif opcode == 9:
                self.send(buffer[start : start + length], opcode=10)
            offset = start + length
        self.buffer = buffer[offset:]

    def _arrived(self, buffer: bytes, start: int, length: int, now: float) -> None:
        self.arrivals.size += length
        at = buffer.find(b'"seq":', start) + 6
        self.held = int(buffer[at : buffer.find(b",", at)])
        self.arrivals.seqs.append(self.held)
        self.arrivals.times.append(now)
        if not self.ready.done():
            self.ready.set_result(None)

    def connection_lost(self, exc: Exception | None) -> None:
        self.open = False
        if not self.ready.done():
            self.ready.set_exception(ConnectionError(f"lost: {exc}"))


async def _watch(pipe: Connection, port: int, path: str, count: int, greeting: str | None) -> None:
    loop = asyncio.get_running_loop()
    sockets: list[_Socket] = []
    for first in range(0, count, 100):  # a hundred handshakes at a time
        batch = []
        for _ in range(first, min(count, first + 100)):
            _, sock = await loop.create_connection(
                lambda: _Socket(f"127.0.0.1:{port}", path, greeting), "127.0.0.1", port
            )
            batch.append(sock)
        await asyncio.wait_for(asyncio.gather(*(s.ready for s in batch)), 60)
        sockets.extend(batch)
    pipe.send("ready")
    while True:
        command, argument = await asyncio.to_thread(pipe.recv)
        if command == "arm":  # forget what arrived so far
            for sock in sockets:
                sock.arrivals = _Arrivals()
            pipe.send("armed")
        elif command == "first":  # when each socket first got seq >= argument
            deadline = time.monotonic() + 30
            firsts: list[float | None] = []
            for sock in sockets:
                while True:
                    hit = next(
                        (
                            t
                            for s, t in zip(sock.arrivals.seqs, sock.arrivals.times, strict=True)
                            if s >= argument
                        ),
                        None,
                    )
                    if hit is not None or time.monotonic() > deadline:
                        break
                    await asyncio.sleep(0.005)
                firsts.append(hit)
            pipe.send(firsts)
        elif command == "send":  # the first socket sends ``argument``
            sockets[0].send(argument)
            pipe.send("sent")
        elif command == "arrivals":
            pipe.send([(s.arrivals.seqs, s.arrivals.times) for s in sockets])
        elif command == "size":
            pipe.send(sum(s.arrivals.size for s in sockets))
        elif command == "close":
            for sock in sockets:
                if sock.transport is not None:
                    sock.transport.close()
            pipe.send("closed")
            return


def _watch_process(
    pipe: Connection, port: int, path: str, count: int, greeting: str | None
) -> None:
    try:
        uvloop.run(_watch(pipe, port, path, count, greeting))
    except Exception as exc:
        pipe.send(("failed", repr(exc)))


class Watchers:
    """``count`` WebSocket clients of ``path`` spread over ``processes`` processes;
    each sends ``greeting`` (a subscription) once open."""

    def __init__(
        self, port: int, path: str, count: int, processes: int, greeting: str | None
    ) -> None:
        context = get_context("spawn")
        self.pipes: list[Connection] = []
        self.processes = []
        shares = [count // processes + (i < count % processes) for i in range(processes)]
        for share in shares:
            parent, child = context.Pipe()
            process = context.Process(
                target=_watch_process, args=(child, port, path, share, greeting), daemon=True
            )
            process.start()
            self.pipes.append(parent)
            self.processes.append(process)
        for pipe in self.pipes:
            self._expect(pipe, "ready", timeout=120)

    def _expect(self, pipe: Connection, what: str, timeout: float = 60) -> None:
        if not pipe.poll(timeout):
            raise RuntimeError(f"a watcher process did not answer {what!r}")
        answer = pipe.recv()
        if answer != what:
            raise RuntimeError(f"a watcher process answered {answer!r}, not {what!r}")

    def ask(self, command: str, argument: object = None) -> list[Any]:
        for pipe in self.pipes:
            pipe.send((command, argument))
        answers = []
        for pipe in self.pipes:
            if not pipe.poll(120):
                raise RuntimeError(f"a watcher process did not answer {command!r}")
            answers.append(pipe.recv())
        return answers

    def arm(self) -> None:
        self.ask("arm")

    def first_at_or_after(self, seq: int) -> list[float | None]:
        """For every socket, when it first received a view at ``seq`` or later."""
        return [t for answer in self.ask("first", seq) for t in answer]

    def send_from_one(self, text: str) -> None:
        self.pipes[0].send(("send", text))
        self._expect(self.pipes[0], "sent")

    def arrivals(self) -> list[tuple[list[int], list[float]]]:
        return [a for answer in self.ask("arrivals") for a in answer]

    def received_bytes(self) -> int:
        """Bytes of view messages received by every socket since ``arm``."""
        return sum(self.ask("size"))

    def close(self) -> None:
        try:
            self.ask("close")
        finally:
            for process in self.processes:
                process.join(10)
                if process.is_alive():
                    process.kill()

    def __enter__(self) -> Watchers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
