"""Qt-free admin logic: admin accounts (roles, PINs, per-account lockout, setup code), retention of attendance,
enrollment capture guidance.

The Qt admin screens (kiosk/ui/admin) are thin views over these modules and the Store/Enroller.
"""
