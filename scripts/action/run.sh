#!/usr/bin/env bash
# The run step of action.yml: run sqs-trigger with the command input split on whitespace (never
# evaluated by a shell), the GitHub report on and the report files asked for; record the exit
# code and the SARIF file as outputs, then exit with the command's code so a failed check fails
# the step.
#
# env: SQS_TRIGGER_BIN, SQS_TRIGGER_COMMAND, SQS_TRIGGER_FAIL_ON, SQS_TRIGGER_JUNIT,
# SQS_TRIGGER_SARIF, SQS_TRIGGER_JSON, GITHUB_OUTPUT.
set -euo pipefail

output="${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"
bin="${SQS_TRIGGER_BIN:?the install step did not run}"

usage_error() {
  echo "::error title=sqs-trigger::$1"
  echo "exit-code=2" >>"$output"
  echo "sarif-file=" >>"$output"
  exit 2
}

# read -a splits on IFS (blanks and newlines) and expands nothing: no globs, no $(...).
args=()
read -r -d '' -a args <<<"${SQS_TRIGGER_COMMAND:-}" || true
[[ ${#args[@]} -gt 0 ]] || usage_error "the command input is empty (e.g. 'doctor --queue orders --function worker')"

fail_on="${SQS_TRIGGER_FAIL_ON:-error}"
[[ "$fail_on" == error || "$fail_on" == warning ]] || usage_error "fail-on must be error or warning, not '$fail_on'"

reports=(--report github)
for kind in junit sarif json; do
  var="SQS_TRIGGER_${kind^^}"
  path="${!var:-}"
  if [[ -n "$path" ]]; then
    mkdir -p "$(dirname "$path")"
    reports+=(--report "$kind=$path")
  fi
done

set +e
"$bin" "${args[@]}" "${reports[@]}" --fail-on "$fail_on"
code=$?
set -e

echo "exit-code=$code" >>"$output"
if [[ -n "${SQS_TRIGGER_SARIF:-}" && -f "$SQS_TRIGGER_SARIF" ]]; then
  echo "sarif-file=$SQS_TRIGGER_SARIF" >>"$output"
else
  echo "sarif-file=" >>"$output"
fi
exit "$code"
