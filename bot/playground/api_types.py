"""Bot API types and constants the emulator shares: a recorded call, a stored message, an error."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

EPOCH = 1767225600  # 2026-01-01T00:00:00Z; dates are EPOCH + seconds since the fake started

# Parameters whose form value is a JSON-encoded object/array (PTB sends them that way).
JSON_PARAMS = frozenset(
    {
        "reply_markup", "link_preview_options", "reply_parameters", "commands", "results",
        "allowed_updates", "entities", "caption_entities", "scope", "button", "message_ids",
        "reaction", "suggested_post_parameters", "input_message_content", "media",
    }
)  # fmt: skip
INT_PARAMS = frozenset(
    {
        "message_id", "offset", "limit", "timeout", "user_id", "draft_id", "cache_time",
        "max_connections", "reply_to_message_id", "message_thread_id", "from_chat_id",
        "until_date", "retry_after",
    }
)  # fmt: skip
BOOL_PARAMS = frozenset(
    {
        "drop_pending_updates", "show_alert", "disable_notification", "protect_content",
        "is_personal", "disable_web_page_preview", "allow_sending_without_reply",
        "disable_content_type_detection", "allow_paid_broadcast", "only_if_banned", "is_big",
    }
)  # fmt: skip
CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
        "upload_document", "choose_sticker", "find_location", "record_video_note",
        "upload_video_note",
    }
)  # fmt: skip
# Methods counted by the flood-control simulation (see set_flood_limits).
FLOOD_METHODS = frozenset({"sendMessage", "sendDocument", "editMessageText", "sendPhoto", "copyMessage"})
# Methods that are recorded and simply answered with `true`.
TRIVIAL_METHODS = (
    "setMessageReaction", "pinChatMessage", "unpinChatMessage", "unpinAllChatMessages",
    "setChatMenuButton", "setMyDescription", "setMyShortDescription", "setMyName", "leaveChat",
    "close", "logOut",
)  # fmt: skip

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


def now() -> float:
    return time.monotonic()


@dataclass
class Call:
    """One request the fake answered."""

    method: str  # canonical Bot API name, e.g. "sendMessage"
    params: dict[str, Any]  # decoded parameters (JSON fields decoded, ints/bools coerced)
    status: int  # HTTP status returned
    response: dict[str, Any]  # the JSON body returned
    token: str
    time: float  # time.monotonic() when the answer was produced
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # multipart uploads

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def description(self) -> str | None:
        return self.response.get("description")


@dataclass
class StoredMessage:
    """A message in a chat as the fake holds it (bot messages are the interesting ones)."""

    message_id: int
    chat_id: int
    text: str | None  # final text as sent (HTML source when parse_mode=HTML); None for documents
    plain_text: str | None  # what the user sees: tags stripped, entities unescaped, trimmed
    parse_mode: str | None
    entities: list[dict[str, Any]]
    reply_markup: dict[str, Any] | None
    reply_to_message_id: int | None
    edits: list[str]  # earlier texts (source), oldest first
    deleted: bool
    link_preview_disabled: bool
    from_bot: bool
    date: int
    kind: str = "text"  # "text" | "document"
    caption: str | None = None  # source caption (documents)
    plain_caption: str | None = None
    document: dict[str, Any] | None = None  # file_name, mime_type, file_id, file_size
    document_bytes: bytes | None = None
    raw: dict[str, Any] = field(default_factory=dict)  # the Message JSON as last returned

    @property
    def inline_keyboard(self) -> list[list[dict[str, Any]]]:
        return (self.reply_markup or {}).get("inline_keyboard", [])

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """Inline keyboard buttons, flattened."""
        return [b for row in self.inline_keyboard for b in row]

    @property
    def callback_data(self) -> list[str]:
        return [b["callback_data"] for b in self.buttons if "callback_data" in b]


class TelegramError(Exception):
    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters



ADMIN_RIGHTS: dict[str, Any] = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
    "can_pin_messages": True,
}
RESTRICTED_MEMBER: dict[str, Any] = {
    "is_member": True,
    "can_send_messages": True,
    "can_send_audios": True,
    "can_send_documents": True,
    "can_send_photos": True,
    "can_send_videos": True,
    "can_send_video_notes": True,
    "can_send_voice_notes": True,
    "can_send_polls": True,
    "can_send_other_messages": True,
    "can_add_web_page_previews": True,
    "can_change_info": False,
    "can_invite_users": False,
    "can_pin_messages": False,
    "can_manage_topics": False,
    "until_date": 0,
}

