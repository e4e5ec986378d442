#!/usr/bin/env bash
# The run step of the claimlint GitHub Action (action.yml at the repository
# root). It runs `claimlint check --format=github` (annotations on stdout;
# claimlint itself appends the findings table to $GITHUB_STEP_SUMMARY),
# adds the result to the step summary, optionally writes SARIF for code
# scanning, and sets the step outputs `exit-code` and `sarif`.
#
# Inputs arrive as environment variables (action.yml sets them):
#   INPUT_PATHS         files or folders, one per line (default: .)
#   INPUT_FAIL_ON       error | warning | info (default: the configuration's)
#   INPUT_CONFIG        a configuration file (--config)
#   INPUT_BASELINE      a baseline file (--baseline)
#   INPUT_CHANGED_ONLY  true: report only lines changed since INPUT_BASE
#   INPUT_BASE          the commit or ref to compare with (--since)
#   INPUT_SARIF         also write SARIF to this file
#   INPUT_ARGS          more claimlint arguments, one per line
#
# A line is one argument, spaces and all: nothing is word-split or globbed.
# Paths come after `--` and option values are attached with `=`, so no
# input is ever taken as an option. The exit status is claimlint's: 0 clean,
# 1 findings at or above fail-on, 2 an error (also when SARIF cannot be
# written).
#
# Backquotes in printf formats are Markdown code spans, not substitutions.
# shellcheck disable=SC2016
set -euo pipefail

claimlint=${CLAIMLINT:-claimlint}

# Appends the non-blank lines of $2, trimmed, to the array named $1.
read_lines() {
    local -n into=$1
    local line
    while IFS= read -r line || [[ -n $line ]]; do
        line=${line%$'\r'}
        line=${line#"${line%%[![:space:]]*}"}
        line=${line%"${line##*[![:space:]]}"}
        if [[ -n $line ]]; then
            into+=("$line")
        fi
    done <<<"$2"
}

# A trimmed single-line input.
one_line() {
    local value=$1
    value=${value#"${value%%[![:space:]]*}"}
    value=${value%"${value##*[![:space:]]}"}
    printf '%s' "$value"
}

error() {
    printf '::error title=claimlint::%s\n' "$1"
    if [[ -n ${GITHUB_STEP_SUMMARY:-} ]]; then
        printf '### claimlint\n\n%s\n' "$1" >>"$GITHUB_STEP_SUMMARY"
    fi
    if [[ -n ${GITHUB_OUTPUT:-} ]]; then
        printf 'exit-code=2\n' >>"$GITHUB_OUTPUT"
    fi
    exit 2
}

paths=()
read_lines paths "${INPUT_PATHS:-}"
if [[ ${#paths[@]} -eq 0 ]]; then
    paths=(.)
fi
extra=()
read_lines extra "${INPUT_ARGS:-}"

fail_on=$(one_line "${INPUT_FAIL_ON:-}")
config=$(one_line "${INPUT_CONFIG:-}")
baseline=$(one_line "${INPUT_BASELINE:-}")
sarif=$(one_line "${INPUT_SARIF:-}")
base=$(one_line "${INPUT_BASE:-}")

changed_only=$(one_line "${INPUT_CHANGED_ONLY:-false}")
case ${changed_only,,} in
    true | yes | 1) changed_only=true ;;
    false | no | 0 | "") changed_only=false ;;
    *) error "changed-only must be true or false, not \"$changed_only\"" ;;
esac

options=()
if [[ -n $fail_on ]]; then options+=("--fail-on=$fail_on"); fi
if [[ -n $config ]]; then options+=("--config=$config"); fi
if [[ -n $baseline ]]; then options+=("--baseline=$baseline"); fi

since=
if [[ $changed_only == true ]]; then
    if [[ -z $base || $base =~ ^0+$ ]]; then
        # A new branch's first push has no previous commit to compare with.
        printf '::notice title=claimlint::changed-only: no base commit to compare with (set `base`, or run on pull_request); every line is checked\n'
    else
        if [[ $base == -* ]]; then
            error "changed-only: \"$base\" is not a commit or ref"
        fi
        # A shallow checkout may not have the base commit: fetch it.
        if ! git rev-parse --verify --quiet "$base^{commit}" >/dev/null; then
            git fetch --no-tags --quiet origin "$base" ||
                error "changed-only: cannot fetch the base \"$base\" (check out with fetch-depth: 0)"
            if ! git rev-parse --verify --quiet "$base^{commit}" >/dev/null; then
                base=$(git rev-parse --verify --quiet FETCH_HEAD) ||
                    error "changed-only: the base \"$base\" is not a commit"
            fi
        fi
        since=$base
        options+=("--since=$since")
    fi
fi

log=$(mktemp)
trap 'rm -f -- "$log"' EXIT

set +e
"$claimlint" check --format=github "${options[@]}" "${extra[@]}" -- "${paths[@]}" >"$log"
status=$?
set -e
cat -- "$log"

sarif_status=0
if [[ -n $sarif && $status -ne 2 ]]; then
    mkdir -p -- "$(dirname -- "$sarif")"
    set +e
    "$claimlint" check --format=sarif --quiet "${options[@]}" "${extra[@]}" -- "${paths[@]}" >"$sarif"
    sarif_status=$?
    set -e
    if [[ $sarif_status -eq 2 ]]; then
        printf '::error title=claimlint::cannot write SARIF to %s\n' "$sarif"
    fi
fi

if [[ -n ${GITHUB_STEP_SUMMARY:-} ]]; then
    {
        threshold="the configured fail-on"
        if [[ -n $fail_on ]]; then threshold="\`$fail_on\`"; fi
        case $status in
            0) printf '\n**Passed**: no finding at or above %s.\n' "$threshold" ;;
            1) printf '\n**Failed**: findings at or above %s.\n' "$threshold" ;;
            *) printf '### claimlint\n\n**Error**: claimlint exited with status %s; the log says why.\n' "$status" ;;
        esac
        if [[ -n $since ]]; then
            printf '\nOnly lines added or changed since `%s` were checked.\n' "$since"
        fi
        if [[ -n $sarif && $status -ne 2 ]]; then
            if [[ $sarif_status -eq 2 ]]; then
                printf '\nSARIF could not be written to `%s`.\n' "$sarif"
            else
                printf '\nSARIF written to `%s`.\n' "$sarif"
            fi
        fi
    } >>"$GITHUB_STEP_SUMMARY"
fi

if [[ $sarif_status -eq 2 ]]; then
    status=2
fi
if [[ -n ${GITHUB_OUTPUT:-} ]]; then
    printf 'exit-code=%s\n' "$status" >>"$GITHUB_OUTPUT"
    printf 'sarif=%s\n' "$sarif" >>"$GITHUB_OUTPUT"
fi
exit "$status"
