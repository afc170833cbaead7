"""The 工作台 (dashboard) and the 自查报告 draft: above review, board, reports and requests,
whose rules they read (core layers: with desk and demo)."""
