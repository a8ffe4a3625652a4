"""Every page each role can open is valid HTML by the W3C Nu HTML Checker (vnu-jar, pinned in
package.json, run with Java): no error. The pages are the GET routes of the access matrix that answer
200 for the role. Skipped locally without Java or the jar; a failure in CI (.ci/run installs both).

htmx's attributes are written data-hx-* (htmx reads both spellings; only data-* is valid HTML), so no
message is filtered out. A page known to be invalid is checked with the others: the checker must
report it, so the test cannot pass because the checker read nothing."""
import json
import os
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
    for role in ("own", "other", "reviewer", "viewer", "admin", "anon"):
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
    broken = tmp_path / "known-invalid.html"
    broken.write_text('<!DOCTYPE html><html lang="en"><head><title>x</title></head>'
                      '<body><div hx-post="/x"><p>bare htmx attribute</p></div></body></html>')
    files[str(broken)] = "known-invalid"
    result = subprocess.run([java, "-Xss4m", "-jar", JAR, "--format", "json", "--errors-only", *files],
                            capture_output=True, text=True, timeout=600)
    messages = json.loads(result.stderr)["messages"]
    problems = sorted({f"{files.get(m.get('url', '').removeprefix('file:'), m.get('url'))}: {m['message']}"
                       for m in messages if m.get("type") == "error"})
    assert problems == ["known-invalid: Attribute “hx-post” not allowed on element “div” at this point."]
