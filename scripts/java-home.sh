# Sourced by ragstream's scripts: exports JAVA_HOME as a JDK >= 21, the one ragstream builds and runs with.
# Tries JAVA_HOME, then the Temurin JDK 25 these machines carry beside their default 17, then any JDK under /usr/lib/jvm.
ragstream_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}' | cut -d. -f1
}
ragstream_pick_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(ragstream_java_major "$candidate")
    if [ "${major:-0}" -ge 21 ] 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}
if ! JAVA_HOME=$(ragstream_pick_jdk); then
  echo "ragstream needs a JDK >= 21: install one (e.g. Temurin 21 or 25) and set JAVA_HOME" >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
