"""The READMEs' tests run as written: the package README as shipped in the wheel's metadata,
and the repository README's Python section (test-installed.sh names it in $REPO_README)."""

import os
import re
from importlib.metadata import metadata
from pathlib import Path

import pytest


def package_readme():
    meta = metadata("postproxy-mock")
    return meta["Description"] or meta.get_payload()


def readme_tests(readme):
    """The ```python blocks that are test files: `# test_NAME.py` on their first line."""
    return re.findall(r"```python\n(# (test_\w+)\.py\n.*?)```", readme, re.S)


def run_blocks(pytester, blocks):
    for code, name in blocks:
        pytester.makepyfile(**{name: code})
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=len(blocks))


def test_the_package_readme_test_passes(pytester):
    blocks = readme_tests(package_readme())
    assert [name for _, name in blocks] == ["test_groups"]
    run_blocks(pytester, blocks)


def test_the_repository_readme_test_passes(pytester):
    path = os.environ.get("REPO_README")
    if not path:
        pytest.skip("REPO_README is not set (test-installed.sh sets it)")
    blocks = readme_tests(Path(path).read_text())
    assert [name for _, name in blocks] == ["test_groups"]
    run_blocks(pytester, blocks)


def test_the_package_readme_example_without_pytest_runs(pytester):
    blocks = re.findall(
        r"```python\n(from postproxy_mock import MockServer\n.*?)```", package_readme(), re.S
    )
    assert len(blocks) == 1
    script = pytester.makepyfile(example=blocks[0])
    result = pytester.runpython(script)
    assert result.ret == 0, result.stderr.str()
    assert result.outlines[1:3] == [
        "pp_demo_full_0123456789abcdef",
        "pp_demo_scoped_0123456789abcdef",
    ]
