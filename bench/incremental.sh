#!/usr/bin/env bash
# Issue 23's figures: what a change costs. For each size N of the quad fan-out workload, DataBuild beside Ninja,
# interleaved (fanout/interleave.py: every round runs both in a random order, so a shared machine's drift falls on
# both): one input edited, one input touched, the first no-op after a build, and a no-op; at the sizes given with
# --cold, cold builds. Wall time medians, peak RSS, load average before and after. Writes
# bench/results/<date>-incremental.md (-2, -3, ... when taken). Not part of the test run.
#
# Usage: bench/incremental.sh [--rounds R] [--cold "10000"] [--kinds "edit touch"] [--baseline EXE] N [N ...]
#   --rounds R     interleaved rounds per figure (default 7; cold builds: 3)
#   --cold "N..."  sizes whose cold build is timed and its peak RSS taken (default: 10000 when it is among the sizes)
#   --kinds "..."  which figures (default: cold edit touch after-build noop)
#   --baseline EXE another DataBuild program (e.g. an earlier engine's build/bin/publish/databuild) interleaved as a
#                  third tool in a workspace of its own, so that before and after are timed in the same minutes
#   --in-place     accepted for symmetry with run.sh: this script always measures this checkout's program (./build.sh first)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
rounds=7 cold="" sizes=() only="" baseline=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) rounds="$2"; shift ;;
    --cold) cold="$2"; shift ;;
    --kinds) only="$2"; shift ;;
    --baseline) baseline="$2"; shift ;;
    --in-place) ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "error: unknown option $1 (bench/incremental.sh --help lists them)" >&2; exit 2 ;;
    *) sizes+=("$1") ;;
  esac
  shift
done
[[ ${#sizes[@]} -gt 0 ]] || { echo "error: name the sizes to measure, e.g. bench/incremental.sh 1000 10000" >&2; exit 2; }
[[ -n "$cold" ]] || { [[ " ${sizes[*]} " == *" 10000 "* ]] && cold="10000"; }
command -v ninja > /dev/null || { echo "error: ninja is not installed (apt-get install ninja-build)" >&2; exit 1; }
exe="$repo/build/bin/publish/databuild"
[[ -x "$exe" ]] || { echo "error: no program at ${exe#$repo/}: run DATABUILD_COMPILE=startup ./build.sh --version first" >&2; exit 1; }
work="$(mktemp -d "${TMPDIR:-/tmp}/databuild-incremental.XXXXXX")"
trap '[[ -n "${BENCH_KEEP:-}" ]] && echo "kept $work" >&2 || rm -rf "$work"' EXIT
results="$work/results.jsonl"
: > "$results"
commit="$(git -C "$repo" rev-parse --short HEAD)$(git -C "$repo" diff --quiet HEAD -- targets build && echo "" || echo "+uncommitted")"
load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "{\"name\": \"load.start\", \"value\": \"$(load)\"}" >> "$results"

for n in "${sizes[@]}"; do
  echo "== $n quads" >&2
  tools=(databuild ninja); [[ -n "$baseline" ]] && tools+=(databuild-baseline)
  for tool in "${tools[@]}"; do
    dir="$work/q$n/$tool"
    mkdir -p "$dir"
    python3 "$here/fanout/workload.py" raw "$n" "$dir"
    [[ $tool == ninja ]] && python3 "$here/fanout/workload.py" ninja "$n" "$dir"
  done
  db="$exe FanoutAll --fanout-quads $n -j 2"
  # Each tool's preparation runs in its own directory; the build of the first no-op after a build is the tool's own.
  cat > "$work/prepare.sh" << EOF
#!/usr/bin/env bash
set -e
what="\$1"; tool="\$(basename "\$PWD")"
case "\$tool" in
  databuild) build="$db"; state=".databuild" ;;
  databuild-baseline) build="$baseline FanoutAll --fanout-quads $n -j 2"; state=".databuild" ;;
  *) build="ninja -j 2"; state=".ninja_log .ninja_deps" ;;
esac
case "\$what" in
  edit) date +%s%N > raw/q7 ;;
  touch) touch raw/q7 ;;
  after-build) date +%s%N > raw/q7; \$build > /dev/null; sleep 0.2 ;;
  cold) rm -rf features groups all.txt \$state ;;
  noop) ;;
esac
EOF
  chmod +x "$work/prepare.sh"
  kinds=(edit touch after-build noop)
  [[ " $cold " == *" $n "* ]] && kinds=(cold "${kinds[@]}")
  [[ -n "$only" ]] && read -r -a kinds <<< "$only"
  for kind in "${kinds[@]}"; do
    r=$rounds; [[ $kind == cold ]] && r=3
    third=(); [[ -n "$baseline" ]] && third=("databuild-baseline.$kind.$n=$work/q$n/databuild-baseline=$baseline FanoutAll --fanout-quads $n -j 2")
    echo "  $kind, $n quads, $r rounds (load $(load))" >&2
    # Two untimed warm-ups each: the first in a new workspace is its cold build, the second saves DataBuild's snapshot.
    python3 "$here/fanout/interleave.py" --rounds "$r" --warmup 2 --log "$work/$kind.$n.log" --prepare "$work/prepare.sh $kind" \
      "databuild.$kind.$n=$work/q$n/databuild=$db" "ninja.$kind.$n=$work/q$n/ninja=ninja -j 2" "${third[@]}" >> "$results" \
      || { echo "error: the $kind runs at $n quads failed; see the log:" >&2; tail -20 "$work/$kind.$n.log" >&2; exit 1; }
  done
  for tool in "${tools[@]}"; do
    python3 "$here/fanout/workload.py" check "$n" "$work/q$n/$tool" \
      || { echo "error: $tool's all.txt at $n quads is not the concatenation of raw/ in quad order" >&2; exit 1; }
  done
  if [[ -z "${BENCH_KEEP:-}" ]]; then rm -rf "$work/q$n"; fi
done
echo "{\"name\": \"load.end\", \"value\": \"$(load)\"}" >> "$results"

date="$(date -u +%Y-%m-%d)"
out="$repo/bench/results/$date-incremental.md"
for i in 2 3 4 5 6 7 8 9; do [[ -e "$out" ]] || break; out="$repo/bench/results/$date-incremental-$i.md"; done
python3 - "$results" "$commit" "$rounds" "$(nproc)" "$(ninja --version)" "$baseline" > "$out" << 'EOF'
import json, sys
path, commit, rounds, cores, ninja, baseline = sys.argv[1:7]
r = {}
for line in open(path):
    if line.strip():
        j = json.loads(line); r[j["name"]] = j
sizes = sorted({int(k.split(".")[2]) for k in r if k.count(".") == 2 and k.split(".")[2].isdigit()})
label = {"edit": "one input edited", "touch": "one input touched (mtime only)", "after-build": "first no-op after a build (one edit built)",
         "noop": "no-op", "cold": "cold build, -j 2"}
print(f"# What a change costs: DataBuild {commit} beside Ninja {ninja}\n")
print(f"`bench/incremental.sh`, {cores} cores, load average (1, 5, 15 min) {r['load.start']['value']} at the start and "
      f"{r['load.end']['value']} at the end. Interleaved: every round runs both tools in a random order, each after "
      f"its untimed preparation; medians of {rounds} rounds (cold builds: 3). Peak RSS: ru_maxrss of the tool and its children.\n")
if baseline:
    print(f"Baseline: `{baseline}`, interleaved in the same rounds in a workspace of its own.\n")
print("| measurement | DataBuild | Ninja | DataBuild / Ninja | CPU (DataBuild / Ninja) | DataBuild RSS | Ninja RSS |" + (" baseline | baseline / Ninja |" if baseline else ""))
print("|---|---|---|---|---|---|---|" + ("---|---|" if baseline else ""))
for kind in ("edit", "touch", "after-build", "noop", "cold"):
    for n in sizes:
        d, nj = r.get(f"databuild.{kind}.{n}"), r.get(f"ninja.{kind}.{n}")
        if not d or not nj or "wall" not in d or "wall" not in nj:
            continue
        b = r.get(f"databuild-baseline.{kind}.{n}")
        extra = f" {b['wall']:.3f} s | {b['wall'] / nj['wall']:.2f}x |" if b and "wall" in b else (" – | – |" if baseline else "")
        print(f"| {label[kind]}, {f'{n // 1000}k' if n % 1000 == 0 else n} quads | {d['wall']:.3f} s (min {d['min']:.3f}) | {nj['wall']:.3f} s (min {nj['min']:.3f}) | "
              f"**{d['wall'] / nj['wall']:.2f}x** | {d['cpu']:.3f} / {nj['cpu']:.3f} s | {d['rss_mb']:.0f} MB | {nj['rss_mb']:.0f} MB |" + extra)
EOF
cat "$out"
echo "Written to ${out#$repo/}" >&2
