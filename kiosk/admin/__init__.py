"""Qt-free admin logic: the admin PIN with lockout, retention of attendance, enrollment capture guidance.

The Qt admin screens (kiosk/ui/admin) are thin views over these modules, the Store and the people service
(:mod:`kiosk.people`, which owns every change to people).
"""
