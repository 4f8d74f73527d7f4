"""Qt-free admin logic: admin accounts (roles, PINs, per-account lockout, setup code), retention of attendance,
enrollment capture guidance.

The Qt admin screens (kiosk/ui/admin) are thin views over these modules, the Store and the people service
(:mod:`kiosk.people`, which owns every change to people).
"""
