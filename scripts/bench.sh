#!/usr/bin/env bash
# Runs the JMH benchmarks of the caller check (benchmarks/) and prints one table: ops/s ± error, ratio to the JDK floor
# (the JDK's RSA verification alone) and bytes allocated per op, next to the native provider's floor, java-jwt and
# Nimbus on either RSA, and OpenSSL's RSA-2048 verify rate on this machine (`openssl speed`, run before each round
# and before --paired) as the physical reference; then the goals, each "yes" or "NO". The head of the table names
# the machine, its load average, the JVM and the providers' versions. Not part of `mvn verify`; builds with the
# Maven profile bench.
#   scripts/bench.sh [--no-openssl] [--rounds N] [jmh options] [benchmark regexp]
#   e.g. scripts/bench.sh                              all benchmarks, defaults below (about 11 minutes)
#        scripts/bench.sh -i 10 -r 5s 'guard|floor'    longer measurement of some benchmarks
#        scripts/bench.sh --rounds 5 'floor$|guardFresh|Native$'
#                                                      five rounds of one fork each, one after another: the table
#                                                      holds the median of the rounds, and each goal's ratio is
#                                                      taken within a round, so that a noisy minute on a shared
#                                                      machine hits floor and candidate alike
#        scripts/bench.sh --paired [pairs] [slice-ms]  the goals that compare two benchmarks (fresh vs JDK floor,
#                                                      vs the native peers and vs OpenSSL's rate, forged refusal
#                                                      vs fresh, repeated vs JDK floor) side by side in one JVM
#                                                      with the native provider installed first (PairedRatios,
#                                                      not JMH): palindromes of 250 ms slices, 60 by default
#                                                      (about 5 minutes)
#        scripts/bench.sh --no-openssl -f 1 FreshTokenParts
#                                                      where a fresh token's time goes, step by step (each step of
#                                                      the check alone; not in the default run)
#        scripts/bench.sh --no-openssl ...             leaves OpenSSL out: its goal reads "not measured"
#        scripts/bench.sh -h                           JMH's options
# Defaults, each replaced when the same option is given: -f 2 (-f 1 with --rounds) -wi 3 -w 2s -i 5 -r 3s -t 1
# -prof gc -rf json -rff target/bench/results.json (results-<round>.json with --rounds).
# Results: the JSON file(s) and target/bench/table.txt (target/bench/paired.txt with --paired).
set -euo pipefail
cd "$(dirname "$0")/.."

command -v java >/dev/null || { echo "bench.sh: java is not on the PATH (Java 17 is needed)" >&2; exit 1; }
command -v mvn >/dev/null || { echo "bench.sh: mvn is not on the PATH (Maven 3.8+ is needed)" >&2; exit 1; }

# -elapsed: JMH measures wall-clock time, and without it openssl divides by its CPU user time, which on a shared VM
# leaves out the time the process waited for a core. -mr: the "+F2:<k>:<bits>:<sign/s>:<verify/s>" line to parse.
openssl_command=(openssl speed -elapsed -seconds 2 -mr rsa2048)

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
openssl=true
paired_args=()
jmh_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --paired)
      paired=true
      shift
      while [ $# -gt 0 ] && { [[ "$1" =~ ^[0-9]+$ ]] || [ "$1" = --no-openssl ]; }; do
        if [ "$1" = --no-openssl ]; then
          openssl=false
        else
          paired_args+=("$1")
        fi
        shift
      done
      if [ $# -gt 0 ] || [ ${#paired_args[@]} -gt 2 ]; then
        echo "bench.sh: --paired takes at most two numbers (pairs, slice milliseconds) and --no-openssl" >&2
        exit 2
      fi
      ;;
    --no-openssl)
      openssl=false
      shift
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
# The parts of a fresh token's check (FreshTokenPartsBenchmark) run only when a benchmark regexp names them.
parts_named=false
for arg in "${jmh_args[@]+"${jmh_args[@]}"}"; do
  [[ "$arg" == *FreshTokenParts* ]] && parts_named=true
done
[ "$parts_named" = true ] || defaults+=(-e FreshTokenParts)
if [ "$rounds" -gt 1 ] && given -rff; then
  echo "bench.sh: --rounds names its own result files (results-<round>.json); leave out -rff" >&2
  exit 2
fi

# JMH options that list or explain and run nothing need no reference rate.
for option in -h -l -lp -lprof -lrf; do
  given "$option" && openssl=false
done
if [ "$openssl" = true ] && ! command -v openssl >/dev/null; then
  echo "bench.sh: openssl is not on the PATH; it measures the reference RSA rate (Debian/Ubuntu: sudo apt-get install" \
    "openssl). Or leave the reference out with --no-openssl." >&2
  exit 1
fi

# OpenSSL's RSA-2048 verifications per second on this machine, now.
openssl_verify_rate() {
  local output line verify
  if ! output=$("${openssl_command[@]}" 2>"$out/openssl.err"); then
    echo "bench.sh: ${openssl_command[*]} failed:" >&2
    cat "$out/openssl.err" >&2
    return 1
  fi
  line=$(grep -m1 '^+F2:[0-9]*:2048:' <<<"$output") || {
    echo "bench.sh: no '+F2:...:2048:' line in the output of ${openssl_command[*]}:" >&2
    printf '%s\n' "$output" >&2
    return 1
  }
  IFS=: read -r _ _ _ _ verify <<<"$line"
  [[ "$verify" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "bench.sh: cannot read the verify rate in '$line'" >&2; return 1; }
  echo "OpenSSL reference: ${openssl_command[*]} → RSA-2048 verify $(printf '%.0f' "$verify")/s" >&2
  printf '%s\n' "$verify"
}

load_average() {
  cut -d' ' -f1-3 /proc/loadavg
}

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
machine="machine: $(nproc) cores, ${cpu:-CPU model not in /proc/cpuinfo}"
if [ "$openssl" = true ]; then
  reference="openssl: $(openssl version); \`${openssl_command[*]}\` before each round, RSA-2048 verify/s:"
else
  reference="openssl: not run (--no-openssl)"
fi

echo "Building the benchmarks (mvn -Pbench package of benchmarks/ and what it needs)..." >&2
mvn -q -B -Pbench -DskipTests -pl benchmarks -am package dependency:build-classpath -Dmdep.includeScope=runtime \
  -Dmdep.outputFile=target/runtime-classpath.txt
classpath="benchmarks/target/classes:$(cat benchmarks/target/runtime-classpath.txt)"

load_before=$(load_average)
if [ "$paired" = true ]; then
  rate_args=()
  if [ "$openssl" = true ]; then
    rate=$(openssl_verify_rate)
    reference="${reference/before each round/before the pairs} $(printf '%.0f' "$rate")"
    rate_args=(--openssl "$rate")
  fi
  {
    echo "$machine; load average $load_before at the start"
    echo "$reference"
    java -cp "$classpath" dev.callerguard.bench.PairedRatios "${rate_args[@]+"${rate_args[@]}"}" \
      "${paired_args[@]+"${paired_args[@]}"}"
    echo "load average at the end: $(load_average)"
  } | tee "$out/paired.txt"
  exit 0
fi
files=()
table_args=()
for ((round = 1; round <= rounds; round++)); do
  file=$results
  if [ "$rounds" -gt 1 ]; then
    file="${results%.json}-$round.json"
    echo "Round $round of $rounds" >&2
  fi
  if [ "$openssl" = true ]; then
    rate=$(openssl_verify_rate)
    reference="$reference $(printf '%.0f' "$rate")"
    table_args+=(--openssl "$rate")
  fi
  rm -f "$file"
  rff=()
  given -rff || rff=(-rff "$file")
  java -cp "$classpath" org.openjdk.jmh.Main "${defaults[@]+"${defaults[@]}"}" "${rff[@]+"${rff[@]}"}" \
    "${jmh_args[@]+"${jmh_args[@]}"}"
  files+=("$file")
  table_args+=("$file")
done

# -l, -h and the like run nothing and write no results; the table reads JSON only.
if [ -s "${files[0]}" ] && [ "${format,,}" = json ]; then
  echo
  {
    echo "$machine; load average $load_before at the start, $(load_average) at the end"
    echo "$reference"
    java -cp "$classpath" dev.callerguard.bench.BenchTable "${table_args[@]}"
  } | tee "$out/table.txt"
  echo "Raw results: ${files[*]}"
fi
