"""bandit finds nothing in the platform's code (what `make security` runs)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BANDIT = Path(sys.executable).with_name("bandit")


def test_bandit_reports_no_issues():
    result = subprocess.run(
        [str(BANDIT), "-q", "-c", "pyproject.toml", "-r", ".", "-f", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    report = json.loads(result.stdout)
    findings = [
        f"{issue['filename']}:{issue['line_number']} {issue['test_id']} {issue['issue_text']}"
        for issue in report["results"]
    ]
    assert findings == [], "\n".join(findings)
    assert not report["errors"], report["errors"]
    assert result.returncode == 0, result.stderr
    # The whole platform was looked at, not an empty selection.
    scanned = report["metrics"]["_totals"]["loc"]
    assert scanned > 10_000
    assert not any("/tests/" in name or ".venv" in name for name in report["metrics"])
