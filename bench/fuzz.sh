#!/usr/bin/env bash
# Fuzz every reader and extraction stage for a fixed wall-clock budget: atheris (coverage-guided
# byte mutation, libFuzzer) and Hypothesis (structured inputs), target by target, JOBS at a time.
#   bench/fuzz.sh [SECONDS] [JOBS]    budget in seconds (default 600) and parallel runs (default: cores)
# Installs atheris into .venv when missing (a manylinux wheel: no compiler needed); if it cannot be
# installed, Hypothesis alone gets the whole budget. Results go to bench/out/fuzz/: counts per target
# and engine (*.json), crashing inputs with their tracebacks (crashes/), libFuzzer logs (logs/), the
# corpus grown from the seeds (corpus/); the table at the end is bench/out/fuzz/report.txt.
# Exits 1 when any crash was found. See bench/fuzz_targets.py for the targets and what a crash is.
set -euo pipefail
cd "$(dirname "$0")/.."
budget=${1:-600}
jobs=${2:-$(nproc)}
out=bench/out/fuzz
py=.venv/bin/python
engines=(atheris hypothesis)
if ! $py -c "import atheris" 2>/dev/null; then
  echo "fuzz.sh: installing atheris into .venv" >&2
  if ! .venv/bin/pip install -q atheris >&2; then
    echo "fuzz.sh: atheris could not be installed; fuzzing with Hypothesis alone" >&2
    engines=(hypothesis)
  fi
fi
rm -rf "$out"
mkdir -p "$out"
start=$(date +%s)
echo "fuzz.sh: $budget s on $jobs cores, engines: ${engines[*]}; git $(git rev-parse --short HEAD 2>/dev/null || echo '?')" \
  | tee "$out/header.txt"
$py bench/fuzz_targets.py plan "$budget" "$jobs" "${engines[@]}" >"$out/plan.txt"
# One run per line: TARGET ENGINE SECONDS; xargs keeps JOBS of them going.
xargs -P "$jobs" -L 1 sh -c '"$0" bench/fuzz_targets.py run "$1" --engine "$2" --seconds "$3" --out "$4"' "$py" \
  < <(sed "s|\$| $out|" "$out/plan.txt")
echo "fuzz.sh: done in $(( $(date +%s) - start )) s" | tee -a "$out/header.txt"
status=0
$py bench/fuzz_targets.py report --out "$out" | tee "$out/report.txt" || status=$?
exit $status
