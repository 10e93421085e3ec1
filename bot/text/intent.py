"""What a plain chat message means: a question, or chatter (a greeting, thanks, emoji, a typo).

A message reads as a question when it has a question mark (any script's), starts with an
interrogative or a request to explain in one of the languages the bot speaks, or holds an
interrogative particle (Russian "ли"). Everything else is chatter: answering it from an article
would only produce "the article doesn't cover that".
"""

from __future__ import annotations

import re
from enum import Enum

QUESTION_MARKS = "?？¿؟\u037e"  # Latin, full-width, Spanish opening, Arabic, Greek

# First words that make a question or a request for an answer, per language (lower case).
INTERROGATIVES: dict[str, frozenset[str]] = {
    "en": frozenset(
        "who whom whose what when where why how which is are was were do does did can could will would "
        "should shall has have had may might must explain tell describe summarize summarise list name".split()
    ),
    "de": frozenset(
        "wer wen wem wessen was wann wo woher wohin warum wieso weshalb weswegen wie welche welcher welches "
        "welchen ist sind war waren hat haben gibt kann können wird werden soll sollte erkläre erklär "
        "erzähl erzähle nenne beschreibe".split()
    ),
    "fr": frozenset(
        "qui que quoi quand où pourquoi comment quel quelle quels quelles combien est-ce lequel laquelle "
        "explique expliquez dis dites décris raconte".split()
    ),
    "es": frozenset(
        "qué que quién quiénes cuándo dónde adónde porqué cómo cuál cuáles cuánto cuánta cuántos "
        "cuántas explica explícame dime describe cuenta".split()
    ),
    "ru": frozenset(
        "кто кого кому что чего чем когда где куда откуда почему зачем как какой какая какое какие каков "
        "сколько чей чья чьё чьи ли разве неужели объясни объясните расскажи расскажите опиши".split()
    ),
}
_ALL_INTERROGATIVES = frozenset().union(*INTERROGATIVES.values())
_PARTICLES = frozenset({"ли"})  # Russian yes/no questions: "Известно ли, ..."
_LEADS = frozenset("and so but then also und aber et mais donc alors y pero entonces por и а но так".split())
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_GREETINGS = frozenset(
    "hi hello hey hiya yo thanks thank thx ty bye hallo servus moin danke tschüss "
    "salut bonjour merci coucou hola gracias vale adiós привет здравствуйте спасибо пока".split()
)


class Intent(Enum):
    QUESTION = "question"
    GREETING = "greeting"  # hello, thanks, bye: answered in kind, with a hint
    CHATTER = "chatter"  # emoji, gibberish, a statement: a hint of what the bot does


def words_of(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def reads_as_question(text: str) -> bool:
    """A question mark anywhere, an interrogative first word (or second, after "and", "so"…), or a
    question particle."""
    if any(mark in text for mark in QUESTION_MARKS):
        return True
    words = words_of(text)
    if not words:
        return False
    first = 1 if words[0] in _LEADS and len(words) > 1 else 0
    if words[first] in _ALL_INTERROGATIVES:
        return len(words) - first >= 2  # "what" alone is a word, not a question about the article
    return any(w in _PARTICLES for w in words)


def intent_of(text: str) -> Intent:
    if reads_as_question(text):
        return Intent.QUESTION
    words = words_of(text)
    if words and len(words) <= 4 and words[0] in _GREETINGS:
        return Intent.GREETING
    return Intent.CHATTER
