"use strict";
// The playground's chat: one tab is one user. Talks JSON to /api/* and listens to /api/events.

const $ = (id) => document.getElementById(id);
const session = window.sessionStorage;
if (!session.getItem("userId")) session.setItem("userId", String(100000 + Math.floor(Math.random() * 900000)));
const me = { id: Number(session.getItem("userId")), name: "Guest " + session.getItem("userId").slice(-3) };
const view = { mode: session.getItem("mode") || "private", chatId: null, bot: null, groupChatId: null,
               commands: [], replyTo: null, events: null, bubbles: new Map(), typingTimer: null };

async function api(path, body) {
  const init = body instanceof FormData ? { method: "POST", body }
    : body ? { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) } : {};
  const response = await fetch(path, init);
  if (!response.ok) throw new Error(await response.text());
  return response.json();
}

function who() { return { user_id: me.id, first_name: me.name, chat: view.mode }; }

function setStatus(text, online) {
  $("status").textContent = text;
  $("status").classList.toggle("online", Boolean(online));
}

function toast(text, long) {
  const box = $("toast");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(box.timer);
  box.timer = setTimeout(() => { box.hidden = true; }, long ? 6000 : 2500);
}

function plainOf(message) {
  return message.text || message.caption || (message.document ? "📄 " + message.document.file_name : "");
}

function setReply(message, placeholder) {
  view.replyTo = message ? message.message_id : null;
  $("replying").hidden = !message;
  $("replying-text").textContent = message ? plainOf(message).slice(0, 120) : "";
  $("input").placeholder = placeholder || "Send a link, or ask about the last one";
  if (message) $("input").focus();
}

function keyboardOf(message) {
  const rows = (message.reply_markup && message.reply_markup.inline_keyboard) || [];
  if (!rows.length) return null;
  const box = document.createElement("div");
  box.className = "keyboard";
  for (const row of rows) {
    const line = document.createElement("div");
    line.className = "row";
    for (const button of row) {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = button.text;
      if (button.callback_data !== undefined) {
        b.addEventListener("click", () => press(message, button.callback_data));
      } else if (button.url) {
        b.addEventListener("click", () => window.open(button.url, "_blank", "noopener"));
      }
      line.append(b);
    }
    box.append(line);
  }
  return box;
}

function bubbleFor(message) {
  const fromBot = Boolean(message.from && message.from.is_bot);
  const bubble = document.createElement("div");
  bubble.className = "msg " + (fromBot ? "bot" : "user");
  bubble.dataset.messageId = message.message_id;
  if (view.mode === "group" && !fromBot && message.from.id !== me.id) {
    const sender = document.createElement("div");
    sender.className = "sender";
    sender.textContent = message.from.first_name;
    bubble.append(sender);
  }
  if (message.reply_to_message) {
    const quote = document.createElement("div");
    quote.className = "quote";
    quote.textContent = plainOf(message.reply_to_message);
    bubble.append(quote);
  }
  if (message.document) {
    const doc = document.createElement("div");
    doc.className = "doc";
    doc.textContent = "📄 " + (message.document.file_name || "file");
    bubble.append(doc);
  }
  const text = document.createElement("div");
  text.className = "text";
  text.append(renderEntities(message.text || message.caption || "",
                             message.entities || message.caption_entities, sendCommand));
  bubble.append(text);
  const keyboard = keyboardOf(message);
  if (keyboard) bubble.append(keyboard);
  const meta = document.createElement("div");
  meta.className = "meta";
  const time = new Date(message.date * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  meta.textContent = (message.edit_date ? "edited " : "") + time;
  const reply = document.createElement("button");
  reply.type = "button";
  reply.className = "reply";
  reply.textContent = "Reply";
  reply.addEventListener("click", () => setReply(message));
  meta.append(reply);
  bubble.append(meta);
  return bubble;
}

function scrollToEnd() { const list = $("messages"); list.scrollTop = list.scrollHeight; }

function upsert(message, forceReply) {
  const bubble = bubbleFor(message);
  const old = view.bubbles.get(message.message_id);
  if (old) old.replaceWith(bubble); else $("messages").append(bubble);
  view.bubbles.set(message.message_id, bubble);
  if (message.from && message.from.is_bot) {
    document.querySelectorAll(".msg.draft").forEach((d) => d.remove());
    if (!old) setStatus("bot", true);
    if (forceReply) setReply(message, forceReply.placeholder);
  }
  if (!old) scrollToEnd();
}

function showDraft(event) {
  const id = "draft-" + event.draft_id;
  let bubble = document.getElementById(id);
  if (!bubble) {
    bubble = document.createElement("div");
    bubble.id = id;
    bubble.className = "msg bot draft";
    $("messages").append(bubble);
  }
  bubble.textContent = event.text;
  scrollToEnd();
}

function onEvent(event) {
  if (event.type === "message") upsert(event.message, event.force_reply);
  else if (event.type === "delete") {
    const bubble = view.bubbles.get(event.message_id);
    if (bubble) bubble.remove();
    view.bubbles.delete(event.message_id);
  } else if (event.type === "draft") showDraft(event);
  else if (event.type === "action") {
    setStatus("typing…", true);
    clearTimeout(view.typingTimer);
    view.typingTimer = setTimeout(() => setStatus("bot", true), 5000);
  } else if (event.type === "toast") toast(event.text, event.alert);
  else if (event.type === "commands") loadState(false);
}

function renderCommands() {
  const box = $("commands");
  box.replaceChildren();
  for (const c of view.commands) {
    const b = document.createElement("button");
    b.type = "button";
    const name = document.createElement("b");
    name.textContent = "/" + c.command;
    b.append(name, c.description);
    b.addEventListener("click", () => { box.hidden = true; sendCommand("/" + c.command); });
    box.append(b);
  }
}

async function loadState(full) {
  const state = await api("/api/state?chat_id=" + (view.mode === "group" ? "group" : me.id));
  view.bot = state.bot;
  view.groupChatId = state.group_chat_id;
  view.chatId = view.mode === "group" ? state.group_chat_id : me.id;
  view.commands = state.commands;
  $("bot-name").textContent = state.bot.first_name;
  renderCommands();
  setStatus(state.ready ? "bot" : "starting the bot…", state.ready);
  if (!state.ready) setTimeout(() => loadState(false), 1000);
  if (!full) return;
  $("messages").replaceChildren();
  view.bubbles.clear();
  state.messages.forEach((m) => upsert(m));
  if (view.events) view.events.close();
  view.events = new EventSource("/api/events?chat_id=" + view.chatId);
  view.events.onmessage = (e) => onEvent(JSON.parse(e.data));
}

async function send(text) {
  if (!text.trim()) return;
  const body = { ...who(), text, reply_to: view.replyTo };
  setReply(null);
  try { await api("/api/send", body); } catch (err) { toast(err.message, true); }
}

function sendCommand(command) {
  const mention = view.mode === "group" && view.bot && !command.includes("@") ? "@" + view.bot.username : "";
  send(command + mention);
}

async function press(message, data) {
  try { await api("/api/press", { ...who(), message_id: message.message_id, data }); }
  catch (err) { toast(err.message, true); }
}

function switchMode(mode) {
  view.mode = mode;
  session.setItem("mode", mode);
  $("mode-private").classList.toggle("on", mode === "private");
  $("mode-group").classList.toggle("on", mode === "group");
  setReply(null);
  loadState(true).catch((err) => toast(err.message, true));
}

$("composer").addEventListener("submit", (e) => { e.preventDefault(); send($("input").value); $("input").value = ""; });
$("input").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); $("composer").requestSubmit(); }
});
$("menu").addEventListener("click", () => { $("commands").hidden = !$("commands").hidden; });
$("replying-cancel").addEventListener("click", () => setReply(null));
$("mode-private").addEventListener("click", () => switchMode("private"));
$("mode-group").addEventListener("click", () => switchMode("group"));
$("file").addEventListener("change", async () => {
  const file = $("file").files[0];
  if (!file) return;
  const form = new FormData();
  form.append("file", file);
  for (const [k, v] of Object.entries(who())) form.append(k, String(v));
  $("file").value = "";
  try { await api("/api/upload", form); } catch (err) { toast(err.message, true); }
});
$("me").textContent = me.name;
switchMode(view.mode);
