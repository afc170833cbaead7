"""The package's import graph: no module imports another that (through any chain) imports it
back, and Qt stays in ``deskapp.ui``. The import-linter contracts in pyproject.toml keep the
layers and features apart; this test catches a circle inside one feature too."""

from __future__ import annotations

import grimp
import pytest


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("deskapp", include_external_packages=True)


def import_circles(graph: grimp.ImportGraph) -> list[str]:
    circles = []
    for module in sorted(m for m in graph.modules if m.startswith("deskapp")):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if not imported.startswith("deskapp") or imported == module:
                continue
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if back:
                circles.append(" -> ".join((module, *back)))
    return circles


def test_no_module_is_part_of_an_import_circle(graph: grimp.ImportGraph) -> None:
    assert import_circles(graph) == []


def test_an_added_circle_is_reported() -> None:
    graph = grimp.build_graph("deskapp")
    graph.add_import(importer="deskapp.core.store.models", imported="deskapp.core.review.workflow")
    circles = import_circles(graph)
    assert any(c.startswith("deskapp.core.store.models -> deskapp.core.review.workflow -> ") for c in circles)


def test_only_the_window_imports_qt(graph: grimp.ImportGraph) -> None:
    users = {m for m in graph.find_modules_that_directly_import("PySide6")}
    assert users and all(m.startswith("deskapp.ui.") for m in users)
