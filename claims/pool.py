"""A pool of worker processes for CPU-bound requests, driven from an asyncio event loop.

``claims serve`` runs every check in one of these workers, so that a long check never holds the event
loop, the threads that answer reads, or the other checks. Each worker calls ``setup()`` once (loading the
NLP pipelines and opening the store) and then runs the callable it returned on each job.

Limits, each answered with its own exception so that the HTTP layer can say which one was hit:

- ``workers``: at most that many jobs run at once (one per process); ``large`` jobs (the caller says which)
  take at most ``workers - 1`` of them, so that a small job never waits behind large ones alone;
- ``queue``: at most that many jobs wait for a free worker; one more is refused at once (:class:`Busy`,
  with a suggested wait), and a job that waits longer than ``timeout`` is refused the same way;
- ``timeout``: a job running longer is abandoned (:class:`Timeout`) and its worker killed, so it stops
  using the CPU; a new worker takes its place;
- ``memory_mb``: each worker's address space (``RLIMIT_AS``); a job that needs more fails with
  :class:`OutOfMemory` and its worker is replaced, and a worker holding more than half of it after a job
  is replaced too (Python keeps memory it freed, so one huge article would otherwise stay resident).

Workers are started by a fork server (``multiprocessing``'s ``forkserver``, where the platform has one):
forking the threaded server process itself is unsafe. The fork server imports ``preload`` modules once,
so a new worker starts with them already loaded.
"""

from __future__ import annotations

import asyncio
import collections
import math
import multiprocessing
import os
import pickle
import signal
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from typing import Any

__all__ = ["Busy", "OutOfMemory", "Timeout", "WorkerLost", "WorkerPool", "default_workers"]

# Priority of the workers relative to the server process: reads and /health win the CPU under load.
WORKER_NICENESS = 5
# How long a new worker may take to load (the first one also waits for the fork server's preload).
_START_TIMEOUT = 180.0


class Busy(Exception):
    """Every worker is busy and the queue is full (or the job waited ``timeout`` for a worker)."""

    def __init__(self, running: int, waiting: int, retry_after: int) -> None:
        super().__init__(f"{running} running, {waiting} waiting")
        self.running = running
        self.waiting = waiting
        self.retry_after = retry_after


class Timeout(Exception):
    """The job ran longer than the time limit; its worker was killed."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"the job ran longer than {seconds:g} s")
        self.seconds = seconds


class OutOfMemory(Exception):
    """The job needed more memory than a worker may use; its worker was replaced."""

    def __init__(self, memory_mb: int | None) -> None:
        super().__init__(f"the job needed more than {memory_mb} MB")
        self.memory_mb = memory_mb


class WorkerLost(Exception):
    """The worker died during the job (killed from outside, or crashed)."""


class _RemoteTraceback(Exception):
    """The traceback of an exception raised in a worker, shown as the cause of the one re-raised here."""

    def __init__(self, text: str) -> None:
        super().__init__(text)

    def __str__(self) -> str:
        return f"\n(in the worker process)\n{self.args[0]}"


def default_workers() -> int:
    """The number of CPU cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


# -- the worker process ------------------------------------------------------------------------------


def _resident_bytes() -> int:
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _portable(exc: BaseException) -> tuple[BaseException | None, str]:
    """The exception if it survives pickling, and its traceback as text."""
    text = "".join(traceback.format_exception(exc))
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return None, text
    return exc, text


def _worker_main(conn: Connection, setup: Callable[[], Callable[[Any], Any]], memory_bytes: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the server stops us
    try:
        os.nice(WORKER_NICENESS)
    except (OSError, AttributeError):
        pass
    if memory_bytes:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    try:
        run = setup()
    except MemoryError:  # the limit is below what loading needs
        conn.send(("memory", None, "", True))
        return
    except BaseException as exc:
        conn.send(("error", *_portable(exc), True))
        return
    conn.send(("ready", None, "", False))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):  # the server closed our pipe: stop
            return
        try:
            reply: tuple[Any, ...] = ("ok", run(job), "")
        except MemoryError:
            reply = ("memory", None, "")
        except Exception as exc:
            reply = ("error", *_portable(exc))
        retire = reply[0] == "memory" or bool(memory_bytes and _resident_bytes() > memory_bytes // 2)
        try:
            conn.send((*reply, retire))
        except MemoryError:
            return  # the server sees the pipe close: the worker is lost, and replaced
        if retire:
            return


# -- the server side ---------------------------------------------------------------------------------


class _Worker:
    def __init__(self, context: Any, setup: Callable[[], Any], memory_bytes: int) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=_worker_main, args=(child, setup, memory_bytes), name="claims-check-worker", daemon=True
        )
        self._child = child
        self.started = False
        self.ready = False
        self.retire = False
        self.large = False  # running a large job
        self.loading = threading.Lock()  # held while waiting for the worker to load
        self.failure: BaseException | None = None  # why it could not load

    def start(self) -> None:
        if not self.started:
            self.started = True
            self.process.start()
            self._child.close()

    def alive(self) -> bool:
        return not self.started or self.process.is_alive()

    def stop(self, *, kill: bool = False, wait: float = 5.0) -> None:
        self.retire = True
        self.conn.close()
        if not self.started:
            self._child.close()
            return
        if kill:
            self.process.kill()
        self.process.join(wait)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(wait)


class WorkerPool:
    """Runs ``job``\\ s in worker processes: ``await pool.run(job)`` returns what the worker's callable
    returned for it, or raises what it raised (or :class:`Busy`, :class:`Timeout`, :class:`OutOfMemory`,
    :class:`WorkerLost`).

    ``setup`` is called once in each worker and returns the callable that runs a job; it, the jobs and
    the results must be picklable. Workers start on :meth:`start`, or on first use."""

    def __init__(
        self,
        setup: Callable[[], Callable[[Any], Any]],
        *,
        workers: int,
        queue: int,
        timeout: float,
        memory_mb: int | None,
        preload: Sequence[str] = (),
    ) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        if queue < 0:
            raise ValueError("queue must be 0 or more")
        if not timeout > 0:
            raise ValueError("timeout must be more than 0 seconds")
        self.setup = setup
        self.workers = workers
        self.queue = queue
        self.timeout = float(timeout)
        self.memory_mb = memory_mb or None
        self._memory_bytes = (memory_mb or 0) * 1024 * 1024
        methods = multiprocessing.get_all_start_methods()
        self._context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        if preload and self._context.get_start_method() == "forkserver":
            self._context.set_forkserver_preload(list(preload))
        self._threads = ThreadPoolExecutor(workers, thread_name_prefix="claims-check")
        self._idle: list[_Worker] = []
        self._all: set[_Worker] = set()  # started or reserved, idle or busy
        self._waiters: collections.deque[tuple[asyncio.Future[_Worker], bool]] = collections.deque()
        self._large_limit = max(1, workers - 1)
        self._large_running = 0
        self._mean_seconds = 1.0
        self._lock = threading.Lock()  # guards _all against close() from another thread
        self._closed = False

    # -- public ------------------------------------------------------------------------------------

    @property
    def running(self) -> int:
        return len(self._all) - len(self._idle)

    @property
    def waiting(self) -> int:
        return sum(not waiter.done() for waiter, _large in self._waiters)

    def start(self) -> None:
        """Start every worker now and wait until each has loaded (blocking; call it from a thread)."""
        while len(self._all) < self.workers:
            self._idle.append(self._new_worker())
        for worker in list(self._idle):
            self._wait_ready(worker)

    async def run(self, job: Any, *, large: bool = False) -> Any:
        """Run ``job`` in a worker; a ``large`` one leaves a worker free for small ones (when there are
        two or more)."""
        worker = await self._acquire(large)
        loop = asyncio.get_running_loop()
        started = time.monotonic()
        done = self._threads.submit(self._round_trip, worker, job)
        # Released when the round trip ends, even if this request is cancelled before it does.

        def release(_done: Any) -> None:
            try:
                loop.call_soon_threadsafe(self._release, worker, time.monotonic() - started)
            except RuntimeError:  # the loop has closed: the server is stopping
                pass

        done.add_done_callback(release)
        return await asyncio.wrap_future(done)

    def close(self) -> None:
        """Stop every worker (a running job is abandoned)."""
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
            self._idle.clear()
        for waiter, _large in self._waiters:
            if not waiter.done():
                waiter.cancel()
        self._waiters.clear()
        for worker in workers:
            worker.stop(wait=2.0)
        self._threads.shutdown(wait=False, cancel_futures=True)

    def pids(self) -> list[int]:
        """The process ids of the started workers."""
        with self._lock:
            return [w.process.pid for w in self._all if w.started and w.process.pid is not None]

    # -- the event loop's side ---------------------------------------------------------------------

    def _new_worker(self) -> _Worker:
        worker = _Worker(self._context, self.setup, self._memory_bytes)
        with self._lock:
            self._all.add(worker)
        return worker

    def _discard(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        if worker in self._idle:
            self._idle.remove(worker)

    def _free_worker(self) -> _Worker | None:
        while self._idle:
            worker = self._idle.pop()
            if worker.alive():
                return worker
            self._discard(worker)  # died while idle (killed from outside): take another
        if len(self._all) < self.workers:
            return self._new_worker()
        return None

    def _admits(self, large: bool) -> bool:
        return not large or self._large_running < self._large_limit

    def _dispatch(self) -> None:
        """Give free workers to waiting jobs, first come first served among those admitted."""
        i = 0
        while i < len(self._waiters):
            waiter, large = self._waiters[i]
            if waiter.done():
                del self._waiters[i]
                continue
            if not self._admits(large):
                i += 1
                continue
            worker = self._free_worker()
            if worker is None:
                return
            del self._waiters[i]
            worker.large = large
            self._large_running += large
            waiter.set_result(worker)

    async def _acquire(self, large: bool) -> _Worker:
        if self._closed:
            raise WorkerLost("the pool is closed")
        startable = self._admits(large) and (bool(self._idle) or len(self._all) < self.workers)
        if not startable and self.waiting >= self.queue:
            raise Busy(self.running, self.waiting, self._retry_after())
        waiter: asyncio.Future[_Worker] = asyncio.get_running_loop().create_future()
        self._waiters.append((waiter, large))
        self._dispatch()
        try:
            return await asyncio.wait_for(asyncio.shield(waiter), self.timeout)
        except TimeoutError:
            if waiter.done() and not waiter.cancelled():
                return waiter.result()
            waiter.cancel()
            raise Busy(self.running, self.waiting, self._retry_after()) from None
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._release(waiter.result(), None)
            waiter.cancel()
            raise

    def _release(self, worker: _Worker, seconds: float | None) -> None:
        if seconds is not None:
            self._mean_seconds = 0.8 * self._mean_seconds + 0.2 * seconds
        self._large_running -= worker.large
        worker.large = False
        if self._closed:
            return
        if worker.retire or not worker.alive():
            self._discard(worker)
            self._threads.submit(worker.stop, kill=True)
            if not self._waiters:  # a replacement, loading now so that the next job finds it ready
                worker = self._new_worker()
                self._idle.append(worker)
                self._threads.submit(self._wait_ready, worker)
        else:
            self._idle.append(worker)
        self._dispatch()

    def _retry_after(self) -> int:
        """Seconds until a worker is likely free for one more job: the mean job time, times the jobs
        ahead of it per worker."""
        estimate = self._mean_seconds * (len(self._waiters) + 1) / self.workers
        return max(1, min(math.ceil(self.timeout), math.ceil(estimate)))

    # -- a thread of the pool's own executor (never the event loop) --------------------------------

    def _wait_ready(self, worker: _Worker) -> None:
        with worker.loading:
            if worker.ready:
                return
            if worker.failure is not None:
                raise worker.failure
            try:
                worker.start()
                if not worker.conn.poll(_START_TIMEOUT):
                    raise WorkerLost(f"a check worker did not start within {_START_TIMEOUT:g} s")
                kind, exc, text, _retire = self._receive(worker)
                if kind == "memory":
                    raise OutOfMemory(self.memory_mb)
                if kind != "ready":
                    self._raise(exc, text)
            except BaseException as failure:
                worker.failure = failure
                worker.stop(kill=True)
                raise
            worker.ready = True

    def _round_trip(self, worker: _Worker, job: Any) -> Any:
        self._wait_ready(worker)
        try:
            worker.conn.send(job)
        except (OSError, ValueError):
            worker.retire = True
            raise WorkerLost("the check worker stopped before it got the job") from None
        if not worker.conn.poll(self.timeout):
            worker.stop(kill=True)
            raise Timeout(self.timeout)
        kind, value, text, retire = self._receive(worker)
        worker.retire = worker.retire or retire
        if kind == "ok":
            return value
        if kind == "memory":
            raise OutOfMemory(self.memory_mb)
        self._raise(value, text)

    @staticmethod
    def _receive(worker: _Worker) -> tuple[str, Any, str, bool]:
        try:
            return worker.conn.recv()  # type: ignore[no-any-return]
        except (EOFError, OSError):
            worker.retire = True
            code = worker.process.exitcode if worker.started else None
            raise WorkerLost(f"the check worker stopped (exit code {code})") from None

    @staticmethod
    def _raise(exc: BaseException | None, text: str) -> Any:
        if exc is None:
            raise WorkerLost("the check worker failed") from _RemoteTraceback(text)
        raise exc from _RemoteTraceback(text)
