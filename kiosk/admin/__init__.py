"""Qt-free admin logic: the admin PIN with lockout, retention of attendance, enrollment capture guidance.

The Qt admin screens (kiosk/ui/admin) are thin views over these modules and the Store/Enroller.
"""
