#!/usr/bin/env bash
# make dist-check: what can be checked here of what a release ships (docs/release.md).
#
#  1. dist builds the x86_64 musl archive (cargo's dist profile, as the release workflow does)
#     and the global artifacts (shell and PowerShell installers, sha256.sum)
#  2. the binary in the archive is static, and its --version is Cargo.toml's
#  3. lint on the fixtures with it: the answers the test suite expects
#  4. dist's shell installer installs it from a local file:// release
#  5. actionlint (the workflows, and action.yml through the self-test's `uses: ./`), zizmor
#     (action.yml and the workflows), shellcheck (the scripts), hadolint (the Dockerfile)
#  6. release.yml is exactly dist's output plus tools/release-workflow.patch; dist plan accepts
#     the configuration
#  7. the action's steps in a harness with a fake runner (scripts/action-harness.py)
#  8. the container image, built and run, where podman (or a running docker) is present
#  9. every mention of the project's GitHub home is Cargo.toml's `repository`
#
# Every step runs; the summary at the end says PASS, FAIL or SKIP for each. Tools come from
# .venv-dist (tools/dist-requirements.txt), which make dist-check installs first.
set -uo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo" || exit 1
export PATH="$repo/.venv-dist/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"
export NO_COLOR=1
unset GITHUB_ACTIONS GITHUB_STEP_SUMMARY GITHUB_OUTPUT

target=x86_64-unknown-linux-musl
# dist writes its artifacts under the workspace's target/, whatever CARGO_TARGET_DIR says.
distrib="$repo/target/distrib"
work="$CARGO_TARGET_DIR/dist-check"
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)"
repository="$(sed -n 's/^repository = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)"
archive="$distrib/sqs-trigger-$target.tar.xz"
bin="$work/unpacked/sqs-trigger-$target/sqs-trigger"
release="$work/release"

results=()
failures=0

step() {
  local name="$1"
  shift
  echo
  echo "== $name"
  local start=$SECONDS
  if "$@"; then
    results+=("PASS  $name ($((SECONDS - start)) s)")
  else
    results+=("FAIL  $name ($((SECONDS - start)) s)")
    failures=$((failures + 1))
  fi
}

skip() {
  echo
  echo "== $1: skipped, $2"
  results+=("SKIP  $1: $2")
}

prerequisites() {
  local ok=0
  command -v musl-gcc >/dev/null || { echo "musl-gcc is missing: apt-get install musl-tools"; ok=1; }
  rustup target list --installed 2>/dev/null | grep -qx "$target" ||
    { echo "the $target target is missing: rustup target add $target"; ok=1; }
  for tool in dist actionlint zizmor shellcheck hadolint; do
    command -v "$tool" >/dev/null || { echo "$tool is missing: make dist-check installs .venv-dist"; ok=1; }
  done
  command -v file >/dev/null || { echo "file is missing: apt-get install file"; ok=1; }
  return $ok
}

build() {
  rm -rf "$distrib" "$work"
  mkdir -p "$work"
  local start=$SECONDS
  # As the release workflow does: each local build's manifest beside the archives, so that the
  # global build knows their checksums and writes them into the installers.
  nice -n 10 dist build --artifacts=local --target "$target" --output-format=json >"$work/local-manifest.json" || return 1
  echo "dist build --artifacts=local: $((SECONDS - start)) s"
  cp "$work/local-manifest.json" "$distrib/$target-dist-manifest.json"
  dist build --artifacts=global --output-format=json >"$work/global-manifest.json" || return 1
  ls -l "$distrib"
  (cd "$distrib" && sha256sum -c "sqs-trigger-$target.tar.xz.sha256") || return 1
  local sum
  sum="$(cut -d ' ' -f 1 "$archive.sha256")"
  grep -q "$sum" "$distrib/sqs-trigger-installer.sh" ||
    { echo "the shell installer does not carry the archive's sha256"; return 1; }
  echo "the shell installer carries the archive's sha256 ($sum)"
  mkdir -p "$work/unpacked"
  tar -xf "$archive" -C "$work/unpacked" || return 1
  echo "archive contents:"
  tar -tf "$archive" | sed 's/^/  /'
  for file in sqs-trigger README.md LICENSE-MIT LICENSE-APACHE sqs-trigger.1 completions/sqs-trigger.bash \
    completions/_sqs-trigger completions/sqs-trigger.fish completions/_sqs-trigger.ps1 completions/sqs-trigger.elv; do
    [[ -e "$work/unpacked/sqs-trigger-$target/$file" ]] || { echo "the archive has no $file"; return 1; }
  done
}

static_binary() {
  local described linkage
  described="$(file -b "$bin")"
  echo "file: $described"
  linkage="$(ldd "$bin" 2>&1)"
  echo "ldd: $linkage"
  [[ "$described" == *"static"* ]] || { echo "file does not say static"; return 1; }
  [[ "$described" != *"interpreter"* ]] || { echo "the binary names a dynamic loader"; return 1; }
  [[ "$linkage" == *"not a dynamic executable"* || "$linkage" == *"statically linked"* ]] ||
    { echo "ldd lists shared libraries"; return 1; }
  echo "size: $(stat -c %s "$bin") bytes"
}

version_check() {
  local printed
  printed="$("$bin" --version)" || return 1
  echo "$printed"
  [[ "$printed" == "sqs-trigger $version" ]]
}

# lint with the static binary: exit codes and findings the test suite also expects.
lint_fixtures() {
  local fixtures=tests/fixtures/lint out code ok=0
  expect() { # expect CODE PATTERN FILE...
    local want="$1" pattern="$2"
    shift 2
    out="$("$bin" lint "$@" 2>&1)"
    code=$?
    if [[ $code -eq $want && "$out" == *"$pattern"* ]]; then
      echo "ok   lint $* -> exit $code"
    else
      echo "FAIL lint $* -> exit $code (expected $want and '$pattern')"
      printf '     %s\n' "${out//$'\n'/$'\n'     }"
      ok=1
    fi
  }
  expect 0 "0 errors" "$fixtures/healthy.yaml"
  expect 1 "batch-window-required" "$fixtures/visibility-batch.yaml"
  expect 1 "visibility-timeout-below-function-timeout" "$fixtures/visibility-batch.yaml"
  expect 2 "malformed.yaml:" "$fixtures/malformed.yaml"
  local sarif="$work/lint.sarif"
  "$bin" lint "$fixtures/visibility-batch.yaml" --report "sarif=$sarif" >/dev/null 2>&1
  if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["version"]=="2.1.0" and d["runs"][0]["results"]' "$sarif"; then
    echo "ok   lint --report sarif writes SARIF 2.1.0 with results"
  else
    echo "FAIL lint --report sarif"
    ok=1
  fi
  # every fixture: a verdict (0, 1 or 2), never a crash
  for path in "$fixtures"/*; do
    "$bin" lint "$path" >/dev/null 2>&1
    code=$?
    [[ $code -le 2 ]] || { echo "FAIL lint $path -> exit $code"; ok=1; }
  done
  echo "every fixture of $fixtures: exit 0, 1 or 2"
  return $ok
}

# A local release in GitHub's layout: download/vX.Y.Z/FILES and latest/download/FILES.
lay_out_release() {
  rm -rf "$release"
  mkdir -p "$release/download/v$version" "$release/latest"
  cp "$distrib"/*.tar.xz "$distrib"/*.sha256 "$distrib"/*installer* "$distrib"/sha256.sum "$release/download/v$version/" || return 1
  ln -s "../download/v$version" "$release/latest/download"
}

installer() {
  lay_out_release || return 1
  local home="$work/installer-home" dir="$work/installer-dir"
  rm -rf "$home" "$dir"
  mkdir -p "$home"
  env -i PATH="/usr/bin:/bin" HOME="$home" \
    INSTALLER_DOWNLOAD_URL="file://$release/download/v$version" \
    SQS_TRIGGER_INSTALL_DIR="$dir" SQS_TRIGGER_NO_MODIFY_PATH=1 \
    sh "$distrib/sqs-trigger-installer.sh" || return 1
  local installed
  installed="$(find "$dir" -type f -name sqs-trigger | head -n 1)"
  [[ -n "$installed" ]] || { echo "nothing installed under $dir"; return 1; }
  echo "installed: $installed"
  "$installed" --version || return 1
  cmp "$installed" "$bin" && echo "the installed binary is the archive's"
}

workflows_lint() {
  local ok=0
  echo "-- actionlint $(actionlint -version | head -n 1) (action.yml through the self-test's uses: ./)"
  actionlint .github/workflows/*.yml || ok=1
  echo "-- zizmor: $(zizmor --version)"
  zizmor --offline action.yml .github/workflows/ || ok=1
  return $ok
}

shell_lint() {
  echo "-- $(shellcheck --version | sed -n 2p)"
  shellcheck scripts/*.sh scripts/action/*.sh .ci/run && echo "shellcheck: no finding"
}

docker_lint() {
  echo "-- hadolint: $(hadolint --version)"
  hadolint Dockerfile && echo "hadolint: no finding"
}

release_workflow() {
  scripts/release-workflow.sh --check || return 1
  dist plan --output-format=json >"$work/plan.json" || return 1
  python3 - "$work/plan.json" <<'EOF'
import json, sys
plan = json.load(open(sys.argv[1]))
artifacts = set(plan["artifacts"])
want = {f"sqs-trigger-{t}{'.zip' if 'windows' in t else '.tar.xz'}" for t in [
    "x86_64-unknown-linux-musl", "aarch64-unknown-linux-musl", "x86_64-apple-darwin",
    "aarch64-apple-darwin", "x86_64-pc-windows-msvc"]}
want |= {a + ".sha256" for a in want}
want |= {"sqs-trigger-installer.sh", "sqs-trigger-installer.ps1", "sha256.sum"}
missing = sorted(want - artifacts)
print(f"dist plan: {len(artifacts)} artifacts" + (f", missing {missing}" if missing else ", every archive, checksum and installer"))
sys.exit(1 if missing else 0)
EOF
}

action_harness() {
  .venv-dist/bin/python scripts/action-harness.py --release-dir "$release" --version "$version"
}

container() {
  local engine="$1" image=localhost/sqs-trigger:dist-check context="$work/container"
  scripts/container-context.sh "$context" "$archive" || return 1
  "$engine" build --quiet --platform linux/amd64 --build-arg TARGETPLATFORM=linux/amd64 \
    --build-arg VERSION="$version" --build-arg SOURCE="$repository" \
    -f Dockerfile -t "$image" "$context" || return 1
  local user printed ok=0
  user="$("$engine" image inspect --format '{{.Config.User}}' "$image")"
  echo "image: $("$engine" image inspect --format '{{.Size}}' "$image") bytes, user $user"
  [[ "$user" == 65532:65532 ]] || { echo "the image does not run as 65532"; ok=1; }
  # Limits the container may set inside a sandbox that forbids raising them; and where crun
  # cannot run (cgroups v1/hybrid hosts), podman's runc.
  local -a run=("$engine" run --rm --network none --ulimit nofile=4096:4096 --ulimit nproc=4096:4096)
  if ! "${run[@]}" "$image" --version >/dev/null 2>&1; then
    if [[ "$engine" == podman ]] && command -v runc >/dev/null 2>&1; then
      run=(podman --runtime runc "${run[@]:1}")
      echo "the default runtime cannot run containers here: podman --runtime runc"
    fi
  fi
  printed="$("${run[@]}" "$image" --version)" || return 1
  echo "run --version: $printed"
  [[ "$printed" == "sqs-trigger $version" ]] || ok=1
  "${run[@]}" -v "$repo/tests/fixtures/lint:/work:ro" "$image" lint healthy.yaml || ok=1
  local code
  "${run[@]}" -v "$repo/tests/fixtures/lint:/work:ro" "$image" lint visibility-batch.yaml >/dev/null
  code=$?
  if [[ $code -eq 1 ]]; then
    echo "run lint visibility-batch.yaml: exit 1, as expected"
  else
    echo "lint visibility-batch.yaml in the image: exit $code, expected 1"
    ok=1
  fi
  if "${run[@]}" --entrypoint /bin/sh "$image" -c true >/dev/null 2>&1; then
    echo "the image has a shell"
    ok=1
  else
    echo "no shell in the image, as intended"
  fi
  return $ok
}

# (github.com/YOUR-ORG/sqs-trigger, the SARIF helpUri placeholder in src/report/sarif.rs that
# SQS_TRIGGER_DOCS_URL overrides, is not a home: see docs/release.md.)
one_home() {
  local others
  others="$(git ls-files -z | xargs -0 grep -IhoE 'github\.com/[A-Za-z0-9_.-]+/sqs-trigger\b' 2>/dev/null |
    sort -u | grep -vxF "${repository#https://}" | grep -vxF github.com/YOUR-ORG/sqs-trigger || true)"
  if [[ -n "$others" ]]; then
    echo "these name another home than Cargo.toml's repository ($repository):"
    echo "$others"
    return 1
  fi
  echo "every mention is $repository"
}

step "prerequisites (README: Install from source / make dist-check)" prerequisites || true
if [[ $failures -gt 0 ]]; then
  echo "dist-check: prerequisites missing, nothing else run"
  exit 1
fi
step "dist build: $target archive, installers, checksums" build
if [[ -f "$bin" ]]; then
  step "static binary (file, ldd)" static_binary
  step "--version of the static binary" version_check
  step "lint on the fixtures with the static binary" lint_fixtures
  step "shell installer from a local file:// release" installer
else
  skip "the static binary's checks" "the build failed"
fi
step "actionlint and zizmor: action.yml and every workflow" workflows_lint
step "shellcheck: the scripts" shell_lint
step "hadolint: Dockerfile" docker_lint
step "release.yml = dist generate + tools/release-workflow.patch; dist plan" release_workflow
if [[ -d "$release/download" ]]; then
  step "the action's steps in the harness (fake GITHUB_OUTPUT, GITHUB_STEP_SUMMARY)" action_harness
else
  skip "the action harness" "no local release"
fi
if [[ ! -f "$bin" ]]; then
  skip "container image" "no static binary"
elif command -v podman >/dev/null 2>&1; then
  step "container image (podman): build, --version, lint" container podman
elif command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
  step "container image (docker): build, --version, lint" container docker
else
  skip "container image" "no container engine (apt-get install podman)"
fi
step "one GitHub home: Cargo.toml's repository everywhere" one_home

echo
echo "dist-check summary"
printf '  %s\n' "${results[@]}"
passed="$(printf '%s\n' "${results[@]}" | grep -c '^PASS' || true)"
skipped="$(printf '%s\n' "${results[@]}" | grep -c '^SKIP' || true)"
echo "dist-check: $passed steps passed, $failures failed, $skipped skipped"
[[ $failures -eq 0 ]]
