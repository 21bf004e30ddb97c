# Sourced by ./mka1 and .ci/run: exports JAVA_HOME pointing at a JDK 25 or newer, or exits 1.
mka1_java_major() { # prints the feature version of the java binary in $1/bin, or nothing
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1
}
mka1_find_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(mka1_java_major "$candidate")
    if [ -n "$major" ] && [ "${major%%.*}" -ge 25 ] 2>/dev/null; then
      export JAVA_HOME="$candidate"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "mka1: no JDK 25 found. Set JAVA_HOME to a JDK 25+ (tried \$JAVA_HOME='${JAVA_HOME:-}' and /usr/lib/jvm/temurin-25-jdk-amd64)." >&2
  exit 1
}
mka1_find_jdk
if ! command -v mvn >/dev/null 2>&1; then
  echo "mka1: Maven (mvn) not found on PATH; install Apache Maven 3.8+." >&2
  exit 1
fi
