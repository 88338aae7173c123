"""The online fallback against a local HTTP server that answers Nominatim's /search API.

No online geocoder is reachable from the test machine, and none is needed: geopy's real
Nominatim client talks HTTP to 127.0.0.1, so request building, rate limiting, error mapping
and the SQLite cache all run for real.
"""

from __future__ import annotations

import json
import socket
import sqlite3
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from gazetteer.errors import InputError, ServiceError
from gazetteer.sources.online import OnlineSource
from geo.cli.errors import exit_code

UA = "conflictmap-tests/1.0 (tests@example.org)"
LICENCE = "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright"


def _result(osm: tuple[str, int] | None, lat: str, lon: str, name: str, display: str,
            cls: str, typ: str, addresstype: str, address: dict) -> dict:
    rec = {"place_id": osm[1] if osm else 0, "licence": LICENCE, "lat": lat, "lon": lon,
           "class": cls, "type": typ, "place_rank": 16, "importance": 0.51,
           "addresstype": addresstype, "name": name, "display_name": display,
           "boundingbox": [lat, lat, lon, lon], "address": address}
    if osm:
        rec["osm_type"], rec["osm_id"] = osm
    return rec


IQ = {"state": "Nineveh Governorate", "ISO3166-2-lvl4": "IQ-NI", "country": "Iraq",
      "country_code": "iq"}
KNOWN = {
    "tal afar": [_result(("relation", 5708414), "36.3768", "42.4497", "Tal Afar",
                         "Tal Afar, Tal Afar District, Nineveh Governorate, Iraq", "boundary",
                         "administrative", "city", {"city": "Tal Afar", **IQ})],
    "nineveh": [_result(("relation", 3700101), "36.2", "42.6", "Nineveh Governorate",
                        "Nineveh Governorate, Iraq", "boundary", "administrative", "state", IQ)],
    "tal afar district": [_result(("relation", 5708415), "36.4", "42.3", "Tal Afar District",
                                  "Tal Afar District, Nineveh Governorate, Iraq", "boundary",
                                  "administrative", "county", {"county": "x", **IQ})],
    "iraq": [_result(("relation", 304934), "33.0955793", "44.1749775", "Iraq", "Iraq",
                     "boundary", "administrative", "country",
                     {"country": "Iraq", "country_code": "iq"})],
    "mount sinjar": [_result(None, "36.3783", "41.7444", "Mount Sinjar", "Mount Sinjar, Iraq",
                             "natural", "peak", "peak", IQ)],
    "tripoli": [_result(("node", 1), "32.8872", "13.1913", "Tripoli", "Tripoli, Libya",
                        "place", "city", "city", {"country": "Libya", "country_code": "ly"}),
                _result(("node", 2), "34.4367", "35.8497", "Tripoli", "Tripoli, Lebanon",
                        "place", "city", "city", {"country": "Lebanon", "country_code": "lb"})],
}


class FakeNominatim:
    """What the server saw, and how it should misbehave."""

    def __init__(self, port: int):
        self.port = port
        self.requests: list[tuple[float, dict[str, list[str]], str]] = []  # time, params, UA
        self.status = 200
        self.delay = 0.0
        self.release = threading.Event()  # cuts a delay short at teardown

    @property
    def domain(self) -> str:
        return f"127.0.0.1:{self.port}"

    def count(self) -> int:
        return len(self.requests)


@pytest.fixture
def server():
    state: FakeNominatim

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            url = urlparse(self.path)
            params = parse_qs(url.query)
            state.requests.append((time.monotonic(), params, self.headers.get("User-Agent")))
            if url.path != "/search" or params.get("format") != ["json"]:
                self.send_error(404)
                return
            if state.delay:
                state.release.wait(state.delay)
            if state.status != 200:
                self.send_error(state.status)
                return
            results = [dict(r) for r in KNOWN.get(params["q"][0].casefold(), [])]
            if "countrycodes" in params:
                codes = params["countrycodes"][0].split(",")
                results = [r for r in results if r["address"]["country_code"] in codes]
            if params.get("addressdetails") != ["1"]:
                for r in results:
                    r.pop("address")
            results = results[: int(params.get("limit", ["10"])[0])]
            body = json.dumps(results).encode()
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (the timeout test)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state = FakeNominatim(httpd.server_address[1])
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield state
    state.release.set()
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


def source(server: FakeNominatim, cache, **kw) -> OnlineSource:
    kw = {"min_delay_seconds": 0, "max_retries": 0, "timeout": 5, **kw}
    return OnlineSource(UA, cache_path=cache, domain=server.domain, scheme="http", **kw)


@pytest.fixture
def cache(tmp_path):
    return tmp_path / "online.sqlite"


def test_result_is_a_place_with_lat_lon_mapping_and_raw(server, cache):
    [place] = source(server, cache).search("Tal Afar")
    assert (place.lat, place.lon) == (36.3768, 42.4497)
    assert place.point == (36.3768, 42.4497)
    assert place.name == "Tal Afar"
    assert place.id == "online:nominatim:relation/5708414"
    # an administrative boundary whose addresstype is a city is the town itself
    assert (place.feature_class, place.feature_code) == ("P", "PPL")
    assert place.country_code == "IQ"
    assert place.admin1 == "IQ-NI"
    assert "Nominatim" in place.source and "ODbL" in place.source
    assert place.raw_record() == KNOWN["tal afar"][0]
    _, params, agent = server.requests[0]
    assert params["q"] == ["Tal Afar"] and params["addressdetails"] == ["1"]
    assert agent == UA


@pytest.mark.parametrize(("query", "feature"), [
    ("Nineveh", ("A", "ADM1")),
    ("Tal Afar District", ("A", "ADM2")),
    ("Iraq", ("A", "PCLI")),
    ("Mount Sinjar", ("T", "PK")),
    ("Tripoli", ("P", "PPL")),
])
def test_feature_class_and_code_mapping(server, cache, query, feature):
    places = source(server, cache).search(query)
    assert places
    assert {(p.feature_class, p.feature_code) for p in places} == {feature}


def test_without_osm_id_the_id_is_a_stable_hash(server, cache, tmp_path):
    [a] = source(server, cache).search("Mount Sinjar")
    [b] = source(server, tmp_path / "other.sqlite").search("Mount Sinjar")
    assert a.id.startswith("online:nominatim:") and "/" not in a.id
    assert a.id == b.id
    assert server.count() == 2


def test_repeated_query_is_served_from_the_cache(server, cache):
    first = source(server, cache).search("Tal Afar")
    assert server.count() == 1
    src = source(server, cache)
    assert src.search("Tal Afar") == first
    assert src.search("  Tal  Afar ") == first  # spacing only
    assert server.count() == 1
    assert source(server, cache).search("Tal Afar") == first  # a new instance, same file
    assert server.count() == 1
    with sqlite3.connect(cache) as db:
        rows = db.execute("SELECT service, query, country, lim, results, fetched_at "
                          "FROM answers").fetchall()
    db.close()
    assert len(rows) == 1
    service, query, country, lim, results, fetched_at = rows[0]
    assert (service, query, country, lim) == ("nominatim", "Tal Afar", "", 5)
    assert json.loads(results)[0]["raw"] == KNOWN["tal afar"][0]
    assert fetched_at[:2] == "20"


def test_a_different_limit_or_country_is_a_different_question(server, cache):
    src = source(server, cache)
    src.search("Tripoli", limit=5)
    src.search("Tripoli", limit=1)
    src.search("Tripoli", country="LB")
    assert server.count() == 3


def test_no_result_is_cached_too(server, cache):
    assert source(server, cache).search("Nowhereville") == []
    assert source(server, cache).search("Nowhereville") == []
    assert server.count() == 1


def test_country_restriction_is_sent_and_applied(server, cache):
    places = source(server, cache).search("Tripoli", country="LB")
    _, params, _ = server.requests[-1]
    assert params["countrycodes"] == ["lb"]
    assert [(p.name, p.country_code, p.lat, p.lon) for p in places] == [
        ("Tripoli", "LB", 34.4367, 35.8497)]
    assert {p.country_code for p in source(server, cache).search("Tripoli")} == {"LY", "LB"}


def test_limit_is_sent(server, cache):
    places = source(server, cache).search("Tripoli", limit=1)
    assert server.requests[-1][1]["limit"] == ["1"]
    assert len(places) == 1


def test_http_500_is_a_service_error_and_not_cached(server, cache):
    server.status = 500
    with pytest.raises(ServiceError, match="nominatim") as err:
        source(server, cache).search("Tal Afar")
    assert exit_code(err.value) == 6                # the command's code for a service error
    server.status = 200
    assert source(server, cache).search("Tal Afar")  # the failure was not stored
    assert server.count() == 2


def test_failed_calls_are_retried_then_reported(server, cache):
    server.status = 500
    src = source(server, cache, max_retries=1, error_wait_seconds=0.05)
    with pytest.raises(ServiceError, match="failed"):
        src.search("Tal Afar")
    assert server.count() == 2


def test_timeout_is_a_service_error(server, cache):
    server.delay = 2.0
    started = time.monotonic()
    with pytest.raises(ServiceError, match="timed out"):
        source(server, cache, timeout=0.3).search("Tal Afar")
    assert time.monotonic() - started < 1.5


def test_unreachable_service_is_a_service_error(cache):
    with socket.socket() as s:  # a port that nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    src = OnlineSource(UA, cache_path=cache, domain=f"127.0.0.1:{port}", scheme="http",
                       min_delay_seconds=0, max_retries=0, timeout=2)
    with pytest.raises(ServiceError, match="nominatim"):
        src.search("Tal Afar")


@pytest.mark.parametrize("agent", ["", "   "])
def test_missing_user_agent_is_an_input_error(cache, agent):
    with pytest.raises(InputError, match="--user-agent") as err:
        OnlineSource(agent, cache_path=cache)
    assert exit_code(err.value) == 3


def test_unknown_service_is_an_input_error(cache):
    with pytest.raises(InputError, match="no-such-geocoder"):
        OnlineSource(UA, service="no-such-geocoder", cache_path=cache)


@pytest.mark.parametrize("query", ["", "   ", "x" * 1001])
def test_empty_or_overlong_query_is_an_input_error(server, cache, query):
    with pytest.raises(InputError):
        source(server, cache).search(query)
    assert server.count() == 0


def test_query_of_1000_characters_is_accepted(server, cache):
    assert source(server, cache).search("x" * 1000) == []
    assert server.count() == 1


def test_bad_country_is_an_input_error(server, cache):
    with pytest.raises(InputError, match="two-letter"):
        source(server, cache).search("Tripoli", country="Libya")
    assert server.count() == 0


def test_rate_limiter_spaces_uncached_calls(server, cache):
    src = source(server, cache, min_delay_seconds=0.2)
    for query in ("Tal Afar", "Nineveh", "Iraq"):
        src.search(query)
    src.search("Iraq")  # cached: no call, no wait
    times = [t for t, _, _ in server.requests]
    assert len(times) == 3
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    # 10 ms allowance for the requests' own transit jitter; unthrottled gaps are ~1 ms
    assert min(gaps) >= 0.19, gaps


def test_records_lists_cached_places(server, cache, tmp_path):
    assert list(source(server, tmp_path / "absent.sqlite").records()) == []
    src = source(server, cache)
    src.search("Tal Afar")
    src.search("Tripoli", country="LB")
    records = {r.place.id: r for r in src.records()}
    assert set(records) == {"online:nominatim:relation/5708414", "online:nominatim:node/2"}
    assert records["online:nominatim:relation/5708414"].names == ("Tal Afar",)
    assert records["online:nominatim:node/2"].place.country_code == "LB"


def test_fingerprint_names_the_service(server, cache):
    src = source(server, cache)
    fp = src.fingerprint()
    assert "nominatim" in fp
    src.search("Tal Afar")
    assert src.fingerprint() == fp  # cached answers never force an index rebuild


def test_default_cache_is_in_the_cache_dir(server, tmp_path, monkeypatch):
    monkeypatch.setenv("CONFLICTMAP_CACHE_DIR", str(tmp_path / "cd"))
    src = OnlineSource(UA, domain=server.domain, scheme="http", min_delay_seconds=0)
    src.search("Tal Afar")
    assert src.cache_path == tmp_path / "cd" / "online_cache.sqlite"
    assert src.cache_path.exists()
