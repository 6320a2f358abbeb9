"""The data package: schema and consistency rules, each with a broken copy and its exact message."""

from __future__ import annotations

import json

import pytest

from bakhmut_report.model.errors import DataError
from bakhmut_report.validate import load_valid_dataset
from helpers import PROJECT, edit_csv, read_csv, remove_events

EVENTS, SETTLEMENTS, SOURCES = "events.csv", "settlements.csv", "sources.csv"


def problems_of(data_dir) -> list[str]:
    with pytest.raises(DataError) as err:
        load_valid_dataset(data_dir)
    return [str(p) for p in err.value.problems]


def test_shipped_data_passes(dataset):
    assert len(dataset.settlements) >= 70 and len(dataset.events) >= 200 and len(dataset.claims) == 18
    assert len(dataset.routes) >= 3


# (file, row key, column, bad value, expected message after "data/FILE:LINE: ")
BROKEN = [
    (
        EVENTS,
        ("event_id", "ev-2023-01-25-ua-confirms-soledar-withdrawal"),
        "kind",
        "control_confirmaton",
        "column 'kind', value 'control_confirmaton': not allowed; use one of control_claim, control_confirmation, "
        "fighting_in_settlement, fighting_ended, partial_control_change, battle_start, military_operation, "
        "command_decision, "
        "political_statement, visit, wagner_ammunition_dispute, intelligence_assessment, situation_report, "
        "annexation_claim, force_rotation, mutiny, death, war_start, status_snapshot. "
        "Did you mean 'control_confirmation'?",
    ),
    (
        EVENTS,
        ("event_id", "ev-2022-12-20-zelensky-visits-bakhmut"),
        "sources",
        "",
        "column 'sources', value '': is required: Source ids (sources.csv), ';'-separated; at least one.",
    ),
    (
        EVENTS,
        ("event_id", "ev-2022-12-20-zelensky-visits-bakhmut"),
        "date",
        "2022-02-30",
        "column 'date', value '2022-02-30': must be a calendar date YYYY-MM-DD",
    ),
    (
        EVENTS,
        ("event_id", "ev-2022-12-20-zelensky-visits-bakhmut"),
        "sources",
        "bbc-2022-12-20-zelensky-visit",
        "column 'sources', value 'bbc-2022-12-20-zelensky-visit': no such source_id in data/sources.csv. "
        "Did you mean 'bbc-2022-12-20-zelensky-visits-bakhmut'?",
    ),
    (
        EVENTS,
        ("event_id", "ev-2022-12-20-zelensky-visits-bakhmut"),
        "settlements",
        "bahkmut",
        "column 'settlements', value 'bahkmut': no such settlement_id in data/settlements.csv. Did you mean 'bakhmut'?",
    ),
    (
        SETTLEMENTS,
        ("settlement_id", "bakhmut"),
        "population",
        "71.094",
        "column 'population', value '71.094': must be a whole number (digits only, no separators)",
    ),
    (
        SETTLEMENTS,
        ("settlement_id", "bakhmut"),
        "lon",
        "41.5",
        "column 'lon', value '41.5': outside 22.0..40.3 (Ukraine's bounding box)",
    ),
    (
        SETTLEMENTS,
        ("settlement_id", "soledar"),
        "settlement_id",
        "bakhmut",
        "column 'settlement_id', value 'bakhmut': duplicates line 4: values in this column must be unique",
    ),
    (
        SOURCES,
        ("source_id", "bbc-2022-12-20-zelensky-visits-bakhmut"),
        "url",
        "javascript:alert(1)",
        "column 'url', value 'javascript:alert(1)': must be an http:// or https:// address "
        "(javascript:, data: and other schemes are refused)",
    ),
]


@pytest.mark.parametrize("name, key, column, value, message", BROKEN, ids=[b[2] + ":" + b[3][:20] for b in BROKEN])
def test_schema_mistake_is_named_with_file_line_column_value(data_copy, name, key, column, value, message):
    line = edit_csv(data_copy / name, key, column, value)
    found = problems_of(data_copy)
    assert f"data/{name}:{line}: {message}" in found, found


LIST_FOREIGN_KEY = "no such "  # ';'-separated id lists: a check of our reader that the standard has no way to express


def frictionless_errors(data_dir) -> list[str]:
    from frictionless import validate

    report = validate(str(data_dir / "datapackage.json"))
    return [f"{task.name}: {error.type}" for task in report.tasks for error in task.errors]


@pytest.mark.slow
def test_the_standard_validator_accepts_the_shipped_data():
    assert frictionless_errors(PROJECT / "data") == []


@pytest.mark.slow
@pytest.mark.parametrize("name, key, column, value, message", BROKEN, ids=[b[2] + ":" + b[3][:20] for b in BROKEN])
def test_the_standard_validator_rejects_each_broken_copy(data_copy, name, key, column, value, message):
    edit_csv(data_copy / name, key, column, value)
    found = frictionless_errors(data_copy)
    if LIST_FOREIGN_KEY in message:
        assert found == [], "frictionless cannot see list foreign keys; our reader does (the test above)"
    else:
        assert found, f"frictionless accepted {column}={value!r}"


def test_consistency_before_holder(data_copy):
    line = edit_csv(data_copy / EVENTS, ("event_id", "ev-2023-01-10-wagner-claims-soledar"), "holder_before", "RU")
    found = problems_of(data_copy)
    assert any(p.startswith(f"data/events.csv:{line}: column 'holder_before', value 'RU': ") for p in found), found


def test_consistency_one_change_per_day(data_copy):
    line = edit_csv(data_copy / EVENTS, ("event_id", "ev-2023-09-17-ua-liberates-klishchiivka"), "date", "2023-01-19")
    found = problems_of(data_copy)
    assert (
        f"data/events.csv:{line}: column 'date', value '2023-01-19': Klishchiivka already changes hands on "
        "this day (klishchiivka-2023-01): one change per settlement per day"
    ) in found, found


def test_consistency_event_dates_in_window(data_copy):
    line = edit_csv(data_copy / EVENTS, ("event_id", "ev-2022-12-20-zelensky-visits-bakhmut"), "date", "2025-03-01")
    assert (
        f"data/events.csv:{line}: column 'date', value '2025-03-01': outside the data window: "
        "use a date from 2022-02-24 to 2024-12-31"
    ) in problems_of(data_copy)


def test_consistency_claim_comes_from_the_gaining_side(data_copy):
    line = edit_csv(data_copy / EVENTS, ("event_id", "ev-2023-01-10-wagner-claims-soledar"), "side", "UA")
    assert any(
        p.startswith(f"data/events.csv:{line}: column 'side', value 'UA': a claim is made by the side")
        for p in problems_of(data_copy)
    )


def test_claim_quote_must_be_verbatim(data_copy):
    line = edit_csv(data_copy / "article_claims.csv", ("claim_id", "c02"), "quote_nl", "Bakhmut is nog Oekraïens.")
    edit_csv(data_copy / "article_claims.csv", ("claim_id", "c02"), "quote_en", "Bakhmut is still Ukrainian.")
    found = problems_of(data_copy)
    assert (
        f"data/article_claims.csv:{line}: column 'quote_nl', value 'Bakhmut is nog Oekraïens.': "
        "does not occur verbatim in the Dutch text of article block s0-p1: copy it exactly"
    ) in found
    assert (
        f"data/article_claims.csv:{line}: column 'quote_en', value 'Bakhmut is still Ukrainian.': "
        "does not occur verbatim in the English translation of article block s0-p1: copy it exactly"
    ) in found


def test_header_mistake(data_copy):
    path = data_copy / SOURCES
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("date_published", "published", 1), encoding="utf-8")
    assert (
        "data/sources.csv:1: header must be source_id,publisher,title,url,date_published,source_type,"
        "original_publisher,original_title,original_url,note "
        "(missing date_published; unexpected published. Did you mean 'date_published'?)"
    ) in problems_of(data_copy)


def test_all_mistakes_are_reported_at_once(data_copy):
    key = ("event_id", "ev-2022-12-20-zelensky-visits-bakhmut")
    edit_csv(data_copy / EVENTS, key, "kind", "visitt")
    edit_csv(data_copy / EVENTS, key, "date_precision", "exact")
    edit_csv(data_copy / SETTLEMENTS, ("settlement_id", "bakhmut"), "population", "many")
    edit_csv(data_copy / SETTLEMENTS, ("settlement_id", "soledar"), "oblast", "Donetska")
    edit_csv(data_copy / SOURCES, ("source_id", "bbc-2022-12-20-zelensky-visits-bakhmut"), "url", "ftp://x")
    assert len(problems_of(data_copy)) == 5


def test_check_exits_2_with_the_message_and_no_traceback(data_copy, run_cli):
    line = edit_csv(data_copy / SETTLEMENTS, ("settlement_id", "bakhmut"), "lat", "north")
    run = run_cli("check", "--data", data_copy)
    assert run.returncode == 2
    assert f"data/settlements.csv:{line}: column 'lat', value 'north': must be a decimal number" in run.stderr
    assert "Traceback" not in run.stderr and run.stdout == ""


def test_descriptor_is_a_frictionless_data_package():
    descriptor = json.loads((PROJECT / "data" / "datapackage.json").read_text())
    assert descriptor["profile"] == "data-package" and descriptor["licenses"] and descriptor["sources"]
    for resource in descriptor["resources"]:
        assert (PROJECT / "data" / resource["path"]).exists()
        for field in resource.get("schema", {}).get("fields", []):
            assert field["description"] and field["type"] in ("string", "integer", "number", "date", "list")


def test_a_change_without_a_confirmation_needs_a_note(data_copy):
    """Soledar without its Ukrainian acknowledgement and without provenance notes: the rule asks why."""
    remove_events(data_copy, lambda r: r["change_id"] == "soledar-2023-01" and r["kind"] == "control_confirmation")
    claims = [r for r in read_csv(data_copy / EVENTS) if "soledar-2023-01" in r]
    lines = [edit_csv(data_copy / EVENTS, ("event_id", row[0]), "provenance", "") for row in claims]
    assert (
        f"data/events.csv:{min(lines)}: column 'provenance', value '': change soledar-2023-01 has no confirmation: "
        "record it, or say in the provenance why it is missing"
    ) in problems_of(data_copy)


COPY = "afp-via-ksaplayers-2024-06-29-moscow-claims-village-toretsk"  # a copy (source_type copy) in sources.csv
SOLEDAR_FIGHTING = "ev-2023-01-07-fighting-inside-soledar"


def test_a_copy_must_name_its_original(data_copy):
    line = edit_csv(data_copy / SOURCES, ("source_id", COPY), "original_url", "")
    assert (
        f"data/sources.csv:{line}: column 'original_url', value '': is required for a copy: name the page it copies "
        "(publisher, title, URL)"
    ) in problems_of(data_copy)


def test_no_row_rests_on_copies_alone(data_copy):
    line = edit_csv(data_copy / EVENTS, ("event_id", "ev-2022-03-11-ru-claims-volnovakha"), "sources", COPY)
    assert (
        f"data/events.csv:{line}: column 'sources', value '{COPY}': cites only copies of other pages: add the "
        "original publisher's page (or another source that is not a copy) to sources.csv and cite it"
    ) in problems_of(data_copy)


def test_one_change_is_never_recorded_twice(data_copy):
    line = edit_csv(
        data_copy / EVENTS, ("event_id", "ev-2023-01-25-ua-confirms-soledar-withdrawal"), "change_id", "soledar-2023-02"
    )
    found = problems_of(data_copy)
    assert any(
        p.startswith(
            f"data/events.csv:{line}: column 'change_id', value 'soledar-2023-02': repeats change "
            "soledar-2023-01 (UA -> RU, line "
        )
        for p in found
    ), found


def test_a_fighting_spell_must_end(data_copy):
    line = edit_csv(data_copy / EVENTS, ("event_id", SOLEDAR_FIGHTING), "settlements", "kramatorsk")
    assert (
        f"data/events.csv:{line}: column 'kind', value 'fighting_in_settlement': fighting inside Kramatorsk (from "
        "2023-01-07, last reported 2023-01-07) never ends: record the change of control, a fighting_ended event with "
        "its source, or a report that it still goes on after 2024-08-03"
    ) in problems_of(data_copy)


def test_a_change_soon_after_fighting_is_contested_or_says_why_not(data_copy):
    edit_csv(data_copy / EVENTS, ("event_id", SOLEDAR_FIGHTING), "kind", "military_operation")
    claim = next(r for r in read_csv(data_copy / EVENTS) if r[0] == "ev-2023-01-10-wagner-claims-soledar")
    line = edit_csv(data_copy / EVENTS, ("event_id", claim[0]), "provenance", "Ukraine denied.")
    found = problems_of(data_copy)
    assert any(
        p.startswith(
            f"data/events.csv:{line}: column 'provenance', value 'Ukraine denied.': change soledar-2023-01 "
            "follows fighting reported on 2023-01-07"
        )
        for p in found
    ), found
    edit_csv(data_copy / EVENTS, ("event_id", claim[0]), "provenance", "Not contested: the fighting was outside.")
    assert not any("follows fighting reported" in p for p in problems_of_or_none(data_copy))


def problems_of_or_none(data_dir) -> list[str]:
    try:
        load_valid_dataset(data_dir)
    except DataError as err:
        return [str(p) for p in err.problems]
    return []


def test_an_article_block_is_about_the_month_of_its_events(data_copy):
    line = edit_csv(data_copy / "article.csv", ("block_id", "s2-p1"), "month", "2022-08")
    assert (
        f"data/article.csv:{line}: column 'month', value '2022-08': is not the month of any event the block mentions "
        "(2022-07)"
    ) in problems_of(data_copy)


@pytest.mark.parametrize(
    "name, key, column, value, message",
    [
        (
            "routes.csv",
            ("route_id", "m03-bakhmut-sloviansk"),
            "waypoints",
            "bakhmut",
            "column 'waypoints', value 'bakhmut': a road connects at least two settlements",
        ),
        (
            SETTLEMENTS,
            ("settlement_id", "bakhmut"),
            "coordinates_source",
            "no-such-source",
            "column 'coordinates_source', value 'no-such-source': must be geonames:<geonameid> or a source_id in "
            "data/sources.csv",
        ),
        (
            EVENTS,
            ("event_id", "ev-2023-03-08-rferl-two-roads-bakhmut"),
            "disputes",
            "ev-2023-03-03-prigozhin-nope",
            "column 'disputes', value 'ev-2023-03-03-prigozhin-nope': no such event_id in data/events.csv. "
            "Did you mean 'ev-2023-08-23-prigozhin-killed'?",
        ),
    ],
)
def test_new_tables_and_columns_are_checked(data_copy, name, key, column, value, message):
    line = edit_csv(data_copy / name, key, column, value)
    assert f"data/{name}:{line}: {message}" in problems_of(data_copy)


def test_a_new_rule_exits_2_from_the_cli_naming_file_line_and_column(data_copy, run_cli):
    line = edit_csv(data_copy / EVENTS, ("event_id", SOLEDAR_FIGHTING), "settlements", "kramatorsk")
    run = run_cli("check", "--data", data_copy)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert f"data/events.csv:{line}: column 'kind', value 'fighting_in_settlement': fighting inside Kramatorsk" in (
        run.stderr
    )


def test_data_dictionary_is_generated_from_the_descriptor():
    from bakhmut_report.present.datadict import render

    assert (PROJECT / "data" / "README.md").read_text(encoding="utf-8") == render()


@pytest.mark.parametrize(
    "content, message",
    [
        (
            '{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Polygon"}}]}',
            "features[0]: only LineString and MultiLineString features are drawn",
        ),
        (
            '{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "LineString"}}]}',
            "features[0]: a line needs at least two [lon, lat] positions",
        ),
        (
            '{"type": "FeatureCollection", "features": [{"geometry": {"type": "LineString", '
            '"coordinates": [[37.5, 48.5], [120.0, 48.6]]}}]}',
            "features[0]: position 120, 48.6 lies outside the theatre",
        ),
        (
            '{"type": "FeatureCollection", "features": [{"geometry": {"type": "LineString", '
            '"coordinates": [[37.5, 48.5], [NaN, 48.6]]}}]}',
            "invalid JSON: nested too deeply, a number too long, or NaN/Infinity",
        ),
        ("[1, 2", "invalid JSON: Expecting ',' delimiter"),
        ('{"type": "Topology"}', "must be a GeoJSON FeatureCollection"),
    ],
)
def test_a_broken_base_layer_is_named_with_its_file(data_copy, content, message):
    (data_copy / "geo" / "rivers_donets.geojson").write_text(content, encoding="utf-8")
    problems = problems_of(data_copy)
    assert any(p.startswith("data/geo/rivers_donets.geojson") and message in p for p in problems), problems


def test_a_base_layer_outside_the_data_directory_is_refused(data_copy, tmp_path):
    outside = tmp_path / "elsewhere.geojson"
    outside.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    (data_copy / "geo" / "rivers_donets.geojson").unlink()
    (data_copy / "geo" / "rivers_donets.geojson").symlink_to(outside)
    problems = problems_of(data_copy)
    assert any("rivers_donets.geojson" in p and "leads outside the data directory" in p for p in problems), problems
