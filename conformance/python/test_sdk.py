"""The official Python SDK (postproxy-sdk 1.14.0, PyPI) against the mock server.

Run by conformance/run.sh, which starts the mock and sets POSTPROXY_BASE_URL; or by hand:
    POSTPROXY_BASE_URL=http://127.0.0.1:8080 conformance/.venv/bin/python -m pytest conformance/python
(`python conformance/python/test_sdk.py` works too). Every one of the ten operations of the
reference, their documented errors as the SDK's own exception classes, and both demo keys (full
access and scoped to grp456def); then what the SDK reads and calls beyond the reference (its
optional fields, and the operations the spec takes from the SDKs). The tests run in file order
on freshly reset demo data.
"""
import asyncio
import os
import sys

import httpx
import pydantic
import pytest

import postproxy
from postproxy import (
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    PostProxy,
    ValidationError,
)

BASE_URL = os.environ.get("POSTPROXY_BASE_URL", "http://127.0.0.1:8080")
FULL = "pp_demo_full_0123456789abcdef"
SCOPED = "pp_demo_scoped_0123456789abcdef"


def run(key, call, **client_options):
    """Runs `call(client)` on a fresh SDK client pointed at the mock."""

    async def go():
        async with PostProxy(key, base_url=BASE_URL, **client_options) as client:
            return await call(client)

    return asyncio.run(go())


def fails(exception, key, call, message=None, **client_options):
    with pytest.raises(exception) as caught:
        run(key, call, **client_options)
    if message is not None:
        assert str(caught.value) == message
    return caught.value


def test_sdk_version_is_the_pinned_one():
    assert postproxy.VERSION == "1.14.0"


# ------------------------------------------------------------------ profiles, full access


def test_list_profiles_across_groups_and_by_group():
    every = run(FULL, lambda c: c.profiles.list())
    assert len(every.data) == 15
    first = next(p for p in every.data if p.id == "prof123abc")
    assert (first.name, first.platform, first.status, first.profile_group_id) == (
        "My Company Page", "facebook", "active", "grp456xyz")
    assert first.expires_at is None and first.post_count == 42
    expired = next(p for p in every.data if p.id == "prof789def")
    assert expired.status == "expired" and expired.expires_at.year == 2024
    acme = run(FULL, lambda c: c.profiles.list(profile_group_id="grp456xyz"))
    assert {p.profile_group_id for p in acme.data} == {"grp456xyz"}
    assert len(acme.data) == 5


def test_get_profile():
    profile = run(FULL, lambda c: c.profiles.get("prof_li_001"))
    assert (profile.id, profile.platform, profile.profile_group_id) == (
        "prof_li_001", "linkedin", "grp456xyz")


def test_placements_with_ids_parse():
    placements = run(FULL, lambda c: c.profiles.placements("prof_fb_001"))
    assert [p.id for p in placements.data] == ["200000000000001", "200000000000002"]


def test_placements_with_a_null_id_are_an_sdk_limitation():
    # The reference documents `id: null` for the LinkedIn personal profile, and the mock sends
    # it. postproxy-sdk 1.14's Placement model types `id` as `str`, so the SDK itself cannot
    # parse this documented response: pydantic rejects it. This asserts the SDK's failure; the
    # mock is right (the reference's sdk-compat notes record this limitation). If a later SDK
    # accepts null, this test says so.
    with pytest.raises(pydantic.ValidationError) as caught:
        run(FULL, lambda c: c.profiles.placements("prof_li_001"))
    assert caught.value.errors()[0]["loc"] == ("data", 0, "id")
    # The same response through the SDK's own transport, unparsed, is the documented one.
    raw = run(FULL, lambda c: c._request("GET", "/profiles/prof_li_001/placements"))
    assert raw["data"][0] == {"id": None, "name": "Personal Profile"}


def test_placements_of_a_network_without_them_is_validation_error():
    fails(ValidationError, FULL, lambda c: c.profiles.placements("prof654jkl"),
          "Placements are not available for twitter profiles; they are available for "
          "facebook, linkedin, pinterest, telegram and google_business profiles")


def test_stats_of_a_placement_with_a_window():
    stats = run(FULL, lambda c: c.profiles.get_profile_stats(
        "prof_li_001", placement_id="108520199",
        from_="2026-05-09T08:00:00Z", to="2026-05-10T08:00:00Z"))
    assert (stats.data.profile_id, stats.data.platform, stats.data.placement_id) == (
        "prof_li_001", "linkedin", "108520199")
    assert [r.recorded_at.day for r in stats.data.records] == [9, 10]
    assert stats.data.records[0].stats["followerCount"] == 4500


def test_stats_of_a_non_placement_network():
    stats = run(FULL, lambda c: c.profiles.get_profile_stats("prof654jkl"))
    assert stats.data.placement_id is None
    assert len(stats.data.records) == 3


def test_stats_errors_are_bad_request_and_not_found():
    fails(BadRequestError, FULL, lambda c: c.profiles.get_profile_stats("prof_li_001"),
          "placement_id is required for linkedin profiles")
    error = fails(BadRequestError, FULL, lambda c: c.profiles.get_profile_stats(
        "prof654jkl", from_="yesterday"))
    assert error.status_code == 400 and "from" in str(error)
    fails(NotFoundError, FULL, lambda c: c.profiles.get_profile_stats(
        "prof_li_001", placement_id="999"), "Placement not found")


def test_unknown_profile_is_not_found_for_every_profile_operation():
    for call in (
        lambda c: c.profiles.get("prof_nope"),
        lambda c: c.profiles.placements("prof_nope"),
        lambda c: c.profiles.get_profile_stats("prof_nope"),
        lambda c: c.profiles.delete("prof_nope"),
    ):
        error = fails(NotFoundError, FULL, call, "Not found")
        assert error.status_code == 404 and error.response == {"error": "Not found"}


def test_profile_group_id_restricts_profile_resolution():
    fails(NotFoundError, FULL,
          lambda c: c.profiles.get("prof_li_001", profile_group_id="grp123abc"), "Not found")


# ------------------------------------------------------------------ beyond the reference: the SDK's
# own fields and operations (openapi/postproxy.yaml says which come from the SDKs)


def control(method, path, body=None):
    """A call to the mock's control API (not part of the SDK), with the SDK's own httpx."""
    response = httpx.request(method, BASE_URL + "/__mock" + path, json=body)
    response.raise_for_status()
    return response


def test_the_optional_fields_the_sdk_models_read():
    fb = run(FULL, lambda c: c.profiles.get("prof_fb_001"))
    assert (fb.username, fb.platform_id, fb.platform_url, fb.placements_sync_status) == (
        "clientco", "100000000000001", "https://www.facebook.com/clientco", "synced")
    assert fb.inactive_reason is None
    taken = run(FULL, lambda c: c.profiles.list(profile_group_id="grp789ghi"))
    bs = next(p for p in taken.data if p.id == "prof_bs_002")
    assert (bs.status, bs.inactive_reason, bs.username) == (
        "inactive", "network_taken", "jane.bsky.social")
    # The reference's own objects carry none of them.
    reference = run(FULL, lambda c: c.profiles.get("prof123abc"))
    assert (reference.username, reference.platform_id, reference.platform_url) == (None,) * 3
    placements = run(FULL, lambda c: c.profiles.placements("prof_fb_001"))
    page, careers = placements.data
    assert page.avatar_url.endswith("placement_200000000000001.jpg")
    assert page.metadata == {"category": "Consulting agency", "fan_count": 3120}
    assert (careers.avatar_url, careers.metadata) == (None, None)


def test_raw_stats_in_stats_records():
    control("POST", "/accounts/acct_demo/profiles/prof_yt_001/stats", {
        "placement_id": None,
        "stats": {"subscriberCount": 1},
        "raw_stats": {"subscriberCount": 1, "hiddenSubscriberCount": False},
        "recorded_at": "2031-01-01T00:00:00Z",
    })
    stats = run(FULL, lambda c: c.profiles.get_profile_stats(
        "prof_yt_001", from_="2031-01-01T00:00:00Z"))
    (record,) = stats.data.records
    assert record.raw_stats == {"subscriberCount": 1, "hiddenSubscriberCount": False}
    older = run(FULL, lambda c: c.profiles.get_profile_stats(
        "prof_yt_001", to="2030-01-01T00:00:00Z"))
    assert older.data.records and all(r.raw_stats == {} for r in older.data.records)


def test_assign_to_group_moves_the_profile_and_the_counts_follow():
    async def go(c):
        before = {g.id: g.profiles_count for g in (await c.profile_groups.list()).data}
        moved = await c.profiles.assign_to_group(
            "prof_ig_001", "grp123abc", idempotency_key="py-move-1")
        replayed = await c.profiles.assign_to_group(
            "prof_ig_001", "grp123abc", idempotency_key="py-move-1")
        during = {g.id: g.profiles_count for g in (await c.profile_groups.list()).data}
        back = await c.profiles.assign_to_group(
            "prof_ig_001", "grp789ghi", profile_group_id="grp123abc")
        same = await c.profiles.assign_to_group("prof_ig_001", "grp789ghi")
        return before, moved, replayed, during, back, same

    before, moved, replayed, during, back, same = run(FULL, go)
    assert (moved.id, moved.profile_group_id, moved.username) == (
        "prof_ig_001", "grp123abc", "jane.doe")
    assert replayed == moved
    assert during["grp123abc"] == before["grp123abc"] + 1
    assert during["grp789ghi"] == before["grp789ghi"] - 1
    assert back.profile_group_id == "grp789ghi" and same == back
    fails(NotFoundError, FULL,
          lambda c: c.profiles.assign_to_group("prof_ig_001", "grp_nope"),
          "Target profile group not found")
    fails(NotFoundError, SCOPED,
          lambda c: c.profiles.assign_to_group("prof_fb_001", "grp123abc"),
          "Target profile group not found")
    fails(NotFoundError, FULL,
          lambda c: c.profiles.assign_to_group("prof_nope", "grp123abc"), "Not found")


def test_assign_placement_to_group_moves_it_to_the_profiles_counterpart():
    async def go(c):
        moved = await c.profiles.assign_placement_to_group(
            "prof_fb_001", placement_id="200000000000002",
            target_profile_group_id="grp789ghi", idempotency_key="py-page-1")
        raw = await c._request(
            "PATCH", "/profiles/prof_fb_001/assign_placement_to_group",
            json={"placement_id": "200000000000002", "target_profile_group_id": "grp789ghi"},
            idempotency_key="py-page-1")
        there = await c.profiles.placements(raw["profile_id"])
        left = await c.profiles.placements("prof_fb_001")
        back = await c.profiles.assign_placement_to_group(
            raw["profile_id"], placement_id="200000000000002",
            target_profile_group_id="grp456def")
        # The counterpart made for the move stays, without placements: remove it again so
        # the later tests see the demo's counts.
        await c.profiles.delete(raw["profile_id"])
        return moved, raw, there, left, back

    moved, raw, there, left, back = run(FULL, go)
    assert (moved.id, moved.name, moved.profile_group_id) == (
        "200000000000002", "Client Co Careers", "grp789ghi")
    assert raw["profile_group_id"] == "grp789ghi"  # the same answer, replayed by the key
    assert [p.id for p in there.data] == ["200000000000002"]
    assert [p.id for p in left.data] == ["200000000000001"]
    assert back.profile_group_id == "grp456def"
    fails(NotFoundError, FULL, lambda c: c.profiles.assign_placement_to_group(
        "prof_fb_001", placement_id="999", target_profile_group_id="grp789ghi"),
        "Placement not found")
    fails(ValidationError, FULL, lambda c: c.profiles.assign_placement_to_group(
        "prof654jkl", placement_id="1", target_profile_group_id="grp789ghi"),
        "Placements are not available for twitter profiles; they are available for "
        "facebook, linkedin, pinterest, telegram and google_business profiles")


def test_ice_breakers_of_an_instagram_profile():
    from postproxy import IceBreaker

    async def go(c):
        demo = await c.profiles.ice_breakers("prof_ig_001")
        set_ = await c.profiles.set_ice_breakers("prof_ig_001", [
            IceBreaker(question="What services do you offer?", payload="services"),
            {"question": "What are your hours?", "payload": "hours"},
        ], idempotency_key="py-ib-1")
        after_set = await c.profiles.ice_breakers("prof_ig_001")
        deleted = await c.profiles.delete_ice_breakers("prof_ig_001")
        after_delete = await c.profiles.ice_breakers("prof_ig_001")
        return demo, set_, after_set, deleted, after_delete

    demo, set_, after_set, deleted, after_delete = run(FULL, go)
    assert [ib.payload for ib in demo.ice_breakers] == ["commissions", "prints"]
    assert set_.success is True and deleted.success is True
    assert [(ib.question, ib.payload) for ib in after_set.ice_breakers] == [
        ("What services do you offer?", "services"), ("What are your hours?", "hours")]
    assert after_delete.ice_breakers == []
    fails(ValidationError, FULL, lambda c: c.profiles.ice_breakers("prof654jkl"),
          "Ice breakers are available for instagram profiles only, not twitter profiles")
    fails(ValidationError, FULL, lambda c: c.profiles.set_ice_breakers("prof_ig_001", []),
          "ice_breakers: 1 to 4 items, not 0")
    fails(ValidationError, FULL, lambda c: c.profiles.set_ice_breakers(
        "prof_ig_001", [{"question": "Q?", "payload": "p"}] * 5),
        "ice_breakers: 1 to 4 items, not 5")
    fails(NotFoundError, SCOPED, lambda c: c.profiles.delete_ice_breakers("prof_ig_001"),
          "Not found")


def test_daily_stats_and_follower_history_agree_with_stats():
    async def go(c):
        stats = await c.profiles.get_profile_stats(
            "prof_li_001", placement_id="108520199", from_="2026-05-10T00:00:00Z")
        daily = await c.profiles.daily_stats(
            "prof_li_001", placement_id="108520199", from_="2026-05-10", to="2026-05-11",
            attribution="publish")
        history = await c.profiles.follower_history(
            "prof_li_001", placement_id="108520199", from_="2026-05-10")
        return stats, daily, history

    stats, daily, history = run(FULL, go)
    assert (daily.data.profile_id, daily.data.platform, daily.data.placement_id) == (
        "prof_li_001", "linkedin", "108520199")
    assert (daily.data.attribution, daily.data.from_, daily.data.to) == (
        "publish", "2026-05-10", "2026-05-11")
    assert [d.date for d in daily.data.records] == ["2026-05-10", "2026-05-11"]
    assert [d.platform_stats for d in daily.data.records] == [r.stats for r in stats.data.records]
    assert [d.followers for d in daily.data.records] == [4520, 4567]  # extra fields kept
    assert [(r.date, r.followers_total, r.followers_change) for r in history.data.records] == [
        ("2026-05-10", 4520, None), ("2026-05-11", 4567, 47)]
    fails(BadRequestError, FULL, lambda c: c.profiles.daily_stats("prof_li_001"),
          "placement_id is required for linkedin profiles")
    fails(BadRequestError, FULL, lambda c: c.profiles.follower_history(
        "prof654jkl", from_="yesterday"),
        "Invalid from: expected an ISO 8601 timestamp or a date")


def test_delete_profile_then_it_is_gone_and_the_count_drops():
    async def go(c):
        before = (await c.profile_groups.get("grp789ghi")).profiles_count
        deleted = await c.profiles.delete("prof_bs_002", idempotency_key="py-del-1")
        again = await c.profiles.delete("prof_bs_002", idempotency_key="py-del-1")
        after = (await c.profile_groups.get("grp789ghi")).profiles_count
        return before, deleted, again, after

    before, deleted, again, after = run(FULL, go)
    assert deleted.success is True and again.success is True  # replayed by the key
    assert after == before - 1
    fails(NotFoundError, FULL, lambda c: c.profiles.get("prof_bs_002"))


# ------------------------------------------------------------------ profile groups, full access


def test_list_and_get_groups():
    groups = run(FULL, lambda c: c.profile_groups.list())
    counts = {g.id: (g.name, g.profiles_count) for g in groups.data}
    assert counts["grp123abc"] == ("Main Brand", 5)
    assert counts["grp456def"] == ("Client Project", 3)
    group = run(FULL, lambda c: c.profile_groups.get("grp123abc"))
    assert (group.id, group.name, group.profiles_count) == ("grp123abc", "Main Brand", 5)
    fails(NotFoundError, FULL, lambda c: c.profile_groups.get("grp_nope"), "Not found")


def test_create_connect_and_delete_a_group():
    async def go(c):
        created = await c.profile_groups.create("Python SDK group", idempotency_key="py-grp-1")
        replayed = await c.profile_groups.create("Python SDK group", idempotency_key="py-grp-1")
        fetched = await c.profile_groups.get(created.id)
        connection = await c.profile_groups.initialize_connection(
            created.id, "instagram", "https://app.example/cb")
        deleted = await c.profile_groups.delete(created.id)
        return created, replayed, fetched, connection, deleted

    created, replayed, fetched, connection, deleted = run(FULL, go)
    assert created.name == "Python SDK group" and created.profiles_count == 0
    assert replayed.id == created.id
    assert fetched == created
    assert connection.success is True and connection.url.startswith(BASE_URL + "/connect/")
    assert deleted.deleted is True
    fails(NotFoundError, FULL, lambda c: c.profile_groups.get(created.id))
    fails(NotFoundError, FULL, lambda c: c.profile_groups.delete(created.id))


def test_group_validation_errors():
    fails(ValidationError, FULL, lambda c: c.profile_groups.create("   "), "Name can't be blank")
    fails(ValidationError, FULL, lambda c: c.profile_groups.create(
        "A", idempotency_key="py-grp-1"),
        "Idempotency-Key has already been used with a different request")
    for args, message in [
        (("grp123abc", "instagram"), "Missing redirect_url"),
        (("grp123abc", "instagram", ""), "Missing redirect_url"),
        (("grp123abc", "threads", "https://app.example/cb"), "Platform already connected"),
        # bluesky connects with an identifier and an app password (the Node SDK's source from
        # 1.8 on), which this SDK cannot send: a redirect_url does not stand in for them.
        (("grp123abc", "bluesky", "https://app.example/cb"), "Missing identifier"),
        (("grp123abc", "pinterest", "https://app.example/cb"),
         "Unsupported platform: pinterest. Supported platforms: facebook, instagram, tiktok, "
         "linkedin, youtube, twitter, threads, bluesky, telegram"),
    ]:
        fails(ValidationError, FULL,
              lambda c, args=args: c.profile_groups.initialize_connection(*args), message)
    fails(NotFoundError, FULL, lambda c: c.profile_groups.initialize_connection(
        "grp_nope", "instagram", "https://app.example/cb"), "Not found")


def test_initialize_connection_with_the_sdks_optional_fields():
    connection = run(FULL, lambda c: c.profile_groups.initialize_connection(
        "grp789ghi", "facebook", "https://app.example/cb",
        onboarding="facebook", refresh_connection=False))
    assert connection.success is True


# ------------------------------------------------------------------ authentication


def test_unknown_key_is_authentication_error_everywhere():
    for call in (
        lambda c: c.profiles.list(),
        lambda c: c.profiles.get("prof123abc"),
        lambda c: c.profiles.placements("prof123abc"),
        lambda c: c.profiles.get_profile_stats("prof654jkl"),
        lambda c: c.profiles.delete("prof123abc"),
        lambda c: c.profile_groups.list(),
        lambda c: c.profile_groups.get("grp123abc"),
        lambda c: c.profile_groups.create("X"),
        lambda c: c.profile_groups.delete("grp123abc"),
        lambda c: c.profile_groups.initialize_connection(
            "grp123abc", "instagram", "https://app.example/cb"),
    ):
        error = fails(AuthenticationError, "pp_wrong_key", call, "Invalid API key")
        assert error.status_code == 401


# ------------------------------------------------------------------ scoped key


def test_scoped_key_sees_only_its_group():
    groups = run(SCOPED, lambda c: c.profile_groups.list())
    assert [g.id for g in groups.data] == ["grp456def"]
    profiles = run(SCOPED, lambda c: c.profiles.list())
    assert {p.profile_group_id for p in profiles.data} == {"grp456def"}
    assert len(profiles.data) == 3
    stats = run(SCOPED, lambda c: c.profiles.get_profile_stats(
        "prof_tg_001", placement_id="-1001234567890"))
    assert stats.data.records
    placements = run(SCOPED, lambda c: c.profiles.placements("prof_gb_001"))
    assert placements.data[0].id == "accounts/123456789/locations/987654321"


def test_scoped_key_gets_not_found_outside_and_validation_error_for_group_changes():
    fails(NotFoundError, SCOPED, lambda c: c.profile_groups.get("grp123abc"), "Not found")
    fails(NotFoundError, SCOPED, lambda c: c.profiles.get("prof123abc"), "Not found")
    fails(NotFoundError, SCOPED, lambda c: c.profiles.list(profile_group_id="grp123abc"))
    fails(ValidationError, SCOPED, lambda c: c.profile_groups.create("Nope"),
          "Your API key has no such permission")
    fails(ValidationError, SCOPED, lambda c: c.profile_groups.delete("grp456def"),
          "Your API key has no such permission")


def test_scoped_key_connects_and_deletes_in_its_own_group():
    connection = run(SCOPED, lambda c: c.profile_groups.initialize_connection(
        "grp456def", "youtube", "https://app.example/cb"))
    assert connection.success is True
    deleted = run(SCOPED, lambda c: c.profiles.delete("prof_gb_001"))
    assert deleted.success is True


def test_client_default_profile_group_id_is_sent_everywhere_and_ignored_on_groups():
    # The SDK adds the client's default profile_group_id to every request, groups included;
    # an empty default goes out as `profile_group_id=`.
    groups = run(FULL, lambda c: c.profile_groups.list(), profile_group_id="grp456def")
    assert len(groups.data) == 4
    profiles = run(FULL, lambda c: c.profiles.list(), profile_group_id="grp456def")
    assert {p.profile_group_id for p in profiles.data} == {"grp456def"}
    group = run(FULL, lambda c: c.profile_groups.get("grp123abc"), profile_group_id="")
    assert group.id == "grp123abc"


if __name__ == "__main__":
    sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", __file__]))
