"""The USSD channel: AT's session callbacks, session state, and the menu engine."""
