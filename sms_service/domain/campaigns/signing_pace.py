"""How fast one client address may sign on the public petition page: at most N signatures a
minute, then it is asked to wait for the rest of the minute. Many people can share one address
(a school, an office, a mobile carrier's NAT), so this slows an address down and never blocks it.

IPv6 clients are counted per /64, the block one household or phone is given: a program cannot
escape the count by taking a new address inside its own block. The address is kept only as a
fingerprint inside a Redis counter that expires with its minute.
"""

import hashlib
import ipaddress

from sms_service.core.counters import per_minutes

IPV6_BLOCK = 64


def address_key(address):
    """The counted form of a client `address` (IPv4 or IPv6 text): a SHA-256 prefix of the IPv4
    address or the IPv6 /64; an unreadable one (a proxy's "unknown") is counted as it is."""
    try:
        parsed = ipaddress.ip_address((address or "").strip())
    except ValueError:
        network = f"other:{(address or '')[:64]}"
    else:
        if parsed.version == 6 and parsed.ipv4_mapped:
            parsed = parsed.ipv4_mapped
        network = str(parsed) if parsed.version == 4 else str(ipaddress.ip_network(f"{parsed}/{IPV6_BLOCK}", strict=False))
    return hashlib.sha256(f"petition-address\n{network}".encode()).hexdigest()[:32]


class SigningPace:
    def __init__(self, counters, per_minute):
        """`counters`: core.counters.FixedWindows; `per_minute`: signatures per address a minute."""
        self.counters = counters
        self.limit = per_minutes(per_minute, 1)

    def wait_seconds(self, address):
        """Count one signature from `address`: 0 when it may go on now, otherwise how many seconds
        to wait before trying again."""
        key = ("petition-signing", address_key(address))
        if self.counters.hit(self.limit, *key):
            return 0
        return self.counters.seconds_to_room(self.limit, *key)
