"""People's own data: what is kept about a number, erasing it on request, and the retention job
(Kenya's Data Protection Act 2019; docs/data-protection.md)."""
