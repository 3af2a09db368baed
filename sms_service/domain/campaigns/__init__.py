"""Campaign logic: what signing, subscribing and choosing a language mean, whatever the channel."""
