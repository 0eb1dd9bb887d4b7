#!/usr/bin/env bash
# Runs the JMH benchmarks of the caller check (src/bench) and prints one table: ops/s ± error, ratio to the floor
# (RSA verification alone) and bytes allocated per op. Not part of `mvn verify`; builds with the Maven profile bench.
#   scripts/bench.sh [--rounds N] [jmh options] [benchmark regexp]
#   e.g. scripts/bench.sh                              all benchmarks, defaults below (about 8 minutes)
#        scripts/bench.sh -i 10 -r 5s 'guard|floor'    longer measurement of some benchmarks
#        scripts/bench.sh --rounds 5 'floor$|guardFresh|peerJavaJwt'
#                                                      five rounds of one fork each, one after another: the table
#                                                      holds the median of the rounds, and each goal's ratio is
#                                                      taken within a round, so that a noisy minute on a shared
#                                                      machine hits floor and candidate alike
#        scripts/bench.sh --paired [pairs] [slice-ms]  the goals that compare two benchmarks (fresh vs floor and
#                                                      java-jwt, refusals vs fresh) side by side in one JVM
#                                                      (PairedRatios, not JMH): palindromes of 250 ms slices,
#                                                      60 by default (about 3.5 minutes)
#        scripts/bench.sh -h                           JMH's options
# Defaults, each replaced when the same option is given: -f 2 (-f 1 with --rounds) -wi 3 -w 2s -i 5 -r 3s -t 1
# -prof gc -rf json -rff target/bench/results.json (results-<round>.json with --rounds).
# Results: the JSON file(s) and target/bench/table.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v java >/dev/null || { echo "bench.sh: java is not on the PATH (Java 17 is needed)" >&2; exit 1; }
command -v mvn >/dev/null || { echo "bench.sh: mvn is not on the PATH (Maven 3.8+ is needed)" >&2; exit 1; }

out=target/bench
mkdir -p "$out"

# Whether the caller passed JMH option $1 (as "-x value" or "-x=value").
given() {
  local arg
  for arg in "${jmh_args[@]+"${jmh_args[@]}"}"; do
    [[ "$arg" == "$1" || "$arg" == "$1="* ]] && return 0
  done
  return 1
}

rounds=1
paired=false
paired_args=()
jmh_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --paired)
      paired=true
      shift
      while [ $# -gt 0 ] && [[ "$1" =~ ^[0-9]+$ ]]; do
        paired_args+=("$1")
        shift
      done
      if [ $# -gt 0 ] || [ ${#paired_args[@]} -gt 2 ]; then
        echo "bench.sh: --paired takes at most two numbers (pairs, slice milliseconds) and nothing else" >&2
        exit 2
      fi
      ;;
    --rounds)
      [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || { echo "bench.sh: --rounds needs a positive integer" >&2; exit 2; }
      rounds=$2
      shift 2
      ;;
    *)
      jmh_args+=("$1")
      shift
      ;;
  esac
done
if [ "$paired" = true ] && { [ "$rounds" -ne 1 ] || [ ${#jmh_args[@]} -gt 0 ]; }; then
  echo "bench.sh: --paired runs on its own (no --rounds, JMH options or benchmark regexp)" >&2
  exit 2
fi
results="$out/results.json"
format=json
for ((i = 0; i < ${#jmh_args[@]}; i++)); do
  case "${jmh_args[i]}" in
    -rf) format="${jmh_args[i + 1]:-$format}" ;;
    -rf=*) format="${jmh_args[i]#-rf=}" ;;
    -rff) results="${jmh_args[i + 1]:-$results}" ;;
    -rff=*) results="${jmh_args[i]#-rff=}" ;;
  esac
done

defaults=()
add_default() {
  given "$1" || defaults+=("$@")
}
if [ "$rounds" -gt 1 ]; then
  add_default -f 1
else
  add_default -f 2
fi
add_default -wi 3
add_default -w 2s
add_default -i 5
add_default -r 3s
add_default -t 1
add_default -prof gc
add_default -rf json
if [ "$rounds" -gt 1 ] && given -rff; then
  echo "bench.sh: --rounds names its own result files (results-<round>.json); leave out -rff" >&2
  exit 2
fi

echo "Building the benchmarks (mvn -Pbench test-compile)..." >&2
mvn -q -B -Pbench -DskipTests test-compile
mvn -q -B -Pbench dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$out/classpath.txt"
classpath="target/test-classes:target/classes:$(cat "$out/classpath.txt")"

echo "Machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
if [ "$paired" = true ]; then
  java -cp "$classpath" dev.callerguard.bench.PairedRatios "${paired_args[@]+"${paired_args[@]}"}" | tee "$out/paired.txt"
  exit 0
fi
files=()
for ((round = 1; round <= rounds; round++)); do
  file=$results
  if [ "$rounds" -gt 1 ]; then
    file="${results%.json}-$round.json"
    echo "Round $round of $rounds" >&2
  fi
  rm -f "$file"
  rff=()
  given -rff || rff=(-rff "$file")
  java -cp "$classpath" org.openjdk.jmh.Main "${defaults[@]+"${defaults[@]}"}" "${rff[@]+"${rff[@]}"}" \
    "${jmh_args[@]+"${jmh_args[@]}"}"
  files+=("$file")
done

# -l, -h and the like run nothing and write no results; the table reads JSON only.
if [ -s "${files[0]}" ] && [ "${format,,}" = json ]; then
  echo
  java -cp "$classpath" dev.callerguard.bench.BenchTable "${files[@]}" | tee "$out/table.txt"
  echo "Raw results: ${files[*]}"
fi
