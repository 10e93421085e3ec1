"use strict";
// Renders a Telegram message as a client does: plain text plus entities. Offsets and lengths are
// UTF-16 code units, which is what JavaScript string indices are.

const SAFE_LINK = /^(https?:|mailto:|tg:)/i;

function linkTo(href, text) {
  const a = document.createElement("a");
  if (SAFE_LINK.test(href)) a.href = href;
  a.target = "_blank";
  a.rel = "noopener noreferrer";
  a.title = href;
  if (text !== undefined) a.textContent = text;
  return a;
}

function elementFor(entity, inner, onCommand) {
  const make = (tag, cls) => { const el = document.createElement(tag); if (cls) el.className = cls; return el; };
  switch (entity.type) {
    case "bold": return make("b");
    case "italic": return make("i");
    case "underline": return make("u");
    case "strikethrough": return make("s");
    case "code": return make("code");
    case "pre": return make("pre");
    case "text_link": return linkTo(entity.url);
    case "url": return linkTo(/^[a-z]+:/i.test(inner) ? inner : "http://" + inner);
    case "email": return linkTo("mailto:" + inner);
    case "blockquote": return make("blockquote");
    case "expandable_blockquote": {
      const q = make("blockquote", "expandable");
      q.addEventListener("click", () => q.classList.toggle("open"));
      return q;
    }
    case "spoiler": {
      const s = make("span", "spoiler");
      s.addEventListener("click", () => s.classList.add("shown"));
      return s;
    }
    case "bot_command": {
      const c = make("span", "cmd");
      c.addEventListener("click", () => onCommand(inner));
      return c;
    }
    default: return make("span", entity.type);
  }
}

function build(parent, text, start, end, entities, onCommand) {
  let pos = start;
  let i = 0;
  while (i < entities.length) {
    const e = entities[i];
    const eStart = Math.max(e.offset, pos);
    const eEnd = Math.min(e.offset + e.length, end);
    const inner = [];
    let j = i + 1;
    while (j < entities.length && entities[j].offset < eEnd) inner.push(entities[j++]);
    if (eStart > pos) parent.append(text.slice(pos, eStart));
    if (eEnd > eStart) {
      const el = elementFor(e, text.slice(eStart, eEnd), onCommand);
      build(el, text, eStart, eEnd, inner, onCommand);
      parent.append(el);
      pos = eEnd;
    }
    i = j;
  }
  if (pos < end) parent.append(text.slice(pos, end));
}

// A DocumentFragment for text with entities; onCommand(text) runs when a /command is clicked.
function renderEntities(text, entities, onCommand) {
  const sorted = (entities || []).slice().sort((a, b) => a.offset - b.offset || b.length - a.length);
  const fragment = document.createDocumentFragment();
  build(fragment, text || "", 0, (text || "").length, sorted, onCommand || (() => {}));
  return fragment;
}
