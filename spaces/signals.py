"""What spaces announce to the parts above them (the API's webhooks …).

``bookings_changed``: sent inside the service's transaction with ``bookings`` (a list
of Booking) and ``action`` ("booked", "cancelled", "confirmed", "checked_in",
"checked_out", "released", "expired").
"""

from django.dispatch import Signal

bookings_changed = Signal()
