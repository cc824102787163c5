"""Pure-Python predictor loops, used when the native statistics core is not built.

Each returns (C, N, longest run of correct predictions), or None when the sequence is
too short, exactly as the native core (pipelines/_native/sp80090b*.c) does; both follow
NIST's ea_non_iid step for step (see that file for the rules). Plain loops over Python
ints: about a million symbols a minute, meant for small inputs and for checking the C path.
"""

from __future__ import annotations

from collections import defaultdict

MCW_WINDOWS = (63, 255, 1023, 4095)  # SP 800-90B 6.3.7 step 1
LAG_D = 128  # 6.3.8 step 1
MMC_D, MMC_MAX_ENTRIES = 16, 100_000  # 6.3.9 step 1 (ea_non_iid's entry cap)
LZ_B, LZ_MAX_DICT = 16, 65_536  # 6.3.10 step 1


class _Run:
    def __init__(self) -> None:
        self.c = self.run = self.max_run = 0

    def hit(self, correct: bool) -> None:
        if correct:
            self.c += 1
            self.run += 1
            self.max_run = max(self.max_run, self.run)
        else:
            self.run = 0


def multi_mcw(s: list[int], k: int):
    n = len(s)
    if n < MCW_WINDOWS[-1] + 1:
        return None
    nw = len(MCW_WINDOWS)
    cnt = [[0] * k for _ in range(nw)]
    pos = [[0] * k for _ in range(nw)]
    maxc, freq, score = [0] * nw, [0] * nw, [0] * nw
    for i in range(MCW_WINDOWS[-1]):
        for j, w in enumerate(MCW_WINDOWS):
            if i < w:
                cnt[j][s[i]] += 1
                if maxc[j] <= cnt[j][s[i]]:
                    maxc[j], freq[j] = cnt[j][s[i]], s[i]
                pos[j][s[i]] = i
    winner, run = 0, _Run()
    for i in range(MCW_WINDOWS[0], n):
        x = s[i]
        run.hit(freq[winner] == x)
        for j, w in enumerate(MCW_WINDOWS):
            if i >= w and freq[j] == x:
                score[j] += 1
                if score[j] >= score[winner]:
                    winner = j
        for j, w in enumerate(MCW_WINDOWS):
            if i < w:
                continue
            old = s[i - w]
            cnt[j][old] -= 1
            cnt[j][x] += 1
            pos[j][x] = i
            if old != freq[j] and maxc[j] <= cnt[j][x]:
                maxc[j], freq[j] = cnt[j][x], x
            elif old == freq[j]:
                maxc[j] -= 1
                best_pos = i - w
                for y in range(k):
                    if maxc[j] < cnt[j][y] or (maxc[j] == cnt[j][y] and best_pos <= pos[j][y]):
                        maxc[j], freq[j], best_pos = cnt[j][y], y, pos[j][y]
    return run.c, n - MCW_WINDOWS[0], run.max_run


def lag(s: list[int], k: int):
    n = len(s)
    if n < 3:
        return None
    score = [0] * (LAG_D + 1)
    winner, high, run = 1, 0, _Run()
    for i in range(1, n):
        x = s[i]
        run.hit(x == s[i - winner])
        for d in range(1, min(LAG_D, i) + 1):
            if s[i - d] == x:
                score[d] += 1
                if score[d] >= high:
                    winner, high = d, score[d]
    return run.c, n - 1, run.max_run


class _Postfix:
    """Counts of the symbols after one prefix; prediction = highest count, larger symbol on ties."""

    __slots__ = ("counts", "best", "pred")

    def __init__(self) -> None:
        self.counts: dict[int, int] = {}
        self.best = self.pred = 0

    def add(self, y: int, make_new: bool) -> bool:
        made = y not in self.counts
        if made and not make_new:
            return False
        c = self.counts[y] = self.counts.get(y, 0) + 1
        if c > self.best or (c == self.best and y > self.pred):
            self.pred, self.best = y, c
        return made


def _mmc_binary(s: list[int]):
    n = len(s)
    dicts = [defaultdict(lambda: [0, 0]) for _ in range(MMC_D)]
    elems, score = [0] * MMC_D, [0] * MMC_D
    for d in range(MMC_D):
        dicts[d][tuple(s[: d + 1])][s[d + 1]] = 1
        elems[d] = 1
    winner, run = 0, _Run()
    for i in range(2, n):
        found, cur_winner, x = False, winner, s[i]
        for d in range(min(MMC_D, i - 1)):
            e = dicts[d][tuple(s[i - d - 1 : i])]
            if d == 0 or found:
                pred = 0 if e[0] > e[1] else 1
                found = e[pred] != 0
            if found:
                if pred == x:
                    score[d] += 1
                    if score[d] >= score[winner]:
                        winner = d
                    if d == cur_winner:
                        run.hit(True)
                elif d == cur_winner:
                    run.hit(False)
                if e[x]:
                    e[x] += 1
                elif elems[d] < MMC_MAX_ENTRIES:
                    e[x] = 1
                    elems[d] += 1
            elif elems[d] < MMC_MAX_ENTRIES:
                e[x] = 1
                elems[d] += 1
    return run.c, n - 2, run.max_run


def multi_mmc(s: list[int], k: int):
    n = len(s)
    if n < 3 or (k == 2 and n < MMC_D + 2):
        return None
    if k == 2:
        return _mmc_binary(s)
    dicts: list[dict] = [{} for _ in range(MMC_D)]
    entries, score = [0] * MMC_D, [0] * MMC_D
    for d in range(min(MMC_D, n - 2)):
        dicts[d].setdefault(tuple(s[: d + 1]), _Postfix()).add(s[d + 1], True)
        entries[d] = 1
    winner, run = 0, _Run()
    for i in range(2, n):
        found, cur_winner, x, post = False, winner, s[i], None
        for d in range(min(MMC_D, i - 1)):
            ctx = tuple(s[i - d - 1 : i])
            if d == 0 or found:
                post = dicts[d].get(ctx)
                found = post is not None
            if found:
                if post.pred == x:
                    score[d] += 1
                    if score[d] >= score[winner]:
                        winner = d
                    if d == cur_winner:
                        run.hit(True)
                elif d == cur_winner:
                    run.hit(False)
                if post.add(x, entries[d] < MMC_MAX_ENTRIES):
                    entries[d] += 1
            elif entries[d] < MMC_MAX_ENTRIES:
                dicts[d].setdefault(ctx, _Postfix()).add(x, True)
                entries[d] += 1
    return run.c, n - 2, run.max_run


def lz78y(s: list[int], k: int):
    n = len(s)
    if n < LZ_B + 2:
        return None
    dicts: list[dict] = [{} for _ in range(LZ_B + 1)]
    size = 0
    for j in range(1, LZ_B + 1):
        dicts[j].setdefault(tuple(s[LZ_B - j : LZ_B]), _Postfix()).add(s[LZ_B], True)
        size += 1
    run = _Run()
    for i in range(LZ_B + 1, n):
        have, pred, max_count, x = False, 0, 0, s[i]
        for j in range(LZ_B, 0, -1):
            ctx = tuple(s[i - j : i])
            post = dicts[j].get(ctx)
            if post is not None:
                if post.best > max_count:
                    max_count, pred, have = post.best, post.pred, True
                post.add(x, True)
            elif size < LZ_MAX_DICT:
                dicts[j][ctx] = _Postfix()
                dicts[j][ctx].add(x, True)
                size += 1
        run.hit(have and pred == x)
    return run.c, n - LZ_B - 1, run.max_run
