"""Article extraction: HTML (or plain text) in, a clean ``Article`` out, or a clear ExtractError.

trafilatura does the heavy lifting (main-text detection, title/date/site metadata). Around it,
in the order a page goes through them:

1. cleanup: parse, and strip hidden elements (carriers for prompt injection, notes/security.md
   §e.1.7); invisible characters go with bot.text.clean.clean_text wherever text is taken.
2. page: language, canonical URL, meta tags and visible-text signals, read from the page itself.
3. jsonld: the schema.org article node, whose ``articleBody`` is the fallback text.
4. paragraphs: the boilerplate lines news sites append to the article body, removed.
5. walls: *why* a page had no text (paywall, consent wall, login wall, JS-only shell).
6. metadata: byline, date and site name.

PDFs (links and uploads) take their own path: pdf.py, text from PDFium cleaned into paragraphs.

article.py ties the steps together.
"""

from bot.extract.article import extract_article, extract_html, extract_plain_text, pdf_article
from bot.extract.paragraphs import clean_paragraphs
from bot.extract.pdf import PdfLimits
from bot.text.clean import clean_text

__all__ = ["PdfLimits", "clean_paragraphs", "clean_text", "extract_article", "extract_html", "extract_plain_text",
           "pdf_article"]
