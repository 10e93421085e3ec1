"""Offline (no LLM) follow-up answers measured on question/answer pairs written for test pages.

Data: tests/data/quotes/answers.json: articles, and questions each with the text the answer must
contain (``null`` when the article does not say). Scoring per question:
- correct: a stated fact is answered by at most two sentences, one of which contains the
  expected text, and every sentence shares a word with the question or contains the fact;
  a fact the article does not state is answered "doesn't say";
- exact: correct, and the answer is the one sentence holding the fact (nothing appended).
Printed beside a baseline: the single best BM25 sentence, always answered.

Usage: python bench/answers_offline.py [--errors]
"""

from __future__ import annotations

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bot.engines.retrieval import BM25, PREFIX, answer_extractive
from bot.models import Article
from bot.text.sentences import split_sentences
from bot.text.words import content_terms

DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                    "tests", "data", "quotes", "answers.json")


def baseline(article: Article, question: str) -> tuple[bool, list[str]]:
    sentences = [s for p in article.paragraphs for s in split_sentences(p)]
    bm25 = BM25([content_terms(s, article.language) for s in sentences])
    weights = dict.fromkeys(content_terms(question, article.language), 1.0)
    best = max(range(len(sentences)), key=lambda i: bm25.score(i, weights))
    return True, [sentences[best]]


def ours(article: Article, question: str) -> tuple[bool, list[str]]:
    answer = answer_extractive(article, question)
    if not answer.found:
        return False, []
    return True, split_sentences(answer.text.removeprefix(PREFIX))


def score(found: bool, sentences: list[str], question: str, expected: str | None,
          language: str | None) -> tuple[bool, bool]:
    if expected is None:
        return not found, not found
    holding = [s for s in sentences if expected in s]
    asked = set(content_terms(question, language))
    related = all(s in holding or asked & set(content_terms(s, language)) for s in sentences)
    correct = found and bool(holding) and len(sentences) <= 2 and related
    return correct, correct and len(sentences) == 1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--errors", action="store_true", help="print the questions answered wrongly")
    args = ap.parse_args()
    with open(DATA, encoding="utf-8") as fh:
        data = json.load(fh)
    articles = {a["id"]: Article(url=f"text:{a['id']}", title=a["title"], paragraphs=a["paragraphs"],
                                 language=a.get("language"))
                for a in data["articles"]}
    english = [q for q in data["questions"] if not articles[q["article"]].language]
    others = [q for q in data["questions"] if articles[q["article"]].language]
    for label, questions in (("English", english), ("other languages (de fr es ru ja zh ko)", others)):
        stated = sum(q["answer"] is not None for q in questions)
        print(f"{label}: {len(questions)} questions ({stated} stated in the article, "
              f"{len(questions) - stated} not)")
        for name, engine in (("baseline (best BM25 sentence)", baseline), ("offline answerer", ours)):
            correct = exact = refused_right = 0
            misses = []
            for q in questions:
                article = articles[q["article"]]
                found, sentences = engine(article, q["question"])
                ok, ex = score(found, sentences, q["question"], q["answer"], article.language)
                correct += ok
                exact += ex
                refused_right += q["answer"] is None and ok
                if not ok:
                    misses.append(f"  {q['question']} -> {' '.join(sentences) or 'not covered'}")
            n = len(questions)
            print(f"  {name:30s} accuracy {100 * correct / n:5.1f}%  exact {100 * exact / n:5.1f}%  "
                  f"'not in the article' right {refused_right}/{n - stated}")
            if args.errors:
                print("\n".join(misses))


if __name__ == "__main__":
    main()
