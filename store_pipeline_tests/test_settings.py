"""Settings: the chain's own clock, and the same folders as the data-home resource."""

from store_pipeline.lib.settings import load_settings


def test_yesterday_is_on_the_chains_clock(monkeypatch):
    # UTC+14 and UTC-11 are 25 hours apart: their dates differ at every instant.
    monkeypatch.setenv("STORE_PIPELINE_TIMEZONE", "Pacific/Kiritimati")
    east = load_settings()
    monkeypatch.setenv("STORE_PIPELINE_TIMEZONE", "Pacific/Pago_Pago")
    west = load_settings()
    assert east.yesterday() > west.yesterday()


def test_settings_and_the_data_home_resource_name_the_same_folders(monkeypatch, tmp_path):
    from store_pipeline.defs.resources.data_home import DataHome

    monkeypatch.setenv("STORE_PIPELINE_HOME", str(tmp_path))
    settings, resource = load_settings(), DataHome(home=str(tmp_path))
    for folder in ("landing", "exports", "reports", "dbt", "dagster_home", "warehouse_path"):
        assert getattr(settings, folder) == getattr(resource, folder)
    assert settings.exports == tmp_path / "exports"
