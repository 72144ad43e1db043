"""The pytest plugin's fixtures, used as a user's suite uses them, with the official SDK."""

import asyncio
import os

import pytest
from postproxy import NotFoundError, PostProxy, RateLimitError

from postproxy_mock import ControlError, MockError


def run(mock, key, call):
    async def go():
        async with PostProxy(key, base_url=mock.base_url) as client:
            return await call(client)

    return asyncio.run(go())


def test_the_plugin_is_registered_by_the_install(pytestconfig):
    assert pytestconfig.pluginmanager.hasplugin("postproxy_mock")


def test_the_session_server_serves_the_demo_data(postproxy_mock):
    assert postproxy_mock.base_url.startswith("http://127.0.0.1:")
    assert postproxy_mock.control_url == postproxy_mock.base_url + "/__mock"
    assert postproxy_mock.full_access_key == "pp_demo_full_0123456789abcdef"
    assert postproxy_mock.scoped_key == "pp_demo_scoped_0123456789abcdef"
    groups = run(postproxy_mock, postproxy_mock.scoped_key, lambda c: c.profile_groups.list())
    assert [g.id for g in groups.data] == ["grp456def"]


def test_an_account_is_a_copy_of_the_demo_data_with_its_own_keys(postproxy_mock, postproxy_account):
    assert postproxy_account.full_access_key.startswith("pp_test_")
    assert list(postproxy_account.scoped_keys) == ["grp456def"]
    profiles = run(postproxy_mock, postproxy_account.full_access_key, lambda c: c.profiles.list())
    assert len(profiles.data) == 15
    scoped = run(postproxy_mock, postproxy_account.scoped_key, lambda c: c.profile_groups.list())
    assert [g.id for g in scoped.data] == ["grp456def"]


def test_what_one_account_deletes_another_still_has(postproxy_mock, postproxy_account):
    other = postproxy_mock.new_account()
    try:
        run(postproxy_mock, postproxy_account.full_access_key, lambda c: c.profiles.delete("prof_li_001"))
        with pytest.raises(NotFoundError):
            run(postproxy_mock, postproxy_account.full_access_key, lambda c: c.profiles.get("prof_li_001"))
        kept = run(postproxy_mock, other.full_access_key, lambda c: c.profiles.get("prof_li_001"))
        assert kept.id == "prof_li_001"
    finally:
        other.delete()


def test_an_empty_account(postproxy_mock):
    account = postproxy_mock.new_account({})
    try:
        assert account.scoped_keys == {}
        groups = run(postproxy_mock, account.full_access_key, lambda c: c.profile_groups.list())
        assert groups.data == []
        group = account.control.add_group("Injected", id="grp_inj")
        assert group == {"id": "grp_inj", "name": "Injected", "profiles_count": 0}
        got = run(postproxy_mock, account.full_access_key, lambda c: c.profile_groups.get("grp_inj"))
        assert got.name == "Injected"
    finally:
        account.delete()


def test_a_fault_reaches_the_sdk_and_the_journal_counts_it(postproxy_mock, postproxy_account):
    control = postproxy_account.control
    fault = control.add_fault(method="GET", path="/api/profiles/*", status=429, retry_after=7)
    assert [f["id"] for f in control.faults()] == [fault["id"]]
    with pytest.raises(RateLimitError):
        run(postproxy_mock, postproxy_account.full_access_key, lambda c: c.profiles.get("prof_li_001"))
    assert control.faults() == []
    page = control.journal(method="GET")
    assert [(e["path"], e["status"]) for e in page["entries"]] == [("/api/profiles/prof_li_001", 429)]
    control.clear_journal()
    assert control.journal()["entries"] == []


def test_the_clock_polls_stats(postproxy_account):
    control = postproxy_account.control
    control.set_clock(now="2026-06-30T12:00:00Z", frozen=True)
    report = control.advance_clock(hours=23)
    assert report["clock"] == {"now": "2026-07-01T11:00:00Z", "frozen": True}
    assert report["effects"]["snapshots_recorded"] > 0
    assert control.clock() == {"now": "2026-07-01T11:00:00Z", "frozen": True}


def test_injection_and_fixture_round_trip(postproxy_mock, postproxy_account):
    control = postproxy_account.control
    control.add_profile(
        "grp123abc",
        {"id": "prof_x", "name": "@x", "platform": "instagram", "status": "active"},
    )
    control.patch_profile("prof_x", {"status": "inactive"})
    control.rename_group("grp123abc", "Renamed")
    control.add_placement("prof_tg_001", {"id": "-100555", "name": "New channel"})
    control.add_snapshot("prof_yt_001", {"stats": {"subscriberCount": 15400}, "recorded_at": "2026-05-12T08:00:00Z"})
    profile = run(postproxy_mock, postproxy_account.full_access_key, lambda c: c.profiles.get("prof_x"))
    assert profile.status == "inactive"
    exported = control.export_fixture()
    copy = postproxy_mock.new_account({"profile_groups": exported["profile_groups"]})
    try:
        assert copy.control.export_fixture()["profile_groups"] == exported["profile_groups"]
    finally:
        copy.delete()
    control.reset()
    with pytest.raises(NotFoundError):
        run(postproxy_mock, postproxy_account.full_access_key, lambda c: c.profiles.get("prof_x"))


def test_the_connect_flow(postproxy_mock, postproxy_account):
    async def connect(c):
        return await c.profile_groups.initialize_connection(
            "grp123abc", "instagram", "https://app.example/cb"
        )

    run(postproxy_mock, postproxy_account.full_access_key, connect)
    pending = postproxy_account.control.connections()
    assert [(p["platform"], p["profile_group_id"]) for p in pending] == [("instagram", "grp123abc")]
    outcome = postproxy_account.control.authorize_connection(pending[0]["token"])
    assert outcome["redirect_to"].startswith("https://app.example/cb?status=success")
    assert postproxy_account.control.connections() == []


def test_control_errors_carry_the_status_and_the_servers_message(postproxy_mock):
    with pytest.raises(ControlError) as caught:
        postproxy_mock.control.create_account({"profile_groups": [{"id": "g", "name": " "}]})
    assert caught.value.status == 422
    assert caught.value.message == "Invalid account at profile_groups[0].name: must not be blank"
    with pytest.raises(ControlError) as caught:
        postproxy_mock.control.account("acct_nope")
    assert caught.value.status == 404
    assert isinstance(caught.value, MockError)


def test_parallel_workers_each_have_their_own_server(postproxy_mock):
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    marker = postproxy_mock.control.create_account({"id": f"acct_marker_{worker}"})
    try:
        ids = sorted(a["id"] for a in postproxy_mock.control.accounts())
        assert ids == sorted(["acct_demo", f"acct_marker_{worker}"]), ids
    finally:
        postproxy_mock.control.delete_account(marker["id"])
