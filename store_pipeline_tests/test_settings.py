"""Settings: read from the environment, never written to it; the chain's own clock."""

import os

from store_pipeline.lib.settings import load_settings


def test_yesterday_is_on_the_chains_clock(monkeypatch):
    # UTC+14 and UTC-11 are 25 hours apart: their dates differ at every instant.
    monkeypatch.setenv("STORE_PIPELINE_TIMEZONE", "Pacific/Kiritimati")
    east = load_settings()
    monkeypatch.setenv("STORE_PIPELINE_TIMEZONE", "Pacific/Pago_Pago")
    west = load_settings()
    assert east.yesterday() > west.yesterday()


def test_loading_settings_leaves_the_environment_alone(monkeypatch, tmp_path):
    monkeypatch.setenv("STORE_PIPELINE_HOME", str(tmp_path))
    before = dict(os.environ)
    settings = load_settings()
    assert dict(os.environ) == before
    assert settings.exports == tmp_path / "exports" and settings.dbt == tmp_path / "dbt"
