"""The pictures an AppTest run of the dashboard shows: app._picture sends each SVG to the
page through the ``costmodel_picture`` component, as ``data["svg"]``."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest


def pictures(at: AppTest) -> list[str]:
    """The SVG text of each picture on the page, in page order."""
    return [json.loads(e.proto.json)["svg"] for e in at.get("bidi_component")
            if e.proto.component_name == "costmodel_picture"]
