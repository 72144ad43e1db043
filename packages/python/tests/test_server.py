"""MockServer directly: start and stop, and every way it can go wrong."""

import os
import signal
import stat

import pytest

from postproxy_mock import (
    BINARY_ENV,
    BinaryNotFoundError,
    ControlError,
    MockError,
    MockExitedError,
    MockServer,
    MockStartError,
    find_binary,
)


def test_the_wheel_installed_the_program():
    path = find_binary()
    assert os.path.basename(path) == "postproxy-mock"
    assert os.access(path, os.X_OK)


def test_fixtures_as_a_dict_and_a_seed():
    fixture = {"accounts": [{"id": "acct_a", "api_keys": [{}, {"profile_group_id": "g1"}],
                             "profile_groups": [{"id": "g1", "name": "One"}]}]}
    with MockServer(fixtures=fixture, seed=42) as first, MockServer(fixtures=fixture, seed=42) as second:
        # Generated keys follow the seed.
        assert first.full_access_key == second.full_access_key
        assert first.full_access_key.startswith("pp_test_")
        assert first.account.scoped_keys == {"g1": first.scoped_key}
    with MockServer(fixtures=fixture, seed=43) as third:
        assert third.full_access_key != first.full_access_key


def test_stop_twice_and_a_stopped_server_says_it_exited():
    mock = MockServer().start()
    mock.stop()
    mock.stop()
    with pytest.raises(MockExitedError, match="has exited"):
        mock.control.accounts()


def test_the_server_dying_mid_test_is_reported_with_its_last_stderr_lines():
    with MockServer() as mock:
        mock.control.accounts()
        os.kill(mock.pid, signal.SIGKILL)
        with pytest.raises(MockExitedError) as caught:
            mock.new_account({})
        message = str(caught.value)
        assert "has exited with signal 9" in message
        # The last lines it wrote (its startup summary) come with the error.
        assert "base URL: " + mock.base_url in message
        assert caught.value.returncode == -9
        assert any(mock.base_url in line for line in caught.value.stderr)


def test_an_invalid_fixture_is_refused_with_the_field_path():
    broken = {"accounts": [{"profile_groups": [{"id": "g", "name": "G", "profiles": [
        {"id": "p", "name": "P", "platform": "myspace", "status": "active"}]}]}]}
    with pytest.raises(MockStartError) as caught:
        MockServer(fixtures=broken).start()
    message = str(caught.value)
    assert "exited with exit code 1 before it was ready" in message
    assert "accounts[0].profile_groups[0].profiles[0].platform" in message
    assert "myspace" in message


def test_a_missing_fixture_file_is_named():
    with pytest.raises(MockStartError, match="no-such-file.json"):
        MockServer(fixtures="/tmp/no-such-file.json").start()


def test_a_missing_binary(monkeypatch):
    monkeypatch.setenv(BINARY_ENV, "/nonexistent/postproxy-mock")
    with pytest.raises(BinaryNotFoundError, match="/nonexistent/postproxy-mock does not exist"):
        MockServer().start()


def test_a_binary_that_is_not_executable(monkeypatch, tmp_path):
    copy = tmp_path / "postproxy-mock"
    copy.write_bytes(open(find_binary(), "rb").read())
    copy.chmod(stat.S_IRUSR | stat.S_IWUSR)
    monkeypatch.setenv(BINARY_ENV, str(copy))
    with pytest.raises(BinaryNotFoundError, match="is not executable"):
        MockServer().start()


def test_using_it_before_start_says_so():
    with pytest.raises(MockError, match="not started"):
        MockServer().base_url


def test_control_errors_are_mock_errors_with_status_and_message():
    with MockServer() as mock:
        with pytest.raises(ControlError) as caught:
            mock.control.add_fault("acct_demo", status=200)
        assert caught.value.status == 422
        assert caught.value.method == "POST"
        assert caught.value.path == "/__mock/accounts/acct_demo/faults"
        assert caught.value.message  # the server's own words
        assert isinstance(caught.value, MockError)


def test_it_ignores_http_proxies_from_the_environment(monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    with MockServer() as mock:
        assert mock.control.accounts()[0]["id"] == "acct_demo"


def test_a_public_url_from_the_environment_is_the_base_url_and_control_still_works():
    with MockServer(env={"POSTPROXY_MOCK_PUBLIC_URL": "http://mock.example:1234"}) as mock:
        assert mock.base_url == "http://mock.example:1234"
        assert mock.control_url == "http://mock.example:1234/__mock"
        assert mock.control.accounts()[0]["id"] == "acct_demo"
