"""Sphinx extension: each script of a page is included once.

In a Jupyter Book 1.0.4 build, sphinx-thebe's and sphinx-togglebutton's inline scripts end up
twice in every page (registered once with filename ``None`` and once with ``""``, which Sphinx
does not recognise as the same script).  Declaring thebe's ``const THEBE_JS_URL`` twice is a
JavaScript error on every page load, so we drop repeated entries from each page's scripts.
"""


def _key(script):
    attributes = getattr(script, "attributes", {})
    filename = getattr(script, "filename", script) or ""     # inline scripts: None or "", the same
    return str(filename), tuple(sorted((k, str(v)) for k, v in attributes.items()))


def unique_scripts(app, pagename, templatename, context, doctree):
    scripts, seen = [], set()
    for script in context.get("script_files", []):
        if _key(script) not in seen:
            seen.add(_key(script))
            scripts.append(script)
    context["script_files"] = scripts


def setup(app):
    # last, after the themes and myst-nb have added their scripts to the page
    app.connect("html-page-context", unique_scripts, priority=999)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
