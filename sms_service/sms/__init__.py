"""The SMS channel: Africa's Talking adapter, webhooks, keywords, the outbox."""
