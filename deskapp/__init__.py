"""政务公开台账 (the Disclosure Desk): a street office's government-information disclosure desk."""

__version__ = "0.1.0"
APP_NAME = "政务公开台账"
APP_ID = "deskapp"
# The installed desk's id: the .deb's package and /opt/apps folder, its menu entry's file name
# (installer/build-deb.sh reads it here), and what Wayland matches the window to. Never change it.
DESKTOP_ID = "org.deskapp.desk"
