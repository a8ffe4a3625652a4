"""Every page each role can open is valid HTML by the W3C Nu HTML Checker (vnu-jar, pinned in
package.json, run with Java): no error. The pages are the GET routes of the access matrix that answer
200 for the role. Skipped locally without Java or the jar; a failure in CI (.ci/run installs both).

Decision: htmx's own attributes (hx-post, hx-target, …) are not in the HTML standard, and vnu
reports each one; those messages, and only those, are left out (htmx also reads data-hx-*, but
every template, test and script would change for no difference to a user)."""
import json
import os
import re
import shutil
import subprocess

import pytest

from access_matrix import USERS
from conftest import Auth
from test_access_matrix import _objects
from test_browser_pages import _pages

JAR = os.path.join(os.path.dirname(__file__), os.pardir, "node_modules", "vnu-jar", "build", "dist", "vnu.jar")


def _checker():
    java = shutil.which("java")
    if java and os.path.exists(JAR):
        return java
    if os.environ.get("CI"):
        pytest.fail("Java and node_modules/vnu-jar are required in CI (.ci/run installs them)")
    pytest.skip("the Nu HTML Checker needs Java and node_modules/vnu-jar (npm ci)")


def test_every_page_of_every_role_is_valid_html(app, tmp_path):
    java = _checker()
    objects = _objects()
    files = {}
    for role in ("own", "reviewer", "viewer", "admin", "anon"):
        client = app.test_client()
        if USERS[role]:
            assert Auth(client).login(USERS[role]).status_code == 302, role
        paths = _pages(role, objects) if role != "anon" else ["/login", "/forgot-password"]
        for path in paths:
            response = client.get(path)
            if response.status_code != 200 or not response.mimetype == "text/html":
                continue
            name = tmp_path / f"{role}-{len(files)}.html"
            name.write_bytes(response.data)
            files[str(name)] = f"{role} {path}"
    assert len(files) > 40
    result = subprocess.run([java, "-Xss4m", "-jar", JAR, "--format", "json", "--errors-only", *files],
                            capture_output=True, text=True, timeout=600)
    messages = json.loads(result.stderr)["messages"]
    checked = {m.get("url", "").removeprefix("file:") for m in messages}
    assert len(checked & set(files)) > 10  # the checker read the pages (htmx attributes are everywhere)
    problems = sorted({f"{files.get(m.get('url', '').removeprefix('file:'), m.get('url'))}: {m['message']}"
                       for m in messages if m.get("type") == "error"
                       and not re.search(r"Attribute “hx-[a-z-]+” not allowed", m["message"])})
    assert problems == []
