"""Africa's Talking: the only code that knows AT's wire format."""
