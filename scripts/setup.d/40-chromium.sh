#!/usr/bin/env bash
# Chromium for the web console's browser tests (tests/LocalAI.Samples.Web.Tests): Debian's own package, driven
# headless by Playwright for .NET, whose driver ships inside its NuGet package; no browser is downloaded.
# Idempotent: a no-op when /usr/bin/chromium is there.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  echo "chromium already installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "Installing chromium needs root: run 'apt-get update && apt-get install -y chromium' as root." >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends chromium >/dev/null
echo "chromium installed: $(/usr/bin/chromium --version)"
