"""The plugin's options, ini keys and teardown, through inner pytest sessions (pytester)."""

import json


def test_each_test_gets_a_fresh_account_deleted_afterwards(pytester):
    pytester.makepyfile(
        """
        seen = []

        def test_first(postproxy_mock, postproxy_account):
            seen.append(postproxy_account.id)
            ids = [a["id"] for a in postproxy_mock.control.accounts()]
            assert postproxy_account.id in ids

        def test_second(postproxy_mock, postproxy_account):
            ids = [a["id"] for a in postproxy_mock.control.accounts()]
            assert seen[0] not in ids, "the first test's account was deleted"
            assert postproxy_account.id != seen[0]
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_fixtures_and_seed_from_the_command_line_and_the_ini_file(pytester):
    fixture = {
        "accounts": [
            {
                "id": "acct_mine",
                "api_keys": [{"key": "pp_mine_full"}],
                "profile_groups": [{"id": "grp_mine", "name": "Mine"}],
            }
        ]
    }
    pytester.makefile(".json", mine=json.dumps(fixture))
    pytester.makepyfile(
        """
        def test_mine(postproxy_mock, postproxy_account):
            assert postproxy_mock.full_access_key == "pp_mine_full"
            assert postproxy_mock.account.id == "acct_mine"
            info = postproxy_account.control.export_fixture()
            assert [g["id"] for g in info["profile_groups"]] == ["grp_mine"]
            print("ACCOUNT", postproxy_account.id)
        """
    )
    by_flag = pytester.runpytest_subprocess(
        "-s", "--postproxy-mock-fixtures", "mine.json", "--postproxy-mock-seed", "7"
    )
    by_flag.assert_outcomes(passed=1)
    pytester.makeini("[pytest]\npostproxy_mock_fixtures = mine.json\npostproxy_mock_seed = 7\n")
    by_ini = pytester.runpytest_subprocess("-s")
    by_ini.assert_outcomes(passed=1)
    # The same seed draws the same account id.
    ids = [account_id(by_flag), account_id(by_ini)]
    assert ids[0] == ids[1], ids
    other_seed = pytester.runpytest_subprocess("-s", "--postproxy-mock-seed", "8")
    other_seed.assert_outcomes(passed=1)
    assert account_id(other_seed) != ids[0]


def account_id(result):
    """The account id an inner session printed as `ACCOUNT <id>`."""
    found = [line.split("ACCOUNT ")[1] for line in result.outlines if "ACCOUNT " in line]
    assert len(found) == 1, result.outlines
    return found[0]


def test_an_invalid_fixture_file_fails_with_the_servers_message(pytester):
    pytester.makefile(
        ".json",
        broken=json.dumps(
            {"accounts": [{"profile_groups": [{"id": "g", "name": "G", "profiles": [
                {"id": "p", "name": "P", "platform": "twitter", "status": "sleeping"}
            ]}]}]}
        ),
    )
    pytester.makepyfile("def test_x(postproxy_mock):\n    pass\n")
    result = pytester.runpytest_subprocess("--postproxy-mock-fixtures", "broken.json")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*MockStartError*", "*accounts[[]0[]].profile_groups[[]0[]].profiles[[]0[]].status*"])


def test_a_missing_binary_is_named(pytester, monkeypatch):
    pytester.makepyfile("def test_x(postproxy_mock):\n    pass\n")
    monkeypatch.setenv("POSTPROXY_MOCK_BINARY", "/nonexistent/postproxy-mock")
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*BinaryNotFoundError*/nonexistent/postproxy-mock does not exist*"])


def test_a_bad_seed_in_the_ini_file_is_a_usage_error(pytester):
    pytester.makeini("[pytest]\npostproxy_mock_seed = lots\n")
    pytester.makepyfile("def test_x(postproxy_mock):\n    pass\n")
    result = pytester.runpytest_subprocess()
    assert result.ret != 0
    result.stderr.fnmatch_lines(["*postproxy_mock_seed must be a whole number*"])


def test_tests_that_do_not_use_the_fixtures_start_no_server(pytester, monkeypatch):
    pytester.makepyfile("def test_x():\n    pass\n")
    monkeypatch.setenv("POSTPROXY_MOCK_BINARY", "/nonexistent/postproxy-mock")
    pytester.runpytest_subprocess().assert_outcomes(passed=1)
