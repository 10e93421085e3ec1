"""/language: the user's language — of the bot's messages and, with an LLM, of summaries."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot import render
from bot.app.preferences import LanguageChoice
from bot.callbacks import PickLanguage
from bot.telegram import messages, pickers, sender, texts
from bot.telegram.buttons import Press
from bot.telegram.catalog import LANGUAGES, t, ui_language
from bot.telegram.context import NewsContext


def _name(code: str) -> str:
    return texts.LANGUAGE_NAMES.get(code, code)


def _picker(lang: str) -> InlineKeyboardMarkup:
    return pickers.languages([(code, _name(code)) for code in LANGUAGES], t("BUTTON_LANGUAGE_AUTO", lang))


def confirmation(choice: LanguageChoice, lang: str, translates: bool) -> tuple[str, bool]:
    """What the bot says after a choice (HTML), in ``lang`` (the language in effect now), and
    whether to offer the picker again (the choice was not a language the bot can write in)."""
    code = choice.code
    if choice.outcome == "unsaved":
        return render.esc(t("NOT_SAVED", lang)), False
    if choice.outcome == "auto":
        return render.esc(t("LANGUAGE_AUTO", lang)), False
    if choice.outcome == "unknown":
        return render.esc(t("LANGUAGE_BAD", lang, code=code[:20])), True
    if ui_language(code) != code.split("-")[0]:  # the bot's own messages don't speak it
        if translates:
            return t("LANGUAGE_SET_OTHER", lang, code=render.esc(code)), False
        return render.esc(t("LANGUAGE_OTHER_OFFLINE", lang)), True
    key = "LANGUAGE_SET" if translates else "LANGUAGE_SET_OFFLINE"
    return render.esc(t(key, lang)), False


async def language_command(update: Update, context: NewsContext) -> None:
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    if not context.args:
        current = await messages.language_of(update, context)
        await sender.reply_html(message, t("LANGUAGE_USAGE", current), _picker(current))
        return
    choice = await context.preferences.choose_language(user.id, context.args[0])
    lang = await messages.language_of(update, context)
    reply, offer = confirmation(choice, lang, context.preferences.translates)
    await sender.reply_html(message, reply, _picker(lang) if offer else None)


async def language_button(press: Press[PickLanguage], context: NewsContext) -> None:
    """A language in the picker: choose it and say so in place of the picker."""
    user = press.update.effective_user
    if user is None:
        return
    choice = await context.preferences.choose_language(user.id, press.action.language)
    await press.toast()
    lang = await messages.language_of(press.update, context)
    reply, _ = confirmation(choice, lang, context.preferences.translates)
    await sender.edit_html(press.message, reply)
