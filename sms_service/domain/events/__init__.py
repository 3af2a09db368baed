"""Events: forums, festivals, debates and workshops people register for by SMS and USSD, with
places, a waiting list, reminders, notices of changes, and check-in at the door."""
