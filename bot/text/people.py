"""The people one article names, learnt from that article alone.

No list of names: a person is what the text treats as one. Two or more capitalised words that
are not an organisation ("Anna Keller"), a title before a name ("Mr Brandt"), a lone name that
speaks or is described ("Keller said", "Keller, the mayor,"). Places are what follows "in", "at"
or "across". A later surname or first name ("Keller") refers back to the full name the article
introduced; roles come from titles ("Mayor Anna Keller") and appositives ("Anna Keller, the
mayor,"), so "the mayor said" resolves to her; genders come from titles and from the he/she
the article itself uses for someone.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.text.lexicon import (
    CALENDAR,
    CUE_WORDS,
    DETERMINERS,
    FEMALE_PRONOUNS,
    FEMALE_SUBJECT,
    FUNCTION_WORDS,
    LOCATIVES,
    MALE_PRONOUNS,
    MALE_SUBJECT,
    ORGANISATION_NOUNS,
    PARTICLES,
    PREPOSITIONS,
    ROLE_WORDS,
)
from bot.text.names import (
    NameParts,
    Tok,
    is_abbrev_dot,
    is_name_word,
    looks_like_person,
    name_words,
    noun_gender,
    role_key,
    strip_titles,
)

__all__ = ["Mention", "People"]

_LINE_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_PHRASE_STOPS = CUE_WORDS | PREPOSITIONS | frozenset("and but or who whom whose which that when while".split())


@dataclass(frozen=True, slots=True)
class _Run:
    i: int  # token range of a capitalised run
    j: int
    parts: NameParts


@dataclass(frozen=True, slots=True)
class Mention:
    index: int  # of the name's first token
    start: int
    name: str  # the article's full name for the person
    sentence: int
    in_quote: bool
    subject: bool  # first person named in its sentence outside quotes: its likely subject


class People:
    """Person names in one text: full names, short references, roles, genders, mentions."""

    def __init__(
        self,
        text: str,
        toks: list[Tok],
        sentence_starts: list[int],
        quoted: Sequence[tuple[int, int]] = (),
    ) -> None:
        self.text = text
        self.toks = toks
        self._sentence_starts = sentence_starts
        self._quoted = sorted(quoted)
        # Words this text uses in lower case are common words, even when a headline or the
        # start of a sentence capitalises them.
        self.common = {t.low for t in toks if t.is_word and t.text.islower()}
        self.gender: dict[str, str] = {}
        self.roles: dict[str, Counter[str]] = {}  # "mayor" -> {"Anna Keller": 2}
        runs = [_Run(i, j, self.split_name(name_words(toks[i:j]))) for i, j in self._runs()]
        self.places = {tuple(r.parts.name) for r in runs if self._after_locative(r)}
        self.alias, self.by_token = self._full_names(runs)
        names = [self._person_name(r) for r in runs]
        self.mentions = self._find_mentions(runs, names)
        self._mention_starts = [m.start for m in self.mentions]
        self._learn_roles(runs, names)
        self._learn_genders()

    # --- what counts as a person -----------------------------------------------------------

    def split_name(self, words: list[str]) -> NameParts:
        """Titles and roles off, then words the text also uses in lower case ("Notice Keller")."""
        parts = strip_titles(words)
        segment: list[str] = []
        for w in parts.name:
            if w.lower() in self.common and w.lower() not in PARTICLES:
                if segment:
                    break
                continue
            segment.append(w)
        return NameParts(segment, parts.gender, parts.role)

    def is_person(self, name: list[str], had_role: bool) -> bool:
        return looks_like_person(name, had_role) and tuple(name) not in self.places

    def is_place(self, name: list[str]) -> bool:
        return tuple(name) in self.places

    def _after_locative(self, run: _Run) -> bool:
        """ "in Norrland", "at Harbour Hall": but not "at Keller's request"."""
        toks = self.toks
        if run.i == 0 or toks[run.i - 1].low not in LOCATIVES or run.parts.had_role:
            return False
        return not (run.j + 1 < len(toks) and toks[run.j].text in "'’" and toks[run.j + 1].low == "s")

    def _introduced(self, name: list[str], j: int) -> bool:
        """A lone name that speaks or is described: "Keller said", "Keller, the mayor,",
        "Keller, 45,"."""
        toks = self.toks
        low = name[0].lower() if len(name) == 1 else ""
        if not low or low in ORGANISATION_NOUNS or low in CALENDAR or self.is_place(name) or j >= len(toks):
            return False
        nxt = toks[j]
        if nxt.low in CUE_WORDS and not nxt.is_cap:
            return True
        if nxt.text != "," or j + 1 >= len(toks):
            return False
        after = toks[j + 1]
        return after.low in ("a", "an", "the") or after.text.isdigit()

    def _person_name(self, run: _Run) -> str | None:
        """The article's name for the person this run names, or None if it is not a person."""
        name = run.parts.name
        canon = self.canonical(name)
        if canon is None and (self.is_person(name, run.parts.had_role) or self._introduced(name, run.j)):
            canon = " ".join(name)
        return canon

    # --- full names and short references ---------------------------------------------------

    def _full_names(self, runs: list[_Run]) -> tuple[dict[tuple[str, ...], str], dict[str, str]]:
        """Multi-word person names, as (run -> full name, first or last word -> full name).

        A shorter name inside a longer run ("Veteran Anna Keller") is the name.
        """
        counts: Counter[tuple[str, ...]] = Counter(
            tuple(r.parts.name) for r in runs
            if len(r.parts.name) >= 2 and self.is_person(r.parts.name, r.parts.had_role)
        )
        alias: dict[tuple[str, ...], str] = {}
        by_token: dict[str, Counter[str]] = {}
        for name, n in counts.items():
            canon = next((name[k:] for k in range(1, len(name) - 1) if name[k:] in counts), name)
            full = " ".join(canon)
            alias[name] = full
            for w in (canon[0], canon[-1]):
                by_token.setdefault(_key(w), Counter())[full] += n
        # A surname two people share goes to the one the article names most.
        return alias, {w: c.most_common(1)[0][0] for w, c in by_token.items()}

    def canonical(self, name: list[str]) -> str | None:
        """The article's full name for a (possibly partial) person name, or None if unknown."""
        if not name:
            return None
        full = self.alias.get(tuple(name))
        if full:
            return full
        for w in (name[-1], name[0]):
            full = self.by_token.get(_key(w))
            if full:
                return full
        return None

    # --- mentions --------------------------------------------------------------------------

    def _find_mentions(self, runs: list[_Run], names: list[str | None]) -> list[Mention]:
        mentions: list[Mention] = []
        subject_of: set[int] = set()  # sentences whose subject was seen
        for run, name in zip(runs, names, strict=True):
            if name is None:
                continue
            if run.parts.gender:
                self.gender.setdefault(name, run.parts.gender)
            start = self.toks[run.i].start
            sentence = self._sentence_of(start)
            in_quote = self._in_quote(start)
            # Names inside quotes, after prepositions ("on the Harbour Hall show") or speech
            # verbs ("told Mr Brandt") are not what a later "he"/"she" points back to.
            subject = not in_quote and sentence not in subject_of and not self._governed(run.i)
            if subject:
                subject_of.add(sentence)
            mentions.append(Mention(run.i, start, name, sentence, in_quote, subject))
        return mentions

    def _governed(self, i: int) -> bool:
        """True when the name at toks[i] follows a determiner, a preposition or a speech verb."""
        prev = self.toks[i - 1].low if i > 0 else ""
        return prev in DETERMINERS or prev in PREPOSITIONS or prev in CUE_WORDS

    def _sentence_of(self, pos: int) -> int:
        return bisect.bisect_right(self._sentence_starts, pos) - 1

    def _in_quote(self, pos: int) -> bool:
        q = bisect.bisect_right(self._quoted, (pos, len(self.text) + 1)) - 1
        return q >= 0 and pos < self._quoted[q][1]

    # --- roles -----------------------------------------------------------------------------

    def _learn_roles(self, runs: list[_Run], names: list[str | None]) -> None:
        """Roles and gendered nouns around a name: "Mayor Anna Keller", "union leader Tomas
        Varga", "Anna Keller, the mayor,", "Anna Keller, a mother of three,"."""
        for run, name in zip(runs, names, strict=True):
            if name is None:
                continue
            before, apposition = self._words_before(run.i), self._appositive(run.j)
            for words in (before, apposition):
                role = role_key(words) if words else None
                if role:
                    self.roles.setdefault(role, Counter())[name] += 1
                gender = noun_gender(words[-1]) if words else None
                if gender:
                    self.gender.setdefault(name, gender)
            if run.parts.role:
                self.roles.setdefault(run.parts.role, Counter())[name] += 1

    def _words_before(self, i: int) -> list[str]:
        """Lower-case role words right before a name: "union leader Tomas Varga"."""
        k = i
        while k > 0 and self.toks[k - 1].low in ROLE_WORDS and not self.toks[k - 1].is_cap:
            k -= 1
        return [t.text for t in self.toks[k:i]]

    def _appositive(self, j: int) -> list[str]:
        """The words of ", the mayor," / ", a spokesman for the council" right after a name."""
        toks, n = self.toks, len(self.toks)
        if j + 1 >= n or toks[j].text != ",":
            return []
        first = toks[j + 1]
        if first.low not in ("the", "a", "an") and not (first.low in ROLE_WORDS and not first.is_cap):
            return []
        words: list[str] = []
        k = j + 1 + (first.low in ("the", "a", "an"))
        while k < n and len(words) < 6:
            t = toks[k]
            if t.text in "'’" and k + 1 < n and toks[k + 1].low == "s":
                k += 2  # "the city's mayor"
                continue
            if not t.is_word or t.low in _PHRASE_STOPS:
                break
            words.append(t.text)
            k += 1
        return words

    def by_role(self, role: str) -> str | None:
        """The one person this text gives ``role`` to ("Mayor Anna Keller"), if unique."""
        names = self.roles.get(role)
        return next(iter(names)) if names and len(names) == 1 else None

    # --- genders and pronouns --------------------------------------------------------------

    def _learn_genders(self) -> None:
        """The he/she the article uses after naming someone who is alone in their sentence."""
        by_sentence: dict[int, list[Mention]] = {}
        for m in self.mentions:
            if not m.in_quote:
                by_sentence.setdefault(m.sentence, []).append(m)
        votes: dict[str, Counter[str]] = {}
        for sentence, mentions in by_sentence.items():
            name = mentions[0].name
            if any(m.name != name for m in mentions):
                continue
            end = self._sentence_end(sentence)
            for t in self.toks[mentions[0].index + 1 :]:
                if t.start >= end:
                    break
                gender = "m" if t.low in MALE_PRONOUNS else "f" if t.low in FEMALE_PRONOUNS else None
                if gender and not self._in_quote(t.start):
                    votes.setdefault(name, Counter())[gender] += 1
        for name, c in votes.items():
            if c["m"] > 2 * c["f"]:
                self.gender.setdefault(name, "m")
            elif c["f"] > 2 * c["m"]:
                self.gender.setdefault(name, "f")

    def _sentence_end(self, sentence: int) -> int:
        starts = self._sentence_starts
        return starts[sentence + 1] if sentence + 1 < len(starts) else len(self.text)

    def resolve_pronoun(self, pos: int, pronoun: str, speakers: list[tuple[int, str]]) -> str | None:
        """The person a "he"/"she" at ``pos`` points back to, or None.

        Candidates are earlier quotes' speakers and the subjects of earlier sentences (objects
        such as "told Mr Brandt" are skipped), minus those the article shows to be of the
        other gender. The most recent wins, except that one the article shows to be of the
        pronoun's gender beats a single more recent candidate of unknown gender. With no
        candidate, the most recent person of the pronoun's known gender.
        """
        want = "m" if pronoun in MALE_SUBJECT else "f" if pronoun in FEMALE_SUBJECT else None
        if want is None:
            return None  # "they"/"it" would need noun-phrase coreference
        upto = bisect.bisect_left(self._mention_starts, pos)
        cands = [(m.start, m.name) for m in self.mentions[max(0, upto - 30) : upto] if m.subject]
        cands.extend((p, s) for p, s in speakers if p < pos)
        cands.sort()
        agreeing: list[str] = []
        for _, name in reversed(cands[-12:]):
            if self.gender.get(name, want) == want and name not in agreeing:
                agreeing.append(name)
        if len(agreeing) >= 2 and agreeing[0] not in self.gender and self.gender.get(agreeing[1]) == want:
            agreeing.pop(0)
        if not agreeing:
            # "Ms Okafor met Mr Lind. '...,' he said" points to the object.
            recent = self.mentions[max(0, upto - 12) : upto]
            known = (m.name for m in reversed(recent) if not m.in_quote and self.gender.get(m.name) == want)
            return next(known, None)
        self.gender.setdefault(agreeing[0], want)  # a later pronoun of the other gender is someone else
        return agreeing[0]

    # --- capitalised runs ------------------------------------------------------------------

    def _headline_lines(self) -> list[tuple[int, int]]:
        """Lines in Title Case ("Mayor Opens New Bridge Over River"): their capitals say
        nothing about names, so runs there are ignored."""
        lines = []
        for m in re.finditer(r"[^\n]+", self.text):
            if m.group().rstrip(" \"'”’)").endswith("."):
                continue  # a sentence, however many names it holds
            words = [w for w in _LINE_WORD.findall(m.group()) if w.lower() not in FUNCTION_WORDS]
            if len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.8 * len(words):
                lines.append(m.span())
        return lines

    def _runs(self) -> list[tuple[int, int]]:
        """Token ranges of capitalised runs on one line (with initials' dots and particles)."""
        toks, n = self.toks, len(self.toks)
        headlines = self._headline_lines()
        runs: list[tuple[int, int]] = []
        i = 0
        while i < n:
            t = toks[i]
            # A capitalised article opens a sentence, not a name ("Der Bauleiter Tomas Varga").
            if (not is_name_word(t) or t.low in FUNCTION_WORDS or t.low in DETERMINERS
                    or any(a <= t.start < b for a, b in headlines)):
                i += 1
                continue
            j = i + 1
            while j < n and self._continues_run(j):
                j += 1
            runs.append((i, j))
            i = j
        return runs

    def _continues_run(self, j: int) -> bool:
        toks, text, n = self.toks, self.text, len(self.toks)
        t, p = toks[j], toks[j - 1]
        adjacent = p.end + 1 == t.start and text[p.end] in " \u00a0"
        if is_name_word(t) and t.low not in FUNCTION_WORDS:
            return adjacent or (p.text == "." and p.end + 1 == t.start)
        followed_by_name = j + 1 < n and is_name_word(toks[j + 1])
        if t.text == ".":
            return t.start == p.end and is_abbrev_dot(toks, j) and followed_by_name  # "Mr." / "J."
        return t.low in PARTICLES and adjacent and followed_by_name


def _key(word: str) -> str:
    return word.lower().rstrip(".")
