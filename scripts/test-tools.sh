#!/usr/bin/env bash
# Tools some tests drive besides the JDK: headless Chromium (the dashboard's browser tests) and
# PostgreSQL's binaries (the scale-out tests). Installed from Debian's packages when missing and
# running as root; otherwise says which tests will fail and how to install them.
need=()
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  need+=(chromium chromium-driver)
fi
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  need+=(postgresql)
fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test: installing ${need[*]} (Debian packages) for the browser and scale-out tests" >&2
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; } \
      || echo "test: could not install ${need[*]}; the tests that need them will fail" >&2
  else
    echo "test: ${need[*]} missing (apt-get install ${need[*]}); the dashboard browser tests and the PostgreSQL tests will fail" >&2
  fi
fi
