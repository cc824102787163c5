"""After ``fork()``, no child shares its parent's pool state, DRBG or credit.

A forked child is a copy of its parent's memory: the pool's chaining state, its counter,
its buffered input with the credit it carries, and any DRBG's Key and V. Left alone,
parent and child would emit identical bytes and spend the same credit twice. Uvicorn
workers, multiprocessing and notebooks fork, so this is not a corner case.

    track_for_fork(pool)     remember a pool (weakly) so the child hook can reach it
    _rekey_children()        os.register_at_fork(after_in_child=...): every tracked pool
                             calls ``after_fork_in_child()`` before any other code runs
                             in the child; its locks are replaced too, since a lock held
                             by a parent thread at the fork would stay held forever

The pool also compares ``os.getpid()`` with the pid it was keyed in on every input and
draw, for a fork that bypasses ``os.register_at_fork`` (a raw fork from C code).
"""

from __future__ import annotations

import os
import weakref

_POOLS: "weakref.WeakSet" = weakref.WeakSet()


def track_for_fork(pool: object) -> None:
    _POOLS.add(pool)


def _rekey_children() -> None:
    for pool in list(_POOLS):
        pool.after_fork_in_child()


os.register_at_fork(after_in_child=_rekey_children)
