"""Staff and manager tools: moderation, signature exports, delivery packs."""
