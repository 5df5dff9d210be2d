#!/usr/bin/env python3
"""Turns bench/run.sh's results.jsonl into the Markdown tables of BENCHMARKS.md: medians over repeats, every API
figure as a ratio of the raw-driver figure measured in the same repeat (never a lone absolute number)."""
import json
import statistics
import sys
from collections import defaultdict

ORDER = ["health", "person_get", "person_post", "contact_get", "contact_list", "contact_search", "contact_post",
         "deal_patch"]
LABEL = {"health": "GET /health", "person_get": "GET /person/{id}", "person_post": "POST /person/{id}",
         "contact_get": "GET /api/v1/contacts/{id}", "contact_list": "GET /api/v1/contacts?limit=20",
         "contact_search": "GET /api/v1/contacts?q=mar", "contact_post": "POST /api/v1/contacts",
         "deal_patch": "PATCH /api/v1/deals/{id}"}


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def time_to_steady(rps):
    """From 1 s slices of req/s since the first requests: (seconds until every later slice is at or above 90 % of the
    steady figure, or None if they never are; the steady figure, the median of the last 5 slices)."""
    steady = med(rps[-5:])
    reached = next((i for i in range(len(rps)) if all(v >= 0.9 * steady for v in rps[i:])), None)
    return (reached + 1 if reached is not None else None), steady


def fmt(v, digits=1):
    if v is None:
        return "–"
    return f"{v:,.{digits}f}"


def request_path_targets(summary, apis, conns, modes, by_kind):
    """The cheap request path's targets: reads against the original and the driver at the throughput concurrency
    (16 connections when measured, else the lowest), authentication's cost, p99 at 32 connections, start-up, RSS and
    the JIT's time to steady throughput."""
    out = ["### Request-path targets\n", "| target | measured | verdict |", "|---|---|---|"]
    c = 16 if 16 in conns else (conns[0] if conns else None)

    def row(target, measured, ok):
        out.append(f"| {target} | {measured} | {'–' if ok is None else ('**met**' if ok else '**missed**')} |")

    if c is not None:
        orig = med([apis[k]["rps"] for k in apis if k[0] == "person_get" and k[1] == "original" and k[2] == c])
        for op in ("person_get", "contact_get"):
            off = summary.get((op, "off", c))
            if off and orig and op == "person_get":
                ratios = [apis[(op, "off", c, r)]["rps"] / apis[("person_get", "original", c, r)]["rps"]
                          for r in {k[3] for k in apis} if (op, "off", c, r) in apis
                          and ("person_get", "original", c, r) in apis]
                x = med(ratios)
                row(f"{LABEL[op]} >= 3x the original ({c} conns, auth off)",
                    f"{fmt(x, 2)}x ({fmt(off['api'], 0)} vs {fmt(orig, 0)} req/s)", x >= 3)
            if op == "contact_get" and off and orig:
                x = off["api"] / orig
                row(f"{LABEL[op]} >= 3x the original's GET /person/{{id}} ({c} conns, auth off)",
                    f"{fmt(x, 2)}x", x >= 3)
            for mode in modes:
                r = summary.get((op, mode, c))
                if r and r["ratio"] is not None:
                    row(f"{LABEL[op]} >= 0.80 of the driver ({c} conns, auth {mode})", fmt(r["ratio"], 2),
                        r["ratio"] >= 0.8)
            on = summary.get((op, "on", c))
            if off and on:
                pairs = [apis[(op, "on", c, r)]["rps"] / apis[(op, "off", c, r)]["rps"]
                         for r in {k[3] for k in apis} if (op, "on", c, r) in apis and (op, "off", c, r) in apis]
                x = med(pairs)
                row(f"{LABEL[op]}: auth on >= 90 % of auth off ({c} conns)", f"{fmt(100 * x, 0)} %", x >= 0.9)
    if 32 in conns:
        for op in ("person_get", "contact_get"):
            for mode in modes:
                r = summary.get((op, mode, 32))
                if r and r["p99r"] is not None:
                    row(f"{LABEL[op]} p99 <= 2x the driver's (32 conns, auth {mode})",
                        f"{fmt(r['p99r'], 2)}x ({fmt(r['a_p99'])} vs {fmt(r['d_p99'])} ms)", r["p99r"] <= 2)
    image = [s["ms"] for s in by_kind["startup"] if s.get("variant") == "aotcache" and s.get("ms") is not None]
    if image:
        row("start to ready < 2 s (the image's command: AOT cache)", f"{fmt(med(image) / 1000, 2)} s (median of "
            f"{len(image)})", med(image) < 2000)
    for mode in modes:
        loads = [a.get("rss_max_kib") for k, a in apis.items() if k[1] == mode and a.get("rss_max_kib")]
        if loads:
            row(f"RSS under load < 300 MiB (auth {mode}, image flags)",
                f"median of per-run maxima {fmt(med(loads) / 1024, 0)} MiB, max {fmt(max(loads) / 1024, 0)}",
                med(loads) / 1024 < 300)
    store_warm = by_kind["store_warmup"]
    for st in by_kind["steady"]:
        rps = st["rps"]
        if len(rps) >= 10:
            seconds, steady = time_to_steady(rps)
            store = (f"; the store warmed by the driver for {store_warm[0]['warmup_s']} s first" if store_warm
                     else "; the store cold (only seeded)")
            row(f"steady throughput within 10 s of load ({LABEL[st['op']]}, auth {st['auth']})",
                f"{seconds if seconds is not None else '> ' + str(len(rps))} s to >= 90 % of "
                f"{fmt(steady, 0)} req/s (first second {fmt(rps[0], 0)}{store})",
                seconds is not None and seconds <= 10)
    out.append("")
    return out


def main(path):
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip().startswith("{")]
    by_kind = defaultdict(list)
    for r in rows:
        by_kind[r.get("kind")].append(r)
    out = []
    machine = (by_kind["machine"] or [{}])[0]
    end = (by_kind["machine_end"] or [{}])[0]
    out.append("### Run\n")
    out.append(f"- machine: {machine.get('nproc')} CPUs ({machine.get('cpu')}), "
               f"{round((machine.get('mem_total_kib') or 0) / 1048576, 1)} GiB RAM; {machine.get('java')}; "
               f"{machine.get('wrk')}")
    out.append(f"- N={machine.get('n')}, {machine.get('duration_s')} s per run, connections {machine.get('connections')}, "
               f"{machine.get('repeat')} repeats, JVM memory limit emulated with -XX:MaxRAM={machine.get('mem')}")
    out.append(f"- authentication: {machine.get('auth', 'off')} (off: CRM_AUTH_ENABLED=false; on: a Bearer API token "
               f"on every API request)")
    for a in by_kind["auth_check"]:
        out.append(f"- auth on verified: anonymous API call {a['anonymous_status']}, with the token {a['bearer_status']}")
    out.append(f"- load average at start {machine.get('loadavg_start')}, at end {end.get('loadavg_end')}")
    for s in by_kind["seed"]:
        out.append(f"- seeding {s.get('seeded')} x (company, contact, deal) through the driver: {s.get('seconds')} s")
    for u in by_kind["unavailable"]:
        out.append(f"- NOT MEASURED: {LABEL.get(u['op'], u['op'])} (the service answered {u['status']})")
    out.append("")

    # ---- throughput and latency
    drivers = {(d["op"], d["connections"], d["repeat"]): d for d in by_kind["driver"]}
    # results from before the auth switch have no "auth" field: they ran without authentication
    apis = {(a["op"], a.get("auth", "off"), a["connections"], a["repeat"]): a for a in by_kind["api"]
            if "error" not in a}
    conns = sorted({k[2] for k in apis})
    modes = [m for m in ("off", "on") if any(k[1] == m for k in apis)]
    # the original service, measured beside the service (run.sh --original), is a row of its own in the table
    shown = modes + (["original"] if any(k[1] == "original" for k in apis) else [])
    out.append("### Throughput and latency (medians over repeats; ratio = API / raw driver in the same repeat)\n")
    out.append("| operation | auth | conns | API req/s | driver req/s | **throughput ratio** | API p99 ms | driver p99 ms "
               "| **p99 ratio** | API errors | service CPU ms / 1000 req | store CPU ms / 1000 req (API run) "
               "| driver client CPU ms / 1000 ops |")
    out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    summary = {}
    for op, mode, c in [(op, mode, c) for op in ORDER for c in conns for mode in shown]:
        reps = sorted(k[3] for k in apis if k[0] == op and k[1] == mode and k[2] == c)
        if not reps:
            continue
        a_rps, d_rps, ratio, a_p99, d_p99, p99r, cpu, scpu, errors = [], [], [], [], [], [], [], [], 0
        dcpu = []
        for r in reps:
            a = apis[(op, mode, c, r)]
            d = drivers.get((op, c, r))
            a_rps.append(a["rps"])
            a_p99.append(a["p99_ms"])
            errors += a["errors_status"] + a["errors_timeout"] + a["errors_connect"] + a["errors_read"] \
                + a["errors_write"]
            if a["requests"]:
                cpu.append(a["cpu_ms"] * 1000 / a["requests"])
                scpu.append(a["store_cpu_ms"] * 1000 / a["requests"])
            if d:
                if d.get("client_cpu_ms") is not None and d["requests"]:
                    dcpu.append(d["client_cpu_ms"] * 1000 / d["requests"])
                d_rps.append(d["rps"])
                d_p99.append(d["p99_ms"])
                ratio.append(a["rps"] / d["rps"] if d["rps"] else None)
                p99r.append(a["p99_ms"] / d["p99_ms"] if d["p99_ms"] else None)
        row = dict(api=med(a_rps), driver=med(d_rps), ratio=med(ratio), a_p99=med(a_p99), d_p99=med(d_p99),
                   p99r=med(p99r), errors=errors, cpu=med(cpu), scpu=med(scpu), dcpu=med(dcpu))
        summary[(op, mode, c)] = row
        out.append(f"| {LABEL[op]} | {mode} | {c} | {fmt(row['api'])} | {fmt(row['driver'])} | **{fmt(row['ratio'], 2)}** "
                   f"| {fmt(row['a_p99'])} | {fmt(row['d_p99'])} | **{fmt(row['p99r'], 2)}** | {errors} "
                   f"| {fmt(row['cpu'])} | {fmt(row['scpu'])} | {fmt(row['dcpu'])} |")
    out.append("")

    # ---- diagnostics: the store's cost of the exact query shapes the service sends (run.sh --diag)
    diags = defaultdict(dict)
    for d in by_kind["diag"]:
        diags[(d["for"], d["op"], d["connections"])][d["repeat"]] = d
    if diags:
        out.append("### Diagnostics: store work per request done by the driver (medians; ratios per repeat)\n")
        out.append("| operation | driver variant | conns | minimal driver req/s | variant req/s | variant / minimal "
                   "| API / variant |")
        out.append("|---|---|---:|---:|---:|---:|---:|")
        for (op, variant, c) in sorted(diags, key=lambda k: (ORDER.index(k[0]), k[2], k[1])):
            runs = diags[(op, variant, c)]
            shape, api_vs = [], []
            for r, dg in runs.items():
                d = drivers.get((op, c, r))
                a = apis.get((op, modes[0], c, r)) if modes else None
                if d and d["rps"]:
                    shape.append(dg["rps"] / d["rps"])
                if a and dg["rps"]:
                    api_vs.append(a["rps"] / dg["rps"])
            row = summary.get((op, modes[0], c), {}) if modes else {}
            out.append(f"| {LABEL[op]} ({modes[0] if modes else '–'}) | {variant.replace('diag_', '')} | {c} | {fmt(row.get('driver'))} "
                       f"| {fmt(med([dg['rps'] for dg in runs.values()]))} | {fmt(med(shape), 2)} "
                       f"| {fmt(med(api_vs), 2)} |")
        out.append("")

    # ---- the request-path targets (one screen: target, measured, verdict)
    out.extend(request_path_targets(summary, apis, conns, modes, by_kind))

    # ---- targets at the best concurrency
    out.append("### Targets at the best concurrency (>= 0.80 of the driver's throughput, p99 < 3x the driver's)\n")
    out.append("| operation | auth | best conns (API) | API req/s | ratio same conns | ratio vs driver's best | p99 ratio "
               "| target |")
    out.append("|---|---|---:|---:|---:|---:|---:|---|")
    for op, mode in [(op, mode) for op in ORDER for mode in modes]:
        cands = [(c, summary[(op, mode, c)]) for c in conns
                 if (op, mode, c) in summary and summary[(op, mode, c)]["api"]]
        if not cands:
            continue
        c, row = max(cands, key=lambda x: x[1]["api"])
        best_driver = max((summary[(op, mode, cc)]["driver"] or 0) for cc in conns if (op, mode, cc) in summary)
        vs_best = row["api"] / best_driver if best_driver else None
        ok = row["ratio"] is not None and row["ratio"] >= 0.8 and row["p99r"] is not None and row["p99r"] < 3
        if op == "health":
            verdict = "reference (no database work)"
        else:
            verdict = "met" if ok else "MISSED"
        out.append(f"| {LABEL[op]} | {mode} | {c} | {fmt(row['api'])} | {fmt(row['ratio'], 2)} | {fmt(vs_best, 2)} "
                   f"| {fmt(row['p99r'], 2)} | {verdict} |")
    out.append("")

    # ---- start-up
    starts = defaultdict(list)
    errors = {}
    for s in by_kind["startup"]:
        if s.get("ms") is not None:
            starts[s["variant"]].append(s)
        else:
            errors[s["variant"]] = s.get("error")
    if starts or errors:
        out.append("### Start to /ready 200 (embedded store, fresh data dir; median of the runs)\n")
        out.append("| variant | runs | median ms | min ms | max ms | vs extracted | RSS at ready MiB | indexes created |")
        out.append("|---|---:|---:|---:|---:|---:|---:|---|")
        base = med([s["ms"] for s in starts.get("extracted", [])])
        for v in ["fatjar", "extracted", "lazy", "appcds", "aotcache", "springaot", "springaot_aotcache"]:
            if v in starts:
                ms = [s["ms"] for s in starts[v]]
                rss = med([s.get("rss_kib") for s in starts[v]])
                idx = all(s.get("indexes_created") for s in starts[v])
                rel = fmt(med(ms) / base, 2) if base else "–"
                out.append(f"| {v} | {len(ms)} | {fmt(med(ms), 0)} | {min(ms)} | {max(ms)} | {rel} "
                           f"| {fmt((rss or 0) / 1024, 0)} | {'yes' if idx else 'NO'} |")
            elif v in errors:
                out.append(f"| {v} | 0 | failed: {errors[v]} | | | | | |")
        out.append("")

    # ---- memory, GC, CPU
    out.append("### Memory and GC (service process)\n")
    for r in by_kind["service_ready"]:
        out.append(f"- auth {r.get('auth', 'off')}: ready against the standalone store after {r['ms']} ms, RSS {fmt(r['rss_kib'] / 1024, 0)} MiB")
    for r in by_kind["rss_after_warmup"]:
        out.append(f"- auth {r.get('auth', 'off')}: RSS after warm-up: {fmt(r['rss_kib'] / 1024, 0)} MiB (store process: "
                   f"{fmt(r['store_rss_kib'] / 1024, 0)} MiB)")
    for mode in modes:
        loads = [a.get("rss_max_kib") for k, a in apis.items() if k[1] == mode and a.get("rss_max_kib")]
        if loads:
            out.append(f"- auth {mode}: RSS under load: max {fmt(max(loads) / 1024, 0)} MiB, median of per-run maxima "
                       f"{fmt(med(loads) / 1024, 0)} MiB")
    for r in by_kind["rss_after_load"]:
        out.append(f"- auth {r.get('auth', 'off')}: RSS after the load: {fmt(r['rss_kib'] / 1024, 0)} MiB (store process: "
                   f"{fmt(r['store_rss_kib'] / 1024, 0)} MiB)")
    for g in by_kind["gc"]:
        out.append(f"- auth {g.get('auth', 'off')}: GC over the whole run: {g['pauses']} pauses {g['by_kind']}, total {g['total_ms']} ms, "
                   f"max {g['max_ms']} ms, p99 {g['p99_ms']} ms; heap after GC max {g['max_heap_after_gc_mib']} MiB, "
                   f"committed max {g['max_heap_committed_mib']} MiB")
    out.append("")

    # ---- import
    inserts = by_kind["insertmany"]
    if inserts or by_kind["import_api"] or by_kind["import"]:
        sized = inserts or by_kind["import"]
        rows = sized[0].get("rows", 100000) if sized else 100000
        out.append(f"### CSV import of {rows:,} contacts\n")
        if inserts:
            rps = med([i["rows_per_s"] for i in inserts])
            out.append(f"- raw insertMany (batches of {inserts[0]['batch']}, {inserts[0]['rows']} rows): median "
                       f"{fmt(rps, 0)} rows/s over {len(inserts)} runs "
                       f"({', '.join(fmt(i['rows_per_s'], 0) for i in inserts)})")
        imports = [i for i in by_kind["import"] if "rows_per_s" in i]
        if imports:
            irps = med([i["rows_per_s"] for i in imports])
            out.append(f"- CSV import through the API (POST /api/v1/imports, batches of {imports[0]['batch']}, "
                       f"{imports[0]['rows']} rows, upload to done): median {fmt(irps, 0)} rows/s over "
                       f"{len(imports)} runs ({', '.join(fmt(i['rows_per_s'], 0) for i in imports)}); server-side "
                       f"median {fmt(med([i['rows'] / i['server_seconds'] for i in imports]), 0)} rows/s")
            if inserts:
                pairs = [100 * i["rows_per_s"] / n["rows_per_s"] for i, n in zip(imports, inserts)]
                out.append(f"- import / raw insertMany: **{fmt(100 * irps / rps, 0)} %** (target: at least 70 %); "
                           f"per pair (each import right after its insertMany): "
                           f"{', '.join(fmt(p, 0) + ' %' for p in pairs)}")
            into_contacts = by_kind["insertmany_contacts"]
            if into_contacts:
                crps = med([i["rows_per_s"] for i in into_contacts])
                out.append(f"- raw insertMany of the same documents into the contacts collection (its unique "
                           f"indexes on email and externalId maintained, as the import must): median "
                           f"{fmt(crps, 0)} rows/s over {len(into_contacts)} runs; import / that: "
                           f"**{fmt(100 * irps / crps, 0)} %**")
            if "cpu_ms" in imports[0]:
                out.append(f"- CPU per 1,000 imported rows: service median "
                           f"{fmt(med([1000 * i['cpu_ms'] / i['rows'] for i in imports]), 0)} ms, store median "
                           f"{fmt(med([1000 * i['store_cpu_ms'] / i['rows'] for i in imports]), 0)} ms")
            bad = [i for i in imports if i.get("failed") or i.get("created") != i["rows"]]
            if bad:
                out.append(f"- WARNING: {len(bad)} import run(s) did not create every row")
        for i in by_kind["import"]:
            if "error" in i:
                out.append(f"- CSV import run failed: {i['error']}")
        for i in by_kind["import_api"]:
            out.append(f"- POST /api/v1/imports answered {i['status']}: the import row is pending (no import API yet)")
        out.append("")
    print("\n".join(out))


if __name__ == "__main__":
    main(sys.argv[1])
