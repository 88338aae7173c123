"""ACLED-conformant outputs of ``conflictmap events``: every column of ACLED's export in its
order, integers where ACLED has integers, names (not codes) for admin1, the outlet as
source, disorder types and regions, GeoJSON per RFC 7946, GeoPackage, files created with the
user's umask, and the format checked against the file name."""

from __future__ import annotations

import json
import os

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest

from geo.cli.main import main
from geo.events.table import ACLED_COLUMNS

ARTICLE = ("Title: Night raids\nSource: Example Wire\nDate: 2022-03-10\n\n"
           "Gunmen shot dead four villagers in Bokkos on 8 March 2022. "
           "Police fired tear gas at protesters in Kano on 9 March 2022. "
           "Soldiers clashed with ISWAP fighters near Monguno on 9 March 2022, leaving 7 dead.\n")
ACLED_ORDER = ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type",
               "event_type", "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2",
               "assoc_actor_2", "inter2", "interaction", "civilian_targeting", "iso", "region",
               "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude",
               "geo_precision", "source", "source_scale", "notes", "fatalities", "tags",
               "timestamp"]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("acled")
    article = folder / "report.txt"
    article.write_text(ARTICLE, "utf-8")
    old = os.umask(0o027)
    try:
        paths = {}
        for ext in ("csv", "geojson", "parquet", "gpkg"):
            paths[ext] = folder / f"events.{ext}"
            assert main(["events", str(article), "--out", str(paths[ext])]) == 0
    finally:
        os.umask(old)
    return paths


def _read(path) -> pd.DataFrame:
    if path.suffix == ".csv":
        return pd.read_csv(path)
    if path.suffix == ".parquet":
        return gpd.read_parquet(path)
    return gpd.read_file(path)


@pytest.mark.parametrize("ext", ["csv", "geojson", "parquet", "gpkg"])
def test_every_acled_column_in_acleds_order(outputs, ext):
    frame = _read(outputs[ext])
    assert ACLED_COLUMNS == ACLED_ORDER
    assert list(frame.columns[:len(ACLED_ORDER)]) == ACLED_ORDER
    assert len(frame) >= 3


@pytest.mark.parametrize("ext", ["csv", "geojson", "parquet", "gpkg"])
def test_values_as_acled_writes_them(outputs, ext):
    frame = _read(outputs[ext]).set_index("sub_event_type")
    attack = frame.loc["Attack"]
    assert attack.disorder_type == "Political violence"
    assert attack.civilian_targeting == "Civilian targeting"
    assert (attack.country, attack.region, int(attack.iso)) == ("Nigeria", "Western Africa", 566)
    assert attack.admin1 == "Plateau" and attack.location == "Bokkos"
    assert int(attack.year) == 2022 and int(attack.fatalities) == 4
    assert attack.source == "Example Wire"          # the outlet, not the headline
    assert int(attack.timestamp) == 1646870400      # 2022-03-10 00:00 UTC
    protest = frame.loc["Protest with intervention"]
    assert protest.disorder_type == "Demonstrations" and protest.actor1 == "Protesters (Nigeria)"
    assert protest.admin1 == "Kano"


def test_integers_are_written_as_integers(outputs):
    text = outputs["csv"].read_text("utf-8")
    header, first = text.splitlines()[:2]
    row = dict(zip(header.split(","), pd.read_csv(outputs["csv"]).iloc[0].astype(str),
                   strict=False))
    assert ".0" not in row["geo_precision"] and ".0" not in row["time_precision"]
    parquet = gpd.read_parquet(outputs["parquet"])
    for col in ("year", "geo_precision", "inter1", "iso", "fatalities", "timestamp"):
        assert str(parquet[col].dtype) == "Int64", col


def test_geojson_is_rfc7946(outputs):
    doc = json.loads(outputs["geojson"].read_text("utf-8"))
    assert "crs" not in doc and doc.get("name", "events") == "events"
    lon, lat = doc["features"][0]["geometry"]["coordinates"]
    assert -180 <= lon <= 180 and -90 <= lat <= 90


def test_geopackage_has_one_layer_in_wgs84(outputs):
    layers = pyogrio.list_layers(outputs["gpkg"])
    assert [str(name) for name, _ in layers] == ["events"]
    assert gpd.read_file(outputs["gpkg"]).crs.to_epsg() == 4326


@pytest.mark.parametrize("ext", ["csv", "geojson", "parquet", "gpkg"])
def test_files_follow_the_umask(outputs, ext):
    assert outputs[ext].stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize("out, fmt", [
    ("e.csv", "geojson"), ("e.geojson", "parquet"), ("e.gpkg", "csv"), ("e.parquet", "gpkg"),
])
def test_a_format_that_contradicts_the_file_name_is_refused(tmp_path, capsys, out, fmt):
    assert main(["events", "--out", str(tmp_path / out), "--format", fmt]) == 3
    assert "does not match" in capsys.readouterr().err
    assert not (tmp_path / out).exists()


def test_an_unknown_extension_needs_a_format(tmp_path, capsys):
    assert main(["events", "--out", str(tmp_path / "e.txt")]) == 3
    assert "--format" in capsys.readouterr().err
    assert main(["events", "--out", str(tmp_path / "e.txt"), "--format", "csv"]) == 0
