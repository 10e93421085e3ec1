"""Reading what a Telegram message asks for: its links, whether it speaks to the bot."""

from __future__ import annotations

from telegram import Bot, Message, MessageEntity
from telegram.constants import ChatType

MAX_LINKS = 3
PASTED_ARTICLE_WORDS = 120


def links_in(message: Message) -> list[str]:
    """URLs from `url` and `text_link` entities of the text or caption, in order, without repeats."""
    found: list[str] = []
    kinds = [MessageEntity.URL, MessageEntity.TEXT_LINK]
    for entities in (message.parse_entities(kinds), message.parse_caption_entities(kinds)):
        for entity, text in entities.items():
            url = entity.url if entity.type == MessageEntity.TEXT_LINK else text
            if url and url not in found:
                found.append(url)
    return found


def text_of(message: Message) -> str:
    return message.text or message.caption or ""


def is_private(message: Message) -> bool:
    return message.chat.type == ChatType.PRIVATE


def replies_to_bot(message: Message, bot: Bot) -> bool:
    reply = message.reply_to_message
    return bool(reply and reply.from_user and reply.from_user.id == bot.id)


def mentions_bot(message: Message, bot: Bot) -> bool:
    username = (bot.username or "").lower()
    kinds = [MessageEntity.MENTION, MessageEntity.TEXT_MENTION]
    for entities in (message.parse_entities(kinds), message.parse_caption_entities(kinds)):
        for entity, text in entities.items():
            if entity.type == MessageEntity.MENTION and text.lstrip("@").lower() == username:
                return True
            if entity.user and entity.user.id == bot.id:
                return True
    return False


def addressed_to_bot(message: Message, bot: Bot) -> bool:
    return is_private(message) or mentions_bot(message, bot) or replies_to_bot(message, bot)


def without_mention(text: str, bot: Bot) -> str:
    if bot.username:
        text = text.replace(f"@{bot.username}", "")
    return text.strip()


def is_pasted_article(text: str) -> bool:
    return len(text.split()) >= PASTED_ARTICLE_WORDS
