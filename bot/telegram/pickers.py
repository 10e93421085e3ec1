"""Small inline keyboards for conversations and settings: ask about the active article, pick a
language, pick a time zone."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import Action, AskAbout, PickLanguage, PickZone


def _button(label: str, action: Action) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=action.encode())


def ask_about(article_key: str, label: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button(label, AskAbout(article_key))]])


def languages(choices: list[tuple[str, str]], auto_label: str) -> InlineKeyboardMarkup:
    """One button per language (code, name), then "follow Telegram's language"."""
    row = [_button(name, PickLanguage(code)) for code, name in choices]
    return InlineKeyboardMarkup([row[:3], row[3:], [_button(auto_label, PickLanguage("auto"))]])


def zone_name(zone: str) -> str:
    """A zone's city as people write it: "America/Argentina/Buenos_Aires" → "Buenos Aires"."""
    return zone.rsplit("/", 1)[-1].replace("_", " ")


def zones(names: list[str]) -> InlineKeyboardMarkup:
    """One button per likely time zone, two to a row."""
    buttons = [_button(zone_name(name), PickZone(name)) for name in names]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])
