"""Engine: conversations over the campaigns (the USSD menu, the SMS router) and the flows."""
