#!/usr/bin/env python3
"""Summarises a unified-logging GC log (-Xlog:gc) as one JSON line: pause count, total, max, p99, heap sizes."""
import json
import re
import sys

PAUSE = re.compile(r"Pause (\w+).*?(\d+)M->(\d+)M\((\d+)M\) ([\d.]+)ms")


def summarise(lines):
    pauses, after, committed, kinds = [], [], [], {}
    for line in lines:
        m = PAUSE.search(line)
        if not m:
            continue
        kinds[m.group(1)] = kinds.get(m.group(1), 0) + 1
        after.append(int(m.group(3)))
        committed.append(int(m.group(4)))
        pauses.append(float(m.group(5)))
    pauses_sorted = sorted(pauses)
    p99 = pauses_sorted[max(0, int(len(pauses_sorted) * 0.99 + 0.999) - 1)] if pauses_sorted else None
    return {"kind": "gc", "pauses": len(pauses), "by_kind": kinds,
            "total_ms": round(sum(pauses), 1), "max_ms": max(pauses, default=None), "p99_ms": p99,
            "max_heap_after_gc_mib": max(after, default=None), "max_heap_committed_mib": max(committed, default=None)}


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8", errors="replace") as f:
        print(json.dumps(summarise(f)))
