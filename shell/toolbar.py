"""The shell's bottom toolbar: the loaded profile, pool health, credited balance, output.

    default* | health 2/2 | balance 41,236 bits | out 4,096 B

``*`` marks unsaved edits. Before the first round: "pool idle". It reads only the
pool's thread-safe ``status()``, so it may be redrawn while a command runs.
"""

from __future__ import annotations


def toolbar_text(session) -> str:
    draft = session.draft
    if draft is None:
        return " no profile: 'load default' (Tab completes, 'help' lists commands)"
    name = draft.profile.name + ("*" if session.dirty else "")
    status = session.pool_status()
    if status is None:
        return f" {name} | {len(draft.profile.sources)} sources | pool idle"
    healthy = sum(s.health == "healthy" for s in status.sources)
    return (f" {name} | health {healthy}/{len(status.sources)} | balance {status.balance_bits:,.0f} bits"
            f" | out {status.output_bytes:,} B")
