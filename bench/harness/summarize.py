#!/usr/bin/env python3
"""Summarizes one scripts/bench run: medians, ratios and goals as Markdown tables.

    summarize.py RESULTS_DIR

Reads meta.json and the throughput.jsonl, checkout.jsonl, coldstart.jsonl and gateway.jsonl
the harness wrote (any may be missing), prints the tables, and writes them with the raw figures to
RESULTS_DIR/results.md, ready to paste into BENCHMARKS.md.
"""

import json
import statistics
import sys
from pathlib import Path


def read_lines(path):
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def verdict(ok):
    return "met" if ok else "**missed**"


def figures(values, fmt="{:.0f}"):
    return ", ".join(fmt.format(v) for v in values)


def throughput_section(rows, goal=0.8):
    if not rows:
        return []
    out = [
        "### 1. Worker throughput: no-op handler vs raw rabbitmq-c",
        "",
        "| prefetch | concurrency | messages | raw C msg/s (median) | worker msg/s (median) | worker / raw | goal ≥ 0.8 |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    details = []
    for prefetch in sorted({r["prefetch"] for r in rows}):
        raw = [r["per_second"] for r in rows if r["prefetch"] == prefetch and r["consumer"] == "raw"]
        worker = [r for r in rows if r["prefetch"] == prefetch and r["consumer"] == "worker"]
        rates = [r["per_second"] for r in worker]
        if not raw or not rates:
            continue
        ratio = statistics.median(rates) / statistics.median(raw)
        concurrency = worker[0]["concurrency"]
        messages = worker[0]["messages"]
        out.append(
            f"| {prefetch} | {concurrency} | {messages} | {statistics.median(raw):.0f} | {statistics.median(rates):.0f} "
            f"| {ratio:.2f} | {verdict(ratio >= goal)} |"
        )
        details.append(f"- prefetch {prefetch}: raw {figures(raw)} msg/s; worker {figures(rates)} msg/s (rounds in order)")
    return out + [""] + details + [""]


def checkout_section(rows):
    if not rows:
        return []
    pipeline = [r for r in rows if r["kind"] == "pipeline"]
    pgbench = [r for r in rows if r["kind"] == "pgbench"]
    out = [
        "### 2. Checkouts per second, `order.placed` → `confirmed`, one hot product",
        "",
        "| what | per second (median) | rounds |",
        "| --- | ---: | --- |",
    ]
    best_pgbench = 0.0
    for clients in sorted({r["clients"] for r in pgbench}):
        tps = [r["per_second"] for r in pgbench if r["clients"] == clients]
        best_pgbench = max(best_pgbench, statistics.median(tps))
        out.append(f"| pgbench reservation transaction, {clients} client(s) | {statistics.median(tps):.0f} | {figures(tps)} |")
    notes = []
    variants = []
    for row in pipeline:
        if row.get("variant", "batched") not in variants:
            variants.append(row.get("variant", "batched"))
    for variant in variants:
        mine = [r for r in pipeline if r.get("variant", "batched") == variant]
        rates = [r["per_second"] for r in mine]
        orders = mine[0]["orders"]
        label = VARIANT_LABELS.get(variant, f"{variant} checkout and update-inventory")
        out.append(f"| pipeline ({label}), {orders} orders | {statistics.median(rates):.0f} | {figures(rates)} |")
        done = [r["orders"] / r["all_done_seconds"] for r in mine]
        out.append(f"| … counting until stock committed and email sent | {statistics.median(done):.0f} | {figures(done)} |")
        if best_pgbench > 0:
            ratio = statistics.median(rates) / best_pgbench
            notes.append(
                f"- {variant}: pipeline / best pgbench median **{ratio:.2f}** (goal ≥ 1: {verdict(ratio >= 1)}); "
                f"publishing the {orders} `order.placed` took {statistics.median(r['publish_seconds'] for r in mine) * 1000:.0f} ms, "
                f"the first order was confirmed after {statistics.median(r['first_confirmed_seconds'] for r in mine) * 1000:.0f} ms, "
                f"the last after {statistics.median(r['seconds'] for r in mine) * 1000:.0f} ms (medians)."
            )
    return out + [""] + notes + [""]


# What each checkout variant of bench/harness/checkout.sh is, in the results table.
VARIANT_LABELS = {
    "batched": "batched checkout, update-inventory and send-email",
    "unbatched": "unbatched checkout and update-inventory",
    "email-unbatched": "batched checkout and update-inventory, send-email one email per message",
}


def coldstart_section(rows):
    if not rows:
        return []
    out = [
        "### 3. Cold start (exec → first message acked) and idle memory",
        "",
        "| worker | first ack ms (median) | min … max | goal < 200 ms | idle RSS MB (median) | goal < 30 MB | of which anon / file MB | PSS MB | peak RSS MB |",
        "| --- | ---: | --- | --- | ---: | --- | --- | ---: | ---: |",
    ]
    workers = []
    for row in rows:
        if row["worker"] not in workers:
            workers.append(row["worker"])
    for worker in workers:
        mine = [r for r in rows if r["worker"] == worker]
        ms = [r["first_ack_ms"] for r in mine]
        def mb(key):
            return statistics.median(r.get(key, 0) for r in mine) / 1024

        rss = mb("rss_kb")
        out.append(
            f"| {worker} | {statistics.median(ms):.0f} | {min(ms):.0f} … {max(ms):.0f} | {verdict(statistics.median(ms) < 200)} "
            f"| {rss:.1f} | {verdict(rss < 30)} | {mb('rss_anon_kb'):.1f} / {mb('rss_file_kb'):.1f} | {mb('pss_kb'):.1f} | {mb('peak_rss_kb'):.1f} |"
        )
    return out + [""]


def gateway_section(rows, directory, goal_ratio=0.8, goal_added_ms=1.0):
    if not rows:
        return []
    meta_path = directory / "gateway-meta.json"
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    sizes = {(r["upstream"], r["target"]): r for r in read_lines(directory / "gateway-responses.jsonl")}
    first = rows[0]
    out = [
        "### 4. Gateway vs nginx: wrk through each, same route and settings (issue 5)",
        "",
        f"wrk with {first['threads']} threads, {first['seconds']:.0f} s per run, keep-alive, the same connection count for the three targets; "
        f"{meta.get('nginx', 'nginx')} with {meta.get('nginx_workers', '?')} workers, access log "
        f"{meta.get('nginx_access_log', 'off')}; gateway logging "
        f"{meta.get('gateway_log_level', '?')}; {meta.get('wrk', 'wrk')}. Medians of the rounds; CPU is user + system time "
        "of the proxy's process(es) and of the upstream's, per request, the proxy's system time also apart (the kernel's "
        "work for it); writes are the proxy's write system calls (`syscw`), sleeps its threads' voluntary context "
        "switches (each a wait for work and a wake-up), preemptions its involuntary ones (descheduled with work to do), "
        "per request.",
        "",
        "| upstream | connections | target | req/s (median) | p50 ms | p99 ms (median) | p99.9 ms | proxy CPU µs/req | of it system | proxy writes/req | proxy sleeps/req | proxy preemptions/req | upstream CPU µs/req | response bytes (headers + body) |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    ratios = [
        "",
        "| upstream | connections | gateway / nginx req/s | goal ≥ 0.8 | gateway / nginx p99 | gateway p99 − direct p99 | goal ≤ 1 ms | nginx p99 − direct p99 | gateway / direct req/s | nginx / direct req/s |",
        "| --- | ---: | ---: | --- | ---: | ---: | --- | ---: | ---: | ---: |",
    ]
    details = []
    groups = []
    for row in rows:
        key = (row["upstream"], row["connections"], row.get("rate") or 0)
        if key not in groups:
            groups.append(key)
    for upstream, count, rate in groups:
        # A fixed-rate group is labelled with its rate; its throughput ratio is ~1 by design.
        connections = f"{count} @ {rate}/s" if rate else f"{count}"
        med = {}
        for target in ("direct", "nginx", "gateway"):
            mine = [
                r for r in rows
                if r["upstream"] == upstream and r["connections"] == count and (r.get("rate") or 0) == rate and r["target"] == target
            ]
            if not mine:
                continue

            def m(key):
                values = [r[key] for r in mine if r.get(key) is not None]
                return statistics.median(values) if values else None

            med[target] = {key: m(key) for key in (
                "per_second", "p50_ms", "p99_ms", "p999_ms", "proxy_cpu_us_per_request", "proxy_system_us_per_request",
                "proxy_writes_per_request", "proxy_sleeps_per_request", "proxy_preemptions_per_request", "upstream_cpu_us_per_request",
            )}
            size = sizes.get((upstream, target))

            def proxy_figure(key, form):
                value = med[target][key]  # none for the direct target, or in runs before it was recorded
                return "—" if value is None else form.format(value)

            out.append(
                f"| {upstream} | {connections} | {target} | {med[target]['per_second']:.0f} | {med[target]['p50_ms']:.2f} | {med[target]['p99_ms']:.2f} "
                f"| {med[target]['p999_ms']:.2f} | {proxy_figure('proxy_cpu_us_per_request', '{:.0f}')} "
                f"| {proxy_figure('proxy_system_us_per_request', '{:.0f}')} "
                f"| {proxy_figure('proxy_writes_per_request', '{:.2f}')} | {proxy_figure('proxy_sleeps_per_request', '{:.2f}')} "
                f"| {proxy_figure('proxy_preemptions_per_request', '{:.2f}')} "
                f"| {med[target]['upstream_cpu_us_per_request']:.0f} "
                f"| {size['header_bytes'] + size['body_bytes'] if size else '?'} |"
            )
            details.append(
                f"- {upstream}, {connections} connections, via {target}: {figures([r['per_second'] for r in mine])} req/s; "
                f"p99 {figures([r['p99_ms'] for r in mine], '{:.2f}')} ms (rounds in order)"
            )
        if all(t in med for t in ("direct", "nginx", "gateway")):
            d, n, g = med["direct"], med["nginx"], med["gateway"]
            ratio = g["per_second"] / n["per_second"]
            added = g["p99_ms"] - d["p99_ms"]
            ratios.append(
                f"| {upstream} | {connections} | **{ratio:.2f}** | {'— (fixed rate)' if rate else verdict(ratio >= goal_ratio)} | {g['p99_ms'] / n['p99_ms']:.2f} "
                f"| **{added:+.2f} ms** | {verdict(added <= goal_added_ms)} | {n['p99_ms'] - d['p99_ms']:+.2f} ms "
                f"| {g['per_second'] / d['per_second']:.2f} | {n['per_second'] / d['per_second']:.2f} |"
            )
    return out + ratios + [""] + details + [""]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: summarize.py RESULTS_DIR")
    directory = Path(sys.argv[1])
    meta = json.loads((directory / "meta.json").read_text()) if (directory / "meta.json").exists() else {}
    lines = [f"## Run {meta.get('run_id', directory.name)}", ""]
    if meta:
        lines += [
            f"- date: {meta.get('date')}; build: **{meta.get('configuration')}**; machine: {meta.get('machine')}",
            f"- software: {meta.get('software')}",
            f"- load average at start: {meta.get('load_start')}; at end: {meta.get('load_end', '?')}",
            f"- command: `{meta.get('command')}`",
            "",
        ]
    lines += throughput_section(read_lines(directory / "throughput.jsonl"))
    lines += checkout_section(read_lines(directory / "checkout.jsonl"))
    lines += coldstart_section(read_lines(directory / "coldstart.jsonl"))
    lines += gateway_section(read_lines(directory / "gateway.jsonl"), directory)
    text = "\n".join(lines)
    raw = []
    for name in ("throughput.jsonl", "checkout.jsonl", "coldstart.jsonl", "gateway.jsonl"):
        path = directory / name
        if path.exists():
            raw += [f"`{name}`:", "", "```", path.read_text().rstrip(), "```", ""]
    (directory / "results.md").write_text(text + "\n<details><summary>Raw figures</summary>\n\n" + "\n".join(raw) + "\n</details>\n")
    print(text)


if __name__ == "__main__":
    main()
