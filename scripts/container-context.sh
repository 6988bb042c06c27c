#!/usr/bin/env bash
# Lay out the build context of the Dockerfile from dist's Linux release archives:
#   scripts/container-context.sh CONTEXT_DIR ARCHIVE...
# Each ARCHIVE is a sqs-trigger-<arch>-unknown-linux-musl.tar.xz; its binary goes to
# CONTEXT_DIR/linux/<amd64|arm64>/sqs-trigger. The CA bundle is the build machine's
# (/etc/ssl/certs/ca-certificates.crt, Debian's and Ubuntu's ca-certificates, or CA_BUNDLE).
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
context="${1:?usage: container-context.sh CONTEXT_DIR ARCHIVE...}"
shift
[[ $# -gt 0 ]] || { echo "container-context.sh: no archive given" >&2; exit 2; }
bundle="${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"
[[ -s "$bundle" ]] || { echo "container-context.sh: no CA bundle at $bundle (install ca-certificates)" >&2; exit 1; }

rm -rf "$context"
mkdir -p "$context"
cp "$repo/packaging/container/passwd" "$repo/packaging/container/group" "$context/"
cp "$bundle" "$context/ca-certificates.crt"

for archive in "$@"; do
  case "$(basename "$archive")" in
    sqs-trigger-x86_64-unknown-linux-musl.tar.xz) platform=linux/amd64 ;;
    sqs-trigger-aarch64-unknown-linux-musl.tar.xz) platform=linux/arm64 ;;
    *) echo "container-context.sh: not a Linux musl archive: $archive" >&2; exit 2 ;;
  esac
  unpacked="$(mktemp -d)"
  tar -xf "$archive" -C "$unpacked"
  mkdir -p "$context/$platform"
  find "$unpacked" -type f -name sqs-trigger -exec cp {} "$context/$platform/sqs-trigger" \;
  rm -rf "$unpacked"
  [[ -f "$context/$platform/sqs-trigger" ]] || { echo "no sqs-trigger in $archive" >&2; exit 1; }
  chmod 0755 "$context/$platform/sqs-trigger"
  echo "$platform: $(file -b "$context/$platform/sqs-trigger" | cut -d , -f 1-2)"
done
