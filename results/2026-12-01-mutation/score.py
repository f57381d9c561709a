#!/usr/bin/env python3
"""Mutation score per package from one or more PIT mutations.csv files (each mutant counted once,
from the first file that has its package). Killed = KILLED or TIMED_OUT (a hang is a detected
liveness bug), as in the README's tables. Usage: score.py a.csv [b.csv ...]"""
import collections, csv, sys

seen_pkgs, rows = set(), []
for path in sys.argv[1:]:
    mine = [r for r in csv.reader(open(path)) if len(r) >= 6]
    pkgs = {r[1].split('.')[2] for r in mine}
    rows += [r for r in mine if r[1].split('.')[2] not in seen_pkgs]
    seen_pkgs |= pkgs
total, killed = collections.Counter(), collections.Counter()
for r in rows:
    p = r[1].split('.')[2]
    total[p] += 1
    killed[p] += r[5] in ('KILLED', 'TIMED_OUT')
print('| package | killed / mutants |')
print('|---|---|')
for p in sorted(total):
    print(f'| {p} | {killed[p]}/{total[p]} ({100 * killed[p] / total[p]:.0f} %) |')
k, t = sum(killed.values()), sum(total.values())
print(f'| **all** | **{k}/{t} ({100 * k / t:.1f} %)** |')
