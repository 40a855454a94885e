"""The plain-text twin of a Markdown body reads as Markdown-ish text: headings stay
headings, lists keep their markers (nested and loose ones too), links give their address,
tables and quotes stay readable."""

from outbox.emails import html_to_text


def test_html_becomes_text_that_keeps_its_structure():
    html = (
        "<h1>Title</h1><h2>Part</h2><h3>Small</h3>"
        "<p>Some <em>soft</em> and <strong>firm</strong> words,<br>then a "
        '<a href="https://learn.example.org/x/">link</a>, <a href="mailto:a@example.org">'
        'a@example.org</a> and <a href="https://learn.example.org/y/">'
        "https://learn.example.org/y/</a>.</p>\n"
        "<ul>\n<li><p>loose one</p></li>\n<li><p>loose two</p></li>\n</ul>\n"
        "<ul><li>tight<ol><li>nested</li><li>two</li></ol></li><li>back</li></ul>"
        "<table><thead><tr><th>a</th><th>b</th></tr></thead>"
        "<tbody><tr><td>1</td><td>2</td></tr></tbody></table>"
        "<blockquote><p>a quote</p></blockquote><hr>"
    )
    assert html_to_text(html) == (
        "Title\n=====\n\n"
        "Part\n----\n\n"
        "### Small\n\n"
        "Some _soft_ and *firm* words,\nthen a link (https://learn.example.org/x/), "
        "a@example.org and https://learn.example.org/y/.\n\n"
        "- loose one\n\n- loose two\n\n"
        "- tight\n  1. nested\n  2. two\n- back\n\n"
        "a | b\n1 | 2\n\n"
        "> a quote\n\n"
        "* * *\n"
    )
