#!/usr/bin/env bash
# Prints the path of a Python >= 3.13 (what LocalStack 2026.3.0 needs: it imports
# warnings.deprecated), or fails naming where it looked. Tried in order: $PYTHON313, python3.13
# and python3 on PATH, then pyenv's 3.13+ versions by full path (pyenv's shims need not be active).
set -euo pipefail
candidates=()
[ -n "${PYTHON313:-}" ] && candidates+=("$PYTHON313")
for name in python3.13 python3.14 python3; do
    path=$(command -v "$name" 2>/dev/null) && candidates+=("$path")
done
root=$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")
for path in "$root"/versions/3.1[3-9]*/bin/python3; do
    [ -x "$path" ] && candidates+=("$path")
done
for python in "${candidates[@]}"; do
    if "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 13) else 1)' 2>/dev/null; then
        echo "$python"
        exit 0
    fi
done
echo "no Python >= 3.13 found (LocalStack needs it): tried ${candidates[*]:-nothing}; install one (e.g. pyenv install 3.13) or set PYTHON313=/path/to/python3.13" >&2
exit 1
