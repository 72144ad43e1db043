"""The suite runs against the INSTALLED package (a fresh venv with the built wheel): it must
never import postproxy_mock from the source tree."""

import postproxy_mock


def pytest_report_header(config):
    return f"postproxy_mock {postproxy_mock.__version__} from {postproxy_mock.__file__}"

# pytester runs inner pytest sessions, to test the plugin's options and its teardown.
pytest_plugins = ["pytester"]
