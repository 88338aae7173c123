import pytest

pytestmark = pytest.mark.slow


def test_dashboard_runs_on_the_bundled_seeds():
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    app = Path(__file__).resolve().parent.parent / "app.py"
    at = AppTest.from_file(str(app), default_timeout=240).run()
    assert not at.exception
    metrics = {m.label: int(m.value) for m in at.metric}
    assert metrics["places"] >= 30 and metrics["unlocated places"] >= 5
    assert metrics["mentions"] >= metrics["places"]
