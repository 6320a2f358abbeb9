"""Hostile input and a hostile environment.

* Escaping: every free-text field of a copy of data/ (and the title parameter)
  carries script payloads; the rendered page, opened from disk in Chromium,
  runs none of them and shows them as text.
* URLs with javascript: or data: schemes are refused at validation (exit 2).
* Reproducible bytes: a render from another checkout directory, with another
  time zone, locale, hash seed and HOME, is byte-identical to the session's
  render from this checkout; no paths, host or user names or times leak in.
* No network: during that render every socket in the render process and its
  kernel is watched (a sitecustomize on PYTHONPATH); nothing but loopback and
  Unix sockets is attempted. In the browser every request is file://.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from pages import shown_text

from bakhmut_report.load import params
from bakhmut_report.model.paths import DATA_DIR as DEFAULT_DATA_DIR
from bakhmut_report.present.html import environment, json_for_script
from bakhmut_report.run.export import plotly_js
from helpers import PROJECT, edit_csv, read_csv, write_csv

pytestmark = pytest.mark.slow

SCRIPT = "<script>window.__pwned=1</script>"
ATTRIBUTE = '"><img src=x onerror="window.__pwned=1">'
END_SCRIPT = "</script><script>alert(1)</script>"
JS_URL = "javascript:alert(1)"
SVG = "'><svg onload=alert(1)>"
PAYLOADS = [SCRIPT, ATTRIBUTE, END_SCRIPT, JS_URL, SVG]
TITLE = "</title><script>alert(1)</script>" + SCRIPT
QUOTE_BREAKING_URL = 'https://example.org/?q="><script>window.__pwned=1</script>'


def claim_quote(claim_id: str) -> str:
    return f'<script>window.__pwned="{claim_id}"</script> "><img src=x onerror=alert(1)>'


def poison(data: Path) -> str:
    """Put a payload into every free-text field, keeping ids, enums, dates and URLs valid.

    Returns the id of the source whose URL is http but would break out of an attribute.
    """
    counter = iter(range(10**6))

    def payload() -> str:
        return PAYLOADS[next(counter) % len(PAYLOADS)]

    def edit(name: str, columns: tuple[str, ...], fill_empty: tuple[str, ...] = (), change=None) -> None:
        rows = read_csv(data / name)
        header = rows[0]
        for row in rows[1:]:
            for column in columns:
                i = header.index(column)
                if row[i] or column in fill_empty:
                    row[i] = f"{row[i]} {payload()}".strip()
            if change:
                change(header, row)
        write_csv(data / name, rows)

    def variants(header, row):
        i = header.index("name_variants")
        row[i] = ";".join(filter(None, [row[i], SCRIPT, ATTRIBUTE.strip()]))

    edit("sources.csv", ("publisher", "title", "original_publisher", "original_title", "note"), fill_empty=("note",))
    rows = read_csv(data / "sources.csv")
    rows[1][rows[0].index("url")] = QUOTE_BREAKING_URL  # valid for the schema (http, no spaces), inert in the page
    unsafe_source = rows[1][rows[0].index("source_id")]
    write_csv(data / "sources.csv", rows)
    edit("settlements.csv", ("name", "population_note", "note"), change=variants)
    edit(
        "events.csv", ("title_en", "title_nl", "statement_by", "note_en", "note_nl"), fill_empty=("note_en", "note_nl")
    )
    edit("routes.csv", ("name_en", "name_nl", "note"))
    edit("article.csv", ("text_en",))
    edit("article.csv", ("text_nl",))

    # a claim's quote must occur verbatim in its block: append a quote payload to the block, quote that
    claims = read_csv(data / "article_claims.csv")
    article = read_csv(data / "article.csv")
    ch, ah = claims[0], article[0]
    blocks = {row[ah.index("block_id")]: row for row in article[1:]}
    for row in claims[1:]:
        quote = claim_quote(row[ch.index("claim_id")])
        block = blocks[row[ch.index("block_id")]]
        block[ah.index("text_nl")] += " " + quote
        row[ch.index("quote_nl")] = quote
        row[ch.index("claim_en")] += " " + payload()
        row[ch.index("arguments")] = ";".join(
            f"{item} {SCRIPT}" if item.startswith(("why_en=", "why_nl=")) else item
            for item in row[ch.index("arguments")].split(";")
        )
    write_csv(data / "article_claims.csv", claims)
    write_csv(data / "article.csv", article)
    return unsafe_source


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A report rendered (in process) from poisoned data with a poisoned title: its html and unsafe_source."""
    from bakhmut_report.run.render import render

    base = tmp_path_factory.mktemp("hostile")
    data = base / "data"
    shutil.copytree(DEFAULT_DATA_DIR, data)
    unsafe_source = poison(data)
    result = render(params.load(None, [f"title={TITLE}"]), base / "out", data_dir=data)
    return SimpleNamespace(html=result.html, unsafe_source=unsafe_source)


@pytest.fixture(scope="module")
def hostile_page(browser, hostile):
    """The hostile report in Chromium, with every dialog, console error, page error and request recorded."""
    context = browser.new_context()
    pg = context.new_page()
    pg.dialogs, pg.errors, pg.requests = [], [], []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.on("console", lambda m: m.type == "error" and pg.errors.append(m.text))
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.on("request", lambda r: pg.requests.append(r.url))
    pg.goto(hostile.html.as_uri())
    pg.wait_for_selector("#bakhmut-map[data-ready=true]", timeout=20000)
    # drive report.js through every month (it fills lists and hover text from the data) and the search box
    months = pg.evaluate("JSON.parse(document.getElementById('bk-data').textContent).months.length")
    for i in range(months):
        pg.eval_on_selector(
            "#bk-month", "(el, i) => { el.value = String(i); el.dispatchEvent(new Event('input')); }", i
        )
    pg.fill("#bk-search", "<script>")
    pg.fill("#bk-search", "")
    # hover labels (plotly renders a subset of HTML in them): hover each marker whose hover text carries a
    # payload and read what plotly drew, a frame later
    pg.hovers = pg.evaluate("""async () => {
        const div = document.getElementById('bakhmut-map'), shown = [];
        const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
        for (let curve = 0; curve < div.data.length; curve++) {
            const trace = div.data[curve];
            if (trace.hoverinfo === 'skip') continue;
            for (let point = 0; point < (trace.customdata || []).length; point++) {
                if (!/pwned|onload|onerror/.test(String(trace.customdata[point]))) continue;  // escaped payloads
                Plotly.Fx.hover(div, [{curveNumber: curve, pointNumber: point}], 'geo');
                await frame();
                div.querySelectorAll('.hoverlayer .hovertext').forEach(n => shown.push(n.textContent));
            }
        }
        return shown;
    }""")
    yield pg
    context.close()


def test_hostile_data_passes_validation_and_renders(hostile):
    html = hostile.html.read_text(encoding="utf-8")
    assert html.count(SCRIPT) == 0, "a payload reached the page unescaped"
    assert html.count("&lt;script&gt;window.__pwned=1&lt;/script&gt;") >= 20


def test_no_injected_script_runs(hostile_page):
    pg = hostile_page
    assert pg.evaluate("typeof window.__pwned") == "undefined"
    assert pg.dialogs == [], pg.dialogs
    assert pg.errors == [], pg.errors
    injected = pg.evaluate("""() => ({
        handlers: document.querySelectorAll('[onerror], [onload], [onclick], [onmouseover]').length,
        images: [...document.images].map(i => i.getAttribute('src')),
        svgOnload: document.querySelectorAll('svg[onload]').length,
        scripts: [...document.scripts]
                     .filter(s => s.type !== 'application/json' && /__pwned|alert\\(/.test(s.text)).length,
        jsLinks: [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))
                     .filter(h => !/^(https?:|#)/i.test(h)),
    })""")
    assert injected == {"handlers": 0, "images": [], "svgOnload": 0, "scripts": 0, "jsLinks": []}, injected


def test_payloads_are_shown_as_text(hostile_page, hostile):
    pg = hostile_page
    assert pg.title() == TITLE
    assert pg.inner_text("header.bk-header h1") == TITLE
    body = pg.inner_text("body")
    for payload in PAYLOADS:
        assert payload in body, payload
    assert claim_quote("c01") in shown_text(pg, "#article #claim-c01")  # a claim's quote, in its block
    unsafe = f'li[data-id="{hostile.unsafe_source}"]'
    assert pg.locator(unsafe).count() == 1 and pg.locator(f"{unsafe} a").count() == 0, "an unsafe URL is not linked"
    assert ATTRIBUTE in shown_text(pg, unsafe), "its title is still shown, as text"
    hover = " ".join(pg.hovers)
    assert SCRIPT in hover or "window.__pwned=1" in hover, "hover labels were drawn, as text"


def test_browser_requests_only_local_files(hostile_page):
    assert hostile_page.requests and all(u.startswith("file://") for u in hostile_page.requests), [
        u for u in hostile_page.requests if not u.startswith("file://")
    ]


@pytest.mark.parametrize(
    "url", [JS_URL, "JavaScript:alert(1)", "data:text/html,<script>alert(1)</script>", "//evil.example/x.js"]
)
def test_unsafe_url_schemes_are_refused_by_the_cli(tmp_path, data_copy, url, run_cli):
    line = edit_csv(data_copy / "sources.csv", ("source_id", "bbc-2022-12-20-zelensky-visits-bakhmut"), "url", url)
    out = tmp_path / "out"
    run = run_cli("render", "--data", data_copy, "--out", out, timeout=120)
    assert run.returncode == 2, run.stderr
    assert (
        f"data/sources.csv:{line}: column 'url', value {url!r}: must be an http:// or https:// address "
        "(javascript:, data: and other schemes are refused)"
    ) in run.stderr, run.stderr
    assert "Traceback" not in run.stderr and run.stdout == "" and not out.exists()


@pytest.mark.parametrize(
    "url", [JS_URL, "data:text/html,x", 'https://x/"onmouseover="alert(1)', "https://x/<b>", "https://x/ y", "ftp://x/"]
)
def test_links_are_made_only_for_plain_http_urls(url):
    link = environment().get_template("macros.html.j2").module.link
    html = str(link(url, "<b>t</b>"))
    assert "<a " not in html and html == "&lt;b&gt;t&lt;/b&gt;"
    assert str(link("https://example.org/a?b=1&c=2", "t")) == '<a href="https://example.org/a?b=1&amp;c=2">t</a>'


def test_json_in_script_elements_cannot_end_them():
    text = json_for_script({"a": "</script><!--<script>", "b": "&amp;\u2028"})
    assert not re.search(r"[<>&]", text)


# --- another checkout, environment and network ------------------------------------------------------------

SITECUSTOMIZE = '''\
"""Test harness (tests/test_hostile.py): refuse and record any connection that leaves the machine."""
import ipaddress
import os
import socket

_LOG = os.environ["BAKHMUT_NET_LOG"]


def _note(kind, what):
    with open(_LOG, "a", encoding="utf-8") as handle:
        handle.write(f"{os.getpid()} {kind} {what!r}\\n")


def _local(address):
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return True
    host = str(address[0]).split("%")[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: it would need DNS


def _guard(name, address_of):
    original = getattr(socket.socket, name)

    def guarded(self, *args):
        address = address_of(args)
        if self.family != getattr(socket, "AF_UNIX", None) and not _local(address):
            _note(name, address)
            raise OSError(101, "network access blocked by the test")
        return original(self, *args)

    setattr(socket.socket, name, guarded)


_guard("connect", lambda args: args[0])
_guard("connect_ex", lambda args: args[0])
_guard("sendto", lambda args: args[-1])
_resolve = socket.getaddrinfo


def getaddrinfo(host, *args, **kwargs):
    if host is not None and not _local((host.decode() if isinstance(host, bytes) else host, 0)):
        _note("getaddrinfo", host)
        raise socket.gaierror(socket.EAI_NONAME, "name resolution blocked by the test")
    return _resolve(host, *args, **kwargs)


socket.getaddrinfo = getaddrinfo
with open("/proc/self/cmdline", "rb") as _cmdline:
    _note("loaded", _cmdline.read().replace(b"\\0", b" ").decode(errors="replace")[:200])
'''


def checkout_copy(target: Path) -> Path:
    """The repository's files (tracked, plus untracked ones not ignored) and nothing else, under ``target``."""
    listed = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=PROJECT,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, listed):
        source = PROJECT / name
        if source.is_file():  # deleted in the working tree: not part of the checkout
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def other_locale() -> str:
    ambient = os.environ.get("LC_ALL") or os.environ.get("LANG") or "C"
    available = subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout.split()
    choices = [loc for loc in available if loc.lower().replace("-", "") != ambient.lower().replace("-", "")]
    return next((loc for loc in choices if loc.lower() not in ("c.utf8", "c.utf-8")), choices[0] if choices else "C")


HOST, USER = "bakhmut-probe-host", "bakhmut-probe-user"


def own_hostname() -> list[str]:
    """A command prefix giving the render its own, distinctive host name, if this machine allows it."""
    prefix = ["unshare", "--uts", "sh", "-c", f'hostname {HOST} && exec "$@"', "sh"]
    try:
        ok = subprocess.run(prefix + ["true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        ok = False
    return prefix if ok else []


@pytest.fixture(scope="module")
def foreign(tmp_path_factory):
    """The CLI render in a fresh copy of the checkout, another TZ/locale/HOME/user/host, sockets watched."""
    base = tmp_path_factory.mktemp("elsewhere")
    repo = checkout_copy(base / "checkout")
    harness = base / "harness"
    harness.mkdir()
    (harness / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    home = base / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "BAKHMUT_", "PYTHON", "COVERAGE"))}
    env.update(
        PYTHONPATH=f"{harness}{os.pathsep}{repo / 'src'}",
        BAKHMUT_NET_LOG=str(base / "network.log"),
        TZ="Asia/Tokyo",
        LC_ALL=other_locale(),
        LANG="nl_NL.UTF-8",
        PYTHONHASHSEED="4242",
        HOME=str(home),
        USER=USER,
        LOGNAME=USER,
        PYTHONDONTWRITEBYTECODE="1",
    )
    prefix = own_hostname()
    run = subprocess.run(
        prefix + [sys.executable, "-m", "bakhmut_report", "render", "--out", str(base / "out")],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    selftest_env = dict(env, BAKHMUT_NET_LOG=str(base / "selftest.log"))
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import socket\n"
            "for target in (('192.0.2.1', 80), ('example.org', 443)):\n"
            "    try: socket.create_connection(target, timeout=1)\n"
            "    except OSError: pass\n",
        ],
        cwd=base,
        env=selftest_env,
        timeout=60,
    )
    return {
        "run": run,
        "repo": repo,
        "home": home,
        "out": base / "out",
        "env": env,
        "host": HOST if prefix else None,
        "log": (base / "network.log").read_text(encoding="utf-8").splitlines(),
        "selftest": (base / "selftest.log").read_text(encoding="utf-8").splitlines(),
    }


def test_foreign_render_used_the_copy(foreign):
    run = foreign["run"]
    assert run.returncode == 0, run.stderr
    loaded = [line for line in foreign["log"] if " loaded " in line]
    assert any("bakhmut_report" in line for line in loaded), loaded
    assert any("ipykernel_launcher" in line for line in loaded), "the socket watch must run in the kernel too"
    import_check = subprocess.run(
        [sys.executable, "-c", "import bakhmut_report; print(bakhmut_report.__file__)"],
        cwd=foreign["repo"],
        env=foreign["env"],
        capture_output=True,
        text=True,
    )
    assert import_check.stdout.startswith(str(foreign["repo"])), import_check.stdout


def test_renders_are_byte_identical_across_checkout_tz_and_locale(foreign, rendered):
    """The session's in-process render here == the CLI render in the copy, elsewhere in every way."""
    assert foreign["run"].returncode == 0, foreign["run"].stderr
    for ours in (rendered.html, rendered.notebook):
        mine, theirs = ours.read_bytes(), (foreign["out"] / ours.name).read_bytes()
        if mine != theirs:
            at = next(
                (i for i, (a, b) in enumerate(zip(mine, theirs, strict=False)) if a != b), min(len(mine), len(theirs))
            )
            pytest.fail(
                f"{ours.name} differs at byte {at}:\n here      {mine[max(at - 100, 0) : at + 100]!r}\n"
                f" elsewhere {theirs[max(at - 100, 0) : at + 100]!r}"
            )


def test_outputs_name_no_paths_hosts_users_or_times(foreign, rendered):
    js, _ = plotly_js()
    today = dt.date.today()
    forbidden = [
        str(PROJECT),
        str(foreign["repo"]),
        str(foreign["home"]),
        str(Path.home()),
        "/tmp/",
        USER,
        today.isoformat(),
        today.strftime("%d-%m-%Y"),
        today.strftime("%Y%m%d"),
    ]
    forbidden += [foreign["host"]] if foreign["host"] else [h for h in (socket.gethostname(),) if len(h) >= 6]
    for path in (rendered.html, rendered.notebook, foreign["out"] / "report.html", foreign["out"] / "report.ipynb"):
        text = path.read_text(encoding="utf-8").replace(js, "")
        assert not [word for word in forbidden if word in text], f"{path.name} names {forbidden}"
        assert not re.search(r"\b\d{1,2}:\d{2}:\d{2}\b|\d{4}-\d{2}-\d{2}T\d{2}", text), "a wall-clock time"


def test_render_attempts_no_network(foreign):
    assert foreign["run"].returncode == 0, foreign["run"].stderr
    caught = [line for line in foreign["selftest"] if " loaded " not in line]
    assert any("192.0.2.1" in line for line in caught) and any("example.org" in line for line in caught), (
        f"the watch must catch a direct connection and a name lookup (self-test): {caught}"
    )
    assert [line for line in foreign["log"] if " loaded " not in line] == []
