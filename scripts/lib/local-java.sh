# shellcheck shell=bash
# Shared by the local-run scripts: builds the app when its sources changed since the last build, and computes
# the class path of the local run (dev and test code plus dependencies). Sourced, not run.

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
local_run_dir="$root/target/local-run"
classpath_file="$local_run_dir/classpath.txt"

die() {
  echo "$(basename "$0"): $*" >&2
  exit 1
}

ensure_built() {
  command -v java >/dev/null || die "java is not on the PATH (Java 17 is needed)"
  command -v mvn >/dev/null || die "mvn is not on the PATH (Maven 3.8+ is needed)"
  local stamp="$local_run_dir/build.stamp" changed=""
  if [ -f "$stamp" ]; then
    changed=$(find "$root/src/main" "$root/src/local" "$root/pom.xml" "$root/host.json" -type f -newer "$stamp" \
      2>/dev/null | head -n 1)
  fi
  if [ ! -f "$stamp" ] || [ -n "$changed" ] || ! ls "$root"/target/azure-functions/*/host.json >/dev/null 2>&1; then
    echo "Building CallerGuard (mvn package, tests skipped)..." >&2
    mkdir -p "$local_run_dir"
    (cd "$root" && mvn -q -B -DskipTests package) || die "the build failed"
    (cd "$root" && mvn -q -B dependency:build-classpath -Dmdep.includeScope=test \
      -Dmdep.outputFile="$classpath_file") || die "cannot resolve the class path"
    touch "$stamp"
  fi
}

# For the scripts that talk to a running local run: they never rebuild under it.
ensure_compiled() {
  command -v java >/dev/null || die "java is not on the PATH (Java 17 is needed)"
  if [ ! -s "$classpath_file" ] || [ ! -d "$root/target/test-classes/dev/callerguard/local" ]; then
    die "CallerGuard is not built yet; start scripts/run-local.sh first (in another shell)"
  fi
}

local_classpath() {
  echo "$root/target/test-classes:$root/target/classes:$(cat "$classpath_file")"
}

load_session() {
  local session="$local_run_dir/session.env"
  [ -f "$session" ] || die "no local run found; start scripts/run-local.sh first (in another shell)"
  set -a
  # shellcheck disable=SC1090
  . "$session"
  set +a
}
