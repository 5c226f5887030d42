#!/usr/bin/env python3
"""The keyword check an analyst would write: read JSONL, look for a
disclosure term with one case-insensitive regex, count the posts without one.

    python3 bench/naive_check.py posts.jsonl TERMS_FILE

A baseline for bench/run.py, not a checker: no markets, no placement, no
language, no relationship types.
"""

import json
import re
import sys


def main():
    posts_path, terms_path = sys.argv[1], sys.argv[2]
    with open(terms_path, encoding="utf-8") as handle:
        terms = [line.strip() for line in handle if line.strip()]
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    undisclosed = 0
    total = 0
    with open(posts_path, encoding="utf-8") as handle:
        for line in handle:
            post = json.loads(line)
            total += 1
            if not pattern.search(post.get("text", "")):
                undisclosed += 1
    print(f"{total} posts, {undisclosed} without a disclosure term")


if __name__ == "__main__":
    main()
