"""axe-core in the browser tests: the serious and critical problems on a page.

axe is vendored (tests/e2e/vendor/axe-core) and injected as a script tag, which Sori's
CSP forbids on purpose: the page must come from a context made with ``bypass_csp=True``.
"""

from pathlib import Path

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")


def serious_problems(page) -> list[str]:
    """One line per element with a serious or critical violation: rule, impact, element."""
    page.add_script_tag(path=AXE)
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']} ({violation['impact']}): {node['target']}"
        for violation in results["violations"]
        if violation["impact"] in SERIOUS
        for node in violation["nodes"]
    ]
