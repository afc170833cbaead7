"""政务公开台账 (the Disclosure Desk): a street office's government-information disclosure desk."""

__version__ = "0.1.0"
APP_NAME = "政务公开台账"
APP_ID = "deskapp"
