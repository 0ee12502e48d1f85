import re


def test_every_page_has_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert re.search(r"script-src 'self' 'nonce-[\w-]+'", csp)
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_nonce_changes_per_request(client):
    first = client.get("/").headers["Content-Security-Policy"]
    second = client.get("/").headers["Content-Security-Policy"]
    nonce = re.compile(r"'nonce-([\w-]+)'")
    assert nonce.search(first).group(1) != nonce.search(second).group(1)


def test_only_the_tile_server_is_allowed_for_images(client):
    csp = client.get("/").headers["Content-Security-Policy"]
    assert "img-src 'self' data: blob: http://tiles.test" in csp


def test_error_pages_have_headers_too(client):
    assert "Content-Security-Policy" in client.get("/no-such-page").headers


EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.I)


def test_home_page_loads_nothing_from_another_host(client):
    page = client.get("/").get_data(as_text=True)
    assert not EXTERNAL.search(page)
