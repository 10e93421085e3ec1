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


def zones(choices: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    """One button per likely time zone (zone, label), two to a row."""
    buttons = [_button(label, PickZone(zone)) for zone, label in choices]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])
