"""Reading what a Telegram update asks for: its links, whether it speaks to the bot, who sent it
and in which language they read."""

from __future__ import annotations

from telegram import Bot, Message, MessageEntity, Update
from telegram.constants import ChatType

from bot.store.limits import chat_subject, user_subject
from bot.telegram.context import NewsContext

# Telegram's stand-in sender for every anonymous group admin, in every group
ANONYMOUS_ADMIN = 1087968824

MAX_LINKS = 3
PASTED_ARTICLE_WORDS = 120


def links_in(message: Message) -> list[str]:
    """URLs from `url` and `text_link` entities of the text or caption, in order, without repeats."""
    found: list[str] = []
    kinds: list[str | None] = [MessageEntity.URL, MessageEntity.TEXT_LINK]
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
    kinds: list[str | None] = [MessageEntity.MENTION, MessageEntity.TEXT_MENTION]
    for entities in (message.parse_entities(kinds), message.parse_caption_entities(kinds)):
        for entity, text in entities.items():
            if entity.type == MessageEntity.MENTION and text.lstrip("@").lower() == username:
                return True
            if entity.user and entity.user.id == bot.id:
                return True
    return False


def without_mention(text: str, bot: Bot) -> str:
    if bot.username:
        text = text.replace(f"@{bot.username}", "")
    return text.strip()


def is_pasted_article(text: str) -> bool:
    return len(text.split()) >= PASTED_ARTICLE_WORDS


def user_id_of(update: Update) -> int | None:
    return update.effective_user.id if update.effective_user else None


def limit_subject(update: Update) -> str:
    """Whom a rate limit counts: the person, or the chat when no person is behind the update
    (channel posts, messages sent as a chat or by an anonymous admin)."""
    user = update.effective_user
    message = update.effective_message
    if user is None or user.id == ANONYMOUS_ADMIN or (message is not None and message.sender_chat is not None):
        chat = update.effective_chat
        return chat_subject(chat.id if chat else 0)
    return user_subject(user.id)


def app_language(update: Update) -> str | None:
    """The language of the sender's Telegram app (no storage needed: for replies when it is down)."""
    return update.effective_user.language_code if update.effective_user else None


async def language_of(update: Update, context: NewsContext) -> str:
    """The language the sender reads summaries in: their choice, else their Telegram app's."""
    user = update.effective_user
    return await context.preferences.language(user.id if user else None, user.language_code if user else None)
