"""Getting updates to the bot: long polling (getUpdates) or a webhook, never both."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import re
from collections import deque
from typing import Any

import aiohttp

from bot.playground.api_types import (
    TelegramError,
    now,
)
from bot.playground.server_thread import HOST
from bot.playground.state import EmulatorState


class UpdateDelivery(EmulatorState):
    """Long polls wake on new updates; a second poller gets 409 as on Telegram."""

    async def _m_getUpdates(self, params: dict, files: dict) -> list[dict[str, Any]]:
        with self._lock:
            if self._webhook is not None:
                raise TelegramError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; use "
                    "deleteWebhook to delete the webhook first",
                )
            self._poll_generation += 1
            generation = self._poll_generation
            self.last_poll_started = now()  # a bot is ready once its first long poll is waiting
            if "allowed_updates" in params and isinstance(params["allowed_updates"], list):
                self._allowed_updates = list(params["allowed_updates"])
        self._wake_on_loop()  # terminates an older long poll (409 below)
        offset = params.get("offset")
        limit = params.get("limit") or 100
        limit = max(1, min(100, int(limit)))
        timeout = float(params.get("timeout") or 0)
        deadline = now() + max(0.0, timeout)
        while True:
            with self._lock:
                if self._stopping:
                    return []
                if generation != self._poll_generation:
                    raise TelegramError(
                        409,
                        "Conflict: terminated by other getUpdates request; make sure that only "
                        "one bot instance is running",
                    )
                if self._webhook is not None:
                    raise TelegramError(409, "Conflict: terminated by setWebhook request")
                self._ack(offset)
                batch = self._deliverable()[:limit]
                if batch:
                    return copy.deepcopy(batch)
                event = self._wake_event
            remaining = deadline - now()
            if remaining <= 0 or event is None:
                return []
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    def _ack(self, offset: int | None) -> None:
        if offset is None:
            return
        offset = int(offset)
        if offset < 0:
            keep = -offset
            while len(self._updates) > keep:
                self._updates.popleft()
        else:
            while self._updates and self._updates[0]["update_id"] < offset:
                self._updates.popleft()

    def _deliverable(self) -> list[dict[str, Any]]:
        """Pending updates of allowed types (others are dropped, as Telegram never stores them)."""
        allowed = self._allowed_updates
        default_excluded = {"chat_member", "message_reaction", "message_reaction_count"}
        kept: deque[dict[str, Any]] = deque()
        for upd in self._updates:
            kind = next(k for k in upd if k != "update_id")
            if (allowed and kind in allowed) or (not allowed and kind not in default_excluded):
                kept.append(upd)
        self._updates = kept
        return list(kept)

    def _m_setWebhook(self, params: dict, files: dict) -> bool:
        url = params.get("url") or ""
        if not url:
            return self._m_deleteWebhook(params, files)
        if not str(url).startswith(("http://", "https://")):
            raise TelegramError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise TelegramError(400, "Bad Request: secret token contains unallowed characters")
        with self._lock:
            self._webhook = {
                "url": url,
                "secret_token": secret,
                "max_connections": int(params.get("max_connections") or 40),
                "allowed_updates": params.get("allowed_updates"),
            }
            if isinstance(params.get("allowed_updates"), list):
                self._allowed_updates = list(params["allowed_updates"])
            if params.get("drop_pending_updates"):
                self._updates.clear()
            self._webhook_last_error = None
        self._wake_on_loop()
        return True

    def _m_deleteWebhook(self, params: dict, files: dict) -> bool:
        with self._lock:
            self._webhook = None
            if params.get("drop_pending_updates"):
                self._updates.clear()
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            self._webhook_task = None
        return True

    def _m_getWebhookInfo(self, params: dict, files: dict) -> dict[str, Any]:
        with self._lock:
            info: dict[str, Any] = {
                "url": self._webhook["url"] if self._webhook else "",
                "has_custom_certificate": False,
                "pending_update_count": len(self._deliverable()),
            }
            if self._webhook:
                info["max_connections"] = self._webhook["max_connections"]
                info["ip_address"] = HOST
                if self._webhook.get("allowed_updates") is not None:
                    info["allowed_updates"] = self._webhook["allowed_updates"]
            if self._webhook_last_error:
                info["last_error_date"], info["last_error_message"] = self._webhook_last_error
            return info

    def _ensure_webhook_task(self) -> None:
        if self._webhook is None or self._stopping:
            return
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.get_running_loop().create_task(self._webhook_sender())

    async def _webhook_sender(self) -> None:
        """Deliver pending updates one at a time, in order; retry each until it gets a 2xx."""
        attempt = 0
        while True:
            with self._lock:
                hook = self._webhook
                pending = self._deliverable() if hook else []
                event = self._wake_event
            if hook is None or self._stopping:
                return
            if not pending:
                if event is None:
                    return
                await event.wait()
                continue
            update = pending[0]
            headers = {"Content-Type": "application/json"}
            if hook.get("secret_token"):
                headers["X-Telegram-Bot-Api-Secret-Token"] = hook["secret_token"]
            status, error = 0, ""
            try:
                assert self._http is not None
                async with self._http.post(hook["url"], data=json.dumps(update), headers=headers) as r:
                    status = r.status
                    await r.read()
                    if not 200 <= status < 300:
                        error = f"Wrong response from the webhook: {status} {r.reason}"
            except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                error = f"Connection failed: {exc!r}"
            with self._changed:
                self.webhook_deliveries.append(
                    {"update_id": update["update_id"], "status": status, "error": error, "time": now()}
                )
                if not error:
                    attempt = 0
                    if self._updates and self._updates[0] is update:
                        self._updates.popleft()
                    else:
                        with contextlib.suppress(ValueError):
                            self._updates.remove(update)
                else:
                    self._webhook_last_error = (self._date(), error)
                self._changed.notify_all()
            if error:
                attempt += 1
                await asyncio.sleep(min(self.webhook_retry_delay * 2 ** min(attempt - 1, 6), 2.0))
