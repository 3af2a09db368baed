"""The USSD conversation: session state, the menu engine, screens."""
