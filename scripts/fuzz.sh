#!/usr/bin/env bash
# Fuzzes one @FuzzTest with Jazzer for N minutes (JUnit fuzzing mode, one process, one core).
#   scripts/fuzz.sh [minutes] [TestClass#method]     default: 10 CallerCheckFuzzTest#bearerHeader
#   e.g. scripts/fuzz.sh 5 CallerCheckFuzzTest#principalHeader
# Without JAZZER_FUZZ, `mvn verify` only replays the committed seeds (callerguard/src/test/resources/<package>/<Class>Inputs/).
# Findings stay under target/fuzz/: the generated corpus in .cifuzz-corpus/<class>/<method>/, crashing inputs as
# crash-<sha1>. A crash is a bug: fix it, then move the file into the test's Inputs/<method>/ folder as a seed.
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=${1:-10}
target=${2:-CallerCheckFuzzTest#bearerHeader}
[[ "$minutes" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz.sh: minutes must be a positive integer, got '$minutes'" >&2; exit 2; }
[[ "$target" == *#* ]] || { echo "fuzz.sh: name one fuzz test as TestClass#method, got '$target'" >&2; exit 2; }

workdir="$PWD/target/fuzz"
mkdir -p "$workdir"
echo "Fuzzing $target for $minutes min; findings in $workdir"

# jazzer-junit 0.24 takes the duration only from @FuzzTest(maxDuration); libFuzzer arguments given as the JUnit
# configuration parameters jazzer.internal.arg.N (argument 0 is argv[0]) come after it, and the last one wins.
# jazzer.internal.basedir moves the generated corpus and the crash files from the project root to target/fuzz.
JAZZER_FUZZ=1 exec mvn -B test -pl callerguard \
  -Dtest="$target" \
  -Dsurefire.failIfNoSpecifiedTests=false \
  -DargLine="-XX:ActiveProcessorCount=1" \
  -Djazzer.internal.basedir="$workdir" \
  -Djazzer.internal.arg.0=fuzz \
  -Djazzer.internal.arg.1="-max_total_time=$((minutes * 60))"
