"""The English words attribution reads: speech verbs, titles and roles, closed-class words.

Only general vocabulary lives here, never names of people, places or organisations: whoever a
story is about, it reports speech with the same verbs ("said", "told", "according to"), puts the
same titles before names ("Mr", "Mayor") and the same kinds of nouns in organisation names
("Ministry", "Council"). Who the people are is learnt from each article (:mod:`.people`).
"""

from __future__ import annotations

__all__ = [
    "AUX_ADVERBS",
    "BREAKERS",
    "CALENDAR",
    "CUE_WORDS",
    "DETERMINERS",
    "FEMALE_NOUNS",
    "FEMALE_PRONOUNS",
    "FEMALE_TITLES",
    "FUNCTION_WORDS",
    "INVERTIBLE",
    "LOCATIVES",
    "MALE_NOUNS",
    "MALE_PRONOUNS",
    "MALE_TITLES",
    "ORGANISATION_NOUNS",
    "PARTICIPLES",
    "PARTICLES",
    "PHRASAL_CUES",
    "PREPOSITIONS",
    "PRONOUNS",
    "ROLE_WORDS",
]

# --- reporting verbs ---------------------------------------------------------------------------

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
PARTICIPLES = frozenset(f for f in CUE_WORDS if f.endswith("ing"))
# Cues that may precede their subject ('"...," said Smith'). Not "told": its noun is the listener.
INVERTIBLE = frozenset(
    f for b in _SPEECH_BASES if b not in ("tell", "urge", "warn", "report", "post") for f in _forms(b)
) - PARTICIPLES
# Two-word cues where the first word alone is not a speech verb.
PHRASAL_CUES = frozenset({
    ("point", "out"), ("points", "out"), ("pointed", "out"), ("pointing", "out"),
    ("went", "on"), ("goes", "on"), ("according", "to"), ("put", "it"), ("puts", "it"),
})

# --- pronouns ----------------------------------------------------------------------------------

PRONOUNS = frozenset("he she they it i we you".split())
MALE_PRONOUNS = frozenset("he him his himself".split())
FEMALE_PRONOUNS = frozenset("she her hers herself".split())

# --- titles and roles --------------------------------------------------------------------------

# Titles and roles that precede a name ("Mayor Anna Keller", "union leader Tomas Varga"); the
# name itself starts after the last of them.
ROLE_WORDS = frozenset(
    """mr mrs ms miss mx dr prof professor sir dame lord lady madam rev reverend father
    president vice prime minister foreign defence defense interior finance secretary
    spokesman spokeswoman spokesperson chancellor senator sen rep representative gov governor
    mayor general gen col colonel maj major capt captain lt lieutenant sgt sergeant adm admiral
    judge justice chief ceo cfo coo chairman chairwoman chair director king queen prince
    princess duke duchess pope sheikh emir ambassador commissioner attorney lawyer coach
    manager deputy leader candidate nominee officer detective inspector superintendent sheriff
    speaker premier boss founder owner head mp mep congressman congresswoman councillor
    councilman councilwoman chairperson dean principal archbishop bishop cardinal hon
    economist analyst scientist researcher author editor""".split()
)
MALE_TITLES = frozenset(
    "mr sir lord king prince duke father congressman councilman spokesman chairman".split()
)
FEMALE_TITLES = frozenset(
    """mrs ms miss madam lady dame queen princess duchess congresswoman councilwoman
    spokeswoman chairwoman""".split()
)
# Nouns that describe a man or a woman in an apposition: "Anna Keller, a mother of three,".
MALE_NOUNS = frozenset(
    """man father husband son brother grandfather grandson uncle nephew boy widower
    businessman sportsman fisherman policeman actor""".split()
)
FEMALE_NOUNS = frozenset(
    """woman mother wife daughter sister grandmother granddaughter aunt niece girl widow
    businesswoman sportswoman fisherwoman policewoman actress""".split()
)

# --- names that are not people -----------------------------------------------------------------

CALENDAR = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december today yesterday""".split()
)

# Common nouns that make a capitalised name an organisation, place, event or document.
ORGANISATION_NOUNS = frozenset(
    """party house senate congress ministry department council committee commission court
    police agency union states kingdom republic nations university college school institute
    foundation association bank group company corporation corp inc ltd llc plc airlines
    airways club center centre hospital city county state province north south east west
    northern southern eastern western central national international federal royal army navy
    force forces guard service services office government administration cabinet parliament
    assembly church channel network media press news times post journal herald tribune review
    magazine report island islands river lake mountain sea ocean park square road avenue
    street airport station stadium league cup championship games world war day year act bill
    law treaty agreement plan project program programme security intelligence studies
    research poll survey fund trust""".split()
)

# Name particles: "Ursula von der Leyen", "Abu Bakr al-Baghdadi".
PARTICLES = frozenset("de da del della der di du van von bin ibn al el la le ter den dos das".split())

# --- closed-class words ------------------------------------------------------------------------

# Capitalised only because they open a sentence: never part of a name.
FUNCTION_WORDS = frozenset(
    """the a an and but or nor so yet in on at as for with after before when while if this
    that these those it its there here according meanwhile however also since although though
    because from by to of his her their our my we they he she i you what why how who where
    which despite during under over among between through without within about around against
    then now today yesterday last next once still even not no yes all both each every many
    most some such""".split()
)

# Determiners that open a descriptive subject: "a city spokesman said".
DETERMINERS = frozenset(
    "the a an one another his her its their this that these those some several two three".split()
)

# Words that cannot be inside a subject noun phrase directly before a verb.
BREAKERS = frozenset(
    """and but or that which who whom whose when while as if because although though since
    after before where so than then to of""".split()
)
PREPOSITIONS = frozenset(
    "to of in on at by for with from about into over under against between through via".split()
)
# Prepositions of place: what follows them ("in Norrland", "at Harbour Hall") is somewhere.
LOCATIVES = frozenset("in at across near throughout inside outside".split())

# Words that may sit between a subject and its speech verb: "Smith has also said".
AUX_ADVERBS = frozenset(
    """has have had was is were are will would could should also later then previously once
    recently again repeatedly reportedly further publicly privately separately earlier
    subsequently simply only just even already frankly bluntly flatly angrily famously
    quietly openly initially finally first last today yesterday tonight""".split()
)
