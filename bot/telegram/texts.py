"""Every fixed sentence the bot says, in English, in one place (HTML where it has tags); the
translations are in locales/ (see catalog.py). Words around summaries and in digests are the
English defaults of ``bot.render.SummaryWords`` and ``bot.digest.render.DigestWords``."""

# The parsers end their error messages with these; the bot says them too.
from bot.digest.schedule import ZONE_HELP as ZONE_HELP
from bot.errors import PdfEncrypted, PdfMalformed, PdfNoText, PdfTooBig, PdfTooManyPages, PdfTooSlow
from bot.timeofday import TIME_HELP as TIME_HELP

WELCOME = (
    "👋 <b>Hi{name}! I'm newsbot.</b>\n\n"
    "Send me a link to a news story and I'll reply within seconds with a short summary "
    "and the key quotes — each quote checked word for word against the article.\n\n"
    "<b>What you can do</b>\n"
    "• Send or forward a news link (up to 3 per message)\n"
    "• Paste an article's text and I'll summarize that\n"
    "• Send a PDF (the file or a link): press releases, court rulings, reports\n"
    "• Reply to a summary with a question and I'll answer from the article\n"
    "• /subscribe to feeds and get one digest a day at your local time\n\n"
    "Type /help for all commands."
)

HELP = (
    "<b>How to use newsbot</b>\n\n"
    "<b>Summaries</b>\n"
    "• Send a news link — I reply with a summary and verified quotes.\n"
    "• /summarize &lt;link&gt; — the same, also in groups.\n"
    "• 🔔 Follow under a summary, or /follow &lt;link&gt; — I tell you when the story changes; /following.\n"
    "• Paste a long article text to summarize it.\n"
    "• Send a PDF (the file or a link) — I summarize it the same way.\n"
    "• /language — the language I write in (and, with an LLM, summaries).\n\n"
    "<b>Questions</b>\n"
    "• After a summary, just ask: “who is Peskov?”\n"
    "• Reply to any summary to ask about that article.\n"
    "• /new — forget the current article.\n\n"
    "<b>Daily digest</b>\n"
    "• /subscribe &lt;feed, site or preset&gt; — /sources lists presets.\n"
    "• /subscriptions, /unsubscribe, /export — manage them; send an .opml file to import.\n"
    "• /timezone Europe/Berlin, /digest_time 08:00 — when the digest comes.\n"
    "• /digest — get it now; /digest off or /digest on — pause or resume;\n"
    "  /digest silent or /digest notify — say nothing, or one line, on quiet days.\n\n"
    "In groups, mention me or reply to my messages."
)

COMMAND_NAMES = ("start", "help", "summarize", "new", "stop", "language", "subscribe", "subscriptions",
                 "unsubscribe", "sources", "digest", "digest_time", "timezone", "export", "follow",
                 "following")  # fmt: skip
COMMAND_START = "What this bot does"
COMMAND_HELP = "How to use it"
COMMAND_SUMMARIZE = "Summarize a link: /summarize <url>"
COMMAND_NEW = "Forget the current article"
COMMAND_STOP = "Stop the reply being written"
COMMAND_LANGUAGE = "Your language"
COMMAND_SUBSCRIBE = "Follow a feed or site"
COMMAND_SUBSCRIPTIONS = "Your feeds"
COMMAND_UNSUBSCRIBE = "Stop following a feed"
COMMAND_SOURCES = "Built-in news sources"
COMMAND_DIGEST = "Digest now, or /digest off|on"
COMMAND_DIGEST_TIME = "When your digest comes: /digest_time 08:00"
COMMAND_TIMEZONE = "Your time zone: /timezone Europe/Berlin"
COMMAND_EXPORT = "Export your feeds as OPML"
COMMAND_FOLLOW = "Follow a story as it changes: /follow <link>"
COMMAND_FOLLOWING = "Stories you follow"
BOT_SHORT_DESCRIPTION = "Send a news link, get a short summary with verified quotes. Ask about it; get a daily digest."
BOT_DESCRIPTION = (
    "Send me a link to a news story and I'll reply within seconds with a short summary and the key "
    "quotes, each checked word for word against the article.\n\n"
    "Then ask me about it, or subscribe to feeds and get one digest a day at your local time."
)

LANGUAGE_NAMES = {"en": "English", "de": "Deutsch", "fr": "Français", "es": "Español", "ru": "Русский"}

STATS = (
    "<b>Today ({day}, UTC)</b>\n"
    "Users: {users}\n"
    "Summaries: {summaries} (cache hit rate {hit_rate})\n"
    "LLM tokens: {tokens} (estimated cost {cost:.4f})\n"
    "Extractive fallbacks: {fallbacks}, of them over budget: {refusals}\n"
    "Errors: {errors}\n"
    "Daily token budgets: {user_budget} per user, {global_budget} in all"
)
UNLIMITED = "unlimited"
UNKNOWN_COMMAND = "I don't know the command {command}. Type /help to see what I can do."
NOT_ALLOWED = "Sorry, this bot is private. Ask its owner to add you."
INTERNAL_ERROR = "Sorry, something went wrong on my side. Please try again in a moment."
NOT_SAVED = "I couldn't save that right now — try again in a minute."
STORE_UNAVAILABLE = "I can't reach my storage right now, so I couldn't do that — try again in a minute."
TOO_SLOW = "Sorry, that took too long. The site or the summarizer is slow right now — please try again."
TOO_MANY_LINKS = "I'll summarize the first {n} links; send the others in another message."
RATE_LIMITED_LINKS = "You're sending links faster than I can read them. Please try again in {wait}."
RATE_LIMITED_SUBSCRIBE = "That's a lot of new feeds at once. Please try again in {wait}."
RATE_LIMITED_OPML = "That's more feeds than I can check right now. Please send the file again in {wait}."
RATE_LIMITED_DIGEST = "That's enough digests for now. The next one can come in {wait}."
WAIT_SECONDS = "{n} s"
WAIT_MINUTES = "{n} min"
SUMMARIZE_USAGE = (
    "Send /summarize with a link, e.g. <code>/summarize https://example.com/news/story</code>, "
    "or reply /summarize to a message that has a link."
)
REFRESH_EXPIRED = "This summary is too old to refresh. Send the link again."
NO_LINK_HINT = (
    "Send me a link to a news story and I'll summarize it. "
    "After a summary you can ask me questions about the article."
)
LANGUAGE_USAGE = (
    "I write to you in English. Pick another language below, or send /language with a code, "
    "e.g. <code>/language de</code>."
)
LANGUAGE_SET = "Done — I'll write to you in English, summaries included."
LANGUAGE_SET_OFFLINE = (
    "Done — I'll write to you in English. Summaries stay in each article's own language "
    "until an LLM is configured to translate them."
)
LANGUAGE_SET_OTHER = "Done — summaries will be in <b>{code}</b>; my own messages stay in English."
LANGUAGE_OTHER_OFFLINE = (
    "Summaries stay in each article's own language until an LLM is configured to translate them, "
    "and I speak English, Deutsch, Français, Español and Русский. Pick one below."
)
LANGUAGE_AUTO = "Done — I'll follow your Telegram language."
LANGUAGE_BAD = "“{code}” isn't a language code I know. Use a two-letter code like en, de, fr or es."
BUTTON_LANGUAGE_AUTO = "📱 Telegram's language"
NO_ACTIVE_ARTICLE = "Send me a link first, then ask about it."
HELLO = "Hi! 👋"
CHAT_HINT = (
    "Send me a link to a news story (or paste an article) and I'll summarize it. "
    "Then ask me anything about it."
)
CHAT_HINT_ACTIVE = (
    "Send me a link to a news story and I'll summarize it, or ask a question about "
    "“{title}”."
)
ANSWER_ABOUT = "About: <b>{title}</b>"
ONLY_ABOUT_ARTICLE = "I can only answer about the article “{title}”."
ARTICLE_GONE = "I don't have that article any more. Send the link again and ask away."
QUESTION_TOO_LONG = "That question is too long — please keep it under {n} characters."
RATE_LIMITED_QUESTIONS = "You're asking faster than I can read. Please ask again in {wait}."
FORGOT = "Okay, I've forgotten our conversation. Send me a new link whenever you like."
STOPPED = "Stopped."
NOTHING_TO_STOP = "There's nothing to stop right now."
OUTDATED_BUTTON = "This button is out of date. Send the link again, or use the buttons under a newer message."

# -- summaries ----------------------------------------------------------------------------------------

READING_TEXT = "⏳ Reading your text…"
READING_LINK = "⏳ Reading {host}…"
ASK_PROMPT = "💬 What would you like to know about {subject}? Reply to this message with your question."
ASK_PROMPT_UNTITLED = "this article"

READING_PDF = "⏳ Reading {name}…"

# -- PDFs: why one can't be summarized (the first six are the errors' own reasons) ----------------

PDF_NO_TEXT = PdfNoText.REASON
PDF_ENCRYPTED = PdfEncrypted.REASON
PDF_MALFORMED = PdfMalformed.REASON
PDF_TOO_MANY_PAGES = PdfTooManyPages.REASON
PDF_TOO_SLOW = PdfTooSlow.REASON
PDF_TOO_BIG = PdfTooBig.REASON
PDF_TOO_LARGE = "That PDF is too large for me — I read files of up to {mb} MB."
PDF_DOWNLOAD_FAILED = "I couldn't download that PDF. Please send it again."
REFRESHING = "Refreshing…"
NO_CHANGES = "No changes since {at}."
UPDATED_TOAST = "Updated: the article changed."
SUMMARIZING = "Summarizing…"
STORY_GONE = "This story is too old now. Send its link to get a summary."
BUTTON_ASK = "💬 Ask about this"
BUTTON_REFRESH = "🔄 Refresh"
BUTTON_ORIGINAL = "🌐 Open original"
QUESTION_PLACEHOLDER = "Your question…"

# -- feeds ---------------------------------------------------------------------------------------------

SUBSCRIBE_USAGE = (
    "Send /subscribe with a feed or site address, or a source name from /sources, e.g.\n"
    "<code>/subscribe https://example.com/rss.xml</code>\n<code>/subscribe bbc-world</code>"
)
ADMINS_ONLY = "Only this group's admins can change its digest."
NO_SUBSCRIPTIONS = (
    "You don't follow any feeds yet. Send /subscribe with a feed or site address, "
    "or pick a source from /sources."
)
UNKNOWN_SOURCE = (
    "I don't know a source called “{name}”. /sources lists the built-in ones, "
    "or send a feed or site address."
)
ASK_TIMEZONE = (
    "🌍 Which time zone are you in? Tap yours below so the digest comes at your morning, "
    "or type your city after /timezone, e.g. <code>/timezone Lisbon</code>."
)
ASK_TIMEZONE_TYPE = (
    "🌍 Which time zone are you in? Type your city after /timezone, e.g. "
    "<code>/timezone Lisbon</code>, so the digest comes at your morning."
)
CANT_SUBSCRIBE = "I can't subscribe to that: {reason}"
WHICH_FEED = "That site has several feeds. Which one would you like?"
SUBSCRIBED = "✅ Subscribed to <b>{name}</b>."
ALREADY_FOLLOWING = "You already follow <b>{name}</b>."
CHOICE_EXPIRED = "That choice expired. Send /subscribe again."
CHECKING_FEED = "Checking the feed…"
SCHEDULE = "Your digest comes daily at <b>{at}</b> ({timezone})."
SCHEDULE_PAUSED = " It is paused: /digest on resumes it."
FEEDS_HEADER = "<b>Your feeds</b> ({count}/{limit})"
FEEDS_PARKED = "\nDigests are stopped because I couldn't reach this chat; /start resumes them."
FEEDS_FOOTER = "\nRemove one with a button or /unsubscribe &lt;number&gt;."
BUTTON_UNSUBSCRIBE = "✖ Unsubscribe {number}. {name}"
NOT_FOLLOWING = "You don't follow that. /subscriptions lists your feeds with numbers."
UNSUBSCRIBED = "Unsubscribed from <b>{name}</b>."
UNSUBSCRIBED_TOAST = "Unsubscribed from {name}"
ALREADY_REMOVED = "Already removed."
SOURCES_HEADER = "<b>Built-in sources</b> — subscribe with /subscribe and the name after the dash:"
SOURCES_FOOTER = "Any other site works too: /subscribe with its address."

# -- OPML ----------------------------------------------------------------------------------------------

EXPORT_CAPTION = "Your {count} feed{s} as OPML: any feed reader imports this."
OPML_TOO_LARGE = "That OPML file is too large."
OPML_DOWNLOAD_FAILED = "I couldn't download that file. Please send it again."
OPML_EMPTY = "That OPML file lists no feeds."
OPML_CHECKING = "⏳ Checking {count} feeds…"
OPML_CUT = "Only the first {count} feeds of the file were read."
IMPORTED = "📥 Imported {count} feed{s}"
IMPORTED_KNOWN = ", {count} you already follow"
IMPORT_SKIPPED = "Skipped {count}:"
IMPORT_SKIPPED_LINE = "• {name} — {reason}"
OVER_THE_LIMIT = "over the limit"

# -- when the digest comes ----------------------------------------------------------------------------

NEXT_DIGEST = "Next digest: {at} ({zone})."
DIGEST_TIME_IS = "Your digest comes at <b>{at}</b>. {help}"
DIGEST_TIME_SET = "Done — your digest comes daily at <b>{at}</b>.\n{next}"
TIMEZONE_IS = "Your time zone is <b>{zone}</b>. {help}"
TIMEZONE_SET = "Time zone set to <b>{zone}</b>; it's {local} there.\n{next}"
DIGEST_USAGE = (
    "/digest — your digest now\n/digest off — pause the daily digest\n/digest on — resume it\n"
    "/digest silent — no message on days with nothing new\n/digest notify — a one-line note on such days"
)
DIGEST_PAUSED = "⏸ Daily digest paused. /digest on resumes it."
DIGEST_RESUMED = "▶️ Daily digest on. {next}"
MORE_STORIES = "Here come the next stories…"
DIGEST_ON_NO_FEEDS = (
    "▶️ Daily digest on — but you don't follow any feeds yet, so there is nothing to send. "
    "Send /subscribe with a feed or site address, or pick a source from /sources."
)
QUIET_DAYS = "Done — on days with nothing new you get {what}."
QUIET_DAYS_NOTE = "a one-line note"
QUIET_DAYS_NOTHING = "no message"

# -- inline mode (@bot <link> in any chat) -----------------------------------------------------------

INLINE_HINT_TITLE = "Paste a news link"
INLINE_HINT_DESCRIPTION = "Type a link after my name and I'll put its summary into this chat."
INLINE_HINT_MESSAGE = "📰 To share a news summary in any chat, type @{bot} and paste the story's link."
INLINE_NO_LINK_TITLE = "That isn't a link"
INLINE_NO_LINK_DESCRIPTION = "Paste the link to a news story after my name."
INLINE_FAILED_TITLE = "I can't summarize this link"
INLINE_TOO_FAST_TITLE = "Too many links at once"
INLINE_NOT_ALLOWED_TITLE = "This bot is private"
INLINE_PENDING = "⏳ Summarizing {site}…"
INLINE_PENDING_DESCRIPTION = "Send it now: it turns into the summary as soon as it's ready."
INLINE_LINK_TITLE = "Just the link"
INLINE_BUTTON_ORIGINAL = "🌐 Read the original"
INLINE_BUTTON_ASK = "💬 Ask the bot"
# -- following a story ----------------------------------------------------------------------------------

BUTTON_FOLLOW = "🔔 Follow"
FOLLOW_USAGE = (
    "Send /follow with a news link, e.g. <code>/follow https://example.com/story</code>. "
    "I'll re-check the story and message you when something material changes."
)
FOLLOW_STARTED = (
    "🔔 Following <b>{title}</b>. I'll re-check it for up to {hours} hours and message you when "
    "something material changes. /following lists your stories."
)
FOLLOW_ALREADY = "You already follow <b>{title}</b>."
FOLLOW_LIMIT = (
    "You already follow {limit} stories, the most at once. "
    "Unfollow one in /following, then try again."
)
FOLLOW_NOT_A_LINK = "Only a story from a link can be followed. Send me its link."
FOLLOW_TOAST = "🔔 Following this story"
FOLLOWING_NONE = "You don't follow any stories. Tap 🔔 Follow under a summary, or send /follow with a link."
FOLLOWING_HEADER = "<b>Stories you follow</b> ({count}/{limit})"
FOLLOWING_NIGHT_HELD = "🌙 If you set a /timezone, updates that come at night (22:00–07:00) wait until morning."
FOLLOWING_NIGHT_SENT = "🌙 Updates also come at night."
BUTTON_UNFOLLOW = "✖ Unfollow {number}. {title}"
BUTTON_NIGHT_ON = "🌙 Send updates at night too"
BUTTON_NIGHT_OFF = "🌙 Hold updates until morning"
UNFOLLOWED_TOAST = "Unfollowed: {title}"
UNFOLLOW_GONE = "You don't follow that story any more."
UPDATE_HEADER = "🔔 <b>Updated:</b> {title}"
UPDATE_HEADLINE = "Headline: {old} → {new}"
UPDATE_FACTS = "<b>What's new</b>"
UPDATE_QUOTES = "<b>New quotes</b>"
UPDATE_REMOVED = "Sentences removed or rewritten: {count}."
