#!/usr/bin/env python3
"""Benchmarks sponsorlint against baselines in the same run, on this machine.

    python3 bench/run.py [--sizes 100000,1000000] [--runs 5] [--binary target/release/sponsorlint]

Builds nothing: run `cargo build --release` first. Generates the seeded
corpora under bench/data/ when missing, then reports medians of `--runs`
runs (wall time, peak RSS from the child's rusage) for:

  * sponsorlint check --format jsonl, all built-in packs, --jobs 1 and all
    cores (and the same posts as CSV on all cores);
  * rg -c with the built-in disclosure terms as one case-insensitive
    alternation with ASCII word boundaries: a lower bound for reading and
    scanning the bytes;
  * bench/naive_check.py: the keyword check an analyst would write;
  * the same posts with their language declared (no detection needed);
  * start-up: one short .txt post (the pre-commit case), wall time and,
    when valgrind is installed, instructions;
  * rule-count scaling: global pack only, one market, all packs, all packs
    plus 10x synthetic extra rules.

Prints the machine it ran on (cores, CPU model and family, vector
extensions: figures of two machines do not compare), a Markdown table
(paste it into BENCHMARKS.md) and the targets met.
"""

import argparse
import glob
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "bench", "data")
CORES = os.cpu_count() or 1


def measure(command, runs, stdin=None):
    """Median wall seconds and median peak RSS (MB) of `runs` runs; the
    child's own rusage gives its peak RSS."""
    walls, rss = [], []
    for _ in range(runs):
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 stdin=stdin)
        _, status, usage = os.wait4(child.pid, 0)
        walls.append(time.perf_counter() - start)
        # 1 is "findings at or above --fail-on": a check that worked.
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            sys.exit(f"failed ({os.waitstatus_to_exitcode(status)}): {' '.join(command)}")
        rss.append(usage.ru_maxrss / 1024)
    return statistics.median(walls), statistics.median(rss)


def corpus(posts, declared=False):
    prefix = os.path.join(DATA, f"posts-{posts}" + ("-declared" if declared else ""))
    if not os.path.exists(prefix + ".jsonl"):
        os.makedirs(DATA, exist_ok=True)
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen_corpus.py"),
                        "--posts", str(posts), "--out", prefix]
                       + (["--declare-language"] if declared else []), check=True)
    return prefix + ".jsonl"


def instructions(command):
    """Instructions the command runs (valgrind's count), or None."""
    if not shutil.which("valgrind"):
        return None
    run = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"] + command,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    found = re.search(r"refs:\s+([\d,]+)", run.stderr)
    return int(found.group(1).replace(",", "")) if found else None


def disclosure_terms():
    """The built-in word, phrase and hashtag terms (not regex, URL or {brand} terms)."""
    import yaml  # PyYAML: pip install pyyaml

    terms = set()
    for path in glob.glob(os.path.join(ROOT, "rules", "**", "*.yaml"), recursive=True):
        if os.sep + "examples" + os.sep in path or path.endswith("markets.yaml"):
            continue
        with open(path, encoding="utf-8") as handle:
            pack = yaml.safe_load(handle)
        for name, term_set in (pack.get("terms") or {}).items():
            if term_set.get("match") not in ("word", "phrase", "hashtag"):
                continue
            if name in ("link-in-bio",):
                continue
            for term in term_set.get("any", []):
                term = str(term).lstrip("#").strip()
                if term and "{brand}" not in term:
                    terms.add(term)
    return sorted(terms)


def rg_pattern(terms):
    meta = set("\\.+*?()|[]{}^$#&-~")
    escaped = ["".join("\\" + c if c in meta else c for c in term) for term in terms]
    return r"(?-u:\b)(?:" + "|".join(escaped) + r")(?-u:\b)"


def synthetic_pack(path, rules):
    """A pack of `rules` extra rules, each with its own terms, that run on
    every post and (like most rules on most posts) do not fire: forbid-term
    rules whose terms no post holds."""
    lines = ["pack: synthetic", "title: Synthetic extra rules for scaling", "version: 1.0.0",
             "sources:", "  - {id: s, title: Synthetic, url: https://example.com}", "terms:"]
    for index in range(rules):
        lines.append(f"  t{index}: {{language: en, match: phrase, any: [\"zq{index}a\", \"zq{index}b xk\"]}}")
    lines.append("rules:")
    for index in range(rules):
        lines += [f"  - id: synthetic/r{index}", "    kind: forbid-term",
                  "    category: prohibited-promotion", "    severity: info",
                  f"    terms: [t{index}]", "    message: m", "    help: h", "    source: s",
                  f"    examples: {{fail: [\"zq{index}a x\"], pass: [\"x\"]}}"]
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


def machine():
    """One line naming what the figures were measured on: the cores, and
    the CPU's model, family and widest vector extension as Linux reports
    them (elsewhere, what Python's platform module knows)."""
    fields = {}
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                key, _, value = line.partition(":")
                fields.setdefault(key.strip(), value.strip())
    except OSError:
        pass
    model = fields.get("model name") or platform.processor() or platform.machine()
    family = f", CPU family {fields['cpu family']}" if "cpu family" in fields else ""
    flags = fields.get("flags", "").split()
    vector = next((name for name in ("avx512f", "avx2", "sse4_2") if name in flags), None)
    vector = f", {vector}" if vector else ""
    return f"Machine: {CORES} cores, {model}{family}{vector}"


def row(name, posts, size, wall, rss):
    rate = f"{posts / wall:,.0f}" if posts and wall else "—"
    mbs = f"{size / wall / 1e6:,.1f}" if size and wall else "—"
    return f"| {name} | {wall:.3f} | {rate} | {mbs} | {rss:.1f} |"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "sponsorlint"))
    args = parser.parse_args()
    binary = args.binary
    sizes = [int(size) for size in args.sizes.split(",")]
    out = ["| case | median s | posts/s | MB/s | peak RSS MB |", "| --- | --- | --- | --- | --- |"]
    results = {}
    terms = disclosure_terms()
    with tempfile.TemporaryDirectory() as work:
        terms_file = os.path.join(work, "terms.txt")
        with open(terms_file, "w", encoding="utf-8") as handle:
            handle.write("\n".join(terms) + "\n")
        for posts in sizes:
            path = corpus(posts)
            size = os.path.getsize(path)
            check = [binary, "check", path, "--format", "jsonl", "--output", os.devnull, "--no-progress"]
            for jobs in (1, CORES):
                wall, rss = measure(check + ["--jobs", str(jobs)], args.runs)
                results[(posts, f"jobs{jobs}")] = (wall, rss)
                out.append(row(f"sponsorlint {posts:,} posts, --jobs {jobs}", posts, size, wall, rss))
            table = path[: -len(".jsonl")] + ".csv"
            csv_check = [binary, "check", table, "--format", "jsonl", "--output", os.devnull,
                         "--no-progress", "--jobs", str(CORES)]
            wall, rss = measure(csv_check, args.runs)
            out.append(row(f"sponsorlint {posts:,} posts as CSV, --jobs {CORES}", posts,
                           os.path.getsize(table), wall, rss))
            if shutil.which("rg"):
                wall, rss = measure(["rg", "-c", "-i", rg_pattern(terms), path], args.runs)
                results[(posts, "rg")] = (wall, rss)
                out.append(row(f"rg -c {posts:,} posts", posts, size, wall, rss))
            if posts == sizes[0]:
                declared = corpus(posts, declared=True)
                wall, rss = measure([binary, "check", declared, "--format", "jsonl", "--output",
                                     os.devnull, "--no-progress", "--jobs", str(CORES)], args.runs)
                results[(posts, "declared")] = (wall, rss)
                out.append(row(f"sponsorlint {posts:,} posts, language declared, --jobs {CORES}",
                               posts, os.path.getsize(declared), wall, rss))
            if posts <= 100_000:
                naive = [sys.executable, os.path.join(ROOT, "bench", "naive_check.py"), path, terms_file]
                wall, rss = measure(naive, max(1, args.runs // 2))
                results[(posts, "python")] = (wall, rss)
                out.append(row(f"python re {posts:,} posts", posts, size, wall, rss))
        one = os.path.join(work, "draft.txt")
        with open(one, "w", encoding="utf-8") as handle:
            handle.write("Loving this serum from @glowlab ✨ code LUNA15\n")
        one_post = [binary, "check", one, "--country", "GB", "--relationship", "paid"]
        wall, rss = measure(one_post, 20)
        results["startup"] = (wall, rss)
        results["startup instructions"] = instructions(one_post)
        out.append(row("one .txt post (start-up)", 0, 0, wall, rss))
        # A Markdown draft names its markets in its front matter, which is
        # read before the packs so that only theirs are read.
        one_md = os.path.join(work, "draft.md")
        with open(one_md, "w", encoding="utf-8") as handle:
            handle.write("---\ncountry: GB\nrelationship: paid\n---\nLoving this serum from @glowlab ✨ code LUNA15\n")
        wall, rss = measure([binary, "check", one_md], 20)
        out.append(row("one .md draft, markets in its front matter (start-up)", 0, 0, wall, rss))

        scaling = corpus(sizes[0])
        synthetic = os.path.join(work, "synthetic.yaml")
        rule_count = int(subprocess.run([binary, "rules", "list"], capture_output=True, text=True)
                         .stdout.strip().splitlines()[-1].split()[0])
        synthetic_pack(synthetic, 10 * rule_count)
        base = [binary, "check", scaling, "--format", "jsonl", "--output", os.devnull, "--no-progress"]
        rules_dir = os.path.join(ROOT, "rules")
        # Platform facts come along (market examples need a platform's
        # fold), and the term sets the global pack uses (languages, EU).
        only = ["--no-builtin", "--rules", os.path.join(rules_dir, "global.yaml"),
                "--rules", os.path.join(rules_dir, "platforms"),
                "--rules", os.path.join(rules_dir, "terms"),
                "--rules", os.path.join(rules_dir, "eu.yaml")]
        for name, extra in [
            ("global and EU packs only", only),
            ("global, EU + FR", only + ["--rules", os.path.join(rules_dir, "countries", "fr.yaml")]),
            ("all packs", []),
            (f"all packs + {10 * rule_count} synthetic rules", ["--rules", synthetic]),
        ]:
            wall, rss = measure(base + extra, args.runs)
            results[name] = (wall, rss)
            out.append(row(f"{sizes[0]:,} posts, {name}", sizes[0], 0, wall, rss))
    print(machine())
    print()
    print("\n".join(out))
    print()
    small = sizes[0]
    all_cores = results[(small, f"jobs{CORES}")][0]
    targets = [f"all-core check of {small:,} posts: {small / all_cores:,.0f} posts/s (target ≥ 200,000)"]
    if (small, "rg") in results:
        ratio = all_cores / results[(small, "rg")][0]
        targets.append(f"all-core check vs rg: {ratio:.1f}x its time (target ≤ 5x)")
    if (small, "python") in results:
        ratio = results[(small, "python")][0] / all_cores
        targets.append(f"python re vs all-core check: {ratio:.1f}x slower (target ≥ 7x)")
    ratio = all_cores / results[(small, "declared")][0]
    targets.append(f"language detected vs declared: {ratio:.2f}x the time (target ≤ 1.3x)")
    biggest = max(sizes)
    targets.append(f"peak RSS at {biggest:,} posts: {results[(biggest, f'jobs{CORES}')][1]:.1f} MB (target ≤ 50 MB)")
    targets.append(f"one-post check: {results['startup'][0] * 1000:.1f} ms median of 20 (target ≤ 8 ms)")
    if results["startup instructions"]:
        targets.append(f"one-post check: {results['startup instructions'] / 1e6:.0f} M instructions (target ≤ 20 M)")
    extra_cost = results[f"all packs + {10 * rule_count} synthetic rules"][0] / results["all packs"][0] - 1
    targets.append(f"10x rules: +{extra_cost * 100:.0f}% time (target ≤ 15%)")
    speedup = results[(small, "jobs1")][0] / all_cores
    targets.append(f"--jobs {CORES} vs --jobs 1: {speedup:.2f}x faster (target ≥ 1.8x with 2 cores)")
    print("\n".join("- " + target for target in targets))


if __name__ == "__main__":
    main()
