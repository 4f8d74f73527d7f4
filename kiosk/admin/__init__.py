"""Qt-free admin logic: admin accounts (roles, PINs, per-account lockout, setup code), the privacy settings
(retention of attendance, the presentation-attack check, the audit log), enrollment capture guidance.

The Qt admin screens (kiosk/ui/admin) are thin views over these modules and the other services the
composition root hands them: the people service (:mod:`kiosk.people`, which owns every change to people),
the attendance ledger (:mod:`kiosk.attendance.ledger`) and the outputs' dead letters
(:mod:`kiosk.outputs.dead_letters`). None of the screens reaches the store itself.
"""
