"""Who said it: speech cues, subjects, person names and pronoun antecedents.

Rule-based on purpose: no model download, a few milliseconds per article, and the rules are
the ones news copy follows ('"...," he said', 'said John Smith', 'X told Y: "..."',
'according to X'). Internal to :mod:`bot.text.quotes`.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

# ---------------------------------------------------------------------------------------------
# Vocabulary

_SPEECH_BASES = """say tell add state write ask warn insist explain note point declare announce
argue claim continue recall reply respond remark observe comment tweet post admit acknowledge
concede confirm caution urge vow promise predict suggest stress emphasise emphasize maintain
contend counter quip joke exclaim shout yell cry whisper testify conclude report complain
charge allege assert affirm reiterate lament boast brag tout scoff plead demand wonder muse
concur agree disagree deny reveal disclose recount sing chant proclaim""".split()

_IRREGULAR = {
    "say": ("say", "says", "said", "saying"),
    "tell": ("tell", "tells", "told", "telling"),
    "write": ("write", "writes", "wrote", "writing", "written"),
    "sing": ("sing", "sings", "sang", "singing"),
    "cry": ("cry", "cries", "cried", "crying"),
    "reply": ("reply", "replies", "replied", "replying"),
    "testify": ("testify", "testifies", "testified", "testifying"),
    "quip": ("quip", "quips", "quipped", "quipping"),
    "concur": ("concur", "concurs", "concurred", "concurring"),
    "deny": ("deny", "denies", "denied", "denying"),
}


def _forms(base: str) -> tuple[str, ...]:
    if base in _IRREGULAR:
        return _IRREGULAR[base]
    if base.endswith("e"):
        return (base, base + "s", base + "d", base[:-1] + "ing")
    if base.endswith(("sh", "ch", "ss")):
        return (base, base + "es", base + "ed", base + "ing")
    return (base, base + "s", base + "ed", base + "ing")


CUE_WORDS = frozenset(f for b in _SPEECH_BASES for f in _forms(b))
# Participles continue the subject of their clause ("..., adding: '...'"), never invert.
_PARTICIPLES = frozenset(f for f in CUE_WORDS if f.endswith("ing"))
# Cues that may precede their subject ('"...," said Smith'). Not "told": its noun is the listener.
_INVERTIBLE = frozenset(
    f for b in _SPEECH_BASES if b not in ("tell", "urge", "warn", "report", "post") for f in _forms(b)
) - _PARTICIPLES
# Two-word cues where the first word alone is not a speech verb.
_PHRASAL = frozenset({
    ("point", "out"), ("points", "out"), ("pointed", "out"), ("pointing", "out"),
    ("went", "on"), ("goes", "on"), ("according", "to"), ("put", "it"), ("puts", "it"),
})

PRONOUNS = frozenset("he she they it i we you".split())
_MALE = frozenset({"he"})
_FEMALE = frozenset({"she"})

# Words that may sit between a subject and its speech verb: "Smith has also said".
_AUX_ADVERBS = frozenset(
    """has have had was is were are will would could should also later then previously once
    recently again repeatedly reportedly further publicly privately separately earlier
    subsequently simply only just even already frankly bluntly flatly angrily famously
    quietly openly initially finally first last today yesterday tonight""".split()
)

# Titles and roles that precede a name ("Kremlin spokesman Dmitry Peskov"); stripped to get
# the name itself, together with whatever precedes the last one ("Russian President").
_ROLE_WORDS = frozenset(
    """mr mrs ms miss mx dr prof professor sir dame lord lady madam rev reverend father
    president vice prime minister foreign defence defense interior finance secretary
    spokesman spokeswoman spokesperson chancellor senator sen rep representative gov governor
    mayor general gen col colonel maj major capt captain lt lieutenant sgt sergeant adm admiral
    judge justice chief ceo cfo coo chairman chairwoman chair director king queen prince
    princess duke duchess pope sheikh emir ambassador commissioner attorney lawyer coach
    manager deputy leader candidate nominee officer detective inspector superintendent sheriff
    speaker premier boss founder owner head mp mep congressman congresswoman councillor
    councilman councilwoman chairperson dean principal archbishop bishop cardinal
    presidential hon democrat republican democratic rival""".split()
)
_MALE_TITLES = frozenset("mr sir lord king prince duke father congressman councilman".split())
_FEMALE_TITLES = frozenset(
    "mrs ms miss madam lady dame queen princess duchess congresswoman councilwoman".split()
)

# Never the speaker: dates.
_DATES = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december today yesterday""".split()
)

# A name containing one of these is an organisation, place or event, not a person.
_NON_PERSON = _DATES | frozenset(
    """party house senate congress kremlin ministry department post times news journal street
    council committee commission court police agency union united states kingdom republic
    nations university college school institute foundation association bank group company
    corporation corp inc ltd llc plc airlines airways club center centre hospital city county
    state province north south east west northern southern eastern western central national
    international federal royal army navy force forces guard service services office
    government administration cabinet parliament assembly church facebook twitter instagram
    google reuters afp ap cnn bbc cctv fox channel network media press daily mail herald
    tribune telegraph guardian express independent review magazine report island islands
    river lake mountain sea ocean park square road avenue airport station stadium league cup
    premier championship olympics games world war day year christmas easter act bill law
    treaty agreement plan project program programme europe european africa african asia asian
    america american americans russia china ukraine britain england france germany india
    japan iran iraq israel syria korea nato eu un fbi cia nasa democrats republicans security
    intelligence studies research poll survey fund trust white capitol pentagon whitehall
    downing""".split()
)

_PARTICLES = frozenset("de da del della der di du van von bin ibn al el la le ter den dos das".split())

# Capitalised only because they open a sentence: never part of a name.
_FUNCTION_WORDS = frozenset(
    """the a an and but or nor so yet in on at as for with after before when while if this
    that these those it its there here according meanwhile however also since although though
    because from by to of his her their our my we they he she i you what why how who where
    which despite during under over among between through without within about around against
    then now today yesterday last next once still even not no yes all both each every many
    most some such""".split()
)

# Determiners that open a descriptive subject: "a Kremlin spokesman said".
_DETERMINERS = frozenset(
    "the a an one another his her its their this that these those some several two three".split()
)

# Words that cannot be inside a subject noun phrase directly before a verb.
_BREAKERS = frozenset(
    """and but or that which who whom whose when while as if because although though since
    after before where so than then to of""".split()
)
_PREPOSITIONS = frozenset(
    "to of in on at by for with from about into over under against between through via".split()
)

# Common first names: to find where a name starts in a run like "Crooked Hillary Clinton", and
# so "she" does not resolve to a man when no title gives the gender away. Deliberately small:
# unknown names are simply gender-neutral.
_FEMALE_NAMES = frozenset(
    """mary patricia jennifer linda elizabeth barbara susan jessica sarah karen nancy lisa
    margaret betty sandra ashley dorothy kimberly emily donna michelle carol amanda melissa
    deborah stephanie rebecca laura sharon cynthia kathleen amy shirley angela helen anna
    brenda pamela nicole emma samantha katherine christine debra rachel catherine carolyn
    janet ruth maria heather diane virginia julie joyce victoria kelly christina lauren joan
    evelyn olivia judith megan cheryl martha andrea frances hannah jacqueline ann gloria jean
    kathryn alice teresa sara janice doris madison julia grace judy abigail marie denise
    beverly amber theresa marilyn danielle diana brittany natalie sophia rose isabella alexis
    kayla charlotte hillary nicola kamala ivanka melania chelsea ursula jacinda marine
    giorgia liz priti melanie alicia jill gwen claire""".split()
)
_MALE_NAMES = frozenset(
    """james robert john michael david william richard joseph thomas charles christopher
    daniel matthew anthony mark donald steven paul andrew joshua kenneth kevin brian george
    timothy ronald edward jason jeffrey ryan jacob gary nicholas eric jonathan stephen larry
    justin scott brandon benjamin samuel gregory alexander frank patrick raymond jack dennis
    jerry tyler aaron jose adam nathan henry douglas zachary peter kyle ethan walter noah
    jeremy christian keith roger gerald harold sean austin carl arthur lawrence dylan
    bryan billy joe bruce gabriel logan albert willie alan juan wayne elijah
    randy roy vincent ralph eugene russell bobby mason philip louis barack bill mike ted
    bernie boris vladimir xi emmanuel olaf rishi keir volodymyr dmitry sergei mitt newt rudy
    chris jeb rand marco hunter tim jim tom""".split()
)
_FIRST_NAMES = _FEMALE_NAMES | _MALE_NAMES

# ---------------------------------------------------------------------------------------------
# Tokens

# Words keep inner dots, hyphens and apostrophes ("U.S", "D-Wis", "O'Brien") but not a
# possessive "'s", so "Moscow's" yields the name "Moscow".
_TOKEN = re.compile(r"[^\W_]+(?:[.\-][^\W_]+|[’'](?![sS]\b)[^\W_]+)*|[^\w\s]")


@dataclass(slots=True)
class Tok:
    text: str
    low: str
    start: int
    end: int
    is_word: bool
    is_cap: bool


def tokenize(text: str) -> list[Tok]:
    out = []
    for m in _TOKEN.finditer(text):
        t = m.group()
        out.append(Tok(t, t.lower(), m.start(), m.end(), t[0].isalnum(), t[0].isupper()))
    return out


def _is_name_word(tok: Tok) -> bool:
    return tok.is_word and tok.is_cap and tok.low not in PRONOUNS


def _words(toks: list[Tok]) -> list[str]:
    """Token texts of a name, re-attaching the dot of initials and titles ("J.", "Mr.")."""
    out: list[str] = []
    for t in toks:
        if t.text == ".":
            if out and (len(out[-1]) == 1 or out[-1].lower() in _ROLE_WORDS):
                out[-1] += "."
            continue
        if t.text in ("(", ")"):
            break
        out.append(t.text)
    return out


def _strip_name(words: list[str]) -> tuple[list[str], str | None, bool]:
    """Drop titles and roles, and whatever precedes the last one ("Russian President ...").

    Returns (name words, gender implied by a title or None, whether a role was seen).
    """
    gender: str | None = None
    last_role = -1
    for k, w in enumerate(words):
        lw = w.lower().rstrip(".")
        if lw in _ROLE_WORDS:
            last_role = k
            if lw in _MALE_TITLES:
                gender = "m"
            elif lw in _FEMALE_TITLES:
                gender = "f"
    name = words[last_role + 1 :]
    # "Crooked Hillary Clinton", "Black Lawmakers Rip Donald Trump": start at a first name.
    for k in range(1, len(name) - 1):
        if name[k].lower() in _FIRST_NAMES and not any(w.lower() in _FIRST_NAMES for w in name[:k]):
            name = name[k:]
            break
    return name, gender, last_role >= 0


def _trim_common(name: list[str], common: set[str]) -> list[str]:
    """Cut a run at words the text also uses in lower case ("Notice Trump", "Obama Says
    African-American Museum"): a headline capitalised them, they are not part of a name.
    Keeps the first stretch of non-common words."""
    def is_common(w: str) -> bool:
        return w.lower() in common and w.lower() not in _FIRST_NAMES

    segment: list[str] = []
    for w in name:
        if is_common(w):
            if segment:
                break
            continue
        segment.append(w)
    return segment


def _role_key(words: list[str]) -> str | None:
    """The role words at the end of ``words``: "Vice President" -> "vice president"."""
    key: list[str] = []
    for w in reversed(words):
        lw = w.lower().rstrip(".")
        if lw not in _ROLE_WORDS:
            break
        key.insert(0, lw)
    return " ".join(key) or None


def _looks_like_person(name: list[str], had_role: bool) -> bool:
    if not name or any(w.lower().rstrip(".") in _NON_PERSON for w in name):
        return False
    if all(w.isupper() and len(w) > 1 for w in name):
        return False  # acronyms: CNN, NATO
    return had_role or len(name) >= 2


def _gender_of(name: list[str], title_gender: str | None) -> str | None:
    if title_gender:
        return title_gender
    first = name[0].lower() if name else ""
    return "f" if first in _FEMALE_NAMES else "m" if first in _MALE_NAMES else None


# ---------------------------------------------------------------------------------------------
# People in one text


@dataclass
class _Mention:
    start: int
    name: str  # canonical (full) name
    subject: bool  # first person named in its sentence (likely the subject)


class People:
    """Person names in one text: full-name registry, mentions and pronoun antecedents."""

    def __init__(
        self,
        text: str,
        toks: list[Tok],
        sentence_starts: list[int],
        quoted: Sequence[tuple[int, int]] = (),
    ) -> None:
        self.text = text
        self.toks = toks
        # Words this text uses in lower case are common words, even when a headline
        # capitalises them.
        self.common = {t.low for t in toks if t.is_word and t.text.islower()}
        runs = self._runs()
        # Pass 1: multi-word person names ("Vladimir Putin", "Xi Jinping") and how often.
        counts: Counter[tuple[str, ...]] = Counter()
        self.gender: dict[str, str] = {}
        stripped = []
        self.roles: dict[str, Counter[str]] = {}  # "president" -> {"Barack Obama": 3}
        for i, j in runs:
            name, gender, had_role, role = self.split_name(_words(toks[i:j]))
            stripped.append((i, j, name, gender, had_role))
            if len(name) >= 2 and _looks_like_person(name, had_role):
                counts[tuple(name)] += 1
                if role:
                    self.roles.setdefault(role, Counter())[" ".join(name)] += 1
                g = _gender_of(name, gender)
                if g:
                    self.gender.setdefault(" ".join(name), g)
        # A name that extends a shorter registered one ("New Mitt Romney") is the shorter one.
        self.alias: dict[tuple[str, ...], str] = {}
        by_token: dict[str, Counter[str]] = {}
        for name, n in counts.items():
            canon = name
            for k in range(1, len(name) - 1):
                if name[k:] in counts:
                    canon = name[k:]
                    break
            full = " ".join(canon)
            self.alias[name] = full
            for w in (canon[0], canon[-1]):
                by_token.setdefault(w.lower().rstrip("."), Counter())[full] += n
        # A surname shared by two people ("Bill"/"Hillary Clinton") goes to the one named most.
        self.by_token = {w: c.most_common(1)[0][0] for w, c in by_token.items()}
        # Pass 2: every person mention, in order, flagged when it is its sentence's first.
        self.mentions: list[_Mention] = []
        seen_sentences: set[int] = set()
        quoted_starts = [a for a, _ in quoted]
        for i, j, name, gender, had_role in stripped:
            canon = self.canonical(name)
            if canon is None:
                if not (_looks_like_person(name, had_role) or self._speaks(name, j)):
                    continue
                canon = " ".join(name)
            if gender:
                self.gender.setdefault(canon, gender)
            sent = bisect.bisect_right(sentence_starts, toks[i].start)
            q = bisect.bisect_right(quoted_starts, toks[i].start) - 1
            in_quote = q >= 0 and toks[i].start < quoted[q][1]
            # Names inside quotes, after prepositions ("on the Steve Harvey show") or speech
            # verbs ("told Mr Xi") are not what a later "he"/"she" points back to.
            subject = not in_quote and sent not in seen_sentences and not self._governed(i)
            if subject:
                seen_sentences.add(sent)
            self.mentions.append(_Mention(toks[i].start, canon, subject))
        self._mention_starts = [m.start for m in self.mentions]

    def _governed(self, i: int) -> bool:
        """True when the name at toks[i] follows a preposition, "the" or a speech verb."""
        k = i - 1
        if k >= 0 and self.toks[k].low in _DETERMINERS:
            return True  # "the Steve Harvey Morning Show": not a person
        return k >= 0 and (self.toks[k].low in _PREPOSITIONS or self.toks[k].low in CUE_WORDS)

    def _speaks(self, name: list[str], j: int) -> bool:
        """A lone capitalised word that speaks or is described ("Dean said", "Dean, a doctor,")."""
        toks = self.toks
        if len(name) != 1 or name[0].lower() in _NON_PERSON or j >= len(toks):
            return False
        nxt = toks[j]
        if nxt.low in CUE_WORDS and not nxt.is_cap:
            return True
        return nxt.text == "," and j + 1 < len(toks) and toks[j + 1].low in ("a", "an", "the")

    def _headline_lines(self) -> list[tuple[int, int]]:
        """Lines in Title Case ("Gold Star Mom Corners Obama on ..."): their capitals say
        nothing about names, so runs there are ignored."""
        lines = []
        for m in re.finditer(r"[^\n]+", self.text):
            words = [w for w in m.group().split() if len(w) > 3 and w[0].isalpha()]
            if len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.8 * len(words):
                lines.append(m.span())
        return lines

    def _runs(self) -> list[tuple[int, int]]:
        """Token ranges of capitalised runs on one line (with initials' dots and particles)."""
        toks, text, n = self.toks, self.text, len(self.toks)
        headlines = self._headline_lines()
        runs: list[tuple[int, int]] = []
        i = 0
        while i < n:
            if not _is_name_word(toks[i]) or toks[i].low in _FUNCTION_WORDS or any(
                a <= toks[i].start < b for a, b in headlines
            ):
                i += 1
                continue
            j = i + 1
            while j < n:
                t, p = toks[j], toks[j - 1]
                adjacent = p.end + 1 == t.start and text[p.end] in " \u00a0"
                if _is_name_word(t) and t.low not in _FUNCTION_WORDS and (
                    adjacent or (p.text == "." and p.end + 1 == t.start)
                ):
                    j += 1
                elif t.text == "." and t.start == p.end and (
                    len(p.text) == 1 or p.low in _ROLE_WORDS
                ) and j + 1 < n and _is_name_word(toks[j + 1]):
                    j += 1  # "Mr." / "J." inside a name
                elif t.low in _PARTICLES and adjacent and j + 1 < n and _is_name_word(toks[j + 1]):
                    j += 1
                else:
                    break
            runs.append((i, j))
            i = j
        return runs

    def split_name(self, words: list[str]) -> tuple[list[str], str | None, bool, str | None]:
        """(name, gender from a title, whether a role was seen, the role word nearest the name)."""
        name, gender, had_role = _strip_name(words)
        role = _role_key(words[: len(words) - len(name)]) if had_role else None
        return _trim_common(name, self.common), gender, had_role, role

    def by_role(self, role: str) -> str | None:
        """The one person this text gives ``role`` to ("President Barack Obama"), if unique."""
        names = self.roles.get(role)
        if names and len(names) == 1:
            return self.canonical(next(iter(names)).split())
        return None

    def canonical(self, name: list[str]) -> str | None:
        """The article's full name for a (possibly partial) person name, or None if unknown."""
        if not name:
            return None
        full = self.alias.get(tuple(name))
        if full:
            return full
        for w in (name[-1], name[0]):
            full = self.by_token.get(w.lower().rstrip("."))
            if full:
                return full
        return None

    def resolve_pronoun(self, pos: int, pronoun: str, speakers: list[tuple[int, str]]) -> str | None:
        """The most recent salient person before ``pos`` compatible with the pronoun.

        Salient = an earlier quote's speaker or the first person named in a sentence (its
        likely subject); objects ("told Mr Xi") and names after prepositions are skipped.
        """
        want = "m" if pronoun in _MALE else "f" if pronoun in _FEMALE else None
        if want is None:
            return None  # "they"/"it" would need noun-phrase coreference
        upto = bisect.bisect_left(self._mention_starts, pos)
        cands = [(m.start, m.name) for m in self.mentions[max(0, upto - 30) : upto] if m.subject]
        cands.extend((p, s) for p, s in speakers if p < pos)
        cands.sort()
        for _, name in reversed(cands[-12:]):
            g = self.gender.get(name)
            if g is None or g == want:
                return name
        return None


# ---------------------------------------------------------------------------------------------
# Subjects and cues


@dataclass(frozen=True)
class Subject:
    text: str  # canonical name, or the noun phrase as written
    kind: str  # "name" | "pronoun" | "np"


def _name_subject(toks: list[Tok], i: int, j: int, people: People) -> Subject | None:
    name, _gender, had_role, _role = people.split_name(_words(toks[i:j]))
    if not name or (len(name) == 1 and name[0].lower() in _DATES):
        return None
    canon = people.canonical(name)
    if canon:
        return Subject(canon, "name")
    text = " ".join(name)
    if _looks_like_person(name, had_role):
        return Subject(text, "name")
    if len(name) == 1 and not name[0].isupper() and name[0].lower() not in _NON_PERSON:
        return Subject(text, "name")  # a bare surname we have not seen in full: "Figueroa"
    return Subject(text, "np")  # an organisation or outlet: "CCTV", "The Post"


def subject_forward(toks: list[Tok], i: int, end: int, people: People) -> Subject | None:
    """A subject starting at toks[i]: "he", "Dmitry Peskov", "a Kremlin spokesman"."""
    if i >= end:
        return None
    t = toks[i]
    if t.low in PRONOUNS:
        return Subject(t.low, "pronoun")
    if t.low in _DETERMINERS:
        return _np_forward(toks, i, end, people)
    if _is_name_word(t):
        j = i + 1
        while j < end and (
            _is_name_word(toks[j])
            or (toks[j].text == "." and (len(toks[j - 1].text) == 1 or toks[j - 1].low in _ROLE_WORDS))
            or (toks[j].low in _PARTICLES and j + 1 < end and _is_name_word(toks[j + 1]))
        ):
            j += 1
        return _name_subject(toks, i, j, people)
    return None


def _np_forward(toks: list[Tok], i: int, end: int, people: People) -> Subject | None:
    def np_word(t: Tok) -> bool:
        return t.is_word and t.low not in _BREAKERS and t.low not in CUE_WORDS and not (
            t.low.endswith("ly") and not t.is_cap  # "boldly": the phrase is over
        )

    j = i + 1
    while j < end and j - i <= 7 and np_word(toks[j]):
        j += 1
    if j == i + 1:
        return None
    # "a spokesman for the ministry": keep a short complement.
    if j + 1 < end and toks[j].low in ("for", "of"):
        k = j + 1
        while k < end and k - j <= 5 and np_word(toks[k]):
            k += 1
        if k > j + 1:
            j = k
    # "the Democratic candidate Hillary Clinton": the name inside is the speaker.
    for a in range(i + 1, j):
        if _is_name_word(toks[a]):
            b = a
            while b < j and _is_name_word(toks[b]):
                b += 1
            name, _, had_role, _ = people.split_name(_words(toks[a:b]))
            canon = people.canonical(name)
            if canon or (len(name) >= 2 and _looks_like_person(name, had_role)):
                return Subject(canon or " ".join(name), "name")
    return Subject(" ".join(t.text for t in toks[i:j]), "np")


def subject_backward(toks: list[Tok], j: int, start: int, people: People) -> Subject | None:
    """A subject ending right before toks[j], not reaching before toks[start]."""
    k = j - 1
    while k >= start and toks[k].low in _AUX_ADVERBS:
        k -= 1
    if k < start:
        return None
    if toks[k].text == ",":
        # Skip a parenthetical or apposition: "Xi, in a call with Mr Putin, said";
        # "John Smith, the mayor, said"; "Smith, 45, said".
        for c in range(k - 1, max(start - 1, k - 16), -1):
            if toks[c].text == ",":
                return subject_backward(toks, c, start, people)
        return None
    if toks[k].text == ")":  # "Rep. Gwen Moore (D-Wis.) said"
        for c in range(k - 1, max(start - 1, k - 8), -1):
            if toks[c].text == "(":
                return subject_backward(toks, c, start, people)
        return None
    t = toks[k]
    if t.low in PRONOUNS:
        return Subject(t.low, "pronoun")
    if _is_name_word(t):
        i = k
        while i - 1 >= start and (
            _is_name_word(toks[i - 1])
            or (toks[i - 1].text == "." and i - 2 >= start
                and (len(toks[i - 2].text) == 1 or toks[i - 2].low in _ROLE_WORDS))
            or (toks[i - 1].low in _PARTICLES and i - 2 >= start and _is_name_word(toks[i - 2]))
        ):
            i -= 1
        while i <= k and toks[i].low in _FUNCTION_WORDS - _DETERMINERS:
            i += 1  # sentence-initial "But Smith said"
        if i > k:
            return None
        if toks[i].low in _DETERMINERS:  # "The Kremlin said"
            return Subject(" ".join(x.text for x in toks[i : k + 1]), "np")
        if i - 1 >= start and toks[i - 1].low in _DETERMINERS:  # "the White House said"
            return Subject(" ".join(x.text for x in toks[i - 1 : k + 1]), "np")
        return _name_subject(toks, i, k + 1, people)
    if t.is_word and t.low not in _BREAKERS | CUE_WORDS | _DETERMINERS and len(t.low) > 2:
        # A descriptive subject: find its determiner ("a senior official") or possessor
        # ("Trump's campaign manager").
        for i in range(k, max(start - 1, k - 7), -1):
            w = toks[i]
            if w.low == "s" and i - 2 >= start and toks[i - 1].text in "'’":
                return Subject(" ".join(x.text for x in toks[i - 2 : k + 1]).replace(" ’ s", "’s")
                               .replace(" ' s", "'s"), "np")
            if not w.is_word or w.low in _BREAKERS or w.low in CUE_WORDS:
                break
            if w.low in _DETERMINERS:
                return Subject(" ".join(x.text for x in toks[i : k + 1]), "np")
        if t.low.endswith("s") or t.low in ("police", "staff", "people"):
            return Subject(t.text, "np")  # bare plural: "officials said"
    return None


def cue_length(toks: list[Tok], i: int, end: int) -> int:
    """Length in tokens of a speech cue starting at toks[i], 0 if there is none."""
    t = toks[i]
    if i + 1 < end and (t.low, toks[i + 1].low) in _PHRASAL:
        return 2
    # Speech verbs are lower case mid-sentence: "States" or "Post" are names, not cues.
    return 1 if t.low in CUE_WORDS and not t.is_cap else 0


def _abbrev_dot(toks: list[Tok], k: int) -> bool:
    """True when the "." at toks[k] belongs to a title or initial ("Mr.", "J.")."""
    prev = toks[k - 1] if k > 0 else None
    return prev is not None and prev.end == toks[k].start and (
        prev.low in _ROLE_WORDS or (len(prev.text) == 1 and prev.is_cap)
    )


def attribute_after(toks: list[Tok], i: int, end: int, people: People) -> Subject | None:
    """Attribution after a quote: '," he said', '," said John Smith', '" Smith told Y',
    '" — Jane Doe' (an epigraph-style byline)."""
    dashed = False
    while i < end and toks[i].text in ",—–-―:;":
        dashed = dashed or toks[i].text in "—–―-"
        i += 1
    if i >= end:
        return None
    n = cue_length(toks, i, end)
    if n:
        if toks[i].low == "according":
            return subject_forward(toks, i + 2, end, people)
        k = i + n
        while k < end and toks[k].low in _AUX_ADVERBS:
            k += 1
        return subject_forward(toks, k, end, people)
    for k in range(i + 1, min(end, i + 12)):
        if toks[k].text in ";!?" or (toks[k].text == "." and not _abbrev_dot(toks, k)):
            break
        if cue_length(toks, k, end) and toks[k].low not in _PARTICIPLES:
            sub = subject_backward(toks, k, i, people)
            if sub is not None:
                return sub
            break
    if dashed:
        sub = subject_forward(toks, i, end, people)
        if sub is not None and sub.kind == "name":
            return sub
    return None


def is_according(toks: list[Tok], i: int, end: int) -> bool:
    """True when the text after a quote starts with "according to"."""
    while i < end and toks[i].text in ",—–-":
        i += 1
    return i + 1 < end and toks[i].low == "according" and toks[i + 1].low == "to"


def attribute_before(toks: list[Tok], start: int, j: int, people: People) -> Subject | None:
    """Attribution before a quote: 'X said: "', 'X said that the "', 'According to X, "'."""
    cues = [k for k in range(start, j) if cue_length(toks, k, j)]
    for n, k in enumerate(reversed(cues)):
        if toks[k].low == "according":
            sub = subject_forward(toks, k + 2, j, people)
            if sub is not None:
                return sub
            continue
        if toks[k].low in _PARTICIPLES:
            # "..., Trump attacked Clinton ..., saying: '...'": the clause's subject speaks.
            sub = _clause_subject(toks, start, k, people)
        else:
            sub = subject_backward(toks, k, start, people)
        if sub is None and toks[k].low in _INVERTIBLE:
            sub = subject_forward(toks, k + cue_length(toks, k, j), j, people)  # 'said Smith: "'
            if sub is not None and sub.kind != "name":
                sub = None
        if sub is None and n == 0:
            # The cue shares its clause's subject: "Mr Putin outlined ... and told Mr Xi that".
            sub = _clause_subject(toks, start, k, people)
        if sub is not None:
            return sub
    return None


def _clause_subject(toks: list[Tok], start: int, j: int, people: People) -> Subject | None:
    """The first person named in toks[start:j] who is not an object of a preposition."""
    for k in range(start, j):
        t = toks[k]
        prev = toks[k - 1].low if k > start else ""
        if prev in _PREPOSITIONS or prev in _DETERMINERS:
            continue
        if t.low in ("he", "she"):
            return Subject(t.low, "pronoun")
        if _is_name_word(t) and t.low not in _FUNCTION_WORDS:
            e = k
            while e < j and (_is_name_word(toks[e]) or toks[e].text == "."):
                e += 1
            name, _, had_role, _ = people.split_name(_words(toks[k:e]))
            if people.canonical(name) or _looks_like_person(name, had_role):
                return _name_subject(toks, k, e, people)
    return None


def speaker_name(subject: Subject, people: People) -> str:
    """The speaker to report for a non-pronoun subject.

    A definite role ("the president", "the Kremlin spokesman") becomes the person the text
    gives that role to ("President Barack Obama"), when exactly one person has it.
    """
    words = subject.text.split()
    if subject.kind == "np" and 2 <= len(words) <= 3 and words[0].lower() == "the":
        role = _role_key(words[1:])
        if role:
            return people.by_role(role) or subject.text
    return subject.text
