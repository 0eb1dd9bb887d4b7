# shellcheck shell=bash
# Shared by the local-run scripts: builds the dev kit (and the sample app, when it is what they serve) when the
# sources changed since the last build, and computes the dev kit's class path (its classes and runtime
# dependencies: no test code, no test libraries). Sourced, not run.

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
local_run_dir="$root/target/local-run"
devkit_dir="$root/callerguard-devkit"
classpath_file="$devkit_dir/target/runtime-classpath.txt"
# The sample app as `mvn package` stages it: what the local run serves unless --app names another app.
sample_app_dir="$root/sample-app/target/azure-functions/callerguard"
sample_settings="$root/sample-app/local.settings.json"

die() {
  echo "$(basename "$0"): $*" >&2
  exit 1
}

# Builds what is missing or older than its sources: the dev kit (with the library), and with "sample" as $1 the
# sample app too. The dev kit's class path file is written by its own build (mvn package), so a build of the whole
# project (mvn verify) leaves nothing to do here.
ensure_built() {
  command -v java >/dev/null || die "java is not on the PATH (Java 17 is needed)"
  command -v mvn >/dev/null || die "mvn is not on the PATH (Maven 3.8+ is needed)"
  local modules=() stamp="$local_run_dir/sample.stamp"
  if [ ! -s "$classpath_file" ] || [ -n "$(find "$root/callerguard/src/main" "$root/callerguard-devkit/src/main" \
    "$root/pom.xml" "$root/callerguard/pom.xml" "$root/callerguard-devkit/pom.xml" -type f -newer "$classpath_file" \
    2>/dev/null | head -n 1)" ]; then
    modules+=(callerguard-devkit)
  fi
  if [ "${1:-}" = sample ] && { [ ! -f "$stamp" ] || [ ! -f "$sample_app_dir/host.json" ] || [ -n "$(find \
    "$root/sample-app/src/main" "$root/sample-app/pom.xml" "$root/sample-app/host.json" "$root/callerguard/src/main" \
    "$root/pom.xml" "$root/callerguard/pom.xml" -type f -newer "$stamp" 2>/dev/null | head -n 1)" ]; }; then
    modules+=(sample-app)
  fi
  if [ ${#modules[@]} -gt 0 ]; then
    echo "Building CallerGuard (${modules[*]} and what they need; mvn package, tests skipped)..." >&2
    mkdir -p "$local_run_dir"
    (cd "$root" && mvn -q -B -DskipTests -pl "$(IFS=,; echo "${modules[*]}")" -am package) || die "the build failed"
    # Newer than the sources it was built from, also when the class path itself did not change.
    touch "$classpath_file"
    [ "${1:-}" = sample ] && touch "$stamp"
  fi
  return 0
}

# For the scripts that talk to a running local run: they never rebuild under it.
ensure_compiled() {
  command -v java >/dev/null || die "java is not on the PATH (Java 17 is needed)"
  if [ ! -s "$classpath_file" ] || [ ! -d "$devkit_dir/target/classes/dev/callerguard/local" ]; then
    die "CallerGuard is not built yet; start scripts/run-local.sh first (in another shell)"
  fi
}

# The dev kit's classes and its runtime dependencies (the library among them).
local_classpath() {
  echo "$devkit_dir/target/classes:$(cat "$classpath_file")"
}

# Sets app_args to the arguments with the value of each --app and --settings made absolute against the caller's
# folder (the scripts run the dev kit in the project root), and the sample app and its settings where none is given.
app_arguments() {
  local app="" settings="" emulator_only=false
  app_args=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --app|--settings)
        if [ $# -lt 2 ] || [ -z "$2" ]; then
          die "$1 needs a value"
        fi
        local parent value
        parent=$(cd "$(dirname "$2")" 2>/dev/null && pwd) || die "$1 $2: no such folder"
        value="$parent/$(basename "$2")"
        [ -e "$value" ] || die "$1 $2: not found"
        if [ "$1" = --app ]; then app=$value; else settings=$value; fi
        shift 2
        ;;
      --emulator-only)
        emulator_only=true
        app_args+=("$1")
        shift
        ;;
      *)
        app_args+=("$1")
        shift
        ;;
    esac
  done
  # shellcheck disable=SC2034 # read by the scripts that source this file
  serves_sample=$([ -z "$app" ] && [ "$emulator_only" = false ] && echo sample || echo devkit)
  app_args=(--app "${app:-$sample_app_dir}" --settings "${settings:-$sample_settings}" ${app_args[@]+"${app_args[@]}"})
}

load_session() {
  local session="$local_run_dir/session.env"
  [ -f "$session" ] || die "no local run found; start scripts/run-local.sh first (in another shell)"
  set -a
  # shellcheck disable=SC1090
  . "$session"
  set +a
}
