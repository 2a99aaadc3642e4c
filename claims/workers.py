"""What every worker process that claims forks does first: tie its life to its parent's, and let go of the
caller's standard streams.

A worker of a ``ProcessPoolExecutor`` waits for work on a pipe whose other end it holds open itself (the
fork copied it). When the parent is killed outright (SIGKILL: no chance to shut the pool down), nothing
ever tells the worker to stop: it lives on, holding its memory and the database's file handles, and, through
the stdout it inherited, the caller's pipe, so that a caller reading the command's output waits for ever.
"""

from __future__ import annotations

import os
import signal
import sys

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent(parent: int | None) -> None:
    """Run in a new worker (a pool's ``initializer``, given the pid of the process that forked it, or None
    when it was not forked directly): on Linux the kernel sends this process SIGKILL when its parent ends;
    its stdin, stdout and stderr become /dev/null (its results and errors go back through the pool, never to
    the caller's streams).

    The kernel sends the signal when the *thread* that forked the worker ends: make the pool in the thread
    that uses it, as the store and the batch checker do."""
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no prctl in this C library: the streams below still go
            pass
    if parent is not None and os.getppid() != parent:  # the parent ended before the request took effect
        os._exit(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    try:
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
    finally:
        os.close(devnull)
