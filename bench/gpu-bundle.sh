#!/usr/bin/env bash
# Packs what bench/gpu-run.sh needs on a GPU machine that has neither a JDK nor Maven nor a network
# (the lent device machines): a jlinked JDK 25 runtime, the built modules and their test classes,
# every jar of the cuda module's test class path, JUnit's console launcher and the shared model the
# gpu-tagged tests train. Writes target/gpu/bundle.tar.xz (about 35 MB), carried to the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/jdk.sh
module=mka1-backend-cuda
shared=../shared
[ -d "$shared/models/stories260k" ] || { echo "gpu-bundle: $shared/models/stories260k not found" >&2; exit 1; }
console=org.junit.platform:junit-platform-console-standalone:1.14.1
mvn -B -ntp -q -pl "$module" -am package -DskipTests dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
mvn -B -ntp -q dependency:copy -Dartifact="$console" -DoutputDirectory=target/gpu-console -Dmdep.stripVersion=true
stage=target/gpu-stage
rm -rf "$stage" && mkdir -p "$stage/lib" "$stage/shared/models" target/gpu
jlink --add-modules java.base,java.logging,java.xml,java.management,jdk.unsupported,jdk.incubator.vector \
      --strip-debug --no-man-pages --no-header-files --output "$stage/jdk" 2>/dev/null
# The console launcher brings its own JUnit: the separate JUnit jars would be a second copy.
tr ':' '\n' <"$module/target/test-classpath.txt" | grep -v -e /org/junit/ -e /opentest4j/ -e /apiguardian/ \
  | while read -r jar; do cp "$jar" "$stage/lib/"; done
cp target/gpu-console/junit-platform-console-standalone.jar "$stage/console.jar"
cp -r "$module/target/classes" "$stage/classes"
cp -r "$module/target/test-classes" "$stage/test-classes"
cp -r "$shared/models/stories260k" "$stage/shared/models/"
tar -C "$stage" -cf - . | xz -T0 -6 >target/gpu/bundle.tar.xz
echo "gpu-bundle: target/gpu/bundle.tar.xz $(du -h target/gpu/bundle.tar.xz | cut -f1)"
