#!/usr/bin/env bash
# The install step of action.yml: download this runner's release archive of sqs-trigger and its
# .sha256 file, refuse the archive unless the checksum matches, unpack it under RUNNER_TEMP and
# put the binary on the job's PATH. Outputs (GITHUB_OUTPUT): path, version.
#
# env: SQS_TRIGGER_VERSION (X.Y.Z, vX.Y.Z or latest), SQS_TRIGGER_RELEASE_URL (https://... or,
# for tests, file:///...), RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, GITHUB_OUTPUT, GITHUB_PATH.
set -euo pipefail

fail() {
  echo "::error title=sqs-trigger install::$1"
  exit 1
}

version="${SQS_TRIGGER_VERSION:-latest}"
base="${SQS_TRIGGER_RELEASE_URL:-https://github.com/sqs-trigger/sqs-trigger/releases}"
base="${base%/}"

# The version goes into a URL: only a version number or `latest` is accepted.
if [[ "$version" != latest ]]; then
  version="${version#v}"
  [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] ||
    fail "version must be X.Y.Z, vX.Y.Z or latest, not '${SQS_TRIGGER_VERSION}'"
fi

case "$base" in
  https://*) protocols='=https' ;;
  file://*) protocols='=file' ;;
  *) fail "release-url must start with https:// (or file:// in tests)" ;;
esac

case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
  Linux/X64) target=x86_64-unknown-linux-musl ;;
  Linux/ARM64) target=aarch64-unknown-linux-musl ;;
  macOS/X64) target=x86_64-apple-darwin ;;
  macOS/ARM64) target=aarch64-apple-darwin ;;
  Windows/X64) target=x86_64-pc-windows-msvc ;;
  *) fail "no sqs-trigger release for ${RUNNER_OS:-?} ${RUNNER_ARCH:-?} (Linux, macOS: X64, ARM64; Windows: X64)" ;;
esac

if [[ "$target" == *windows* ]]; then
  archive="sqs-trigger-$target.zip"
  exe=sqs-trigger.exe
else
  archive="sqs-trigger-$target.tar.xz"
  exe=sqs-trigger
fi

if [[ "$version" == latest ]]; then
  url="$base/latest/download/$archive"
else
  url="$base/download/v$version/$archive"
fi

dest="${RUNNER_TEMP:?RUNNER_TEMP is not set}/sqs-trigger-$version-$target"
rm -rf "$dest"
mkdir -p "$dest"

download() {
  curl --proto "$protocols" --tlsv1.2 --fail --silent --show-error --location \
    --retry 3 --output "$2" "$1"
}

echo "Downloading $url"
download "$url" "$dest/$archive" || fail "could not download $url"
download "$url.sha256" "$dest/$archive.sha256" || fail "could not download $url.sha256"

expected="$(cut -d ' ' -f 1 <"$dest/$archive.sha256" | tr -d '\r\n')"
if command -v sha256sum >/dev/null 2>&1; then
  actual="$(sha256sum "$dest/$archive" | cut -d ' ' -f 1)"
else
  actual="$(shasum -a 256 "$dest/$archive" | cut -d ' ' -f 1)"
fi
[[ "$expected" =~ ^[0-9a-f]{64}$ ]] || fail "$archive.sha256 holds no sha256"
[[ "$actual" == "$expected" ]] ||
  fail "checksum mismatch for $archive: expected $expected, got $actual; nothing was installed"
echo "sha256 $actual $archive: OK"

if [[ "$archive" == *.zip ]]; then
  if command -v unzip >/dev/null 2>&1; then
    unzip -q "$dest/$archive" -d "$dest"
  else
    # shellcheck disable=SC2016 # PowerShell reads $env:ARCHIVE and $env:DEST itself
    ARCHIVE="$dest/$archive" DEST="$dest" pwsh -NoProfile -Command \
      'Expand-Archive -LiteralPath $env:ARCHIVE -DestinationPath $env:DEST -Force'
  fi
else
  tar -xf "$dest/$archive" -C "$dest"
fi

bin="$(find "$dest" -type f -name "$exe" | head -n 1)"
[[ -n "$bin" ]] || fail "$archive holds no $exe"
chmod +x "$bin"

installed="$("$bin" --version | cut -d ' ' -f 2)"
if [[ "$version" != latest && "$installed" != "$version" ]]; then
  fail "the archive of v$version holds sqs-trigger $installed"
fi
echo "Installed sqs-trigger $installed ($target) at $bin"

dirname "$bin" >>"${GITHUB_PATH:?GITHUB_PATH is not set}"
{
  echo "path=$bin"
  echo "version=$installed"
} >>"${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"
