"""PDFs end to end (issue 18): a PDF link and an uploaded PDF are summarized like articles, with
verified quotes and questions answered from them; scans, encrypted and broken files get their
reason; a PDF bomb is refused within the caps."""

from __future__ import annotations

import pytest

from bot.callbacks import AskSuggested, decode
from tests.e2e.llm_scripts import answer, schema_name
from tests.fakes import pdfs
from tests.fakes.article_server import ArticleServer
from tests.fakes.openai_api import FakeOpenAI
from tests.fakes.pdf_samples import HARBOUR_QUOTE, HARBOUR_SPEAKER, court_ruling, press_release
from tests.fakes.telegram_api import FakeTelegram

pytestmark = pytest.mark.e2e

NO_LLM = {"OPENAI_BASE_URL": "", "OPENAI_API_KEY": ""}
PDF = "application/pdf"
FUNDING_QUESTION = "How will the expansion be paid for?"
OKAFOR_QUOTE = "Shore power was the first thing they asked for"


def settled(fake: FakeTelegram, chat: int, count: int, timeout: float = 60.0):
    return fake.wait_for_messages(chat, count, timeout=timeout,
                                  predicate=lambda m: not m.plain_text.startswith("⏳"))


def harbour_summary() -> dict:
    return {
        "headline": "Northbay approves 240 million euro harbour expansion",
        "bullets": ["The Port Authority board approved two new deep-water berths by seven votes to two.",
                    "Shore power will cut harbour nitrogen oxide emissions by about 40 per cent."],
        "key_quotes": [{"quote": HARBOUR_QUOTE, "speaker": HARBOUR_SPEAKER},
                       {"quote": "This is the happiest day of my life", "speaker": HARBOUR_SPEAKER}],  # invented
        "questions": [FUNDING_QUESTION],
        "language": "en",
    }


def test_pdf_link_summary_with_verified_quote_and_answer(
    bot_process, fake_telegram: FakeTelegram, fake_openai: FakeOpenAI, article_server: ArticleServer
) -> None:
    def respond(request: dict) -> dict:
        if schema_name(request) == "article_answer":
            return answer("Half comes from a regional development bank loan, the rest from port revenues and a "
                          "federal grant.", quotes=[{"quote": OKAFOR_QUOTE, "speaker": "Tomas Okafor"}])
        return harbour_summary()

    fake_openai.set_responder(respond)
    url = article_server.add("/docs/harbour-release.pdf", press_release().data, content_type=PDF)
    bot_process()
    chat = 8101
    fake_telegram.push_message(chat, url)
    [summary] = settled(fake_telegram, chat, 1)
    text = summary.plain_text
    assert text.startswith("Northbay approves 240 million euro harbour expansion")
    assert "PDF, 1 page · 2 min read" in text  # the header line: pages and reading time
    assert f"“{HARBOUR_QUOTE}” — {HARBOUR_SPEAKER}" in text  # verified against the PDF's text
    assert "happiest day" not in text  # not in the document: dropped
    summary_request = next(r for r in fake_openai.requests if schema_name(r) != "article_answer")
    prompt = summary_request["messages"][-1]["content"]
    assert "regional development bank" in prompt and "Page 1 of 1" not in prompt

    # the suggested question is answered from the PDF (it is the active article)
    [button] = [d for d in summary.callback_data if isinstance(decode(d), AskSuggested)]
    fake_telegram.push_callback(chat, summary.message_id, button)
    [_, reply] = settled(fake_telegram, chat, 2)
    assert "regional development bank loan" in reply.plain_text
    assert f"“{OKAFOR_QUOTE}” — Tomas Okafor" in reply.plain_text
    question = [r for r in fake_openai.requests if schema_name(r) == "article_answer"][-1]
    user = question["messages"][1]["content"]
    assert FUNDING_QUESTION in user and "shore power installation" in user
    assert not fake_telegram.errors


def test_uploaded_pdf_is_summarized_once_per_content(
    bot_process, fake_telegram: FakeTelegram, article_server: ArticleServer
) -> None:
    bot = bot_process(env=NO_LLM)
    data = court_ruling().data
    chat = 8102
    for n in (1, 2):  # the same file sent twice, under another name: read once (keyed by its bytes)
        fake_telegram.add_file(f"ruling-{n}", data)
        fake_telegram.push_message(chat, None, document={"file_id": f"ruling-{n}", "file_name": f"ruling-{n}.pdf",
                                                         "mime_type": PDF, "file_size": len(data)})
        settled(fake_telegram, chat, n)
    first, second = [m.plain_text.splitlines() for m in fake_telegram.messages(chat)]
    assert first[0].startswith("Judgment of the Administrative Court of Westmark")  # the document's heading
    assert first[1].startswith("ruling-1.pdf · PDF, 2 pages · ") and first[1].endswith("min read")
    assert second[1].startswith("ruling-2.pdf · PDF, 2 pages · ")  # each sender's own file name
    assert first[2:] == second[2:] and "Case 4 K 112/25" not in "\n".join(first)
    assert bot.logs().count('msg="pdf read" file=') == 1
    assert not fake_telegram.errors


@pytest.mark.parametrize(
    ("path", "make", "expected"),
    [
        ("/scan.pdf", lambda: pdfs.scanned_pdf().data, "looks like scanned pages or pictures of text"),
        ("/locked.pdf", lambda: pdfs.text_pdf([pdfs.Block("Board minutes. " * 80)], user_password="pw").data,
         "protected with a password"),
        ("/broken.pdf", pdfs.malformed_pdf, "damaged or isn't really a PDF"),
    ],
    ids=["scanned", "encrypted", "malformed"],
)
def test_unreadable_pdf_links_get_their_reason(
    bot_process, fake_telegram: FakeTelegram, article_server: ArticleServer, path: str, make, expected: str
) -> None:
    url = article_server.add(path, make(), content_type=PDF)
    bot_process(env=NO_LLM)
    chat = 8103
    fake_telegram.push_message(chat, url)
    [reply] = settled(fake_telegram, chat, 1)
    assert reply.plain_text.startswith("⚠️") and expected in reply.plain_text
    assert not fake_telegram.errors


def test_uploaded_scan_is_refused_in_the_readers_language(
    bot_process, fake_telegram: FakeTelegram, article_server: ArticleServer
) -> None:
    bot_process(env=NO_LLM)
    data = pdfs.scanned_pdf(3).data
    fake_telegram.add_file("scan-1", data)
    fake_telegram.push_message(8104, None, language_code="de",
                               document={"file_id": "scan-1", "file_name": "Scan 2025-03-14.pdf",
                                         "mime_type": PDF, "file_size": len(data)})
    [reply] = settled(fake_telegram, 8104, 1)
    assert "eingescannten Seiten" in reply.plain_text


def test_pdf_bombs_are_refused_within_the_caps(
    bot_process, fake_telegram: FakeTelegram, article_server: ArticleServer
) -> None:
    many = article_server.add("/many.pdf", pdfs.many_pages_bomb(200_000), content_type=PDF)
    deep = article_server.add("/deep.pdf", pdfs.deep_nesting_bomb(100_000), content_type=PDF)
    zeros = article_server.add("/zeros.pdf", pdfs.inflation_bomb(64), content_type=PDF)
    bot = bot_process(env={**NO_LLM, "PDF_MAX_PAGES": "50", "PDF_MAX_UNPACKED_BYTES": str(16 * 1024 * 1024)})
    chat = 8105
    fake_telegram.push_message(chat, many)
    [reply] = settled(fake_telegram, chat, 1)
    assert "This PDF has 200000 pages; I read documents of up to 50 pages." in reply.plain_text
    fake_telegram.push_message(chat, deep)
    [_, reply] = settled(fake_telegram, chat, 2)
    assert reply.plain_text.startswith("⚠️") and "PDF" in reply.plain_text
    fake_telegram.push_message(chat, zeros)
    [*_, reply] = settled(fake_telegram, chat, 3)
    assert "unpacks into far more data than a document needs" in reply.plain_text
    # the bot is still there and reads the next document
    fake_telegram.push_message(chat, article_server.add("/ok.pdf", press_release().data, content_type=PDF))
    [*_, ok] = settled(fake_telegram, chat, 4)
    assert "PDF, 1 page" in ok.plain_text
    assert "Traceback" not in bot.logs()


def test_in_groups_a_pdf_is_read_only_when_the_bot_is_asked(
    bot_process, fake_telegram: FakeTelegram, article_server: ArticleServer
) -> None:
    bot = bot_process(env=NO_LLM)
    group = -810600
    data = press_release().data
    fake_telegram.add_file("release", data)
    document = {"file_id": "release", "file_name": "release.pdf", "mime_type": PDF, "file_size": len(data)}
    fake_telegram.push_message(group, None, chat_type="group", user_id=8106, document=document)
    fake_telegram.push_message(group, None, caption="@newsbot_test_bot", chat_type="group", user_id=8106,
                               document=document)
    [reply] = settled(fake_telegram, group, 1)
    assert "release.pdf · PDF, 1 page" in reply.plain_text
    assert len(fake_telegram.calls_of("getFile")) == 1  # the file nobody asked about was never downloaded
    assert bot.logs().count('msg="pdf read" file=') == 1
    assert fake_telegram.messages(group) == [reply]
