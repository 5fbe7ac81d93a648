"""Sphinx extension: the page bodies pass axe-core's WCAG 2.1 A/AA rules.

docutils writes a bibliography as ``<div role="list">`` holding ``<div role="doc-biblioentry">``
entries: ``doc-biblioentry`` is deprecated in DPUB-ARIA 1.1, and a ``list`` must hold ``listitem``
children.  Each entry becomes a ``listitem``; the list and its entries are otherwise unchanged.
"""


def fix_roles(app, pagename, templatename, context, doctree):
    if "body" in context:
        context["body"] = context["body"].replace('role="doc-biblioentry"', 'role="listitem"')


def setup(app):
    app.connect("html-page-context", fix_roles)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
