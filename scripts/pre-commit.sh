#!/usr/bin/env bash
# The pre-commit hook (installed by `npm ci` through simple-git-hooks): the fast checks on the staged
# files only — format and lint. Type-check and tests run in `npm test`.
set -euo pipefail
mapfile -t staged < <(git diff --cached --name-only --diff-filter=ACMR)
[ ${#staged[@]} -eq 0 ] && exit 0
npx prettier --check --ignore-unknown "${staged[@]}"
mapfile -t code < <(printf '%s\n' "${staged[@]}" | grep -E '\.(ts|tsx|js)$' || true)
[ ${#code[@]} -eq 0 ] || npx eslint --no-warn-ignored "${code[@]}"
