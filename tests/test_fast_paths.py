"""The shortcuts validation takes for speed (issue 16) change nothing but the time.

* The YAML loader skips the path-resolver hooks: valid only while no path resolver exists, and
  it must compose exactly the tree PyYAML's own safe loader composes.
* validate() keeps the cycle collector off the records while it runs: the caller's collector
  state is restored and nothing is left frozen.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
import yaml

from kinerja_build import load
from kinerja_build.validate import validate

REPO = Path(__file__).resolve().parent.parent
SAMPLES = [  # files only: a case has a folder named like a record on purpose (KIN015)
    *[path for path in sorted((REPO / "records").rglob("*.yaml")) if path.is_file()][:40],
    *[path for path in sorted((REPO / "tests" / "cases").rglob("*.yaml")) if path.is_file()][:200],
]


def test_loader_has_no_path_resolvers() -> None:
    assert not load._Loader.yaml_path_resolvers


def _shape(node: yaml.Node | None) -> object:
    """A node tree as plain data: tags, values, styles and positions."""
    if node is None:
        return None
    where = (node.start_mark.line, node.start_mark.column, node.end_mark.line)
    if isinstance(node, yaml.ScalarNode):
        return (node.tag, node.value, node.style, where)
    if isinstance(node, yaml.SequenceNode):
        return (node.tag, [_shape(item) for item in node.value], where)
    return (node.tag, [(_shape(k), _shape(v)) for k, v in node.value], where)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: str(p.relative_to(REPO)))
def test_loader_composes_what_pyyaml_composes(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    try:
        expected = _shape(yaml.compose(text, Loader=yaml.CSafeLoader))
    except yaml.YAMLError:
        with pytest.raises(yaml.YAMLError):
            yaml.compose(text, Loader=load._Loader)
        return
    assert _shape(yaml.compose(text, Loader=load._Loader)) == expected


@pytest.mark.parametrize("enabled", [True, False])
def test_validate_restores_the_cycle_collector(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        result = validate(REPO)
        assert result.report.files_checked > 100
        assert gc.isenabled() is enabled
        assert gc.get_freeze_count() == 0
    finally:
        gc.enable() if was else gc.disable()
