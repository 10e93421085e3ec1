"""Try the bot without Telegram: a Bot API emulator (also the test suite's Telegram) and a web chat
on top of it. Speaks HTTP/JSON only; never imports ``telegram``."""
