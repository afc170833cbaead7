"""工作台 (the first tab): figures, charts, the inspection checklist, the 自查报告 draft."""
