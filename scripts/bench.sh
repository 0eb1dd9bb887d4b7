#!/usr/bin/env bash
# Runs the JMH benchmarks of the caller check (src/bench) and prints one table: ops/s ± error, ratio to the floor
# (RSA verification alone) and bytes allocated per op. Not part of `mvn verify`; builds with the Maven profile bench.
#   scripts/bench.sh [jmh options] [benchmark regexp]
#   e.g. scripts/bench.sh                              all benchmarks, defaults below (about 8 minutes)
#        scripts/bench.sh -i 10 -r 5s 'guard|floor'    longer measurement of some benchmarks
#        scripts/bench.sh -h                           JMH's options
# Defaults, each replaced when the same option is given: -f 2 -wi 3 -w 2s -i 5 -r 3s -t 1 -prof gc
# -rf json -rff target/bench/results.json. Results: the JSON file and target/bench/table.txt.
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

jmh_args=("$@")
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
add_default -f 2
add_default -wi 3
add_default -w 2s
add_default -i 5
add_default -r 3s
add_default -t 1
add_default -prof gc
add_default -rf json
add_default -rff "$results"

echo "Building the benchmarks (mvn -Pbench test-compile)..." >&2
mvn -q -B -Pbench -DskipTests test-compile
mvn -q -B -Pbench dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$out/classpath.txt"
classpath="target/test-classes:target/classes:$(cat "$out/classpath.txt")"

rm -f "$results"
echo "Machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
java -cp "$classpath" org.openjdk.jmh.Main "${defaults[@]+"${defaults[@]}"}" "$@"

# -l, -h and the like run nothing and write no results; the table reads JSON only.
if [ -s "$results" ] && [ "${format,,}" = json ]; then
  echo
  java -cp "$classpath" dev.callerguard.bench.BenchTable "$results" | tee "$out/table.txt"
  echo "Raw results: $results"
fi
