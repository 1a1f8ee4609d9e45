#!/usr/bin/env bash
# Sets up what the tests need (each package's step in scripts/setup.d), builds, runs every test
# project of the solution, and prints one summary line: "Tests: N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."

for step in scripts/setup.d/*.sh; do
  [ -e "$step" ] || continue
  echo "== setup: $step"
  bash "$step"
done

results=artifacts/test-results
rm -rf "$results"
dotnet build LocalAI.Backends.sln -c Release -warnaserror --nologo -v quiet
set +e
dotnet test LocalAI.Backends.sln -c Release --no-build --nologo \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" \
  --blame-hang-timeout 5m
status=$?
set -e

python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for f in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(f).getroot().find("t:ResultSummary/t:Counters", ns)
    if c is None:
        continue
    passed += int(c.get("passed", 0))
    failed += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
    # Skipped tests are counted as total minus executed (notExecuted stays 0 for them).
    skipped += max(int(c.get("notExecuted", 0)), int(c.get("total", 0)) - int(c.get("executed", 0)))
print(f"Tests: {passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
