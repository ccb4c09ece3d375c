"""A page saved from a government portal: lxml, not regular expressions.

Site chrome goes (scripts, styles, navigation, breadcrumbs, headers and footers, share and print
widgets, forms); the portal's metadata panel (标题, 文号/发文字号, 发布机构/发文机关, 成文日期/
发文日期, 发布日期, 索引号, 主题分类) is read as metadata, never as body; the body is the part of
the page that holds the most text in paragraphs, read in document order with its tables kept as
tables.
"""

from __future__ import annotations

import re
from typing import Any

from policygraph.errors import SourceError
from policygraph.i18n import N_
from policygraph.text.document import Block, SourceDocument, assemble, clean
from policygraph.text.readers.plain import decode

VERSION = "4"
_DROP_TAGS = (
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
    "iframe", "button", "select", "input", "textarea", "svg", "object", "embed",
)  # fmt: skip
_CHROME = re.compile(
    r"nav|menu|breadcrumb|crumb|footer|foot|header|head-|topbar|banner|share|bdshare|print|"
    r"tool|sidebar|side-|copyright|position|location|dqwz|related|xgwz|search|login|qrcode|"
    r"erweima|fontsize|font-size|zihao|jiathis",
    re.I,
)
_LABELS = {
    "标题": "title",
    "名称": "title",
    "文号": "number",
    "发文字号": "number",
    "发布机构": "issuer",
    "发文机关": "issuer",
    "发文单位": "issuer",
    "成文日期": "date",
    "发文日期": "date",
    "印发日期": "date",
    "发布日期": "published",
    "发布时间": "published",
    "索引号": "index",
    "主题分类": "subject",
    "分类": "subject",
    "主题词": "keywords",
    "有效性": "validity",
}
# A label may be spaced out to line up (索 引 号：, 标　　题：)
_LABEL = re.compile(
    r"^\s*(?P<label>"
    + "|".join("[\\s\u3000]*".join(label) for label in _LABELS)
    + r")\s*[:：]\s*(?P<value>.*)$",
    re.S,
)
# Another label where a value runs on into it (文号：合政〔2022〕118号生成日期：2022-09-20)
_NEXT_LABEL = re.compile(
    r"(?:" + "|".join(_LABELS) + r"|生成日期|信息来源|来源|浏览次数|字号|有效性)[:：]"
)
_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "table", "pre", "blockquote", "dd", "dt"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


def read_html(data: bytes, name: str) -> SourceDocument:
    import lxml.html

    text = _decode(data, name)
    try:
        root = lxml.html.document_fromstring(text)
    except Exception as exc:  # lxml raises ParserError, ValueError, … for what it cannot read
        raise SourceError(
            N_("{file}: cannot read as HTML ({reason})"),
            code="html-unreadable",
            file=name,
            reason=str(exc),
        ) from exc
    _drop_chrome(root)
    metadata = _metadata_panel(root)
    title = root.findtext(".//title") or ""
    body = _main(root)
    blocks = list(_blocks(body))
    if not blocks:
        raise SourceError(
            N_("{file}: the page has no text (is it only a frame or a script?)"),
            code="html-empty",
            file=name,
        )
    if title and "title" not in metadata:
        metadata["page_title"] = clean(title)
    return assemble(blocks, "html", VERSION, "text/html", None, metadata)


# XHTML's declaration (<?xml version="1.0" encoding="GB2312"?>): lxml refuses it in a decoded
# string, and the text is decoded here, by the declared charset or encoding
_XML_DECLARATION = re.compile(r"^\ufeff?\s*<\?xml\b[^>]*\?>")


def _decode(data: bytes, name: str) -> str:
    head = data[:2048].decode("ascii", "replace").lower()
    m = re.search(r"(?:charset|encoding)\s*=\s*[\"']?([a-z0-9_-]+)", head)
    if m and m.group(1) in ("gb2312", "gbk", "gb18030"):
        try:
            return _XML_DECLARATION.sub("", data.decode("gb18030"), count=1)
        except UnicodeDecodeError:
            pass
    return _XML_DECLARATION.sub("", decode(data, name)[0], count=1)


def _drop_chrome(root: Any) -> None:
    for el in list(root.iter(*_DROP_TAGS)):
        el.drop_tree()
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None:
            continue
        marks = f"{el.get('class', '')} {el.get('id', '')} {el.get('role', '')}"
        if _CHROME.search(marks) and _paragraph_text(el) < 200:
            el.drop_tree()


def _paragraph_text(el: Any) -> int:
    """How much CJK text ``el`` holds outside links."""
    total = sum(1 for ch in el.text_content() if "\u4e00" <= ch <= "\u9fff")
    links = sum(1 for a in el.iter("a") for ch in a.text_content() if "\u4e00" <= ch <= "\u9fff")
    return total - links


def _metadata_panel(root: Any) -> dict[str, str]:
    """Label/value pairs of the portal's panel, removed from the page as they are read."""
    found: dict[str, str] = {}
    for row in list(root.iter("tr")):
        cells = [clean(c.text_content()) for c in row if c.tag in ("td", "th")]
        # labels are spaced out to line up (标　　题：, 索 引 号：)
        pairs = [(_label(cells[i]), cells[i + 1]) for i in range(0, len(cells) - 1, 2)]
        pairs = [(k, v) for k, v in pairs if k or v]
        known = [(k, v) for k, v in pairs if k in _LABELS]
        if known and len(known) == len(pairs):
            for k, v in known:
                found.setdefault(_LABELS[k], v)
            _drop_row(row)
    _label_beside_value(root, found)
    for el in list(root.iter("li", "span", "p", "div", "dd", "td")):
        if el.getparent() is None or len(el.text_content()) > 200:
            continue
        m = _LABEL.match(el.text_content())
        if m and m.group("value").strip() and not any(_labelled(c) for c in el):
            # the value ends where another label starts, spaced or glued (…118号生成日期：…)
            value = clean(m.group("value"))
            value = _NEXT_LABEL.split(value, maxsplit=1)[0]
            value = re.split(r"[\s\u3000]+(?=[\u4e00-\u9fff]{2,6}[:：])", value)[0]
            found.setdefault(_LABELS[_label(m.group("label"))], value.strip("\u3000 "))
            el.drop_tree()
    return {k: v for k, v in found.items() if v}


def _label_beside_value(root: Any, found: dict[str, str]) -> None:
    """A label alone in its element and its value in the next one: <dt>标题：</dt><dd>…</dd>,
    <span class="label">文号：</span><span>…</span>."""
    for el in list(root.iter("dt", "span", "th", "b", "strong", "label", "em")):
        if el.getparent() is None:
            continue
        m = _LABEL.match(el.text_content())
        after = el.getnext()
        if m is None or m.group("value").strip() or after is None:
            continue
        value = clean(after.text_content())
        if value and not _LABEL.match(value) and len(value) <= 200:
            found.setdefault(_LABELS[_label(m.group("label"))], value)
            after.drop_tree()
            el.drop_tree()


def _labelled(el: Any) -> bool:
    """True when ``el`` holds a label and its value (not a label alone: <span>标题：</span>)."""
    m = _LABEL.match(el.text_content())
    return m is not None and bool(m.group("value").strip())


def _label(cell: str) -> str:
    return re.sub(r"[\s\u3000]", "", cell).rstrip("：:")


def _drop_row(row: Any) -> None:
    table = next(row.iterancestors("table"), None)
    row.drop_tree()
    if table is not None and not list(table.iter("tr")):
        table.drop_tree()


def _main(root: Any) -> Any:
    """The element holding the body: the most paragraph text, and little of it in links."""
    body = root.find("body")
    if body is None:
        return root
    best, best_score = body, 0
    for el in body.iter("div", "article", "section", "td", "main"):
        score = _paragraph_text(el)
        if score > best_score * 1.0 and score >= 0.6 * _paragraph_text(body):
            best, best_score = el, score  # deeper elements come later: the tightest wins
    return best


def _blocks(el: Any) -> Any:
    """Headings, paragraphs and tables of ``el`` in document order."""
    if el.tag == "table":
        yield from _table_blocks(el)
        return
    if el.tag in _BLOCKS or not any(isinstance(c.tag, str) and _is_block(c) for c in el):
        for line in _lines(el):
            yield Block("heading" if el.tag in _HEADINGS else "paragraph", line)
        return
    if el.text and el.text.strip():
        yield Block("paragraph", clean(el.text))
    for child in el:
        if isinstance(child.tag, str):
            yield from _blocks(child)
        if child.tail and child.tail.strip():
            yield Block("paragraph", clean(child.tail))


def _table_blocks(table: Any) -> Any:
    """A data table as a table; a layout table as the blocks of its cells."""
    if _layout(table):
        for cell in table.iter("td", "th"):
            if next(cell.iterancestors("table")) is table:
                yield from _blocks(cell)
        return
    rows = _table(table)
    if rows:
        yield Block("table", rows=rows)


def _layout(table: Any) -> bool:
    """A table that lays out a page (cells holding tables, blocks, headings or long text), not
    data. Paragraphs in cells do not make one: Word-exported task tables put a <p> in every cell."""
    for cell in table.iter("td", "th"):
        if next(cell.iterancestors("table")) is not table:
            continue
        if (
            any(c.tag in ("table", "div", "h1", "h2", "h3") for c in cell.iter() if c is not cell)
            or len(cell.text_content()) > 300
        ):
            return True
    return False


def _is_block(el: Any) -> bool:
    return el.tag in _BLOCKS or el.tag in ("div", "section", "article", "ul", "ol", "dl", "center")


def _lines(el: Any) -> list[str]:
    """The text of a block element, one line per <br>-separated part."""
    for br in el.iter("br"):
        br.tail = "\u2028" + (br.tail or "")
    return [line for line in (clean(part) for part in el.text_content().split("\u2028")) if line]


def _table(table: Any) -> tuple[tuple[str, ...], ...]:
    """The rows of a table, merged cells (rowspan, colspan) repeated in each row they cover."""
    rows: list[tuple[str, ...]] = []
    carried: dict[int, tuple[str, int]] = {}  # column → (text, rows still covered)
    for tr in table.iter("tr"):
        if next(tr.iterancestors("table")) is not table:
            continue  # a nested table's rows belong to its cell
        row: list[str] = []
        cells = [td for td in tr if td.tag in ("td", "th")]
        while cells or len(row) in carried:
            col = len(row)
            if col in carried:
                text, left = carried.pop(col)
                row.append(text)
                if left > 1:
                    carried[col] = (text, left - 1)
                continue
            td = cells.pop(0)
            text = _cell(td)
            for k in range(_span(td, "colspan")):
                row.append(text)
                if _span(td, "rowspan") > 1:
                    carried[col + k] = (text, _span(td, "rowspan") - 1)
        if any(row):
            rows.append(tuple(c.replace("\n", " ") for c in row))
    return tuple(rows)


def _cell(td: Any) -> str:
    """A cell's text; its paragraphs and line breaks as lines (joined by spaces in the row)."""
    paragraphs = [c for c in td if c.tag in ("p", "div")]
    if paragraphs:
        return "\n".join(line for p in paragraphs for line in _lines(p))
    if td.find(".//br") is not None:
        return "\n".join(_lines(td))
    return clean(td.text_content())


def _span(td: Any, attribute: str) -> int:
    try:
        return max(1, min(50, int(td.get(attribute, "1"))))
    except ValueError:
        return 1
