#!/usr/bin/env bash
# Used by action.yml: installs the release binary of sponsorlint for this
# runner into $RUNNER_TEMP/sponsorlint/bin after checking it against the
# release's SHA256SUMS, and says `installed=true` in $GITHUB_OUTPUT. When
# the ref is not a version tag, or the release has no binary for this
# runner, it says `installed=false` and the action builds from source. A
# checksum that does not match fails the step: that is never retried.
#
# Inputs (environment): VERSION (v0.2.0), REPOSITORY (owner/sponsorlint),
# RUNNER_OS_NAME (Linux, macOS, Windows), RUNNER_ARCH_NAME (X64, ARM64),
# RUNNER_TEMP; RELEASES_URL overrides https://github.com/$REPOSITORY/releases/download.
set -euo pipefail

out="${GITHUB_OUTPUT:-/dev/stdout}"
fallback() {
  echo "note: $1; building sponsorlint from source instead" >&2
  echo "installed=false" >> "$out"
  exit 0
}

[[ "$VERSION" =~ ^v[0-9]+\.[0-9]+\.[0-9]+ ]] || fallback "'$VERSION' is not a release tag"
case "$RUNNER_OS_NAME/$RUNNER_ARCH_NAME" in
  Linux/X64) target=x86_64-unknown-linux-musl ;;
  Linux/ARM64) target=aarch64-unknown-linux-musl ;;
  macOS/X64) target=x86_64-apple-darwin ;;
  macOS/ARM64) target=aarch64-apple-darwin ;;
  Windows/X64) target=x86_64-pc-windows-msvc ;;
  *) fallback "no release binary for $RUNNER_OS_NAME $RUNNER_ARCH_NAME" ;;
esac
case "$target" in
  *windows*) archive="sponsorlint-$target.zip" ;;
  *) archive="sponsorlint-$target.tar.gz" ;;
esac

base="${RELEASES_URL:-https://github.com/$REPOSITORY/releases/download}/$VERSION"
work="$RUNNER_TEMP/sponsorlint-download"
rm -rf "$work" && mkdir -p "$work"
cd "$work"
curl -fsSL --retry 3 -o SHA256SUMS "$base/SHA256SUMS" || fallback "no SHA256SUMS in release $VERSION"
curl -fsSL --retry 3 -o "$archive" "$base/$archive" || fallback "no $archive in release $VERSION"

expected=$(awk -v name="$archive" '$2 == name || $2 == "*" name { print $1 }' SHA256SUMS)
if command -v sha256sum >/dev/null 2>&1; then
  actual=$(sha256sum "$archive" | cut -d ' ' -f 1)
else
  actual=$(shasum -a 256 "$archive" | cut -d ' ' -f 1)
fi
if [ -z "$expected" ] || [ "$expected" != "$actual" ]; then
  echo "error: $archive does not match its SHA256SUMS entry (expected '${expected:-none}', got $actual)" >&2
  exit 1
fi

bin="$RUNNER_TEMP/sponsorlint/bin"
mkdir -p "$bin"
case "$archive" in
  *.zip) unzip -q -o "$archive" -d "$bin" ;;
  *) tar -xzf "$archive" -C "$bin" ;;
esac
"$bin/sponsorlint" --version
echo "installed=true" >> "$out"
