#!/usr/bin/env bash
# Seeds each fuzz target's corpus from the repository's own files:
# fixtures for post text, the built-in packs, the example configurations.
set -euo pipefail
cd "$(dirname "$0")/.."
seed() {
  local target=$1
  shift
  mkdir -p "fuzz/corpus/$target"
  for file in "$@"; do
    cp "$file" "fuzz/corpus/$target/$(basename "$(dirname "$file")")-$(basename "$file")"
  done
}
seed check_text fixtures/note.txt fixtures/drafts/*.md
seed normalize fixtures/note.txt fixtures/drafts/*.md
seed rule_pack rules/*.yaml rules/countries/*.yaml rules/platforms/*.yaml tests/data/broken/*.yaml
seed config src/config/starter.yaml docs/examples/*.yaml
# read_input's first byte picks the format; the seeds keep the file's own.
mkdir -p fuzz/corpus/read_input
for file in fixtures/note.txt fixtures/drafts/*.md fixtures/calendar.jsonl fixtures/calendar.csv tests/data/*.jsonl tests/data/*.csv; do
  case "$file" in
    *.txt) code='\x01' ;; *.md) code='\x02' ;; *.jsonl) code='\x04' ;; *.csv) code='\x05' ;; *) code='\x00' ;;
  esac
  { printf "$code"; cat "$file"; } > "fuzz/corpus/read_input/$(basename "$file")"
done
# One post per JSONL line, as text: many small seeds for the post checks.
i=0
while IFS= read -r line; do
  i=$((i + 1))
  printf '%s' "$line" | python3 -c 'import json,sys; print(json.loads(sys.stdin.read()).get("text",""), end="")' \
    > "fuzz/corpus/check_text/calendar-$i.txt" 2>/dev/null || true
done < fixtures/calendar.jsonl
# read_workbook: the first byte picks XLSX (even) or ODS (odd).
mkdir -p fuzz/corpus/read_workbook
{ printf '\x00'; cat tests/data/calendar.xlsx; } > fuzz/corpus/read_workbook/calendar.xlsx
{ printf '\x01'; cat tests/data/calendar.ods; } > fuzz/corpus/read_workbook/calendar.ods
# read_srt and read_vtt: the first byte picks the market and the media.
mkdir -p fuzz/corpus/read_srt fuzz/corpus/read_vtt
for file in fixtures/video/*.srt; do { printf '\x04'; cat "$file"; } > "fuzz/corpus/read_srt/$(basename "$file")"; done
for file in fixtures/video/*.vtt; do { printf '\x00'; cat "$file"; } > "fuzz/corpus/read_vtt/$(basename "$file")"; done
