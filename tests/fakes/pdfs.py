"""PDF files written by hand, byte by byte, for tests and the extraction bench.

No PDF library is needed to make them, so a test never depends on the library it checks. The
documents look like the ones users send: a running header and a page-number footer on every page,
headings in bold, body text wrapped to the column with long words hyphenated at line ends, one or
two columns, metadata in the Info dictionary. Also the hostile and the hopeless: an image-only
"scan", an encrypted file (RC4, a real user password), a malformed file, and two bombs (a page
tree claiming a huge page count, an object nested thousands of levels deep).

Each text document comes with its ``truth``: the body words in reading order, unhyphenated and
without headers or footers, which is what a good extraction gives back.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass, field

PAGE_W, PAGE_H = 595, 842  # A4 in points
MARGIN = 60
LEADING = 1.35
# Helvetica's average advance is about half an em for running text.
CHAR_EM = 0.5


@dataclass
class Block:
    text: str
    heading: bool = False


@dataclass
class Built:
    data: bytes
    truth: list[str] = field(default_factory=list)  # body words in reading order
    pages: int = 0


# -- a minimal PDF writer ------------------------------------------------------------------------


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _text_string(text: str) -> bytes:
    """A text string outside content streams (the Info dictionary): UTF-16BE with its BOM."""
    return b"\xfe\xff" + text.encode("utf-16-be")


_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


class _Writer:
    """Objects are numbered from 1 in the order they are added; ``write`` lays out the xref."""

    def __init__(self) -> None:
        self.objects: list[bytes | None] = []
        self.streams: dict[int, bytes] = {}
        self.key: bytes | None = None

    def reserve(self) -> int:
        self.objects.append(None)
        return len(self.objects)

    def put(self, num: int, body: bytes, stream: bytes | None = None) -> int:
        self.objects[num - 1] = body
        if stream is not None:
            self.streams[num] = stream
        return num

    def add(self, body: bytes, stream: bytes | None = None) -> int:
        return self.put(self.reserve(), body, stream)

    def _object_key(self, num: int) -> bytes:
        assert self.key is not None
        digest = hashlib.md5(self.key + num.to_bytes(3, "little") + b"\0\0").digest()
        return digest[: len(self.key) + 5]

    def write(self, root: int, info: int | None, *, encrypt: int | None = None, file_id: bytes = b"") -> bytes:
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for num, body in enumerate(self.objects, start=1):
            assert body is not None, f"object {num} reserved but never written"
            offsets.append(len(out))
            out += f"{num} 0 obj\n".encode() + body
            stream = self.streams.get(num)
            if stream is not None:
                if self.key is not None and num != encrypt:
                    stream = _rc4(self._object_key(num), stream)
                out += b"\nstream\n" + stream + b"\nendstream"
            out += b"\nendobj\n"
        xref = len(out)
        out += f"xref\n0 {len(self.objects) + 1}\n0000000000 65535 f \n".encode()
        for offset in offsets:
            out += f"{offset:010d} 00000 n \n".encode()
        trailer = f"<< /Size {len(self.objects) + 1} /Root {root} 0 R".encode()
        if info is not None:
            trailer += f" /Info {info} 0 R".encode()
        if encrypt is not None:
            trailer += f" /Encrypt {encrypt} 0 R /ID [<{file_id.hex()}> <{file_id.hex()}>]".encode()
        out += b"trailer\n" + trailer + b" >>\nstartxref\n" + str(xref).encode() + b"\n%%EOF\n"
        return bytes(out)


def _stream_dict(content: bytes, extra: str = "") -> bytes:
    return f"<< /Length {len(content)}{extra} >>".encode()


# -- layout --------------------------------------------------------------------------------------


def _wrap(words: list[str], width_chars: int, hyphenate: bool) -> list[str]:
    """Greedy line breaking; a long word that doesn't fit is split with a hyphen, as typesetters do."""
    lines: list[str] = []
    line = ""
    queue = list(words)
    while queue:
        word = queue.pop(0)
        candidate = f"{line} {word}" if line else word
        if len(candidate) <= width_chars:
            line = candidate
            continue
        room = width_chars - len(line) - (2 if line else 1)
        if hyphenate and word.isalpha() and len(word) >= 8 and room >= 4 and len(word) - room >= 3:
            lines.append(f"{line} {word[:room]}-" if line else f"{word[:room]}-")
            queue.insert(0, word[room:])
            line = ""
            continue
        lines.append(line)
        line = word
    if line:
        lines.append(line)
    return lines


@dataclass
class _Line:
    text: str
    size: float
    bold: bool = False
    gap_before: float = 0.0


def _layout(blocks: list[Block], columns: int, size: float, hyphenate: bool) -> list[list[list[_Line]]]:
    """Blocks → pages → columns → lines."""
    col_gap = 24
    col_width = (PAGE_W - 2 * MARGIN - (columns - 1) * col_gap) / columns
    height = PAGE_H - 2 * MARGIN - 40  # room for the running header and footer
    pages: list[list[list[_Line]]] = [[[]]]
    used = 0.0
    for block in blocks:
        block_size = size * 1.3 if block.heading else size
        chars = int(col_width / (block_size * CHAR_EM))
        lines = _wrap(block.text.split(), chars, hyphenate and not block.heading)
        for index, text in enumerate(lines):
            gap = block_size * 0.8 if index == 0 else 0.0
            need = block_size * LEADING + gap
            if used + need > height:
                if len(pages[-1]) < columns:
                    pages[-1].append([])
                else:
                    pages.append([[]])
                used, gap = 0.0, 0.0
                need = block_size * LEADING
            pages[-1][-1].append(_Line(text, block_size, block.heading, gap))
            used += need
    return pages


def _page_content(
    columns: list[list[_Line]], ncols: int, header: str, footer: str, header_size: float
) -> bytes:
    col_gap = 24
    col_width = (PAGE_W - 2 * MARGIN - (ncols - 1) * col_gap) / ncols
    ops = []
    if header:
        ops.append(_show("F1", header_size, MARGIN, PAGE_H - MARGIN + 10, header))
    for col, lines in enumerate(columns):
        x = MARGIN + col * (col_width + col_gap)
        y = PAGE_H - MARGIN - 30
        for line in lines:
            y -= line.gap_before + line.size * LEADING
            font = "F2" if line.bold else "F1"
            ops.append(_show(font, line.size, x, y, line.text))
    if footer:
        ops.append(_show("F1", header_size, PAGE_W / 2 - 20, MARGIN - 25, footer))
    return b"\n".join(ops)


def _show(font: str, size: float, x: float, y: float, text: str) -> bytes:
    return f"BT /{font} {size} Tf {x:.1f} {y:.1f} Td (".encode() + _escape(text) + b") Tj ET"


def _kids(kids: list[int]) -> str:
    return " ".join(f"{k} 0 R" for k in kids)


def _words(blocks: list[Block]) -> list[str]:
    return [word for block in blocks for word in block.text.split()]


def text_pdf(
    blocks: list[Block],
    *,
    title: str | None = None,
    columns: int = 1,
    header: str = "",
    footer: str = "Page {n} of {total}",
    size: float = 10.0,
    hyphenate: bool = True,
    compress: bool = True,
    user_password: str | None = None,
    lang: str | None = None,
) -> Built:
    """A text PDF of ``blocks``. ``footer`` may use {n} and {total}; ``title`` goes to /Info,
    ``lang`` to the catalog's /Lang."""
    pages = _layout(blocks, columns, size, hyphenate)
    writer = _Writer()
    file_id = hashlib.md5(repr(blocks).encode()).digest()
    encrypt_num = None
    if user_password is not None:
        encrypt_num = writer.reserve()
        o_entry, u_entry, permissions = _rc4_security(writer, user_password, file_id)
    catalog = writer.reserve()
    pages_num = writer.reserve()
    regular = writer.add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    bold = writer.add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
    kids = []
    for n, page_columns in enumerate(pages, start=1):
        content = _page_content(page_columns, columns, header, footer.format(n=n, total=len(pages)), size * 0.8)
        extra = ""
        if compress:
            content, extra = zlib.compress(content), " /Filter /FlateDecode"
        stream = writer.add(_stream_dict(content, extra), content)
        kids.append(
            writer.add(
                f"<< /Type /Page /Parent {pages_num} 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] "
                f"/Resources << /Font << /F1 {regular} 0 R /F2 {bold} 0 R >> >> /Contents {stream} 0 R >>".encode()
            )
        )
    writer.put(pages_num, f"<< /Type /Pages /Kids [{_kids(kids)}] /Count {len(kids)} >>".encode())
    language = f" /Lang ({lang})" if lang and user_password is None else ""  # (strings would need encrypting)
    writer.put(catalog, f"<< /Type /Catalog /Pages {pages_num} 0 R{language} >>".encode())
    info = None
    if title is not None:
        info = writer.add(b"<< /Title <" + _text_string(title).hex().encode() + b"> /Producer (newsbot test writer) >>")
    if encrypt_num is not None:
        writer.put(
            encrypt_num,
            f"<< /Filter /Standard /V 1 /R 2 /Length 40 /P {permissions} "
            f"/O <{o_entry.hex()}> /U <{u_entry.hex()}> >>".encode(),
        )
        if info is not None:  # strings are encrypted too
            plain = b"newsbot test writer"
            writer.objects[info - 1] = (
                b"<< /Title <" + _rc4(writer._object_key(info), _text_string(title or "")).hex().encode()
                + b"> /Producer <" + _rc4(writer._object_key(info), plain).hex().encode() + b"> >>"
            )
    data = writer.write(catalog, info, encrypt=encrypt_num, file_id=file_id)
    return Built(data, _words(blocks), len(pages))


def _rc4_security(writer: _Writer, user_password: str, file_id: bytes) -> tuple[bytes, bytes, int]:
    """The Standard security handler, revision 2 (40-bit RC4): the O and U entries and the file
    key (algorithms 2, 3 and 4 of ISO 32000-1 §7.6.3)."""
    padded_user = (user_password.encode("latin-1") + _PAD)[:32]
    owner_key = hashlib.md5((b"owner-" + user_password.encode("latin-1") + _PAD)[:32]).digest()[:5]
    o_entry = _rc4(owner_key, padded_user)
    permissions = -44  # print and copy allowed; the value is signed 32-bit
    key = hashlib.md5(padded_user + o_entry + permissions.to_bytes(4, "little", signed=True) + file_id).digest()[:5]
    writer.key = key
    return o_entry, _rc4(key, _PAD), permissions


def scanned_pdf(pages: int = 2) -> Built:
    """Pages that are only a picture of text, as a scanner makes them: no text layer at all."""
    writer = _Writer()
    catalog = writer.reserve()
    pages_num = writer.reserve()
    side = 64
    pixels = bytes((x * 7 + y * 13) % 200 + 40 for y in range(side) for x in range(side))
    image_data = zlib.compress(pixels)
    image = writer.add(
        _stream_dict(
            image_data,
            f" /Type /XObject /Subtype /Image /Width {side} /Height {side} /ColorSpace /DeviceGray "
            "/BitsPerComponent 8 /Filter /FlateDecode",
        ),
        image_data,
    )
    kids = []
    for _ in range(pages):
        content = f"q {PAGE_W} 0 0 {PAGE_H} 0 0 cm /Im1 Do Q".encode()
        stream = writer.add(_stream_dict(content), content)
        kids.append(
            writer.add(
                f"<< /Type /Page /Parent {pages_num} 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] "
                f"/Resources << /XObject << /Im1 {image} 0 R >> >> /Contents {stream} 0 R >>".encode()
            )
        )
    writer.put(pages_num, f"<< /Type /Pages /Kids [{_kids(kids)}] /Count {pages} >>".encode())
    writer.put(catalog, f"<< /Type /Catalog /Pages {pages_num} 0 R >>".encode())
    return Built(writer.write(catalog, None), [], pages)


def malformed_pdf() -> bytes:
    """Starts like a PDF, then is nothing a reader can make sense of (a broken upload)."""
    return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R\n" + bytes(range(256)) * 8 + b"\n%%EO"


def many_pages_bomb(pages: int = 200_000) -> bytes:
    """A page tree listing one tiny page ``pages`` times: a small file that claims a huge page
    count, and a reader that walks every page is busy for a long time."""
    writer = _Writer()
    catalog = writer.reserve()
    pages_num = writer.reserve()
    content = b"BT /F1 12 Tf 72 720 Td (Page) Tj ET"
    stream = writer.add(_stream_dict(content), content)
    font = writer.add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    page = writer.add(
        f"<< /Type /Page /Parent {pages_num} 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] "
        f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {stream} 0 R >>".encode()
    )
    kids = f"{page} 0 R ".encode() * pages
    writer.put(pages_num, b"<< /Type /Pages /Kids [" + kids + f"] /Count {pages} >>".encode())
    writer.put(catalog, f"<< /Type /Catalog /Pages {pages_num} 0 R >>".encode())
    return writer.write(catalog, None)


def deep_nesting_bomb(depth: int = 100_000) -> bytes:
    """A one-page document whose page carries an array nested ``depth`` levels deep: a reader that
    parses it by recursion runs out of stack."""
    writer = _Writer()
    catalog = writer.reserve()
    pages_num = writer.reserve()
    content = b"BT /F1 12 Tf 72 720 Td (Deep) Tj ET"
    stream = writer.add(_stream_dict(content), content)
    page = writer.add(
        f"<< /Type /Page /Parent {pages_num} 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] /Contents {stream} 0 R "
        "/Annots ".encode()
        + b"[" * depth
        + b"]" * depth
        + b" >>"
    )
    writer.put(pages_num, f"<< /Type /Pages /Kids [{page} 0 R] /Count 1 >>".encode())
    writer.put(catalog, f"<< /Type /Catalog /Pages {pages_num} 0 R >>".encode())
    return writer.write(catalog, None)


def inflation_bomb(megabytes: int = 100) -> bytes:
    """One page whose content stream inflates to ``megabytes`` MB of spaces from about a
    thousandth of that on disk (zlib's best ratio)."""
    writer = _Writer()
    catalog = writer.reserve()
    pages_num = writer.reserve()
    packer = zlib.compressobj(9)
    blank = b" " * (1 << 20)
    packed = b"".join(packer.compress(blank) for _ in range(megabytes)) + packer.flush()
    stream = writer.add(_stream_dict(packed, " /Filter /FlateDecode"), packed)
    page = writer.add(
        f"<< /Type /Page /Parent {pages_num} 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] /Contents {stream} 0 R >>".encode()
    )
    writer.put(pages_num, f"<< /Type /Pages /Kids [{page} 0 R] /Count 1 >>".encode())
    writer.put(catalog, f"<< /Type /Catalog /Pages {pages_num} 0 R >>".encode())
    return writer.write(catalog, None)
