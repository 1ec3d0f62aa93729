"""What the dashboard sends through its components in an AppTest run: each component's data
by the component's name; the pictures (app._picture sends each SVG through the
``costmodel_picture`` component, as ``data["svg"]``)."""

from __future__ import annotations

import json
from typing import Any

from streamlit.testing.v1 import AppTest


def component_data(at: AppTest, name: str) -> list[dict[str, Any]]:
    """The data of each instance of component ``name`` on the page, in page order."""
    return [json.loads(e.proto.json) for e in at.get("bidi_component")
            if e.proto.component_name == name]


def pictures(at: AppTest) -> list[str]:
    """The SVG text of each picture on the page, in page order."""
    return [data["svg"] for data in component_data(at, "costmodel_picture")]
