#!/usr/bin/env bash
# The test command of the README: builds every module and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/jdk.sh
source scripts/test-tools.sh
if [ ! -d ../shared ]; then
  echo "test: ../shared is missing beside the project root; tests that use its models and tokenizers will fail." >&2
fi
# -fae: a failing module does not stop the others from being built and tested; mvn still exits
# non-zero when any module failed.
exec mvn -B -ntp -fae verify "$@"
