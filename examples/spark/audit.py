#!/usr/bin/env python3
"""Audit posts on Apache Spark with the unchanged sponsorlint binary.

    spark-submit --master local[2] --files /path/to/sponsorlint \\
        examples/spark/audit.py posts.jsonl audit-out [-- --country GB]

reads JSONL posts from any path Spark reads (local, hdfs://, s3a://, ...),
pipes every partition through

    sponsorlint check - --input-format jsonl --format jsonl --exit-zero

with RDD.pipe, and writes

    audit-out/results/   one JSON result per post, in input order per partition
    audit-out/summary/   one JSON object: records in and out, verdicts, and
                         posts and failing posts per market (the same table
                         `sponsorlint check` prints at the end)

Arguments after `--` go to `sponsorlint check` (for example `--country GB`
for posts that name no market, or `--rules packs/` for packs the executors
can read). The job fails if the number of results differs from the number
of non-blank input lines.
"""

import argparse
import json
import os
import shlex
import sys
from collections import Counter

from pyspark import SparkContext, SparkFiles, StorageLevel

# What sponsorlint itself counts as a blank line: ASCII whitespace only.
ASCII_WHITESPACE = " \t\n\x0c\r"
NO_MARKET = "(none)"


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input", help="JSONL posts: a file, folder or glob on any Hadoop filesystem")
    parser.add_argument("output", help="folder to create for results/ and summary/")
    parser.add_argument(
        "--binary",
        default="sponsorlint",
        help="file name of the binary shipped with --files (default: sponsorlint), "
        "or an absolute path where it is installed on every node",
    )
    parser.add_argument(
        "--min-partitions",
        type=int,
        default=None,
        help="split the input into at least this many partitions (default: Spark's)",
    )
    parser.add_argument("check_args", nargs="*", help="arguments for `sponsorlint check` (after --)")
    return parser.parse_args(argv)


def binary_path(sc, binary):
    """Where executors find the binary. An absolute path is used as given.
    A file shipped with --files is in SparkFiles' folder in local mode (one
    machine, so the driver's answer holds) and in the working folder of
    every executor on a cluster (YARN, standalone, Kubernetes)."""
    if os.path.isabs(binary):
        return binary
    if sc.master.startswith("local"):
        return SparkFiles.get(binary)
    return "./" + binary


def tally(result):
    """Per-market counts for one result line, as `sponsorlint check` counts
    them: a post counts once in each of its markets (or under "(none)"), and
    fails in a market when an error finding applies there (a finding of that
    market, or of no market). Error records count only as verdicts."""
    record = json.loads(result)
    counts = Counter({("verdict", record["verdict"]): 1})
    if record["verdict"] == "error":
        return counts
    errors = [f for f in record.get("findings", []) if f["severity"] == "error"]
    for market in record.get("markets") or [None]:
        name = market or NO_MARKET
        counts[("posts", name)] += 1
        if any(f.get("market") in (None, market) for f in errors):
            counts[("failing", name)] += 1
    return counts


def summarise(counts, records_in, records_out):
    markets = sorted(
        {name for (kind, name) in counts if kind == "posts"},
        # Named markets in order, then posts that named none (as check does).
        key=lambda name: (name == NO_MARKET, name),
    )
    return {
        "records_in": records_in,
        "records_out": records_out,
        "verdicts": {v: counts[("verdict", v)] for v in ("pass", "warn", "fail", "error")},
        "markets": [
            {"market": m, "posts": counts[("posts", m)], "failing": counts[("failing", m)]}
            for m in markets
        ],
    }


def main(argv):
    args = parse_args(argv)
    sc = SparkContext(appName="sponsorlint-audit")
    command = [binary_path(sc, args.binary), "check", "-", "--input-format", "jsonl",
               "--format", "jsonl", "--exit-zero", "--no-progress", *args.check_args]
    # Results must not depend on a sponsorlint.yaml that happens to lie
    # above an executor's working folder; ship one and name it to use it.
    if not any(arg.split("=")[0] == "--config" for arg in args.check_args):
        command.append("--no-config")

    posts = sc.textFile(args.input, minPartitions=args.min_partitions)
    # checkCode: a non-zero exit (2: a bad flag or rule pack) fails the task
    # instead of silently giving fewer results.
    results = posts.pipe(shlex.join(command), checkCode=True)
    results.persist(StorageLevel.MEMORY_AND_DISK)
    results.saveAsTextFile(args.output.rstrip("/") + "/results")

    records_in = posts.filter(lambda line: line.strip(ASCII_WHITESPACE)).count()
    records_out = results.count()
    counts = results.map(tally).reduce(lambda a, b: a + b) if records_out else Counter()
    summary = summarise(counts, records_in, records_out)
    text = json.dumps(summary, sort_keys=True)
    sc.parallelize([text], 1).saveAsTextFile(args.output.rstrip("/") + "/summary")
    print(text)
    sc.stop()
    if records_in != records_out:
        print(f"error: {records_in} posts in but {records_out} results out", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
