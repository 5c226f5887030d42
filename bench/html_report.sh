#!/usr/bin/env bash
# The HTML report at 1 k, 10 k and 100 k posts: page size, peak memory of
# the run, and how long headless Chromium takes to open it (BENCHMARKS.md).
# Usage: bench/html_report.sh [SPONSORLINT_BINARY]   (default: target/release)
# Needs chromium, python3, GNU time (/usr/bin/time) and bc.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:-target/release/sponsorlint}
browser=$(command -v chromium || command -v chromium-browser)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Median of the numbers on stdin.
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# Wall seconds for Chromium to start, load the page and screenshot it.
open_page() {
  rm -rf "$work/profile"
  local start end
  start=$(date +%s.%N)
  "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --no-first-run --hide-scrollbars --window-size=1280,1600 \
    --user-data-dir="$work/profile" --screenshot="$work/page.png" "file://$1" >/dev/null 2>&1
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}

# Milliseconds from navigation to the page's script (the parse), from its self-test.
parse_ms() {
  rm -rf "$work/profile"
  "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --no-first-run --user-data-dir="$work/profile" \
    --dump-dom "file://$1#selftest" 2>/dev/null | grep -o '"parsedAt":[0-9.]*' | cut -d: -f2
}

echo '<!DOCTYPE html><title>empty</title><p>empty' > "$work/empty.html"
echo "empty page: open $(for _ in 1 2 3; do open_page "$work/empty.html"; done | median) s"
echo "| posts | check (s) | peak RSS (MB) | page (MB) | rows listed | Chromium parse (ms) | Chromium open + screenshot (s) |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for posts in 1000 10000 100000; do
  python3 bench/gen_corpus.py --posts "$posts" --out "$work/corpus" >/dev/null
  # The corpus has no authors or dates; give it 2,000 authors over 12 months
  # so every chart is drawn.
  python3 - "$work/corpus.jsonl" > "$work/posts.jsonl" <<'PY'
import json, sys
for i, line in enumerate(open(sys.argv[1], encoding="utf-8")):
    post = json.loads(line)
    post["author"] = "@creator%d" % (i % 2000)
    post["published_at"] = "2025-%02d-15" % (1 + i % 12)
    print(json.dumps(post, ensure_ascii=False))
PY
  # Exit code 1: the corpus has failing posts.
  /usr/bin/time -o "$work/time" -f "%e %M" "$binary" check "$work/posts.jsonl" --format html \
    --output "$work/report.html" --no-progress >/dev/null 2>&1 || true
  stats=$(tail -n 1 "$work/time")
  size=$(stat -c %s "$work/report.html")
  rows=$(grep -o '<tr data-order=' "$work/report.html" | wc -l)
  parse=$(for _ in 1 2 3; do parse_ms "$work/report.html"; done | median)
  open=$(for _ in 1 2 3; do open_page "$work/report.html"; done | median)
  echo "$posts $stats $size $rows $parse $open" | awk '{ printf "| %d | %.1f | %.0f | %.2f | %d | %.0f | %.1f |\n", $1, $2, $3 / 1024, $4 / 1048576, $5, $6, $7 }'
done
